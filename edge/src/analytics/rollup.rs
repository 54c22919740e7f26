//! An account's rollup of one campaign: its users' records folded into rows per (arm, day,
//! metric), cut into week units. Pure, so the account object and the native tests share it.

use std::collections::BTreeMap;

use protocol::v1::RollupRow;
use rules::{MessageRecord, Timestamp};

/// The `arm` of users of a campaign without an experiment.
pub const NO_ARM: &str = "all";

/// What an account holds about one user and one campaign.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserRollup {
    /// The message record.
    pub record: MessageRecord,
    /// The experiment arm (`control`, `treatment` or a variant), once exposed.
    pub arm: Option<String>,
    /// When the user reached the campaign's goal.
    pub converted: Option<i64>,
    /// The user's latest survey answer: score and time.
    pub survey: Option<(u32, i64)>,
    /// The checklist tasks (1-based) the user did once shown.
    pub tasks_done: Vec<u32>,
}

/// Days since the epoch of an instant.
pub fn day_of(at: i64) -> i64 {
    at.div_euclid(86_400_000)
}

/// The week unit of a day.
pub fn week_of_day(day: i64) -> i64 {
    day.div_euclid(7)
}

impl UserRollup {
    /// When the user entered the campaign: first exposure to its experiment, else first shown.
    pub fn entered(record: &MessageRecord) -> Option<Timestamp> {
        record.exposed.or(record.first_shown)
    }

    /// The user's contributions: `(metric, day, count)`, each metric at most once.
    pub fn contributions(&self) -> Vec<(String, i64, u64)> {
        let r = &self.record;
        let mut out = Vec::new();
        let mut at = |metric: &str, t: Option<i64>, n: u64| {
            if let Some(t) = t {
                out.push((metric.to_owned(), day_of(t), n));
            }
        };
        let targeted = [r.delivered, r.exposed, r.first_shown]
            .into_iter()
            .flatten()
            .min();
        at("targeted", targeted.map(|t| t.0), 1);
        at("exposed", r.exposed.map(|t| t.0), 1);
        at(
            "shown",
            r.first_shown.map(|t| t.0),
            u64::from(r.shown_count.max(1)),
        );
        at("clicked", r.clicked.map(|t| t.0), 1);
        at("dismissed", r.dismissed.map(|t| t.0), 1);
        at("snoozed", r.snoozed.map(|t| t.0), 1);
        at("converted", self.converted, 1);
        if let Some(shown) = r.first_shown {
            // Tour steps reached, 1-based (step 1 is the first, reached when shown).
            for n in 2..=r.step.saturating_add(1) {
                at(&format!("step:{n}"), Some(shown.0), 1);
            }
        }
        if let Some(shown) = r.first_shown {
            for n in &self.tasks_done {
                at(&format!("task:{n}"), Some(shown.0), 1);
            }
        }
        if let Some((score, t)) = self.survey {
            at(nps_class(score), Some(t), 1);
        }
        out
    }

    /// The weeks this user's rows fall in (where a change to the user touches the rollup).
    pub fn weeks(&self) -> Vec<i64> {
        let mut weeks: Vec<i64> = self
            .contributions()
            .iter()
            .map(|(_, day, _)| week_of_day(*day))
            .collect();
        weeks.sort_unstable();
        weeks.dedup();
        weeks
    }
}

/// `promoter` (9-10), `passive` (7-8) or `detractor` (0-6).
pub fn nps_class(score: u32) -> &'static str {
    match score {
        9.. => "promoter",
        7 | 8 => "passive",
        _ => "detractor",
    }
}

/// The rows of one campaign for an account's users, by week unit.
pub fn rollup(users: &[UserRollup]) -> BTreeMap<i64, Vec<RollupRow>> {
    let mut sums: BTreeMap<(i64, String, String), (u64, u64)> = BTreeMap::new();
    for u in users {
        let arm = u.arm.as_deref().unwrap_or(NO_ARM);
        for (metric, day, n) in u.contributions() {
            let slot = sums.entry((day, arm.to_owned(), metric)).or_default();
            slot.0 += 1;
            slot.1 += n;
        }
    }
    let mut weeks: BTreeMap<i64, Vec<RollupRow>> = BTreeMap::new();
    for ((day, arm, metric), (users, count)) in sums {
        weeks.entry(week_of_day(day)).or_default().push(RollupRow {
            arm,
            day,
            metric,
            users,
            count,
        });
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn user(arm: Option<&str>, shown_day: Option<i64>, clicked_day: Option<i64>) -> UserRollup {
        UserRollup {
            record: MessageRecord {
                first_shown: shown_day.map(|d| Timestamp(d * DAY + 5)),
                shown_count: u32::from(shown_day.is_some()) * 2,
                clicked: clicked_day.map(|d| Timestamp(d * DAY + 7)),
                ..MessageRecord::default()
            },
            arm: arm.map(str::to_owned),
            ..UserRollup::default()
        }
    }

    fn find<'a>(rows: &'a [RollupRow], arm: &str, metric: &str, day: i64) -> Option<&'a RollupRow> {
        rows.iter()
            .find(|r| r.arm == arm && r.metric == metric && r.day == day)
    }

    #[test]
    fn users_count_once_per_metric_on_their_day() {
        let users = [
            user(None, Some(14), Some(15)),
            user(None, Some(14), None),
            user(Some("control"), Some(20), Some(20)),
        ];
        let weeks = rollup(&users);
        let w2: &[RollupRow] = &weeks[&2];
        let shown = find(w2, NO_ARM, "shown", 14).expect("shown row");
        assert_eq!((shown.users, shown.count), (2, 4));
        assert_eq!(find(w2, NO_ARM, "clicked", 15).map(|r| r.users), Some(1));
        assert_eq!(find(w2, NO_ARM, "targeted", 14).map(|r| r.users), Some(2));
        let w3: &[RollupRow] = &weeks[&week_of_day(20)];
        assert_eq!(find(w3, "control", "clicked", 20).map(|r| r.users), Some(1));
        assert!(find(w2, "control", "shown", 14).is_none());
    }

    #[test]
    fn steps_surveys_and_conversions() {
        let mut u = user(Some("treatment"), Some(10), None);
        u.record.step = 2;
        u.converted = Some(12 * DAY);
        u.survey = Some((9, 11 * DAY));
        let contributions = u.contributions();
        let metrics: Vec<(&str, i64)> = contributions
            .iter()
            .map(|(m, d, _)| (m.as_str(), *d))
            .collect();
        for expected in [
            ("step:2", 10),
            ("step:3", 10),
            ("converted", 12),
            ("promoter", 11),
        ] {
            assert!(metrics.contains(&expected), "{expected:?} in {metrics:?}");
        }
        assert!(!metrics.iter().any(|(m, _)| *m == "step:4"));
        assert_eq!(u.weeks(), vec![1]);
    }

    #[test]
    fn nps_classes() {
        for (score, class) in [
            (0, "detractor"),
            (6, "detractor"),
            (7, "passive"),
            (8, "passive"),
            (9, "promoter"),
            (10, "promoter"),
        ] {
            assert_eq!(nps_class(score), class, "score {score}");
        }
    }
}
