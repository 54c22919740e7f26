//! Campaign routes over the lifecycle: list, detail, revisions, drafts, submit, withdraw,
//! reviews, publish, pause / resume / archive, rollback and diff; and the audit log (JSON
//! pages and CSV).

use protocol::v1::control::{
    ApprovalStatus, AuditPage, CampaignDetail, CampaignDto, CampaignRecord, DocumentBody,
    DraftBody, HashBody, LiveState, ReviewBody, RollbackBody, WorkingDto, audit_csv,
    diff_documents, parse_body, raw, to_text,
};
use protocol::{ErrorCode, Problem};

use super::auth::sha256_hex;
use super::commit::Write;
use super::http::{Incoming, Reply};
use super::lifecycle::{self, Ctx, Outcome};
use super::policy::{MemberRoles, approval_status};
use super::store::AuditFilter;
use super::{Cx, WsCx, commit, method_not_allowed, random_hex};
use crate::error::AppError;

fn unknown_campaign() -> AppError {
    AppError::Rejected(Problem::new(
        ErrorCode::UnknownCampaign,
        "campaign",
        "no such campaign in this workspace",
    ))
}

fn approval(record: &CampaignRecord, w: &WsCx, members: &[MemberRoles]) -> Option<ApprovalStatus> {
    let n = record.working?;
    let rev = record.revisions.iter().find(|r| r.number == n)?;
    Some(approval_status(
        &rev.hash,
        &rev.authors,
        &record.reviews,
        w.ws.policy,
        members,
    ))
}

fn summary(record: &CampaignRecord, status: Option<&ApprovalStatus>) -> CampaignDto {
    let working = record
        .working
        .and_then(|n| record.revisions.iter().find(|r| r.number == n));
    let approved = status.is_some_and(|s| s.satisfied)
        && working.is_some_and(|r| r.state == protocol::v1::control::RevisionState::InReview);
    CampaignDto {
        id: record.id.clone(),
        surface: record.surface.clone(),
        category: record.category.clone(),
        status: lifecycle::status(record, approved),
        live: record.live,
        working: working.map(|r| WorkingDto {
            revision: r.number,
            state: r.state,
            hash: r.hash.clone(),
            approved,
        }),
        archived: record.archived,
        created_by: record.created_by.clone(),
        created_at: record.created_at,
        updated_at: record.updated_at,
        updated_by: record.updated_by.clone(),
    }
}

/// Routes under `…/{ws}/campaigns`.
pub(super) async fn route(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    tail: &[&str],
) -> Result<Reply, AppError> {
    let members = w.member_roles();
    match (req.method.as_str(), tail) {
        ("GET", []) => {
            let list: Vec<CampaignDto> = cx
                .store
                .campaigns(&w.ws.id)
                .await?
                .iter()
                .map(|r| summary(r, approval(r, w, &members).as_ref()))
                .collect();
            Ok(Reply::json(format!("{{\"campaigns\":{}}}", to_text(&list))))
        }
        ("POST", []) => {
            let body: DocumentBody = parse_body(&req.body)?;
            let doc = body
                .checked
                .ok_or_else(|| AppError::Internal("unchecked document".into()))?;
            let ctx = ctx(cx, w, &members);
            super::policy::require(
                ctx.roles,
                &[protocol::v1::control::Role::Editor],
                "creating a campaign",
            )?;
            if cx.store.campaign(&w.ws.id, &doc.id).await?.is_some() {
                return Err(AppError::problem(
                    ErrorCode::CampaignExists,
                    "document.id",
                    "a campaign has this id",
                ));
            }
            let hash = sha256_hex(doc.canonical.as_bytes());
            let out = lifecycle::create(&ctx, &doc, hash)?;
            apply(cx, w, None, out, &members, 201).await
        }
        (_, [id, rest @ ..]) => {
            let record = cx
                .store
                .campaign(&w.ws.id, id)
                .await?
                .ok_or_else(unknown_campaign)?;
            one(cx, w, req, &record, rest, &members).await
        }
        _ => Err(method_not_allowed()),
    }
}

fn ctx<'a>(cx: &Cx<'_>, w: &'a WsCx, members: &'a [MemberRoles]) -> Ctx<'a> {
    Ctx {
        actor: &w.me.user_id,
        roles: w.roles(),
        members,
        policy: w.ws.policy,
        now: cx.now,
    }
}

async fn one(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    record: &CampaignRecord,
    rest: &[&str],
    members: &[MemberRoles],
) -> Result<Reply, AppError> {
    let c = ctx(cx, w, members);
    let out = match (req.method.as_str(), rest) {
        ("GET", []) => return detail(cx, w, record, members).await,
        ("GET", ["revisions", n]) => {
            let n: u32 = n.parse().map_err(|_| unknown_revision())?;
            let mut rev = record
                .revisions
                .iter()
                .find(|r| r.number == n)
                .cloned()
                .ok_or_else(unknown_revision)?;
            let doc = cx
                .store
                .revision_document(&w.ws.id, &record.id, n)
                .await?
                .ok_or_else(unknown_revision)?;
            rev.document = Some(raw(&doc)?);
            return Ok(Reply::json(format!("{{\"revision\":{}}}", to_text(&rev))));
        }
        ("GET", ["diff"]) => return diff(cx, w, req, record).await,
        ("PUT", ["draft"]) => {
            let body: DraftBody = parse_body(&req.body)?;
            let doc = body
                .checked
                .as_ref()
                .ok_or_else(|| AppError::Internal("unchecked document".into()))?;
            let hash = sha256_hex(doc.canonical.as_bytes());
            lifecycle::edit(&c, record, doc, hash, body.base_hash.as_deref())?
        }
        ("POST", ["submit"]) => {
            lifecycle::submit(&c, record, &parse_body::<HashBody>(&req.body)?.hash)?
        }
        ("POST", ["withdraw"]) => {
            lifecycle::withdraw(&c, record, &parse_body::<HashBody>(&req.body)?.hash)?
        }
        ("POST", ["reviews"]) => {
            let body: ReviewBody = parse_body(&req.body)?;
            lifecycle::review(&c, record, &body, format!("rev_{}", random_hex::<8>()?))?
        }
        ("POST", ["publish"]) => {
            lifecycle::publish(&c, record, &parse_body::<HashBody>(&req.body)?.hash)?
        }
        ("POST", ["pause"]) => lifecycle::set_live(&c, record, Some(LiveState::Paused))?,
        ("POST", ["resume"]) => lifecycle::set_live(&c, record, Some(LiveState::Live))?,
        ("POST", ["archive"]) => lifecycle::set_live(&c, record, None)?,
        ("POST", ["rollback"]) => {
            lifecycle::rollback(&c, record, &parse_body::<RollbackBody>(&req.body)?)?
        }
        _ => return Err(method_not_allowed()),
    };
    apply(cx, w, Some(record), out, members, 200).await
}

fn unknown_revision() -> AppError {
    AppError::Rejected(Problem::new(
        ErrorCode::UnknownRevision,
        "revision",
        "no such revision",
    ))
}

/// Writes an outcome (record, revision, live catalog, audit) as one guarded batch.
async fn apply(
    cx: &Cx<'_>,
    w: &WsCx,
    before: Option<&CampaignRecord>,
    out: Outcome,
    members: &[MemberRoles],
    status: u16,
) -> Result<Reply, AppError> {
    let id = out.record.id.clone();
    let mut entry = w.entry(cx.now, out.action, &format!("campaign:{id}"));
    entry.before_hash = before.map(|r| sha256_hex(to_text(r).as_bytes()));
    entry.after_hash = Some(sha256_hex(to_text(&out.record).as_bytes()));
    entry.detail = out.detail.clone();
    entry.emergency = out.emergency;
    let mut writes = Vec::new();
    let edited = out.revision.as_ref().map(|(n, _, _)| *n);
    if let Some((number, document, hash)) = out.revision {
        writes.push(Write::Revision {
            campaign: id.clone(),
            number,
            hash,
            document,
        });
    }
    if let Some(number) = out.published {
        writes.push(Write::Publish {
            campaign: id.clone(),
            number,
        });
    }
    if let Some(revision) = out.live {
        writes.push(Write::Live {
            campaign: id.clone(),
            revision,
            at: cx.now,
        });
    }
    writes.push(Write::Campaign(out.record.clone()));
    writes.push(Write::Audit(entry));
    commit(cx, w, &writes).await?;
    let status_now = approval(&out.record, w, members);
    let revision = edited.and_then(|n| out.record.revisions.iter().find(|r| r.number == n));
    let mut reply = Reply::json(format!(
        "{{\"campaign\":{},\"approval\":{},\"revision\":{}}}",
        to_text(&summary(&out.record, status_now.as_ref())),
        to_text(&status_now),
        to_text(&revision)
    ));
    reply.status = status;
    Ok(reply)
}

async fn detail(
    cx: &Cx<'_>,
    w: &WsCx,
    record: &CampaignRecord,
    members: &[MemberRoles],
) -> Result<Reply, AppError> {
    let status = approval(record, w, members);
    let working_hash = status.as_ref().map(|s| s.hash.clone());
    let reviews = record
        .reviews
        .iter()
        .cloned()
        .map(|mut r| {
            r.void = working_hash.as_deref() != Some(r.hash.as_str());
            r
        })
        .collect();
    let doc = |n: Option<u32>| async move {
        match n {
            Some(n) => cx
                .store
                .revision_document(&w.ws.id, &record.id, n)
                .await?
                .map(|d| raw(&d))
                .transpose()
                .map_err(AppError::from),
            None => Ok(None),
        }
    };
    let body = CampaignDetail {
        campaign: summary(record, status.as_ref()),
        revisions: record.revisions.clone(),
        reviews,
        approval: status,
        working_document: doc(record.working).await?,
        live_document: doc(record.live.map(|l| l.revision)).await?,
    };
    Ok(Reply::json(to_text(&body)))
}

async fn diff(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    record: &CampaignRecord,
) -> Result<Reply, AppError> {
    let pick = |name: &str| -> Result<u32, AppError> {
        let v = req
            .param(name)
            .unwrap_or(if name == "from" { "live" } else { "working" });
        let n = match v {
            "live" => record.live.map(|l| l.revision),
            "working" => record.working,
            n => n.parse().ok(),
        };
        n.filter(|n| record.revisions.iter().any(|r| r.number == *n))
            .ok_or_else(|| {
                AppError::problem(
                    ErrorCode::UnknownRevision,
                    name,
                    "a revision number, live or working",
                )
            })
    };
    let (from, to) = (pick("from")?, pick("to")?);
    let text = |n: u32| async move {
        cx.store
            .revision_document(&w.ws.id, &record.id, n)
            .await?
            .ok_or_else(unknown_revision)
    };
    let changes = diff_documents(&text(from).await?, &text(to).await?);
    Ok(Reply::json(format!(
        "{{\"from\":{from},\"to\":{to},\"changes\":{}}}",
        to_text(&changes)
    )))
}

/// `GET …/audit` and `…/audit.csv`.
pub(super) async fn audit(
    cx: &Cx<'_>,
    w: &WsCx,
    req: &Incoming,
    tail: &[&str],
) -> Result<Reply, AppError> {
    use protocol::v1::control::Role;
    if req.method != "GET" {
        return Err(method_not_allowed());
    }
    super::policy::require(
        w.roles(),
        &[
            Role::Owner,
            Role::Admin,
            Role::Reviewer,
            Role::Approver,
            Role::Executor,
        ],
        "reading the audit log",
    )?;
    let num = |name: &str, default: i64| -> Result<i64, AppError> {
        req.param(name).map_or(Ok(default), |v| {
            v.parse()
                .map_err(|_| AppError::problem(ErrorCode::InvalidValue, name, "a number"))
        })
    };
    let csv = tail == ["audit.csv"];
    let limit = num("limit", if csv { 10_000 } else { 50 })?;
    if !(1..=if csv { 10_000 } else { 200 }).contains(&limit) {
        return Err(AppError::problem(
            ErrorCode::InvalidValue,
            "limit",
            "1-200 (CSV: 1-10000)",
        ));
    }
    let filter = AuditFilter {
        action: req.param("action").unwrap_or("").to_owned(),
        actor: req.param("actor").unwrap_or("").to_owned(),
        target: req.param("target").unwrap_or("").to_owned(),
        since: num("since", 0)?,
        until: num("until", i64::MAX / 2)?,
        cursor: num("cursor", i64::MAX / 2)?,
        limit: u32::try_from(limit).unwrap_or(50),
    };
    let entries = cx.store.audit(&w.ws.id, &filter).await?;
    if csv {
        return Ok(Reply {
            status: 200,
            body: audit_csv(&entries),
            content_type: Some("text/csv; charset=utf-8"),
            ..Reply::default()
        });
    }
    let next_cursor = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Reply::json(to_text(&AuditPage {
        entries,
        next_cursor,
    })))
}

/// `GET …/why?user=…&account=…[&page=…&campaign=…]`: the "Why not?" page — every campaign's
/// verdict for one user now, as `GET /v1/debug/why` gives it (a dry run: nothing recorded).
/// It reads a user's state, so viewers may not.
pub(super) async fn why(cx: &Cx<'_>, w: &WsCx, req: &Incoming) -> Result<Reply, AppError> {
    use protocol::v1::control::Role;
    super::policy::require(
        w.roles(),
        &[
            Role::Owner,
            Role::Admin,
            Role::Editor,
            Role::Reviewer,
            Role::Approver,
            Role::Executor,
        ],
        "asking why a user sees a campaign",
    )?;
    let accounts = cx
        .accounts
        .as_ref()
        .ok_or_else(|| AppError::Internal("no ACCOUNTS binding".into()))?;
    let missing = |name: &str| AppError::problem(ErrorCode::MissingField, name, "required");
    let given = |name: &str| req.param(name).map(str::trim).filter(|v| !v.is_empty());
    let subject = protocol::v1::Subject {
        user_id: given("user").ok_or_else(|| missing("user"))?.to_owned(),
        account_id: given("account")
            .ok_or_else(|| missing("account"))?
            .to_owned(),
        page: given("page").map(str::to_owned),
        locale: None,
    };
    let answer = crate::app::why(
        cx.catalog,
        accounts,
        &w.ws.id,
        subject,
        given("campaign"),
        1,
        rules::Timestamp(cx.now),
    )
    .await?;
    Ok(Reply::json(to_text(&answer)))
}
