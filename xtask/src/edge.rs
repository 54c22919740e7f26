//! Local edge runtime: D1 migrations and seed, and `wrangler dev` (workerd with local D1 and
//! Durable Objects) for the `dev` command and for the JavaScript test suites.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::run::{Result, check, cmd, root, step};
use crate::seed;

const DEV_PORT: u16 = 8787;

fn wrangler(args: &[&str]) -> Command {
    let mut c = cmd("node_modules/.bin/wrangler", args);
    c.args(["--config", "edge/wrangler.toml"]).env("CI", "true");
    c
}

fn origins(port: u16) -> Vec<String> {
    vec![
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ]
}

/// Applies the D1 migrations and the demo seed to the local database under `persist`.
fn prepare_db(persist: &Path, port: u16, secret: &str) -> Result {
    prepare_db_with(persist, port, secret, "")
}

/// [`prepare_db`], then `extra` SQL (the benchmark's workspace).
fn prepare_db_with(persist: &Path, port: u16, secret: &str, extra: &str) -> Result {
    let persist_arg = persist.to_string_lossy().into_owned();
    check(wrangler(&[
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        &persist_arg,
    ]))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let mut sql = seed::sql(&origins(port), secret, now)?;
    sql.push_str(extra);
    let file = persist.join("seed.sql");
    std::fs::create_dir_all(persist).map_err(|e| format!("{}: {e}", persist.display()))?;
    std::fs::write(&file, sql).map_err(|e| format!("{}: {e}", file.display()))?;
    let file_arg = file.to_string_lossy().into_owned();
    check(wrangler(&[
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        &persist_arg,
        "--file",
        &file_arg,
    ]))
}

/// The `dev` command.
pub(crate) fn dev() -> Result {
    let start = Instant::now();
    step(start, "set-up");
    crate::setup::ensure(false)?;
    step(start, "build SDK, edge worker and demo app");
    crate::build::all()?;
    step(
        start,
        "apply D1 migrations and seed the demo workspace (local state in .wrangler/)",
    );
    let persist = root().join(".wrangler/state");
    let secret_file = root().join(".wrangler/cairn-secret-key");
    let secret = match std::fs::read_to_string(&secret_file) {
        Ok(s) if s.starts_with("sk_") => s.trim().to_owned(),
        _ => {
            let s = seed::new_secret()?;
            std::fs::create_dir_all(root().join(".wrangler")).map_err(|e| e.to_string())?;
            std::fs::write(&secret_file, &s).map_err(|e| e.to_string())?;
            s
        }
    };
    prepare_db(&persist, DEV_PORT, &secret)?;
    println!(
        "\nCairn is starting on http://127.0.0.1:{DEV_PORT}\n\
         \n  Demo app   http://127.0.0.1:{DEV_PORT}/            (Expensely, using the SDK from pkg/)\
         \n  Try        the welcome modal (Esc closes it) and the checklist; create expenses (a tooltip\
         \n             on the 2nd, an NPS survey on the 4th, the upgrade banner on the 6th: the\
         \n             Starter plan allows 5 a month); submit one of $1,000+; open Reports;\
         \n             press \"Take the tour\". Add ?debug and run cairn.debug() in the console.\
         \n             Use ?user=<id>&account=<id> for a fresh identity. Press \"Invite teammates\", or\
         \n             submit an expense of $1,000+ and name an approver by email: the invitation's\
         \n             accept_url is in the webhook log below; open it with &user=<new id>&account=acme.\
         \n  API        POST /v1/events, POST /v1/decide (write key {key})\
         \n  Why-not    curl -s -X POST http://127.0.0.1:{DEV_PORT}/v1/decide -H 'content-type: application/json' \\\
         \n               -d '{{\"write_key\":\"{key}\",\"user_id\":\"demo-user\",\"account_id\":\"acme\",\"debug\":true}}'\
         \n  Events     curl -s http://127.0.0.1:{DEV_PORT}/v1/admin/accounts/acme/events -H 'authorization: Bearer {secret}'\
         \n  Webhooks   curl -s http://127.0.0.1:{DEV_PORT}/v1/admin/accounts/acme/webhooks -H 'authorization: Bearer {secret}'\
         \n             (set a receiver: PUT /v1/admin/webhook {{\"url\":\"http://127.0.0.1:<port>/…\"}})\n",
        key = seed::DEMO_WRITE_KEY,
    );
    let persist_arg = persist.to_string_lossy().into_owned();
    let port = DEV_PORT.to_string();
    check(wrangler(&[
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        &port,
        "--persist-to",
        &persist_arg,
    ]))
}

/// A `wrangler dev` process group, stopped when dropped.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(500));
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// Status code of `GET path` on 127.0.0.1:`port`, if it answers.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = [0u8; 32];
    let n = s.read(&mut buf).ok()?;
    std::str::from_utf8(&buf[..n])
        .ok()?
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

fn tail(path: &PathBuf, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A fresh `wrangler dev` on free ports, with its local state in `target/<state>`.
pub(crate) struct Fresh {
    _server: Server,
    /// Its HTTP port on 127.0.0.1.
    pub(crate) port: u16,
    /// The demo workspace's secret key.
    pub(crate) secret: String,
    /// Where its output goes.
    pub(crate) log_path: PathBuf,
}

/// Migrates and seeds a fresh local state (plus `extra_sql(port)`), starts `wrangler dev` on it and
/// waits until it answers.
pub(crate) fn start_fresh(state: &str, extra_sql: impl Fn(u16) -> String) -> Result<Fresh> {
    let state = root().join("target").join(state);
    let _ = std::fs::remove_dir_all(&state);
    let port = free_port()?;
    let secret = seed::new_secret()?;
    prepare_db_with(&state, port, &secret, &extra_sql(port))?;

    let log_path = state.with_extension("log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    let state_arg = state.to_string_lossy().into_owned();
    let port_arg = port.to_string();
    // A free inspector port too, so several checkouts can run their suites at once.
    let inspector_arg = free_port()?.to_string();
    let mut c = wrangler(&[
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        &port_arg,
        "--inspector-port",
        &inspector_arg,
        "--persist-to",
        &state_arg,
        // `/__scheduled` runs the Cron Trigger on demand.
        "--test-scheduled",
    ]);
    c.stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .process_group(0);
    let server = Server {
        child: c.spawn().map_err(|e| format!("wrangler dev: {e}"))?,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while http_status(port, "/v1/health") != Some(200) {
        if Instant::now() > deadline {
            return Err(format!(
                "wrangler dev did not become ready; its log:\n{}",
                tail(&log_path, 40)
            ));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    Ok(Fresh {
        _server: server,
        port,
        secret,
        log_path,
    })
}

/// Starts a fresh `wrangler dev` on a free port and runs `tests/*.test.mjs` against it.
pub(crate) fn run_js_tests(start: Instant) -> Result {
    let fresh = start_fresh("cairn-test-state", seed::test_sql)?;
    let (port, secret, log_path) = (fresh.port, fresh.secret.clone(), fresh.log_path.clone());
    let mut suites: Vec<String> = std::fs::read_dir(root().join("tests"))
        .map_err(|e| format!("tests/: {e}"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("tests/{name}"))
        .collect();
    suites.sort();
    step(
        start,
        &format!(
            "wrangler dev ready on http://127.0.0.1:{port}; running {}",
            suites.join(" ")
        ),
    );
    let mut t = cmd("node", &["--test", "--test-concurrency=1"]);
    t.args(&suites);
    t.env("CAIRN_URL", format!("http://127.0.0.1:{port}"))
        .env("CAIRN_WRITE_KEY", seed::DEMO_WRITE_KEY)
        .env("CAIRN_OTHER_WRITE_KEY", seed::OTHER_WRITE_KEY)
        .env("CAIRN_SECRET_KEY", &secret);
    let result = check(t);
    drop(fresh);
    result.map_err(|e| {
        format!(
            "{e}\nlast lines of {}:\n{}",
            log_path.display(),
            tail(&log_path, 40)
        )
    })
}
