//! Rates and lifts against statsmodels 0.15.0 (with SciPy 1.17.1).
//!
//! - Wilson: `statsmodels.stats.proportion.proportion_confint(count, nobs, alpha=0.05,
//!   method='wilson')`.
//! - Absolute lift: `confint_proportions_2indep(x1, n1, x2, n2, method='newcomb',
//!   compare='diff', alpha=0.05)`, variant first (`x1, n1`), control second.
//! - Relative lift: `confint_proportions_2indep(x1, n1, x2, n2, method='log-adjusted',
//!   compare='ratio', alpha=0.05)`, minus one.
//!
//! All are closed forms, so the tolerance is 1e-12 relative, with an absolute floor of
//! 1e-15 for bounds that are zero up to rounding (statsmodels prints 4.3e-19 for the Wilson
//! lower bound of 0 of 500, which is 0 in exact arithmetic).

mod common;

use common::assert_close;
use stats::{Counts, absolute_lift, compare, rate, relative_lift, wilson};

const REL: f64 = 1e-12;
const ABS: f64 = 1e-15;

#[test]
fn wilson_matches_statsmodels() {
    // (converted, exposed, low, high) from proportion_confint(converted, exposed,
    // alpha=0.05, method='wilson')
    let rows: &[(u64, u64, f64, f64)] = &[
        (100, 1000, 0.08290944359309571, 0.1201519631953484),
        (0, 500, 4.336808689942018e-19, 0.007624340461552245),
        (500, 500, 0.9923756595384479, 1.0),
        (1, 3, 0.06149194472039626, 0.7923403991979523),
        (
            100_000,
            10_000_000,
            0.009938519128914186,
            0.010061857333905628,
        ),
    ];
    for &(converted, exposed, low, high) in rows {
        let counts = Counts::new(exposed, converted);
        let got = rate(counts).expect("non-empty arm");
        let what = format!("wilson({converted}/{exposed})");
        assert_close(&what, got.interval.low, low, REL, ABS);
        assert_close(&what, got.interval.high, high, REL, ABS);
        assert_eq!(got.value, converted as f64 / exposed as f64, "{what}: rate");
        assert!(got.interval.contains(got.value), "{what}");
    }
}

#[test]
fn lifts_match_statsmodels() {
    // (variant (x1, n1), control (x2, n2), newcomb diff low/high, log-adjusted ratio low/high)
    type Row = ((u64, u64), (u64, u64), (f64, f64), (f64, f64));
    let rows: &[Row] = &[
        (
            (120, 1000),
            (100, 1000),
            (-0.007492167515211062, 0.047550667456339055),
            (0.9339285280459283, 1.5393179319416959),
        ),
        // Control without conversions: the ratio is undefined but its interval is not.
        (
            (5, 500),
            (0, 500),
            (0.0004677796684381501, 0.02319309975573071),
            (0.6098690426535524, 198.403249775602),
        ),
        // The variant without conversions.
        (
            (0, 500),
            (5, 500),
            (-0.02319309975573071, -0.0004677796684381501),
            (0.005040240021930184, 1.6396962791372063),
        ),
        // Control converted everyone.
        (
            (490, 500),
            (500, 500),
            (-0.036420183246879234, -0.00812753493628472),
            (0.9678371555719737, 0.9923561579641572),
        ),
        // Nobody converted anywhere.
        (
            (0, 100),
            (0, 100),
            (-0.03699349820698569, 0.03699349820698569),
            (0.02003719974070543, 49.90717330468623),
        ),
        // Tiny arms.
        (
            (2, 3),
            (1, 3),
            (-0.31580068443749126, 0.7177751119240839),
            (0.41959602739933716, 6.620124110789344),
        ),
        // Huge arms (1e7 users each).
        (
            (101_000, 10_000_000),
            (100_000, 10_000_000),
            (1.2571401543786122e-05, 0.00018742985491211934),
            (1.0012516294116491, 1.0188247080306216),
        ),
        // Unequal arms.
        (
            (30, 200),
            (20, 100),
            (-0.14863036385891606, 0.03707592942265335),
            (0.4496550633516766, 1.2368465956184858),
        ),
    ];
    for &((x1, n1), (x2, n2), (d_low, d_high), (r_low, r_high)) in rows {
        let (variant, control) = (Counts::new(n1, x1), Counts::new(n2, x2));
        let what = format!("{x1}/{n1} vs {x2}/{n2}");
        let abs = absolute_lift(control, variant).expect("non-empty arms");
        assert_close(&what, abs.interval.low, d_low, REL, ABS);
        assert_close(&what, abs.interval.high, d_high, REL, ABS);
        assert_eq!(abs.value, x1 as f64 / n1 as f64 - x2 as f64 / n2 as f64);
        assert!(abs.interval.contains(abs.value), "{what}");

        let rel = relative_lift(control, variant).expect("non-empty arms");
        assert_close(&what, rel.interval.low, r_low - 1.0, REL, ABS);
        assert_close(&what, rel.interval.high, r_high - 1.0, REL, ABS);
        match rel.value {
            Some(v) => {
                let want = (x1 as f64 / n1 as f64) / (x2 as f64 / n2 as f64) - 1.0;
                assert_close(&what, v, want, 1e-15, 0.0);
            }
            None => assert_eq!(
                x2, 0,
                "{what}: only a control without conversions has no ratio"
            ),
        }

        let all = compare(control, variant).expect("non-empty arms");
        assert_eq!((all.absolute, all.relative), (abs, rel), "{what}");
        assert_eq!(all.control, rate(control).expect("non-empty"), "{what}");
        assert_eq!(all.variant, rate(variant).expect("non-empty"), "{what}");
    }
}

#[test]
fn empty_or_inconsistent_arms_have_no_rate_or_lift() {
    let ok = Counts::new(100, 10);
    for bad in [Counts::new(0, 0), Counts::new(10, 11), Counts::new(0, 1)] {
        assert_eq!(bad.rate(), None, "{bad:?}");
        assert_eq!(rate(bad), None, "{bad:?}");
        assert_eq!(absolute_lift(ok, bad), None, "{bad:?}");
        assert_eq!(absolute_lift(bad, ok), None, "{bad:?}");
        assert_eq!(relative_lift(ok, bad), None, "{bad:?}");
        assert_eq!(relative_lift(bad, ok), None, "{bad:?}");
        assert_eq!(compare(bad, ok), None, "{bad:?}");
    }
    for z in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(wilson(ok, z), None, "z = {z}");
    }
}

#[test]
fn extreme_counts_stay_finite() {
    let huge = Counts::new(u64::MAX, u64::MAX / 2);
    let none = Counts::new(u64::MAX, 0);
    let all = Counts::new(u64::MAX, u64::MAX);
    for (c, v) in [(huge, none), (none, all), (all, huge), (none, none)] {
        let got = compare(c, v).expect("non-empty arms");
        for x in [got.absolute.interval.low, got.absolute.interval.high] {
            assert!(
                x.is_finite() && (-1.0..=1.0).contains(&x),
                "{c:?} {v:?}: {x}"
            );
        }
        for x in [got.relative.interval.low, got.relative.interval.high] {
            assert!(x.is_finite() && x >= -1.0, "{c:?} {v:?}: {x}");
        }
    }
}
