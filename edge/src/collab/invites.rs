//! Invitations: sending (one per email and account, with caps and allowed domains),
//! suggestions, acceptance through a signed link, the target list, and attribution
//! (inviter → invitee → first activity, and the champions ranking).

use std::collections::BTreeMap;

use protocol::v1::{
    AcceptResponse, ApprovalRecord, Champion, ChampionsResponse, CollabResult, InviteBody,
    InviteDto, InviteList, InviteOutcome, InviteRecord, InviteResult, InviteStatus,
    InvitesResponse, SendRecord, Suggestion, SuggestionsResponse, TargetsDoc, WebhookData,
    email_domain,
};
use protocol::{ErrorCode, Problem};

use super::crypto::{Claims, sign};
use super::{CollabStore, Ctx, Member, Outcome, kind, load, load_all, outbox, refuse, save};
use crate::error::AppError;

const DAY_MS: i64 = 86_400_000;
const INVITER_WINDOW_MS: i64 = 10 * 60_000;

/// The invitation's status as of `now` (a pending one past its expiry is expired).
pub(crate) fn status_at(invite: &InviteDto, now: i64) -> InviteStatus {
    match invite.status {
        InviteStatus::Pending if now > invite.expires_at => InviteStatus::Expired,
        s => s,
    }
}

/// The accept link of an invitation.
pub(crate) fn accept_url(ctx: &Ctx<'_>, record: &InviteRecord) -> String {
    let token = sign(
        &ctx.req.keys.token_key,
        &Claims {
            kind: "i".to_owned(),
            workspace_id: ctx.req.workspace_id.clone(),
            account_id: ctx.req.account_id.clone(),
            id: record.invite.id.clone(),
            nonce: record.nonce.clone(),
            expires_at: record.invite.expires_at,
        },
    );
    ctx.req.settings.accept_url.replace("{token}", &token)
}

/// Emails of the account's users.
fn member_emails(members: &[Member]) -> Vec<&str> {
    members.iter().filter_map(|m| m.email.as_deref()).collect()
}

/// What sending to `email` would do, before caps: `None` means a send is needed.
fn classify(
    email: &str,
    existing: Option<&InviteRecord>,
    members: &[Member],
    domains: &[String],
) -> Option<InviteOutcome> {
    if member_emails(members).contains(&email)
        || existing.is_some_and(|r| r.invite.status == InviteStatus::Accepted)
    {
        return Some(InviteOutcome::Member);
    }
    if !domains.is_empty() && !domains.iter().any(|d| d == email_domain(email)) {
        return Some(InviteOutcome::DomainNotAllowed);
    }
    None
}

/// Sends an invitation to `email` (new, renewed after expiry, or resent while pending) and
/// queues its `invite.created` webhook. Caps must have been checked.
pub(crate) fn send(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    inviter: &str,
    email: &str,
    role: Option<&str>,
    note: Option<&str>,
    approval: Option<&ApprovalRecord>,
) -> Result<(InviteOutcome, InviteRecord), AppError> {
    let now = ctx.now();
    let existing = load::<InviteRecord>(store, kind::INVITE, email)?;
    let (outcome, mut record) = match existing {
        Some(r) if status_at(&r.invite, now) == InviteStatus::Pending => (InviteOutcome::Resent, r),
        _ => {
            let nonce = ctx.random();
            let invite = InviteDto {
                id: ctx.id("inv"),
                email: email.to_owned(),
                role: role.map(str::to_owned),
                note: note.map(str::to_owned),
                inviter: inviter.to_owned(),
                status: InviteStatus::Pending,
                created_at: now,
                expires_at: now + i64::from(ctx.req.settings.invite_days) * DAY_MS,
                sends: 0,
                accepted_by: None,
                accepted_at: None,
                first_activity_at: None,
                approval_id: None,
            };
            (InviteOutcome::Invited, InviteRecord { invite, nonce })
        }
    };
    record.invite.sends += 1;
    if let Some(a) = approval {
        record.invite.approval_id = Some(a.approval.id.clone());
    }
    save(store, kind::INVITE, email, &record)?;
    let sent = SendRecord {
        at: now,
        inviter: inviter.to_owned(),
        email: email.to_owned(),
    };
    let send_id = ctx.id("send");
    save(store, kind::SEND, &send_id, &sent)?;
    let data = WebhookData {
        invite: Some(record.invite.clone()),
        accept_url: Some(accept_url(ctx, &record)),
        approval: approval.map(|a| public(&a.approval)),
        ..WebhookData::about(&ctx.req.account_id)
    };
    outbox::enqueue(store, ctx, "invite.created", data)?;
    Ok((outcome, record))
}

/// An approval without its audit trail (what users and webhooks see).
pub(crate) fn public(a: &protocol::v1::ApprovalDto) -> protocol::v1::ApprovalDto {
    protocol::v1::ApprovalDto {
        audit: Vec::new(),
        ..a.clone()
    }
}

/// The account's sends of invitations (what the caps count).
pub(crate) fn sends(store: &impl CollabStore) -> Result<Vec<SendRecord>, AppError> {
    load_all(store, kind::SEND)
}

/// Checks the inviter's and the account's caps for `needed` more sends.
pub(crate) fn check_caps(
    sends: &[SendRecord],
    ctx: &Ctx<'_>,
    inviter: &str,
    needed: u32,
) -> Result<(), Problem> {
    let now = ctx.now();
    let by_inviter = sends
        .iter()
        .filter(|s| s.inviter == inviter && s.at > now - INVITER_WINDOW_MS)
        .count();
    let by_account = sends.iter().filter(|s| s.at > now - DAY_MS).count();
    let s = &ctx.req.settings;
    let over = |count: usize, cap: u32| count + needed as usize > cap as usize;
    if over(by_inviter, s.per_inviter) {
        Err(Problem::new(
            ErrorCode::InviteCapReached,
            "emails",
            format!(
                "at most {} invitations per 10 minutes per inviter",
                s.per_inviter
            ),
        ))
    } else if over(by_account, s.per_account) {
        Err(Problem::new(
            ErrorCode::InviteCapReached,
            "emails",
            format!("at most {} invitations per day per account", s.per_account),
        ))
    } else {
        Ok(())
    }
}

/// Sends today to `email`.
fn sends_to(sends: &[SendRecord], email: &str, now: i64) -> u32 {
    sends
        .iter()
        .filter(|s| s.email == email && s.at > now - DAY_MS)
        .count() as u32
}

fn targets(store: &impl CollabStore) -> Result<TargetsDoc, AppError> {
    Ok(load(store, kind::TARGETS, "list")?.unwrap_or_default())
}

/// `POST /v1/invites`.
pub(crate) fn invite(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    inviter: &str,
    body: &InviteBody,
) -> Outcome {
    let now = ctx.now();
    let members = store.members(&ctx.req.settings.role_trait, now)?;
    let domains = targets(store)?.allowed_domains;
    let mut emails: Vec<&str> = Vec::new();
    for e in &body.emails {
        if !emails.contains(&e.as_str()) {
            emails.push(e);
        }
    }
    // Decide every email first, so a refusal changes nothing.
    let sent = sends(store)?;
    let mut plan = Vec::new();
    for email in emails {
        let existing = load::<InviteRecord>(store, kind::INVITE, email)?;
        let outcome = match classify(email, existing.as_ref(), &members, &domains) {
            Some(o) => Some(o),
            None if sends_to(&sent, email, now) >= ctx.req.settings.per_recipient => {
                Some(InviteOutcome::Suppressed)
            }
            None => None,
        };
        plan.push((email, outcome, existing));
    }
    let needed = plan.iter().filter(|(_, o, _)| o.is_none()).count() as u32;
    if let Err(p) = check_caps(&sent, ctx, inviter, needed) {
        return Ok(Err(p));
    }
    let mut results = Vec::new();
    for (email, outcome, existing) in plan {
        let result = match outcome {
            Some(status) => InviteResult {
                email: email.to_owned(),
                status,
                invite_id: existing.map(|r| r.invite.id),
            },
            None => {
                let role = body.role.as_deref();
                let (status, record) =
                    send(store, ctx, inviter, email, role, body.note.as_deref(), None)?;
                InviteResult {
                    email: email.to_owned(),
                    status,
                    invite_id: Some(record.invite.id),
                }
            }
        };
        results.push(result);
    }
    Ok(Ok(CollabResult::ok(&InvitesResponse { results })))
}

/// `POST /v1/invites/suggestions`: the target list, then users not active for 30 days,
/// without users, the caller, and people already invited.
pub(crate) fn suggest(store: &impl CollabStore, ctx: &Ctx<'_>, caller: &str) -> Outcome {
    let now = ctx.now();
    let members = store.members(&ctx.req.settings.role_trait, now)?;
    let invited: Vec<InviteRecord> = load_all(store, kind::INVITE)?;
    let taken = |email: &str| {
        invited
            .iter()
            .any(|r| r.invite.email == email && status_at(&r.invite, now) != InviteStatus::Expired)
    };
    let active = |m: &&Member| m.last_seen > now - 30 * DAY_MS;
    let mut suggestions: Vec<Suggestion> = Vec::new();
    for p in targets(store)?.people {
        let user = members
            .iter()
            .find(|m| m.email.as_deref() == Some(&p.email));
        if user.is_none() && !taken(&p.email) {
            suggestions.push(Suggestion {
                email: p.email,
                name: p.name,
                source: "target_list".to_owned(),
            });
        }
    }
    for m in members.iter().filter(|m| m.user_id != caller && !active(m)) {
        if let Some(email) = &m.email
            && !taken(email)
            && !suggestions.iter().any(|s| &s.email == email)
        {
            suggestions.push(Suggestion {
                email: email.clone(),
                name: m.name.clone(),
                source: "inactive_user".to_owned(),
            });
        }
    }
    suggestions.truncate(20);
    Ok(Ok(CollabResult::ok(&SuggestionsResponse { suggestions })))
}

/// `POST /v1/invites/accept` (the worker verified the token's signature and expiry).
pub(crate) fn accept(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    user_id: &str,
    invite_id: &str,
    nonce: &str,
) -> Outcome {
    let now = ctx.now();
    let records: Vec<InviteRecord> = load_all(store, kind::INVITE)?;
    let Some(mut record) = records.into_iter().find(|r| r.invite.id == invite_id) else {
        return refuse(ErrorCode::InvalidToken, "token", "no such invitation");
    };
    match status_at(&record.invite, now) {
        InviteStatus::Pending if super::same_secret(&record.nonce, nonce) => {}
        InviteStatus::Expired => {
            return refuse(
                ErrorCode::TokenExpired,
                "token",
                "this invitation has expired",
            );
        }
        _ => return refuse(ErrorCode::TokenUsed, "token", "this link was already used"),
    }
    record.invite.status = InviteStatus::Accepted;
    record.invite.accepted_by = Some(user_id.to_owned());
    record.invite.accepted_at = Some(now);
    // The link works once.
    record.nonce = ctx.random();
    let email = record.invite.email.clone();
    save(store, kind::INVITE, &email, &record)?;
    let approval_id = record.invite.approval_id.clone();
    let mut approval = None;
    if let Some(id) = &approval_id
        && let Some(mut a) = load::<ApprovalRecord>(store, kind::APPROVAL, id)?
    {
        a.approval.approver.user_id = Some(user_id.to_owned());
        a.approval.audit.push(protocol::v1::AuditEntry {
            at: now,
            actor: user_id.to_owned(),
            what: "assigned".to_owned(),
            detail: Some(format!("accepted the invitation sent to {email}")),
        });
        save(store, kind::APPROVAL, id, &a)?;
        approval = Some(public(&a.approval));
    }
    let data = WebhookData {
        invite: Some(record.invite.clone()),
        approval,
        ..WebhookData::about(&ctx.req.account_id)
    };
    outbox::enqueue(store, ctx, "invite.accepted", data)?;
    Ok(Ok(CollabResult::ok(&AcceptResponse {
        account_id: ctx.req.account_id.clone(),
        invite: record.invite,
        approval_id,
    })))
}

/// Admin: replaces the target list and allowed domains.
pub(crate) fn set_targets(store: &mut impl CollabStore, doc: &TargetsDoc) -> Outcome {
    save(store, kind::TARGETS, "list", doc)?;
    Ok(Ok(CollabResult::ok(doc)))
}

/// Invitations newest first, with their status as of now and the invitee's first activity
/// after accepting.
fn attributed(store: &impl CollabStore, ctx: &Ctx<'_>) -> Result<Vec<InviteDto>, AppError> {
    let now = ctx.now();
    let members = store.members(&ctx.req.settings.role_trait, now)?;
    let mut invites: Vec<InviteDto> = load_all::<InviteRecord>(store, kind::INVITE)?
        .into_iter()
        .map(|r| {
            let mut i = r.invite;
            i.status = status_at(&i, now);
            if let (Some(user), Some(at)) = (&i.accepted_by, i.accepted_at) {
                i.first_activity_at = members
                    .iter()
                    .find(|m| &m.user_id == user && m.last_seen >= at)
                    .map(|m| m.first_seen.max(at));
            }
            i
        })
        .collect();
    invites.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    Ok(invites)
}

/// Admin: the invitations.
pub(crate) fn list(store: &impl CollabStore, ctx: &Ctx<'_>) -> Outcome {
    let invites = attributed(store, ctx)?;
    Ok(Ok(CollabResult::ok(&InviteList { invites })))
}

/// Admin: users ranked by invitations accepted, active invitees, activity, invitations sent.
pub(crate) fn champions(store: &impl CollabStore, ctx: &Ctx<'_>) -> Outcome {
    let members = store.members(&ctx.req.settings.role_trait, ctx.now())?;
    let mut by_user: BTreeMap<String, Champion> = BTreeMap::new();
    let entry = |by_user: &mut BTreeMap<String, Champion>, user: &str| {
        by_user.entry(user.to_owned()).or_insert_with(|| Champion {
            user_id: user.to_owned(),
            invites_sent: 0,
            invites_accepted: 0,
            invitees_active: 0,
            active_days_30: 0,
        });
    };
    for i in attributed(store, ctx)? {
        entry(&mut by_user, &i.inviter);
        if let Some(c) = by_user.get_mut(&i.inviter) {
            c.invites_sent += 1;
            if i.status == InviteStatus::Accepted {
                c.invites_accepted += 1;
            }
            if i.first_activity_at.is_some() {
                c.invitees_active += 1;
            }
        }
    }
    for m in &members {
        if m.active_days_30 > 0 {
            entry(&mut by_user, &m.user_id);
        }
        if let Some(c) = by_user.get_mut(&m.user_id) {
            c.active_days_30 = m.active_days_30;
        }
    }
    let mut champions: Vec<Champion> = by_user.into_values().collect();
    champions.sort_by(|a, b| {
        (
            b.invites_accepted,
            b.invitees_active,
            b.active_days_30,
            b.invites_sent,
        )
            .cmp(&(
                a.invites_accepted,
                a.invitees_active,
                a.active_days_30,
                a.invites_sent,
            ))
            .then_with(|| a.user_id.cmp(&b.user_id))
    });
    Ok(Ok(CollabResult::ok(&ChampionsResponse { champions })))
}

/// Admin: withdraws a pending invitation; its accept link answers `token_used`.
pub(crate) fn revoke(store: &mut impl CollabStore, email: &str) -> Outcome {
    let Some(mut record) = load::<InviteRecord>(store, kind::INVITE, email)? else {
        return refuse(
            ErrorCode::NotFound,
            "email",
            "no invitation to this address",
        );
    };
    if record.invite.status != InviteStatus::Pending {
        return refuse(
            ErrorCode::InvalidValue,
            "email",
            "only a pending invitation can be revoked",
        );
    }
    record.invite.status = InviteStatus::Revoked;
    save(store, kind::INVITE, email, &record)?;
    Ok(Ok(CollabResult::ok(&record.invite)))
}
