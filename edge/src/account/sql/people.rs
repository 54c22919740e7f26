//! `PeopleStore` over the account object's SQLite: `users`, `usage` in the window, and the
//! users' `seniority` and `department` traits.

use std::collections::BTreeMap;

use rules::{Day, Person, Timestamp};
use worker::SqlStorageValue as V;

use super::{SqlStore, int, text};
use crate::account::people::{PeopleStore, place, window_start};
use crate::error::AppError;

fn day_of(ms: Option<i64>) -> Option<Day> {
    ms.map(|ms| Timestamp(ms).day())
}

impl PeopleStore for SqlStore<'_> {
    fn people(&self, today: Day) -> Result<Vec<Person>, AppError> {
        let mut people: BTreeMap<String, Person> = BTreeMap::new();
        for r in self.rows(
            "SELECT user_id, first_seen, last_seen FROM users",
            Vec::new(),
        )? {
            let Some(user) = text(r.first()) else {
                continue;
            };
            people.insert(
                user.clone(),
                Person {
                    user_id: user,
                    first_seen: day_of(int(r.get(1))),
                    last_active: day_of(int(r.get(2))),
                    ..Person::default()
                },
            );
        }
        let mut days: BTreeMap<String, std::collections::BTreeSet<i64>> = BTreeMap::new();
        for r in self.rows(
            "SELECT user_id, feature, day FROM usage WHERE day >= ?",
            vec![V::Integer(i64::from(window_start(today).0))],
        )? {
            let (Some(user), Some(feature), Some(day)) =
                (text(r.first()), text(r.get(1)), int(r.get(2)))
            else {
                continue;
            };
            if let Some(p) = people.get_mut(&user) {
                p.features.insert(feature);
                days.entry(user).or_default().insert(day);
            }
        }
        for r in self.rows(
            "SELECT owner, key, text FROM traits
             WHERE owner LIKE 'u:%' AND key IN ('seniority', 'department')",
            Vec::new(),
        )? {
            let (Some(owner), Some(key)) = (text(r.first()), text(r.get(1))) else {
                continue;
            };
            let value = text(r.get(2)).map(rules::Value::Text);
            if let Some(p) = owner.strip_prefix("u:").and_then(|u| people.get_mut(u)) {
                place(p, &key, value.as_ref());
            }
        }
        for (user, set) in days {
            if let Some(p) = people.get_mut(&user) {
                p.active_days = set.len() as u32;
            }
        }
        Ok(people.into_values().collect())
    }
}
