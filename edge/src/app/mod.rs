//! The edge's use cases, generic over the catalog and account stores (native-testable).

use protocol::ErrorCode;
use protocol::v1::{
    AccountEventDto, AccountSummary, AdminOp, DecideResponse, Dropped, EventExport, EventsResponse,
    ExportPage, ForgetAnswer, ForgetRequest, IngestRequest, IngestResult, Subject, check_id,
    parse_admin_traits, parse_batch, parse_decide_request,
};
use std::rc::Rc;

use rules::Timestamp;
use sha2::{Digest, Sha256};

use crate::account::Accounts;
use crate::catalog::{CatalogStore, Route, WorkspaceCatalog, WriteKey};
use crate::error::AppError;

/// Resolves the write key and checks the request's Origin against the workspace's list.
/// Requests without an Origin (servers, curl) are not browser requests and pass.
async fn authorize<C: CatalogStore>(
    catalog: &C,
    write_key: &str,
    origin: Option<&str>,
    route: Route,
) -> Result<WriteKey, AppError> {
    let key = catalog.write_key(write_key).await?.ok_or_else(|| {
        AppError::problem(
            ErrorCode::UnknownWriteKey,
            "write_key",
            "no workspace has this write key",
        )
    })?;
    if let Some(origin) = origin
        && !catalog
            .origin_allowed(Some(&key.workspace_id), origin)
            .await?
    {
        return Err(AppError::problem(
            ErrorCode::OriginNotAllowed,
            "origin",
            "this origin is not in the workspace's allowed origins",
        ));
    }
    catalog.admit(&key, write_key, route).await?;
    Ok(key)
}

fn ingest_request(
    events: Vec<AccountEventDto>,
    decide_for: Option<Subject>,
    debug: bool,
    catalog: &WorkspaceCatalog,
    now: Timestamp,
) -> IngestRequest {
    let deciding = decide_for.is_some();
    let mut req = IngestRequest {
        events,
        decide_for,
        debug,
        campaigns: Vec::new(),
        settings: None,
        webhook: None,
        now: now.0,
        dry_run: false,
        repeat: 1,
        admin: None,
        dropped: Dropped::default(),
        // A decision names its catalog by version when it has one (the texts follow only if
        // the object asks for them, see `ingest_in`).
        catalog: catalog.key.clone().filter(|_| deciding),
    };
    if deciding && req.catalog.is_none() {
        with_texts(&mut req, catalog);
    }
    req
}

/// Puts the catalog's documents, settings and webhook into `req`.
fn with_texts(req: &mut IngestRequest, catalog: &WorkspaceCatalog) {
    req.campaigns.clone_from(&catalog.campaigns);
    req.settings = Some(catalog.settings.clone());
    req.webhook.clone_from(&catalog.webhook);
}

/// Sends `req` to its account object. An object that has not parsed the catalog version the
/// request names answers `catalog_needed`, having stored nothing, and gets the texts in a
/// second call.
async fn ingest_in<A: Accounts>(
    accounts: &A,
    workspace_id: &str,
    account_id: &str,
    mut req: IngestRequest,
    catalog: &WorkspaceCatalog,
) -> Result<IngestResult, AppError> {
    let first = accounts.ingest(workspace_id, account_id, &req).await?;
    if !first.catalog_needed {
        return Ok(first);
    }
    with_texts(&mut req, catalog);
    let second = accounts.ingest(workspace_id, account_id, &req).await?;
    if second.catalog_needed {
        return Err(AppError::Internal(
            "the account object asked for a catalog it was sent".into(),
        ));
    }
    Ok(second)
}

/// `POST /v1/events`: validate, store each new event once, and decide for the batch's user.
pub async fn post_events<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    origin: Option<&str>,
    body: &str,
    now: Timestamp,
) -> Result<EventsResponse, AppError> {
    let batch = parse_batch(body)?;
    let key = authorize(catalog, &batch.write_key, origin, Route::Events).await?;
    let (page, locale) = (batch.page.clone(), batch.locale.clone());
    let write_key = batch.write_key.clone();
    let mut dropped = batch.dropped;
    let validated = batch.validate(now);
    if validated.accepted.is_empty() && !validated.rejected.is_empty() {
        return Err(AppError::AllRejected(validated.rejected));
    }
    // The decision is for the user of the last valid event.
    let subject = validated.accepted.last().map(|(e, _)| Subject {
        user_id: e.user_id.clone(),
        account_id: e.account_id.clone(),
        page,
        locale,
    });
    let ws_catalog = match &subject {
        Some(_) => catalog.catalog_for(&key).await?,
        None => Rc::new(WorkspaceCatalog::default()),
    };
    // Group by account, keeping the batch order within each account.
    let mut groups: Vec<(String, Vec<AccountEventDto>)> = Vec::new();
    for (event, dto) in validated.accepted {
        match groups.iter_mut().find(|(a, _)| *a == event.account_id) {
            Some((_, list)) => list.push(dto),
            None => groups.push((event.account_id, vec![dto])),
        }
    }
    // Limits, before anything is stored: new accounts, then the monthly quota.
    let account_ids: Vec<&str> = groups.iter().map(|(a, _)| a.as_str()).collect();
    catalog
        .admit_accounts(&key, &write_key, &account_ids, now.0)
        .await?;
    let count: usize = groups.iter().map(|(_, e)| e.len()).sum();
    catalog.take_events(&key, count as u64, now.0).await?;
    let mut response = EventsResponse {
        accepted: 0,
        duplicates: 0,
        rejected: validated.rejected,
        decision: None,
        approvals: 0,
    };
    for (account_id, events) in groups {
        let decide_for = subject.clone().filter(|s| s.account_id == account_id);
        // The client's dropped counts go to the account it reports for (the decision's).
        let reported = if decide_for.is_some() {
            std::mem::take(&mut dropped)
        } else {
            Dropped::default()
        };
        let req = IngestRequest {
            dropped: reported,
            ..ingest_request(events, decide_for, false, &ws_catalog, now)
        };
        let result = ingest_in(accounts, &key.workspace_id, &account_id, req, &ws_catalog).await?;
        response.accepted += result.accepted;
        response.duplicates += result.duplicates;
        if result.decision.is_some() {
            response.decision = result.decision;
            response.approvals = result.approvals;
        }
    }
    Ok(response)
}

/// `POST /v1/decide`: the current decision for a user, optionally with a verdict per campaign.
pub async fn post_decide<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    origin: Option<&str>,
    body: &str,
    now: Timestamp,
) -> Result<DecideResponse, AppError> {
    let req = parse_decide_request(body)?;
    let key = authorize(catalog, &req.write_key, origin, Route::Decide).await?;
    if req.debug && !key.debug {
        return Err(AppError::problem(
            ErrorCode::DebugNotAllowed,
            "debug",
            "this write key may not see verdicts",
        ));
    }
    catalog
        .admit_accounts(&key, &req.write_key, &[req.account_id.as_str()], now.0)
        .await?;
    let ws_catalog = catalog.catalog_for(&key).await?;
    let subject = Subject {
        user_id: req.user_id,
        account_id: req.account_id,
        page: req.page,
        locale: req.locale,
    };
    let account_id = subject.account_id.clone();
    let ingest = ingest_request(Vec::new(), Some(subject), req.debug, &ws_catalog, now);
    let result = ingest_in(
        accounts,
        &key.workspace_id,
        &account_id,
        ingest,
        &ws_catalog,
    )
    .await?;
    let decision = result
        .decision
        .ok_or_else(|| AppError::Internal("account object returned no decision".into()))?;
    Ok(DecideResponse { decision })
}

/// SHA-256 of a secret key, hex-encoded: the only form in which secrets are stored.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Resolves `Authorization: Bearer <secret key>` to its workspace.
pub(crate) async fn authorize_secret<C: CatalogStore>(
    catalog: &C,
    authorization: Option<&str>,
) -> Result<String, AppError> {
    let secret = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| {
            AppError::problem(
                ErrorCode::InvalidSecretKey,
                "authorization",
                "send `Authorization: Bearer <secret key>`",
            )
        })?;
    catalog
        .secret_key(&hash_secret(secret.trim()))
        .await?
        .ok_or_else(|| {
            AppError::problem(
                ErrorCode::InvalidSecretKey,
                "authorization",
                "unknown secret key",
            )
        })
}

/// `GET /v1/admin/accounts/{id}/events[?cursor=…&limit=…]`: one page of the stored events of
/// one account of the caller's workspace, with the cursor of the next.
pub async fn admin_events<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    authorization: Option<&str>,
    account_id: &str,
    page: ExportPage,
) -> Result<EventExport, AppError> {
    let workspace_id = authorize_secret(catalog, authorization).await?;
    check_id("account_id", account_id)?;
    accounts.export(&workspace_id, account_id, page).await
}

/// Runs an admin operation on one account (secret key) and returns the account summary.
async fn run_admin<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    authorization: Option<&str>,
    account_id: &str,
    op: impl FnOnce() -> Result<AdminOp, AppError>,
    now: Timestamp,
) -> Result<(AccountSummary, Option<u64>), AppError> {
    let workspace_id = authorize_secret(catalog, authorization).await?;
    check_id("account_id", account_id)?;
    let op = op()?;
    let result = admin_op(catalog, accounts, &workspace_id, account_id, op, now).await?;
    let summary = result
        .summary
        .ok_or_else(|| AppError::Internal("account object returned no summary".into()))?;
    Ok((summary, result.forgotten))
}

/// Runs an admin `op` in the account object of `workspace_id` (the caller authorised it).
pub async fn admin_op<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    workspace_id: &str,
    account_id: &str,
    op: AdminOp,
    now: Timestamp,
) -> Result<IngestResult, AppError> {
    let ws_catalog = catalog.catalog(workspace_id).await?;
    admin_op_in(&ws_catalog, accounts, workspace_id, account_id, op, now).await
}

/// Runs an admin `op` under the workspace's catalog, read once by the caller (an import runs
/// one per row). Churn marks need one of the workspace's reasons, and an overridden call a
/// reason: refused here, before anything is stored.
pub async fn admin_op_in<A: Accounts>(
    ws_catalog: &WorkspaceCatalog,
    accounts: &A,
    workspace_id: &str,
    account_id: &str,
    op: AdminOp,
    now: Timestamp,
) -> Result<IngestResult, AppError> {
    if let AdminOp::SetTraits { traits, .. } = &op {
        let reasons = protocol::v1::parse_settings(&ws_catalog.settings)
            .map(|(s, _, _)| s.churn_reasons())
            .unwrap_or_else(|_| protocol::v1::WorkspaceSettings::default().churn_reasons());
        let values = protocol::v1::admin_traits(traits)?;
        protocol::v1::check_churn_traits(&values, &reasons)?;
        protocol::v1::check_call_override(&values)?;
    }
    let req = IngestRequest {
        admin: Some(op),
        settings: Some(ws_catalog.settings.clone()),
        webhook: ws_catalog.webhook.clone(),
        ..ingest_request(Vec::new(), None, false, ws_catalog, now)
    };
    accounts.ingest(workspace_id, account_id, &req).await
}

/// `GET /v1/admin/accounts/{id}/summary`: value tier, lifecycle stage, health with its
/// component contributions, and traits (secret key).
pub async fn admin_summary<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    authorization: Option<&str>,
    account_id: &str,
    now: Timestamp,
) -> Result<AccountSummary, AppError> {
    let op = || {
        Ok(AdminOp::Summary {
            account_id: account_id.to_owned(),
        })
    };
    let (summary, _) = run_admin(catalog, accounts, authorization, account_id, op, now).await?;
    Ok(summary)
}

/// `PUT /v1/admin/accounts/{id}/traits`: account traits set by the customer-success team,
/// including the reserved `cs_` ones (secret key). Answers with the new summary.
pub async fn admin_set_traits<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    authorization: Option<&str>,
    account_id: &str,
    body: &str,
    now: Timestamp,
) -> Result<AccountSummary, AppError> {
    let op = || {
        Ok(AdminOp::SetTraits {
            account_id: account_id.to_owned(),
            traits: parse_admin_traits(body)?.0,
        })
    };
    let (summary, _) = run_admin(catalog, accounts, authorization, account_id, op, now).await?;
    Ok(summary)
}

/// `POST /v1/admin/accounts/{id}/forget` `{"user_id"}`: deletes everything the account holds
/// about one user (a data-subject request), and says how many events went (secret key).
pub async fn admin_forget<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    authorization: Option<&str>,
    account_id: &str,
    body: &str,
    now: Timestamp,
) -> Result<ForgetAnswer, AppError> {
    let mut user_id = String::new();
    let op = || {
        user_id = ForgetRequest::from_json(body)?.user_id;
        Ok(AdminOp::ForgetUser {
            account_id: account_id.to_owned(),
            user_id: user_id.clone(),
        })
    };
    let (_, forgotten) = run_admin(catalog, accounts, authorization, account_id, op, now).await?;
    Ok(ForgetAnswer {
        account_id: account_id.to_owned(),
        user_id,
        events_deleted: forgotten.unwrap_or(0),
    })
}

/// `GET /v1/debug/why?user=…&account=…[&campaign=…]`: the decision for a user with the verdict
/// of every campaign (or of one), for the workspace's admins (secret key).
pub async fn debug_why<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    authorization: Option<&str>,
    subject: Subject,
    campaign: Option<&str>,
    repeat: u32,
    now: Timestamp,
) -> Result<DecideResponse, AppError> {
    let workspace_id = authorize_secret(catalog, authorization).await?;
    why(
        catalog,
        accounts,
        &workspace_id,
        subject,
        campaign,
        repeat,
        now,
    )
    .await
}

/// Why each campaign of `workspace_id` (or the one named) is or is not shown to `subject` now:
/// a dry-run decision with every verdict (nothing is recorded). `GET /v1/debug/why` asks with
/// a secret key; the console's "Why not?" page with a session.
pub async fn why<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    workspace_id: &str,
    subject: Subject,
    campaign: Option<&str>,
    repeat: u32,
    now: Timestamp,
) -> Result<DecideResponse, AppError> {
    check_id("user", &subject.user_id)?;
    check_id("account", &subject.account_id)?;
    let ws_catalog = catalog.catalog(workspace_id).await?;
    let account_id = subject.account_id.clone();
    let mut req = ingest_request(Vec::new(), Some(subject), true, &ws_catalog, now);
    // An admin asking why must not change what the user sees: no delivery is recorded.
    req.dry_run = true;
    req.repeat = repeat;
    let result = ingest_in(accounts, workspace_id, &account_id, req, &ws_catalog).await?;
    let mut decision = result
        .decision
        .ok_or_else(|| AppError::Internal("account object returned no decision".into()))?;
    if let (Some(wanted), Some(verdicts)) = (campaign, decision.verdicts.as_mut()) {
        verdicts.retain(|v| v.campaign == wanted);
        if verdicts.is_empty() {
            return Err(AppError::problem(
                ErrorCode::NotFound,
                "campaign",
                "no such campaign in this workspace",
            ));
        }
    }
    Ok(DecideResponse { decision })
}

pub mod collab;

#[cfg(test)]
mod tests;
