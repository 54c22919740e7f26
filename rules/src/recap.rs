//! Value recaps: the account's own usage over a calendar period, for messages such as "This
//! quarter your team filed 42 expenses" (`{{account.metrics.create_expense.quarter}}`).

use crate::facts::Facts;
use crate::time::{Day, Timestamp};

/// The period a recap metric counts over, up to and including today (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecapPeriod {
    /// The last 7 days.
    Week,
    /// The current calendar month.
    Month,
    /// The current calendar quarter.
    Quarter,
    /// The current calendar year.
    Year,
    /// Everything kept (daily usage is kept 400 days).
    AllTime,
}

impl RecapPeriod {
    /// Every period, as named in a variable.
    pub const ALL: [RecapPeriod; 5] = [
        RecapPeriod::Week,
        RecapPeriod::Month,
        RecapPeriod::Quarter,
        RecapPeriod::Year,
        RecapPeriod::AllTime,
    ];

    /// The name used in variables.
    pub fn as_str(self) -> &'static str {
        match self {
            RecapPeriod::Week => "week",
            RecapPeriod::Month => "month",
            RecapPeriod::Quarter => "quarter",
            RecapPeriod::Year => "year",
            RecapPeriod::AllTime => "all_time",
        }
    }

    /// The period named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The first day counted when today is `today`.
    pub fn first_day(self, today: Day) -> Day {
        let (year, month, _) = today.civil();
        let start = |m: u32| Day::from_civil(year, m, 1).unwrap_or(today);
        match self {
            RecapPeriod::Week => today.minus(6),
            RecapPeriod::Month => today.month_start(),
            RecapPeriod::Quarter => start((month - 1) / 3 * 3 + 1),
            RecapPeriod::Year => start(1),
            RecapPeriod::AllTime => Day(i32::MIN),
        }
    }
}

/// How many times anyone in the account performed `feature` in `period`, as of `now`.
pub fn account_metric(facts: &Facts, feature: &str, period: RecapPeriod, now: Timestamp) -> u64 {
    let today = now.day();
    facts
        .account_usage
        .sum(feature, period.first_day(today), today)
}
