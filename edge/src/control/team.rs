//! Workspaces and their teams: create and rename, members and their roles (the last owner
//! stays), invitations by email with roles (a signed link, and the `console.invite.created`
//! webhook when an endpoint is set), and the review policy.

use protocol::v1::control::{
    ConsoleInviteWebhook, InvitationCreated, InvitationDto, InvitationList, InvitationStatus,
    InviteBody, MemberDto, MemberList, NameBody, PolicyBody, Role, RolesBody, WorkspaceAnswer,
    WorkspaceDto, parse_body, to_text,
};
use protocol::{ErrorCode, Problem};

use super::commit::Write;
use super::http::{Caller, Incoming, Reply};
use super::policy::{ADMINS, require};
use super::store::Member;
use super::{Cx, WsCx, commit, load_ws, method_not_allowed, random_hex};
use crate::error::AppError;

/// Invitations work for 7 days.
const INVITE_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

fn workspace_dto(w: &WsCx) -> WorkspaceDto {
    WorkspaceDto {
        id: w.ws.id.clone(),
        name: w.ws.name.clone(),
        created_at: w.ws.created_at,
        roles: w.me.roles.clone(),
        policy: w.ws.policy,
    }
}

fn member_dto(m: &Member) -> MemberDto {
    MemberDto {
        user_id: m.user_id.clone(),
        email: m.email.clone(),
        name: m.name.clone(),
        roles: m.roles.clone(),
    }
}

/// `POST /console/api/workspaces`: the caller becomes its owner.
pub(super) async fn create_workspace(
    cx: &Cx<'_>,
    caller: &Caller,
    req: &Incoming,
) -> Result<Reply, AppError> {
    let body: NameBody = parse_body(&req.body)?;
    let id = format!("ws_{}", random_hex::<10>()?);
    let owner = Member {
        user_id: caller.user.id.clone(),
        email: caller.user.email.clone(),
        name: caller.user.name.clone(),
        roles: vec![Role::Owner],
    };
    let w = WsCx {
        ws: super::store::Workspace {
            id: id.clone(),
            name: body.name.clone(),
            created_at: cx.now,
            version: 0,
            policy: Default::default(),
            settings: "{}".into(),
            settings_version: 0,
        },
        members: vec![owner.clone()],
        me: owner,
    };
    let mut entry = w.entry(cx.now, "workspace.create", &format!("workspace:{id}"));
    entry.detail.insert("name".into(), body.name.clone());
    let writes = [
        Write::Member {
            user_id: caller.user.id.clone(),
            roles: vec![Role::Owner],
        },
        Write::NewSecrets {
            identity_secret: random_hex::<32>()?,
        },
        Write::Audit(entry),
    ];
    let token = random_hex::<16>()?;
    cx.store
        .commit(&id, None, &body.name, cx.now, &token, &writes)
        .await?;
    let w = load_ws(cx, caller, &id).await?;
    Ok(Reply::created(to_text(&WorkspaceAnswer {
        workspace: workspace_dto(&w),
    })))
}

/// Routes under `…/{ws}` for the workspace itself, members, invitations and policy.
pub(super) async fn route(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    tail: &[&str],
) -> Result<Reply, AppError> {
    match (req.method.as_str(), tail) {
        ("GET", []) => Ok(Reply::json(to_text(&WorkspaceAnswer {
            workspace: workspace_dto(w),
        }))),
        ("PATCH", []) => {
            require(w.roles(), ADMINS, "renaming the workspace")?;
            let body: NameBody = parse_body(&req.body)?;
            let mut entry = w.entry(
                cx.now,
                "workspace.rename",
                &format!("workspace:{}", w.ws.id),
            );
            entry.detail.insert("from".into(), w.ws.name.clone());
            entry.detail.insert("to".into(), body.name.clone());
            commit(
                cx,
                w,
                &[
                    Write::Workspace {
                        name: body.name.clone(),
                        policy: w.ws.policy,
                    },
                    Write::Audit(entry),
                ],
            )
            .await?;
            let mut after = w.clone();
            after.ws.name = body.name;
            Ok(Reply::json(to_text(&WorkspaceAnswer {
                workspace: workspace_dto(&after),
            })))
        }
        ("GET", ["members"]) => {
            let members = w.members.iter().map(member_dto).collect();
            Ok(Reply::json(to_text(&MemberList { members })))
        }
        ("PUT" | "DELETE", ["members", user]) => set_roles(cx, w, req, user).await,
        ("POST", ["invitations"]) => invite(cx, w, req).await,
        ("GET", ["invitations"]) => {
            require(w.roles(), ADMINS, "reading invitations")?;
            let invitations = cx
                .store
                .invitations(&w.ws.id)
                .await?
                .iter()
                .map(|i| i.public_at(cx.now))
                .collect();
            Ok(Reply::json(to_text(&InvitationList { invitations })))
        }
        ("DELETE", ["invitations", id]) => revoke(cx, w, id).await,
        ("PUT", ["policy"]) => {
            require(w.roles(), ADMINS, "changing the review policy")?;
            let body: PolicyBody = parse_body(&req.body)?;
            let mut entry = w.entry(cx.now, "policy.update", &format!("workspace:{}", w.ws.id));
            entry.before_hash = Some(super::auth::sha256_hex(to_text(&w.ws.policy).as_bytes()));
            entry.after_hash = Some(super::auth::sha256_hex(to_text(&body.0).as_bytes()));
            entry.detail.insert("policy".into(), to_text(&body.0));
            commit(
                cx,
                w,
                &[
                    Write::Workspace {
                        name: w.ws.name.clone(),
                        policy: body.0,
                    },
                    Write::Audit(entry),
                ],
            )
            .await?;
            Ok(Reply::json(format!("{{\"policy\":{}}}", to_text(&body.0))))
        }
        _ => Err(method_not_allowed()),
    }
}

fn owners_after(w: &WsCx, user: &str, roles: &[Role]) -> usize {
    w.members
        .iter()
        .filter(|m| {
            if m.user_id == user {
                roles.contains(&Role::Owner)
            } else {
                m.roles.contains(&Role::Owner)
            }
        })
        .count()
}

async fn set_roles(cx: &Cx<'_>, w: &WsCx, req: &Incoming, user: &str) -> Result<Reply, AppError> {
    require(w.roles(), ADMINS, "changing roles")?;
    let target = w
        .members
        .iter()
        .find(|m| m.user_id == user)
        .ok_or_else(|| AppError::problem(ErrorCode::UnknownRevision, "user_id", "not a member"))?;
    let roles = if req.method == "DELETE" {
        Vec::new()
    } else {
        parse_body::<RolesBody>(&req.body)?.roles
    };
    let touches_owner = target.roles.contains(&Role::Owner) != roles.contains(&Role::Owner);
    if touches_owner {
        require(
            w.roles(),
            &[Role::Owner],
            "granting or removing the owner role",
        )?;
    }
    if owners_after(w, user, &roles) == 0 {
        return Err(AppError::problem(
            ErrorCode::LastOwner,
            "roles",
            "the workspace needs an owner",
        ));
    }
    let action = if roles.is_empty() {
        "member.remove"
    } else {
        "member.roles"
    };
    let mut entry = w.entry(cx.now, action, &format!("member:{user}"));
    let names = |r: &[Role]| r.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(" ");
    entry.detail.insert("from".into(), names(&target.roles));
    entry.detail.insert("to".into(), names(&roles));
    commit(
        cx,
        w,
        &[
            Write::Member {
                user_id: user.to_owned(),
                roles: roles.clone(),
            },
            Write::Audit(entry),
        ],
    )
    .await?;
    if roles.is_empty() {
        return Ok(Reply::empty());
    }
    let after = Member {
        roles,
        ..target.clone()
    };
    Ok(Reply::json(format!(
        "{{\"member\":{}}}",
        to_text(&member_dto(&after))
    )))
}

async fn invite(cx: &Cx<'_>, w: &WsCx, req: &Incoming) -> Result<Reply, AppError> {
    require(w.roles(), ADMINS, "inviting teammates")?;
    let body: InviteBody = parse_body(&req.body)?;
    if body.roles.contains(&Role::Owner) {
        require(w.roles(), &[Role::Owner], "inviting an owner")?;
    }
    let inv = InvitationDto {
        id: format!("inv_{}", random_hex::<10>()?),
        email: body.email.clone(),
        roles: body.roles.clone(),
        status: InvitationStatus::Pending,
        invited_by: w.me.user_id.clone(),
        created_at: cx.now,
        expires_at: cx.now + INVITE_TTL_MS,
        nonce: random_hex::<16>()?,
    };
    let url = super::account::invitation_url(cx, &w.ws.id, &inv.id, &inv.nonce, inv.expires_at)?;
    let mut entry = w.entry(
        cx.now,
        "invitation.create",
        &format!("invitation:{}", inv.id),
    );
    entry.detail.insert("email".into(), inv.email.clone());
    entry.detail.insert(
        "roles".into(),
        inv.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    );
    commit(
        cx,
        w,
        &[Write::Invitation(inv.clone()), Write::Audit(entry)],
    )
    .await?;
    let hook = ConsoleInviteWebhook::new(&w.ws.id, &inv, &url, cx.now);
    send_webhook(cx, &w.ws.id, &hook.id, &to_text(&hook)).await;
    Ok(Reply::created(to_text(&InvitationCreated {
        invitation: inv.public(),
        url,
    })))
}

/// Sends a signed webhook once, when the workspace has an endpoint; failures are logged
/// (the invitation link is in the API's answer too).
async fn send_webhook(cx: &Cx<'_>, ws: &str, id: &str, body: &str) {
    let Ok(secrets) =
        crate::catalog::CatalogStore::collab_secrets(cx.catalog, ws, crate::random::hex16).await
    else {
        return;
    };
    let Some((url, secret)) = secrets.webhook else {
        return;
    };
    let delivery = protocol::v1::Delivery {
        id: id.to_owned(),
        url: url.clone(),
        secret,
        body: body.to_owned(),
        attempts: 0,
        next_at: None,
        delivered_at: None,
        last_status: 0,
    };
    let status = crate::account::deliver(&delivery).await;
    if !(200..300).contains(&status) {
        worker::console_error!("console webhook to {url}: {status}");
    }
}

async fn revoke(cx: &Cx<'_>, w: &WsCx, id: &str) -> Result<Reply, AppError> {
    require(w.roles(), ADMINS, "revoking an invitation")?;
    let not_found = || {
        AppError::Rejected(Problem::new(
            ErrorCode::UnknownRevision,
            "invitation",
            "no such invitation",
        ))
    };
    let (ws, mut inv) = cx.store.invitation(id).await?.ok_or_else(not_found)?;
    if ws != w.ws.id {
        return Err(not_found());
    }
    if inv.status != InvitationStatus::Pending {
        return Err(AppError::problem(
            ErrorCode::InvalidState,
            "invitation",
            "only a pending invitation can be revoked",
        ));
    }
    inv.status = InvitationStatus::Revoked;
    inv.nonce = random_hex::<16>()?;
    let entry = w.entry(cx.now, "invitation.revoke", &format!("invitation:{id}"));
    commit(cx, w, &[Write::Invitation(inv), Write::Audit(entry)]).await?;
    Ok(Reply::empty())
}
