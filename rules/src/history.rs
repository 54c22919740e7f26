//! What a user (and the rest of their account) has already seen and done with each campaign.

use std::collections::BTreeMap;

use crate::model::CampaignId;
use crate::time::Timestamp;

/// What happened to a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The edge handed it to a tab (recorded by the edge at decision time).
    Delivered,
    /// The message was rendered.
    Shown,
    /// The call to action was clicked (the message is completed).
    Clicked,
    /// The message was dismissed.
    Dismissed,
    /// The user asked to be reminded later.
    Snoozed,
    /// The user reached this step of a tour (0-based).
    Step(u32),
}

/// How long a delivered interruptive message blocks other tabs while waiting to be shown.
pub const DELIVERY_LEASE_MS: i64 = 60_000;

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
    /// When it was last dismissed, if ever.
    pub dismissed: Option<Timestamp>,
    /// When it was last snoozed.
    pub snoozed: Option<Timestamp>,
    /// When the edge last handed it to a tab.
    pub delivered: Option<Timestamp>,
    /// The trigger condition's value at the previous decision (fact-crossing triggers).
    pub trigger_held: Option<bool>,
    /// When the trigger condition last went from false to true.
    pub crossed: Option<Timestamp>,
    /// When the user was first exposed to the campaign's experiment (either arm).
    pub exposed: Option<Timestamp>,
    /// The furthest tour step reached (0-based).
    pub step: u32,
}

fn latest(slot: &mut Option<Timestamp>, at: Timestamp) {
    *slot = Some(slot.map_or(at, |t| t.max(at)));
}

impl MessageRecord {
    /// Folds one outcome into the record.
    pub fn record(&mut self, outcome: Outcome, at: Timestamp) {
        match outcome {
            Outcome::Delivered => latest(&mut self.delivered, at),
            Outcome::Shown => {
                self.first_shown = Some(self.first_shown.map_or(at, |t| t.min(at)));
                latest(&mut self.last_shown, at);
                self.shown_count = self.shown_count.saturating_add(1);
            }
            Outcome::Clicked => self.clicked = Some(self.clicked.map_or(at, |t| t.min(at))),
            Outcome::Dismissed => latest(&mut self.dismissed, at),
            Outcome::Snoozed => latest(&mut self.snoozed, at),
            Outcome::Step(n) => self.step = self.step.max(n),
        }
    }

    /// Folds the trigger condition's value observed at `at`: a change from false to true
    /// is a crossing.
    pub fn observe(&mut self, holds: bool, at: Timestamp) {
        if holds && self.trigger_held == Some(false) {
            latest(&mut self.crossed, at);
        }
        self.trigger_held = Some(holds);
    }

    /// Records the first exposure to the experiment.
    pub fn expose(&mut self, at: Timestamp) {
        self.exposed.get_or_insert(at);
    }

    /// A delivery not yet followed by a show, still within its lease at `now`.
    pub fn in_flight(&self, now: Timestamp) -> Option<Timestamp> {
        let d = self.delivered?;
        let unshown = self.last_shown.is_none_or(|s| s < d);
        (unshown && now < d.plus_ms(DELIVERY_LEASE_MS)).then_some(d)
    }

    /// When the message last counted as shown for budgets: its last show, or a delivery
    /// still in flight.
    pub fn exposed_at(&self, now: Timestamp) -> Option<Timestamp> {
        match (self.last_shown, self.in_flight(now)) {
            (Some(s), Some(d)) => Some(s.max(d)),
            (s, d) => s.or(d),
        }
    }
}

/// One user's message history, per campaign, plus when other users of the same account
/// were last shown each campaign (for per-account caps).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    records: BTreeMap<CampaignId, MessageRecord>,
    others: BTreeMap<CampaignId, Vec<Timestamp>>,
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

    /// Adds that another user of the account was last shown (or handed) `campaign` at `at`.
    pub fn insert_other(&mut self, campaign: CampaignId, at: Timestamp) {
        self.others.entry(campaign).or_default().push(at);
    }

    /// The record of a campaign; empty if never shown.
    pub fn get(&self, campaign: &CampaignId) -> MessageRecord {
        self.records.get(campaign).copied().unwrap_or_default()
    }

    /// When other users of the account were last shown `campaign`.
    pub fn others(&self, campaign: &CampaignId) -> &[Timestamp] {
        self.others.get(campaign).map_or(&[], Vec::as_slice)
    }

    /// Every record.
    pub fn iter(&self) -> impl Iterator<Item = (&CampaignId, &MessageRecord)> {
        self.records.iter()
    }
}
