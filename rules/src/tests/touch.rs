//! Touch plans: due dates and overdue days, counted by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::*;

#[test]
fn touches_fall_due_by_plan() {
    let on = |y, m, d| Day::from_civil(y, m, d).expect("date");
    let today = on(2026, 12, 1);
    let traits = |pairs: &[(&str, &str)]| -> Traits {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::Text((*v).into())))
            .collect()
    };
    let high = default_touch_plan("high");
    let medium = default_touch_plan("medium");
    let low = default_touch_plan("low");
    assert_eq!(
        (high.kind.as_str(), high.every_days),
        ("high_touch", Some(30))
    );
    assert_eq!(
        (medium.kind.as_str(), medium.every_days),
        ("low_touch", Some(90))
    );
    assert_eq!((low.kind.as_str(), low.every_days), ("self_service", None));
    // (plan, traits, due, overdue days)
    let cases = [
        // Touched on 2026-10-15: due 30 days later, 2026-11-14; 17 days overdue.
        (
            high,
            traits(&[("last_touch_on", "2026-10-15")]),
            Some((on(2026, 11, 14), 17)),
        ),
        // Touched on 2026-11-20: due 2026-12-20, not yet.
        (
            high,
            traits(&[("last_touch_on", "2026-11-20")]),
            Some((on(2026, 12, 20), 0)),
        ),
        // Never touched: counted from becoming a customer, 2026-08-01 + 90 = 2026-10-30.
        (
            medium,
            traits(&[("customer_since", "2026-08-01")]),
            Some((on(2026, 10, 30), 32)),
        ),
        // A touch wins over customer_since.
        (
            medium,
            traits(&[
                ("customer_since", "2020-01-01"),
                ("last_touch_on", "2026-11-01"),
            ]),
            Some((on(2027, 1, 30), 0)),
        ),
        // Nothing to count from, or self-service: never due.
        (high, traits(&[]), None),
        (low, traits(&[("last_touch_on", "2025-01-01")]), None),
    ];
    for (i, (plan, t, expected)) in cases.into_iter().enumerate() {
        assert_eq!(touch_due(plan, &t, today), expected, "case {i}");
    }
}
