//! The statistics of campaign experiments: pure functions from counts to evidence and words.
//!
//! Per arm (holdout and variants) an experiment has exposed users and goal conversions
//! ([`Counts`]). From them this crate computes:
//!
//! - [`srm`]: the sample-ratio-mismatch test (Pearson's chi-square against the planned
//!   split), flagged below p = 0.001;
//! - [`compare`]: each rate with its Wilson interval, the absolute lift with Newcombe's
//!   hybrid score interval and the relative lift with the adjusted log interval, all at 95 %;
//! - [`chance_to_beat`]: the Bayesian posterior probability that a variant's rate exceeds
//!   control's (Beta(1, 1) priors, exact), which stays what it says at every look; and
//!   [`msprt_p_value`], the mixture SPRT whose running minimum is an always-valid p-value;
//! - [`verdict`]: the checks in order (inputs, sample ratio, minimum sample) and then
//!   "better", "worse" or "no clear difference yet", as an enum whose `Display` is the sentence.
//!
//! Everything is a function of its arguments: no I/O, no clock, no randomness, no panics.
//! Numbers the crate cannot compute come back as `None`. The numerical building blocks
//! (log-gamma, incomplete gamma, normal and chi-square tails) are in [`special`].
//! Tests compare with values from SciPy and statsmodels, each with the call that produced it.

mod arm;
mod lift;
mod sequential;
pub mod special;
mod srm;
mod verdict;

pub use arm::{Arm, Counts};
pub use lift::{
    Comparison, Estimate, Interval, Relative, Z_95, absolute_lift, compare, rate, relative_lift,
    wilson,
};
pub use sequential::{chance_to_beat, msprt_p_value};
pub use srm::{SRM_P_THRESHOLD, Srm, srm};
pub use verdict::{
    LOSE_CHANCE, MIN_CONVERSIONS, MIN_EXPOSED_PER_ARM, Verdict, WIN_CHANCE, p_value_text, percent,
    verdict,
};
