//! The frequency budget shared by every surface: per-user caps, overall, per session and
//! per category. A capped campaign is deferred, not dropped: it stays eligible and is
//! chosen on a later decision once the cap frees up.

use std::fmt;

use crate::history::History;
use crate::model::{Campaign, CampaignId};
use crate::time::Timestamp;

/// What kind of message a campaign is; caps can be set per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// Anything else.
    General,
    /// Getting started.
    Onboarding,
    /// Upgrades and limits.
    Upgrade,
    /// Surveys and NPS.
    Survey,
    /// New features and news.
    Announcement,
    /// Inviting teammates.
    Invite,
    /// Asking for an approval.
    Approval,
}

impl Category {
    /// Every category, in wire order.
    pub const ALL: [Category; 7] = [
        Category::General,
        Category::Onboarding,
        Category::Upgrade,
        Category::Survey,
        Category::Announcement,
        Category::Invite,
        Category::Approval,
    ];

    /// The category's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::General => "general",
            Category::Onboarding => "onboarding",
            Category::Upgrade => "upgrade",
            Category::Survey => "survey",
            Category::Announcement => "announcement",
            Category::Invite => "invite",
            Category::Approval => "approval",
        }
    }
}

/// The period a cap counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The user's current session (activity without a gap longer than the session gap).
    Session,
    /// A rolling window of this many milliseconds.
    Window(i64),
}

/// At most `max` different campaigns matching the filter shown per period.
/// Showing a campaign again that already counts in the period costs nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    /// Campaigns per period.
    pub max: u32,
    /// The period.
    pub period: Period,
    /// Only campaigns of this category count (and are capped).
    pub category: Option<Category>,
    /// Only interruptive surfaces count (and are capped).
    pub interruptive_only: bool,
}

impl Cap {
    fn applies_to(&self, c: &Campaign) -> bool {
        self.category.is_none_or(|k| k == c.category)
            && (!self.interruptive_only || c.surface.interruptive())
    }
}

impl fmt::Display for Cap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.max)?;
        if self.interruptive_only {
            f.write_str(" interruptive")?;
        }
        if let Some(k) = self.category {
            write!(f, " {}", k.as_str())?;
        }
        match self.period {
            Period::Session => f.write_str(" per session"),
            Period::Window(ms) if ms % 86_400_000 == 0 => {
                write!(f, " per {} days", ms / 86_400_000)
            }
            Period::Window(ms) => write!(f, " per {} hours", ms / 3_600_000),
        }
    }
}

/// Every cap of a workspace. The default: one interruptive message per session and three
/// different messages per day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// The caps; a campaign is shown only if every cap that applies to it has room.
    pub caps: Vec<Cap>,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            caps: vec![
                Cap {
                    max: 1,
                    period: Period::Session,
                    category: None,
                    interruptive_only: true,
                },
                Cap {
                    max: 3,
                    period: Period::Window(86_400_000),
                    category: None,
                    interruptive_only: false,
                },
            ],
        }
    }
}

/// The running count of one decision: which campaigns already use each cap.
#[derive(Debug)]
pub(crate) struct Spend<'a> {
    budget: &'a Budget,
    /// Per cap: (campaign, when it started counting) for every counted campaign.
    counted: Vec<Vec<(CampaignId, Timestamp)>>,
}

/// The instant from which a show counts against `period`.
fn period_start(period: Period, now: Timestamp, session_start: Option<Timestamp>) -> Timestamp {
    match period {
        Period::Session => session_start.unwrap_or(now),
        Period::Window(ms) => now.plus_ms(-ms),
    }
}

impl<'a> Spend<'a> {
    /// Counts what `history` already spent, as of `now`.
    pub(crate) fn new(
        budget: &'a Budget,
        campaigns: &[Campaign],
        history: &History,
        now: Timestamp,
        session_start: Option<Timestamp>,
    ) -> Self {
        let counted = budget
            .caps
            .iter()
            .map(|cap| {
                let start = period_start(cap.period, now, session_start);
                campaigns
                    .iter()
                    .filter(|c| cap.applies_to(c))
                    .filter_map(|c| {
                        let at = history.get(&c.id).exposed_at(now)?;
                        (at > start).then(|| (c.id.clone(), at))
                    })
                    .collect()
            })
            .collect();
        Self { budget, counted }
    }

    /// `Ok` if every cap that applies to `c` has room; else the first full cap and when it
    /// frees up (`None`: at the next session).
    pub(crate) fn check(&self, c: &Campaign) -> Result<(), (Cap, Option<Timestamp>)> {
        for (cap, counted) in self.budget.caps.iter().zip(&self.counted) {
            if !cap.applies_to(c) || counted.iter().any(|(id, _)| *id == c.id) {
                continue;
            }
            if counted.len() >= usize::try_from(cap.max).unwrap_or(usize::MAX) {
                let until = match cap.period {
                    Period::Session => None,
                    Period::Window(ms) => counted.iter().map(|(_, at)| at.plus_ms(ms)).min(),
                };
                return Err((*cap, until));
            }
        }
        Ok(())
    }

    /// Records that `c` is shown now.
    pub(crate) fn spend(&mut self, c: &Campaign, now: Timestamp) {
        for (cap, counted) in self.budget.caps.iter().zip(self.counted.iter_mut()) {
            if cap.applies_to(c) && !counted.iter().any(|(id, _)| *id == c.id) {
                counted.push((c.id.clone(), now));
            }
        }
    }
}
