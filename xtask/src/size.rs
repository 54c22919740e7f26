//! Size report: gzipped bytes of the SDK as shipped in `pkg/`, of the edge worker, and of
//! the console (checked against its budget).

use std::path::Path;

use crate::run::{Result, cmd, root};

fn gzipped(path: &Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e} (run `cargo xtask build`)", path.display()))?
        .len();
    let out = cmd("gzip", &["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    Ok((raw, out.stdout.len() as u64))
}

fn table(title: &str, files: &[&str]) -> Result<u64> {
    println!("{title}");
    let mut total = 0;
    for f in files {
        let (raw, gz) = gzipped(&root().join(f))?;
        total += gz;
        println!("  {f:<40} {raw:>9} B raw {gz:>8} B gzip");
    }
    println!(
        "  {:<40} {:>24} B gzip ({:.1} KB)",
        "total",
        total,
        total as f64 / 1024.0
    );
    Ok(total)
}

/// The console's budget (issue: ≤ 400 KB gzip for its wasm and JavaScript): the size check
/// fails above it. The full console measured 395.5 KB once `protocol` read error paths back
/// from the text instead of tracking them through serde (`serde_path_to_error`, ~110 KB raw).
pub(crate) const CONSOLE_BUDGET: u64 = 400 * 1024;

/// Prints the report and returns the gzipped size of what `init` loads.
pub(crate) fn report() -> Result<u64> {
    let eager = table(
        "SDK loaded by init() (pkg/, budget 40 KB gzip, goal 32 KB):",
        &[
            "pkg/src/index.js",
            "pkg/src/early.js",
            "pkg/src/wasm/cairn_sdk.js",
            "pkg/src/wasm/cairn_sdk_bg.wasm",
        ],
    )?;
    let lazy = table(
        "SDK guides, loaded when a decision first carries a message:",
        &[
            "pkg/src/wasm/cairn_guides.js",
            "pkg/src/wasm/cairn_guides_bg.wasm",
        ],
    )?;
    println!(
        "  {:<40} {:>24} B gzip ({:.1} KB)",
        "SDK total, both modules",
        eager + lazy,
        (eager + lazy) as f64 / 1024.0
    );
    table(
        "Edge worker (edge/build/):",
        &["edge/build/index.js", "edge/build/index_bg.wasm"],
    )?;
    let console = table(
        "Console (console/dist/, its wasm and JS: budget 400 KB gzip):",
        &[
            "console/dist/boot.js",
            "console/dist/cairn_console.js",
            "console/dist/cairn_console_bg.wasm",
        ],
    )?;
    if console > CONSOLE_BUDGET {
        return Err(format!(
            "the console is {console} B gzip, over its budget of {CONSOLE_BUDGET} B"
        ));
    }
    if eager > 40 * 1024 {
        println!("warning: the SDK loaded by init() is over its 40 KB gzip budget");
    }
    Ok(eager)
}
