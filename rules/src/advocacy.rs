//! Advocacy as Discover, Nurture, Mobilize: who is a candidate, where a user stands, and the
//! ladder of asks that goes from small to big.
//!
//! - **Discover**: a *candidate* is a promoter (latest survey answer 9-10) or a power user
//!   (active on at least [`POWER_USER_ACTIVE_DAYS`] of the last [`POWER_USER_WINDOW_DAYS`]
//!   days), who has not been asked yet.
//! - **Nurture**: a candidate who has also been given value first: at least
//!   [`NURTURE_TOUCHES`] messages that ask nothing were shown to them.
//! - **Mobilize**: an ask campaign was shown to the user.
//!
//! Asks are campaigns declaring an [`Ask`]. A bigger ask is offered only to a user who accepted
//! (clicked) the ask one rung below it, so nobody is asked for a case study before they were
//! asked for a review.

use std::fmt;

use crate::account::Ctx;
use crate::history::History;
use crate::model::Campaign;

/// Promoters answer at least this on a 0-10 survey.
pub const PROMOTER_MIN_SCORE: u32 = 9;
/// Power users are active on at least this many days …
pub const POWER_USER_ACTIVE_DAYS: usize = 10;
/// … of this many days, today included.
pub const POWER_USER_WINDOW_DAYS: i32 = 30;
/// Messages that ask nothing, shown to a candidate before they count as nurtured.
pub const NURTURE_TOUCHES: u32 = 2;

/// An advocacy ask, from the smallest to the biggest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ask {
    /// A review on a marketplace or review site.
    Review,
    /// A reference call with a prospect.
    Reference,
    /// A published case study.
    CaseStudy,
    /// Speaking at an event or webinar.
    Speaking,
}

impl Ask {
    /// Every ask, smallest first.
    pub const ALL: [Ask; 4] = [Ask::Review, Ask::Reference, Ask::CaseStudy, Ask::Speaking];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ask::Review => "review",
            Ask::Reference => "reference",
            Ask::CaseStudy => "case_study",
            Ask::Speaking => "speaking",
        }
    }

    /// The ask one rung smaller, if any.
    pub fn smaller(self) -> Option<Ask> {
        let i = Ask::ALL.iter().position(|a| *a == self)?;
        i.checked_sub(1).map(|j| Ask::ALL[j])
    }
}

impl fmt::Display for Ask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ask::CaseStudy => "case study",
            other => other.as_str(),
        })
    }
}

/// What a user has been through so far: the biggest ask shown and accepted, and the
/// messages that asked nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AskHistory {
    /// The biggest ask shown to the user.
    pub asked: Option<Ask>,
    /// The biggest ask the user accepted (clicked its call to action).
    pub accepted: Option<Ask>,
    /// Campaigns without an ask that were shown to the user.
    pub touches: u32,
}

impl AskHistory {
    /// Folds the user's `history` of the catalog's `campaigns`.
    pub fn of(campaigns: &[Campaign], history: &History) -> Self {
        let mut out = AskHistory::default();
        for c in campaigns {
            let record = history.get(&c.id);
            if record.shown_count == 0 {
                continue;
            }
            match c.ask {
                None => out.touches += 1,
                Some(ask) => {
                    out.asked = out.asked.max(Some(ask));
                    if record.clicked.is_some() {
                        out.accepted = out.accepted.max(Some(ask));
                    }
                }
            }
        }
        out
    }

    /// Ok when `ask` may be offered; else the ask that must be accepted first.
    pub fn allows(&self, ask: Ask) -> Result<(), Ask> {
        match ask.smaller() {
            Some(below) if self.accepted < Some(below) => Err(below),
            _ => Ok(()),
        }
    }
}

/// Why a user is an advocacy candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    /// Their latest survey answer.
    Promoter {
        /// 9 or 10.
        score: u32,
    },
    /// Active days in the window.
    PowerUser {
        /// At least [`POWER_USER_ACTIVE_DAYS`].
        active_days: usize,
    },
}

/// The user's candidacy in `ctx`: a promoter first, else a power user.
pub fn candidate(ctx: &Ctx<'_>) -> Option<Candidate> {
    let latest = ctx
        .facts
        .surveys
        .iter()
        .filter(|s| s.by_current_user)
        .max_by_key(|s| s.at);
    if let Some(s) = latest.filter(|s| s.score >= PROMOTER_MIN_SCORE) {
        return Some(Candidate::Promoter { score: s.score });
    }
    let today = ctx.now.day();
    let first = today.minus(POWER_USER_WINDOW_DAYS - 1);
    let active_days = ctx.facts.user_active_days.range(first..=today).count();
    (active_days >= POWER_USER_ACTIVE_DAYS).then_some(Candidate::PowerUser { active_days })
}

/// A user's advocacy stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdvocacyStage {
    /// Neither a candidate nor asked.
    None,
    /// A candidate, not yet given value.
    Discover,
    /// A candidate given value, not yet asked.
    Nurture,
    /// Asked at least once.
    Mobilize,
}

impl AdvocacyStage {
    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AdvocacyStage::None => "none",
            AdvocacyStage::Discover => "discover",
            AdvocacyStage::Nurture => "nurture",
            AdvocacyStage::Mobilize => "mobilize",
        }
    }
}

/// The stage of the user in `ctx`, whose asks so far are `asks`.
pub fn advocacy_stage(ctx: &Ctx<'_>, asks: &AskHistory) -> AdvocacyStage {
    if asks.asked.is_some() {
        AdvocacyStage::Mobilize
    } else if candidate(ctx).is_none() {
        AdvocacyStage::None
    } else if asks.touches >= NURTURE_TOUCHES {
        AdvocacyStage::Nurture
    } else {
        AdvocacyStage::Discover
    }
}

/// Answers at most this on a 0-10 survey: a detractor.
pub const DETRACTOR_MAX_SCORE: u32 = 6;

/// An account's people for Discover: its promoters and power users, and the detractors to
/// win back, each sorted by user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Advocates {
    /// Users whose latest survey answer is 9-10, with it.
    pub promoters: Vec<(String, u32)>,
    /// Users active on at least [`POWER_USER_ACTIVE_DAYS`] of the last
    /// [`POWER_USER_WINDOW_DAYS`] days, with their active days.
    pub power_users: Vec<(String, u32)>,
    /// Users whose latest survey answer is 0-6, with it.
    pub detractors: Vec<(String, u32)>,
}

/// The advocates among the account's `surveys` (each user's latest answer counts) and
/// `people` (their active days in the last 30 days).
pub fn advocates(surveys: &[crate::SurveyFact], people: &[crate::Person]) -> Advocates {
    let mut latest: std::collections::BTreeMap<&str, &crate::SurveyFact> = Default::default();
    for s in surveys {
        let slot = latest.entry(s.user_id.as_str()).or_insert(s);
        if s.at > slot.at {
            *slot = s;
        }
    }
    let answered = |keep: fn(u32) -> bool| -> Vec<(String, u32)> {
        latest
            .iter()
            .filter(|(_, s)| keep(s.score))
            .map(|(u, s)| ((*u).to_owned(), s.score))
            .collect()
    };
    let mut power_users: Vec<(String, u32)> = people
        .iter()
        .filter(|p| p.active_days as usize >= POWER_USER_ACTIVE_DAYS)
        .map(|p| (p.user_id.clone(), p.active_days))
        .collect();
    power_users.sort();
    Advocates {
        promoters: answered(|s| s >= PROMOTER_MIN_SCORE),
        power_users,
        detractors: answered(|s| s <= DETRACTOR_MAX_SCORE),
    }
}
