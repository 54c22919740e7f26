//! `RollupStore` in memory, for native tests of the analytics pipeline.

use protocol::v1::Comment;
use rules::CampaignId;

use super::MemoryAccountStore;
use crate::account::rollup::RollupStore;
use crate::analytics::rollup::UserRollup;
use crate::error::AppError;

impl RollupStore for MemoryAccountStore {
    fn tracking(
        &self,
        user_id: &str,
        campaign: &CampaignId,
    ) -> Result<(Option<String>, Option<i64>), AppError> {
        Ok(self
            .tracking
            .get(&(user_id.to_owned(), campaign.clone()))
            .cloned()
            .unwrap_or_default())
    }

    fn set_arm(&mut self, user_id: &str, campaign: &CampaignId, arm: &str) -> Result<(), AppError> {
        self.tracking
            .entry((user_id.to_owned(), campaign.clone()))
            .or_default()
            .0 = Some(arm.to_owned());
        Ok(())
    }

    fn set_converted(
        &mut self,
        user_id: &str,
        campaign: &CampaignId,
        at: i64,
    ) -> Result<(), AppError> {
        self.tracking
            .entry((user_id.to_owned(), campaign.clone()))
            .or_default()
            .1 = Some(at);
        Ok(())
    }

    fn mark_dirty(&mut self, campaign: &str, week: i64) -> Result<(), AppError> {
        self.dirty
            .insert((campaign.to_owned(), week), self.rollup_seq + 1);
        Ok(())
    }

    fn dirty(&self) -> Result<Vec<(String, i64)>, AppError> {
        Ok(self.dirty.keys().cloned().collect())
    }

    fn clear_dirty(&mut self, seq: u64) -> Result<(), AppError> {
        self.dirty.retain(|_, generation| *generation > seq);
        Ok(())
    }

    fn next_seq(&mut self) -> Result<u64, AppError> {
        self.rollup_seq += 1;
        Ok(self.rollup_seq)
    }

    fn campaigns(&self) -> Result<Vec<String>, AppError> {
        let mut all: Vec<String> = self
            .messages
            .keys()
            .map(|(_, c)| c.as_str().to_owned())
            .collect();
        all.sort();
        all.dedup();
        Ok(all)
    }

    fn user_campaigns(&self, user_id: &str) -> Result<Vec<String>, AppError> {
        Ok(self
            .messages
            .keys()
            .filter(|(u, _)| u == user_id)
            .map(|(_, c)| c.as_str().to_owned())
            .collect())
    }

    fn campaign_users(&self, campaign: &str) -> Result<Vec<(String, UserRollup)>, AppError> {
        Ok(self
            .messages
            .iter()
            .filter(|((_, c), _)| c.as_str() == campaign)
            .map(|((u, c), record)| {
                let (arm, converted) = self
                    .tracking
                    .get(&(u.clone(), c.clone()))
                    .cloned()
                    .unwrap_or_default();
                let survey = self.surveys.get(&(u.clone(), campaign.to_owned())).copied();
                (
                    u.clone(),
                    UserRollup {
                        record: *record,
                        arm,
                        converted,
                        survey,
                        tasks_done: Vec::new(),
                    },
                )
            })
            .collect())
    }

    fn comments(&self, campaign: &str, limit: usize) -> Result<Vec<Comment>, AppError> {
        let mut all: Vec<Comment> = self
            .comments
            .iter()
            .filter(|(_, c, ..)| c == campaign)
            .map(|(user, _, score, comment, at)| Comment {
                account_id: String::new(),
                user_id: user.clone(),
                score: *score,
                comment: comment.clone(),
                at: *at,
            })
            .collect();
        all.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.user_id.cmp(&b.user_id)));
        all.truncate(limit);
        Ok(all)
    }

    fn seen_last(&self, user_id: &str, name: &str) -> Result<Option<i64>, AppError> {
        Ok(self
            .seen
            .get(&(user_id.to_owned(), name.to_owned()))
            .map(|s| s.last.0))
    }

    fn population(&self, campaign: &str, event: &str, since: i64) -> Result<(u64, u64), AppError> {
        let entered = |user: &str| {
            self.messages.iter().any(|((u, c), r)| {
                u == user
                    && c.as_str() == campaign
                    && (r.exposed.is_some() || r.first_shown.is_some())
            })
        };
        let outside: Vec<&String> = self.users.keys().filter(|u| !entered(u)).collect();
        let adopted = outside
            .iter()
            .filter(|u| {
                self.seen_last(u, event)
                    .ok()
                    .flatten()
                    .is_some_and(|last| last >= since)
            })
            .count();
        Ok((outside.len() as u64, adopted as u64))
    }
}
