//! Approvals: requests (auto-inviting an approver who is not a user yet), approver
//! suggestions, the inbox, decisions in product or by signed one-click link, reminders and
//! expiry on the alarm, and the audit trail.

use protocol::v1::{
    ApprovalBody, ApprovalDto, ApprovalList, ApprovalRecord, ApprovalResponse, ApprovalStatus,
    ApproverDto, ApproverSuggestion, ApproversResponse, AuditEntry, CollabResult,
    DecideApprovalBody, InboxResponse, InviteOutcome, Verdict, WebhookData, email_domain,
};
use protocol::{ErrorCode, Problem};

use super::crypto::{Claims, sign};
use super::invites::{check_caps, public, send, sends};
use super::{CollabStore, Ctx, Outcome, kind, load, load_all, outbox, refuse, save};
use crate::error::AppError;

const HOUR_MS: i64 = 3_600_000;
/// Reminders before an approval expires.
const MAX_REMINDERS: u32 = 2;

fn audit(at: i64, actor: &str, what: &str, detail: Option<String>) -> AuditEntry {
    AuditEntry {
        at,
        actor: actor.to_owned(),
        what: what.to_owned(),
        detail,
    }
}

/// Signed one-click links `(approve, reject)`, valid until the approval expires.
fn links(ctx: &Ctx<'_>, r: &ApprovalRecord) -> (String, String) {
    let link = |kind: &str| {
        let token = sign(
            &ctx.req.keys.token_key,
            &Claims {
                kind: kind.to_owned(),
                workspace_id: ctx.req.workspace_id.clone(),
                account_id: ctx.req.account_id.clone(),
                id: r.approval.id.clone(),
                nonce: r.nonce.clone(),
                expires_at: r.approval.expires_at,
            },
        );
        format!(
            "{}/v1/approvals/act?token={token}",
            ctx.req.settings.endpoint
        )
    };
    (link("a"), link("r"))
}

fn announce(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    event: &str,
    r: &ApprovalRecord,
    with_links: bool,
) -> Result<(), AppError> {
    let (approve_url, reject_url) = if with_links {
        let (a, r) = links(ctx, r);
        (Some(a), Some(r))
    } else {
        (None, None)
    };
    let data = WebhookData {
        approval: Some(public(&r.approval)),
        approve_url,
        reject_url,
        ..WebhookData::about(&ctx.req.account_id)
    };
    outbox::enqueue(store, ctx, event, data)
}

/// `POST /v1/approvals`.
pub(crate) fn request(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    requester: &str,
    body: &ApprovalBody,
) -> Outcome {
    let now = ctx.now();
    let members = store.members(&ctx.req.settings.role_trait, now)?;
    // An email that belongs to a user assigns that user; otherwise the approver is invited.
    let mut approver = body.approver.clone();
    if let Some(email) = &approver.email
        && let Some(m) = members.iter().find(|m| m.email.as_ref() == Some(email))
    {
        approver = ApproverDto {
            user_id: Some(m.user_id.clone()),
            email: Some(email.clone()),
        };
    }
    if approver.user_id.as_deref() == Some(requester) {
        return refuse(
            ErrorCode::InvalidValue,
            "approver",
            "nobody approves their own request",
        );
    }
    let invite_email = approver
        .user_id
        .is_none()
        .then(|| approver.email.clone())
        .flatten();
    if let Some(email) = &invite_email {
        let domains = load::<protocol::v1::TargetsDoc>(store, kind::TARGETS, "list")?
            .unwrap_or_default()
            .allowed_domains;
        if !domains.is_empty() && !domains.iter().any(|d| d == email_domain(email)) {
            return refuse(
                ErrorCode::InvalidValue,
                "approver.email",
                "invitations to this domain are not allowed for this account",
            );
        }
        if let Err(p) = check_caps(&sends(store)?, ctx, requester, 1) {
            return Ok(Err(Problem {
                field: "approver.email".into(),
                ..p
            }));
        }
    }
    let mut record = ApprovalRecord {
        approval: ApprovalDto {
            id: ctx.id("apr"),
            action: body.action.clone(),
            resource: body.resource.clone(),
            requester: requester.to_owned(),
            approver,
            status: ApprovalStatus::Pending,
            comment: None,
            created_at: now,
            decided_at: None,
            expires_at: now + i64::from(ctx.req.settings.approval_hours) * HOUR_MS,
            audit: vec![audit(
                now,
                requester,
                "requested",
                Some(body.action.clone()),
            )],
        },
        invite_id: None,
        nonce: ctx.random(),
        remind_at: Some(now + i64::from(ctx.req.settings.remind_after_hours) * HOUR_MS),
        reminders: 0,
    };
    let mut invited = false;
    if let Some(email) = invite_email {
        let (outcome, invite) = send(store, ctx, requester, &email, None, None, Some(&record))?;
        invited = outcome != InviteOutcome::Member;
        record.invite_id = Some(invite.invite.id);
        record
            .approval
            .audit
            .push(audit(now, requester, "invited", Some(email)));
    }
    save(store, kind::APPROVAL, &record.approval.id, &record)?;
    announce(store, ctx, "approval.requested", &record, true)?;
    Ok(Ok(CollabResult::ok(&ApprovalResponse {
        approval: public(&record.approval),
        invited,
    })))
}

/// `POST /v1/approvals/approvers`: users whose role trait is an approver role.
pub(crate) fn approvers(store: &impl CollabStore, ctx: &Ctx<'_>) -> Outcome {
    let roles = &ctx.req.settings.approver_roles;
    let approvers = store
        .members(&ctx.req.settings.role_trait, ctx.now())?
        .into_iter()
        .filter_map(|m| {
            let role = m.role.filter(|r| roles.contains(r))?;
            Some(ApproverSuggestion {
                user_id: m.user_id,
                name: m.name,
                email: m.email,
                role,
            })
        })
        .collect();
    Ok(Ok(CollabResult::ok(&ApproversResponse { approvers })))
}

/// `POST /v1/approvals/inbox`.
pub(crate) fn inbox(store: &impl CollabStore, ctx: &Ctx<'_>, user: &str) -> Outcome {
    let now = ctx.now();
    let mut all: Vec<ApprovalDto> = load_all::<ApprovalRecord>(store, kind::APPROVAL)?
        .into_iter()
        .map(|r| public(&r.approval))
        .collect();
    all.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    let assigned = all
        .iter()
        .filter(|a| {
            a.status == ApprovalStatus::Pending
                && now <= a.expires_at
                && a.approver.user_id.as_deref() == Some(user)
        })
        .cloned()
        .collect();
    let requested = all
        .into_iter()
        .filter(|a| a.requester == user && a.created_at > now - 30 * 24 * HOUR_MS)
        .take(20)
        .collect();
    Ok(Ok(CollabResult::ok(&InboxResponse {
        assigned,
        requested,
    })))
}

/// Applies a decision to a pending approval (checks done by the caller).
fn settle(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    mut r: ApprovalRecord,
    actor: &str,
    decision: Verdict,
    comment: Option<String>,
    how: &str,
) -> Outcome {
    let now = ctx.now();
    r.approval.status = match decision {
        Verdict::Approve => ApprovalStatus::Approved,
        Verdict::Reject => ApprovalStatus::Rejected,
    };
    r.approval.decided_at = Some(now);
    r.approval.comment = comment.clone();
    let what = match decision {
        Verdict::Approve => "approved",
        Verdict::Reject => "rejected",
    };
    let detail = match comment {
        Some(c) => format!("{how}: {c}"),
        None => how.to_owned(),
    };
    r.approval.audit.push(audit(now, actor, what, Some(detail)));
    r.remind_at = None;
    // One-click links work once.
    r.nonce = ctx.random();
    save(store, kind::APPROVAL, &r.approval.id, &r)?;
    announce(store, ctx, "approval.decided", &r, false)?;
    Ok(Ok(CollabResult::ok(&ApprovalResponse {
        approval: public(&r.approval),
        invited: false,
    })))
}

/// Whether `r` can still be decided at `now`.
fn open(r: &ApprovalRecord, now: i64) -> Result<(), Problem> {
    if r.approval.status != ApprovalStatus::Pending || now > r.approval.expires_at {
        return Err(Problem::new(
            ErrorCode::AlreadyDecided,
            "approval_id",
            "this approval is no longer pending",
        ));
    }
    Ok(())
}

/// `POST /v1/approvals/decide`: only the assigned approver, only while pending.
pub(crate) fn decide(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    user: &str,
    body: &DecideApprovalBody,
) -> Outcome {
    let Some(r) = load::<ApprovalRecord>(store, kind::APPROVAL, &body.approval_id)? else {
        return refuse(
            ErrorCode::NotFound,
            "approval_id",
            "no such approval in this account",
        );
    };
    if r.approval.approver.user_id.as_deref() != Some(user) {
        return refuse(
            ErrorCode::NotApprover,
            "approval_id",
            "only the assigned approver may decide",
        );
    }
    if let Err(p) = open(&r, ctx.now()) {
        return Ok(Err(p));
    }
    settle(
        store,
        ctx,
        r,
        user,
        body.decision,
        body.comment.clone(),
        "in product",
    )
}

/// A one-click link from the approval email (the worker verified its signature and expiry).
pub(crate) fn decide_by_link(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    id: &str,
    nonce: &str,
    decision: Verdict,
) -> Outcome {
    let Some(r) = load::<ApprovalRecord>(store, kind::APPROVAL, id)? else {
        return refuse(ErrorCode::InvalidToken, "token", "no such approval");
    };
    if !super::same_secret(&r.nonce, nonce) || open(&r, ctx.now()).is_err() {
        return refuse(ErrorCode::TokenUsed, "token", "this link was already used");
    }
    let actor = r
        .approval
        .approver
        .user_id
        .clone()
        .or_else(|| r.approval.approver.email.clone())
        .unwrap_or_default();
    settle(store, ctx, r, &actor, decision, None, "one-click link")
}

/// Admin: every approval with its audit trail, newest first.
pub(crate) fn list(store: &impl CollabStore) -> Outcome {
    let mut approvals: Vec<ApprovalDto> = load_all::<ApprovalRecord>(store, kind::APPROVAL)?
        .into_iter()
        .map(|r| r.approval)
        .collect();
    approvals.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(Ok(CollabResult::ok(&ApprovalList { approvals })))
}

/// The alarm: expires undecided approvals and reminds approvers (the reminder webhook
/// carries fresh one-click links; after the first reminder it is marked as an escalation).
pub(crate) fn tick(store: &mut impl CollabStore, ctx: &mut Ctx<'_>) -> Outcome {
    let now = ctx.now();
    let records: Vec<ApprovalRecord> = load_all(store, kind::APPROVAL)?;
    for mut r in records {
        if r.approval.status != ApprovalStatus::Pending {
            continue;
        }
        if now > r.approval.expires_at {
            r.approval.status = ApprovalStatus::Expired;
            r.approval.decided_at = Some(now);
            r.approval.audit.push(audit(now, "cairn", "expired", None));
            r.remind_at = None;
            save(store, kind::APPROVAL, &r.approval.id, &r)?;
            announce(store, ctx, "approval.expired", &r, false)?;
        } else if r.remind_at.is_some_and(|t| t <= now) {
            r.reminders += 1;
            let escalated = r.reminders > 1;
            let what = if escalated { "escalated" } else { "reminded" };
            r.approval.audit.push(audit(now, "cairn", what, None));
            r.remind_at = (r.reminders < MAX_REMINDERS)
                .then(|| now + i64::from(ctx.req.settings.remind_after_hours) * HOUR_MS);
            save(store, kind::APPROVAL, &r.approval.id, &r)?;
            let event = if escalated {
                "approval.escalated"
            } else {
                "approval.reminder"
            };
            announce(store, ctx, event, &r, true)?;
        }
    }
    Ok(Ok(CollabResult::ok(&protocol::v1::NoFields {})))
}
