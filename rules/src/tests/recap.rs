//! Value recaps: the account's usage over calendar periods, counted by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::NOW;
use crate::*;

#[test]
fn value_recap_periods_count_the_account_usage() {
    // NOW is Sunday 2026-03-15: the week starts on the 9th, the month on the 1st, the
    // quarter and the year on January 1st.
    let mut f = Facts::default();
    let on = |y, m, d| Day::from_civil(y, m, d).expect("date");
    for (day, n) in [
        (on(2026, 3, 15), 1),   // today
        (on(2026, 3, 9), 2),    // the week's first day
        (on(2026, 3, 8), 4),    // outside the week, inside the month
        (on(2026, 2, 28), 8),   // outside the month, inside the quarter
        (on(2025, 12, 31), 16), // last year
        (on(2026, 3, 16), 32),  // tomorrow (a clock ahead): never counted
    ] {
        f.add_usage("ann", false, "create_expense", day, n);
    }
    f.add_usage("ann", false, "approve_expense", on(2026, 3, 15), 64);
    for (period, expected) in [
        ("week", 3),
        ("month", 7),
        ("quarter", 15),
        ("year", 15),
        ("all_time", 31),
    ] {
        let p = RecapPeriod::parse(period).expect("period");
        assert_eq!(p.as_str(), period);
        assert_eq!(
            account_metric(&f, "create_expense", p, NOW),
            expected,
            "{period}"
        );
    }
    assert_eq!(RecapPeriod::parse("fortnight"), None);
    // Quarters start in January, April, July and October.
    for (m, start) in [(1, 1), (3, 1), (4, 4), (6, 4), (8, 7), (12, 10)] {
        assert_eq!(
            RecapPeriod::Quarter.first_day(on(2026, m, 20)),
            on(2026, start, 1)
        );
    }
}
