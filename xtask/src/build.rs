//! Builds the three artefacts: the SDK into `pkg/`, the edge worker into `edge/build/`,
//! and the demo app into `demo-app/dist/`.

use crate::run::{Result, check, cmd, root};

/// Builds everything, SDK first (the demo app bundles it).
pub(crate) fn all() -> Result {
    sdk()?;
    edge()?;
    demo()
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
        bindgen(name)?;
    }
    Ok(())
}

fn bindgen(name: &str) -> Result {
    let input = format!("target/wasm32-unknown-unknown/release/{name}.wasm");
    check(cmd(
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--omit-default-module-path",
            "--out-dir",
            "pkg/src/wasm",
            "--out-name",
            name,
            &input,
        ],
    ))?;
    let wasm = format!("pkg/src/wasm/{name}_bg.wasm");
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
    let glue = format!("pkg/src/wasm/{name}.js");
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
        .env("WASM_OPT_BIN", root.join("node_modules/.bin/wasm-opt"));
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
