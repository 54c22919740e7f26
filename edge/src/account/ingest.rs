//! The account use case: store new events exactly once, fold them into state, then decide.

use crate::collab::CollabStore;
use std::cell::RefCell;
use std::rc::Rc;

use protocol::Problem;
use protocol::v1::{
    COMMENTS_UNIT, CampaignDoc, CampaignSpec, DecisionDto, Event, EventKind, ExposureEvent,
    IngestRequest, IngestResult, Subject, decision_dto, event_properties, parse_campaign,
    parse_settings, to_json, validate_event,
};
use std::collections::BTreeMap;

use rules::{
    Arm, CampaignId, Catalog, Decision, History, MessageRecord, Outcome, Timestamp, decide,
};

use super::rollup::{self, RollupStore};
use super::{AccountStore, NewEvent, TraitOwner};
use crate::error::AppError;

/// Stores `req.events` (skipping ids already stored), updates traits, usage and message
/// history, and decides for `req.decide_for`.
///
/// Campaign documents that no longer validate are left out of the decision and returned
/// as warnings for the caller to log; one bad document never blocks the others.
pub fn ingest<S: AccountStore + CollabStore + RollupStore + super::people::PeopleStore>(
    store: &mut S,
    req: &IngestRequest,
) -> Result<(IngestResult, Vec<Problem>), AppError> {
    let mut warnings = Vec::new();
    // The catalog, when the request decides or carries one: parsed once per catalog (by its
    // version, or by its texts), and never half-used: a version this isolate has not parsed,
    // sent without its texts, is answered before anything is stored.
    let parsed = if req.decide_for.is_some() || !req.campaigns.is_empty() {
        match parsed_catalog(req) {
            Some(parsed) => Some(parsed),
            None => {
                let needed = IngestResult {
                    catalog_needed: true,
                    ..IngestResult::default()
                };
                return Ok((needed, warnings));
            }
        }
    } else {
        None
    };
    // Campaign goals: from the catalog (saved if they changed), else as last saved.
    let specs = match &parsed {
        Some(p) => rollup::specs(store, Some((&p.specs, &p.specs_json)))?,
        None if req.events.is_empty() => Vec::new(),
        None => rollup::specs(store, None)?,
    };
    // The settings and webhook endpoint: the catalog's, or the request's (admin operations).
    let settings = match &parsed {
        Some(p) => p.settings.as_deref(),
        None => req.settings.as_deref(),
    };
    let webhook = match &parsed {
        Some(p) => p.webhook.as_ref(),
        None => req.webhook.as_ref(),
    };
    // The webhook endpoint comes with the settings (for the webhooks of this batch and of the
    // alarm's flushes).
    if settings.is_some() {
        super::signals::keep_target(store, webhook)?;
    }
    let mut activity = Activity::default();
    let mut accepted = 0;
    let mut duplicates = 0;
    let mut webhooks = 0;
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
            webhooks += u32::from(super::signals::is_detractor(&event.kind));
            activity.add(&event, Timestamp(dto.timestamp));
            apply(store, &event, body, Timestamp(dto.timestamp), &specs)?;
        } else {
            duplicates += 1;
        }
    }
    activity.write(store)?;
    if accepted > 0 {
        // Tier, stage and health move with activity: the account unit goes with the flush.
        store.mark_dirty("", protocol::v1::ACCOUNT_UNIT)?;
    }
    // The settings the flush computes the account's summary with, kept when they change.
    if let Some(settings) = settings
        && store.doc("rollup", "settings")?.as_deref() != Some(settings)
    {
        store.put_doc("rollup", "settings", settings)?;
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
                super::admin::admin(store, op, settings, Timestamp(req.now))?;
            (Some(summary), forgotten)
        }
        None => (None, None),
    };
    let decision = match (&req.decide_for, &parsed) {
        (Some(subject), Some(parsed)) => {
            // A dry run may repeat the whole decision (catalog, facts, history, decide) to
            // measure its cost inside workerd; see `cargo xtask bench`.
            let times = if req.dry_run {
                req.repeat.clamp(1, 1000)
            } else {
                1
            };
            let mut dto = None;
            for _ in 0..times {
                dto = Some(decide_for(store, req, parsed, subject, &mut warnings)?);
            }
            dto
        }
        _ => None,
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
            webhooks,
            catalog_needed: false,
        },
        warnings,
    ))
}

/// The decision for `subject` under the request's campaigns and settings; records what it
/// changes unless the request is a dry run.
fn decide_for<S: AccountStore + RollupStore + super::people::PeopleStore>(
    store: &mut S,
    req: &IngestRequest,
    parsed: &Parsed,
    subject: &Subject,
    warnings: &mut Vec<Problem>,
) -> Result<DecisionDto, AppError> {
    warnings.clone_from(&parsed.warnings);
    let (docs, catalog) = (&parsed.docs, &parsed.catalog);
    let now = Timestamp(req.now);
    let mut facts = store.facts(&subject.user_id, now, &catalog.property_filtered_events())?;
    facts.page = subject.page.clone();
    if catalog.needs_people() {
        facts.people = Some(store.people(now.day())?);
    }
    let history = store.history(&subject.user_id, now)?;
    let d = decide(catalog, &facts, &history, now);
    if !req.dry_run {
        record_decision(store, subject, &d, &history, now)?;
    }
    // A `locale` user trait (set by the vendor) wins over the browser's language.
    let locale = match facts.user_traits.get("locale") {
        Some(rules::Value::Text(l)) => Some(l.as_str()),
        _ => subject.locale.as_deref(),
    };
    let mut dto = decision_dto(&d, docs, req.debug, locale);
    // Value recaps: the account's own counts, for the variables the messages use.
    for m in &mut dto.messages {
        protocol::v1::fill_metrics(&mut m.content, |r| {
            rules::account_metric(&facts, &r.event, r.period, now)
        });
    }
    if req.debug {
        dto.dropped = Some(store.dropped()?);
    }
    Ok(dto)
}

/// A workspace's campaigns and settings, parsed and validated, with the texts they came from.
#[derive(Debug)]
struct Parsed {
    /// What it was parsed from: a catalog version, or its texts.
    key: CatalogKey,
    campaigns: Vec<String>,
    settings: Option<String>,
    webhook: Option<(String, String)>,
    docs: Vec<CampaignDoc>,
    catalog: Catalog,
    warnings: Vec<Problem>,
    /// What the account keeps for its rollup (goals, tasks), and as stored: computed once per
    /// catalog, not per batch.
    specs: Vec<CampaignSpec>,
    specs_json: String,
}

/// How a parsed catalog is found again.
#[derive(Debug, Clone, PartialEq, Eq)]
enum CatalogKey {
    /// `workspace:version` (the worker's version of it).
    Version(String),
    /// FNV-1a of the texts (requests without a version: admin operations, native tests).
    Texts(u64),
}

/// Catalogs kept per isolate; the oldest goes first.
const KEPT_CATALOGS: usize = 8;

thread_local! {
    /// The catalogs parsed last in this isolate: decisions in a row (every tab, every account
    /// of the workspace) skip re-parsing 200 documents, and by version skip even reading them.
    static PARSED: RefCell<Vec<Rc<Parsed>>> = const { RefCell::new(Vec::new()) };
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

/// The request's catalog, parsed: kept from an earlier request when its version (or its
/// texts) match, else parsed from the texts. `None`: the request names a version this isolate
/// has not parsed and carries no texts.
fn parsed_catalog(req: &IngestRequest) -> Option<Rc<Parsed>> {
    let texts_sent = !req.campaigns.is_empty() || req.settings.is_some();
    let key = match &req.catalog {
        Some(version) => CatalogKey::Version(version.clone()),
        None => CatalogKey::Texts(fingerprint(req)),
    };
    // A fingerprint finds the entry; the texts themselves decide (no collision can hand one
    // workspace another's catalog). A version names one catalog of one workspace.
    let hit = PARSED.with(|kept| {
        kept.borrow()
            .iter()
            .find(|p| {
                p.key == key
                    && (matches!(key, CatalogKey::Version(_))
                        || (p.campaigns == req.campaigns
                            && p.settings == req.settings
                            && p.webhook == req.webhook))
            })
            .map(Rc::clone)
    });
    if hit.is_some() {
        return hit;
    }
    if req.catalog.is_some() && !texts_sent {
        return None;
    }
    let mut parsed = Parsed {
        key,
        campaigns: req.campaigns.clone(),
        settings: req.settings.clone(),
        webhook: req.webhook.clone(),
        docs: Vec::with_capacity(req.campaigns.len()),
        catalog: Catalog::default(),
        warnings: Vec::new(),
        specs: Vec::new(),
        specs_json: String::new(),
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
    parsed.specs = CampaignSpec::of(&parsed.docs);
    parsed.specs_json = CampaignSpec::list_json(&parsed.specs);
    let parsed = Rc::new(parsed);
    PARSED.with(|kept| {
        let mut kept = kept.borrow_mut();
        // The same key parsed again (a version whose texts were re-sent) replaces the old.
        kept.retain(|p| p.key != parsed.key);
        if kept.len() >= KEPT_CATALOGS {
            kept.remove(0);
        }
        kept.push(Rc::clone(&parsed));
    });
    Some(parsed)
}

/// Stores what a decision changes: deliveries (so other tabs and caps see them at once),
/// fact-trigger observations, and first exposures to experiments (as `exposure` events).
/// The records come from `history` (read for this decision, nothing written since), and only
/// those that changed are written: a decision that changes nothing writes nothing.
fn record_decision<S: AccountStore + RollupStore>(
    store: &mut S,
    subject: &Subject,
    d: &Decision,
    history: &History,
    now: Timestamp,
) -> Result<(), AppError> {
    let user = subject.user_id.as_str();
    // (as read, as changed) per campaign.
    let mut records: BTreeMap<&CampaignId, (MessageRecord, MessageRecord)> = BTreeMap::new();
    let mut change = |campaign, f: &dyn Fn(&mut MessageRecord)| {
        let (_, new) = records.entry(campaign).or_insert_with(|| {
            let r = history.get(campaign);
            (r, r)
        });
        f(new);
    };
    for (campaign, holds) in &d.observations {
        change(campaign, &|r| r.observe(*holds, now));
    }
    for pick in &d.picks {
        change(&pick.campaign, &|r| r.record(Outcome::Delivered, now));
    }
    for (campaign, _) in &d.exposures {
        change(campaign, &|r| r.expose(now));
    }
    for (campaign, (old, new)) in &records {
        if old != new {
            store.save_message(user, campaign, new)?;
            rollup::touch(store, campaign, old, new)?;
        }
    }
    // After the records: the arm is set on the campaign's row.
    for (campaign, arm) in &d.exposures {
        let name = match arm {
            Arm::Control => "control",
            Arm::Treatment(Some(variant)) => variant.as_str(),
            Arm::Treatment(None) => "treatment",
        };
        store.set_arm(user, campaign, name)?;
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

/// A batch's activity, written once per key after the batch: users' times, first and last
/// use of each tracked event, and daily usage counts. Rows written per event fall with the
/// batch size (`cargo xtask bench analytics`).
#[derive(Debug, Default)]
struct Activity {
    users: BTreeMap<String, Vec<i64>>,
    seen: BTreeMap<(String, String), (i64, i64)>,
    usage: BTreeMap<(String, String, rules::Day), u32>,
}

impl Activity {
    fn add(&mut self, event: &Event, at: Timestamp) {
        self.users
            .entry(event.user_id.clone())
            .or_default()
            .push(at.0);
        if let EventKind::Track { name } = &event.kind {
            let span = self
                .seen
                .entry((event.user_id.clone(), name.clone()))
                .or_insert((at.0, at.0));
            *span = (span.0.min(at.0), span.1.max(at.0));
            *self
                .usage
                .entry((event.user_id.clone(), name.clone(), at.day()))
                .or_default() += 1;
        }
    }

    fn write<S: AccountStore>(self, store: &mut S) -> Result<(), AppError> {
        for (user, times) in &self.users {
            store.touch_user_times(user, times)?;
        }
        for ((user, name), (first, last)) in &self.seen {
            store.add_seen_span(user, name, *first, *last)?;
        }
        for ((user, feature, day), n) in &self.usage {
            store.add_usage(user, feature, *day, *n)?;
        }
        Ok(())
    }
}

/// Changes the user's record of a campaign, and marks the rollup units the change touches.
fn update<S: AccountStore + RollupStore>(
    store: &mut S,
    user: &str,
    campaign: &CampaignId,
    change: impl FnOnce(&mut MessageRecord),
) -> Result<(), AppError> {
    let old = store.message(user, campaign)?;
    let mut record = old;
    change(&mut record);
    store.save_message(user, campaign, &record)?;
    rollup::touch(store, campaign, &old, &record)
}

/// Folds one new event (`body`: its JSON) into the account's state (its activity is folded
/// by [`Activity`]).
fn apply<S: AccountStore + CollabStore + RollupStore>(
    store: &mut S,
    event: &Event,
    body: &str,
    at: Timestamp,
    specs: &[protocol::v1::Spec],
) -> Result<(), AppError> {
    match &event.kind {
        EventKind::Track { name } => {
            let properties = |key: &str| event_properties(body).get(key).cloned();
            rollup::track(store, specs, &event.user_id, name, at, &properties)
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
            if super::signals::is_detractor(&event.kind) {
                let answer = protocol::v1::SurveyAnswerDto {
                    user_id: event.user_id.clone(),
                    campaign: campaign.as_str().to_owned(),
                    score: *score,
                    comment: comment.clone().filter(|c| !c.is_empty()),
                    answered_at: at.0,
                };
                super::signals::survey_answered(store, &event.account_id, &event.id, answer)?;
            }
            let week = crate::analytics::rollup::week_of_day(at.day().0.into());
            store.mark_dirty(campaign.as_str(), week)?;
            if comment.as_deref().is_some_and(|c| !c.is_empty()) {
                store.mark_dirty(campaign.as_str(), COMMENTS_UNIT)?;
            }
            // Answering completes the message.
            update(store, &event.user_id, campaign, |r| {
                r.record(Outcome::Clicked, at);
            })
        }
        EventKind::Message { campaign, outcome } => update(store, &event.user_id, campaign, |r| {
            r.record(*outcome, at);
        }),
    }
}
