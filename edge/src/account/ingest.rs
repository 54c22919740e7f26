//! The account use case: store new events exactly once, fold them into state, then decide.

use crate::collab::CollabStore;
use std::cell::RefCell;
use std::rc::Rc;

use protocol::Problem;
use protocol::v1::{
    CampaignDoc, DecisionDto, Event, EventKind, ExposureEvent, IngestRequest, IngestResult,
    Subject, decision_dto, parse_campaign, parse_settings, to_json, validate_event,
};
use rules::{Catalog, Decision, Outcome, Timestamp, decide};

use super::{AccountStore, NewEvent, TraitOwner};
use crate::error::AppError;

/// Stores `req.events` (skipping ids already stored), updates traits, usage and message
/// history, and decides for `req.decide_for`.
///
/// Campaign documents that no longer validate are left out of the decision and returned
/// as warnings for the caller to log; one bad document never blocks the others.
pub fn ingest<S: AccountStore + CollabStore>(
    store: &mut S,
    req: &IngestRequest,
) -> Result<(IngestResult, Vec<Problem>), AppError> {
    let mut warnings = Vec::new();
    let mut accepted = 0;
    let mut duplicates = 0;
    let mut first_id = None;
    for dto in &req.events {
        let body = dto.event.get();
        // The worker validated the event already; this re-check keeps the object honest.
        let event = validate_event(body)
            .map_err(|p| AppError::Internal(format!("unvalidated event reached storage: {p}")))?;
        if first_id.is_none() {
            first_id = Some(event.id.clone());
        }
        let new = NewEvent {
            id: &event.id,
            user_id: &event.user_id,
            kind: event.kind.type_name(),
            name: match &event.kind {
                EventKind::Track { name } => Some(name),
                EventKind::Page { path } => Some(path),
                _ => None,
            },
            timestamp: dto.timestamp,
            received_at: dto.received_at,
            body,
        };
        if store.insert_event(&new)? {
            accepted += 1;
            apply(store, &event, Timestamp(dto.timestamp))?;
        } else {
            duplicates += 1;
        }
    }
    // The client's dropped counts, once per report: keyed by the batch's first event, which a
    // retry of the same batch carries again.
    if !req.dropped.is_empty()
        && let Some(id) = &first_id
    {
        store.add_dropped(id, req.dropped, req.now)?;
    }
    let (summary, forgotten) = match &req.admin {
        Some(op) => {
            let (summary, forgotten) =
                super::admin::admin(store, op, req.settings.as_deref(), Timestamp(req.now))?;
            (Some(summary), forgotten)
        }
        None => (None, None),
    };
    let decision = match &req.decide_for {
        None => None,
        Some(subject) => {
            // A dry run may repeat the whole decision (catalog, facts, history, decide) to
            // measure its cost inside workerd; see `cargo xtask bench`.
            let times = if req.dry_run {
                req.repeat.clamp(1, 1000)
            } else {
                1
            };
            let mut dto = None;
            for _ in 0..times {
                dto = Some(decide_for(store, req, subject, &mut warnings)?);
            }
            dto
        }
    };
    // Approvals waiting for the user, answered to batches only (`/v1/decide` does not carry
    // them): the SDK loads its inbox when there are some.
    let approvals = match &req.decide_for {
        Some(subject) if !req.dry_run && !req.events.is_empty() => {
            crate::collab::pending_for(store, &subject.user_id, req.now)?
        }
        _ => 0,
    };
    Ok((
        IngestResult {
            accepted,
            duplicates,
            decision,
            summary,
            approvals,
            forgotten,
        },
        warnings,
    ))
}

/// The decision for `subject` under the request's campaigns and settings; records what it
/// changes unless the request is a dry run.
fn decide_for<S: AccountStore>(
    store: &mut S,
    req: &IngestRequest,
    subject: &Subject,
    warnings: &mut Vec<Problem>,
) -> Result<DecisionDto, AppError> {
    let parsed = parsed_catalog(req);
    warnings.clone_from(&parsed.warnings);
    let (docs, catalog) = (&parsed.docs, &parsed.catalog);
    let now = Timestamp(req.now);
    let mut facts = store.facts(&subject.user_id, now, &catalog.property_filtered_events())?;
    facts.page = subject.page.clone();
    let history = store.history(&subject.user_id, now)?;
    let d = decide(catalog, &facts, &history, now);
    if !req.dry_run {
        record_decision(store, subject, &d, now)?;
    }
    // A `locale` user trait (set by the vendor) wins over the browser's language.
    let locale = match facts.user_traits.get("locale") {
        Some(rules::Value::Text(l)) => Some(l.as_str()),
        _ => subject.locale.as_deref(),
    };
    let mut dto = decision_dto(&d, docs, req.debug, locale);
    if req.debug {
        dto.dropped = Some(store.dropped()?);
    }
    Ok(dto)
}

/// A workspace's campaigns and settings, parsed and validated, with the texts they came from.
#[derive(Debug)]
struct Parsed {
    campaigns: Vec<String>,
    settings: Option<String>,
    docs: Vec<CampaignDoc>,
    catalog: Catalog,
    warnings: Vec<Problem>,
}

thread_local! {
    /// The last catalog parsed in this isolate, by a fingerprint of its texts: decisions in a
    /// row (every tab, every account of the workspace) skip re-parsing 200 documents.
    static PARSED: RefCell<Option<(u64, Rc<Parsed>)>> = const { RefCell::new(None) };
}

/// FNV-1a over the campaign and settings texts.
fn fingerprint(req: &IngestRequest) -> u64 {
    let texts = req.campaigns.iter().map(String::as_str);
    texts
        .chain(req.settings.as_deref())
        .flat_map(|t| t.bytes().chain([0xff]))
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

fn parsed_catalog(req: &IngestRequest) -> Rc<Parsed> {
    let key = fingerprint(req);
    // The fingerprint finds the entry; the texts themselves decide (no collision can hand one
    // workspace another's catalog).
    if let Some(hit) = PARSED.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, p)| {
                *k == key && p.campaigns == req.campaigns && p.settings == req.settings
            })
            .map(|(_, p)| Rc::clone(p))
    }) {
        return hit;
    }
    let mut parsed = Parsed {
        campaigns: req.campaigns.clone(),
        settings: req.settings.clone(),
        docs: Vec::with_capacity(req.campaigns.len()),
        catalog: Catalog::default(),
        warnings: Vec::new(),
    };
    for text in &req.campaigns {
        match parse_campaign(text) {
            Ok((doc, campaign)) => {
                parsed.docs.push(doc);
                parsed.catalog.campaigns.push(campaign);
            }
            Err(p) => parsed.warnings.push(p),
        }
    }
    match req.settings.as_deref().map(parse_settings) {
        Some(Ok((_, budget, model))) => {
            parsed.catalog.budget = budget;
            parsed.catalog.model = model;
        }
        Some(Err(p)) => parsed.warnings.push(p.within("settings")),
        None => {}
    }
    let parsed = Rc::new(parsed);
    PARSED.with(|c| *c.borrow_mut() = Some((key, Rc::clone(&parsed))));
    parsed
}

/// Stores what a decision changes: deliveries (so other tabs and caps see them at once),
/// fact-trigger observations, and first exposures to experiments (as `exposure` events).
fn record_decision<S: AccountStore>(
    store: &mut S,
    subject: &Subject,
    d: &Decision,
    now: Timestamp,
) -> Result<(), AppError> {
    let user = subject.user_id.as_str();
    for (campaign, holds) in &d.observations {
        let mut record = store.message(user, campaign)?;
        record.observe(*holds, now);
        store.save_message(user, campaign, &record)?;
    }
    for pick in &d.picks {
        let mut record = store.message(user, &pick.campaign)?;
        record.record(Outcome::Delivered, now);
        store.save_message(user, &pick.campaign, &record)?;
    }
    for (campaign, arm) in &d.exposures {
        let mut record = store.message(user, campaign)?;
        record.expose(now);
        store.save_message(user, campaign, &record)?;
        let exposure = ExposureEvent::new(user, campaign.as_str(), arm, now.0);
        let body = to_json(&exposure);
        store.insert_event(&NewEvent {
            id: &exposure.id,
            user_id: user,
            kind: "exposure",
            name: Some(campaign.as_str()),
            timestamp: now.0,
            received_at: now.0,
            body: &body,
        })?;
    }
    Ok(())
}

/// Folds one new event into the account's state.
fn apply<S: AccountStore>(store: &mut S, event: &Event, at: Timestamp) -> Result<(), AppError> {
    store.touch_user(&event.user_id, at.0)?;
    match &event.kind {
        EventKind::Track { name } => {
            store.add_seen(&event.user_id, name, at.0)?;
            store.add_usage(&event.user_id, name, at.day(), 1)
        }
        EventKind::Identify { traits } => traits
            .iter()
            .try_for_each(|(k, v)| store.set_trait(TraitOwner::User(&event.user_id), k, v, at.0)),
        EventKind::Group { traits } => traits
            .iter()
            .try_for_each(|(k, v)| store.set_trait(TraitOwner::Account, k, v, at.0)),
        EventKind::Page { .. } => Ok(()),
        EventKind::Survey {
            campaign,
            score,
            comment,
        } => {
            store.add_survey(&event.user_id, campaign, *score, comment.as_deref(), at.0)?;
            // Answering completes the message.
            let mut record = store.message(&event.user_id, campaign)?;
            record.record(Outcome::Clicked, at);
            store.save_message(&event.user_id, campaign, &record)
        }
        EventKind::Message { campaign, outcome } => {
            let mut record = store.message(&event.user_id, campaign)?;
            record.record(*outcome, at);
            store.save_message(&event.user_id, campaign, &record)
        }
    }
}
