//! Idempotent set-up: installs only what is missing or at the wrong version.
//!
//! Nothing is downloaded from GitHub: the wasm-bindgen CLI and worker-build come from
//! crates.io, esbuild / binaryen / wrangler / playwright-core from the npm registry (locked by
//! `package-lock.json`), Chromium from Debian.

use std::path::Path;

use crate::run::{Result, check, cmd, probe, root};

/// Makes sure every tool is present; `browser` adds Chromium and ChromeDriver (tests only).
pub(crate) fn ensure(browser: bool) -> Result {
    wasm_target()?;
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let bindgen =
        locked_version(&lock, "wasm-bindgen").ok_or("wasm-bindgen is not in Cargo.lock")?;
    cargo_tool(
        "wasm-bindgen-cli",
        "wasm-bindgen",
        &bindgen,
        &format!("wasm-bindgen {bindgen}"),
    )?;
    let worker = locked_version(&lock, "worker").ok_or("worker is not in Cargo.lock")?;
    cargo_tool("worker-build", "worker-build", &worker, &worker)?;
    npm_packages()?;
    if browser {
        chromium()?;
    }
    Ok(())
}

/// What the JavaScript suites alone need (`cargo xtask js`): the npm packages and Chromium.
pub(crate) fn ensure_js() -> Result {
    npm_packages()?;
    chromium()
}

fn wasm_target() -> Result {
    let installed = probe(cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    println!("installing the wasm32-unknown-unknown target");
    check(cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]))
}

/// The version of `name` recorded in Cargo.lock.
pub(crate) fn locked_version(lock: &str, name: &str) -> Option<String> {
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&needle)? + needle.len();
    Some(lock[start..].split('"').next()?.to_owned())
}

/// Installs `krate` at exactly `version` unless `bin --version` already prints `expect`.
fn cargo_tool(krate: &str, bin: &str, version: &str, expect: &str) -> Result {
    if probe(cmd(bin, &["--version"])).is_some_and(|v| v.trim() == expect) {
        return Ok(());
    }
    println!("installing {krate} {version} from crates.io (a few minutes, once)");
    check(cmd(
        "cargo",
        &[
            "install",
            krate,
            "--version",
            &format!("={version}"),
            "--locked",
        ],
    ))
}

/// `npm ci` when node_modules does not match package-lock.json.
fn npm_packages() -> Result {
    let lock = std::fs::read(root().join("package-lock.json"))
        .map_err(|e| format!("package-lock.json: {e}"))?;
    let want = crate::seed::sha256_hex(&lock);
    let stamp = root().join("node_modules/.cairn-lock-sha256");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == want) {
        return Ok(());
    }
    println!(
        "installing npm packages from package-lock.json (wrangler, esbuild, binaryen, playwright-core)"
    );
    check(cmd(
        "npm",
        &["ci", "--no-audit", "--no-fund", "--loglevel=error"],
    ))?;
    std::fs::write(&stamp, want).map_err(|e| format!("{}: {e}", stamp.display()))
}

fn chromium() -> Result {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    println!("installing Debian chromium and chromium-driver with apt-get");
    let sudo = probe(cmd("id", &["-u"])).is_none_or(|uid| uid != "0");
    let apt = |args: &[&str]| {
        let mut c = if sudo {
            cmd("sudo", &[&["apt-get"], args].concat())
        } else {
            cmd("apt-get", args)
        };
        c.env("DEBIAN_FRONTEND", "noninteractive");
        check(c)
    };
    apt(&["update", "-q"])?;
    apt(&["install", "-y", "-q", "chromium", "chromium-driver"])
}

#[cfg(test)]
mod tests {
    use super::locked_version;

    #[test]
    fn reads_versions_from_the_lock_file() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.129\"\n\n[[package]]\nname = \"worker\"\nversion = \"0.8.7\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.129")
        );
        assert_eq!(locked_version(lock, "worker").as_deref(), Some("0.8.7"));
        assert_eq!(locked_version(lock, "worker-build"), None);
    }
}
