//! Local edge runtime: D1 migrations, `wrangler dev` (workerd with local D1 and Durable
//! Objects) and the bootstrap of its console users, workspaces, keys and campaigns through the
//! control-plane API (`xtask/js/bootstrap.mjs`), for the `dev` command, the JavaScript test
//! suites and the benchmark. Nothing is written into D1 by hand-written SQL.

use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::fs::OpenOptionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::http;
use crate::run::{Result, check, cmd, root, step};
use crate::seed;

const DEV_PORT: u16 = 8787;
/// The bootstrap script (Node), run from the repository root.
const BOOTSTRAP: &str = "xtask/js/bootstrap.mjs";
/// The worker's variable holding the control key: it mints console setup links, and the
/// worker derives each workspace's link-token key from it.
const CONTROL_KEY_VAR: &str = "CAIRN_CONTROL_KEY";
/// The served demo app; `dev` writes its `demo-config.json` there.
const DEMO_DIST: &str = "demo-app/dist";
/// Where the demo app finds its write key (`{"write_key":…}`), next to its assets.
const DEMO_CONFIG: &str = "demo-config.json";

fn wrangler(args: &[&str]) -> Command {
    let mut c = cmd("node_modules/.bin/wrangler", args);
    c.args(["--config", "edge/wrangler.toml"]).env("CI", "true");
    c
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Applies the D1 migrations (the schema only) to the local database under `persist`.
fn migrate(persist: &Path) -> Result {
    std::fs::create_dir_all(persist).map_err(|e| format!("{}: {e}", persist.display()))?;
    check(wrangler(&[
        "d1",
        "migrations",
        "apply",
        "DB",
        "--local",
        "--persist-to",
        &path_arg(persist),
    ]))
}

/// What the bootstrap created: its one line of JSON,
/// `{"owner":{"email","password"},"approver":{…},"workspaces":{"demo":{"id","write_key",…},…}}`.
#[derive(Debug)]
pub(crate) struct Fixtures {
    /// The line itself (handed to the test suites as `CAIRN_FIXTURES`).
    pub(crate) json: String,
    value: Value,
}

impl Fixtures {
    fn parse(json: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(json.trim())
            .map_err(|e| format!("the bootstrap's output is not JSON ({e}): {json}"))?;
        Ok(Self {
            json: json.trim().to_owned(),
            value,
        })
    }

    fn field(&self, pointer: &str) -> Result<&str> {
        self.value
            .pointer(pointer)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("the bootstrap's output has no {pointer}"))
    }

    /// A field (`id`, `write_key`, `secret_key`, `identity_secret`) of a workspace.
    pub(crate) fn workspace(&self, name: &str, field: &str) -> Result<&str> {
        self.field(&format!("/workspaces/{name}/{field}"))
    }

    /// `(email, password)` of `owner` or `approver`.
    fn user(&self, who: &str) -> Result<(&str, &str)> {
        Ok((
            self.field(&format!("/{who}/email"))?,
            self.field(&format!("/{who}/password"))?,
        ))
    }
}

/// What a bootstrap creates besides the demo and the other vendor's workspace.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Extra<'a> {
    /// The test suites' workspaces: hostile, quiet, verified (`CAIRN_FIXTURES=test`).
    pub(crate) test_fixtures: bool,
    /// A JSON file of further workspaces (`CAIRN_EXTRA_WORKSPACES`, see the script).
    pub(crate) workspaces_file: Option<&'a Path>,
}

/// The demo's customer-success portfolio (Node), run from the repository root.
const PORTFOLIO: &str = "xtask/js/portfolio.mjs";

/// Seeds the demo workspace's portfolio of 200 accounts through the public and admin APIs
/// (`xtask/js/portfolio.mjs`); its progress goes to stderr.
fn seed_portfolio(port: u16, demo: &Fixtures) -> Result {
    let mut c = cmd("node", &[PORTFOLIO, "200"]);
    c.env("CAIRN_URL", format!("http://127.0.0.1:{port}"))
        .env("CAIRN_WRITE_KEY", demo.workspace("demo", "write_key")?)
        .env("CAIRN_SECRET_KEY", demo.workspace("demo", "secret_key")?)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let status = c
        .status()
        .map_err(|e| format!("could not start node {PORTFOLIO}: {e}"))?;
    if !status.success() {
        return Err(format!("node {PORTFOLIO} failed ({status})"));
    }
    Ok(())
}

/// Runs the bootstrap against the worker on `port`; its progress goes to stderr.
fn bootstrap(port: u16, control_key: &str, extra: Extra<'_>) -> Result<Fixtures> {
    let mut c = cmd("node", &[BOOTSTRAP]);
    c.env("CAIRN_URL", format!("http://127.0.0.1:{port}"))
        .env(CONTROL_KEY_VAR, control_key)
        .env("CAIRN_OWNER_PASSWORD", seed::random_hex(12)?)
        .env("CAIRN_APPROVER_PASSWORD", seed::random_hex(12)?)
        .env_remove("CAIRN_FIXTURES")
        .env_remove("CAIRN_EXTRA_WORKSPACES")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    if extra.test_fixtures {
        c.env("CAIRN_FIXTURES", "test");
    }
    if let Some(file) = extra.workspaces_file {
        c.env("CAIRN_EXTRA_WORKSPACES", file);
    }
    let out = c
        .output()
        .map_err(|e| format!("could not start node {BOOTSTRAP}: {e}"))?;
    if !out.status.success() {
        return Err(format!("node {BOOTSTRAP} failed ({})", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Fixtures::parse(line)
}

/// Writes the demo app's `demo-config.json` into the served `assets` and waits until
/// `wrangler dev` serves it. wrangler watches the assets directory and reloads the worker on a
/// change, a moment after it already serves the new file: with `log`, this also waits for that
/// reload to finish, so no request that follows meets "Your worker restarted mid-request".
fn write_demo_config(assets: &Path, port: u16, write_key: &str, log: Option<&Path>) -> Result {
    let reloads = || log.map_or(0, |l| count_lines(l, RELOADING));
    let before = reloads();
    let file = assets.join(DEMO_CONFIG);
    let text = format!("{}\n", serde_json::json!({ "write_key": write_key }));
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok((200, body)) = http::request(port, "GET", &format!("/{DEMO_CONFIG}"), "", "")
            && serde_json::from_str::<Value>(&body)
                .ok()
                .is_some_and(|v| v["write_key"] == write_key)
        {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "wrangler dev did not serve /{DEMO_CONFIG} within 30 s of writing {}",
                file.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    if log.is_none() {
        return Ok(());
    }
    // The reload, then the worker answering again twice in a row.
    let deadline = Instant::now() + Duration::from_secs(15);
    while reloads() == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut answered = 0;
    while answered < 2 {
        if Instant::now() > deadline + Duration::from_secs(30) {
            return Err("wrangler dev did not answer after reloading the demo's assets".into());
        }
        answered = if http::status(port, "/v1/health") == Some(200) {
            answered + 1
        } else {
            0
        };
        std::thread::sleep(Duration::from_millis(250));
    }
    Ok(())
}

/// What `wrangler dev` prints when it reloads the worker.
const RELOADING: &str = "Reloading local server";

/// Lines of the file at `path` that contain `needle` (0 if it cannot be read).
fn count_lines(path: &Path, needle: &str) -> usize {
    std::fs::read_to_string(path)
        .map(|t| t.lines().filter(|l| l.contains(needle)).count())
        .unwrap_or(0)
}

/// A new console setup link (for a new owner), minted with the control key.
fn setup_link(port: u16, control_key: &str) -> Result<String> {
    let headers =
        format!("Authorization: Bearer {control_key}\r\nOrigin: http://127.0.0.1:{port}\r\n");
    let (status, body) = http::request(port, "POST", "/console/api/setup-link", "{}", &headers)?;
    if status != 201 {
        return Err(format!(
            "POST /console/api/setup-link answered {status}: {body}"
        ));
    }
    serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| v["url"].as_str().map(str::to_owned))
        .ok_or_else(|| format!("POST /console/api/setup-link answered without a url: {body}"))
}

/// The dev server's control key, in `edge/.dev.vars` (git-ignored; `wrangler dev` reads it):
/// generated on the first run, kept afterwards.
fn dev_control_key() -> Result<String> {
    let file = root().join("edge/.dev.vars");
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let prefix = format!("{CONTROL_KEY_VAR}=");
    if let Some(key) = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&prefix))
        .map(|v| v.trim().trim_matches('"'))
        .find(|v| !v.is_empty())
    {
        return Ok(key.to_owned());
    }
    let key = seed::random_hex(32)?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&file)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    writeln!(f, "{sep}{prefix}{key}").map_err(|e| format!("{}: {e}", file.display()))?;
    println!("generated the dev control key into edge/.dev.vars");
    Ok(key)
}

/// A `wrangler dev` process, stopped when dropped (unless it already ended).
struct Server {
    child: Child,
    /// It leads its own process group (stopped as a group), else it shares ours (so Ctrl-C
    /// reaches it).
    group: bool,
    ended: bool,
}

impl Server {
    fn spawn(mut c: Command, group: bool) -> Result<Self> {
        if group {
            c.process_group(0);
        }
        let child = c.spawn().map_err(|e| format!("wrangler dev: {e}"))?;
        Ok(Self {
            child,
            group,
            ended: false,
        })
    }

    /// Waits until it answers `GET /v1/health` with 200.
    fn wait_ready(&mut self, port: u16, log: Option<&Path>) -> Result {
        let deadline = Instant::now() + Duration::from_secs(120);
        let log_tail = || log.map(|l| format!("; its log:\n{}", tail(l, 40)));
        while http::status(port, "/v1/health") != Some(200) {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.ended = true;
                return Err(format!(
                    "wrangler dev exited ({status}){}",
                    log_tail().unwrap_or_default()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "wrangler dev did not become ready{}",
                    log_tail().unwrap_or_default()
                ));
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Ok(())
    }

    /// Runs until it exits by itself (Ctrl-C).
    fn wait(mut self) -> Result {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        self.ended = true;
        if status.success() {
            Ok(())
        } else {
            Err(format!("wrangler dev exited ({status})"))
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let target = if self.group {
            format!("-{}", self.child.id())
        } else {
            self.child.id().to_string()
        };
        let _ = Command::new("kill").args(["-TERM", "--", &target]).status();
        std::thread::sleep(Duration::from_millis(500));
        let _ = Command::new("kill")
            .args(["-KILL", "--", &target])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// Two free ports on 127.0.0.1, distinct (their listeners are held together).
fn free_ports() -> Result<(u16, u16)> {
    let bind = || TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"));
    let (a, b) = (bind()?, bind()?);
    let port = |l: &TcpListener| l.local_addr().map(|a| a.port()).map_err(|e| e.to_string());
    Ok((port(&a)?, port(&b)?))
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The demo recorded by an earlier `dev` run, if the local state still knows its secret key.
fn recorded_demo(record: &Path, port: u16) -> Option<Fixtures> {
    let fixtures = Fixtures::parse(&std::fs::read_to_string(record).ok()?).ok()?;
    let secret = fixtures.workspace("demo", "secret_key").ok()?;
    let auth = format!("Authorization: Bearer {secret}\r\n");
    let (status, _) = http::request(port, "GET", "/v1/admin/identity", "", &auth).ok()?;
    (status == 200).then_some(fixtures)
}

/// The `dev` command; `build: false` serves what `cargo xtask build` made last.
pub(crate) fn dev(build: bool) -> Result {
    let start = Instant::now();
    step(start, "set-up");
    crate::setup::ensure(false)?;
    if build {
        step(start, "build SDK, edge worker and demo app");
        crate::build::all()?;
    } else {
        built()?;
    }
    seed::validate()?;
    step(
        start,
        "apply D1 migrations (local state in .wrangler/) and start wrangler dev",
    );
    let persist = root().join(".wrangler/state");
    migrate(&persist)?;
    let control_key = dev_control_key()?;
    let port = DEV_PORT.to_string();
    let mut server = Server::spawn(
        wrangler(&[
            "dev",
            "--ip",
            "127.0.0.1",
            "--port",
            &port,
            "--persist-to",
            &path_arg(&persist),
            // Campaign results reach the console about 10 s after the events (production
            // default: 5 minutes; see CAIRN_ANALYTICS_FLUSH_SECONDS in docs/analytics.md).
            "--var",
            "CAIRN_ANALYTICS_FLUSH_SECONDS:10",
        ]),
        false,
    )?;
    server.wait_ready(DEV_PORT, None)?;

    // The first run creates the demo through the control-plane API; later runs reuse it (the
    // state persists in .wrangler/state).
    let record = root().join(".wrangler/cairn-demo.json");
    let demo = if let Some(demo) = recorded_demo(&record, DEV_PORT) {
        demo
    } else {
        step(
            start,
            "bootstrap the demo through the control-plane API (first run)",
        );
        let demo = bootstrap(DEV_PORT, &control_key, Extra::default()).map_err(|e| {
            format!(
                "{e}\n(if the local state already has the demo but {} is missing or stale, \
                 start over: rm -rf .wrangler)",
                record.display()
            )
        })?;
        step(
            start,
            "seed the demo's portfolio of 200 accounts through the API (first run)",
        );
        seed_portfolio(DEV_PORT, &demo)?;
        std::fs::write(&record, format!("{}\n", demo.json))
            .map_err(|e| format!("{}: {e}", record.display()))?;
        demo
    };
    let key = demo.workspace("demo", "write_key")?;
    let secret = demo.workspace("demo", "secret_key")?;
    write_demo_config(&root().join(DEMO_DIST), DEV_PORT, key, None)?;
    let link = setup_link(DEV_PORT, &control_key)?;
    let (owner, owner_password) = demo.user("owner")?;
    let (approver, approver_password) = demo.user("approver")?;
    println!(
        "\nCairn is running on http://127.0.0.1:{DEV_PORT}\n\
         \n  Demo app   http://127.0.0.1:{DEV_PORT}/            (Expensely, using the SDK from pkg/)\
         \n  Console    http://127.0.0.1:{DEV_PORT}/console/\
         \n             demo owner     {owner}  password {owner_password}\
         \n             demo approver  {approver}  password {approver_password}\
         \n             a new owner:   {link}\
         \n             (single use; a new link on every `cargo xtask dev`)\
         \n  Accounts   the console's Accounts tab: a seeded portfolio of 200 accounts (co-001 …)\
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
         \n             (set a receiver: PUT /v1/admin/webhook {{\"url\":\"http://127.0.0.1:<port>/…\"}})\
         \n  Start over rm -rf .wrangler  (the demo is created again on the next run)\n",
    );
    server.wait()
}

/// A fresh `wrangler dev` on free ports, with its local state in `target/<state>` and a copy
/// of the demo app in `target/<state>-assets`, bootstrapped through the control-plane API.
pub(crate) struct Fresh {
    _server: Server,
    /// Its HTTP port on 127.0.0.1.
    pub(crate) port: u16,
    /// Its control key (passed with `--var`).
    pub(crate) control_key: String,
    /// What the bootstrap created.
    pub(crate) fixtures: Fixtures,
    /// Where its output goes.
    pub(crate) log_path: PathBuf,
}

/// Copies the files of `from` (the built demo app, if any) into a new `to`.
fn copy_dir(from: &Path, to: &Path) -> Result {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let Ok(entries) = std::fs::read_dir(from) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// Starts `wrangler dev` on the fresh state, on two free ports (HTTP and inspector), its
/// output in `log_path`, and waits until it answers.
fn spawn_fresh(
    script: &str,
    state_dir: &Path,
    assets: &Path,
    control_key: &str,
    log_path: &Path,
) -> Result<(Server, u16)> {
    let log = std::fs::File::create(log_path).map_err(|e| e.to_string())?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    // A free inspector port too, so several checkouts can run their suites at once.
    let (port, inspector) = free_ports()?;
    let (port_arg, inspector_arg) = (port.to_string(), inspector.to_string());
    let var = format!("{CONTROL_KEY_VAR}:{control_key}");
    let mut c = wrangler(&[
        "dev",
        script,
        "--ip",
        "127.0.0.1",
        "--port",
        &port_arg,
        "--inspector-port",
        &inspector_arg,
        "--persist-to",
        &path_arg(state_dir),
        "--assets",
        &path_arg(assets),
        // Wins over a control key in edge/.dev.vars (the dev server's).
        "--var",
        &var,
        // The analytics fault route (`POST /v1/admin/analytics/fault`) for the suites.
        "--var",
        "CAIRN_TEST_HOOKS:1",
        // `/__scheduled` runs the Cron Trigger on demand.
        "--test-scheduled",
    ]);
    c.stdin(Stdio::null()).stdout(log).stderr(log2);
    let mut server = Server::spawn(c, true)?;
    server.wait_ready(port, Some(log_path))?;
    Ok((server, port))
}

/// Migrates a fresh local state, starts `wrangler dev` on it with a new control key, waits
/// until it answers, and runs the bootstrap (plus `extra`).
pub(crate) fn start_fresh(state: &str, extra: Extra<'_>) -> Result<Fresh> {
    // Per process, so that several runs (of several people) never share a state.
    let state = format!("{state}-{}", std::process::id());
    let state_dir = root().join("target").join(&state);
    let _ = std::fs::remove_dir_all(&state_dir);
    // The suites' own copy of the demo app: their demo-config.json never touches a dev
    // server's, and a rebuild of demo-app/dist does not pull it from under them.
    let assets = root().join("target").join(format!("{state}-assets"));
    copy_dir(&root().join(DEMO_DIST), &assets)?;
    // And their own copy of the worker: a rebuild of edge/build while they run would make
    // `wrangler dev` reload a half-written module.
    let worker = root().join("target").join(format!("{state}-worker"));
    copy_dir(&root().join("edge/build"), &worker)?;
    let script = path_arg(&worker.join("index.js"));
    let control_key = seed::random_hex(32)?;
    migrate(&state_dir)?;

    let log_path = state_dir.with_extension("log");
    // A port found free may be taken before wrangler binds it (by another process, or by
    // workerd's own sockets): a start that fails so is tried again on other ports.
    let mut attempt = 1;
    let (server, port) = loop {
        match spawn_fresh(&script, &state_dir, &assets, &control_key, &log_path) {
            Ok(started) => break started,
            Err(e) if attempt < 3 && e.contains("Address already in use") => {
                eprintln!("wrangler dev could not bind its port (attempt {attempt}); again");
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    };
    let with_log = |e: String| {
        format!(
            "{e}\nlast lines of {}:\n{}",
            log_path.display(),
            tail(&log_path, 40)
        )
    };
    let fixtures = bootstrap(port, &control_key, extra).map_err(with_log)?;
    write_demo_config(
        &assets,
        port,
        fixtures.workspace("demo", "write_key")?,
        Some(&log_path),
    )
    .map_err(with_log)?;
    Ok(Fresh {
        _server: server,
        port,
        control_key,
        fixtures,
        log_path,
    })
}

/// The suites to run: `tests/*.test.mjs` when none is named; a name may omit `tests/` and
/// `.test.mjs`.
fn suites(named: &[String]) -> Result<Vec<String>> {
    if named.is_empty() {
        let mut all: Vec<String> = std::fs::read_dir(root().join("tests"))
            .map_err(|e| format!("tests/: {e}"))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".test.mjs"))
            .map(|name| format!("tests/{name}"))
            .collect();
        all.sort();
        return Ok(all);
    }
    named
        .iter()
        .map(|n| {
            [
                n.clone(),
                format!("tests/{n}"),
                format!("tests/{n}.test.mjs"),
            ]
            .into_iter()
            .find(|p| root().join(p).is_file())
            .ok_or_else(|| format!("no test suite {n} (try tests/<name>.test.mjs)"))
        })
        .collect()
}

/// Starts a fresh, bootstrapped `wrangler dev` on a free port and runs `tests/*.test.mjs`
/// (or only the `named` suites) against it.
pub(crate) fn run_js_tests(start: Instant, named: &[String]) -> Result {
    let suites = suites(named)?;
    seed::validate()?;
    let fresh = start_fresh(
        "cairn-test-state",
        Extra {
            test_fixtures: true,
            workspaces_file: None,
        },
    )?;
    let port = fresh.port;
    let f = &fresh.fixtures;
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
        .env("CAIRN_WRITE_KEY", f.workspace("demo", "write_key")?)
        .env("CAIRN_OTHER_WRITE_KEY", f.workspace("other", "write_key")?)
        .env("CAIRN_SECRET_KEY", f.workspace("demo", "secret_key")?)
        .env(CONTROL_KEY_VAR, &fresh.control_key)
        .env("CAIRN_FIXTURES", &f.json);
    let result = check(t);
    let log_path = fresh.log_path.clone();
    drop(fresh);
    result.map_err(|e| {
        format!(
            "{e}\nlast lines of {}:\n{}",
            log_path.display(),
            tail(&log_path, 40)
        )
    })
}

/// `cargo xtask js [suite …]`: the JavaScript suites only, against what `cargo xtask build`
/// built last (nothing is built here).
pub(crate) fn js(named: &[String]) -> Result {
    built()?;
    run_js_tests(Instant::now(), named)
}

/// Fails unless the SDK, the worker and the demo app are built.
fn built() -> Result {
    for (built, what) in [
        ("edge/build/index.js", "the edge worker"),
        ("demo-app/dist/index.html", "the demo app"),
        ("pkg/src/wasm/cairn_sdk_bg.wasm", "the SDK"),
        ("demo-app/dist/console/index.html", "the console"),
    ] {
        if !root().join(built).is_file() {
            return Err(format!(
                "{what} is not built ({built} is missing): run `cargo xtask build` first"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_bootstrap_output() {
        let f = Fixtures::parse(
            "{\"owner\":{\"email\":\"o@x\",\"password\":\"p\"},\"workspaces\":\
             {\"demo\":{\"id\":\"ws_1\",\"write_key\":\"wk_1\"}}}\n",
        )
        .expect("JSON");
        assert_eq!(f.workspace("demo", "write_key"), Ok("wk_1"));
        assert_eq!(f.user("owner"), Ok(("o@x", "p")));
        assert!(f.workspace("demo", "secret_key").is_err());
        assert!(f.user("approver").is_err());
        assert!(!f.json.ends_with('\n'));
        assert!(Fixtures::parse("bootstrap: oops").is_err());
    }

    #[test]
    fn names_suites_with_or_without_their_folder_and_suffix() {
        let all = suites(&[]).expect("tests/");
        assert!(all.contains(&"tests/edge.test.mjs".to_owned()));
        let named = ["edge", "tests/e2e.test.mjs", "guides.test.mjs"].map(str::to_owned);
        assert_eq!(
            suites(&named).expect("found"),
            [
                "tests/edge.test.mjs",
                "tests/e2e.test.mjs",
                "tests/guides.test.mjs"
            ]
        );
        assert!(suites(&["nope".to_owned()]).is_err());
    }
}
