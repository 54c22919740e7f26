//! `cargo xtask bench`: `rules::decide` natively (criterion-free, see `rules/benches/`), then
//! the same shape of load inside workerd: 200 live campaigns and 90 days of history for one
//! account, decided through `POST /v1/decide` on a local `wrangler dev`.
//!
//! workerd does not expose CPU time to a client, and a worker's clock does not advance while
//! it computes, so the figure here is the request latency on loopback (worker → D1 catalog →
//! account Durable Object → SQLite facts → `decide` → JSON), next to `GET /v1/health` as the
//! floor of an empty request. Medians and p99 over sequential requests; no timed assertion.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::edge;
use crate::run::{Result, check, cmd};
use crate::seed;

const CAMPAIGNS: usize = 200;
const FEATURES: usize = 20;
const USERS: usize = 5;
const DAYS: i64 = 90;
const RUNS: usize = 300;
const DAY_MS: i64 = 86_400_000;
const WRITE_KEY: &str = "wk_bench";
const REPEAT: u32 = 50;
/// The bench workspace's secret key (a local, throw-away state).
const SECRET: &str = "sk_bench_local";

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

/// SQL for the `bench` workspace: its write key, the demo's settings and 200 campaigns.
fn workspace_sql() -> Result<String> {
    let q = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let mut sql = format!(
        "INSERT INTO workspaces (id, name, settings, created_at) VALUES ('bench', 'Benchmark', {}, 0);\n\
         INSERT OR REPLACE INTO write_keys (key, workspace_id, debug) VALUES ('{WRITE_KEY}', 'bench', 0);\n\
         INSERT OR REPLACE INTO secret_keys (key_hash, workspace_id, label) VALUES ('{}', 'bench', 'bench');\n",
        q(&seed::settings()?),
        seed::sha256_hex(SECRET.as_bytes())
    );
    for i in 0..CAMPAIGNS {
        let doc = campaign(i);
        protocol::v1::parse_campaign(&doc).map_err(|p| format!("bench campaign {i}: {p}"))?;
        sql.push_str(&format!(
            "INSERT INTO campaigns (workspace_id, id, definition, updated_at) VALUES ('bench', 'bench-{i}', {}, 0);\n",
            q(&doc)
        ));
    }
    Ok(sql)
}

/// `(status, body)` of one request on a fresh connection, with optional extra headers. The body is read by its
/// Content-Length: the dev server keeps connections open despite `Connection: close`.
fn request(port: u16, method: &str, path: &str, body: &str) -> Result<(u16, String)> {
    request_with(port, method, path, body, "")
}

fn request_with(
    port: u16,
    method: &str,
    path: &str,
    body: &str,
    headers: &str,
) -> Result<(u16, String)> {
    let s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    (&s).write_all(
        format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             {headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(&s);
    let mut line = String::new();
    reader.read_line(&mut line).map_err(|e| e.to_string())?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut buf = vec![0; length];
    reader.read_exact(&mut buf).map_err(|e| e.to_string())?;
    Ok((status, String::from_utf8_lossy(&buf).into_owned()))
}

/// 90 days of tracked use by five users of one account, sent in batches of 1000 events.
fn load_history(port: u16, now_ms: i64) -> Result<usize> {
    load_history_for(port, now_ms, WRITE_KEY)
}

/// [`load_history`] into the workspace of `write_key`.
fn load_history_for(port: u16, now_ms: i64, write_key: &str) -> Result<usize> {
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
    crate::setup::ensure(false)?;
    crate::build::edge()?;
    let sql = workspace_sql()?;
    let server = edge::start_fresh("cairn-bench-state", |_| sql.clone())?;
    let port = server.port;
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
    )
    .unwrap_or(0);
    let events = load_history(port, now_ms)?;
    let decide = format!(
        r#"{{"write_key":"{WRITE_KEY}","user_id":"user-1","account_id":"acme","page":"/reports/q3"}}"#
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
    let small = decide.replace(WRITE_KEY, seed::DEMO_WRITE_KEY);
    load_history_for(port, now_ms, seed::DEMO_WRITE_KEY)?;
    let (small_p50, small_p99) = time(RUNS, call("POST", "/v1/decide", &small))?;
    // The decision alone, inside the account object: a why-not dry run repeated N times
    // (catalog parse, SQLite facts and history, decide, JSON) against the same request once.
    let auth = format!("Authorization: Bearer {SECRET}\r\n");
    let why = |n: u32| {
        let path = format!("/v1/debug/why?user=user-1&account=acme&page=/reports/q3&repeat={n}");
        let auth = auth.clone();
        move || -> Result<()> {
            let (status, text) = request_with(port, "GET", &path, "", &auth)?;
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
    Ok(())
}
