//! Running commands with progress, and the `test` pipeline.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A failed step, with a message for the user.
pub(crate) type Result<T = ()> = std::result::Result<T, String>;

/// The repository root (the parent of `xtask/`).
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Cargo's target directory: `CARGO_TARGET_DIR` when set (relative to the root), else
/// `target/`.
pub(crate) fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map_or_else(|| root().join("target"), |dir| root().join(dir))
}

/// Prints a step header with the time since `start`.
pub(crate) fn step(start: Instant, what: &str) {
    println!("\n==> [{:>5.1}s] {what}", start.elapsed().as_secs_f64());
}

/// Cargo's bin directory, where `cargo install` puts the tools `setup` installs.
fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

/// A command run in the repo root, with cargo's bin directory on PATH (so freshly installed
/// tools are found even when the shell's PATH lacks it) and wrangler's telemetry off.
pub(crate) fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if !dirs.contains(&cargo_bin()) {
        dirs.insert(0, cargo_bin());
    }
    if let Ok(joined) = std::env::join_paths(dirs) {
        c.env("PATH", joined);
    }
    c.args(args)
        .current_dir(root())
        .env("WRANGLER_SEND_METRICS", "false");
    c
}

/// Runs `c` to completion and fails with its description when it exits non-zero.
pub(crate) fn check(mut c: Command) -> Result {
    let shown = format!("{c:?}");
    let status = c
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Runs `c` and returns its stdout when it succeeds, `None` otherwise (used for version probes).
pub(crate) fn probe(mut c: Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The `test` command: every check, in order of cost, stopping at the first failure.
pub(crate) fn test_all() -> Result {
    let start = Instant::now();
    step(
        start,
        "set-up (toolchain target, wasm-bindgen-cli, worker-build, npm packages, chromium)",
    );
    crate::setup::ensure(true)?;
    let mut passed = 0;

    step(start, "cargo fmt --check");
    check(cmd("cargo", &["fmt", "--all", "--check"]))?;
    passed += 1;

    step(start, "cargo clippy (host and wasm32) with -D warnings");
    check(cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    check(cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "rules",
            "-p",
            "protocol",
            "-p",
            "sdk",
            "-p",
            "edge",
            "-p",
            "console",
            "-p",
            "stats",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    passed += 1;

    step(
        start,
        "native tests (rules, protocol, stats, sdk engine, edge use cases, xtask)",
    );
    check(cmd("cargo", &["test", "--workspace"]))?;
    passed += 1;

    step(start, "wasm32 tests (rules under wasm-bindgen-test-runner)");
    check(cmd(
        "cargo",
        &["test", "-p", "rules", "--target", "wasm32-unknown-unknown"],
    ))?;
    passed += 1;

    step(start, "build SDK, edge worker and demo app");
    crate::build::all()?;
    passed += 1;

    step(start, "size report");
    crate::size::report()?;

    step(
        start,
        "edge integration and browser end-to-end tests against wrangler dev (workerd, local D1 + Durable Objects)",
    );
    crate::edge::run_js_tests(start, &[])?;
    passed += 1;

    println!(
        "\nAll checks passed in {:.0}s.",
        start.elapsed().as_secs_f64()
    );
    println!("xtask: {passed} passed, 0 failed");
    Ok(())
}
