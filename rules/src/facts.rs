//! What is known about a user and their account when deciding: traits and usage counts.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::time::{Day, Timestamp};

/// A trait value. Numbers are `f64` because traits come from JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Absent or explicitly null.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Text(String),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// Named trait values of a user or an account.
pub type Traits = BTreeMap<String, Value>;

/// Event counts per feature per UTC day.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    counts: BTreeMap<String, BTreeMap<Day, u32>>,
}

impl Usage {
    /// Adds `n` uses of `feature` on `day`.
    pub fn add(&mut self, feature: &str, day: Day, n: u32) {
        let per_day = self.counts.entry(feature.to_owned()).or_default();
        let slot = per_day.entry(day).or_default();
        *slot = slot.saturating_add(n);
    }

    /// Uses of every feature from `first` to `last`, both inclusive.
    pub fn total(&self, first: Day, last: Day) -> u64 {
        if first > last {
            return 0;
        }
        self.counts
            .values()
            .flat_map(|per_day| per_day.range(first..=last))
            .map(|(_, n)| u64::from(*n))
            .sum()
    }

    /// Uses of `feature` from `first` to `last`, both inclusive.
    pub fn sum(&self, feature: &str, first: Day, last: Day) -> u64 {
        if first > last {
            return 0;
        }
        self.counts
            .get(feature)
            .map(|per_day| {
                per_day
                    .range(first..=last)
                    .map(|(_, n)| u64::from(*n))
                    .sum()
            })
            .unwrap_or(0)
    }

    /// The features used at least once from `first` to `last`, both inclusive, by name.
    pub fn features_between(&self, first: Day, last: Day) -> Vec<String> {
        if first > last {
            return Vec::new();
        }
        self.counts
            .iter()
            .filter(|(_, per_day)| per_day.range(first..=last).any(|(_, n)| *n > 0))
            .map(|(feature, _)| feature.clone())
            .collect()
    }
}

/// One tracked event with its properties, kept for conditions that filter on properties.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFact {
    /// The event name.
    pub name: String,
    /// When it happened.
    pub at: Timestamp,
    /// Whether the user being decided for performed it.
    pub by_current_user: bool,
    /// Its properties (flat).
    pub properties: Traits,
}

/// A user's latest answer to a survey campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyFact {
    /// The user who answered.
    pub user_id: String,
    /// The campaign that asked.
    pub campaign: String,
    /// Whether the user being decided for answered.
    pub by_current_user: bool,
    /// 0-10.
    pub score: u32,
    /// When.
    pub at: Timestamp,
}

/// The first and last time an event name was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// First occurrence.
    pub first: Timestamp,
    /// Last occurrence.
    pub last: Timestamp,
}

impl Seen {
    /// Widens the span to include `other`.
    pub fn merge(&mut self, other: Seen) {
        self.first = self.first.min(other.first);
        self.last = self.last.max(other.last);
    }
}

/// Everything `decide` may look at about one user in one account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The user being decided for (experiments bucket by it).
    pub user_id: String,
    /// The path of the page the user is on, if known.
    pub page: Option<String>,
    /// When the user's current session started (activity without a 30-minute gap).
    pub session_start: Option<Timestamp>,
    /// The user's traits (from `identify`).
    pub user_traits: Traits,
    /// The account's traits (from `group`).
    pub account_traits: Traits,
    /// This user's usage.
    pub user_usage: Usage,
    /// The whole account's usage (all of its users).
    pub account_usage: Usage,
    /// Days on which this user used any feature.
    pub user_active_days: BTreeSet<Day>,
    /// Days on which anyone in the account used any feature.
    pub account_active_days: BTreeSet<Day>,
    /// Each user of the account and the last day they used any feature.
    pub users_last_active: BTreeMap<String, Day>,
    /// First and last occurrence of each tracked event name, by this user.
    pub user_seen: BTreeMap<String, Seen>,
    /// First and last occurrence of each tracked event name, by anyone in the account.
    pub account_seen: BTreeMap<String, Seen>,
    /// Recent events of the names that conditions filter by property (see
    /// [`crate::Catalog::property_filtered_events`]).
    pub events: Vec<EventFact>,
    /// Each user's latest answer per survey campaign.
    pub surveys: Vec<SurveyFact>,
    /// The account's people (for coverage), when a condition needs them.
    pub people: Option<Vec<crate::Person>>,
}

impl Facts {
    /// Folds `n` uses of `feature` by `user` on `day` into the usage and activity facts;
    /// `current` says whether `user` is the user being decided for.
    pub fn add_usage(&mut self, user: &str, current: bool, feature: &str, day: Day, n: u32) {
        if n == 0 {
            return;
        }
        self.account_usage.add(feature, day, n);
        self.account_active_days.insert(day);
        let last = self.users_last_active.entry(user.to_owned()).or_insert(day);
        *last = (*last).max(day);
        if current {
            self.user_usage.add(feature, day, n);
            self.user_active_days.insert(day);
        }
    }

    /// Folds the span in which `user` performed `name` into the first/last-seen facts;
    /// `current` says whether that user is the one being decided for.
    pub fn add_seen(&mut self, current: bool, name: &str, span: Seen) {
        let merge = |map: &mut BTreeMap<String, Seen>| {
            map.entry(name.to_owned())
                .and_modify(|s| s.merge(span))
                .or_insert(span);
        };
        merge(&mut self.account_seen);
        if current {
            merge(&mut self.user_seen);
        }
    }
}
