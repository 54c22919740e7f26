//! The control plane: console users and sessions, workspaces with team roles, keys,
//! settings versions, campaigns as revisions with review before publish, and the audit log,
//! served under `/console/api` (cookie sessions, CSRF checks, no CORS) and stored in D1.
//!
//! Pure decisions live in `policy` (who may do what, whether the reviews meet the policy)
//! and `lifecycle` (a campaign's transitions); `store` applies each change as one guarded
//! D1 batch; the route modules (`account`, `team`, `keys`, `campaigns`) glue them together.

mod account;
pub mod auth;
mod campaigns;
mod commit;
mod http;
mod import;
mod keys;
pub mod lifecycle;
pub mod pages;
pub mod policy;
mod results;
pub mod store;
mod team;
mod users;

use protocol::v1::control::{Actor, AuditEntry, Role};
use protocol::{ErrorCode, Problem};
use worker::{Env, ObjectNamespace, Request, Response};

use self::commit::Write;
use self::http::{Caller, Incoming, Reply};
use self::policy::MemberRoles;
use self::store::{ControlStore, Member, Workspace};
use crate::catalog::D1Catalog;
use crate::error::AppError;

/// What every console route gets.
#[derive(Debug)]
pub struct Cx<'a> {
    /// D1.
    pub store: &'a ControlStore,
    /// The data-plane catalog (collaboration secrets, webhook).
    pub catalog: &'a D1Catalog,
    /// Now (ms).
    pub now: i64,
    /// The worker's own origin (`http://127.0.0.1:8787`).
    pub origin: &'a str,
    /// The install's control key (`CAIRN_CONTROL_KEY`): signs setup and invitation links.
    pub control_key: Option<String>,
    /// Sign-in rate limiter objects.
    pub limiter: Option<ObjectNamespace>,
    /// The accounts' Durable Objects (the "Why not?" page asks them for a dry-run decision).
    pub accounts: Option<crate::account::DurableAccounts>,
    /// The workspace analytics objects (the results pages).
    pub workspaces: Option<ObjectNamespace>,
}

impl Cx<'_> {
    /// The control key, or a 500 when the worker has none configured.
    pub fn key(&self) -> Result<&str, AppError> {
        self.control_key
            .as_deref()
            .filter(|k| k.len() >= 32)
            .ok_or_else(|| AppError::Internal("CAIRN_CONTROL_KEY is not set (≥ 32 chars)".into()))
    }
}

/// `N` random bytes as lowercase hex.
pub fn random_hex<const N: usize>() -> Result<String, AppError> {
    Ok(crate::random::bytes::<N>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// A signed-in member acting in one of their workspaces.
#[derive(Debug, Clone)]
pub struct WsCx {
    /// The workspace.
    pub ws: Workspace,
    /// Its members now.
    pub members: Vec<Member>,
    /// The caller as a member.
    pub me: Member,
}

impl WsCx {
    /// The caller's roles here.
    pub fn roles(&self) -> &[Role] {
        &self.me.roles
    }

    /// Everyone's roles now.
    pub fn member_roles(&self) -> Vec<MemberRoles> {
        self.members
            .iter()
            .map(|m| MemberRoles {
                user_id: m.user_id.clone(),
                roles: m.roles.clone(),
            })
            .collect()
    }

    /// An audit entry by the caller.
    pub fn entry(&self, now: i64, action: &str, target: &str) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at: now,
            actor: Actor::User {
                user_id: self.me.user_id.clone(),
                email: self.me.email.clone(),
            },
            action: action.to_owned(),
            target: target.to_owned(),
            before_hash: None,
            after_hash: None,
            detail: Default::default(),
            emergency: false,
        }
    }
}

fn unknown_workspace() -> AppError {
    AppError::problem(
        ErrorCode::UnknownWorkspace,
        "workspace",
        "no such workspace, or you are not a member",
    )
}

/// Loads workspace `id` for a caller who is a member (else: unknown).
async fn load_ws(cx: &Cx<'_>, caller: &Caller, id: &str) -> Result<WsCx, AppError> {
    let ws = cx
        .store
        .workspace(id)
        .await?
        .ok_or_else(unknown_workspace)?;
    let members = cx.store.members(id).await?;
    let me = members
        .iter()
        .find(|m| m.user_id == caller.user.id)
        .cloned()
        .ok_or_else(unknown_workspace)?;
    Ok(WsCx { ws, members, me })
}

/// Applies `writes` if the workspace has not changed since it was loaded.
async fn commit(cx: &Cx<'_>, w: &WsCx, writes: &[Write]) -> Result<(), AppError> {
    let token = random_hex::<16>()?;
    let applied = cx
        .store
        .commit(&w.ws.id, Some(w.ws.version), "", cx.now, &token, writes)
        .await?;
    if applied {
        Ok(())
    } else {
        Err(AppError::problem(
            ErrorCode::Conflict,
            "",
            "the workspace changed while this request was checked; nothing was written, retry",
        ))
    }
}

/// Serves `/console/api/*` and the console's link pages. Errors become 4xx JSON bodies.
pub async fn serve(req: &mut Request, env: &Env, path: &str, now: i64) -> worker::Result<Response> {
    if let Some(page) = pages::serve(req, path)? {
        return Ok(page);
    }
    let url = req.url()?;
    let origin = url.origin().ascii_serialization();
    let headers = req.headers();
    let method = req.method().to_string().to_ascii_uppercase();
    let mut incoming = Incoming {
        method: method.clone(),
        cookie: headers.get("Cookie")?,
        origin: headers.get("Origin")?,
        sec_fetch_site: headers.get("Sec-Fetch-Site")?,
        content_type: headers.get("Content-Type")?,
        authorization: headers.get("Authorization")?,
        client: headers
            .get("CF-Connecting-IP")?
            .unwrap_or_else(|| "local".to_owned()),
        query: url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
        body: String::new(),
    };
    let store = ControlStore::new(env.d1("DB")?);
    let catalog = D1Catalog::new(env.d1("DB")?);
    let cx = Cx {
        store: &store,
        catalog: &catalog,
        now,
        origin: &origin,
        control_key: crate::control_key(env),
        limiter: env.durable_object("LIMITER").ok(),
        accounts: env
            .durable_object("ACCOUNTS")
            .ok()
            .map(crate::account::DurableAccounts::new),
        workspaces: env.durable_object("ANALYTICS").ok(),
    };
    let rest = path.strip_prefix("/console/api").unwrap_or("");
    let result = async {
        if incoming.mutating() {
            incoming.check_mutation(&origin)?;
            let bytes = req.bytes().await?;
            if bytes.len() > 1_000_000 {
                return Err(AppError::problem(
                    ErrorCode::BatchTooLarge,
                    "",
                    "body over 1 MB",
                ));
            }
            incoming.body = String::from_utf8(bytes).map_err(|_| {
                AppError::problem(ErrorCode::MalformedJson, "", "body is not UTF-8")
            })?;
        }
        route(&cx, &incoming, rest).await
    }
    .await;
    match result {
        Ok(reply) => reply.into_response(),
        Err(e) => {
            if let AppError::Internal(detail) = &e {
                worker::console_error!("{method} {path}: {detail}");
            }
            let (status, body) = e.status_and_body();
            let mut reply = Reply {
                status,
                body,
                ..Reply::default()
            };
            if status == 429 {
                reply.retry_after = Some(account::RETRY_AFTER_S);
            }
            reply.into_response()
        }
    }
}

fn not_found() -> AppError {
    AppError::problem(ErrorCode::NotFound, "", "no such console route")
}

/// A method the route does not take.
pub fn method_not_allowed() -> AppError {
    AppError::Rejected(Problem::new(
        ErrorCode::MethodNotAllowed,
        "",
        "this route does not take this method",
    ))
}

async fn route(cx: &Cx<'_>, req: &Incoming, rest: &str) -> Result<Reply, AppError> {
    let segs: Vec<String> = rest
        .trim_start_matches('/')
        .split('/')
        .map(crate::percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match (m, segs.as_slice()) {
        ("POST", ["setup-link"]) => return account::setup_link(cx, req).await,
        ("PUT", ["operator", "workspaces", ws, "limits"]) => {
            return account::set_limits(cx, req, ws).await;
        }
        ("POST", ["setup"]) => return account::setup(cx, req).await,
        ("POST", ["session"]) => return account::sign_in(cx, req).await,
        ("POST", ["invitations", "accept"]) => return account::accept(cx, req).await,
        _ => {}
    }
    let caller = http::caller(cx.store, req, crate::random::bytes::<32>, cx.now).await?;
    let mut reply = match (m, segs.as_slice()) {
        ("GET", ["me"]) => account::me(cx, &caller).await?,
        ("DELETE", ["session"]) => account::sign_out(cx, &caller, false).await?,
        ("POST", ["session", "revoke-all"]) => account::sign_out(cx, &caller, true).await?,
        ("POST", ["workspaces"]) => team::create_workspace(cx, &caller, req).await?,
        (_, ["workspaces", ws, tail @ ..]) => {
            let w = load_ws(cx, &caller, ws).await?;
            match tail.first().copied() {
                None | Some("members" | "invitations" | "policy") => {
                    team::route(cx, &w, req, tail).await?
                }
                Some(
                    "write-keys" | "secret-keys" | "origins" | "identity" | "webhook" | "settings",
                ) => keys::route(cx, &w, req, tail).await?,
                Some("campaigns") if m == "GET" && tail.len() == 3 && tail[2] == "results" => {
                    results::campaign(cx, &w, req, tail[1]).await?
                }
                Some("campaigns") if m == "GET" && tail.len() == 3 && tail[2] == "adoption" => {
                    results::adoption(cx, &w, req, tail[1]).await?
                }
                Some("campaigns") => campaigns::route(cx, &w, req, &tail[1..]).await?,
                Some("audit" | "audit.csv") => campaigns::audit(cx, &w, req, tail).await?,
                Some("results") if m == "GET" && tail.len() == 1 => {
                    results::workspace(cx, &w, req).await?
                }
                Some("accounts") if m == "GET" && tail.len() == 1 => {
                    results::accounts(cx, &w, req).await?
                }
                Some("accounts") if m == "POST" && tail == ["accounts", "import"] => {
                    import::import(cx, &w, req).await?
                }
                Some("why") if m == "GET" => campaigns::why(cx, &w, req).await?,
                Some(_) => return Err(not_found()),
            }
        }
        _ => return Err(not_found()),
    };
    if let Some(cookie) = caller.rotated {
        reply.cookie.get_or_insert(cookie);
    }
    Ok(reply)
}

#[cfg(test)]
mod tests;
