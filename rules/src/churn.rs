//! Churn analysis over a portfolio: accounts marked churned or contracted (account traits
//! `churned_on` / `contracted_on` as `YYYY-MM-DD`, with `churn_reason`), churn rates by band,
//! and retention curves by the quarter in which accounts became customers
//! (`customer_since`). Pure; the bands read the documented traits `industry`, `arr`,
//! `employees`, `sales_rep`, `products` and `renewals`.

use std::collections::BTreeMap;

use crate::commercial::{DAYS_PER_MONTH, date_trait};
use crate::facts::Traits;
use crate::time::Day;

/// What happened to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It left.
    Churned,
    /// It stayed, smaller.
    Contracted,
}

/// An account's churn or contraction, from its traits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnMark {
    /// Churned or contracted.
    pub change: Change,
    /// When.
    pub on: Day,
    /// One of the workspace's reasons.
    pub reason: String,
}

fn day(t: &Traits, key: &str) -> Option<Day> {
    date_trait(t.get(key)).map(|ts| ts.day())
}

fn number(t: &Traits, key: &str) -> Option<f64> {
    crate::commercial::number(t.get(key))
}

/// A text trait, or a number one written out (a product code, say).
fn text(t: &Traits, key: &str) -> Option<String> {
    crate::commercial::text(t.get(key)).or_else(|| number(t, key).map(|n| format!("{n}")))
}

/// The account's mark: churning wins over a contraction.
pub fn churn_mark(t: &Traits) -> Option<ChurnMark> {
    let reason = text(t, "churn_reason").unwrap_or_default();
    let (change, on) = match (day(t, "churned_on"), day(t, "contracted_on")) {
        (Some(on), _) => (Change::Churned, on),
        (None, Some(on)) => (Change::Contracted, on),
        (None, None) => return None,
    };
    Some(ChurnMark { change, on, reason })
}

/// Months as a customer at `until` (the churn day, or today).
fn tenure_months(t: &Traits, until: Day) -> Option<f64> {
    let since = day(t, "customer_since")?;
    Some((f64::from(until.0 - since.0) / DAYS_PER_MONTH).max(0.0))
}

/// A dimension of the churn analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Trait `industry`.
    Industry,
    /// Contract value: trait `arr`.
    ContractValue,
    /// Company size: trait `employees`.
    Size,
    /// Months as a customer, until churn or today.
    Tenure,
    /// Trait `sales_rep`.
    SalesRep,
    /// Trait `products`.
    Product,
    /// Trait `renewals`.
    Renewals,
}

impl Dimension {
    /// Every dimension, in the order shown.
    pub const ALL: [Dimension; 7] = [
        Dimension::Industry,
        Dimension::ContractValue,
        Dimension::Size,
        Dimension::Tenure,
        Dimension::SalesRep,
        Dimension::Product,
        Dimension::Renewals,
    ];

    /// Its name in words.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::Industry => "Industry",
            Dimension::ContractValue => "Contract value",
            Dimension::Size => "Company size",
            Dimension::Tenure => "Tenure",
            Dimension::SalesRep => "Sales rep",
            Dimension::Product => "Product",
            Dimension::Renewals => "Renewals",
        }
    }

    /// The band of an account with traits `t` (`unknown` without the trait) at `today`.
    pub fn band(self, t: &Traits, today: Day) -> String {
        self.ranked_band(t, today).1
    }

    /// The band with its place: numeric bands in their order, named ones alike, `unknown`
    /// last.
    fn ranked_band(self, t: &Traits, today: Day) -> (u32, String) {
        const UNKNOWN: (u32, String) = (u32::MAX, String::new());
        let banded = |v: Option<f64>, bands: &[(f64, &'static str)], last: &'static str| {
            v.map_or(UNKNOWN, |v| {
                let i = bands.iter().position(|(below, _)| v < *below);
                let name = i.map_or(last, |i| bands[i].1);
                (i.unwrap_or(bands.len()) as u32, name.to_owned())
            })
        };
        let named = |key: &str| text(t, key).map_or(UNKNOWN, |v| (0, v));
        let (rank, band) = match self {
            Dimension::Industry => named("industry"),
            Dimension::SalesRep => named("sales_rep"),
            Dimension::Product => named("products"),
            Dimension::ContractValue => banded(
                number(t, "arr"),
                &[
                    (10_000.0, "under 10k"),
                    (50_000.0, "10k-50k"),
                    (100_000.0, "50k-100k"),
                ],
                "100k and more",
            ),
            Dimension::Size => banded(
                number(t, "employees"),
                &[(51.0, "1-50"), (201.0, "51-200"), (1_001.0, "201-1000")],
                "over 1000",
            ),
            Dimension::Tenure => {
                let until = churn_mark(t)
                    .filter(|m| m.change == Change::Churned)
                    .map_or(today, |m| m.on);
                banded(
                    tenure_months(t, until),
                    &[
                        (6.0, "under 6 months"),
                        (12.0, "6-12 months"),
                        (24.0, "1-2 years"),
                    ],
                    "2 years and more",
                )
            }
            Dimension::Renewals => banded(
                number(t, "renewals"),
                &[(1.0, "0"), (2.0, "1"), (3.0, "2")],
                "3 and more",
            ),
        };
        match rank {
            u32::MAX => (rank, "unknown".to_owned()),
            _ => (rank, band),
        }
    }
}

/// The accounts of one band and what happened to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandRate {
    /// The dimension.
    pub dimension: Dimension,
    /// The band.
    pub band: String,
    /// Accounts in it.
    pub accounts: u32,
    /// Of which churned.
    pub churned: u32,
    /// Of which contracted.
    pub contracted: u32,
}

impl BandRate {
    /// Churned accounts as a percentage of the band's accounts.
    pub fn churn_percent(&self) -> f64 {
        f64::from(self.churned) * 100.0 / f64::from(self.accounts.max(1))
    }
}

/// Churn by every dimension's bands (numeric bands in order, named ones by name, `unknown`
/// last), over the accounts' traits.
pub fn churn_rates(accounts: &[&Traits], today: Day) -> Vec<BandRate> {
    let mut out = Vec::new();
    for dimension in Dimension::ALL {
        let mut bands: BTreeMap<(u32, String), (u32, u32, u32)> = BTreeMap::new();
        for t in accounts {
            let slot = bands.entry(dimension.ranked_band(t, today)).or_default();
            slot.0 += 1;
            match churn_mark(t).map(|m| m.change) {
                Some(Change::Churned) => slot.1 += 1,
                Some(Change::Contracted) => slot.2 += 1,
                None => {}
            }
        }
        out.extend(
            bands
                .into_iter()
                .map(|((_, band), (accounts, churned, contracted))| BandRate {
                    dimension,
                    band,
                    accounts,
                    churned,
                    contracted,
                }),
        );
    }
    out
}

/// Months after becoming a customer at which retention is measured.
pub const RETENTION_MONTHS: [u32; 4] = [3, 6, 12, 24];

/// One cohort's retention curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// `2025 Q3`: the quarter of `customer_since`.
    pub cohort: String,
    /// Accounts in the cohort.
    pub accounts: u32,
    /// Per [`RETENTION_MONTHS`]: (still customers then, accounts old enough to tell).
    pub retained: [(u32, u32); 4],
}

/// Retention by cohort, oldest first; accounts without `customer_since` are left out.
pub fn retention(accounts: &[&Traits], today: Day) -> Vec<Cohort> {
    let mut cohorts: BTreeMap<(i32, u32), Cohort> = BTreeMap::new();
    for t in accounts {
        let Some(since) = day(t, "customer_since") else {
            continue;
        };
        let (year, month, _) = since.civil();
        let quarter = (month - 1) / 3 + 1;
        let c = cohorts.entry((year, quarter)).or_insert_with(|| Cohort {
            cohort: format!("{year} Q{quarter}"),
            accounts: 0,
            retained: [(0, 0); 4],
        });
        c.accounts += 1;
        let churned = churn_mark(t)
            .filter(|m| m.change == Change::Churned)
            .map(|m| m.on);
        for (slot, months) in c.retained.iter_mut().zip(RETENTION_MONTHS) {
            let at = Day(since.0 + (f64::from(months) * DAYS_PER_MONTH).round() as i32);
            if at > today {
                continue;
            }
            slot.1 += 1;
            if churned.is_none_or(|on| on > at) {
                slot.0 += 1;
            }
        }
    }
    cohorts.into_values().collect()
}
