//! The sample-ratio-mismatch test against `scipy.stats.chisquare` (SciPy 1.17.1).
//!
//! Each row's expected statistic and p-value are the `repr` of
//! `scipy.stats.chisquare(obs, f_exp=sum(obs) * w / sum(w))` for its `obs` and `w`.
//! The statistic is a plain sum, the p-value a chi-square tail computed to near machine
//! precision: tolerance 1e-12 relative.

mod common;

use common::assert_close;
use stats::{SRM_P_THRESHOLD, srm};

/// `(observed, weights, statistic, p-value, mismatch)`.
type Row<'a> = (&'a [u64], &'a [f64], f64, f64, bool);

#[test]
fn srm_matches_scipy_chisquare() {
    let rows: &[Row<'_>] = &[
        // scipy 1.17.1: chisquare([480, 520], f_exp=[500, 500])
        (&[480, 520], &[1.0, 1.0], 1.6, 0.20590321073206466, false),
        // Small counts give the same statistic scaled: chisquare([3, 7], f_exp=[5, 5])
        (&[3, 7], &[1.0, 1.0], 1.6, 0.20590321073206466, false),
        // chisquare([5000, 5000], f_exp=[5000, 5000])
        (&[5000, 5000], &[0.5, 0.5], 0.0, 1.0, false),
        // Holdout 10 %, A 45 %, B 45 %: chisquare([1000, 4500, 4500], f_exp=[1000, 4500, 4500])
        (&[1000, 4500, 4500], &[10.0, 45.0, 45.0], 0.0, 1.0, false),
        // chisquare([900, 4600, 4500], f_exp=[1000, 4500, 4500])
        (
            &[900, 4600, 4500],
            &[10.0, 45.0, 45.0],
            12.222222222222221,
            0.002218084904320256,
            false,
        ),
        // chisquare([1000, 4400, 4600], f_exp=[1000, 4500, 4500])
        (
            &[1000, 4400, 4600],
            &[0.1, 0.45, 0.45],
            4.444444444444445,
            0.10836802322189587,
            false,
        ),
        // chisquare([1200, 4400, 4400], f_exp=[1000, 4500, 4500])
        (
            &[1200, 4400, 4400],
            &[10.0, 45.0, 45.0],
            44.44444444444444,
            2.2336314362031707e-10,
            true,
        ),
        // Huge counts: chisquare([10000000, 10010000], f_exp=[10005000, 10005000])
        (
            &[10_000_000, 10_010_000],
            &[1.0, 1.0],
            4.997501249375312,
            0.02538394028317389,
            false,
        ),
        // chisquare([10000000, 10030000], f_exp=[10015000, 10015000])
        (
            &[10_000_000, 10_030_000],
            &[1.0, 1.0],
            44.93260109835247,
            2.0393418671181673e-11,
            true,
        ),
        // Five arms: chisquare([210, 190, 205, 195, 200], f_exp=[200] * 5)
        (
            &[210, 190, 205, 195, 200],
            &[1.0; 5],
            1.25,
            0.8697998213433591,
            false,
        ),
        // Just below the threshold: chisquare([4814, 5186], f_exp=[5000, 5000])
        (
            &[4814, 5186],
            &[1.0, 1.0],
            13.8384,
            0.0001992227779518334,
            true,
        ),
    ];
    for &(observed, weights, statistic, p_value, mismatch) in rows {
        let what = format!("srm({observed:?}, {weights:?})");
        let got = srm(observed, weights).expect("testable");
        assert_close(&what, got.statistic, statistic, 1e-12, 1e-12);
        assert_close(&what, got.p_value, p_value, 1e-12, 0.0);
        assert_eq!(got.df as usize, observed.len() - 1, "{what}: df");
        assert_eq!(got.mismatch, mismatch, "{what}: mismatch");
        assert_eq!(got.mismatch, got.p_value < SRM_P_THRESHOLD, "{what}");
    }
}

#[test]
fn srm_refuses_what_it_cannot_test() {
    let rows: &[(&[u64], &[f64])] = &[
        (&[], &[]),
        // One arm: nothing to compare.
        (&[100], &[1.0]),
        // Nobody exposed yet.
        (&[0, 0, 0], &[10.0, 45.0, 45.0]),
        // Lengths differ.
        (&[10, 10], &[1.0]),
        // Invalid weights.
        (&[10, 10], &[1.0, f64::NAN]),
        (&[10, 10], &[1.0, -1.0]),
        (&[10, 10], &[1.0, f64::INFINITY]),
        (&[10, 10], &[f64::MAX, f64::MAX]),
        // Only one arm is planned to get traffic.
        (&[10, 0], &[1.0, 0.0]),
    ];
    for &(observed, weights) in rows {
        assert_eq!(
            srm(observed, weights),
            None,
            "srm({observed:?}, {weights:?})"
        );
    }
}

#[test]
fn exposures_in_an_arm_with_no_share_are_a_mismatch() {
    let got = srm(&[500, 500, 3], &[1.0, 1.0, 0.0]).expect("testable");
    assert!(got.mismatch);
    assert_eq!(got.p_value, 0.0);
    assert_eq!(got.df, 1);
    // An empty arm with no share takes no part: same as scipy's chisquare([500, 500]).
    let got = srm(&[500, 500, 0], &[1.0, 1.0, 0.0]).expect("testable");
    assert_eq!(
        (got.statistic, got.p_value, got.df, got.mismatch),
        (0.0, 1.0, 1, false)
    );
}

#[test]
fn one_empty_arm_of_a_planned_split_is_a_mismatch() {
    // scipy 1.17.1: chisquare([1000, 0], f_exp=[500, 500]) -> statistic 1000.0,
    // pvalue 1.7958327848007363e-219
    let got = srm(&[1000, 0], &[1.0, 1.0]).expect("testable");
    assert_close("statistic", got.statistic, 1000.0, 1e-12, 0.0);
    assert_close("p", got.p_value, 1.7958327848007363e-219, 1e-12, 0.0);
    assert!(got.mismatch);
}
