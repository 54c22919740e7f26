//! Console accounts: setup links minted with the install's control key, first-run setup,
//! sign-in (rate-limited per email and per client), invitation acceptance, who am I, and
//! sign-out (this session, or everywhere).

use protocol::ErrorCode;
use protocol::v1::control::{
    AcceptBody, Actor, AuditEntry, InvitationStatus, LimitsBody, MeDto, SetupBody, SetupLinkDto,
    SignInBody, UserDto, WorkspaceRef, check_password, parse_body, to_text,
};

use super::auth::{self, clear_cookie, constant_eq, hash_password, verify_password};
use super::commit::Write;
use super::http::{Caller, Incoming, Reply, start_session};
use super::store::User;
use super::{Cx, WsCx, commit, random_hex};
use crate::collab::crypto::{self, Claims};
use crate::error::AppError;

/// Seconds a client waits after too many failed sign-ins.
pub(super) const RETRY_AFTER_S: u32 = 15 * 60;
/// Setup links work for a day.
const SETUP_TTL_MS: i64 = 24 * 3600 * 1000;
/// Failed sign-ins allowed per email, and per client address, in 15 minutes.
const PER_EMAIL: u32 = 5;
const PER_CLIENT: u32 = 30;

/// Verifying against this when the email is unknown keeps sign-in time the same.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn user_dto(u: &User) -> UserDto {
    UserDto {
        id: u.id.clone(),
        email: u.email.clone(),
        name: u.name.clone(),
    }
}

async fn me_dto(cx: &Cx<'_>, user: &User) -> Result<MeDto, AppError> {
    let workspaces = cx
        .store
        .workspaces_of(&user.id)
        .await?
        .into_iter()
        .map(|(id, name, roles)| WorkspaceRef { id, name, roles })
        .collect();
    Ok(MeDto {
        user: user_dto(user),
        workspaces,
    })
}

/// Signs `user` in: a new session (any session the request carried ends).
async fn signed_in(
    cx: &Cx<'_>,
    req: &Incoming,
    user: &User,
    status: u16,
) -> Result<Reply, AppError> {
    if let Some(old) = auth::session_from_cookie(req.cookie.as_deref()) {
        cx.store
            .delete_session(&auth::sha256_hex(old.as_bytes()))
            .await?;
    }
    let (cookie, _) = start_session(
        cx.store,
        user,
        crate::random::bytes::<32>()?,
        cx.now,
        cx.now + auth::ABSOLUTE_MS,
    )
    .await?;
    let mut reply = Reply::json(to_text(&me_dto(cx, user).await?)).with_cookie(cookie);
    reply.status = status;
    Ok(reply)
}

/// The install's operator: `Authorization: Bearer <CAIRN_CONTROL_KEY>`.
fn operator<'a>(cx: &'a Cx<'_>, req: &Incoming) -> Result<&'a str, AppError> {
    let key = cx.key()?;
    let given = req
        .authorization
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if !constant_eq(given.trim().as_bytes(), key.as_bytes()) {
        return Err(AppError::problem(
            ErrorCode::InvalidSecretKey,
            "authorization",
            "send `Authorization: Bearer <CAIRN_CONTROL_KEY>`",
        ));
    }
    Ok(key)
}

/// `PUT /console/api/operator/workspaces/{ws}/limits` (bearer: the control key).
pub(super) async fn set_limits(cx: &Cx<'_>, req: &Incoming, ws: &str) -> Result<Reply, AppError> {
    operator(cx, req)?;
    let body: LimitsBody = parse_body(&req.body)?;
    let w = cx.store.workspace(ws).await?.ok_or_else(|| {
        AppError::problem(
            ErrorCode::UnknownWorkspace,
            "workspace",
            "no such workspace",
        )
    })?;
    let mut entry = AuditEntry {
        seq: 0,
        at: cx.now,
        actor: Actor::Key {
            secret_key: "operator".into(),
        },
        action: "workspace.limits".into(),
        target: format!("workspace:{ws}"),
        before_hash: None,
        after_hash: None,
        detail: Default::default(),
        emergency: false,
    };
    entry.detail.insert("limits".into(), to_text(&body));
    let writes = [
        Write::Limits {
            monthly_events: body.monthly_events,
            new_accounts_per_day: body.new_accounts_per_day,
            requests_per_10s: body.requests_per_10s,
        },
        Write::Audit(entry),
    ];
    let token = random_hex::<16>()?;
    if !cx
        .store
        .commit(ws, Some(w.version), "", cx.now, &token, &writes)
        .await?
    {
        return Err(AppError::problem(
            ErrorCode::Conflict,
            "",
            "the workspace changed; retry",
        ));
    }
    Ok(Reply::json(to_text(&body)))
}

/// `POST /console/api/setup-link` (bearer: the control key).
pub(super) async fn setup_link(cx: &Cx<'_>, req: &Incoming) -> Result<Reply, AppError> {
    let key = operator(cx, req)?;
    let expires_at = cx.now + SETUP_TTL_MS;
    let token = crypto::sign(
        key,
        &Claims {
            kind: "s".into(),
            workspace_id: String::new(),
            account_id: String::new(),
            id: String::new(),
            nonce: random_hex::<16>()?,
            expires_at,
        },
    );
    Ok(Reply::created(to_text(&SetupLinkDto {
        url: format!("{}/console/setup?token={token}", cx.origin),
        expires_at,
    })))
}

fn wrong_kind() -> AppError {
    AppError::problem(ErrorCode::InvalidToken, "token", "this link is not valid")
}

/// `POST /console/api/setup`: spends a setup link, creating one console user.
pub(super) async fn setup(cx: &Cx<'_>, req: &Incoming) -> Result<Reply, AppError> {
    let body: SetupBody = parse_body(&req.body)?;
    let claims = crypto::verify(cx.key()?, &body.token, cx.now)?;
    if claims.kind != "s" {
        return Err(wrong_kind());
    }
    if cx.store.link_spent(&claims.nonce).await? {
        return Err(AppError::problem(
            ErrorCode::TokenUsed,
            "token",
            "this setup link was used",
        ));
    }
    if cx.store.user_by_email(&body.email).await?.is_some() {
        return Err(email_taken());
    }
    let user = User {
        id: format!("usr_{}", random_hex::<12>()?),
        email: body.email,
        name: body.name,
        password_hash: hash_password(&body.password, &crate::random::bytes::<16>()?),
        auth_epoch: 0,
        created_at: cx.now,
    };
    cx.store
        .setup_user(&claims.nonce, &user)
        .await
        .map_err(|_| {
            AppError::problem(ErrorCode::TokenUsed, "token", "this setup link was used")
        })?;
    signed_in(cx, req, &user, 201).await
}

fn email_taken() -> AppError {
    AppError::problem(
        ErrorCode::EmailTaken,
        "email",
        "a console user has this email",
    )
}

fn bad_credentials() -> AppError {
    AppError::problem(
        ErrorCode::InvalidCredentials,
        "password",
        "wrong email or password",
    )
}

/// Failed sign-ins of `key` in the current 15-minute window, after adding `n`.
async fn failures(cx: &Cx<'_>, key: &str, n: u64) -> Result<u64, AppError> {
    // Without the binding (native tests), nothing is limited.
    let Some(ns) = &cx.limiter else {
        return Ok(0);
    };
    let window = i64::from(RETRY_AFTER_S) * 1000;
    let start = cx.now - cx.now.rem_euclid(window);
    Ok(crate::limiter::take(ns, key, start, n, 0).await?.count)
}

/// Checks the rate limits, verifies the password, and counts a failure.
async fn authenticate(
    cx: &Cx<'_>,
    req: &Incoming,
    email: &str,
    password: &str,
) -> Result<User, AppError> {
    let keys = [
        (format!("signin-email:{email}"), PER_EMAIL),
        (format!("signin-client:{}", req.client), PER_CLIENT),
    ];
    for (key, limit) in &keys {
        if failures(cx, key, 0).await? >= u64::from(*limit) {
            return Err(AppError::problem(
                ErrorCode::TooManyAttempts,
                "email",
                "too many failed sign-ins; try again in 15 minutes",
            ));
        }
    }
    let user = cx.store.user_by_email(email).await?;
    let stored = user
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str());
    if verify_password(password, stored)
        && let Some(user) = user
    {
        return Ok(user);
    }
    for (key, _) in &keys {
        failures(cx, key, 1).await?;
    }
    Err(bad_credentials())
}

/// `POST /console/api/session`.
pub(super) async fn sign_in(cx: &Cx<'_>, req: &Incoming) -> Result<Reply, AppError> {
    let body: SignInBody = parse_body(&req.body)?;
    let user = authenticate(cx, req, &body.email, &body.password).await?;
    signed_in(cx, req, &user, 200).await
}

/// `GET /console/api/me`.
pub(super) async fn me(cx: &Cx<'_>, caller: &Caller) -> Result<Reply, AppError> {
    Ok(Reply::json(to_text(&me_dto(cx, &caller.user).await?)))
}

/// `DELETE /console/api/session`, `POST …/session/revoke-all`.
pub(super) async fn sign_out(
    cx: &Cx<'_>,
    caller: &Caller,
    everywhere: bool,
) -> Result<Reply, AppError> {
    if everywhere {
        cx.store.delete_sessions(&caller.user.id).await?;
    } else {
        cx.store.delete_session(&caller.session_hash).await?;
    }
    Ok(Reply::empty().with_cookie(clear_cookie()))
}

fn used() -> AppError {
    AppError::problem(
        ErrorCode::TokenUsed,
        "token",
        "this invitation was used or withdrawn",
    )
}

/// `POST /console/api/invitations/accept`: joins the workspace (creating the user when the
/// email is new, else checking their password), spends the link, signs in.
pub(super) async fn accept(cx: &Cx<'_>, req: &Incoming) -> Result<Reply, AppError> {
    let body: AcceptBody = parse_body(&req.body)?;
    let claims = crypto::verify(cx.key()?, &body.token, cx.now)?;
    if claims.kind != "c" {
        return Err(wrong_kind());
    }
    let (ws_id, mut inv) = cx
        .store
        .invitation(&claims.id)
        .await?
        .ok_or_else(wrong_kind)?;
    if ws_id != claims.workspace_id {
        return Err(wrong_kind());
    }
    if inv.status != InvitationStatus::Pending
        || !constant_eq(inv.nonce.as_bytes(), claims.nonce.as_bytes())
    {
        return Err(used());
    }
    let existing = cx.store.user_by_email(&inv.email).await?;
    let mut writes = Vec::new();
    let user = match existing {
        Some(_) => authenticate(cx, req, &inv.email, &body.password).await?,
        None => {
            check_password(&body.password).map_err(AppError::from)?;
            let user = User {
                id: format!("usr_{}", random_hex::<12>()?),
                email: inv.email.clone(),
                name: body.name.clone(),
                password_hash: hash_password(&body.password, &crate::random::bytes::<16>()?),
                auth_epoch: 0,
                created_at: cx.now,
            };
            writes.push(Write::NewUser(user.clone()));
            user
        }
    };
    let ws = cx.store.workspace(&ws_id).await?.ok_or_else(wrong_kind)?;
    let members = cx.store.members(&ws_id).await?;
    let mut roles = members
        .iter()
        .find(|m| m.user_id == user.id)
        .map(|m| m.roles.clone())
        .unwrap_or_default();
    roles.extend(inv.roles.iter().copied());
    roles.sort();
    roles.dedup();
    inv.status = InvitationStatus::Accepted;
    inv.nonce = random_hex::<16>()?;
    let me = super::store::Member {
        user_id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        roles: roles.clone(),
    };
    let w = WsCx { ws, members, me };
    let mut entry = w.entry(cx.now, "invitation.accept", &format!("member:{}", user.id));
    entry.detail.insert("invitation".into(), inv.id.clone());
    entry.detail.insert(
        "roles".into(),
        roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    writes.push(Write::Member {
        user_id: user.id.clone(),
        roles,
    });
    writes.push(Write::Invitation(inv));
    writes.push(Write::Audit(entry));
    commit(cx, &w, &writes).await?;
    // The membership bumped the user's epoch: read it back so the new session matches.
    let user = cx.store.user(&user.id).await?.unwrap_or(user);
    signed_in(cx, req, &user, 200).await
}

/// An invitation link for `id` with `nonce`, valid until `expires_at`.
pub(super) fn invitation_url(
    cx: &Cx<'_>,
    ws: &str,
    id: &str,
    nonce: &str,
    expires_at: i64,
) -> Result<String, AppError> {
    let token = crypto::sign(
        cx.key()?,
        &Claims {
            kind: "c".into(),
            workspace_id: ws.to_owned(),
            account_id: String::new(),
            id: id.to_owned(),
            nonce: nonce.to_owned(),
            expires_at,
        },
    );
    Ok(format!("{}/console/accept?token={token}", cx.origin))
}
