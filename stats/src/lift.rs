//! Conversion rates and the lift of a variant over control, with 95 % intervals.
//!
//! - Each rate has a Wilson score interval.
//! - The absolute lift (`rate(variant) − rate(control)`) has Newcombe's hybrid score
//!   interval (Newcombe 1998, method 10), built from the two Wilson intervals: it is what
//!   statsmodels' `confint_proportions_2indep(..., compare='diff', method='newcomb')` gives.
//! - The relative lift (`rate(variant) / rate(control) − 1`) has the log (Katz) interval of
//!   the risk ratio with ½ added to each count and each total, so it exists even with zero
//!   conversions: statsmodels' `confint_proportions_2indep(..., compare='ratio',
//!   method='log-adjusted')` minus one. The point estimate is the plain ratio minus one.

use crate::arm::Counts;

/// `Φ⁻¹(0.975)`, the two-sided 95 % normal critical value
/// (`scipy.stats.norm.isf(0.025)` = 1.959963984540054).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A two-sided interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies in the closed interval.
    pub fn contains(self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }

    /// Whether the interval lies entirely above (or entirely below) `x`.
    pub fn excludes(self, x: f64) -> bool {
        x < self.low || self.high < x
    }
}

/// An estimate with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// The 95 % interval.
    pub interval: Interval,
}

/// A variant compared with control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Control's conversion rate with its Wilson interval.
    pub control: Estimate,
    /// The variant's conversion rate with its Wilson interval.
    pub variant: Estimate,
    /// `rate(variant) − rate(control)` with Newcombe's hybrid score interval.
    pub absolute: Estimate,
    /// `rate(variant) / rate(control) − 1` with the adjusted log interval.
    pub relative: Relative,
}

/// The relative lift: a ratio minus one, undefined when control has no conversions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relative {
    /// `rate(variant) / rate(control) − 1`; `None` when control's rate is zero.
    pub value: Option<f64>,
    /// The 95 % interval, which exists even then (thanks to the ½ adjustment).
    pub interval: Interval,
}

/// The Wilson score interval of a proportion at critical value `z`; `None` for an empty or
/// invalid arm or a `z` that is not positive and finite. The bounds stay within `[0, 1]`.
pub fn wilson(counts: Counts, z: f64) -> Option<Interval> {
    let p = counts.rate()?;
    if !(z > 0.0 && z.is_finite()) {
        return None;
    }
    let n = counts.exposed as f64;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // In exact arithmetic the bounds are 0 with no conversions and 1 with all converted;
    // rounding would leave them a hair off and outside the rate.
    let low = if counts.converted == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let high = if counts.converted == counts.exposed {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Some(Interval { low, high })
}

/// The rate of `counts` with its 95 % Wilson interval.
pub fn rate(counts: Counts) -> Option<Estimate> {
    Some(Estimate {
        value: counts.rate()?,
        interval: wilson(counts, Z_95)?,
    })
}

/// `rate(variant) − rate(control)` with Newcombe's hybrid score interval at 95 %.
pub fn absolute_lift(control: Counts, variant: Counts) -> Option<Estimate> {
    let (p1, p2) = (variant.rate()?, control.rate()?);
    let (w1, w2) = (wilson(variant, Z_95)?, wilson(control, Z_95)?);
    let diff = p1 - p2;
    let down = (p1 - w1.low).hypot(w2.high - p2);
    let up = (w1.high - p1).hypot(p2 - w2.low);
    Some(Estimate {
        value: diff,
        interval: Interval {
            low: diff - down,
            high: diff + up,
        },
    })
}

/// `rate(variant) / rate(control) − 1` with the ½-adjusted log interval at 95 %.
///
/// The value is `None` when control has no conversions; the interval is always finite for
/// valid, non-empty arms.
pub fn relative_lift(control: Counts, variant: Counts) -> Option<Relative> {
    let (p1, p2) = (variant.rate()?, control.rate()?);
    let x1 = variant.converted as f64 + 0.5;
    let n1 = variant.exposed as f64 + 0.5;
    let x2 = control.converted as f64 + 0.5;
    let n2 = control.exposed as f64 + 0.5;
    let log_ratio = (x1 / n1).ln() - (x2 / n2).ln();
    // Each term 1/x − 1/n is ≥ 0 since x ≤ n; max(0) guards rounding.
    let var = ((1.0 / x1 - 1.0 / n1) + (1.0 / x2 - 1.0 / n2)).max(0.0);
    let half = Z_95 * var.sqrt();
    let value = (p2 > 0.0).then(|| p1 / p2 - 1.0);
    Some(Relative {
        value,
        interval: Interval {
            low: (log_ratio - half).exp_m1(),
            high: (log_ratio + half).exp_m1(),
        },
    })
}

/// Both rates and both lifts of `variant` against `control`; `None` when either arm is
/// empty or has more conversions than users.
pub fn compare(control: Counts, variant: Counts) -> Option<Comparison> {
    Some(Comparison {
        control: rate(control)?,
        variant: rate(variant)?,
        absolute: absolute_lift(control, variant)?,
        relative: relative_lift(control, variant)?,
    })
}
