//! The account's people for customer success: each user's activity in the last 30 days and
//! their `seniority` / `department`, folded by `rules` into champions and the 3×3 coverage
//! that the account's summary carries.

use protocol::v1::PeopleDto;
use rules::{Day, Person, Traits, WINDOW_DAYS, confirmed, coverage, is_champion};

use crate::error::AppError;

/// Reads the account's people.
pub trait PeopleStore {
    /// Every user: first seen, last seen, activity in the [`WINDOW_DAYS`] days ending
    /// `today`, and their seniority and department traits.
    fn people(&self, today: Day) -> Result<Vec<Person>, AppError>;
}

/// Sets `p`'s level or department from the user trait `key` (`seniority`, `department`).
pub(super) fn place(p: &mut Person, key: &str, value: Option<&rules::Value>) {
    match key {
        "seniority" => p.seniority = rules::level(value),
        "department" => {
            p.department = match value {
                Some(rules::Value::Text(t)) if !t.trim().is_empty() => Some(t.trim().to_owned()),
                _ => None,
            }
        }
        _ => {}
    }
}

/// The first day of the window ending `today`.
pub(super) fn window_start(today: Day) -> Day {
    today.minus(WINDOW_DAYS - 1)
}

/// Champions (by the rule, or confirmed in the account trait `cs_champions`) and coverage.
pub(super) fn people_of(
    people: &[Person],
    account_traits: &Traits,
    key_features: &[String],
    today: Day,
) -> PeopleDto {
    let listed = account_traits.get("cs_champions");
    let champions: Vec<&Person> = people
        .iter()
        .filter(|p| confirmed(listed, &p.user_id) || is_champion(p, key_features, today))
        .collect();
    let c = coverage(people, today);
    PeopleDto {
        champions: champions.iter().map(|p| p.user_id.clone()).collect(),
        confirmed: people
            .iter()
            .filter(|p| confirmed(listed, &p.user_id))
            .map(|p| p.user_id.clone())
            .collect(),
        sole_champion_quiet: rules::sole_champion_quiet(&champions, today),
        gap_count: c.gap_count(),
        departments: c.departments,
        grid: c.grid,
        gaps: c.gaps,
    }
}

#[cfg(test)]
mod tests {
    use protocol::v1::{AccountEventDto, Dropped, IngestRequest};
    use rules::Timestamp;

    use super::*;
    use crate::account::{MemoryAccountStore, ingest};

    const DAY: i64 = 86_400_000;
    /// 2026-12-01, noon.
    const NOW: i64 = 20_788 * DAY + DAY / 2;

    fn event(n: u32, user: &str, days_ago: i64, rest: &str) -> AccountEventDto {
        let at = NOW - days_ago * DAY;
        let body = format!(
            r#"{{"id":"00000000-0000-4000-8000-{n:012}","user_id":"{user}","account_id":"acme","timestamp":{at},{rest}}}"#
        );
        AccountEventDto::from_stored(at, at, body).expect("event")
    }

    #[test]
    fn people_from_the_account_store() {
        let mut events = vec![
            event(1, "ann", 70, r#""type":"track","name":"create_expense""#),
            event(
                2,
                "ann",
                0,
                r#""type":"identify","traits":{"seniority":"Executive","department":"Finance"}"#,
            ),
            event(
                3,
                "bo",
                40,
                r#""type":"identify","traits":{"seniority":"chief","department":" "}"#,
            ),
        ];
        for d in 0..8 {
            let name = if d % 2 == 0 {
                "create_expense"
            } else {
                "submit_expense"
            };
            events.push(event(
                10 + d,
                "ann",
                i64::from(d),
                &format!(r#""type":"track","name":"{name}""#),
            ));
        }
        events.push(event(
            30,
            "bo",
            40,
            r#""type":"track","name":"view_reports""#,
        ));
        let req = IngestRequest {
            events,
            decide_for: None,
            debug: false,
            campaigns: Vec::new(),
            settings: None,
            now: NOW,
            dry_run: false,
            repeat: 1,
            admin: None,
            dropped: Dropped::default(),
            webhook: None,
            catalog: None,
        };
        let mut store = MemoryAccountStore::default();
        ingest(&mut store, &req).expect("ingest");
        let today = Timestamp(NOW).day();
        let people = store.people(today).expect("people");
        let ann = &people[0];
        assert_eq!(
            (ann.user_id.as_str(), ann.active_days, ann.first_seen),
            ("ann", 8, Some(today.minus(70)))
        );
        assert_eq!(
            ann.features.iter().collect::<Vec<_>>(),
            ["create_expense", "submit_expense"]
        );
        assert_eq!(
            (ann.seniority.as_deref(), ann.department.as_deref()),
            (Some("executive"), Some("Finance"))
        );
        // An unknown level and a blank department place nobody; 40 days ago is out of the window.
        let bo = &people[1];
        assert_eq!(
            (
                bo.active_days,
                bo.seniority.as_ref(),
                bo.department.as_ref()
            ),
            (0, None, None)
        );

        let keys = [
            "create_expense",
            "submit_expense",
            "view_reports",
            "invite_teammate",
        ]
        .map(str::to_owned);
        let mut traits = Traits::new();
        let p = people_of(&people, &traits, &keys, today);
        assert_eq!(p.champions, ["ann"]);
        assert!(!p.sole_champion_quiet);
        assert_eq!(p.departments, ["Finance"]);
        // Bo, confirmed by a CSM, has been quiet for 40 days; Ann is a champion by the rule.
        traits.insert("cs_champions".into(), rules::Value::Text("bo".into()));
        let p = people_of(&people, &traits, &keys, today);
        assert_eq!(p.champions, ["ann", "bo"]);
        assert_eq!(p.confirmed, ["bo"]);
        let alone = people_of(&people[1..], &traits, &keys, today);
        assert!(
            alone.sole_champion_quiet,
            "the only champion, quiet for 40 days"
        );
    }
}
