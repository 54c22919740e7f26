//! Bounded storage per account: raw events are kept for a window (90 days by default) and
//! under a size cap; daily usage (what decisions' windows and trends read) is kept 400 days.

use rules::{Day, Timestamp};

use super::{AccountStore, USAGE_DAYS};
use crate::error::AppError;

/// The account object's storage limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Raw events older than this many days are deleted.
    pub days: u32,
    /// Above this many bytes the oldest raw events are deleted.
    pub max_bytes: u64,
}

/// The default size cap: 4 GiB of the object's 10 GB.
pub const DEFAULT_MAX_BYTES: u64 = 4 << 30;

const DAY_MS: i64 = 86_400_000;

/// Deletes what falls outside `limits` at `now`; `size` is the object's database size before
/// the pass. Returns (events, usage rows) deleted.
///
/// SQLite's file does not shrink as rows are deleted, so the size cap is not chased in a
/// loop: the pass deletes as many of the oldest events as the excess is worth at the
/// object's average bytes per event, and the next pass looks again.
pub fn prune<S: AccountStore>(
    store: &mut S,
    limits: Retention,
    now: Timestamp,
    size: u64,
) -> Result<(u64, u64), AppError> {
    let window = i64::from(limits.days).saturating_mul(DAY_MS);
    let (mut events, usage) = store.prune(
        now.0.saturating_sub(window),
        Day(now.day().0.saturating_sub(USAGE_DAYS)),
    )?;
    if size > limits.max_bytes {
        let (kept, _) = store.event_stats()?;
        if let Some(per_event) = size.checked_div(kept) {
            let per_event = per_event.max(1);
            let excess = (size - limits.max_bytes).div_ceil(per_event);
            events += store.prune_oldest(excess.min(kept))?;
        }
    }
    Ok((events, usage))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{MemoryAccountStore, NewEvent};

    const NOW: Timestamp = Timestamp(1_773_576_000_000);

    fn store_with(ages_in_days: &[i64]) -> MemoryAccountStore {
        let mut store = MemoryAccountStore::default();
        for (i, age) in ages_in_days.iter().enumerate() {
            let id = format!("e{i}");
            let at = NOW.0 - age * DAY_MS;
            store
                .insert_event(&NewEvent {
                    id: &id,
                    user_id: "u1",
                    kind: "track",
                    name: Some("x"),
                    timestamp: at,
                    received_at: at,
                    body: "{}",
                })
                .expect("stored");
            store
                .add_usage("u1", "x", Timestamp(at).day(), 1)
                .expect("usage");
        }
        store
    }

    #[test]
    fn the_window_and_the_cap_bound_raw_events_while_usage_stays_400_days() {
        let limits = Retention {
            days: 90,
            max_bytes: 1_000,
        };
        // (event ages in days, database size) → (events deleted, usage rows deleted, kept)
        type Case<'a> = (&'a [i64], u64, (u64, u64, u64));
        let cases: [Case<'_>; 4] = [
            (&[1, 10, 89], 500, (0, 0, 3)),
            (&[1, 91, 200, 399], 500, (3, 0, 1)),
            (&[1, 91, 401, 500], 500, (3, 2, 1)),
            // 4 events in 2,000 bytes: 500 each; 1,000 over the cap is 2 events, the oldest.
            (&[1, 2, 3, 4], 2_000, (2, 0, 2)),
        ];
        for (ages, size, (events, usage, kept)) in cases {
            let mut store = store_with(ages);
            let got = prune(&mut store, limits, NOW, size).expect("pruned");
            assert_eq!(got, (events, usage), "{ages:?} at {size} bytes");
            let (left, oldest) = store.event_stats().expect("stats");
            assert_eq!(left, kept, "{ages:?}");
            if size > limits.max_bytes {
                assert_eq!(oldest, Some(NOW.0 - 2 * DAY_MS), "the oldest went first");
            }
        }
    }
}
