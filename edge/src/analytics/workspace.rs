//! The workspace analytics store: every account's rollup units, replaced only by newer ones,
//! and sums across accounts. Applying is idempotent and order-independent.

use std::collections::BTreeMap;

use protocol::v1::{
    ACCOUNT_UNIT, AccountSummary, COMMENTS_UNIT, Comment, PortfolioAccount, RollupMessage,
    RollupRow, RollupUnit,
};

use crate::error::AppError;

/// Storage of one workspace's rollups (SQLite in its Durable Object, maps in tests).
pub trait WorkspaceStore {
    /// The account's floor: units with an older `seq` are outdated (set by a backfill).
    fn floor(&self, account: &str) -> Result<u64, AppError>;
    /// Raises the account's floor to `seq` and removes its units older than that.
    fn raise_floor(&mut self, account: &str, seq: u64) -> Result<(), AppError>;
    /// The sequence number of the stored version of an account's unit.
    fn unit_seq(&self, account: &str, campaign: &str, week: i64) -> Result<Option<u64>, AppError>;
    /// Replaces an account's unit (rows or comments) with `unit`, stamped `seq` and `at`.
    fn replace_unit(
        &mut self,
        account: &str,
        unit: &RollupUnit,
        seq: u64,
        at: i64,
    ) -> Result<(), AppError>;
    /// Rows summed over accounts for days `from..=to`, per (campaign, arm, day, metric); one
    /// campaign, or all.
    fn sums(
        &self,
        campaign: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, RollupRow)>, AppError>;
    /// Accounts with any row of `campaign` in `from..=to`.
    fn accounts(&self, campaign: &str, from: i64, to: i64) -> Result<u64, AppError>;
    /// When the newest applied unit (of `campaign`, or of any) was computed.
    fn updated_at(&self, campaign: Option<&str>) -> Result<Option<i64>, AppError>;
    /// Every account's latest summary with its colour change and its score by day since
    /// `since_day`, riskiest first (lowest score; unknown scores last).
    fn portfolio(&self, since_day: i64) -> Result<Vec<PortfolioAccount>, AppError>;
    /// The latest `limit` comments on `campaign` made in `from..=to`, newest first.
    fn comments(
        &self,
        campaign: &str,
        from: i64,
        to: i64,
        limit: usize,
    ) -> Result<Vec<Comment>, AppError>;
}

/// Applies a message: each unit replaces the account's stored one when it is newer. Returns
/// how many units were applied (0 for a duplicate or an outdated delivery).
pub fn apply<S: WorkspaceStore>(store: &mut S, msg: &RollupMessage) -> Result<u32, AppError> {
    let floor = store.floor(&msg.account_id)?;
    if msg.seq < floor {
        return Ok(0);
    }
    if msg.backfill && msg.seq > floor {
        store.raise_floor(&msg.account_id, msg.seq)?;
    }
    let mut applied = 0;
    for unit in &msg.units {
        let newer = store
            .unit_seq(&msg.account_id, &unit.campaign, unit.week)?
            .is_none_or(|stored| msg.seq > stored);
        if newer {
            store.replace_unit(&msg.account_id, unit, msg.seq, msg.at)?;
            applied += 1;
        }
    }
    Ok(applied)
}

/// One stored unit.
#[derive(Debug, Clone, Default)]
struct Stored {
    seq: u64,
    at: i64,
    rows: Vec<RollupRow>,
    comments: Vec<Comment>,
}

/// The in-memory double: units by (account, campaign, week); sums computed on read.
#[derive(Debug, Default)]
pub struct MemoryWorkspace {
    units: BTreeMap<(String, String, i64), Stored>,
    floors: BTreeMap<String, u64>,
    accounts: BTreeMap<String, Health>,
}

/// An account's latest summary and health history.
#[derive(Debug, Clone)]
struct Health {
    summary: AccountSummary,
    at: i64,
    colour_since: Option<i64>,
    previous_colour: Option<String>,
    days: BTreeMap<i64, f64>,
}

/// Orders accounts riskiest first: lowest score, unknown scores last, then by id.
pub fn by_risk(a: &PortfolioAccount, b: &PortfolioAccount) -> std::cmp::Ordering {
    let score = |p: &PortfolioAccount| p.summary.health.score;
    match (score(a), score(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| a.summary.account_id.cmp(&b.summary.account_id))
}

impl WorkspaceStore for MemoryWorkspace {
    fn floor(&self, account: &str) -> Result<u64, AppError> {
        Ok(self.floors.get(account).copied().unwrap_or(0))
    }

    fn raise_floor(&mut self, account: &str, seq: u64) -> Result<(), AppError> {
        self.floors.insert(account.to_owned(), seq);
        self.units
            .retain(|(a, _, _), u| a != account || u.seq >= seq);
        Ok(())
    }

    fn unit_seq(&self, account: &str, campaign: &str, week: i64) -> Result<Option<u64>, AppError> {
        Ok(self
            .units
            .get(&(account.to_owned(), campaign.to_owned(), week))
            .map(|u| u.seq))
    }

    fn replace_unit(
        &mut self,
        account: &str,
        unit: &RollupUnit,
        seq: u64,
        at: i64,
    ) -> Result<(), AppError> {
        if unit.week == ACCOUNT_UNIT
            && let Some(summary) = &unit.account
        {
            let day = super::rollup::day_of(at);
            let entry = self.accounts.entry(account.to_owned()).or_insert(Health {
                summary: summary.clone(),
                at,
                colour_since: None,
                previous_colour: None,
                days: BTreeMap::new(),
            });
            let (old, new) = (&entry.summary.health.colour, &summary.health.colour);
            if old != new && old.is_some() {
                entry.previous_colour.clone_from(old);
                entry.colour_since = Some(at);
            }
            entry.summary = summary.clone();
            entry.at = at;
            if let Some(score) = summary.health.score {
                entry.days.insert(day, score);
            }
        }
        let comments = unit
            .comments
            .iter()
            .map(|c| Comment {
                account_id: account.to_owned(),
                ..c.clone()
            })
            .collect();
        self.units.insert(
            (account.to_owned(), unit.campaign.clone(), unit.week),
            Stored {
                seq,
                at,
                rows: unit.rows.clone(),
                comments,
            },
        );
        Ok(())
    }

    fn sums(
        &self,
        campaign: Option<&str>,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, RollupRow)>, AppError> {
        let mut sums: BTreeMap<(String, String, i64, String), (u64, u64)> = BTreeMap::new();
        for ((_, c, week), unit) in &self.units {
            if *week == COMMENTS_UNIT || campaign.is_some_and(|want| want != c) {
                continue;
            }
            for r in unit.rows.iter().filter(|r| (from..=to).contains(&r.day)) {
                let slot = sums
                    .entry((c.clone(), r.arm.clone(), r.day, r.metric.clone()))
                    .or_default();
                slot.0 += r.users;
                slot.1 += r.count;
            }
        }
        Ok(sums
            .into_iter()
            .map(|((c, arm, day, metric), (users, count))| {
                (
                    c,
                    RollupRow {
                        arm,
                        day,
                        metric,
                        users,
                        count,
                    },
                )
            })
            .collect())
    }

    fn accounts(&self, campaign: &str, from: i64, to: i64) -> Result<u64, AppError> {
        let mut accounts: Vec<&str> = self
            .units
            .iter()
            .filter(|((_, c, _), u)| {
                c == campaign && u.rows.iter().any(|r| (from..=to).contains(&r.day))
            })
            .map(|((a, _, _), _)| a.as_str())
            .collect();
        accounts.dedup();
        Ok(accounts.len() as u64)
    }

    fn updated_at(&self, campaign: Option<&str>) -> Result<Option<i64>, AppError> {
        Ok(self
            .units
            .iter()
            .filter(|((_, c, _), _)| campaign.is_none_or(|want| want == c))
            .map(|(_, u)| u.at)
            .max())
    }

    fn portfolio(&self, since_day: i64) -> Result<Vec<PortfolioAccount>, AppError> {
        let mut all: Vec<PortfolioAccount> = self
            .accounts
            .values()
            .map(|h| PortfolioAccount {
                summary: h.summary.clone(),
                updated_at: h.at,
                colour_since: h.colour_since,
                previous_colour: h.previous_colour.clone(),
                trend: h.days.range(since_day..).map(|(d, s)| (*d, *s)).collect(),
            })
            .collect();
        all.sort_by(by_risk);
        Ok(all)
    }

    fn comments(
        &self,
        campaign: &str,
        from: i64,
        to: i64,
        limit: usize,
    ) -> Result<Vec<Comment>, AppError> {
        let mut all: Vec<Comment> = self
            .units
            .iter()
            .filter(|((_, c, w), _)| c == campaign && *w == COMMENTS_UNIT)
            .flat_map(|(_, u)| u.comments.iter().cloned())
            .filter(|c| (from..=to).contains(&super::rollup::day_of(c.at)))
            .collect();
        all.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.user_id.cmp(&b.user_id)));
        all.truncate(limit);
        Ok(all)
    }
}
