//! What a user has already seen and done with each campaign's message.

use std::collections::BTreeMap;

use crate::model::CampaignId;
use crate::time::Timestamp;

/// What the user did with a shown message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The message was rendered.
    Shown,
    /// The call to action was clicked.
    Clicked,
    /// The message was dismissed.
    Dismissed,
}

/// The summary of one user's interactions with one campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageRecord {
    /// First time it was shown.
    pub first_shown: Option<Timestamp>,
    /// Last time it was shown.
    pub last_shown: Option<Timestamp>,
    /// How many times it was shown.
    pub shown_count: u32,
    /// When the call to action was clicked, if ever.
    pub clicked: Option<Timestamp>,
    /// When it was dismissed, if ever.
    pub dismissed: Option<Timestamp>,
}

impl MessageRecord {
    /// Folds one outcome into the record.
    pub fn record(&mut self, outcome: Outcome, at: Timestamp) {
        match outcome {
            Outcome::Shown => {
                self.first_shown = Some(self.first_shown.map_or(at, |t| t.min(at)));
                self.last_shown = Some(self.last_shown.map_or(at, |t| t.max(at)));
                self.shown_count = self.shown_count.saturating_add(1);
            }
            Outcome::Clicked => self.clicked = Some(self.clicked.map_or(at, |t| t.min(at))),
            Outcome::Dismissed => self.dismissed = Some(self.dismissed.map_or(at, |t| t.min(at))),
        }
    }
}

/// One user's message history, per campaign.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    records: BTreeMap<CampaignId, MessageRecord>,
}

impl History {
    /// Folds one outcome for `campaign` into the history.
    pub fn record(&mut self, campaign: &CampaignId, outcome: Outcome, at: Timestamp) {
        self.records
            .entry(campaign.clone())
            .or_default()
            .record(outcome, at);
    }

    /// Sets the full record of a campaign (as loaded from storage).
    pub fn insert(&mut self, campaign: CampaignId, record: MessageRecord) {
        self.records.insert(campaign, record);
    }

    /// The record of a campaign; empty if never shown.
    pub fn get(&self, campaign: &CampaignId) -> MessageRecord {
        self.records.get(campaign).copied().unwrap_or_default()
    }

    /// Every record.
    pub fn iter(&self) -> impl Iterator<Item = (&CampaignId, &MessageRecord)> {
        self.records.iter()
    }
}
