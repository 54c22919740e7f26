//! `AccountStore` over a Durable Object's SQLite storage.

use std::collections::BTreeSet;

use protocol::v1::{
    AccountEventDto, Dropped, DroppedTotals, EventExport, ExportPage, event_properties,
};
use rules::{CampaignId, Day, EventFact, Facts, History, MessageRecord, Timestamp, Value};
use worker::{SqlStorage, SqlStorageValue as V};

use super::warm::Warm;
use super::{AccountStore, MAX_PROPERTY_EVENTS, NewEvent, TraitOwner, next_session};
use crate::error::AppError;

/// Schema changes in order; `meta.schema` counts how many have been applied.
mod collab;
mod people;
mod rollup;
mod warm;

const MIGRATIONS: [&str; 8] = [V1, V2, V3, V4, V5, V6, V7, V8];

/// Brings the account schema up to date (idempotent; each step runs once).
pub(super) fn migrate(sql: &SqlStorage) -> Result<(), AppError> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        None,
    )?;
    let applied = sql
        .exec("SELECT value FROM meta WHERE key = 'schema'", None)?
        .raw()
        .next()
        .transpose()?
        .and_then(|row| int(row.first()))
        .unwrap_or(0);
    for (i, step) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i).unwrap_or(i64::MAX) + 1;
        if version > applied {
            sql.exec(step, None)?;
            sql.exec(
                "INSERT INTO meta (key, value) VALUES ('schema', ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                vec![V::Integer(version)],
            )?;
        }
    }
    Ok(())
}

/// Events, users, traits, daily usage and message records. Written with IF NOT EXISTS:
/// objects created before `meta` existed already have these tables.
const V1: &str = "CREATE TABLE IF NOT EXISTS events (
           id TEXT PRIMARY KEY, user_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT,
           timestamp INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS users (
           user_id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS traits (
           owner TEXT NOT NULL, key TEXT NOT NULL, kind INTEGER NOT NULL, num REAL, text TEXT,
           updated_at INTEGER NOT NULL, PRIMARY KEY (owner, key));
         CREATE TABLE IF NOT EXISTS usage (
           user_id TEXT NOT NULL, feature TEXT NOT NULL, day INTEGER NOT NULL, count INTEGER NOT NULL,
           PRIMARY KEY (user_id, feature, day));
         CREATE TABLE IF NOT EXISTS messages (
           user_id TEXT NOT NULL, campaign TEXT NOT NULL, first_shown INTEGER, last_shown INTEGER,
           shown_count INTEGER NOT NULL, clicked INTEGER, dismissed INTEGER,
           PRIMARY KEY (user_id, campaign));";

/// Sessions, first/last occurrence per event name, and the scheduling state of messages.
const V2: &str = "CREATE TABLE sessions (
           user_id TEXT PRIMARY KEY, started_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
         CREATE TABLE seen (
           user_id TEXT NOT NULL, name TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
           PRIMARY KEY (user_id, name));
         CREATE INDEX events_by_name ON events (type, name, timestamp);
         ALTER TABLE messages ADD COLUMN snoozed INTEGER;
         ALTER TABLE messages ADD COLUMN delivered INTEGER;
         ALTER TABLE messages ADD COLUMN trigger_held INTEGER;
         ALTER TABLE messages ADD COLUMN crossed INTEGER;
         ALTER TABLE messages ADD COLUMN exposed INTEGER;";

/// Survey answers (every answer is kept; decisions use each user's latest).
const V3: &str = "CREATE TABLE surveys (
           user_id TEXT NOT NULL, campaign TEXT NOT NULL, score INTEGER NOT NULL, comment TEXT,
           at INTEGER NOT NULL);
         CREATE INDEX surveys_by_user ON surveys (user_id, campaign, at);";

/// The furthest tour step each user reached.
const V4: &str = "ALTER TABLE messages ADD COLUMN step INTEGER NOT NULL DEFAULT 0;";

/// Invitations, approvals, the webhook outbox, caps and target lists (`collab`), as JSON
/// documents by kind and id.
const V5: &str = "CREATE TABLE docs (
           kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (kind, id));";

/// The dropped counts clients reported, one row per report (its batch's first event).
const V6: &str = "CREATE TABLE dropped (
           report TEXT PRIMARY KEY, capacity INTEGER NOT NULL, storage INTEGER NOT NULL,
           at INTEGER NOT NULL);";

/// Each user's experiment arm and goal conversion, and the rollup units changed since the
/// last flush (`gen`: the flush sequence number that will carry the change).
const V7: &str = "ALTER TABLE messages ADD COLUMN arm TEXT;
         ALTER TABLE messages ADD COLUMN converted INTEGER;
         CREATE TABLE rollup_dirty (
           campaign TEXT NOT NULL, week INTEGER NOT NULL, gen INTEGER NOT NULL,
           PRIMARY KEY (campaign, week)) WITHOUT ROWID;";

/// Fewer rows per event: every keyed table becomes `WITHOUT ROWID` (the key is the table,
/// so an upsert writes one row instead of a table row and an index row), and the session
/// moves into `users` (its last activity always equalled `users.last_seen`).
const V8: &str = "CREATE TABLE users_v8 (
           user_id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
           session_start INTEGER NOT NULL) WITHOUT ROWID;
         INSERT INTO users_v8 SELECT u.user_id, u.first_seen, u.last_seen,
           coalesce(s.started_at, u.last_seen) FROM users u
           LEFT JOIN sessions s ON s.user_id = u.user_id;
         DROP TABLE users; ALTER TABLE users_v8 RENAME TO users; DROP TABLE sessions;
         CREATE TABLE seen_v8 (
           user_id TEXT NOT NULL, name TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
           PRIMARY KEY (user_id, name)) WITHOUT ROWID;
         INSERT INTO seen_v8 SELECT user_id, name, first, last FROM seen;
         DROP TABLE seen; ALTER TABLE seen_v8 RENAME TO seen;
         CREATE TABLE usage_v8 (
           user_id TEXT NOT NULL, feature TEXT NOT NULL, day INTEGER NOT NULL,
           count INTEGER NOT NULL, PRIMARY KEY (user_id, feature, day)) WITHOUT ROWID;
         INSERT INTO usage_v8 SELECT user_id, feature, day, count FROM usage;
         DROP TABLE usage; ALTER TABLE usage_v8 RENAME TO usage;
         CREATE TABLE traits_v8 (
           owner TEXT NOT NULL, key TEXT NOT NULL, kind INTEGER NOT NULL, num REAL, text TEXT,
           updated_at INTEGER NOT NULL, PRIMARY KEY (owner, key)) WITHOUT ROWID;
         INSERT INTO traits_v8 SELECT owner, key, kind, num, text, updated_at FROM traits;
         DROP TABLE traits; ALTER TABLE traits_v8 RENAME TO traits;
         CREATE TABLE messages_v8 (
           user_id TEXT NOT NULL, campaign TEXT NOT NULL, first_shown INTEGER, last_shown INTEGER,
           shown_count INTEGER NOT NULL, clicked INTEGER, dismissed INTEGER, snoozed INTEGER,
           delivered INTEGER, trigger_held INTEGER, crossed INTEGER, exposed INTEGER,
           step INTEGER NOT NULL DEFAULT 0, arm TEXT, converted INTEGER,
           PRIMARY KEY (user_id, campaign)) WITHOUT ROWID;
         INSERT INTO messages_v8 SELECT user_id, campaign, first_shown, last_shown, shown_count,
           clicked, dismissed, snoozed, delivered, trigger_held, crossed, exposed, step, arm,
           converted FROM messages;
         DROP TABLE messages; ALTER TABLE messages_v8 RENAME TO messages;";

/// The account's SQLite database.
#[derive(Debug)]
pub(super) struct SqlStore<'a> {
    sql: &'a SqlStorage,
    /// The object's in-memory facts, kept by every write here.
    warm: &'a Warm,
    /// Rows written through this store (table and index rows, as billed).
    written: std::cell::Cell<u64>,
}

impl<'a> SqlStore<'a> {
    pub(super) fn new(sql: &'a SqlStorage, warm: &'a Warm) -> Self {
        Self {
            sql,
            warm,
            written: std::cell::Cell::new(0),
        }
    }

    /// Rows written through this store so far.
    pub(super) fn written(&self) -> u64 {
        self.written.get()
    }

    fn rows(&self, query: &str, bindings: Vec<V>) -> Result<Vec<Vec<V>>, AppError> {
        crate::sqlite::rows(self.sql, &self.written, query, bindings)
    }

    /// Remembers the highest rowid before events are deleted, so rowids (the export's
    /// cursor) never go back.
    fn keep_rowid_floor(&self) -> Result<(), AppError> {
        self.run(
            "INSERT INTO meta (key, value) SELECT 'rowid_floor', coalesce(max(rowid), 0) FROM events
             WHERE true ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
            Vec::new(),
        )?;
        Ok(())
    }

    /// Runs a statement to its end; returns the rows it wrote.
    fn run(&self, query: &str, bindings: Vec<V>) -> Result<usize, AppError> {
        let before = self.written.get();
        self.rows(query, bindings)?;
        Ok(usize::try_from(self.written.get() - before).unwrap_or(usize::MAX))
    }
}

impl SqlStore<'_> {
    /// The user's session `(start, last activity)`, if any.
    fn session(&self, user_id: &str) -> Result<Option<(i64, i64)>, AppError> {
        // The mirror holds the stored session once loaded: no row to read per batch.
        if let Some(session) = self.warm.session(user_id) {
            return Ok(session);
        }
        Ok(self
            .rows(
                "SELECT session_start, last_seen FROM users WHERE user_id = ?",
                vec![user_id.into()],
            )?
            .first()
            .and_then(|r| Some((int(r.first())?, int(r.get(1))?))))
    }
}

/// The `traits.owner` column: `@` for the account (user ids are prefixed with `u:`).
fn owner_key(owner: TraitOwner<'_>) -> String {
    match owner {
        TraitOwner::User(u) => format!("u:{u}"),
        TraitOwner::Account => "@".to_owned(),
    }
}

fn int(v: Option<&V>) -> Option<i64> {
    match v {
        Some(V::Integer(i)) => Some(*i),
        Some(V::Float(f)) => Some(*f as i64),
        _ => None,
    }
}

fn text(v: Option<&V>) -> Option<String> {
    match v {
        Some(V::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn decode_value(kind: Option<i64>, num: Option<&V>, txt: Option<&V>) -> Value {
    let num = match num {
        Some(V::Float(f)) => Some(*f),
        Some(V::Integer(i)) => Some(*i as f64),
        _ => None,
    };
    match (kind, num, text(txt)) {
        (Some(1), Some(n), _) => Value::Bool(n != 0.0),
        (Some(2), Some(n), _) => Value::Number(n),
        (Some(3), _, Some(s)) => Value::Text(s),
        _ => Value::Null,
    }
}

fn opt_ts(t: Option<Timestamp>) -> V {
    t.map_or(V::Null, |t| V::Integer(t.0))
}

impl AccountStore for SqlStore<'_> {
    fn insert_event(&mut self, e: &NewEvent<'_>) -> Result<bool, AppError> {
        // The rowid (the export's cursor) never goes back, even after the newest events were
        // deleted for a user: `meta.rowid_floor` keeps the highest one ever used.
        let written = self.run(
            "INSERT INTO events (rowid, id, user_id, type, name, timestamp, received_at, body)
             VALUES (max(coalesce((SELECT max(rowid) FROM events), 0),
                         coalesce((SELECT value FROM meta WHERE key = 'rowid_floor'), 0)) + 1,
                     ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (id) DO NOTHING",
            vec![
                e.id.into(),
                e.user_id.into(),
                e.kind.into(),
                e.name.map(str::to_owned).into(),
                V::Integer(e.timestamp),
                V::Integer(e.received_at),
                e.body.into(),
            ],
        )?;
        Ok(written > 0)
    }

    fn add_dropped(&mut self, report: &str, dropped: Dropped, at: i64) -> Result<(), AppError> {
        self.run(
            "INSERT INTO dropped (report, capacity, storage, at) VALUES (?, ?, ?, ?)
             ON CONFLICT (report) DO UPDATE SET capacity = max(capacity, excluded.capacity),
               storage = max(storage, excluded.storage), at = excluded.at",
            vec![
                report.into(),
                V::Integer(dropped.capacity.into()),
                V::Integer(dropped.storage.into()),
                V::Integer(at),
            ],
        )?;
        Ok(())
    }

    fn forget_user(&mut self, user_id: &str) -> Result<u64, AppError> {
        self.keep_rowid_floor()?;
        let events = self
            .rows(
                "DELETE FROM events WHERE user_id = ? RETURNING 1",
                vec![user_id.into()],
            )?
            .len();
        for table in ["users", "seen", "usage", "messages", "surveys"] {
            self.run(
                &format!("DELETE FROM {table} WHERE user_id = ?"),
                vec![user_id.into()],
            )?;
        }
        self.run(
            "DELETE FROM traits WHERE owner = ?",
            vec![owner_key(TraitOwner::User(user_id)).into()],
        )?;
        self.warm.drop_all();
        Ok(u64::try_from(events).unwrap_or(0))
    }

    fn prune(&mut self, events_before: i64, usage_before: Day) -> Result<(u64, u64), AppError> {
        self.keep_rowid_floor()?;
        // RETURNING counts table rows (rows written also counts index entries).
        let events = self.rows(
            "DELETE FROM events WHERE timestamp < ? RETURNING 1",
            vec![V::Integer(events_before)],
        )?;
        let usage = self.rows(
            "DELETE FROM usage WHERE day < ? RETURNING 1",
            vec![V::Integer(usage_before.0.into())],
        )?;
        if !usage.is_empty() {
            self.warm.drop_all();
        }
        Ok((events.len() as u64, usage.len() as u64))
    }

    fn prune_oldest(&mut self, n: u64) -> Result<u64, AppError> {
        self.keep_rowid_floor()?;
        let deleted = self.rows(
            "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events ORDER BY timestamp LIMIT ?)
             RETURNING 1",
            vec![V::Integer(i64::try_from(n).unwrap_or(i64::MAX))],
        )?;
        Ok(deleted.len() as u64)
    }

    fn event_stats(&self) -> Result<(u64, Option<i64>), AppError> {
        let rows = self.rows("SELECT count(*), min(timestamp) FROM events", Vec::new())?;
        let row = rows.first();
        Ok((
            row.and_then(|r| int(r.first()))
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
            row.and_then(|r| int(r.get(1))),
        ))
    }

    fn dropped(&self) -> Result<DroppedTotals, AppError> {
        let rows = self.rows(
            "SELECT coalesce(sum(capacity), 0), coalesce(sum(storage), 0) FROM dropped",
            Vec::new(),
        )?;
        let count = |i: usize| {
            rows.first()
                .and_then(|r| int(r.get(i)))
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0)
        };
        Ok(DroppedTotals {
            capacity: count(0),
            storage: count(1),
        })
    }

    fn touch_user(&mut self, user_id: &str, at: i64) -> Result<(), AppError> {
        self.touch_user_times(user_id, &[at])
    }

    fn touch_user_times(&mut self, user_id: &str, times: &[i64]) -> Result<(), AppError> {
        let (Some(first), Some(last)) = (times.iter().min(), times.iter().max()) else {
            return Ok(());
        };
        let session = times
            .iter()
            .fold(self.session(user_id)?, |s, t| Some(next_session(s, *t)));
        let start = session.map_or(*first, |(start, _)| start);
        self.run(
            "INSERT INTO users (user_id, first_seen, last_seen, session_start) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
               last_seen = max(last_seen, excluded.last_seen),
               session_start = excluded.session_start",
            vec![
                user_id.into(),
                V::Integer(*first),
                V::Integer(*last),
                V::Integer(start),
            ],
        )?;
        self.warm.keep(|m| m.touch(user_id, times));
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
        self.run(
            "INSERT INTO surveys (user_id, campaign, score, comment, at) VALUES (?, ?, ?, ?, ?)",
            vec![
                user_id.into(),
                campaign.as_str().into(),
                V::Integer(i64::from(score)),
                comment.map(str::to_owned).into(),
                V::Integer(at),
            ],
        )?;
        self.warm
            .keep(|m| m.add_survey(user_id, campaign.as_str(), score, at));
        Ok(())
    }

    fn add_seen(&mut self, user_id: &str, name: &str, at: i64) -> Result<(), AppError> {
        self.add_seen_span(user_id, name, at, at)
    }

    fn add_seen_span(
        &mut self,
        user_id: &str,
        name: &str,
        first: i64,
        last: i64,
    ) -> Result<(), AppError> {
        self.run(
            "INSERT INTO seen (user_id, name, first, last) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, name) DO UPDATE SET first = min(first, excluded.first),
               last = max(last, excluded.last)",
            vec![
                user_id.into(),
                name.into(),
                V::Integer(first),
                V::Integer(last),
            ],
        )?;
        self.warm.keep(|m| m.add_seen(user_id, name, first, last));
        Ok(())
    }

    fn set_trait(
        &mut self,
        owner: TraitOwner<'_>,
        key: &str,
        value: &Value,
        at: i64,
    ) -> Result<(), AppError> {
        let (kind, num, txt) = match value {
            Value::Null => (0, V::Null, V::Null),
            Value::Bool(b) => (1, V::Float(if *b { 1.0 } else { 0.0 }), V::Null),
            Value::Number(n) => (2, V::Float(*n), V::Null),
            Value::Text(s) => (3, V::Null, s.as_str().into()),
        };
        self.run(
            "INSERT INTO traits (owner, key, kind, num, text, updated_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (owner, key) DO UPDATE SET kind = excluded.kind, num = excluded.num,
               text = excluded.text, updated_at = excluded.updated_at
             WHERE excluded.updated_at >= traits.updated_at",
            vec![
                owner_key(owner).into(),
                key.into(),
                V::Integer(kind),
                num,
                txt,
                V::Integer(at),
            ],
        )?;
        self.warm.keep(|m| m.set_trait(owner, key, value, at));
        Ok(())
    }

    fn add_usage(
        &mut self,
        user_id: &str,
        feature: &str,
        day: Day,
        n: u32,
    ) -> Result<(), AppError> {
        self.run(
            "INSERT INTO usage (user_id, feature, day, count) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, feature, day) DO UPDATE SET count = count + excluded.count",
            vec![
                user_id.into(),
                feature.into(),
                V::Integer(i64::from(day.0)),
                V::Integer(i64::from(n)),
            ],
        )?;
        self.warm.keep(|m| m.add_usage(user_id, feature, day, n));
        Ok(())
    }

    fn message(&self, user_id: &str, campaign: &CampaignId) -> Result<MessageRecord, AppError> {
        let rows = self.rows(
            "SELECT first_shown, last_shown, shown_count, clicked, dismissed, snoozed, delivered,
               trigger_held, crossed, exposed, step FROM messages WHERE user_id = ? AND campaign = ?",
            vec![user_id.into(), campaign.as_str().into()],
        )?;
        Ok(rows.first().map(|r| record_from_row(r)).unwrap_or_default())
    }

    fn save_message(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        r: &MessageRecord,
    ) -> Result<(), AppError> {
        self.run(
            // An upsert, not a replace: the arm and the conversion are kept.
            "INSERT INTO messages (user_id, campaign, first_shown, last_shown,
               shown_count, clicked, dismissed, snoozed, delivered, trigger_held, crossed, exposed,
               step)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (user_id, campaign) DO UPDATE SET first_shown = excluded.first_shown,
               last_shown = excluded.last_shown, shown_count = excluded.shown_count,
               clicked = excluded.clicked, dismissed = excluded.dismissed,
               snoozed = excluded.snoozed, delivered = excluded.delivered,
               trigger_held = excluded.trigger_held, crossed = excluded.crossed,
               exposed = excluded.exposed, step = excluded.step",
            vec![
                user_id.into(),
                campaign.as_str().into(),
                opt_ts(r.first_shown),
                opt_ts(r.last_shown),
                V::Integer(i64::from(r.shown_count)),
                opt_ts(r.clicked),
                opt_ts(r.dismissed),
                opt_ts(r.snoozed),
                opt_ts(r.delivered),
                r.trigger_held.map_or(V::Null, |b| V::Integer(i64::from(b))),
                opt_ts(r.crossed),
                opt_ts(r.exposed),
                V::Integer(i64::from(r.step)),
            ],
        )?;
        Ok(())
    }

    fn facts(
        &self,
        user_id: &str,
        now: Timestamp,
        with_properties: &BTreeSet<String>,
    ) -> Result<Facts, AppError> {
        // Everything but property-filtered events comes from the object's memory.
        let mut facts = self.warm.facts(user_id, now, || self.load_mirror(now))?;
        for name in with_properties {
            for r in self.rows(
                "SELECT user_id, timestamp, body FROM events WHERE type = 'track' AND name = ?
                 ORDER BY timestamp DESC LIMIT ?",
                vec![
                    name.as_str().into(),
                    V::Integer(i64::try_from(MAX_PROPERTY_EVENTS).unwrap_or(i64::MAX)),
                ],
            )? {
                let (Some(user), Some(at), Some(body)) =
                    (text(r.first()), int(r.get(1)), text(r.get(2)))
                else {
                    continue;
                };
                facts.events.push(EventFact {
                    name: name.clone(),
                    at: Timestamp(at),
                    by_current_user: user == user_id,
                    properties: event_properties(&body),
                });
            }
        }
        Ok(facts)
    }

    fn history(&self, user_id: &str, now: Timestamp) -> Result<History, AppError> {
        let mut h = History::default();
        for r in self.rows(
            "SELECT first_shown, last_shown, shown_count, clicked, dismissed, snoozed, delivered,
               trigger_held, crossed, exposed, step, campaign, user_id FROM messages",
            Vec::new(),
        )? {
            let Some(Ok(id)) = text(r.get(11)).map(|c| CampaignId::new(&c)) else {
                continue;
            };
            let record = record_from_row(&r);
            if text(r.get(12)).as_deref() == Some(user_id) {
                h.insert(id, record);
            } else if let Some(at) = record.exposed_at(now) {
                h.insert_other(id, at);
            }
        }
        Ok(h)
    }

    fn events(&self, page: ExportPage) -> Result<EventExport, AppError> {
        // Keyset paging on the rowid (the order of storage): no sort, no extra index, and a
        // page one row longer than asked says whether another follows.
        let rows = self.rows(
            "SELECT rowid, timestamp, received_at, body FROM events WHERE rowid > ?
             ORDER BY rowid LIMIT ?",
            vec![
                V::Integer(i64::try_from(page.after).unwrap_or(i64::MAX)),
                V::Integer(i64::from(page.limit) + 1),
            ],
        )?;
        let more = rows.len() > page.limit as usize;
        let mut last = None;
        let mut events = Vec::with_capacity(rows.len().min(page.limit as usize));
        for r in rows.iter().take(page.limit as usize) {
            last = int(r.first());
            events.push(AccountEventDto::from_stored(
                int(r.get(1)).unwrap_or(0),
                int(r.get(2)).unwrap_or(0),
                text(r.get(3)).unwrap_or_default(),
            )?);
        }
        Ok(EventExport {
            events,
            next: last
                .map_or(page.after, |n| u64::try_from(n).unwrap_or(0))
                .to_string(),
            more,
        })
    }
}

fn record_from_row(r: &[V]) -> MessageRecord {
    MessageRecord {
        first_shown: int(r.first()).map(Timestamp),
        last_shown: int(r.get(1)).map(Timestamp),
        shown_count: int(r.get(2))
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
        clicked: int(r.get(3)).map(Timestamp),
        dismissed: int(r.get(4)).map(Timestamp),
        snoozed: int(r.get(5)).map(Timestamp),
        delivered: int(r.get(6)).map(Timestamp),
        trigger_held: int(r.get(7)).map(|b| b != 0),
        crossed: int(r.get(8)).map(Timestamp),
        exposed: int(r.get(9)).map(Timestamp),
        step: int(r.get(10))
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0),
    }
}
