//! `WorkspaceStore` over the workspace analytics object's SQLite: each account's rows, and
//! the sums across accounts kept in step with every replacement (so reads never scan
//! accounts).

use std::collections::BTreeMap;

use protocol::v1::{
    ACCOUNT_UNIT, AccountSummary, COMMENTS_UNIT, Comment, PortfolioAccount, RollupRow, RollupUnit,
    parse_summary, summary_json,
};
use worker::{SqlStorage, SqlStorageValue as V};

use super::workspace::WorkspaceStore;
use crate::error::AppError;

/// The schema (idempotent).
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS floors (
       account TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS units (
       account TEXT NOT NULL, campaign TEXT NOT NULL, week INTEGER NOT NULL,
       seq INTEGER NOT NULL, at INTEGER NOT NULL,
       PRIMARY KEY (account, campaign, week)) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS account_rows (
       account TEXT NOT NULL, campaign TEXT NOT NULL, day INTEGER NOT NULL, arm TEXT NOT NULL,
       metric TEXT NOT NULL, users INTEGER NOT NULL, n INTEGER NOT NULL,
       PRIMARY KEY (account, campaign, day, arm, metric)) WITHOUT ROWID;
     CREATE INDEX IF NOT EXISTS account_rows_by_campaign ON account_rows (campaign, day, account);
     CREATE TABLE IF NOT EXISTS campaign_day (
       campaign TEXT NOT NULL, day INTEGER NOT NULL, arm TEXT NOT NULL, metric TEXT NOT NULL,
       users INTEGER NOT NULL, n INTEGER NOT NULL,
       PRIMARY KEY (campaign, day, arm, metric)) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS campaign_meta (
       campaign TEXT PRIMARY KEY, updated_at INTEGER NOT NULL) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS comments (
       account TEXT NOT NULL, campaign TEXT NOT NULL, user_id TEXT NOT NULL,
       score INTEGER NOT NULL, comment TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE INDEX IF NOT EXISTS comments_by_campaign ON comments (campaign, at);
     CREATE INDEX IF NOT EXISTS comments_by_account ON comments (account, campaign);
     CREATE TABLE IF NOT EXISTS accounts_current (
       account TEXT PRIMARY KEY, at INTEGER NOT NULL, score REAL, colour TEXT,
       colour_since INTEGER, previous_colour TEXT, summary TEXT NOT NULL) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS health_days (
       account TEXT NOT NULL, day INTEGER NOT NULL, score REAL NOT NULL,
       PRIMARY KEY (account, day)) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS health_changes (
       account TEXT NOT NULL, at INTEGER NOT NULL, from_colour TEXT, to_colour TEXT,
       PRIMARY KEY (account, at)) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS dead (
       id TEXT PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL);";

/// Creates the tables.
pub(super) fn migrate(sql: &SqlStorage) -> Result<(), AppError> {
    sql.exec(SCHEMA, None)?;
    Ok(())
}

/// The workspace's SQLite.
#[derive(Debug)]
pub(super) struct SqlWorkspace<'a> {
    sql: &'a SqlStorage,
    written: std::cell::Cell<u64>,
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

fn count(v: Option<&V>) -> u64 {
    int(v).and_then(|n| u64::try_from(n).ok()).unwrap_or(0)
}

fn big(n: u64) -> V {
    V::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

impl<'a> SqlWorkspace<'a> {
    /// Wraps the object's storage.
    pub(super) fn new(sql: &'a SqlStorage) -> Self {
        Self {
            sql,
            written: std::cell::Cell::new(0),
        }
    }

    /// Rows written through this store so far.
    pub(super) fn written(&self) -> u64 {
        self.written.get()
    }

    fn rows(&self, query: &str, bindings: Vec<V>) -> Result<Vec<Vec<V>>, AppError> {
        let cursor = self.sql.exec(query, bindings)?;
        let rows = cursor.raw().collect::<Result<Vec<_>, _>>()?;
        self.written
            .set(self.written.get() + cursor.rows_written() as u64);
        Ok(rows)
    }

    /// Removes an account's rows of a campaign in days `from..=to`, from the sums too.
    fn remove_rows(
        &self,
        account: &str,
        campaign: &str,
        from: i64,
        to: i64,
    ) -> Result<(), AppError> {
        let range = || {
            vec![
                account.into(),
                campaign.into(),
                V::Integer(from),
                V::Integer(to),
            ]
        };
        self.rows(
            "INSERT INTO campaign_day (campaign, day, arm, metric, users, n)
             SELECT campaign, day, arm, metric, -users, -n FROM account_rows
             WHERE account = ?1 AND campaign = ?2 AND day BETWEEN ?3 AND ?4
             ON CONFLICT (campaign, day, arm, metric)
             DO UPDATE SET users = users + excluded.users, n = n + excluded.n",
            range(),
        )?;
        self.rows(
            "DELETE FROM account_rows WHERE account = ?1 AND campaign = ?2 AND day BETWEEN ?3 AND ?4",
            range(),
        )?;
        self.rows(
            "DELETE FROM campaign_day WHERE campaign = ? AND day BETWEEN ? AND ?
               AND users = 0 AND n = 0",
            vec![campaign.into(), V::Integer(from), V::Integer(to)],
        )?;
        Ok(())
    }

    /// Replaces an account's rows of a unit by writing only what changed: a typical flush
    /// changes a few rows of the current day, so rows written follow the changes, not the
    /// unit's size. The sums move by each row's difference.
    fn diff_rows(&self, account: &str, unit: &RollupUnit) -> Result<(), AppError> {
        let campaign = unit.campaign.as_str();
        let (from, to) = (unit.week * 7, unit.week * 7 + 6);
        type Key = (i64, String, String);
        type Change = (Key, (u64, u64), (u64, u64));
        let mut old: BTreeMap<Key, (u64, u64)> = self
            .rows(
                "SELECT day, arm, metric, users, n FROM account_rows
                 WHERE account = ? AND campaign = ? AND day BETWEEN ? AND ?",
                vec![
                    account.into(),
                    campaign.into(),
                    V::Integer(from),
                    V::Integer(to),
                ],
            )?
            .iter()
            .map(|r| {
                (
                    (
                        int(r.first()).unwrap_or(0),
                        text(r.get(1)).unwrap_or_default(),
                        text(r.get(2)).unwrap_or_default(),
                    ),
                    (count(r.get(3)), count(r.get(4))),
                )
            })
            .collect();
        let mut changes: Vec<Change> = Vec::new();
        for r in unit.rows.iter().filter(|r| (from..=to).contains(&r.day)) {
            let key = (r.day, r.arm.clone(), r.metric.clone());
            let before = old.remove(&key).unwrap_or((0, 0));
            if before != (r.users, r.count) {
                changes.push((key, before, (r.users, r.count)));
            }
        }
        changes.extend(old.into_iter().map(|(key, before)| (key, before, (0, 0))));
        for ((day, arm, metric), before, after) in changes {
            let key = || {
                vec![
                    account.into(),
                    campaign.into(),
                    V::Integer(day),
                    arm.as_str().into(),
                    metric.as_str().into(),
                ]
            };
            if after == (0, 0) {
                self.rows(
                    "DELETE FROM account_rows WHERE account = ? AND campaign = ? AND day = ?
                       AND arm = ? AND metric = ?",
                    key(),
                )?;
            } else {
                let mut values = key();
                values.extend([big(after.0), big(after.1)]);
                self.rows(
                    "INSERT INTO account_rows (account, campaign, day, arm, metric, users, n)
                     VALUES (?, ?, ?, ?, ?, ?, ?)
                     ON CONFLICT (account, campaign, day, arm, metric)
                     DO UPDATE SET users = excluded.users, n = excluded.n",
                    values,
                )?;
            }
            let delta = |a: u64, b: u64| {
                i64::try_from(a)
                    .unwrap_or(i64::MAX)
                    .saturating_sub(i64::try_from(b).unwrap_or(i64::MAX))
            };
            self.rows(
                "INSERT INTO campaign_day (campaign, day, arm, metric, users, n)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (campaign, day, arm, metric)
                 DO UPDATE SET users = users + excluded.users, n = n + excluded.n",
                vec![
                    campaign.into(),
                    V::Integer(day),
                    arm.as_str().into(),
                    metric.as_str().into(),
                    V::Integer(delta(after.0, before.0)),
                    V::Integer(delta(after.1, before.1)),
                ],
            )?;
            if after == (0, 0) {
                self.rows(
                    "DELETE FROM campaign_day WHERE campaign = ? AND day = ? AND arm = ?
                       AND metric = ? AND users = 0 AND n = 0",
                    vec![
                        campaign.into(),
                        V::Integer(day),
                        arm.as_str().into(),
                        metric.as_str().into(),
                    ],
                )?;
            }
        }
        Ok(())
    }

    /// Keeps an account's latest summary; a change of colour is recorded with its time.
    fn set_account(
        &self,
        account: &str,
        summary: &AccountSummary,
        at: i64,
    ) -> Result<(), AppError> {
        let old = self.rows(
            "SELECT colour FROM accounts_current WHERE account = ?",
            vec![account.into()],
        )?;
        let old_colour = old.first().map(|r| text(r.first()));
        let new_colour = summary.health.colour.clone();
        let changed = matches!(&old_colour, Some(c) if c.is_some() && *c != new_colour);
        if changed {
            self.rows(
                "INSERT INTO health_changes (account, at, from_colour, to_colour) VALUES (?, ?, ?, ?)
                 ON CONFLICT (account, at) DO NOTHING",
                vec![
                    account.into(),
                    V::Integer(at),
                    old_colour.flatten().into(),
                    new_colour.clone().into(),
                ],
            )?;
        }
        let score = summary.health.score.map_or(V::Null, V::Float);
        self.rows(
            "INSERT INTO accounts_current
               (account, at, score, colour, colour_since, previous_colour, summary)
             VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5)
             ON CONFLICT (account) DO UPDATE SET at = excluded.at, score = excluded.score,
               colour = excluded.colour, summary = excluded.summary,
               colour_since = CASE WHEN ?6 THEN excluded.at ELSE colour_since END,
               previous_colour = CASE WHEN ?6 THEN colour ELSE previous_colour END",
            vec![
                account.into(),
                V::Integer(at),
                score.clone(),
                new_colour.into(),
                summary_json(summary).into(),
                V::Integer(i64::from(changed)),
            ],
        )?;
        if summary.health.score.is_some() {
            self.rows(
                "INSERT INTO health_days (account, day, score) VALUES (?, ?, ?)
                 ON CONFLICT (account, day) DO UPDATE SET score = excluded.score",
                vec![account.into(), V::Integer(super::rollup::day_of(at)), score],
            )?;
        }
        Ok(())
    }

    /// Keeps a dead-lettered message for a replay.
    pub(super) fn add_dead(&self, id: &str, body: &str, at: i64) -> Result<(), AppError> {
        self.rows(
            "INSERT INTO dead (id, body, at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
            vec![id.into(), body.into(), V::Integer(at)],
        )?;
        Ok(())
    }

    /// Takes every dead-lettered message (oldest first), removing them.
    pub(super) fn take_dead(&self) -> Result<Vec<String>, AppError> {
        let bodies = self
            .rows("SELECT body FROM dead ORDER BY at, id", Vec::new())?
            .iter()
            .filter_map(|r| text(r.first()))
            .collect();
        self.rows("DELETE FROM dead", Vec::new())?;
        Ok(bodies)
    }

    /// How many messages wait in the dead-letter store.
    pub(super) fn dead_count(&self) -> Result<u64, AppError> {
        Ok(count(
            self.rows("SELECT count(*) FROM dead", Vec::new())?
                .first()
                .and_then(|r| r.first()),
        ))
    }
}

impl WorkspaceStore for SqlWorkspace<'_> {
    fn floor(&self, account: &str) -> Result<u64, AppError> {
        Ok(count(
            self.rows(
                "SELECT seq FROM floors WHERE account = ?",
                vec![account.into()],
            )?
            .first()
            .and_then(|r| r.first()),
        ))
    }

    fn raise_floor(&mut self, account: &str, seq: u64) -> Result<(), AppError> {
        let old = self.rows(
            "SELECT campaign, week FROM units WHERE account = ? AND seq < ?",
            vec![account.into(), big(seq)],
        )?;
        for r in &old {
            let (Some(campaign), Some(week)) = (text(r.first()), int(r.get(1))) else {
                continue;
            };
            if week == COMMENTS_UNIT {
                self.rows(
                    "DELETE FROM comments WHERE account = ? AND campaign = ?",
                    vec![account.into(), campaign.as_str().into()],
                )?;
            } else {
                self.remove_rows(account, &campaign, week * 7, week * 7 + 6)?;
            }
        }
        self.rows(
            "DELETE FROM units WHERE account = ? AND seq < ?",
            vec![account.into(), big(seq)],
        )?;
        self.rows(
            "INSERT INTO floors (account, seq) VALUES (?, ?)
             ON CONFLICT (account) DO UPDATE SET seq = max(seq, excluded.seq)",
            vec![account.into(), big(seq)],
        )?;
        Ok(())
    }

    fn unit_seq(&self, account: &str, campaign: &str, week: i64) -> Result<Option<u64>, AppError> {
        Ok(self
            .rows(
                "SELECT seq FROM units WHERE account = ? AND campaign = ? AND week = ?",
                vec![account.into(), campaign.into(), V::Integer(week)],
            )?
            .first()
            .map(|r| count(r.first())))
    }

    fn replace_unit(
        &mut self,
        account: &str,
        unit: &RollupUnit,
        seq: u64,
        at: i64,
    ) -> Result<(), AppError> {
        let campaign = unit.campaign.as_str();
        if unit.week == ACCOUNT_UNIT {
            if let Some(summary) = &unit.account {
                self.set_account(account, summary, at)?;
            }
        } else if unit.week == COMMENTS_UNIT {
            self.rows(
                "DELETE FROM comments WHERE account = ? AND campaign = ?",
                vec![account.into(), campaign.into()],
            )?;
            for c in &unit.comments {
                self.rows(
                    "INSERT INTO comments (account, campaign, user_id, score, comment, at)
                     VALUES (?, ?, ?, ?, ?, ?)",
                    vec![
                        account.into(),
                        campaign.into(),
                        c.user_id.as_str().into(),
                        V::Integer(i64::from(c.score)),
                        c.comment.as_str().into(),
                        V::Integer(c.at),
                    ],
                )?;
            }
        } else {
            self.diff_rows(account, unit)?;
        }
        self.rows(
            "INSERT INTO units (account, campaign, week, seq, at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (account, campaign, week) DO UPDATE SET seq = excluded.seq,
               at = excluded.at",
            vec![
                account.into(),
                campaign.into(),
                V::Integer(unit.week),
                big(seq),
                V::Integer(at),
            ],
        )?;
        self.rows(
            "INSERT INTO campaign_meta (campaign, updated_at) VALUES (?, ?)
             ON CONFLICT (campaign) DO UPDATE SET updated_at = max(updated_at, excluded.updated_at)",
            vec![campaign.into(), V::Integer(at)],
        )?;
        Ok(())
    }

    fn sums(
        &self,
        campaign: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, RollupRow)>, AppError> {
        let rows = match campaign {
            Some(c) => self.rows(
                "SELECT campaign, arm, day, metric, users, n FROM campaign_day
                 WHERE campaign = ? AND day BETWEEN ? AND ? ORDER BY arm, day, metric",
                vec![c.into(), V::Integer(from), V::Integer(to)],
            )?,
            None => self.rows(
                "SELECT campaign, arm, day, metric, users, n FROM campaign_day
                 WHERE day BETWEEN ? AND ? ORDER BY campaign, arm, day, metric",
                vec![V::Integer(from), V::Integer(to)],
            )?,
        };
        Ok(rows
            .iter()
            .map(|r| {
                (
                    text(r.first()).unwrap_or_default(),
                    RollupRow {
                        arm: text(r.get(1)).unwrap_or_default(),
                        day: int(r.get(2)).unwrap_or(0),
                        metric: text(r.get(3)).unwrap_or_default(),
                        users: count(r.get(4)),
                        count: count(r.get(5)),
                    },
                )
            })
            .collect())
    }

    fn accounts(&self, campaign: &str, from: i64, to: i64) -> Result<u64, AppError> {
        Ok(count(
            self.rows(
                "SELECT count(DISTINCT account) FROM account_rows
                 WHERE campaign = ? AND day BETWEEN ? AND ?",
                vec![campaign.into(), V::Integer(from), V::Integer(to)],
            )?
            .first()
            .and_then(|r| r.first()),
        ))
    }

    fn updated_at(&self, campaign: Option<&str>) -> Result<Option<i64>, AppError> {
        let rows = match campaign {
            Some(c) => self.rows(
                "SELECT updated_at FROM campaign_meta WHERE campaign = ?",
                vec![c.into()],
            )?,
            None => self.rows("SELECT max(updated_at) FROM campaign_meta", Vec::new())?,
        };
        Ok(rows.first().and_then(|r| int(r.first())))
    }

    fn portfolio(&self, since_day: i64) -> Result<Vec<PortfolioAccount>, AppError> {
        let rows = self.rows(
            "SELECT account, at, colour_since, previous_colour, summary FROM accounts_current
             ORDER BY score IS NULL, score, account",
            Vec::new(),
        )?;
        let mut trends: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
        for r in self.rows(
            "SELECT account, day, score FROM health_days WHERE day >= ? ORDER BY account, day",
            vec![V::Integer(since_day)],
        )? {
            // A whole score comes back from JavaScript as an integer.
            let score = match r.get(2) {
                Some(V::Float(f)) => Some(*f),
                Some(V::Integer(i)) => Some(*i as f64),
                _ => None,
            };
            if let (Some(a), Some(d), Some(score)) = (text(r.first()), int(r.get(1)), score) {
                trends.entry(a).or_default().push((d, score));
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let (Some(account), Some(summary)) = (text(r.first()), text(r.get(4))) else {
                continue;
            };
            let summary = parse_summary(&summary)
                .map_err(|p| AppError::Internal(format!("stored summary of {account}: {p}")))?;
            out.push(PortfolioAccount {
                summary,
                updated_at: int(r.get(1)).unwrap_or(0),
                colour_since: int(r.get(2)),
                previous_colour: text(r.get(3)),
                trend: trends.remove(&account).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    fn comments(
        &self,
        campaign: &str,
        from: i64,
        to: i64,
        limit: usize,
    ) -> Result<Vec<Comment>, AppError> {
        let day = 86_400_000;
        let rows = self.rows(
            "SELECT account, user_id, score, comment, at FROM comments
             WHERE campaign = ? AND at >= ? AND at < ? ORDER BY at DESC, user_id LIMIT ?",
            vec![
                campaign.into(),
                V::Integer(from.saturating_mul(day)),
                V::Integer(to.saturating_add(1).saturating_mul(day)),
                V::Integer(i64::try_from(limit).unwrap_or(i64::MAX)),
            ],
        )?;
        Ok(rows
            .iter()
            .map(|r| Comment {
                account_id: text(r.first()).unwrap_or_default(),
                user_id: text(r.get(1)).unwrap_or_default(),
                score: int(r.get(2))
                    .and_then(|s| u32::try_from(s).ok())
                    .unwrap_or(0),
                comment: text(r.get(3)).unwrap_or_default(),
                at: int(r.get(4)).unwrap_or(0),
            })
            .collect())
    }
}
