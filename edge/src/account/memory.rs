//! In-memory doubles: an `AccountStore` and an `Accounts` gateway, for native tests.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use protocol::v1::{
    AccountEventDto, CollabRequest, CollabResult, Dropped, DroppedTotals, EventExport, ExportPage,
    IngestRequest, IngestResult, event_properties,
};
use rules::{CampaignId, Day, EventFact, Facts, History, MessageRecord, Seen, Timestamp, Value};

use super::{
    AccountStore, Accounts, MAX_PROPERTY_EVENTS, NewEvent, TraitOwner, current_session, ingest,
    next_session, object_name,
};
use crate::error::AppError;

#[derive(Debug, Clone)]
struct StoredEvent {
    /// Its position in the order of storage, from 1 (SQLite's rowid).
    rowid: u64,
    id: String,
    user_id: String,
    kind: String,
    name: Option<String>,
    timestamp: i64,
    received_at: i64,
    body: String,
}

/// One account's state in maps.
#[derive(Debug, Default)]
pub struct MemoryAccountStore {
    event_ids: HashSet<String>,
    events: Vec<StoredEvent>,
    users: BTreeMap<String, (i64, i64)>,
    sessions: BTreeMap<String, (i64, i64)>,
    seen: BTreeMap<(String, String), Seen>,
    /// Latest answer per (user, campaign): score and time.
    surveys: BTreeMap<(String, String), (u32, i64)>,
    user_traits: BTreeMap<String, BTreeMap<String, (Value, i64)>>,
    account_traits: BTreeMap<String, (Value, i64)>,
    usage: BTreeMap<(String, String, Day), u32>,
    messages: BTreeMap<(String, CampaignId), MessageRecord>,
    /// Collaboration documents by (kind, id).
    docs: BTreeMap<(String, String), String>,
    /// The highest rowid ever given (it never goes back, as in the SQLite store).
    last_rowid: u64,
    /// Dropped reports by the first event of their batch.
    dropped: BTreeMap<String, Dropped>,
    /// Experiment arm and goal conversion per (user, campaign).
    tracking: BTreeMap<(String, CampaignId), (Option<String>, Option<i64>)>,
    /// Every answer with a comment: (user, campaign, score, comment, time).
    comments: Vec<(String, String, u32, String, i64)>,
    /// Changed rollup units and the flush that will carry them.
    dirty: BTreeMap<(String, i64), u64>,
    /// The last rollup sequence number.
    rollup_seq: u64,
}

mod collab;
mod people;
mod rollup;

impl AccountStore for MemoryAccountStore {
    fn insert_event(&mut self, e: &NewEvent<'_>) -> Result<bool, AppError> {
        if !self.event_ids.insert(e.id.to_owned()) {
            return Ok(false);
        }
        self.events.push(StoredEvent {
            rowid: {
                self.last_rowid += 1;
                self.last_rowid
            },
            id: e.id.to_owned(),
            user_id: e.user_id.to_owned(),
            kind: e.kind.to_owned(),
            name: e.name.map(str::to_owned),
            timestamp: e.timestamp,
            received_at: e.received_at,
            body: e.body.to_owned(),
        });
        Ok(true)
    }

    fn add_dropped(&mut self, report: &str, dropped: Dropped, _at: i64) -> Result<(), AppError> {
        let slot = self.dropped.entry(report.to_owned()).or_default();
        slot.capacity = slot.capacity.max(dropped.capacity);
        slot.storage = slot.storage.max(dropped.storage);
        Ok(())
    }

    fn forget_user(&mut self, user_id: &str) -> Result<u64, AppError> {
        let before = self.events.len();
        let ids = &mut self.event_ids;
        self.events.retain(|e| {
            let keep = e.user_id != user_id;
            if !keep {
                ids.remove(&e.id);
            }
            keep
        });
        let deleted = before - self.events.len();
        self.users.remove(user_id);
        self.sessions.remove(user_id);
        self.seen.retain(|(u, _), _| u != user_id);
        self.usage.retain(|(u, _, _), _| u != user_id);
        self.messages.retain(|(u, _), _| u != user_id);
        self.surveys.retain(|(u, _), _| u != user_id);
        self.tracking.retain(|(u, _), _| u != user_id);
        self.comments.retain(|(u, ..)| u != user_id);
        self.user_traits.remove(user_id);
        Ok(deleted as u64)
    }

    fn prune(&mut self, events_before: i64, usage_before: Day) -> Result<(u64, u64), AppError> {
        let before = self.events.len();
        let ids = &mut self.event_ids;
        self.events.retain(|e| {
            let keep = e.timestamp >= events_before;
            if !keep {
                ids.remove(&e.id);
            }
            keep
        });
        let usage_before_len = self.usage.len();
        self.usage.retain(|(_, _, day), _| *day >= usage_before);
        Ok((
            (before - self.events.len()) as u64,
            (usage_before_len - self.usage.len()) as u64,
        ))
    }

    fn prune_oldest(&mut self, n: u64) -> Result<u64, AppError> {
        let mut by_time: Vec<(i64, u64)> =
            self.events.iter().map(|e| (e.timestamp, e.rowid)).collect();
        by_time.sort_unstable();
        let doomed: HashSet<u64> = by_time
            .iter()
            .take(usize::try_from(n).unwrap_or(usize::MAX))
            .map(|(_, rowid)| *rowid)
            .collect();
        let ids = &mut self.event_ids;
        self.events.retain(|e| {
            let keep = !doomed.contains(&e.rowid);
            if !keep {
                ids.remove(&e.id);
            }
            keep
        });
        Ok(doomed.len() as u64)
    }

    fn event_stats(&self) -> Result<(u64, Option<i64>), AppError> {
        Ok((
            self.events.len() as u64,
            self.events.iter().map(|e| e.timestamp).min(),
        ))
    }

    fn dropped(&self) -> Result<DroppedTotals, AppError> {
        Ok(self
            .dropped
            .values()
            .fold(DroppedTotals::default(), |t, d| DroppedTotals {
                capacity: t.capacity + u64::from(d.capacity),
                storage: t.storage + u64::from(d.storage),
            }))
    }

    fn touch_user(&mut self, user_id: &str, at: i64) -> Result<(), AppError> {
        let seen = self.users.entry(user_id.to_owned()).or_insert((at, at));
        *seen = (seen.0.min(at), seen.1.max(at));
        let session = next_session(self.sessions.get(user_id).copied(), at);
        self.sessions.insert(user_id.to_owned(), session);
        Ok(())
    }

    fn add_survey(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        score: u32,
        comment: Option<&str>,
        at: i64,
    ) -> Result<(), AppError> {
        if let Some(text) = comment.filter(|c| !c.is_empty()) {
            self.comments.push((
                user_id.to_owned(),
                campaign.as_str().to_owned(),
                score,
                text.to_owned(),
                at,
            ));
        }
        let key = (user_id.to_owned(), campaign.as_str().to_owned());
        if self.surveys.get(&key).is_none_or(|(_, t)| *t <= at) {
            self.surveys.insert(key, (score, at));
        }
        Ok(())
    }

    fn add_seen(&mut self, user_id: &str, name: &str, at: i64) -> Result<(), AppError> {
        let span = Seen {
            first: Timestamp(at),
            last: Timestamp(at),
        };
        self.seen
            .entry((user_id.to_owned(), name.to_owned()))
            .and_modify(|s| s.merge(span))
            .or_insert(span);
        Ok(())
    }

    fn set_trait(
        &mut self,
        owner: TraitOwner<'_>,
        key: &str,
        value: &Value,
        at: i64,
    ) -> Result<(), AppError> {
        let map = match owner {
            TraitOwner::User(u) => self.user_traits.entry(u.to_owned()).or_default(),
            TraitOwner::Account => &mut self.account_traits,
        };
        if map.get(key).is_none_or(|(_, t)| *t <= at) {
            map.insert(key.to_owned(), (value.clone(), at));
        }
        Ok(())
    }

    fn add_usage(
        &mut self,
        user_id: &str,
        feature: &str,
        day: Day,
        n: u32,
    ) -> Result<(), AppError> {
        let slot = self
            .usage
            .entry((user_id.to_owned(), feature.to_owned(), day))
            .or_default();
        *slot = slot.saturating_add(n);
        Ok(())
    }

    fn message(&self, user_id: &str, campaign: &CampaignId) -> Result<MessageRecord, AppError> {
        Ok(self
            .messages
            .get(&(user_id.to_owned(), campaign.clone()))
            .copied()
            .unwrap_or_default())
    }

    fn save_message(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        record: &MessageRecord,
    ) -> Result<(), AppError> {
        self.messages
            .insert((user_id.to_owned(), campaign.clone()), *record);
        Ok(())
    }

    fn facts(
        &self,
        user_id: &str,
        now: Timestamp,
        with_properties: &BTreeSet<String>,
    ) -> Result<Facts, AppError> {
        let mut facts = Facts {
            user_id: user_id.to_owned(),
            session_start: current_session(self.sessions.get(user_id).copied(), now),
            ..Facts::default()
        };
        for ((user, name), span) in &self.seen {
            facts.add_seen(user == user_id, name, *span);
        }
        facts.surveys = super::warm::survey_facts(&self.surveys, user_id);
        facts.events = self
            .events
            .iter()
            .rev()
            .filter(|e| e.kind == "track")
            .filter(|e| e.name.as_ref().is_some_and(|n| with_properties.contains(n)))
            .take(MAX_PROPERTY_EVENTS)
            .map(|e| EventFact {
                name: e.name.clone().unwrap_or_default(),
                at: Timestamp(e.timestamp),
                by_current_user: e.user_id == user_id,
                properties: event_properties(&e.body),
            })
            .collect();
        for (k, (v, _)) in self.user_traits.get(user_id).into_iter().flatten() {
            facts.user_traits.insert(k.clone(), v.clone());
        }
        for (k, (v, _)) in &self.account_traits {
            facts.account_traits.insert(k.clone(), v.clone());
        }
        for ((user, feature, day), n) in &self.usage {
            facts.add_usage(user, user == user_id, feature, *day, *n);
        }
        Ok(facts)
    }

    fn history(&self, user_id: &str, now: Timestamp) -> Result<History, AppError> {
        let mut h = History::default();
        for ((user, campaign), record) in &self.messages {
            if user == user_id {
                h.insert(campaign.clone(), *record);
            } else if let Some(at) = record.exposed_at(now) {
                h.insert_other(campaign.clone(), at);
            }
        }
        Ok(h)
    }

    fn events(&self, page: ExportPage) -> Result<EventExport, AppError> {
        let from = self.events.partition_point(|e| e.rowid <= page.after);
        let rest = self.events.get(from..).unwrap_or_default();
        let page_of = &rest[..rest.len().min(page.limit as usize)];
        let events = page_of
            .iter()
            .map(|e| {
                AccountEventDto::from_stored(e.timestamp, e.received_at, e.body.clone())
                    .map_err(AppError::from)
            })
            .collect::<Result<_, _>>()?;
        Ok(EventExport {
            events,
            next: page_of.last().map_or(page.after, |e| e.rowid).to_string(),
            more: rest.len() > page_of.len(),
        })
    }
}

/// Accounts held in memory, one store per (workspace, account).
#[derive(Debug, Default)]
pub struct MemoryAccounts {
    stores: RefCell<HashMap<String, MemoryAccountStore>>,
}

impl MemoryAccounts {
    /// Flushes an account's changed rollup units as its object's alarm does, the send
    /// succeeding; `backfill` first marks the whole state.
    pub fn flush(
        &self,
        workspace_id: &str,
        account_id: &str,
        backfill: bool,
        now: i64,
    ) -> Result<Vec<protocol::v1::RollupMessage>, AppError> {
        let mut stores = self.stores.borrow_mut();
        let store = stores
            .entry(object_name(workspace_id, account_id))
            .or_default();
        match super::rollup::flush(store, workspace_id, account_id, backfill, now)? {
            Some((seq, messages)) => {
                super::rollup::RollupStore::clear_dirty(store, seq)?;
                Ok(messages)
            }
            None => Ok(Vec::new()),
        }
    }

    /// Every user's rollup input of a campaign in an account (the direct computation's input).
    pub fn campaign_users(
        &self,
        workspace_id: &str,
        account_id: &str,
        campaign: &str,
    ) -> Result<Vec<crate::analytics::rollup::UserRollup>, AppError> {
        let stores = self.stores.borrow();
        match stores.get(&object_name(workspace_id, account_id)) {
            Some(s) => Ok(super::rollup::RollupStore::campaign_users(s, campaign)?
                .into_iter()
                .map(|(_, u)| u)
                .collect()),
            None => Ok(Vec::new()),
        }
    }
}

impl Accounts for MemoryAccounts {
    async fn ingest(
        &self,
        workspace_id: &str,
        account_id: &str,
        req: &IngestRequest,
    ) -> Result<IngestResult, AppError> {
        let mut stores = self.stores.borrow_mut();
        let (result, warnings) = ingest(
            stores
                .entry(object_name(workspace_id, account_id))
                .or_default(),
            req,
        )?;
        assert!(
            warnings.is_empty(),
            "campaign documents in tests are valid: {warnings:?}"
        );
        Ok(result)
    }

    async fn export(
        &self,
        workspace_id: &str,
        account_id: &str,
        page: ExportPage,
    ) -> Result<EventExport, AppError> {
        let stores = self.stores.borrow();
        match stores.get(&object_name(workspace_id, account_id)) {
            Some(s) => s.events(page),
            None => Ok(EventExport {
                events: Vec::new(),
                next: page.after.to_string(),
                more: false,
            }),
        }
    }

    async fn collab(
        &self,
        workspace_id: &str,
        account_id: &str,
        req: &CollabRequest,
    ) -> Result<CollabResult, AppError> {
        let mut stores = self.stores.borrow_mut();
        let store = stores
            .entry(object_name(workspace_id, account_id))
            .or_default();
        crate::collab::run(store, req)
    }
}
