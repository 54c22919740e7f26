//! Verdicts: why a campaign was or was not chosen, in words an admin can act on.

use std::fmt;

use crate::budget::Cap;
use crate::model::CampaignId;
use crate::time::Timestamp;

/// Why a campaign was or was not chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Chosen for its surface.
    Chosen,
    /// Before its start or after its end.
    OutsideSchedule,
    /// Shown as often as its recurrence allows.
    AlreadyShown,
    /// An interruptive message already shown in this session; it may return in the next.
    ShownThisSession,
    /// Shown recently; its recurrence allows it again at `until`.
    Waiting {
        /// When it may show again.
        until: Timestamp,
    },
    /// The user dismissed it.
    Dismissed,
    /// The user clicked its call to action.
    Completed,
    /// The user asked to be reminded later.
    Snoozed {
        /// When the snooze ends.
        until: Timestamp,
    },
    /// Handed to another tab, which has not reported it shown yet.
    InFlight {
        /// When the delivery lease runs out.
        until: Timestamp,
    },
    /// The trigger has not fired; the text says what is missing.
    NotTriggered(String),
    /// The audience condition does not hold; the text explains the failing leaf.
    AudienceMismatch(String),
    /// A per-user cap is full: the message is deferred, not dropped.
    FrequencyCap {
        /// The full cap.
        cap: Cap,
        /// When the cap frees up (`None`: in the next session).
        until: Option<Timestamp>,
    },
    /// Enough users of this account were shown it in the window.
    AccountCap {
        /// When a slot frees up.
        until: Timestamp,
    },
    /// The user is in the experiment's holdout group.
    Holdout,
    /// An advocacy ask bigger than the user is ready for: `needs` must be accepted first.
    AskTooBig {
        /// This campaign's ask.
        ask: crate::Ask,
        /// The smaller ask the user has not accepted.
        needs: crate::Ask,
    },
    /// Another eligible campaign won the same surface.
    LowerPriority {
        /// The winner.
        winner: CampaignId,
    },
}

impl Verdict {
    /// A stable snake_case name of the verdict kind (used on the wire).
    pub fn kind(&self) -> &'static str {
        match self {
            Verdict::Chosen => "chosen",
            Verdict::OutsideSchedule => "outside_schedule",
            Verdict::AlreadyShown => "already_shown",
            Verdict::ShownThisSession => "shown_this_session",
            Verdict::Waiting { .. } => "waiting",
            Verdict::Dismissed => "dismissed",
            Verdict::Completed => "completed",
            Verdict::Snoozed { .. } => "snoozed",
            Verdict::InFlight { .. } => "in_flight",
            Verdict::NotTriggered(_) => "not_triggered",
            Verdict::AudienceMismatch(_) => "audience_mismatch",
            Verdict::FrequencyCap { .. } => "frequency_cap",
            Verdict::AccountCap { .. } => "account_cap",
            Verdict::Holdout => "holdout",
            Verdict::AskTooBig { .. } => "ask_too_big",
            Verdict::LowerPriority { .. } => "lower_priority",
        }
    }

    /// When the verdict may change by itself (a cap, snooze, wait or lease ends).
    pub fn until(&self) -> Option<Timestamp> {
        match self {
            Verdict::Waiting { until }
            | Verdict::Snoozed { until }
            | Verdict::InFlight { until }
            | Verdict::AccountCap { until } => Some(*until),
            Verdict::FrequencyCap { until, .. } => *until,
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Chosen => f.write_str("chosen"),
            Verdict::OutsideSchedule => f.write_str("outside its start and end dates"),
            Verdict::AlreadyShown => f.write_str("shown as often as its recurrence allows"),
            Verdict::ShownThisSession => f.write_str("already shown in this session"),
            Verdict::Waiting { until } => write!(f, "recurrence: next show at {}", until.0),
            Verdict::Dismissed => f.write_str("dismissed by the user"),
            Verdict::Completed => {
                f.write_str("completed: call to action clicked, survey answered or every task done")
            }
            Verdict::Snoozed { until } => write!(f, "snoozed until {}", until.0),
            Verdict::InFlight { until } => {
                write!(f, "handed to another tab; lease ends at {}", until.0)
            }
            Verdict::NotTriggered(why) => write!(f, "not triggered: {why}"),
            Verdict::AudienceMismatch(why) => write!(f, "audience: {why}"),
            Verdict::FrequencyCap {
                cap,
                until: Some(t),
            } => write!(f, "deferred by the cap of {cap} until {}", t.0),
            Verdict::FrequencyCap { cap, until: None } => {
                write!(f, "deferred by the cap of {cap} until the next session")
            }
            Verdict::AccountCap { until } => {
                write!(
                    f,
                    "enough users of this account were shown it; deferred until {}",
                    until.0
                )
            }
            Verdict::Holdout => f.write_str("in the experiment's holdout group"),
            Verdict::AskTooBig { ask, needs } => write!(
                f,
                "asks go from small to big: a {ask} ask waits until the user accepts a {needs} ask"
            ),
            Verdict::LowerPriority { winner } => write!(f, "{winner} wins the same surface"),
        }
    }
}
