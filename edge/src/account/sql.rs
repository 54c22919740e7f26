//! `AccountStore` over a Durable Object's SQLite storage.

use protocol::v1::AccountEventDto;
use rules::{CampaignId, Day, Facts, History, MessageRecord, Timestamp, Value};
use worker::{SqlStorage, SqlStorageValue as V};

use super::{AccountStore, NewEvent, TraitOwner};
use crate::error::AppError;

/// Creates the account schema if it does not exist yet (idempotent).
pub(super) fn migrate(sql: &SqlStorage) -> Result<(), AppError> {
    sql.exec(
        "CREATE TABLE IF NOT EXISTS events (
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
           PRIMARY KEY (user_id, campaign));",
        None,
    )?;
    Ok(())
}

/// The account's SQLite database.
#[derive(Debug)]
pub(super) struct SqlStore<'a> {
    sql: &'a SqlStorage,
}

impl<'a> SqlStore<'a> {
    pub(super) fn new(sql: &'a SqlStorage) -> Self {
        Self { sql }
    }

    fn rows(&self, query: &str, bindings: Vec<V>) -> Result<Vec<Vec<V>>, AppError> {
        Ok(self
            .sql
            .exec(query, bindings)?
            .raw()
            .collect::<Result<Vec<_>, _>>()?)
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
        let cursor = self.sql.exec(
            "INSERT INTO events (id, user_id, type, name, timestamp, received_at, body)
             VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
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
        // Drain the cursor so the write counters are final.
        let _ = cursor.raw().count();
        Ok(cursor.rows_written() > 0)
    }

    fn touch_user(&mut self, user_id: &str, at: i64) -> Result<(), AppError> {
        self.sql.exec(
            "INSERT INTO users (user_id, first_seen, last_seen) VALUES (?, ?, ?)
             ON CONFLICT (user_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
               last_seen = max(last_seen, excluded.last_seen)",
            vec![user_id.into(), V::Integer(at), V::Integer(at)],
        )?;
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
        self.sql.exec(
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
        Ok(())
    }

    fn add_usage(
        &mut self,
        user_id: &str,
        feature: &str,
        day: Day,
        n: u32,
    ) -> Result<(), AppError> {
        self.sql.exec(
            "INSERT INTO usage (user_id, feature, day, count) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, feature, day) DO UPDATE SET count = count + excluded.count",
            vec![
                user_id.into(),
                feature.into(),
                V::Integer(i64::from(day.0)),
                V::Integer(i64::from(n)),
            ],
        )?;
        Ok(())
    }

    fn message(&self, user_id: &str, campaign: &CampaignId) -> Result<MessageRecord, AppError> {
        let rows = self.rows(
            "SELECT first_shown, last_shown, shown_count, clicked, dismissed FROM messages
             WHERE user_id = ? AND campaign = ?",
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
        self.sql.exec(
            "INSERT OR REPLACE INTO messages (user_id, campaign, first_shown, last_shown, shown_count, clicked, dismissed)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            vec![
                user_id.into(),
                campaign.as_str().into(),
                opt_ts(r.first_shown),
                opt_ts(r.last_shown),
                V::Integer(i64::from(r.shown_count)),
                opt_ts(r.clicked),
                opt_ts(r.dismissed),
            ],
        )?;
        Ok(())
    }

    fn facts(&self, user_id: &str) -> Result<Facts, AppError> {
        let mut facts = Facts::default();
        let user_owner = owner_key(TraitOwner::User(user_id));
        for r in self.rows(
            "SELECT owner, key, kind, num, text FROM traits WHERE owner = ? OR owner = '@'",
            vec![user_owner.as_str().into()],
        )? {
            let (Some(owner), Some(key)) = (text(r.first()), text(r.get(1))) else {
                continue;
            };
            let value = decode_value(int(r.get(2)), r.get(3), r.get(4));
            if owner == "@" {
                facts.account_traits.insert(key, value);
            } else {
                facts.user_traits.insert(key, value);
            }
        }
        for r in self.rows("SELECT user_id, feature, day, count FROM usage", Vec::new())? {
            let (Some(user), Some(feature), Some(day), Some(n)) = (
                text(r.first()),
                text(r.get(1)),
                int(r.get(2)),
                int(r.get(3)),
            ) else {
                continue;
            };
            let (day, n) = (
                Day(i32::try_from(day).unwrap_or(0)),
                u32::try_from(n).unwrap_or(u32::MAX),
            );
            facts.add_usage(&user, user == user_id, &feature, day, n);
        }
        Ok(facts)
    }

    fn history(&self, user_id: &str) -> Result<History, AppError> {
        let mut h = History::default();
        for r in self.rows(
            "SELECT first_shown, last_shown, shown_count, clicked, dismissed, campaign FROM messages WHERE user_id = ?",
            vec![user_id.into()],
        )? {
            if let Some(Ok(id)) = text(r.get(5)).map(|c| CampaignId::new(&c)) {
                h.insert(id, record_from_row(&r));
            }
        }
        Ok(h)
    }

    fn events(&self) -> Result<Vec<AccountEventDto>, AppError> {
        self.rows(
            "SELECT timestamp, received_at, body FROM events ORDER BY timestamp, id",
            Vec::new(),
        )?
        .into_iter()
        .map(|r| {
            let dto = AccountEventDto::from_stored(
                int(r.first()).unwrap_or(0),
                int(r.get(1)).unwrap_or(0),
                text(r.get(2)).unwrap_or_default(),
            )?;
            Ok(dto)
        })
        .collect()
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
    }
}
