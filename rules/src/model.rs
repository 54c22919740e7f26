//! Campaigns and the catalog `decide` chooses from.

use std::fmt;

use crate::account::AccountModel;
use crate::condition::Condition;
use crate::error::ModelError;
use crate::time::Timestamp;

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
}

/// How often a campaign may be shown to the same user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recurrence {
    /// Shown once, then never again.
    Once,
    /// Shown on every eligible decision until the user dismisses it or clicks its call to action.
    UntilDismissed,
}

/// One campaign: who should see which surface, how important it is, and how often.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    /// Identifier, unique in the catalog.
    pub id: CampaignId,
    /// Where the message renders.
    pub surface: Surface,
    /// Higher wins; ties go to the smaller id.
    pub priority: u32,
    /// Who qualifies.
    pub audience: Condition,
    /// How often.
    pub recurrence: Recurrence,
    /// Not shown before this instant.
    pub starts_at: Option<Timestamp>,
    /// Not shown from this instant on.
    pub ends_at: Option<Timestamp>,
}

impl Campaign {
    /// Validates a priority (0-1000).
    pub fn priority(p: u32) -> Result<u32, ModelError> {
        if p <= 1000 {
            Ok(p)
        } else {
            Err(ModelError::InvalidPriority(p))
        }
    }
}

/// The frequency budget shared by every surface: how many *different* campaigns
/// a user may be shown within a rolling window. Re-showing a campaign already
/// shown in the window costs nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Distinct campaigns per window.
    pub max_campaigns: u32,
    /// Window length in milliseconds.
    pub window_ms: i64,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_campaigns: 3,
            window_ms: 86_400_000,
        }
    }
}

/// Every live campaign of a workspace plus its budget.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    /// The campaigns, in definition order.
    pub campaigns: Vec<Campaign>,
    /// The shared frequency budget.
    pub budget: Budget,
    /// Value tiers, lifecycle stages and the health scorecard of the workspace.
    pub model: AccountModel,
}
