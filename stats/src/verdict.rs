//! The verdict of an experiment, in words: checks first, then the chance to beat control.
//!
//! The order is fixed: inconsistent inputs, then a sample-ratio mismatch (nothing else can be
//! trusted when the split is broken), then the minimum sample, and only then a winner, a
//! loser or "no clear difference yet". The [`Verdict`] is an enum a UI can style; its
//! [`Display`](std::fmt::Display) is the plain-language sentence.

use std::fmt;

use crate::arm::Arm;
use crate::sequential::chance_to_beat;
use crate::srm::srm;

/// No verdict before every arm has at least this many exposed users.
pub const MIN_EXPOSED_PER_ARM: u64 = 100;
/// No verdict before the arms have at least this many conversions in total.
pub const MIN_CONVERSIONS: u64 = 10;
/// A variant is called better when its chance to beat control reaches this.
pub const WIN_CHANCE: f64 = 0.95;
/// A variant is called worse when its chance to beat control is at most this.
pub const LOSE_CHANCE: f64 = 0.05;

/// What the numbers of an experiment allow one to say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict<'a> {
    /// There are no variants to compare with control.
    NoVariants,
    /// An arm has more conversions than exposed users.
    InvalidCounts {
        /// The arm's name.
        arm: &'a str,
    },
    /// An arm's planned share is negative, infinite or NaN.
    InvalidWeight {
        /// The arm's name.
        arm: &'a str,
    },
    /// The exposures do not match the planned split (chi-square p below 0.001).
    SampleRatioMismatch {
        /// The p-value of the chi-square test.
        p_value: f64,
    },
    /// The least exposed arm is below [`MIN_EXPOSED_PER_ARM`].
    NotEnoughUsers {
        /// The least exposed arm.
        arm: &'a str,
        /// Its exposed users.
        exposed: u64,
        /// Users needed per arm.
        needed: u64,
    },
    /// All arms together have fewer than [`MIN_CONVERSIONS`] conversions.
    NotEnoughConversions {
        /// Conversions so far, all arms together.
        converted: u64,
        /// Conversions needed.
        needed: u64,
    },
    /// The variant most likely to beat control does so with at least [`WIN_CHANCE`].
    Better {
        /// The variant.
        arm: &'a str,
        /// Its chance to beat control.
        chance: f64,
    },
    /// Even the variant most likely to beat control does so with at most [`LOSE_CHANCE`]:
    /// every variant is worse than control.
    Worse {
        /// The variant most likely to beat control.
        arm: &'a str,
        /// Its chance to beat control.
        chance: f64,
    },
    /// Neither: the best variant's chance lies between the two thresholds.
    NoClearDifference {
        /// The variant most likely to beat control.
        arm: &'a str,
        /// Its chance to beat control.
        chance: f64,
    },
}

/// Judges an experiment: `control` (the holdout, or the original) and its `variants`.
///
/// Every listed arm is part of the split; weights are the planned shares in any scale.
/// With several variants, the one with the highest chance to beat control is judged
/// (the thresholds are not corrected for the number of variants).
pub fn verdict<'a>(control: &Arm<'a>, variants: &[Arm<'a>]) -> Verdict<'a> {
    if variants.is_empty() {
        return Verdict::NoVariants;
    }
    let arms = || std::iter::once(control).chain(variants);
    if let Some(arm) = arms().find(|a| !a.counts.is_valid()) {
        return Verdict::InvalidCounts { arm: arm.name };
    }
    if let Some(arm) = arms().find(|a| !(a.weight.is_finite() && a.weight >= 0.0)) {
        return Verdict::InvalidWeight { arm: arm.name };
    }
    let observed: Vec<u64> = arms().map(|a| a.counts.exposed).collect();
    let weights: Vec<f64> = arms().map(|a| a.weight).collect();
    if let Some(test) = srm(&observed, &weights)
        && test.mismatch
    {
        return Verdict::SampleRatioMismatch {
            p_value: test.p_value,
        };
    }
    if let Some(arm) = arms()
        .filter(|a| a.counts.exposed < MIN_EXPOSED_PER_ARM)
        .min_by_key(|a| a.counts.exposed)
    {
        return Verdict::NotEnoughUsers {
            arm: arm.name,
            exposed: arm.counts.exposed,
            needed: MIN_EXPOSED_PER_ARM,
        };
    }
    let converted = arms().fold(0u64, |sum, a| sum.saturating_add(a.counts.converted));
    if converted < MIN_CONVERSIONS {
        return Verdict::NotEnoughConversions {
            converted,
            needed: MIN_CONVERSIONS,
        };
    }
    let mut best: Option<(&'a str, f64)> = None;
    for variant in variants {
        let Some(chance) = chance_to_beat(control.counts, variant.counts) else {
            return Verdict::InvalidCounts { arm: variant.name };
        };
        if best.is_none_or(|(_, c)| chance > c) {
            best = Some((variant.name, chance));
        }
    }
    let Some((arm, chance)) = best else {
        return Verdict::NoVariants;
    };
    if chance >= WIN_CHANCE {
        Verdict::Better { arm, chance }
    } else if chance <= LOSE_CHANCE {
        Verdict::Worse { arm, chance }
    } else {
        Verdict::NoClearDifference { arm, chance }
    }
}

/// A probability as a whole percentage that never rounds to a certainty it is not:
/// "97%", "more than 99%", "less than 1%".
pub fn percent(chance: f64) -> String {
    let pct = (chance * 100.0).round();
    if chance.is_nan() {
        "an unknown".to_owned()
    } else if pct >= 100.0 && chance < 1.0 {
        "more than 99%".to_owned()
    } else if pct <= 0.0 && chance > 0.0 {
        "less than 1%".to_owned()
    } else {
        format!("{pct:.0}%")
    }
}

/// A p-value with one significant digit ("0.0002"), or "< 0.0001" below that.
pub fn p_value_text(p: f64) -> String {
    if p.is_nan() {
        "unknown".to_owned()
    } else if p < 1e-4 {
        "< 0.0001".to_owned()
    } else if p >= 0.1 {
        format!("{p:.1}")
    } else {
        // One significant digit: 0.0002, 0.003, 0.04.
        let digits = (-p.log10()).ceil().clamp(1.0, 4.0) as usize;
        format!("{p:.digits$}")
    }
}

impl fmt::Display for Verdict<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NoVariants => f.write_str("No variant to compare with control"),
            Self::InvalidCounts { arm } => {
                write!(
                    f,
                    "The numbers of {arm} are inconsistent: more conversions than users"
                )
            }
            Self::InvalidWeight { arm } => {
                write!(f, "The planned share of {arm} is not a valid number")
            }
            Self::SampleRatioMismatch { p_value } => {
                let p = p_value_text(p_value);
                let p = if p.starts_with('<') {
                    format!("p {p}")
                } else {
                    format!("p = {p}")
                };
                write!(
                    f,
                    "Sample ratio mismatch: exposures do not match the split ({p}); results are not trustworthy"
                )
            }
            Self::NotEnoughUsers {
                arm,
                exposed,
                needed,
            } => write!(
                f,
                "Not enough data yet: {exposed} of {needed} users needed in {arm}"
            ),
            Self::NotEnoughConversions { converted, needed } => write!(
                f,
                "Not enough data yet: {converted} of {needed} conversions needed"
            ),
            Self::Better { arm, chance } => write!(
                f,
                "{arm} is better than control with {} chance to beat it",
                percent(chance)
            ),
            Self::Worse { arm, chance } => write!(
                f,
                "{arm} is worse than control: only {} chance to beat it",
                percent(chance)
            ),
            Self::NoClearDifference { .. } => f.write_str("No clear difference yet"),
        }
    }
}
