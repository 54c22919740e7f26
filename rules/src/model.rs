//! Campaigns and the catalog `decide` chooses from.

use std::fmt;

use crate::account::AccountModel;
use crate::budget::{Budget, Category};
use crate::condition::Condition;
use crate::error::ModelError;
use crate::experiment::Experiment;
use crate::time::Timestamp;
use crate::trigger::Trigger;

/// A validated campaign identifier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CampaignId(String);

impl CampaignId {
    /// Validates an identifier: 1-64 characters from `A-Z a-z 0-9 _ . : -`.
    pub fn new(id: &str) -> Result<Self, ModelError> {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'));
        if ok {
            Ok(Self(id.to_owned()))
        } else {
            Err(ModelError::InvalidId(id.to_owned()))
        }
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CampaignId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a message renders. At most one message per surface is chosen per decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Surface {
    /// A centred dialog that interrupts the user.
    Modal,
    /// A strip across the top of the page.
    Banner,
    /// A small card (toast) in a corner.
    Slideout,
    /// A note anchored to an element, with a hotspot.
    Tooltip,
    /// Steps across pages, each optionally anchored to an element.
    Tour,
    /// Onboarding tasks that complete themselves from tracked events.
    Checklist,
    /// A card asking the user to invite teammates (emails, suggestions).
    Invite,
}

impl Surface {
    /// Whether the surface interrupts the user (and so falls under the per-session cap
    /// and must never show in two tabs at once).
    pub fn interruptive(self) -> bool {
        matches!(self, Surface::Modal | Surface::Tour)
    }
}

/// How often a campaign may be shown to the same user. Clicking the call to action
/// (completing the message) always ends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// Shown once, then never again.
    Once,
    /// Shown up to `max` times, at least `every_ms` apart; dismissal ends it.
    Times {
        /// Most shows.
        max: u32,
        /// Least time between two shows.
        every_ms: i64,
    },
    /// Shown again `every_ms` after each show, whether dismissed or not, until completed.
    Every {
        /// Time between two shows.
        every_ms: i64,
    },
    /// Shown on every eligible decision until dismissed or completed; an interruptive
    /// message returns at most once per session.
    UntilDismissed,
    /// Like `UntilDismissed`, but dismissal only snoozes it: it returns until completed.
    UntilCompleted,
}

/// One campaign: who should see which surface, when, how important it is, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Identifier, unique in the catalog.
    pub id: CampaignId,
    /// Where the message renders.
    pub surface: Surface,
    /// What kind of message it is (caps may be set per category).
    pub category: Category,
    /// Higher wins; ties go to the smaller id.
    pub priority: u32,
    /// Who qualifies.
    pub audience: Condition,
    /// What must happen for the campaign to be considered at all.
    pub trigger: Trigger,
    /// How often.
    pub recurrence: Recurrence,
    /// How long "remind me later" (or dismissing an `UntilCompleted` message) hides it.
    pub snooze_ms: i64,
    /// At most this many users of one account shown the campaign per window.
    pub account_cap: Option<AccountCap>,
    /// A holdout group and variants, if the campaign is an experiment.
    pub experiment: Option<Experiment>,
    /// For a checklist: the tracked event completing each task, in order. The campaign is
    /// completed once the user has performed them all.
    pub tasks: Vec<String>,
    /// Not shown before this instant.
    pub starts_at: Option<Timestamp>,
    /// Not shown from this instant on.
    pub ends_at: Option<Timestamp>,
    /// What counts as success, for results and experiments.
    pub goal: Option<Goal>,
    /// The advocacy ask this campaign makes, if any (asks go from small to big).
    pub ask: Option<crate::Ask>,
}

/// A campaign's goal: the user performs `event` (with every property in `properties`
/// equal) within `within_ms` of first entering the campaign (first exposure to its
/// experiment, else first shown). Each user converts at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// The tracked event's name.
    pub event: String,
    /// Property equalities the event must carry.
    pub properties: Vec<(String, crate::Value)>,
    /// The conversion window.
    pub within_ms: i64,
}

impl Goal {
    /// Whether an event `name` with `properties` at `at` converts a user who entered at
    /// `entered`.
    pub fn converts(
        &self,
        entered: Timestamp,
        name: &str,
        properties: &dyn Fn(&str) -> Option<crate::Value>,
        at: Timestamp,
    ) -> bool {
        name == self.event
            && at >= entered
            && at.0 <= entered.0.saturating_add(self.within_ms)
            && self
                .properties
                .iter()
                .all(|(k, v)| properties(k).as_ref() == Some(v))
    }
}

/// Default snooze: one day.
pub const DEFAULT_SNOOZE_MS: i64 = 86_400_000;

impl Campaign {
    /// Validates a priority (0-1000).
    pub fn priority(p: u32) -> Result<u32, ModelError> {
        if p <= 1000 {
            Ok(p)
        } else {
            Err(ModelError::InvalidPriority(p))
        }
    }

    /// A campaign with the given id, surface and audience and every other setting at its
    /// default: general category, priority 0, no trigger, once, no caps, no experiment.
    pub fn new(id: CampaignId, surface: Surface, audience: Condition) -> Self {
        Self {
            id,
            surface,
            category: Category::General,
            priority: 0,
            audience,
            trigger: Trigger::Always,
            recurrence: Recurrence::Once,
            snooze_ms: DEFAULT_SNOOZE_MS,
            account_cap: None,
            experiment: None,
            tasks: Vec::new(),
            starts_at: None,
            ends_at: None,
            goal: None,
            ask: None,
        }
    }
}

/// At most `max_users` different users of one account are shown a campaign per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountCap {
    /// Users per window.
    pub max_users: u32,
    /// Window length in milliseconds.
    pub window_ms: i64,
}

/// Every live campaign of a workspace plus its budget.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    /// The campaigns, in definition order.
    pub campaigns: Vec<Campaign>,
    /// The shared frequency budget.
    pub budget: Budget,
    /// Value tiers, lifecycle stages, key features and the health scorecard of the workspace.
    pub model: AccountModel,
}
