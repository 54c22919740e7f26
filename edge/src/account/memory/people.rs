//! `PeopleStore` over the in-memory double.

use std::collections::{BTreeMap, BTreeSet};

use rules::{Day, Person, Timestamp};

use super::MemoryAccountStore;
use crate::account::people::{PeopleStore, place, window_start};
use crate::error::AppError;

impl PeopleStore for MemoryAccountStore {
    fn people(&self, today: Day) -> Result<Vec<Person>, AppError> {
        let from = window_start(today);
        let mut days: BTreeMap<&str, BTreeSet<Day>> = BTreeMap::new();
        let mut features: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for ((user, feature, day), n) in &self.usage {
            if *day >= from && *n > 0 {
                days.entry(user).or_default().insert(*day);
                features.entry(user).or_default().insert(feature.clone());
            }
        }
        Ok(self
            .users
            .iter()
            .map(|(user, (first, last))| {
                let mut p = Person {
                    user_id: user.clone(),
                    first_seen: Some(Timestamp(*first).day()),
                    last_active: Some(Timestamp(*last).day()),
                    active_days: days.get(user.as_str()).map_or(0, |d| d.len() as u32),
                    features: features.remove(user.as_str()).unwrap_or_default(),
                    ..Person::default()
                };
                for (key, (value, _)) in self.user_traits.get(user).into_iter().flatten() {
                    place(&mut p, key, Some(value));
                }
                p
            })
            .collect())
    }
}
