//! The invitation and approval use cases of the worker: check the write key, the origin and
//! the caller's signed identity (or a link's signature), then run the operation in the
//! account's object. Generic over the stores, so they run natively against the doubles.

use protocol::ErrorCode;
use protocol::v1::{
    CollabKeys, CollabOp, CollabRequest, IdentitySecret, NoFields, Signed, Validate, Verdict,
    WebhookSecret, parse_accept, parse_identity_config, parse_revoke, parse_settings, parse_signed,
    parse_targets, parse_webhook_config, to_json,
};
use rules::Timestamp;
use serde::de::DeserializeOwned;

use super::{authorize, authorize_secret};
use crate::account::Accounts;
use crate::catalog::{CatalogStore, CollabSecrets};
use crate::collab::crypto::{self, Claims};
use crate::error::AppError;

/// What the worker brings to every operation: the time, its public origin, and randomness
/// (drawn only when an operation needs it: ids and nonces, or a new workspace's keys).
#[derive(Debug, Clone)]
pub struct Env<'a> {
    /// Edge time.
    pub now: Timestamp,
    /// The edge's public origin (`https://edge.example`), for links.
    pub endpoint: &'a str,
    /// 32 random hex characters per call.
    pub random: fn() -> Result<String, AppError>,
}

/// Runs `op` on an account of `workspace_id` and returns the route's JSON answer.
async fn run<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
    workspace_id: &str,
    account_id: &str,
    secrets: &CollabSecrets,
    op: CollabOp,
) -> Result<String, AppError> {
    let ws = catalog.catalog(workspace_id).await?;
    let (settings, _, _) = parse_settings(&ws.settings)
        .map_err(|p| AppError::Internal(format!("workspace settings: {p}")))?;
    let req = CollabRequest {
        workspace_id: workspace_id.to_owned(),
        account_id: account_id.to_owned(),
        now: env.now.0,
        seed: (env.random)()?,
        settings: settings.collab.unwrap_or_default().resolve(env.endpoint),
        keys: CollabKeys {
            token_key: secrets.token_key.clone(),
            webhook: secrets.webhook.clone(),
        },
        op,
    };
    let result = accounts.collab(workspace_id, account_id, &req).await?;
    catalog
        .set_collab_due(workspace_id, account_id, result.wake_at)
        .await?;
    if let Some(p) = result.problem {
        return Err(AppError::Rejected(p.to_problem()));
    }
    result
        .body
        .map(|b| b.get().to_owned())
        .ok_or_else(|| AppError::Internal("account object gave no answer".into()))
}

/// A signed route: write key, origin, identity, then `op` for the caller's account.
pub async fn signed<C, A, T>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
    origin: Option<&str>,
    body: &str,
    op: impl FnOnce(String, T) -> CollabOp,
) -> Result<String, AppError>
where
    C: CatalogStore,
    A: Accounts,
    T: DeserializeOwned + Validate,
{
    let req: Signed<T> = parse_signed(body)?;
    let key = authorize(
        catalog,
        &req.write_key,
        origin,
        crate::catalog::Route::Collab,
    )
    .await?;
    let secrets = catalog
        .collab_secrets(&key.workspace_id, env.random)
        .await?;
    crypto::verify_user(
        &secrets.identity_secret,
        &req.user_id,
        req.user_hash.as_deref(),
        secrets.enforce_identity,
    )?;
    let account = req.account_id.clone();
    let op = op(req.user_id, req.body);
    run(
        catalog,
        accounts,
        env,
        &key.workspace_id,
        &account,
        &secrets,
        op,
    )
    .await
}

/// The route names of the signed operations.
pub fn op_for(path: &str) -> Option<SignedRoute> {
    Some(match path {
        "/v1/invites" => SignedRoute::Invite,
        "/v1/invites/suggestions" => SignedRoute::Suggest,
        "/v1/approvals" => SignedRoute::Request,
        "/v1/approvals/approvers" => SignedRoute::Approvers,
        "/v1/approvals/inbox" => SignedRoute::Inbox,
        "/v1/approvals/decide" => SignedRoute::Decide,
        _ => return None,
    })
}

/// The signed routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedRoute {
    /// `POST /v1/invites`.
    Invite,
    /// `POST /v1/invites/suggestions`.
    Suggest,
    /// `POST /v1/approvals`.
    Request,
    /// `POST /v1/approvals/approvers`.
    Approvers,
    /// `POST /v1/approvals/inbox`.
    Inbox,
    /// `POST /v1/approvals/decide`.
    Decide,
}

/// Serves a signed route.
pub async fn serve_signed<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
    origin: Option<&str>,
    route: SignedRoute,
    body: &str,
) -> Result<String, AppError> {
    match route {
        SignedRoute::Invite => {
            signed(catalog, accounts, env, origin, body, |user_id, body| {
                CollabOp::Invite { user_id, body }
            })
            .await
        }
        SignedRoute::Suggest => {
            signed(
                catalog,
                accounts,
                env,
                origin,
                body,
                |user_id, _: NoFields| CollabOp::Suggest { user_id },
            )
            .await
        }
        SignedRoute::Request => {
            signed(catalog, accounts, env, origin, body, |user_id, body| {
                CollabOp::RequestApproval { user_id, body }
            })
            .await
        }
        SignedRoute::Approvers => {
            signed(catalog, accounts, env, origin, body, |_, _: NoFields| {
                CollabOp::Approvers
            })
            .await
        }
        SignedRoute::Inbox => {
            signed(
                catalog,
                accounts,
                env,
                origin,
                body,
                |user_id, _: NoFields| CollabOp::Inbox { user_id },
            )
            .await
        }
        SignedRoute::Decide => {
            signed(catalog, accounts, env, origin, body, |user_id, body| {
                CollabOp::Decide { user_id, body }
            })
            .await
        }
    }
}

/// Verifies a link token of `kinds` against its workspace's key.
async fn verify_token<C: CatalogStore>(
    catalog: &C,
    env: &Env<'_>,
    token: &str,
    kinds: &[&str],
) -> Result<(Claims, CollabSecrets), AppError> {
    let peeked = crypto::peek(token)?;
    if !kinds.contains(&peeked.kind.as_str()) {
        return Err(AppError::problem(
            ErrorCode::InvalidToken,
            "token",
            "this link is not valid",
        ));
    }
    let secrets = catalog
        .collab_secrets(&peeked.workspace_id, env.random)
        .await?;
    let claims = crypto::verify(&secrets.token_key, token, env.now.0)?;
    Ok((claims, secrets))
}

/// `POST /v1/invites/accept`: the invitee (signed in, maybe just signed up) accepts.
pub async fn accept<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
    origin: Option<&str>,
    body: &str,
) -> Result<String, AppError> {
    let req = parse_accept(body)?;
    let key = authorize(
        catalog,
        &req.write_key,
        origin,
        crate::catalog::Route::Collab,
    )
    .await?;
    let (claims, secrets) = verify_token(catalog, env, &req.token, &["i"]).await?;
    if claims.workspace_id != key.workspace_id {
        return Err(AppError::problem(
            ErrorCode::InvalidToken,
            "token",
            "this link is not valid",
        ));
    }
    crypto::verify_user(
        &secrets.identity_secret,
        &req.user_id,
        req.user_hash.as_deref(),
        secrets.enforce_identity,
    )?;
    let op = CollabOp::Accept {
        user_id: req.user_id,
        invite_id: claims.id,
        nonce: claims.nonce,
    };
    run(
        catalog,
        accounts,
        env,
        &claims.workspace_id,
        &claims.account_id,
        &secrets,
        op,
    )
    .await
}

/// `POST /v1/approvals/act?token=…`: a one-click approve or reject from the email.
pub async fn act_by_link<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
    token: &str,
) -> Result<String, AppError> {
    let (claims, secrets) = verify_token(catalog, env, token, &["a", "r"]).await?;
    let decision = if claims.kind == "a" {
        Verdict::Approve
    } else {
        Verdict::Reject
    };
    let op = CollabOp::DecideByLink {
        approval_id: claims.id,
        nonce: claims.nonce,
        decision,
    };
    run(
        catalog,
        accounts,
        env,
        &claims.workspace_id,
        &claims.account_id,
        &secrets,
        op,
    )
    .await
}

/// The decision a one-click token carries, after checking it (for the confirmation page).
pub async fn link_decision<C: CatalogStore>(
    catalog: &C,
    env: &Env<'_>,
    token: &str,
) -> Result<Verdict, AppError> {
    let (claims, _) = verify_token(catalog, env, token, &["a", "r"]).await?;
    Ok(if claims.kind == "a" {
        Verdict::Approve
    } else {
        Verdict::Reject
    })
}

/// Admin routes on one account: target list, invitations, champions, approvals.
pub async fn admin<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
    authorization: Option<&str>,
    account_id: &str,
    what: &str,
    body: Option<&str>,
) -> Result<String, AppError> {
    let workspace_id = authorize_secret(catalog, authorization).await?;
    protocol::v1::check_id("account_id", account_id)?;
    let op = match (what, body) {
        ("targets", Some(body)) => CollabOp::SetTargets(parse_targets(body)?),
        ("invites", None) => CollabOp::ListInvites,
        ("champions", None) => CollabOp::Champions,
        ("approvals", None) => CollabOp::ListApprovals,
        ("webhooks", None) => CollabOp::ListDeliveries,
        ("revoke", Some(body)) => CollabOp::Revoke(parse_revoke(body)?),
        _ => return Err(AppError::problem(ErrorCode::NotFound, "", "no such route")),
    };
    let secrets = catalog.collab_secrets(&workspace_id, env.random).await?;
    run(
        catalog,
        accounts,
        env,
        &workspace_id,
        account_id,
        &secrets,
        op,
    )
    .await
}

/// Accounts woken per cron run.
const SWEEP_LIMIT: u32 = 200;

/// The Cron Trigger: wakes the objects of accounts whose webhook retries, reminders or
/// expiries are due (a sweep behind each object's own alarm). Returns how many it woke.
pub async fn sweep<C: CatalogStore, A: Accounts>(
    catalog: &C,
    accounts: &A,
    env: &Env<'_>,
) -> Result<usize, AppError> {
    let due = catalog.collab_due(env.now.0, SWEEP_LIMIT).await?;
    for (workspace_id, account_id) in &due {
        let secrets = catalog.collab_secrets(workspace_id, env.random).await?;
        run(
            catalog,
            accounts,
            env,
            workspace_id,
            account_id,
            &secrets,
            CollabOp::Tick,
        )
        .await?;
    }
    Ok(due.len())
}

/// `GET /v1/admin/identity` (body `None`) or `PUT` (`{"enforce"}`): the identity secret the
/// vendor's backend signs user ids with, and whether signatures are required.
pub async fn identity<C: CatalogStore>(
    catalog: &C,
    env: &Env<'_>,
    authorization: Option<&str>,
    body: Option<&str>,
) -> Result<String, AppError> {
    let workspace_id = authorize_secret(catalog, authorization).await?;
    if let Some(body) = body {
        let config = parse_identity_config(body)?;
        catalog.collab_secrets(&workspace_id, env.random).await?;
        catalog
            .set_enforce_identity(&workspace_id, config.enforce)
            .await?;
        let entry = key_audit(
            env.now.0,
            "identity.update",
            &workspace_id,
            ("enforce", config.enforce.to_string()),
        );
        catalog
            .audit_by_key(&workspace_id, &key_hash(authorization), entry)
            .await?;
    }
    let secrets = catalog.collab_secrets(&workspace_id, env.random).await?;
    Ok(to_json(&IdentitySecret {
        secret: secrets.identity_secret,
        enforce: secrets.enforce_identity,
    }))
}

/// `PUT /v1/admin/webhook`: sets the endpoint and returns a new signing secret.
pub async fn set_webhook<C: CatalogStore>(
    catalog: &C,
    env: &Env<'_>,
    authorization: Option<&str>,
    body: &str,
    random: &[u8],
) -> Result<String, AppError> {
    let workspace_id = authorize_secret(catalog, authorization).await?;
    let config = parse_webhook_config(body)?;
    catalog.collab_secrets(&workspace_id, env.random).await?;
    let secret = crypto::webhook_secret(random);
    catalog
        .set_webhook(&workspace_id, &config.url, &secret)
        .await?;
    let entry = key_audit(
        env.now.0,
        "webhook.update",
        &workspace_id,
        ("url", config.url.clone()),
    );
    catalog
        .audit_by_key(&workspace_id, &key_hash(authorization), entry)
        .await?;
    Ok(to_json(&WebhookSecret {
        url: config.url,
        secret,
    }))
}

/// The SHA-256 of the request's bearer secret key (already authorized).
fn key_hash(authorization: Option<&str>) -> String {
    super::hash_secret(
        authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("")
            .trim(),
    )
}

/// An audit entry of a change made through the secret-key admin API (the store names the key).
fn key_audit(
    now: i64,
    action: &str,
    workspace_id: &str,
    (key, value): (&str, String),
) -> protocol::v1::control::AuditEntry {
    protocol::v1::control::AuditEntry {
        seq: 0,
        at: now,
        actor: protocol::v1::control::Actor::Key {
            secret_key: String::new(),
        },
        action: action.to_owned(),
        target: format!("workspace:{workspace_id}"),
        before_hash: None,
        after_hash: None,
        detail: [(key.to_owned(), value)].into_iter().collect(),
        emergency: false,
    }
}
