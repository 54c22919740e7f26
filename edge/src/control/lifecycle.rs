//! A campaign's lifecycle as pure functions: each action checks the actor's roles, the state,
//! the hash and the policy, and returns the new record with what the store must write (the
//! revision's document, the live catalog). Nothing here reads a clock or storage.
//!
//! draft → in_review → (changes_requested → draft …) → approved → live ⇄ paused; archive;
//! rollback to an earlier published revision under the same policy (or, for an owner in an
//! emergency, without review).

use std::collections::BTreeMap;

use protocol::v1::control::{
    CampaignRecord, CheckedDocument, LiveDto, LiveState, Policy, ReviewBody, ReviewDto,
    ReviewVerdict, RevisionDto, RevisionState, Role, RollbackBody,
};
use protocol::{ErrorCode, Problem};

use super::policy::{MemberRoles, approval_status, require};

/// Who acts, with what, when.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The acting user.
    pub actor: &'a str,
    /// Their roles now.
    pub roles: &'a [Role],
    /// Every member's roles now.
    pub members: &'a [MemberRoles],
    /// The workspace's review policy.
    pub policy: Policy,
    /// Now (ms).
    pub now: i64,
}

/// A revision document to store: (number, canonical text, hash).
pub type RevisionWrite = (u32, String, String);

/// The result of an action.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The record after.
    pub record: CampaignRecord,
    /// A revision document to insert or replace (drafts only).
    pub revision: Option<RevisionWrite>,
    /// A revision that becomes published (immutable from now on).
    pub published: Option<u32>,
    /// The data plane from now on: `Some(Some(n))` revision n is live, `Some(None)` off.
    pub live: Option<Option<u32>>,
    /// Audit action, e.g. `campaign.publish`.
    pub action: &'static str,
    /// Audit details.
    pub detail: BTreeMap<String, String>,
    /// Skipped review.
    pub emergency: bool,
}

fn outcome(record: CampaignRecord, action: &'static str) -> Outcome {
    Outcome {
        record,
        revision: None,
        published: None,
        live: None,
        action,
        detail: BTreeMap::new(),
        emergency: false,
    }
}

fn state_err(message: impl Into<String>) -> Problem {
    Problem::new(ErrorCode::InvalidState, "", message)
}

/// The working revision, if its hash is `hash`.
fn working<'r>(record: &'r CampaignRecord, hash: &str) -> Result<&'r RevisionDto, Problem> {
    let n = record
        .working
        .ok_or_else(|| state_err("the campaign has no working revision"))?;
    let rev = record
        .revisions
        .iter()
        .find(|r| r.number == n)
        .ok_or_else(|| state_err("the working revision is missing"))?;
    if rev.hash != hash {
        return Err(Problem::new(
            ErrorCode::StaleHash,
            "hash",
            format!(
                "revision {n} is now {}; reload and check it again",
                &rev.hash[..12.min(rev.hash.len())]
            ),
        ));
    }
    Ok(rev)
}

fn revision_mut(record: &mut CampaignRecord, n: u32) -> Option<&mut RevisionDto> {
    record.revisions.iter_mut().find(|r| r.number == n)
}

fn touch(record: &mut CampaignRecord, ctx: &Ctx<'_>) {
    record.updated_at = ctx.now;
    record.updated_by = ctx.actor.to_owned();
}

/// Creates a campaign: revision 1, a draft.
pub fn create(ctx: &Ctx<'_>, doc: &CheckedDocument, hash: String) -> Result<Outcome, Problem> {
    require(ctx.roles, &[Role::Editor], "creating a campaign")?;
    let record = CampaignRecord {
        id: doc.id.clone(),
        surface: doc.surface.clone(),
        category: doc.category.clone(),
        revisions: vec![RevisionDto {
            number: 1,
            hash: hash.clone(),
            state: RevisionState::Draft,
            authors: vec![ctx.actor.to_owned()],
            created_at: ctx.now,
            submitted_at: None,
            published_at: None,
            published_by: None,
            document: None,
        }],
        reviews: Vec::new(),
        live: None,
        working: Some(1),
        archived: false,
        created_by: ctx.actor.to_owned(),
        created_at: ctx.now,
        updated_at: ctx.now,
        updated_by: ctx.actor.to_owned(),
    };
    let mut out = outcome(record, "campaign.create");
    out.revision = Some((1, doc.canonical.clone(), hash));
    Ok(out)
}

/// Edits the working draft, or starts a new draft when there is none.
pub fn edit(
    ctx: &Ctx<'_>,
    record: &CampaignRecord,
    doc: &CheckedDocument,
    hash: String,
    base_hash: Option<&str>,
) -> Result<Outcome, Problem> {
    require(ctx.roles, &[Role::Editor], "editing a draft")?;
    if doc.id != record.id {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "document.id",
            format!("this campaign's id is {}", record.id),
        ));
    }
    let mut next = record.clone();
    let number = match record.working {
        Some(n) => {
            let rev = record.revisions.iter().find(|r| r.number == n);
            let Some(rev) = rev else {
                return Err(state_err("the working revision is missing"));
            };
            match rev.state {
                RevisionState::Draft | RevisionState::ChangesRequested => {}
                RevisionState::InReview => {
                    return Err(Problem::new(
                        ErrorCode::NotEditable,
                        "",
                        "the revision is in review: withdraw it to edit",
                    ));
                }
                RevisionState::Published => {
                    return Err(Problem::new(
                        ErrorCode::NotEditable,
                        "",
                        "published revisions are immutable",
                    ));
                }
            }
            if let Some(base) = base_hash
                && base != rev.hash
            {
                return Err(Problem::new(
                    ErrorCode::StaleHash,
                    "base_hash",
                    "the draft changed since you loaded it",
                ));
            }
            let r = revision_mut(&mut next, n).ok_or_else(|| state_err("missing revision"))?;
            r.hash = hash.clone();
            r.state = RevisionState::Draft;
            if !r.authors.iter().any(|a| a == ctx.actor) {
                r.authors.push(ctx.actor.to_owned());
            }
            n
        }
        None => {
            let n = record.revisions.iter().map(|r| r.number).max().unwrap_or(0) + 1;
            next.revisions.push(RevisionDto {
                number: n,
                hash: hash.clone(),
                state: RevisionState::Draft,
                authors: vec![ctx.actor.to_owned()],
                created_at: ctx.now,
                submitted_at: None,
                published_at: None,
                published_by: None,
                document: None,
            });
            next.working = Some(n);
            n
        }
    };
    next.surface = doc.surface.clone();
    next.category = doc.category.clone();
    touch(&mut next, ctx);
    let mut out = outcome(next, "campaign.edit");
    out.detail.insert("revision".into(), number.to_string());
    out.revision = Some((number, doc.canonical.clone(), hash));
    Ok(out)
}

/// Submits the working draft for review.
pub fn submit(ctx: &Ctx<'_>, record: &CampaignRecord, hash: &str) -> Result<Outcome, Problem> {
    require(ctx.roles, &[Role::Editor], "submitting for review")?;
    let rev = working(record, hash)?;
    if !matches!(
        rev.state,
        RevisionState::Draft | RevisionState::ChangesRequested
    ) {
        return Err(state_err("only a draft can be submitted"));
    }
    let n = rev.number;
    let mut next = record.clone();
    if let Some(r) = revision_mut(&mut next, n) {
        r.state = RevisionState::InReview;
        r.submitted_at = Some(ctx.now);
    }
    touch(&mut next, ctx);
    Ok(outcome(next, "campaign.submit"))
}

/// Takes a revision in review back to draft.
pub fn withdraw(ctx: &Ctx<'_>, record: &CampaignRecord, hash: &str) -> Result<Outcome, Problem> {
    require(ctx.roles, &[Role::Editor], "withdrawing a revision")?;
    let rev = working(record, hash)?;
    if rev.state != RevisionState::InReview {
        return Err(state_err("only a revision in review can be withdrawn"));
    }
    let n = rev.number;
    let mut next = record.clone();
    if let Some(r) = revision_mut(&mut next, n) {
        r.state = RevisionState::Draft;
    }
    touch(&mut next, ctx);
    Ok(outcome(next, "campaign.withdraw"))
}

/// Adds a review (bound to the working revision's hash).
pub fn review(
    ctx: &Ctx<'_>,
    record: &CampaignRecord,
    body: &ReviewBody,
    id: String,
) -> Result<Outcome, Problem> {
    if body.verdict == ReviewVerdict::Comment {
        if ctx.roles.iter().all(|r| *r == Role::Viewer) {
            return Err(Problem::new(
                ErrorCode::ForbiddenRole,
                "role",
                "commenting needs a role other than viewer",
            ));
        }
    } else {
        require(ctx.roles, &[Role::Reviewer, Role::Approver], "reviewing")?;
    }
    let rev = working(record, &body.hash)?;
    if body.verdict != ReviewVerdict::Comment {
        if rev.state != RevisionState::InReview {
            return Err(state_err(
                "only a revision in review can be approved or sent back",
            ));
        }
        if body.verdict == ReviewVerdict::Approve
            && !ctx.policy.author_may_approve
            && rev.authors.iter().any(|a| a == ctx.actor)
        {
            return Err(Problem::new(
                ErrorCode::SelfApproval,
                "verdict",
                "the policy does not let authors approve their own revision",
            ));
        }
    }
    let n = rev.number;
    let mut next = record.clone();
    next.reviews.push(ReviewDto {
        id,
        revision: n,
        hash: body.hash.clone(),
        reviewer: ctx.actor.to_owned(),
        verdict: body.verdict,
        comment: body.comment.clone(),
        created_at: ctx.now,
        void: false,
    });
    if body.verdict == ReviewVerdict::RequestChanges
        && let Some(r) = revision_mut(&mut next, n)
    {
        r.state = RevisionState::ChangesRequested;
    }
    touch(&mut next, ctx);
    let mut out = outcome(next, "campaign.review");
    let verdict = match body.verdict {
        ReviewVerdict::Approve => "approve",
        ReviewVerdict::RequestChanges => "request_changes",
        ReviewVerdict::Comment => "comment",
    };
    out.detail.insert("verdict".into(), verdict.into());
    out.detail.insert("revision".into(), n.to_string());
    Ok(out)
}

/// Publishes the working revision: executor, current hash, in review, policy met now.
pub fn publish(ctx: &Ctx<'_>, record: &CampaignRecord, hash: &str) -> Result<Outcome, Problem> {
    require(ctx.roles, &[Role::Executor], "publishing")?;
    let rev = working(record, hash)?;
    if rev.state != RevisionState::InReview {
        return Err(state_err("only a revision in review can be published"));
    }
    let status = approval_status(hash, &rev.authors, &record.reviews, ctx.policy, ctx.members);
    if !status.satisfied {
        return Err(Problem::new(
            ErrorCode::NotApproved,
            "hash",
            format!("not approved: {}", status.missing.join("; ")),
        ));
    }
    let n = rev.number;
    let previous = record.live.map(|l| l.revision);
    let mut next = record.clone();
    if let Some(r) = revision_mut(&mut next, n) {
        r.state = RevisionState::Published;
        r.published_at = Some(ctx.now);
        r.published_by = Some(ctx.actor.to_owned());
    }
    next.live = Some(LiveDto {
        revision: n,
        state: LiveState::Live,
    });
    next.working = None;
    next.archived = false;
    touch(&mut next, ctx);
    let mut out = outcome(next, "campaign.publish");
    out.published = Some(n);
    out.live = Some(Some(n));
    out.detail.insert("revision".into(), n.to_string());
    out.detail
        .insert("approved_by".into(), status.approved_by.join(" "));
    if let Some(p) = previous {
        out.detail.insert("replaces".into(), p.to_string());
    }
    Ok(out)
}

/// Pause (`to` = paused), resume (`to` = live) or archive (`to` = none).
pub fn set_live(
    ctx: &Ctx<'_>,
    record: &CampaignRecord,
    to: Option<LiveState>,
) -> Result<Outcome, Problem> {
    let doing = match to {
        Some(LiveState::Paused) => "pausing",
        Some(LiveState::Live) => "resuming",
        None => "archiving",
    };
    require(ctx.roles, &[Role::Executor], doing)?;
    let invalid = || state_err(format!("{doing} does not apply in this state"));
    if record.archived {
        return Err(invalid());
    }
    let mut next = record.clone();
    // The action, and the revision the data plane shows after it (none: off).
    let (action, shown) = match (to, record.live) {
        (None, _) => {
            next.archived = true;
            ("campaign.archive", None)
        }
        (Some(state), Some(l)) if l.state != state => {
            next.live = Some(LiveDto { state, ..l });
            match state {
                LiveState::Paused => ("campaign.pause", None),
                LiveState::Live => ("campaign.resume", Some(l.revision)),
            }
        }
        _ => return Err(invalid()),
    };
    let mut out = outcome(next, action);
    out.live = Some(shown);
    touch(&mut out.record, ctx);
    Ok(out)
}

/// Makes an earlier published revision live again under the policy (or takes the campaign
/// off when there is none). An owner's emergency rollback skips review.
pub fn rollback(
    ctx: &Ctx<'_>,
    record: &CampaignRecord,
    body: &RollbackBody,
) -> Result<Outcome, Problem> {
    if body.emergency {
        require(ctx.roles, &[Role::Owner], "an emergency rollback")?;
    } else {
        require(ctx.roles, &[Role::Executor], "rolling back")?;
    }
    let live = record
        .live
        .filter(|_| !record.archived)
        .ok_or_else(|| state_err("nothing is live to roll back"))?;
    let published = |n: u32| {
        record
            .revisions
            .iter()
            .find(|r| r.number == n && r.state == RevisionState::Published)
    };
    let target = match body.revision {
        Some(n) if n == live.revision => {
            return Err(state_err(format!("revision {n} is the live one")));
        }
        Some(n) => Some(published(n).ok_or_else(|| {
            Problem::new(
                ErrorCode::UnknownRevision,
                "revision",
                format!("revision {n} was never published"),
            )
        })?),
        None => record
            .revisions
            .iter()
            .filter(|r| r.state == RevisionState::Published && r.number < live.revision)
            .max_by_key(|r| r.number),
    };
    let mut next = record.clone();
    touch(&mut next, ctx);
    let mut out;
    match target {
        None => {
            next.live = None;
            out = outcome(next, "campaign.rollback");
            out.live = Some(None);
            out.detail.insert("to".into(), "off".into());
        }
        Some(t) => {
            if !body.emergency {
                let status = approval_status(
                    &t.hash,
                    &t.authors,
                    &record.reviews,
                    ctx.policy,
                    ctx.members,
                );
                if !status.satisfied {
                    return Err(Problem::new(
                        ErrorCode::NotApproved,
                        "revision",
                        format!(
                            "revision {} needs approval again: {}",
                            t.number,
                            status.missing.join("; ")
                        ),
                    ));
                }
            }
            next.live = Some(LiveDto {
                revision: t.number,
                state: LiveState::Live,
            });
            out = outcome(next, "campaign.rollback");
            out.live = Some(Some(t.number));
            out.detail.insert("to".into(), t.number.to_string());
        }
    }
    out.detail.insert("from".into(), live.revision.to_string());
    if !body.reason.is_empty() {
        out.detail.insert("reason".into(), body.reason.clone());
    }
    out.emergency = body.emergency;
    Ok(out)
}

/// The headline status of a campaign for lists.
pub fn status(record: &CampaignRecord, approved: bool) -> String {
    if record.archived {
        return "archived".into();
    }
    if let Some(n) = record.working
        && let Some(r) = record.revisions.iter().find(|r| r.number == n)
    {
        return match r.state {
            RevisionState::InReview if approved => "approved",
            RevisionState::InReview => "in_review",
            RevisionState::ChangesRequested => "changes_requested",
            RevisionState::Draft | RevisionState::Published => "draft",
        }
        .into();
    }
    match record.live.map(|l| l.state) {
        Some(LiveState::Live) => "live".into(),
        Some(LiveState::Paused) => "paused".into(),
        None => "off".into(),
    }
}
