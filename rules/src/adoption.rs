//! Adoption of an account and of the portfolio: licence utilisation (users active in the last
//! [`ADOPTION_DAYS`] days against the account trait `seats`), breadth (which of the workspace's
//! key features the account used in the same window), the account's NPS, and the KPIs over
//! many accounts: portfolio utilisation, the share of accounts using at least half of the key
//! features, and each key feature's adoption across accounts (seed 003).

use crate::account::Ctx;
use crate::commercial::number;

/// The window of every adoption figure, today included.
pub const ADOPTION_DAYS: i32 = 28;

/// The window of the account's NPS, today included.
pub const NPS_DAYS: i32 = 365;

/// One account's adoption.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Adoption {
    /// Users active in the window.
    pub active_users: u32,
    /// Licensed seats (account trait `seats`), when known and positive.
    pub seats: Option<f64>,
    /// The key features (workspace settings `key_features`) used in the window, in their order.
    pub features_used: Vec<String>,
    /// How many key features the workspace names.
    pub key_features: u32,
    /// Net Promoter Score of the account's survey answers (0-10) in [`NPS_DAYS`]; -100..100.
    pub nps: Option<f64>,
}

impl Adoption {
    /// Active users as a percentage of seats (above 100 when over-deployed).
    pub fn utilisation(&self) -> Option<f64> {
        self.seats
            .map(|seats| f64::from(self.active_users) * 100.0 / seats)
    }

    /// The percentage of key features used; `None` without key features.
    pub fn breadth(&self) -> Option<f64> {
        (self.key_features > 0)
            .then(|| self.features_used.len() as f64 * 100.0 / f64::from(self.key_features))
    }

    /// Whether the account uses at least half of the key features.
    pub fn broad(&self) -> bool {
        self.key_features > 0 && self.features_used.len() * 2 >= self.key_features as usize
    }
}

/// The adoption of the account whose facts `ctx` holds, at `ctx.now`.
pub fn account_adoption(ctx: &Ctx<'_>) -> Adoption {
    let facts = ctx.facts;
    let today = ctx.now.day();
    let from = today.minus(ADOPTION_DAYS - 1);
    let active = facts
        .users_last_active
        .values()
        .filter(|d| **d >= from)
        .count();
    let keys = &ctx.model.key_features;
    let nps_from = today.minus(NPS_DAYS - 1);
    let scores: Vec<u32> = facts
        .surveys
        .iter()
        .filter(|s| s.at.day() >= nps_from)
        .map(|s| s.score)
        .collect();
    Adoption {
        active_users: u32::try_from(active).unwrap_or(u32::MAX),
        seats: number(facts.account_traits.get("seats")).filter(|s| *s > 0.0),
        features_used: keys
            .iter()
            .filter(|k| facts.account_usage.sum(k, from, today) > 0)
            .cloned()
            .collect(),
        key_features: u32::try_from(keys.len()).unwrap_or(u32::MAX),
        nps: nps(&scores),
    }
}

/// The Net Promoter Score of 0-10 answers: % promoters (9-10) − % detractors (0-6), rounded.
pub fn nps(scores: &[u32]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let n = scores.len() as f64;
    let promoters = scores.iter().filter(|s| **s >= 9).count() as f64;
    let detractors = scores.iter().filter(|s| **s <= 6).count() as f64;
    Some(((promoters - detractors) / n * 100.0).round())
}

/// The portfolio's adoption KPIs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PortfolioAdoption {
    /// Accounts counted.
    pub accounts: u32,
    /// Of them, accounts with known seats.
    pub with_seats: u32,
    /// Their seats, summed.
    pub seats: f64,
    /// Their active users, summed.
    pub active_users: u32,
    /// Accounts using at least half of the key features.
    pub broad: u32,
    /// Each key feature and the accounts that used it in the window.
    pub features: Vec<(String, u32)>,
}

impl PortfolioAdoption {
    /// Active users over seats, across the accounts with known seats (a seat-weighted mean).
    pub fn utilisation(&self) -> Option<f64> {
        (self.seats > 0.0).then(|| f64::from(self.active_users) * 100.0 / self.seats)
    }

    /// The percentage of accounts using at least half of the key features.
    pub fn broad_share(&self) -> Option<f64> {
        (self.accounts > 0 && !self.features.is_empty())
            .then(|| f64::from(self.broad) * 100.0 / f64::from(self.accounts))
    }
}

/// The KPIs of `accounts`, with the workspace's `key_features`.
pub fn portfolio_adoption<'a>(
    accounts: impl IntoIterator<Item = &'a Adoption>,
    key_features: &[String],
) -> PortfolioAdoption {
    let mut p = PortfolioAdoption {
        features: key_features.iter().map(|k| (k.clone(), 0)).collect(),
        ..PortfolioAdoption::default()
    };
    for a in accounts {
        p.accounts += 1;
        if let Some(seats) = a.seats {
            p.with_seats += 1;
            p.seats += seats;
            p.active_users += a.active_users;
        }
        if a.broad() {
            p.broad += 1;
        }
        for (feature, n) in &mut p.features {
            if a.features_used.contains(feature) {
                *n += 1;
            }
        }
    }
    p
}
