//! Champions and relationship coverage of an account.
//!
//! **The champion rule.** A user is a champion when all three of these hold:
//! - they were active on at least [`CHAMPION_ACTIVE_DAYS`] of the last [`WINDOW_DAYS`] days
//!   (most active);
//! - in that window they used at least half of the workspace's key features, or any 3 features
//!   when none are set (broad);
//! - they were first seen at least [`CHAMPION_TENURE_DAYS`] days ago (long-tenured).
//!
//! A customer-success manager confirms champions with the account trait `cs_champions` (user
//! ids, comma-separated).
//!
//! **Coverage, three high and three wide.** Users carry the user traits `seniority`
//! (`executive`, `manager` or `individual`) and `department`. The grid counts the users active
//! in the window by level and by the account's three largest departments. Every empty cell is
//! a gap, and a missing department is three.

use std::collections::{BTreeMap, BTreeSet};

use crate::commercial::text;
use crate::facts::{Facts, Value};
use crate::time::Day;

/// The window of the rule and of the grid, in days, today included.
pub const WINDOW_DAYS: i32 = 30;
/// Active days in the window a champion needs.
pub const CHAMPION_ACTIVE_DAYS: u32 = 8;
/// Days since first seen a champion needs.
pub const CHAMPION_TENURE_DAYS: i32 = 60;
/// The levels of the grid, top first.
pub const LEVELS: [&str; 3] = ["executive", "manager", "individual"];

/// One user's activity in the window, and their place in the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// The user.
    pub user_id: String,
    /// The first day they were seen.
    pub first_seen: Option<Day>,
    /// The last day they were active.
    pub last_active: Option<Day>,
    /// Days with any activity in the window.
    pub active_days: u32,
    /// Features used in the window.
    pub features: BTreeSet<String>,
    /// `executive`, `manager` or `individual`.
    pub seniority: Option<String>,
    /// Their department.
    pub department: Option<String>,
}

/// A `seniority` trait as one of [`LEVELS`] (any case).
pub fn level(v: Option<&Value>) -> Option<String> {
    text(v)
        .map(|t| t.to_lowercase())
        .filter(|t| LEVELS.contains(&t.as_str()))
}

impl Person {
    /// The user being decided for, from their facts at `today`.
    pub fn current(facts: &Facts, today: Day) -> Self {
        let first = today.minus(WINDOW_DAYS - 1);
        let in_window = |d: &Day| (first..=today).contains(d);
        Person {
            user_id: facts.user_id.clone(),
            first_seen: facts.user_active_days.first().copied(),
            last_active: facts.user_active_days.last().copied(),
            active_days: facts
                .user_active_days
                .iter()
                .filter(|d| in_window(d))
                .count() as u32,
            features: facts
                .user_usage
                .features_between(first, today)
                .into_iter()
                .collect(),
            seniority: level(facts.user_traits.get("seniority")),
            department: text(facts.user_traits.get("department")),
        }
    }
}

/// Whether the user ids listed in the account trait `cs_champions` hold `user`.
pub fn confirmed(cs_champions: Option<&Value>, user: &str) -> bool {
    matches!(cs_champions, Some(Value::Text(list)) if list.split(',').any(|u| u.trim() == user))
}

/// Whether the user being decided for is a champion (by the rule, or confirmed).
pub(crate) fn current_is_champion(ctx: &crate::account::Ctx<'_>) -> bool {
    let today = ctx.now.day();
    let facts = ctx.facts;
    confirmed(facts.account_traits.get("cs_champions"), &facts.user_id)
        || is_champion(
            &Person::current(facts, today),
            &ctx.model.key_features,
            today,
        )
}

/// Whether `p` is a champion at `today`, with the workspace's `key_features`.
pub fn is_champion(p: &Person, key_features: &[String], today: Day) -> bool {
    let broad = if key_features.is_empty() {
        p.features.len() >= 3
    } else {
        let used = key_features
            .iter()
            .filter(|k| p.features.contains(*k))
            .count();
        used * 2 >= key_features.len()
    };
    p.active_days >= CHAMPION_ACTIVE_DAYS
        && broad
        && p.first_seen
            .is_some_and(|f| f <= today.minus(CHAMPION_TENURE_DAYS))
}

/// The account's 3×3 coverage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The three largest departments (by active users; ties by name), fewer if the account
    /// has fewer.
    pub departments: Vec<String>,
    /// Active users per level ([`LEVELS`]) and department (`departments`' order).
    pub grid: [[u32; 3]; 3],
    /// The gaps in words.
    pub gaps: Vec<String>,
}

impl Coverage {
    /// Empty cells, a missing department counting three.
    pub fn gap_count(&self) -> u32 {
        let filled: u32 = self.grid.iter().flatten().map(|n| u32::from(*n > 0)).sum();
        9 - filled
    }
}

/// The coverage of the users active in the window ending `today`.
pub fn coverage(people: &[Person], today: Day) -> Coverage {
    let active = people
        .iter()
        .filter(|p| p.last_active.is_some_and(|d| d > today.minus(WINDOW_DAYS)));
    let mut by_department: BTreeMap<&str, u32> = BTreeMap::new();
    for p in active.clone() {
        if let Some(d) = &p.department {
            *by_department.entry(d).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, u32)> = by_department.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let departments: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|(d, _)| (*d).to_owned())
        .collect();
    let mut grid = [[0u32; 3]; 3];
    for p in active {
        let level = LEVELS
            .iter()
            .position(|l| p.seniority.as_deref() == Some(*l));
        let column = departments
            .iter()
            .position(|d| p.department.as_deref() == Some(d.as_str()));
        if let (Some(l), Some(c)) = (level, column) {
            grid[l][c] += 1;
        }
    }
    let mut gaps = Vec::new();
    for (l, level) in LEVELS.iter().enumerate() {
        if grid[l].iter().all(|n| *n == 0) {
            gaps.push(format!("no {level} active"));
        }
    }
    if departments.len() < 3 {
        gaps.push(format!("{} of 3 departments reached", departments.len()));
    }
    for (c, department) in departments.iter().enumerate() {
        for (l, level) in LEVELS.iter().enumerate() {
            if grid[l][c] == 0 && grid[l].iter().any(|n| *n > 0) {
                gaps.push(format!("no {level} in {department}"));
            }
        }
    }
    Coverage {
        departments,
        grid,
        gaps,
    }
}

/// Whether the account's only champion (among `champions`) went quiet: no activity in the
/// last [`WINDOW_DAYS`] days.
pub fn sole_champion_quiet(champions: &[&Person], today: Day) -> bool {
    match champions {
        [only] => only
            .last_active
            .is_none_or(|d| d <= today.minus(WINDOW_DAYS)),
        _ => false,
    }
}
