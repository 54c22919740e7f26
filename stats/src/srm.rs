//! Sample-ratio mismatch: a chi-square goodness-of-fit test of exposures against the split.
//!
//! When the exposures of the arms do not match the planned split (holdout 10 %, A 45 %,
//! B 45 %), assignment or logging is broken and no lift can be trusted. The test is
//! Pearson's chi-square with `k − 1` degrees of freedom, as `scipy.stats.chisquare`
//! computes it, and a mismatch is flagged below p = 0.001.

use crate::special::chi2_sf;

/// The p-value below which the exposures are declared not to match the split.
pub const SRM_P_THRESHOLD: f64 = 0.001;

/// The outcome of the sample-ratio-mismatch test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Srm {
    /// Pearson's statistic `Σ (observed − expected)² / expected`.
    pub statistic: f64,
    /// Degrees of freedom: the number of arms with a positive weight, minus one.
    pub df: u32,
    /// `P(χ²(df) ≥ statistic)`.
    pub p_value: f64,
    /// `p_value < SRM_P_THRESHOLD`.
    pub mismatch: bool,
}

/// Tests `observed` exposures per arm against planned `weights` (any positive scale).
///
/// Returns `None` when the test cannot be made: the slices differ in length, a weight is
/// negative or not finite, fewer than two arms have a positive weight, or nobody was exposed.
/// An arm with weight zero takes no part in the test unless it has exposures, which is a
/// mismatch outright (statistic infinite, p = 0).
pub fn srm(observed: &[u64], weights: &[f64]) -> Option<Srm> {
    if observed.len() != weights.len() || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
        return None;
    }
    let planned = weights.iter().filter(|w| **w > 0.0).count();
    if planned < 2 {
        return None;
    }
    let total: f64 = observed.iter().map(|n| *n as f64).sum();
    if total <= 0.0 {
        return None;
    }
    let df = u32::try_from(planned - 1).ok()?;
    let leaked = observed
        .iter()
        .zip(weights)
        .any(|(n, w)| *w == 0.0 && *n > 0);
    if leaked {
        return Some(Srm {
            statistic: f64::INFINITY,
            df,
            p_value: 0.0,
            mismatch: true,
        });
    }
    let weight_sum: f64 = weights.iter().sum();
    if !weight_sum.is_finite() {
        return None;
    }
    let statistic: f64 = observed
        .iter()
        .zip(weights)
        .filter(|(_, w)| **w > 0.0)
        .map(|(n, w)| {
            let expected = total * w / weight_sum;
            let diff = *n as f64 - expected;
            diff * diff / expected
        })
        .sum();
    let p_value = chi2_sf(statistic, f64::from(df))?;
    Some(Srm {
        statistic,
        df,
        p_value,
        mismatch: p_value < SRM_P_THRESHOLD,
    })
}
