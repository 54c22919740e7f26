//! Churn rates by band and retention by cohort, over a small portfolio worked out by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::*;

fn on(y: i32, m: u32, d: u32) -> Day {
    Day::from_civil(y, m, d).expect("date")
}

fn traits(pairs: &[(&str, Value)]) -> Traits {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn t(s: &str) -> Value {
    Value::Text(s.into())
}

fn n(x: f64) -> Value {
    Value::Number(x)
}

/// Five accounts; today is 2026-12-01.
#[rustfmt::skip]
fn portfolio() -> Vec<Traits> {
    vec![
        // Retail, 8k, 30 people, customer since 2025-01-15, churned 2025-09-01 (7.5 months).
        traits(&[("industry", t("Retail")), ("arr", n(8_000.0)), ("employees", n(30.0)), ("sales_rep", t("Ria")), ("renewals", n(0.0)), ("customer_since", t("2025-01-15")), ("churned_on", t("2025-09-01")), ("churn_reason", t("price"))]),
        // Retail, 60k, 120 people, since 2025-02-10, contracted 2026-03-01.
        traits(&[("industry", t("Retail")), ("arr", n(60_000.0)), ("employees", n(120.0)), ("sales_rep", t("Ria")), ("renewals", n(1.0)), ("customer_since", t("2025-02-10")), ("contracted_on", t("2026-03-01")), ("churn_reason", t("budget cuts"))]),
        // Finance, 120k, 2000 people, since 2024-06-01, still here (renewed twice).
        traits(&[("industry", t("Finance")), ("arr", n(120_000.0)), ("employees", n(2_000.0)), ("sales_rep", t("Sam")), ("renewals", n(2.0)), ("customer_since", t("2024-06-01"))]),
        // Finance, 30k, since 2026-07-01, churned 2026-11-01 (4 months).
        traits(&[("industry", t("Finance")), ("arr", n(30_000.0)), ("employees", n(500.0)), ("sales_rep", t("Sam")), ("renewals", n(0.0)), ("customer_since", t("2026-07-01")), ("churned_on", t("2026-11-01")), ("churn_reason", t("missing features"))]),
        // Nothing known.
        traits(&[]),
    ]
}

#[test]
fn marks() {
    let p = portfolio();
    assert_eq!(
        churn_mark(&p[0]),
        Some(ChurnMark {
            change: Change::Churned,
            on: on(2025, 9, 1),
            reason: "price".into()
        })
    );
    assert_eq!(
        churn_mark(&p[1]).map(|m| m.change),
        Some(Change::Contracted)
    );
    assert_eq!(churn_mark(&p[2]), None);
    // Churning wins over an earlier contraction.
    let both = traits(&[
        ("contracted_on", t("2025-01-01")),
        ("churned_on", t("2025-06-01")),
    ]);
    assert_eq!(
        churn_mark(&both).map(|m| (m.change, m.on)),
        Some((Change::Churned, on(2025, 6, 1)))
    );
}

#[test]
#[rustfmt::skip]
fn churn_rates_by_band() {
    let p = portfolio();
    let refs: Vec<&Traits> = p.iter().collect();
    let rates = churn_rates(&refs, on(2026, 12, 1));
    let of = |d: Dimension| -> Vec<(String, u32, u32, u32)> {
        rates
            .iter()
            .filter(|r| r.dimension == d)
            .map(|r| (r.band.clone(), r.accounts, r.churned, r.contracted))
            .collect()
    };
    let row = |b: &str, a, c, k| (b.to_owned(), a, c, k);
    assert_eq!(of(Dimension::Industry), [row("Finance", 2, 1, 0), row("Retail", 2, 1, 1), row("unknown", 1, 0, 0)]);
    assert_eq!(
        of(Dimension::ContractValue),
        [row("under 10k", 1, 1, 0), row("10k-50k", 1, 1, 0), row("50k-100k", 1, 0, 1), row("100k and more", 1, 0, 0), row("unknown", 1, 0, 0)]
    );
    assert_eq!(
        of(Dimension::Size),
        [row("1-50", 1, 1, 0), row("51-200", 1, 0, 1), row("201-1000", 1, 1, 0), row("over 1000", 1, 0, 0), row("unknown", 1, 0, 0)]
    );
    // Tenure until churn (7.5 and 4 months) or today (21.7 and 30 months).
    assert_eq!(
        of(Dimension::Tenure),
        [row("under 6 months", 1, 1, 0), row("6-12 months", 1, 1, 0), row("1-2 years", 1, 0, 1), row("2 years and more", 1, 0, 0), row("unknown", 1, 0, 0)]
    );
    assert_eq!(of(Dimension::SalesRep), [row("Ria", 2, 1, 1), row("Sam", 2, 1, 0), row("unknown", 1, 0, 0)]);
    assert_eq!(of(Dimension::Renewals), [row("0", 2, 2, 0), row("1", 1, 0, 1), row("2", 1, 0, 0), row("unknown", 1, 0, 0)]);
    let retail = rates.iter().find(|r| r.band == "Retail").expect("retail");
    assert!((retail.churn_percent() - 50.0).abs() < 1e-9);
}

#[test]
fn retention_by_cohort() {
    let p = portfolio();
    let refs: Vec<&Traits> = p.iter().collect();
    let cohorts = retention(&refs, on(2026, 12, 1));
    let cohort = |name: &str, accounts, retained| Cohort {
        cohort: name.to_owned(),
        accounts,
        retained,
    };
    assert_eq!(
        cohorts,
        [
            // 2024-06-01: 3, 6, 12 and 24 months have all passed; still a customer.
            cohort("2024 Q2", 1, [(1, 1), (1, 1), (1, 1), (1, 1)]),
            // Two accounts of early 2025: the churned one (2025-09-01) was there at 3 and 6
            // months, gone at 12; 24 months have not passed for either.
            cohort("2025 Q1", 2, [(2, 2), (2, 2), (1, 2), (0, 0)]),
            // 2026-07-01: 3 months passed (still there on 2026-10-01); churned 2026-11-01,
            // but 6 months have not passed yet.
            cohort("2026 Q3", 1, [(1, 1), (0, 0), (0, 0), (0, 0)]),
        ]
    );
}
