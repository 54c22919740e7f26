//! The one-click links of approval emails (`/v1/approvals/act?token=…`): a confirmation page,
//! then the decision, as plain HTML with fixed texts only.

use protocol::ErrorCode;
use worker::{Headers, Method, Request, Response};

use crate::account::DurableAccounts;
use crate::app;
use crate::catalog::D1Catalog;
use crate::error::AppError;

/// `/v1/approvals/act?token=…`: `GET` shows what the link will do (mail scanners that
/// prefetch links change nothing), `POST` (the page's button) decides. Plain HTML with fixed
/// texts only; the token goes back in the form's action URL.
pub(crate) async fn serve(
    req: &Request,
    method: Method,
    catalog: &D1Catalog,
    accounts: &DurableAccounts,
    env: &app::collab::Env<'_>,
) -> worker::Result<Response> {
    let url = req.url()?;
    let token = crate::query_param(&url, "token").unwrap_or_default();
    let verb = |v: protocol::v1::Verdict| match v {
        protocol::v1::Verdict::Approve => "Approve",
        protocol::v1::Verdict::Reject => "Reject",
    };
    let (status, body) = match method {
        Method::Get => match app::collab::link_decision(catalog, env, &token).await {
            Ok(v) => (
                200,
                format!(
                    "<h1>{} this request?</h1><form method=\"post\"><button>{}</button></form>",
                    verb(v),
                    verb(v)
                ),
            ),
            Err(e) => link_error(&e),
        },
        Method::Post => match app::collab::act_by_link(catalog, accounts, env, &token).await {
            Ok(_) => (
                200,
                "<h1>Done.</h1><p>Your decision was recorded.</p>".to_owned(),
            ),
            Err(e) => link_error(&e),
        },
        _ => (405, "<h1>Method not allowed</h1>".to_owned()),
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"><title>Cairn approval</title>{body}"
    );
    let headers = Headers::new();
    headers.set("Content-Type", "text/html; charset=utf-8")?;
    headers.set("Cache-Control", "no-store")?;
    headers.set("Referrer-Policy", "no-referrer")?;
    headers.set(
        "Content-Security-Policy",
        "default-src 'none'; form-action 'self'",
    )?;
    Ok(Response::ok(html)?
        .with_status(status)
        .with_headers(headers))
}

/// The page and status for a refused link (fixed texts per error code).
fn link_error(e: &AppError) -> (u16, String) {
    let (status, _) = e.status_and_body();
    let text = match e {
        AppError::Rejected(p) => match p.code {
            ErrorCode::TokenExpired => "This link has expired.",
            ErrorCode::TokenUsed => "This link was already used.",
            _ => "This link is not valid.",
        },
        _ => "Something went wrong; please try again later.",
    };
    if let AppError::Internal(detail) = e {
        worker::console_error!("one-click link: {detail}");
    }
    (status, format!("<h1>{text}</h1>"))
}
