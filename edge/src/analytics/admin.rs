//! The analytics routes of the secret-key API:
//! - `POST /v1/admin/accounts/{id}/analytics` `{"op":"flush"|"backfill"}`: send the account's
//!   changed rollup units now, or its whole state;
//! - `GET /v1/admin/analytics/campaigns/{id}?from=&to=`: a live campaign's results;
//! - `GET /v1/admin/analytics/dead`: messages waiting in the dead-letter store;
//! - `GET /v1/admin/analytics/stats`: messages and units applied, rows written;
//! - `GET /v1/admin/analytics/accounts[?tier=&stage=&colour=&changed_within_days=&csm=
//!   &renewal_within_days=]`: the portfolio, riskiest first;
//! - `POST /v1/admin/analytics/replay`: send them through the Queue again;
//! - `POST /v1/admin/analytics/fault` `{"fail_next":N}`: test installs only;
//! - `POST /v1/admin/analytics/enqueue` (a `RollupBatch`): test installs only; sends made-up
//!   account rollups through the Queue (`cargo xtask bench analytics` simulates 10k accounts);
//! - `GET /v1/admin/accounts/{id}/storage`: what the account object holds and writes;
//! - `POST /v1/admin/accounts/{id}/retention`: a retention pass now (it also runs daily).

use protocol::ErrorCode;
use protocol::v1::{
    AnalyticsStats, FaultRequest, RollupBatch, RollupOpRequest, RollupSent, check_id,
    parse_campaign, to_json,
};
use worker::{Env, Method, Request};

use super::api::{campaign_results, day_range};
use super::object::{DurableWorkspaces, test_hooks};
use crate::account::DurableAccounts;
use crate::app::authorize_secret;
use crate::catalog::{CatalogStore, D1Catalog};
use crate::error::AppError;

/// Whether `path` is one of these routes.
pub fn is_analytics_route(path: &str) -> bool {
    path.starts_with("/v1/admin/analytics/")
        || (path.starts_with("/v1/admin/accounts/")
            && ["/analytics", "/storage", "/retention"]
                .iter()
                .any(|tail| path.ends_with(tail)))
}

/// Serves one of these routes.
pub async fn route(
    req: &mut Request,
    method: Method,
    path: &str,
    catalog: &D1Catalog,
    accounts: &DurableAccounts,
    env: &Env,
    today: i64,
) -> Result<String, AppError> {
    let auth = req.headers().get("Authorization")?;
    let workspace = authorize_secret(catalog, auth.as_deref()).await?;
    let workspaces = DurableWorkspaces::new(env.durable_object("ANALYTICS")?);
    let not_allowed = || AppError::problem(ErrorCode::MethodNotAllowed, "", "see docs/api.md");
    if let Some((account, what)) = path
        .strip_prefix("/v1/admin/accounts/")
        .and_then(|rest| rest.rsplit_once('/'))
    {
        let account = crate::percent_decode(account);
        check_id("account_id", &account)?;
        match (what, method) {
            ("storage", Method::Get) => {
                return Ok(to_json(&accounts.storage(&workspace, &account).await?));
            }
            ("retention", Method::Post) => {
                return Ok(to_json(&accounts.prune(&workspace, &account).await?));
            }
            ("analytics", Method::Post) => {}
            _ => return Err(not_allowed()),
        }
        let body = crate::read_body(req).await?;
        let op = RollupOpRequest::from_json(&body)?;
        let sent = accounts.rollup(&workspace, &account, op.op).await?;
        return Ok(to_json(&RollupSent {
            account_id: account,
            ..sent
        }));
    }
    let rest = path.trim_start_matches("/v1/admin/analytics/");
    match (method, rest) {
        (Method::Get, "dead") => {
            let n = workspaces
                .call(&workspace, Method::Get, "/dead", None)
                .await?;
            Ok(to_json(&RollupSent {
                account_id: String::new(),
                messages: n.trim().parse().unwrap_or(0),
            }))
        }
        (Method::Get, "accounts") => {
            let url = req.url()?;
            let filter =
                super::portfolio::Filter::from_query(&|name| crate::query_param(&url, name))?;
            let now = worker::Date::now().as_millis() as i64;
            let all = super::api::portfolio(&workspaces, &workspace, now).await?;
            let p = super::portfolio::apply(all, &filter, now);
            Ok(to_json(&p))
        }
        (Method::Get, "stats") => {
            let text = workspaces
                .call(&workspace, Method::Get, "/stats", None)
                .await?;
            Ok(to_json(&AnalyticsStats::from_json(&text)?))
        }
        (Method::Post, "replay") => {
            let text = workspaces
                .call(&workspace, Method::Post, "/replay", None)
                .await?;
            let batch = RollupBatch::from_json(&text)?;
            let queue = env.queue("ROLLUPS")?;
            for m in &batch.messages {
                if let Err(e) = queue.send(to_json(m)).await {
                    // Put back what was not sent, so nothing is lost.
                    let left = batch.messages.iter().skip_while(|x| !std::ptr::eq(*x, m));
                    for x in left {
                        let path = format!("/dead?id=replay-{}-{}", x.account_id, x.seq);
                        workspaces
                            .call(&workspace, Method::Post, &path, Some(to_json(x)))
                            .await?;
                    }
                    return Err(AppError::Internal(format!("replaying: {e}")));
                }
            }
            Ok(to_json(&RollupSent {
                account_id: String::new(),
                messages: batch.messages.len() as u64,
            }))
        }
        (Method::Post, "fault") if test_hooks(env) => {
            let body = crate::read_body(req).await?;
            let fault = FaultRequest::from_json(&body)?;
            if fault.fail_next > 1000 {
                return Err(AppError::problem(
                    ErrorCode::InvalidValue,
                    "fail_next",
                    "0-1000",
                ));
            }
            let path = format!("/fail?n={}", fault.fail_next);
            workspaces
                .call(&workspace, Method::Post, &path, None)
                .await?;
            Ok(to_json(&fault))
        }
        (Method::Post, "enqueue") if test_hooks(env) => {
            let body = crate::read_body(req).await?;
            let batch = RollupBatch::from_json(&body)?;
            let queue = env.queue("ROLLUPS")?;
            let messages: Vec<String> = batch
                .messages
                .into_iter()
                .map(|m| {
                    to_json(&protocol::v1::RollupMessage {
                        workspace_id: workspace.clone(),
                        ..m
                    })
                })
                .collect();
            // Queues take at most 100 messages and 256 KB per batch.
            for chunk in messages.chunks(50) {
                queue
                    .send_batch::<String, _>(chunk.iter().cloned())
                    .await
                    .map_err(|e| AppError::Internal(format!("enqueueing: {e}")))?;
            }
            Ok(to_json(&RollupSent {
                account_id: String::new(),
                messages: messages.len() as u64,
            }))
        }
        (Method::Get, rest) if rest.starts_with("campaigns/") => {
            let id = crate::percent_decode(rest.trim_start_matches("campaigns/"));
            let url = req.url()?;
            let param = |name: &str| crate::query_param(&url, name);
            let range = day_range(param("from").as_deref(), param("to").as_deref(), today)?;
            let live = catalog.catalog(&workspace).await?;
            let doc = live
                .campaigns
                .iter()
                .filter_map(|text| parse_campaign(text).ok())
                .map(|(doc, _)| doc)
                .find(|d| d.id == id);
            let results =
                campaign_results(&workspaces, &workspace, &id, doc.as_ref(), range).await?;
            Ok(to_json(&results))
        }
        _ => Err(AppError::problem(ErrorCode::NotFound, "", "no such route")),
    }
}
