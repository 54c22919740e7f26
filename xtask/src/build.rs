//! Builds the four artefacts: the SDK into `pkg/`, the edge worker into `edge/build/`, the
//! console into `console/dist/`, and the demo app into `demo-app/dist/` (the worker's static
//! assets), with the console copied into its `console/` folder.

use std::path::Path;
use std::time::Instant;

use crate::run::{Result, check, cmd, root, target_dir};

/// Builds everything, SDK first (the demo app bundles it), the console's files last (the demo
/// app's build starts its folder afresh).
pub(crate) fn all() -> Result {
    sdk()?;
    edge()?;
    console()?;
    demo()?;
    console_assets()
}

/// The SDK's two wasm modules: the core (tracking, loaded by `init`) and the guides
/// (rendering, loaded by `pkg/src/index.js` only when a decision carries a message).
pub(crate) const SDK_MODULES: [(&str, &str); 2] =
    [("sdk", "cairn_sdk"), ("guides", "cairn_guides")];

/// For each module: wasm32 release build → wasm-bindgen (web target) → wasm-opt -Oz →
/// minified glue, into `pkg/src/wasm/`. `index.js` always passes the wasm location, so the
/// glue needs no default module path.
pub(crate) fn sdk() -> Result {
    println!("building the SDK (two wasm modules, size-optimised)");
    let mut args = vec![
        "build",
        "--lib",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
    ];
    for (package, _) in SDK_MODULES {
        args.extend(["-p", package]);
    }
    check(cmd("cargo", &args))?;
    for (_, name) in SDK_MODULES {
        bindgen(name, "pkg/src/wasm", &["--omit-default-module-path"])?;
    }
    Ok(())
}

/// wasm-bindgen (web target, plus `flags`) → wasm-opt -Oz → minified glue, into `out_dir`.
fn bindgen(name: &str, out_dir: &str, flags: &[&str]) -> Result {
    let input = target_dir().join(format!("wasm32-unknown-unknown/release/{name}.wasm"));
    let input = input.to_string_lossy();
    let mut args = vec!["--target", "web"];
    args.extend(flags);
    args.extend(["--out-dir", out_dir, "--out-name", name, &input]);
    check(cmd("wasm-bindgen", &args))?;
    let wasm = format!("{out_dir}/{name}_bg.wasm");
    let mut opt = vec![
        "-Oz",
        "--converge",
        "--strip-producers",
        "--strip-target-features",
        "--zero-filled-memory",
        "--low-memory-unused",
    ];
    opt.extend(WASM_FEATURES);
    opt.extend([wasm.as_str(), "-o", wasm.as_str()]);
    check(cmd("node_modules/.bin/wasm-opt", &opt))?;
    let glue = format!("{out_dir}/{name}.js");
    check(cmd(
        ESBUILD,
        &[
            "--minify",
            "--format=esm",
            &glue,
            &format!("--outfile={glue}"),
            "--allow-overwrite",
            "--log-level=warning",
        ],
    ))
}

/// The console's wasm module (the `console` crate's binary) and where its files go.
pub(crate) const CONSOLE: &str = "cairn_console";
/// The console's built files, before they join the served assets.
pub(crate) const CONSOLE_DIST: &str = "console/dist";

/// The console (a Leptos client-side app): wasm32 release build → wasm-bindgen → wasm-opt →
/// minified glue, plus its static files (page, boot module, stylesheet, the preview page, the
/// results pages' chart script), the SDK's guides module (built first) for the preview, and
/// uPlot (the locked npm package, loaded by the chart script) into `console/dist/`.
pub(crate) fn console() -> Result {
    println!("building the console (wasm32 release, Leptos CSR)");
    let start = Instant::now();
    check(cmd(
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "console",
            "--bin",
            CONSOLE,
        ],
    ))?;
    let dist = root().join(CONSOLE_DIST);
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    // The boot module passes the wasm's URL; nobody imports the console's types.
    bindgen(CONSOLE, CONSOLE_DIST, &["--no-typescript"])?;
    for file in [
        "index.html",
        "boot.js",
        "console.css",
        "preview.html",
        "preview.js",
        "preview.css",
        "charts.js",
    ] {
        copy(&root().join("console/static").join(file), &dist.join(file))?;
    }
    // The live preview renders with the SDK's own guides module: the very files `pkg/` ships.
    for file in ["cairn_guides.js", "cairn_guides_bg.wasm"] {
        copy(&root().join("pkg/src/wasm").join(file), &dist.join(file))?;
    }
    // The results pages' charts: loaded on first use by `charts.js`, never by the app's boot.
    for file in ["uPlot.iife.min.js", "uPlot.min.css"] {
        copy(
            &root().join("node_modules/uplot/dist").join(file),
            &dist.join(file),
        )?;
    }
    println!("console built in {:.0}s", start.elapsed().as_secs_f64());
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} → {}: {e}", from.display(), to.display()))
}

/// Puts the console's files into the served assets under `/console/`, and the assets'
/// `_headers` (the console's CSP) at their root.
pub(crate) fn console_assets() -> Result {
    let assets = root().join("demo-app/dist");
    let to = assets.join("console");
    std::fs::create_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
    let from = root().join(CONSOLE_DIST);
    for entry in std::fs::read_dir(&from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        copy(&entry.path(), &to.join(entry.file_name()))?;
    }
    copy(
        &root().join("console/static/_headers"),
        &assets.join("_headers"),
    )
}

/// The esbuild binary of the locked npm package (a native binary, no install script needed).
const ESBUILD: &str = "node_modules/@esbuild/linux-x64/bin/esbuild";

/// worker-build with the tools `setup` installed, so nothing is fetched from GitHub.
pub(crate) fn edge() -> Result {
    println!("building the edge worker (worker-build --release)");
    let root = root();
    let bindgen = crate::run::probe(cmd("sh", &["-c", "command -v wasm-bindgen"]))
        .ok_or("wasm-bindgen not on PATH")?;
    let mut c = cmd("worker-build", &["--release"]);
    c.current_dir(root.join("edge"))
        .env("WASM_BINDGEN_BIN", bindgen)
        .env(
            "ESBUILD_BIN",
            root.join("node_modules/@esbuild/linux-x64/bin/esbuild"),
        )
        .env("WASM_OPT_BIN", root.join("node_modules/.bin/wasm-opt"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3");
    check(c)?;
    // worker-build keeps the names section (function names, ~170 KB raw); drop it.
    let wasm = "edge/build/index_bg.wasm";
    let mut strip = vec!["--strip-debug", "--strip-producers"];
    strip.extend(WASM_FEATURES);
    strip.extend([wasm, "-o", wasm]);
    check(cmd("node_modules/.bin/wasm-opt", &strip))
}

/// The wasm proposals our modules use, for binaryen to parse them.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Bundles the demo app (it imports `@cairn/sdk` from `pkg/` like a customer's app would).
pub(crate) fn demo() -> Result {
    println!("building the demo app");
    check(cmd("node", &["demo-app/build.mjs"]))
}
