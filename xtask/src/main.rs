//! `cargo xtask`: the two commands of the README (`dev`, `test`) and their building blocks.

// A command-line tool: it prints progress and reads the wall clock (the pure crates may not).
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::disallowed_methods)]

mod bench;
mod build;
mod edge;
mod http;
mod run;
mod schema;
mod seed;
mod setup;
mod size;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

  dev     set up, build, migrate, then serve edge + demo app + console on http://127.0.0.1:8787
          (the demo's workspaces and campaigns are created through the control-plane API);
          `dev --no-build` serves what `build` made last
  test    set up and run every test: fmt, clippy, native, wasm, edge integration, browser e2e
  build   build the SDK (pkg/), the edge worker, the console and the demo app;
          `build console` rebuilds only the console (into the demo app's assets);
          `build edge` only the edge worker
  js [suite …]
          run only tests/*.test.mjs (or the named suites, e.g. tests/edge.test.mjs) against a
          fresh wrangler dev; builds nothing (run `build` first)
  size    report gzipped sizes of the SDK, the edge worker and the console
  bench   benchmark decide: `rules::decide` natively, then /v1/decide in workerd
          (200 campaigns, 90 days of history), then track() against posthog-js in Chromium;
          `bench decide` runs only the workerd decision; `bench track` only the last part; `bench control` only the control plane and the
          console (sign-in, publish to visible, the campaign list's time to interactive);
          `bench ingest` only ingest throughput (concurrent clients, batches of 50);
          `bench analytics` only workspace analytics (rows and bytes per event, the Queue's
          delay, results over 10k accounts)
  schema  write the JSON Schemas of campaign and settings documents into docs/schema/
  setup   install what the other commands need (idempotent)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => match args.get(1).map(String::as_str) {
            None => edge::dev(true),
            Some("--no-build") => edge::dev(false),
            Some(other) => Err(format!("dev: unknown option {other}")),
        },
        Some("test") => run::test_all(),
        Some("build") => match args.get(1).map(String::as_str) {
            None => setup::ensure(false).and_then(|()| build::all()),
            Some("console") => build::console().and_then(|()| build::console_assets()),
            Some("edge") => build::edge(),
            Some(other) => Err(format!("build: unknown part {other}")),
        },
        Some("js") => setup::ensure_js().and_then(|()| edge::js(&args[1..])),
        Some("size") => size::report().map(|_| ()),
        Some("bench") => match args.get(1).map(String::as_str) {
            None => bench::run(),
            Some("decide") => bench::decide(),
            Some("track") => bench::track(),
            Some("control") => bench::control(),
            Some("ingest") => bench::ingest(),
            Some("analytics") => bench::analytics(),
            Some(other) => Err(format!("bench: unknown part {other}")),
        },
        Some("setup") => setup::ensure(true),
        Some("schema") => schema::write(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}
