//! Limits on the public routes, checked before anything is stored:
//! - request rates per write key and per (write key, client address): the Workers
//!   rate-limiting binding (`RL_KEY`, `RL_CLIENT`, `RL_COLLAB` in wrangler.toml), cheap and
//!   per location, enough to stop a flood;
//! - each workspace's monthly events and each write key's new accounts per day: exact
//!   counters in `Limiter` Durable Objects, because a quota is billed and account objects
//!   cost storage.
//!
//! Above a limit: 429 with a stable code and `Retry-After`.

use std::cell::RefCell;
use std::collections::HashSet;

use protocol::{ErrorCode, Problem};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, Env, ObjectNamespace, RateLimiter};

use super::{Route, WriteKey};
use crate::error::AppError;

/// Events a workspace may send per calendar month (UTC), unless set per workspace.
pub const DEFAULT_MONTHLY_EVENTS: u64 = 50_000_000;
/// New accounts a write key may open per day (UTC), unless set per workspace.
pub const DEFAULT_NEW_ACCOUNTS_PER_DAY: u64 = 10_000;
const DAY_MS: i64 = 24 * 3600 * 1000;

thread_local! {
    /// `workspace\0account` pairs this isolate has seen registered.
    static KNOWN: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
}

/// The bindings behind the limits, for one request.
pub struct Gate {
    client: String,
    per_key: Option<RateLimiter>,
    per_client: Option<RateLimiter>,
    collab: Option<RateLimiter>,
    counters: Option<ObjectNamespace>,
    monthly_events: u64,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Gate {
    /// The gate of a request from `client` (its address).
    pub fn from_env(env: &Env, client: String) -> Self {
        let monthly_events = env
            .var("CAIRN_MONTHLY_EVENT_QUOTA")
            .ok()
            .and_then(|v| v.to_string().parse().ok())
            .unwrap_or(DEFAULT_MONTHLY_EVENTS);
        Self {
            client,
            per_key: env.rate_limiter("RL_KEY").ok(),
            per_client: env.rate_limiter("RL_CLIENT").ok(),
            collab: env.rate_limiter("RL_COLLAB").ok(),
            counters: env.durable_object("LIMITER").ok(),
            monthly_events,
        }
    }

    /// Request-rate limits.
    pub async fn admit(
        &self,
        key: &WriteKey,
        write_key: &str,
        route: Route,
    ) -> Result<(), AppError> {
        let client_key = format!("{write_key}|{}", self.client);
        if let (Some(limit), Some(ns)) = (key.requests_per_10s, &self.counters) {
            let now = worker::Date::now().as_millis() as i64;
            let start = now - now.rem_euclid(10_000);
            let name = format!("rate:{client_key}");
            if !crate::limiter::take(ns, &name, start, 1, limit).await?.ok {
                return Err(rate_limited());
            }
        }
        let checks = [
            (&self.per_key, write_key.to_owned()),
            (
                if route == Route::Collab {
                    &self.collab
                } else {
                    &self.per_client
                },
                client_key,
            ),
        ];
        for (limiter, key) in checks {
            if let Some(l) = limiter
                && !l.limit(key).await?.success
            {
                return Err(rate_limited());
            }
        }
        Ok(())
    }

    /// The monthly quota.
    pub async fn take_events(&self, key: &WriteKey, n: u64, now: i64) -> Result<(), AppError> {
        let Some(ns) = &self.counters else {
            return Ok(());
        };
        let (start, next) = month_bounds(now);
        let limit = key.monthly_events.unwrap_or(self.monthly_events);
        let name = format!("events:{}", key.workspace_id);
        if crate::limiter::take(ns, &name, start, n, limit).await?.ok {
            return Ok(());
        }
        Err(AppError::Limited(
            Problem::new(
                ErrorCode::QuotaExceeded,
                "events",
                format!("the workspace's {limit} events of this month are used up"),
            ),
            retry_after(now, next),
        ))
    }

    /// New accounts per write key and day; registers admitted accounts.
    pub async fn admit_accounts(
        &self,
        db: &D1Database,
        key: &WriteKey,
        write_key: &str,
        accounts: &[&str],
        now: i64,
    ) -> Result<(), AppError> {
        let ws = &key.workspace_id;
        let pair = |a: &str| format!("{ws}\0{a}");
        let unknown: Vec<&str> = accounts
            .iter()
            .copied()
            .filter(|a| !KNOWN.with(|k| k.borrow().contains(&pair(a))))
            .collect();
        let mut new = Vec::new();
        for a in unknown {
            #[derive(Deserialize)]
            struct Row {
                #[allow(dead_code)]
                account_id: String,
            }
            let row: Option<Row> = db
                .prepare(
                    "SELECT account_id FROM accounts WHERE workspace_id = ?1 AND account_id = ?2",
                )
                .bind(&[JsValue::from_str(ws), JsValue::from_str(a)])?
                .first(None)
                .await?;
            match row {
                Some(_) => remember(&pair(a)),
                None => new.push(a),
            }
        }
        if new.is_empty() {
            return Ok(());
        }
        if let Some(ns) = &self.counters {
            let start = now - now.rem_euclid(DAY_MS);
            let limit = key
                .new_accounts_per_day
                .unwrap_or(DEFAULT_NEW_ACCOUNTS_PER_DAY);
            let name = format!("new-accounts:{write_key}");
            if !crate::limiter::take(ns, &name, start, new.len() as u64, limit)
                .await?
                .ok
            {
                return Err(AppError::Limited(
                    Problem::new(
                        ErrorCode::AccountLimit,
                        "account_id",
                        format!("this write key opened its {limit} new accounts for today"),
                    ),
                    retry_after(now, start + DAY_MS),
                ));
            }
        }
        for a in new {
            db.prepare(
                "INSERT OR IGNORE INTO accounts (workspace_id, account_id, created_at) VALUES (?1, ?2, ?3)",
            )
            .bind(&[JsValue::from_str(ws), JsValue::from_str(a), JsValue::from_f64(now as f64)])?
            .run()
            .await?;
            remember(&pair(a));
        }
        Ok(())
    }
}

fn rate_limited() -> AppError {
    AppError::Limited(
        Problem::new(
            ErrorCode::RateLimited,
            "write_key",
            "too many requests for this write key from here; slow down",
        ),
        10,
    )
}

fn remember(pair: &str) {
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.len() > 50_000 {
            k.clear();
        }
        k.insert(pair.to_owned());
    });
}

fn retry_after(now: i64, until: i64) -> u32 {
    u32::try_from(((until - now) / 1000).max(1)).unwrap_or(u32::MAX)
}

/// The first millisecond of `now`'s calendar month (UTC) and of the next one.
pub fn month_bounds(now: i64) -> (i64, i64) {
    let days = now.div_euclid(DAY_MS);
    let (y, m, d) = civil(days);
    let start = (days - i64::from(d) + 1) * DAY_MS;
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (start, days_from_civil(ny, nm, 1) * DAY_MS)
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        // (now, month start, next month start), all UTC.
        for (now, start, next) in [
            (0, 0, 2_678_400_000),                                     // 1970-01
            (1_796_126_836_439, 1_796_083_200_000, 1_798_761_600_000), // 2026-12-01 → 2027-01
            (1_709_251_199_999, 1_706_745_600_000, 1_709_251_200_000), // 2024-02 (leap) end
            (1_709_251_200_000, 1_709_251_200_000, 1_711_929_600_000), // 2024-03-01
        ] {
            assert_eq!(month_bounds(now), (start, next), "{now}");
        }
    }
}
