//! Cairn's edge worker: HTTP routing, CORS and content checks around the use cases in `app`.
//!
//! Routes:
//! - `POST /v1/events` — a batch of events (`application/json` or `text/plain`, so
//!   `sendBeacon` needs no preflight); answers with per-event results and the decision.
//! - `POST /v1/decide` — the decision for a user; `debug: true` adds verdicts (debug keys only).
//! - `GET /v1/admin/accounts/{id}/events` — an account's stored events (secret key).
//! - `GET /v1/admin/accounts/{id}/summary` — tier, lifecycle stage, health (secret key).
//! - `PUT /v1/admin/accounts/{id}/traits` — customer-success traits (secret key).
//! - `GET /v1/debug/why?user=…&account=…[&campaign=…]` — every verdict (secret key).
//! - `POST /v1/invites`, `/v1/invites/suggestions`, `/v1/invites/accept`, `/v1/approvals`,
//!   `/v1/approvals/approvers`, `/v1/approvals/inbox`, `/v1/approvals/decide` — invitations
//!   and approvals for a signed-in user (`user_hash` checked).
//! - `GET` / `POST /v1/approvals/act?token=…` — the one-click link of an approval email: a
//!   confirmation page, then the decision (HTML).
//! - `PUT /v1/admin/webhook` — the webhook endpoint; answers with its signing secret.
//! - `GET` / `PUT /v1/admin/identity` — the identity secret for `user_hash`, and enforcement.
//! - `PUT /v1/admin/accounts/{id}/targets`, `POST …/revoke`, `GET …/invites`, `…/champions`,
//!   `…/approvals`, `…/webhooks` (the delivery log).
//! - `GET /v1/health`.
//!
//! Everything else is the demo app, served from static assets.

pub mod account;
pub mod analytics;
pub mod app;
pub mod catalog;
pub mod collab;
pub mod control;
pub mod error;
pub mod limiter;
mod one_click;
pub mod random;
mod sqlite;

pub use account::AccountObject;
pub use analytics::object::WorkspaceAnalytics;
pub use limiter::Limiter;

use protocol::ErrorCode;
use protocol::v1::{MAX_BATCH_BYTES, to_json};
use rules::Timestamp;
use worker::{
    Context, Date, Env, Headers, MessageBatch, Method, Request, Response, ScheduleContext,
    ScheduledEvent, event,
};

use crate::account::DurableAccounts;
use crate::catalog::{CatalogStore, D1Catalog};
use crate::error::AppError;

#[event(fetch)]
async fn fetch(mut req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let path = req.path();
    if path == "/console" || path.starts_with("/console/") {
        let now = Date::now().as_millis() as i64;
        return control::serve(&mut req, &env, &path, now).await;
    }
    if !path.starts_with("/v1/") {
        return Response::error("Not found", 404);
    }
    let origin = req.headers().get("Origin")?;
    let client = req
        .headers()
        .get("CF-Connecting-IP")?
        .unwrap_or_else(|| "local".to_owned());
    let catalog = D1Catalog::new(env.d1("DB")?)
        .with_token_root(control_key(&env))
        .with_gate(catalog::gate::Gate::from_env(&env, client));
    let accounts = DurableAccounts::new(env.durable_object("ACCOUNTS")?);
    let now = Timestamp(Date::now().as_millis() as i64);
    let method = req.method();
    let endpoint = req.url()?.origin().ascii_serialization();
    let bindings = &env;
    let env = collab_env(now, &endpoint);
    if path == "/v1/approvals/act" {
        return one_click::serve(&req, method, &catalog, &accounts, &env).await;
    }

    if method == Method::Options {
        let allowed = match &origin {
            Some(o) => catalog.origin_allowed(None, o).await.unwrap_or(false),
            None => false,
        };
        return respond(
            204,
            String::new(),
            allowed.then_some(origin.as_deref()).flatten(),
        );
    }

    let outcome = if analytics::admin::is_analytics_route(&path) {
        let today = now.day().0.into();
        analytics::admin::route(
            &mut req,
            method.clone(),
            &path,
            &catalog,
            &accounts,
            bindings,
            today,
        )
        .await
    } else {
        route(
            &mut req,
            method.clone(),
            &path,
            origin.as_deref(),
            &catalog,
            &accounts,
            &env,
        )
        .await
    };
    match outcome {
        Ok(body) => respond(
            200,
            body,
            if secret_route(&path) {
                None
            } else {
                origin.as_deref()
            },
        ),
        Err(e) => {
            if let AppError::Internal(detail) = &e {
                worker::console_error!("{method:?} {path}: {detail}");
            }
            let (status, body) = e.status_and_body();
            // Let the page read the error when its origin is one we serve at all.
            let cors = match &origin {
                Some(o)
                    if !secret_route(&path)
                        && catalog.origin_allowed(None, o).await.unwrap_or(false) =>
                {
                    Some(o.as_str())
                }
                _ => None,
            };
            let resp = respond(status, body, cors)?;
            if let Some(seconds) = e.retry_after() {
                resp.headers().set("Retry-After", &seconds.to_string())?;
            }
            Ok(resp)
        }
    }
}

/// The Queue consumer: rollup messages into the workspace analytics objects.
#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> worker::Result<()> {
    analytics::object::consume(batch, &env).await
}

/// The Cron Trigger: the sweep of due invitation and approval work.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    let now = Timestamp(Date::now().as_millis() as i64);
    let work = async {
        let catalog = D1Catalog::new(env.d1("DB")?).with_token_root(control_key(&env));
        let accounts = DurableAccounts::new(env.durable_object("ACCOUNTS")?);
        let collab = collab_env(now, "");
        app::collab::sweep(&catalog, &accounts, &collab).await
    };
    match work.await {
        Ok(n) if n > 0 => worker::console_log!("cron: woke {n} accounts"),
        Ok(_) => {}
        Err(e) => worker::console_error!("cron: {e}"),
    }
}

async fn route(
    req: &mut Request,
    method: Method,
    path: &str,
    origin: Option<&str>,
    catalog: &D1Catalog,
    accounts: &DurableAccounts,
    env: &app::collab::Env<'_>,
) -> Result<String, AppError> {
    let now = env.now;
    if let Some(signed) = app::collab::op_for(path) {
        let body = read_post(req, &method).await?;
        return app::collab::serve_signed(catalog, accounts, env, origin, signed, &body).await;
    }
    if path == "/v1/invites/accept" {
        let body = read_post(req, &method).await?;
        return app::collab::accept(catalog, accounts, env, origin, &body).await;
    }
    if path == "/v1/admin/identity" {
        let auth = req.headers().get("Authorization")?;
        let body = match method {
            Method::Get => None,
            Method::Put => Some(read_body(req).await?),
            _ => {
                return Err(AppError::problem(
                    ErrorCode::MethodNotAllowed,
                    "",
                    "GET or PUT",
                ));
            }
        };
        return app::collab::identity(catalog, env, auth.as_deref(), body.as_deref()).await;
    }
    if path == "/v1/admin/webhook" {
        if method != Method::Put {
            return Err(AppError::problem(
                ErrorCode::MethodNotAllowed,
                "",
                "use PUT",
            ));
        }
        let body = read_body(req).await?;
        let auth = req.headers().get("Authorization")?;
        let random = random::bytes::<32>()?;
        return app::collab::set_webhook(catalog, env, auth.as_deref(), &body, &random).await;
    }
    // `/v1/admin/accounts/{id}/{what}`.
    let admin_account = path
        .strip_prefix("/v1/admin/accounts/")
        .and_then(|rest| rest.split_once('/'));
    match (path, admin_account) {
        ("/v1/events", _) | ("/v1/decide", _) => {
            if method != Method::Post {
                return Err(AppError::problem(
                    ErrorCode::MethodNotAllowed,
                    "",
                    "use POST",
                ));
            }
            let body = read_body(req).await?;
            if path == "/v1/events" {
                Ok(to_json(
                    &app::post_events(catalog, accounts, origin, &body, now).await?,
                ))
            } else {
                Ok(to_json(
                    &app::post_decide(catalog, accounts, origin, &body, now).await?,
                ))
            }
        }
        ("/v1/health", _) => Ok("{\"ok\":true}".to_owned()),
        ("/v1/debug/why", _) if method == Method::Get => {
            let url = req.url()?;
            let param = |name: &str| query_param(&url, name);
            let missing =
                |name: &str| AppError::problem(ErrorCode::MissingField, name, "a query parameter");
            let subject = protocol::v1::Subject {
                user_id: param("user").ok_or_else(|| missing("user"))?,
                account_id: param("account").ok_or_else(|| missing("account"))?,
                page: param("page"),
                locale: param("locale"),
            };
            let auth = req.headers().get("Authorization")?;
            let campaign = param("campaign");
            // `repeat=N` decides N times (1-1000) to profile the decision (`cargo xtask bench`).
            let repeat = match param("repeat") {
                None => 1,
                Some(n) => n
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| {
                        AppError::problem(ErrorCode::InvalidValue, "repeat", "1-1000")
                    })?,
            };
            let why = app::debug_why(
                catalog,
                accounts,
                auth.as_deref(),
                subject,
                campaign.as_deref(),
                repeat,
                now,
            )
            .await?;
            Ok(to_json(&why))
        }
        (_, Some((account, what))) => {
            let account = percent_decode(account);
            let auth = req.headers().get("Authorization")?;
            let auth = auth.as_deref();
            match (what, method) {
                ("events", Method::Get) => {
                    let url = req.url()?;
                    let param = |name: &str| query_param(&url, name);
                    let page = protocol::v1::ExportPage::from_query(
                        param("cursor").as_deref(),
                        param("limit").as_deref(),
                    )?;
                    Ok(to_json(
                        &app::admin_events(catalog, accounts, auth, &account, page).await?,
                    ))
                }
                ("forget", Method::Post) => {
                    let body = read_body(req).await?;
                    Ok(to_json(
                        &app::admin_forget(catalog, accounts, auth, &account, &body, now).await?,
                    ))
                }
                ("summary", Method::Get) => Ok(to_json(
                    &app::admin_summary(catalog, accounts, auth, &account, now).await?,
                )),
                ("traits", Method::Put) => {
                    let body = read_body(req).await?;
                    Ok(to_json(
                        &app::admin_set_traits(catalog, accounts, auth, &account, &body, now)
                            .await?,
                    ))
                }
                ("targets", Method::Put) => {
                    let body = read_body(req).await?;
                    app::collab::admin(catalog, accounts, env, auth, &account, what, Some(&body))
                        .await
                }
                ("revoke", Method::Post) => {
                    let body = read_body(req).await?;
                    app::collab::admin(catalog, accounts, env, auth, &account, what, Some(&body))
                        .await
                }
                ("invites" | "champions" | "approvals" | "webhooks", Method::Get) => {
                    app::collab::admin(catalog, accounts, env, auth, &account, what, None).await
                }
                ("events" | "summary" | "traits", _) => Err(AppError::problem(
                    ErrorCode::MethodNotAllowed,
                    "",
                    "GET events or summary, PUT traits",
                )),
                _ => Err(AppError::problem(ErrorCode::NotFound, "", "no such route")),
            }
        }
        _ => Err(AppError::problem(ErrorCode::NotFound, "", "no such route")),
    }
}

/// The time, public origin and randomness (drawn when used) of the collaboration use cases.
fn collab_env(now: Timestamp, endpoint: &str) -> app::collab::Env<'_> {
    app::collab::Env {
        now,
        endpoint,
        random: random::hex16,
    }
}

/// A POST body (other methods are refused).
async fn read_post(req: &mut Request, method: &Method) -> Result<String, AppError> {
    if *method != Method::Post {
        return Err(AppError::problem(
            ErrorCode::MethodNotAllowed,
            "",
            "use POST",
        ));
    }
    read_body(req).await
}

/// Routes that take a secret key: never answered with CORS headers, so no page can call them.
fn secret_route(path: &str) -> bool {
    path.starts_with("/v1/admin/") || path.starts_with("/v1/debug/")
}

/// Reads a POST body after checking its Content-Type and declared length.
pub(crate) async fn read_body(req: &mut Request) -> Result<String, AppError> {
    let content_type = req
        .headers()
        .get("Content-Type")?
        .unwrap_or_default()
        .to_ascii_lowercase();
    let base = content_type.split(';').next().unwrap_or("").trim();
    if base != "application/json" && base != "text/plain" {
        return Err(AppError::problem(
            ErrorCode::UnsupportedMediaType,
            "content-type",
            "send application/json or text/plain",
        ));
    }
    let declared = req
        .headers()
        .get("Content-Length")?
        .and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BATCH_BYTES) {
        return Err(AppError::problem(
            ErrorCode::BatchTooLarge,
            "",
            "body exceeds 512000 bytes",
        ));
    }
    let bytes = req.bytes().await?;
    String::from_utf8(bytes)
        .map_err(|_| AppError::problem(ErrorCode::MalformedJson, "", "body is not UTF-8"))
}

/// The install's control key (`CAIRN_CONTROL_KEY`, a secret or a var), if set.
pub(crate) fn control_key(env: &Env) -> Option<String> {
    env.secret("CAIRN_CONTROL_KEY")
        .map(|s| s.to_string())
        .or_else(|_| env.var("CAIRN_CONTROL_KEY").map(|s| s.to_string()))
        .ok()
}

/// The (decoded) value of the query parameter `name` of `url`, if any.
pub(crate) fn query_param(url: &worker::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Encodes a query value or path segment: every byte but the unreserved ones as `%XX`.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes of a path segment (account ids may hold any character).
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn respond(status: u16, body: String, cors_origin: Option<&str>) -> worker::Result<Response> {
    let headers = Headers::new();
    if !body.is_empty() {
        headers.set("Content-Type", "application/json; charset=utf-8")?;
    }
    headers.set("Cache-Control", "no-store")?;
    headers.set("Vary", "Origin")?;
    if let Some(origin) = cors_origin {
        headers.set("Access-Control-Allow-Origin", origin)?;
        headers.set("Access-Control-Allow-Methods", "POST, OPTIONS")?;
        headers.set("Access-Control-Allow-Headers", "Content-Type")?;
        headers.set("Access-Control-Max-Age", "86400")?;
        // The SDK honours Retry-After on 429 and 503; cross-origin it must be exposed.
        headers.set("Access-Control-Expose-Headers", "Retry-After")?;
    }
    let resp = if body.is_empty() {
        Response::empty()?
    } else {
        Response::ok(body)?
    };
    Ok(resp.with_status(status).with_headers(headers))
}
