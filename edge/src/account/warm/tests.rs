//! The mirror answers the same facts as the in-memory store given the same writes: traits
//! older than the stored ones ignored, latest survey answers, sessions across gaps, usage
//! and first/last occurrences per user and for the account.

use std::collections::BTreeSet;

use rules::{CampaignId, Day, Timestamp, Value};

use super::Mirror;
use crate::account::{AccountStore, MemoryAccountStore, SESSION_GAP_MS, TraitOwner};

const T: i64 = 1_780_000_000_000;
const MIN: i64 = 60_000;

/// One write, applied to both stores.
#[derive(Debug, Clone, Copy)]
enum Write {
    Touch(&'static str, &'static [i64]),
    Usage(&'static str, &'static str, i32, u32),
    Seen(&'static str, &'static str, i64, i64),
    UserTrait(&'static str, &'static str, f64, i64),
    AccountTrait(&'static str, &'static str, i64),
    Survey(&'static str, &'static str, u32, i64),
}

fn apply(w: Write, mirror: &mut Mirror, store: &mut MemoryAccountStore) {
    match w {
        Write::Touch(user, times) => {
            mirror.touch(user, times);
            store.touch_user_times(user, times).ok();
        }
        Write::Usage(user, feature, day, n) => {
            mirror.add_usage(user, feature, Day(day), n);
            store.add_usage(user, feature, Day(day), n).ok();
        }
        Write::Seen(user, name, first, last) => {
            mirror.add_seen(user, name, first, last);
            store.add_seen_span(user, name, first, last).ok();
        }
        Write::UserTrait(user, key, n, at) => {
            let v = Value::Number(n);
            mirror.set_trait(TraitOwner::User(user), key, &v, at);
            store.set_trait(TraitOwner::User(user), key, &v, at).ok();
        }
        Write::AccountTrait(key, text, at) => {
            let v = Value::Text(text.to_owned());
            mirror.set_trait(TraitOwner::Account, key, &v, at);
            store.set_trait(TraitOwner::Account, key, &v, at).ok();
        }
        Write::Survey(user, campaign, score, at) => {
            mirror.add_survey(user, campaign, score, at);
            let id = CampaignId::new(campaign).ok();
            if let Some(id) = id {
                store.add_survey(user, &id, score, None, at).ok();
            }
        }
    }
}

#[test]
fn the_mirror_answers_what_the_store_answers() {
    let writes = [
        Write::Touch("ana", &[T, T + 5 * MIN]),
        // After a gap longer than a session: a new session.
        Write::Touch("ana", &[T + 5 * MIN + SESSION_GAP_MS + MIN]),
        // Back-dated activity never moves the session back.
        Write::Touch("ben", &[T + 10 * MIN, T]),
        Write::Usage("ana", "create_expense", 20_600, 3),
        Write::Usage("ana", "create_expense", 20_600, 2),
        Write::Usage("ben", "create_expense", 20_601, 1),
        Write::Usage("ben", "export", 20_590, 4),
        Write::Usage("cy", "export", 20_500, 0),
        Write::Seen("ana", "create_expense", T, T + MIN),
        Write::Seen("ana", "create_expense", T - MIN, T),
        Write::Seen("ben", "create_expense", T + 2 * MIN, T + 3 * MIN),
        Write::UserTrait("ana", "seats_used", 3.0, T),
        // Older than the stored value: ignored.
        Write::UserTrait("ana", "seats_used", 1.0, T - MIN),
        Write::UserTrait("ben", "seats_used", 7.0, T),
        Write::AccountTrait("plan", "pro", T),
        Write::AccountTrait("plan", "free", T - 1),
        Write::AccountTrait("industry", "retail", T + 1),
        Write::Survey("ana", "nps", 4, T),
        Write::Survey("ana", "nps", 9, T + MIN),
        Write::Survey("ana", "nps", 2, T - MIN),
        Write::Survey("ben", "nps", 7, T),
    ];
    let mut mirror = Mirror::default();
    let mut store = MemoryAccountStore::default();
    for (n, w) in writes.iter().enumerate() {
        apply(*w, &mut mirror, &mut store);
        // After every write, for every user (and one unknown) and at several times.
        for user in ["ana", "ben", "cy", "nobody"] {
            for now in [T, T + 20 * MIN, T + 3 * SESSION_GAP_MS] {
                let want = store.facts(user, Timestamp(now), &BTreeSet::new());
                assert_eq!(
                    Ok(mirror.facts(user, Timestamp(now))),
                    want.map_err(|e| e.to_string()),
                    "after write {n} ({w:?}), {user} at {now}"
                );
            }
        }
    }
}

#[test]
fn a_mirror_is_loaded_once_then_kept() {
    let warm = super::Warm::default();
    let loads = std::cell::Cell::new(0);
    let load = || -> Result<Mirror, ()> {
        loads.set(loads.get() + 1);
        let mut m = Mirror::default();
        m.add_usage("ana", "export", Day(20_600), 1);
        Ok(m)
    };
    let used =
        |f: Result<rules::Facts, ()>| f.map(|f| f.user_usage.total(Day(20_600), Day(20_600)));
    let first = used(warm.facts("ana", Timestamp(T), load));
    // Kept by a write: the next facts see it without loading again.
    warm.keep(|m| m.add_usage("ana", "export", Day(20_600), 2));
    let second = used(warm.facts("ana", Timestamp(T), load));
    assert_eq!((loads.get(), first, second), (1, Ok(1), Ok(3)));
    // A loaded mirror answers sessions (none yet for ana); an unloaded one leaves it to storage.
    assert_eq!(warm.session("ana"), Some(None));
    warm.keep(|m| m.touch("ana", &[T]));
    assert_eq!(warm.session("ana"), Some(Some((T, T))));
    // After a delete the mirror is dropped and loaded again.
    warm.drop_all();
    assert_eq!(warm.session("ana"), None);
    let third = used(warm.facts("ana", Timestamp(T), load));
    assert_eq!((loads.get(), third), (2, Ok(1)));
}
