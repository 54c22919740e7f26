//! `RollupStore` over the account object's SQLite: arms and conversions in `messages`, the
//! changed units in `rollup_dirty`, the sequence in `meta`.

use protocol::v1::Comment;
use rules::CampaignId;
use worker::SqlStorageValue as V;

use super::{SqlStore, int, record_from_row, text};
use crate::account::rollup::RollupStore;
use crate::analytics::rollup::UserRollup;
use crate::error::AppError;

impl SqlStore<'_> {
    /// When the next rollup flush is due, if units wait.
    pub(crate) fn rollup_due(&self) -> Result<Option<i64>, AppError> {
        Ok(self
            .rows(
                "SELECT value FROM meta WHERE key = 'rollup_due'",
                Vec::new(),
            )?
            .first()
            .and_then(|r| int(r.first())))
    }

    /// When the last retention pass ran.
    pub(crate) fn pruned_at(&self) -> Result<Option<i64>, AppError> {
        Ok(self
            .rows("SELECT value FROM meta WHERE key = 'pruned_at'", Vec::new())?
            .first()
            .and_then(|r| int(r.first())))
    }

    /// Records when a retention pass ran.
    pub(crate) fn set_pruned_at(&mut self, at: i64) -> Result<(), AppError> {
        self.rows(
            "INSERT INTO meta (key, value) VALUES ('pruned_at', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![V::Integer(at)],
        )?;
        Ok(())
    }

    /// Sets (or clears) when the next rollup flush is due.
    pub(crate) fn set_rollup_due(&mut self, due: Option<i64>) -> Result<(), AppError> {
        match due {
            Some(at) => self.rows(
                "INSERT INTO meta (key, value) VALUES ('rollup_due', ?)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                vec![V::Integer(at)],
            )?,
            None => self.rows("DELETE FROM meta WHERE key = 'rollup_due'", Vec::new())?,
        };
        Ok(())
    }
}

impl RollupStore for SqlStore<'_> {
    fn tracking(
        &self,
        user_id: &str,
        campaign: &CampaignId,
    ) -> Result<(Option<String>, Option<i64>), AppError> {
        let rows = self.rows(
            "SELECT arm, converted FROM messages WHERE user_id = ? AND campaign = ?",
            vec![user_id.into(), campaign.as_str().into()],
        )?;
        Ok(rows
            .first()
            .map(|r| (text(r.first()), int(r.get(1))))
            .unwrap_or_default())
    }

    fn set_arm(&mut self, user_id: &str, campaign: &CampaignId, arm: &str) -> Result<(), AppError> {
        self.rows(
            "UPDATE messages SET arm = ? WHERE user_id = ? AND campaign = ?",
            vec![arm.into(), user_id.into(), campaign.as_str().into()],
        )?;
        Ok(())
    }

    fn set_converted(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        at: i64,
    ) -> Result<(), AppError> {
        self.rows(
            "UPDATE messages SET converted = ? WHERE user_id = ? AND campaign = ?",
            vec![V::Integer(at), user_id.into(), campaign.as_str().into()],
        )?;
        Ok(())
    }

    fn mark_dirty(&mut self, campaign: &str, week: i64) -> Result<(), AppError> {
        self.rows(
            "INSERT INTO rollup_dirty (campaign, week, gen)
             VALUES (?, ?, coalesce((SELECT value FROM meta WHERE key = 'rollup_seq'), 0) + 1)
             ON CONFLICT (campaign, week) DO UPDATE SET gen = excluded.gen",
            vec![campaign.into(), V::Integer(week)],
        )?;
        Ok(())
    }

    fn dirty(&self) -> Result<Vec<(String, i64)>, AppError> {
        Ok(self
            .rows(
                "SELECT campaign, week FROM rollup_dirty ORDER BY campaign, week",
                Vec::new(),
            )?
            .iter()
            .filter_map(|r| Some((text(r.first())?, int(r.get(1))?)))
            .collect())
    }

    fn clear_dirty(&mut self, seq: u64) -> Result<(), AppError> {
        self.rows(
            "DELETE FROM rollup_dirty WHERE gen <= ?",
            vec![V::Integer(i64::try_from(seq).unwrap_or(i64::MAX))],
        )?;
        Ok(())
    }

    fn next_seq(&mut self) -> Result<u64, AppError> {
        let rows = self.rows(
            "INSERT INTO meta (key, value) VALUES ('rollup_seq', 1)
             ON CONFLICT (key) DO UPDATE SET value = value + 1 RETURNING value",
            Vec::new(),
        )?;
        rows.first()
            .and_then(|r| int(r.first()))
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| AppError::Internal("rollup sequence unreadable".to_owned()))
    }

    fn campaigns(&self) -> Result<Vec<String>, AppError> {
        Ok(self
            .rows(
                "SELECT DISTINCT campaign FROM messages ORDER BY campaign",
                Vec::new(),
            )?
            .iter()
            .filter_map(|r| text(r.first()))
            .collect())
    }

    fn user_campaigns(&self, user_id: &str) -> Result<Vec<String>, AppError> {
        Ok(self
            .rows(
                "SELECT campaign FROM messages WHERE user_id = ? ORDER BY campaign",
                vec![user_id.into()],
            )?
            .iter()
            .filter_map(|r| text(r.first()))
            .collect())
    }

    fn campaign_users(&self, campaign: &str) -> Result<Vec<(String, UserRollup)>, AppError> {
        let rows = self.rows(
            "SELECT first_shown, last_shown, shown_count, clicked, dismissed, snoozed, delivered,
               trigger_held, crossed, exposed, step, m.user_id, arm, converted, s.score, s.at
             FROM messages m LEFT JOIN (
               SELECT user_id, score, max(at) AS at FROM surveys WHERE campaign = ?1
               GROUP BY user_id) s ON s.user_id = m.user_id
             WHERE m.campaign = ?1 ORDER BY m.user_id",
            vec![campaign.into()],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let survey = match (int(r.get(14)), int(r.get(15))) {
                    (Some(score), Some(at)) => u32::try_from(score).ok().map(|s| (s, at)),
                    _ => None,
                };
                (
                    text(r.get(11)).unwrap_or_default(),
                    UserRollup {
                        record: record_from_row(r),
                        arm: text(r.get(12)),
                        converted: int(r.get(13)),
                        survey,
                        tasks_done: Vec::new(),
                    },
                )
            })
            .collect())
    }

    fn comments(&self, campaign: &str, limit: usize) -> Result<Vec<Comment>, AppError> {
        let rows = self.rows(
            "SELECT user_id, score, comment, at FROM surveys
             WHERE campaign = ? AND coalesce(comment, '') != '' ORDER BY at DESC, user_id LIMIT ?",
            vec![
                campaign.into(),
                V::Integer(i64::try_from(limit).unwrap_or(i64::MAX)),
            ],
        )?;
        Ok(rows
            .iter()
            .map(|r| Comment {
                account_id: String::new(),
                user_id: text(r.first()).unwrap_or_default(),
                score: int(r.get(1))
                    .and_then(|s| u32::try_from(s).ok())
                    .unwrap_or(0),
                comment: text(r.get(2)).unwrap_or_default(),
                at: int(r.get(3)).unwrap_or(0),
            })
            .collect())
    }

    fn seen_last(&self, user_id: &str, name: &str) -> Result<Option<i64>, AppError> {
        Ok(self
            .rows(
                "SELECT last FROM seen WHERE user_id = ? AND name = ?",
                vec![user_id.into(), name.into()],
            )?
            .first()
            .and_then(|r| int(r.first())))
    }

    fn population(&self, campaign: &str, event: &str, since: i64) -> Result<(u64, u64), AppError> {
        let rows = self.rows(
            "SELECT count(*), count(s.last) FROM users u
             LEFT JOIN seen s ON s.user_id = u.user_id AND s.name = ?2 AND s.last >= ?3
             WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.user_id = u.user_id
               AND m.campaign = ?1 AND coalesce(m.exposed, m.first_shown) IS NOT NULL)",
            vec![campaign.into(), event.into(), V::Integer(since)],
        )?;
        let n = |i: usize| {
            rows.first()
                .and_then(|r| int(r.get(i)))
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0)
        };
        Ok((n(0), n(1)))
    }
}
