//! `cargo xtask bench`: `rules::decide` natively (criterion-free, see `rules/benches/`), then
//! the same shape of load inside workerd: 200 live campaigns and 90 days of history for one
//! account, decided through `POST /v1/decide` on a local `wrangler dev` (`cargo xtask bench
//! decide` runs only that part).
//!
//! workerd does not expose CPU time to a client, and a worker's clock does not advance while
//! it computes, so the figure here is the request latency on loopback (worker → D1 catalog →
//! account Durable Object → SQLite facts → `decide` → JSON), next to `GET /v1/health` as the
//! floor of an empty request. Medians and p99 over sequential requests; no timed assertion.
//!
//! Then ingest throughput with concurrent clients (`xtask/js/bench-ingest.mjs`; `cargo xtask
//! bench ingest` runs only that part) and the control plane (`bench control`). Last, `track()`
//! of the SDK against `capture()` of posthog-js in one headless Chromium page
//! (`xtask/js/bench-track.mjs`); `cargo xtask bench track` runs only that part.

use std::time::Instant;

use crate::edge;
use crate::http;
use crate::run::{Result, check, cmd, root};
use crate::seed;

const CAMPAIGNS: usize = 200;
const FEATURES: usize = 20;
const USERS: usize = 5;
const DAYS: i64 = 90;
const RUNS: usize = 300;
const DAY_MS: i64 = 86_400_000;
const REPEAT: u32 = 50;

/// Campaign `i` of the synthetic catalog: every surface, category, trigger kind and the
/// computed facts that read 90 days (trends, health), like a busy workspace.
fn campaign(i: usize) -> String {
    let surfaces = ["modal", "banner", "slideout", "tooltip", "checklist"];
    let categories = [
        "general",
        "onboarding",
        "upgrade",
        "survey",
        "announcement",
        "invite",
        "approval",
    ];
    let surface = surfaces[i % surfaces.len()];
    let feature = format!("feature_{}", i % FEATURES);
    let scope = if i.is_multiple_of(2) {
        "account"
    } else {
        "user"
    };
    let mut all = vec![
        format!(
            r#"{{"gte":[{{"usage":{{"feature":"{feature}","scope":"{scope}","window":{{"last_days":28}}}}}},{{"value":{}}}]}}"#,
            i % 7
        ),
        r#"{"not":{"eq":[{"account_trait":"plan"},{"value":"enterprise"}]}}"#.to_owned(),
    ];
    if i.is_multiple_of(4) {
        all.push(
            r#"{"gte":[{"engagement_trend":{"scope":"account","days":7}},{"value":-50}]}"#
                .to_owned(),
        );
    }
    if i.is_multiple_of(6) {
        all.push(r#"{"ne":[{"computed":"health"},{"value":"green"}]}"#.to_owned());
    }
    let trigger = match i % 5 {
        0 => format!(r#","trigger":{{"event":{{"name":"{feature}"}}}}"#),
        1 => r#","trigger":{"page":"/reports/*"}"#.to_owned(),
        _ => String::new(),
    };
    let extra = match surface {
        "tooltip" => r#","anchor":{"name":"x"}"#,
        "checklist" => r#","tasks":[{"label":"Do it","event":"feature_1"}]"#,
        _ => "",
    };
    format!(
        r#"{{"id":"bench-{i}","surface":"{surface}","category":"{}","priority":{},"recurrence":"{}"{trigger},"audience":{{"all":[{}]}},"content":{{"title":"Campaign {i}","body":"Body {i}"{extra}}}}}"#,
        categories[i % categories.len()],
        i % 17,
        if i.is_multiple_of(2) {
            "once"
        } else {
            "until_dismissed"
        },
        all.join(",")
    )
}

/// The `bench` workspace for the bootstrap (`CAIRN_EXTRA_WORKSPACES`): the demo's settings,
/// a secret key and 200 campaigns, each drafted, approved and published through the API.
fn workspace_file() -> Result<String> {
    let settings: serde_json::Value =
        serde_json::from_str(&seed::settings()?).map_err(|e| e.to_string())?;
    let campaigns = (0..CAMPAIGNS)
        .map(|i| {
            let doc = campaign(i);
            protocol::v1::parse_campaign(&doc).map_err(|p| format!("bench campaign {i}: {p}"))?;
            serde_json::from_str(&doc).map_err(|e| format!("bench campaign {i}: {e}"))
        })
        .collect::<Result<Vec<serde_json::Value>>>()?;
    Ok(serde_json::json!({
        "bench": {
            "name": "Benchmark",
            "secret_key": "bench",
            "settings": settings,
            "campaigns": campaigns,
        }
    })
    .to_string())
}

/// `(status, body)` of one request on a fresh connection.
fn request(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String)> {
    http::request(port, method, path, body, "")
}

/// 90 days of tracked use by five users of one account of the workspace of `write_key`, sent
/// in batches of 1000 events.
fn load_history(port: u16, now_ms: i64, write_key: &str) -> Result<usize> {
    let mut events = Vec::new();
    for d in 0..DAYS {
        for f in 0..FEATURES {
            let n = usize::try_from((d + i64::try_from(f).unwrap_or(0)) % 4).unwrap_or(0);
            for k in 0..n {
                let id = format!("00000000-0000-4000-8000-{:012}", events.len());
                events.push(format!(
                    r#"{{"id":"{id}","type":"track","user_id":"user-{}","account_id":"acme","timestamp":{},"name":"feature_{f}"}}"#,
                    k % USERS,
                    now_ms - d * DAY_MS - 60_000
                ));
            }
        }
    }
    for chunk in events.chunks(1000) {
        let body = format!(
            r#"{{"write_key":"{write_key}","events":[{}]}}"#,
            chunk.join(",")
        );
        let (status, text) = request(port, "POST", "/v1/events", &body)?;
        if status != 200 {
            return Err(format!("loading history: {status} {text}"));
        }
    }
    Ok(events.len())
}

/// Median and p99 of `n` timed calls of `f`, in milliseconds.
fn time(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<(f64, f64)> {
    let mut ms = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() - 1) as f64 * p) as usize];
    Ok((at(0.5), at(0.99)))
}

/// The benchmark: native first, then workerd.
pub(crate) fn run() -> Result {
    check(cmd("cargo", &["bench", "-p", "rules", "--bench", "decide"]))?;
    let server = decide_in_workerd()?;
    ingest_on(server.port, server.fixtures.workspace("demo", "write_key")?)?;
    control_on(server.port, &server.control_key)?;
    drop(server);
    track()
}

/// `bench decide`: only the decision in workerd.
pub(crate) fn decide() -> Result {
    decide_in_workerd().map(drop)
}

/// Builds the edge, starts it with the synthetic catalog and history, and prints the
/// decision's figures; the worker keeps running for the parts that follow.
fn decide_in_workerd() -> Result<edge::Fresh> {
    crate::setup::ensure(false)?;
    crate::build::edge()?;
    let file = root().join("target/cairn-bench-workspaces.json");
    std::fs::create_dir_all(root().join("target")).map_err(|e| format!("target/: {e}"))?;
    std::fs::write(&file, workspace_file()?).map_err(|e| format!("{}: {e}", file.display()))?;
    let server = edge::start_fresh(
        "cairn-bench-state",
        edge::Extra {
            test_fixtures: false,
            workspaces_file: Some(&file),
        },
    )?;
    let port = server.port;
    let write_key = server.fixtures.workspace("bench", "write_key")?;
    let secret = server.fixtures.workspace("bench", "secret_key")?;
    let demo_key = server.fixtures.workspace("demo", "write_key")?;
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
    )
    .unwrap_or(0);
    let events = load_history(port, now_ms, write_key)?;
    let decide = format!(
        r#"{{"write_key":"{write_key}","user_id":"user-1","account_id":"acme","page":"/reports/q3"}}"#
    );
    let call = |method: &'static str, path: &'static str, body: &str| {
        let body = body.to_owned();
        move || -> Result<()> {
            let (status, text) = request(port, method, path, &body)?;
            if status == 200 {
                Ok(())
            } else {
                Err(format!("{method} {path}: {status} {text}"))
            }
        }
    };
    // Warm-up: module instantiation, the object's first SQLite reads.
    time(20, call("POST", "/v1/decide", &decide))?;
    let (health_p50, health_p99) = time(RUNS, call("GET", "/v1/health", ""))?;
    let (p50, p99) = time(RUNS, call("POST", "/v1/decide", &decide))?;
    // The same account history under the demo workspace's handful of campaigns: what the
    // catalog's size costs.
    let small = decide.replace(write_key, demo_key);
    load_history(port, now_ms, demo_key)?;
    let (small_p50, small_p99) = time(RUNS, call("POST", "/v1/decide", &small))?;
    // The decision alone, inside the account object: a why-not dry run repeated N times
    // (catalog parse, SQLite facts and history, decide, JSON) against the same request once.
    let auth = format!("Authorization: Bearer {secret}\r\n");
    let why = |n: u32| {
        let path = format!("/v1/debug/why?user=user-1&account=acme&page=/reports/q3&repeat={n}");
        let auth = auth.clone();
        move || -> Result<()> {
            let (status, text) = http::request(port, "GET", &path, "", &auth)?;
            if status == 200 {
                Ok(())
            } else {
                Err(format!("why: {status} {text}"))
            }
        }
    };
    let (once, _) = time(30, why(1))?;
    let (many, _) = time(30, why(REPEAT + 1))?;
    let per_decide = (many - once) / f64::from(REPEAT);
    println!(
        "workerd (wrangler dev, loopback), {CAMPAIGNS} campaigns, {events} events over {DAYS} days, \
         {RUNS} sequential requests:\n  POST /v1/decide   median {p50:.2} ms, p99 {p99:.2} ms\n  \
         GET /v1/health    median {health_p50:.2} ms, p99 {health_p99:.2} ms (empty-request floor)\n  \
         decide above the floor: median {:.2} ms\n  \
         POST /v1/decide, the demo's {} campaigns, same history: median {small_p50:.2} ms, p99 {small_p99:.2} ms\n  \
         one decision inside the account object (why-not repeated {REPEAT} extra times): {per_decide:.2} ms",
        p50 - health_p50,
        seed::campaigns()?.len()
    );
    Ok(server)
}

/// Runs `xtask/js/<script>` against the worker on `port`, with one more variable.
fn script_on(script: &str, port: u16, (name, value): (&str, &str)) -> Result {
    let mut node = cmd("node", &[&format!("xtask/js/{script}")]);
    node.env("CAIRN_URL", format!("http://127.0.0.1:{port}"))
        .env(name, value);
    check(node)
}

/// The control plane and the console (`xtask/js/bench-control.mjs`): sign-in (argon2id)
/// against the floor, publish to visible, and the campaign list's time to interactive.
fn control_on(port: u16, control_key: &str) -> Result {
    println!("control plane and console (xtask/js/bench-control.mjs):");
    script_on(
        "bench-control.mjs",
        port,
        ("CAIRN_CONTROL_KEY", control_key),
    )
}

/// Ingest throughput (`xtask/js/bench-ingest.mjs`): concurrent clients sending batches of 50
/// events, next to the same clients' empty requests.
fn ingest_on(port: u16, write_key: &str) -> Result {
    println!("ingest throughput, batches of 50 (xtask/js/bench-ingest.mjs):");
    script_on("bench-ingest.mjs", port, ("CAIRN_WRITE_KEY", write_key))
}

/// Workspace analytics (`xtask/js/bench-analytics.mjs`): rows written and bytes kept per
/// event, the Queue's flush-to-readable delay, and results latency over 10k accounts.
fn analytics_on(server: &edge::Fresh) -> Result {
    println!("workspace analytics (xtask/js/bench-analytics.mjs):");
    let mut node = cmd("node", &["xtask/js/bench-analytics.mjs"]);
    node.env("CAIRN_URL", format!("http://127.0.0.1:{}", server.port))
        .env(
            "CAIRN_WRITE_KEY",
            server.fixtures.workspace("lab", "write_key")?,
        )
        .env(
            "CAIRN_SECRET_KEY",
            server.fixtures.workspace("lab", "secret_key")?,
        );
    check(node)
}

/// `bench analytics`: only the analytics figures (on the test fixtures' `lab` workspace).
pub(crate) fn analytics() -> Result {
    crate::setup::ensure(true)?;
    let server = edge::start_fresh(
        "cairn-bench-state",
        edge::Extra {
            test_fixtures: true,
            workspaces_file: None,
        },
    )?;
    analytics_on(&server)
}

/// A fresh worker serving what `cargo xtask build` made last (for the parts run alone).
fn fresh_worker() -> Result<edge::Fresh> {
    crate::setup::ensure(true)?;
    edge::start_fresh(
        "cairn-bench-state",
        edge::Extra {
            test_fixtures: false,
            workspaces_file: None,
        },
    )
}

/// `bench control`: only the control plane and console part.
pub(crate) fn control() -> Result {
    let server = fresh_worker()?;
    control_on(server.port, &server.control_key)
}

/// `bench ingest`: only the ingest throughput.
pub(crate) fn ingest() -> Result {
    let server = fresh_worker()?;
    ingest_on(server.port, server.fixtures.workspace("demo", "write_key")?)
}

/// `track()` of Cairn against `capture()` of posthog-js (a dev dependency for this only), 200
/// and 5,000 calls in the same Chromium page, the network answered on loopback: per-call
/// times, their ratio and the longest task. Builds the SDK first.
pub(crate) fn track() -> Result {
    crate::setup::ensure(true)?;
    crate::build::sdk()?;
    println!("track() against posthog-js capture(), headless Chromium:");
    check(cmd("node", &["xtask/js/bench-track.mjs"]))
}
