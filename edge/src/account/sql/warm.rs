//! Loads the account object's in-memory facts (`account::warm`) from SQLite: every user's
//! session, first and last occurrences, traits, latest survey answers and daily usage. Run
//! once per object; the writes keep the mirror afterwards.

use rules::{Day, Timestamp};
use worker::SqlStorageValue as V;

use super::{SqlStore, decode_value, int, text};
use crate::account::TraitOwner;
use crate::account::warm::Mirror;
use crate::error::AppError;

impl SqlStore<'_> {
    /// The mirror of the account's fact tables as stored now.
    pub(super) fn load_mirror(&self, now: Timestamp) -> Result<Mirror, AppError> {
        let mut m = Mirror::default();
        for r in self.rows(
            "SELECT user_id, session_start, last_seen FROM users",
            Vec::new(),
        )? {
            if let (Some(user), Some(start), Some(last)) =
                (text(r.first()), int(r.get(1)), int(r.get(2)))
            {
                m.restore_session(&user, start, last);
            }
        }
        for r in self.rows("SELECT user_id, name, first, last FROM seen", Vec::new())? {
            if let (Some(user), Some(name), Some(first), Some(last)) = (
                text(r.first()),
                text(r.get(1)),
                int(r.get(2)),
                int(r.get(3)),
            ) {
                m.add_seen(&user, &name, first, last);
            }
        }
        // SQLite returns the other columns of the row holding max(at).
        for r in self.rows(
            "SELECT user_id, campaign, score, max(at) FROM surveys GROUP BY user_id, campaign",
            Vec::new(),
        )? {
            if let (Some(user), Some(campaign), Some(score), Some(at)) = (
                text(r.first()),
                text(r.get(1)),
                int(r.get(2)),
                int(r.get(3)),
            ) {
                m.add_survey(&user, &campaign, u32::try_from(score).unwrap_or(0), at);
            }
        }
        for r in self.rows(
            "SELECT owner, key, kind, num, text, updated_at FROM traits",
            Vec::new(),
        )? {
            let (Some(owner), Some(key), Some(at)) =
                (text(r.first()), text(r.get(1)), int(r.get(5)))
            else {
                continue;
            };
            let value = decode_value(int(r.get(2)), r.get(3), r.get(4));
            let owner = match owner.strip_prefix("u:") {
                Some(user) => TraitOwner::User(user),
                None if owner == "@" => TraitOwner::Account,
                None => continue,
            };
            m.set_trait(owner, &key, &value, at);
        }
        // Windows reach back at most 366 days, trends 90 + 90: older rows never matter. One
        // row per (user, feature) with its days packed as "day:count,…": crossing from
        // JavaScript into Rust costs per value, so thousands of daily rows become a hundred.
        let oldest = i64::from(now.day().0) - i64::from(crate::account::USAGE_DAYS);
        for r in self.rows(
            "SELECT user_id, feature, group_concat(day || ':' || count) FROM usage
             WHERE day >= ? GROUP BY user_id, feature",
            vec![V::Integer(oldest)],
        )? {
            let (Some(user), Some(feature), Some(days)) =
                (text(r.first()), text(r.get(1)), text(r.get(2)))
            else {
                continue;
            };
            for (day, n) in days.split(',').filter_map(|pair| pair.split_once(':')) {
                if let (Ok(day), Ok(n)) = (day.parse::<i32>(), n.parse::<u32>()) {
                    m.add_usage(&user, &feature, Day(day), n);
                }
            }
        }
        Ok(m)
    }
}
