//! Evidence that stays meaningful when people look early: chance to beat control, and mSPRT.
//!
//! - [`chance_to_beat`] is Bayesian: with uniform Beta(1, 1) priors, each arm's rate has a
//!   Beta(conversions + 1, non-conversions + 1) posterior, and the chance to beat control is
//!   the posterior probability `P(rate(variant) > rate(control))`. It is a probability about
//!   the rates given the data, not a p-value, and reads the same at every look. It is computed
//!   exactly by the closed-form sum of Evan Miller ("Formulas for Bayesian A/B Testing"),
//!   running over the smallest of the four parameters, term by term with a ratio recurrence.
//! - [`msprt_p_value`] is frequentist: the mixture sequential probability ratio test of
//!   Johari, Koomen, Pekelis and Walsh ("Peeking at A/B tests", KDD 2017) for the difference of
//!   two proportions, with a normal approximation and a N(0, τ²) mixing distribution. The
//!   running minimum over looks of the value it returns is an always-valid p-value.

use crate::arm::Counts;
use crate::special::{ln_gamma_ratio, normal_cdf};

/// Terms whose share of the sum falls below this are negligible (about `e^−41`).
const NEGLIGIBLE_LN: f64 = -41.0;
/// Rescale the running sum when it grows past this, to stay within `f64`.
const RESCALE_ABOVE: f64 = 1e150;
/// Longest exact sum; beyond it (every count above 20 million) the posteriors are normal
/// to within about 1e-9 of the probability, and the normal approximation is used.
const MAX_EXACT_TERMS: u64 = 20_000_000;

/// `P(X > Y)` for independent `X ~ Beta(ax, bx)` and `Y ~ Beta(ay, by)` with a whole `ax`:
/// `Σ_{i<ax} B(ay + i, by + bx) / ((bx + i) B(1 + i, bx) B(ay, by))`, with `ax` terms.
fn beat_sum(ax: u64, bx: f64, ay: f64, by: f64) -> Option<f64> {
    // The first term is B(ay, by + bx) / B(ay, by); successive terms have the ratio
    // (ay + i)(bx + i) / ((ay + by + bx + i)(1 + i)), which is below 1 past a single peak.
    let s = ay + by + bx;
    // ln of the first term, as a difference of two log-gamma ratios over the smaller step,
    // so that huge counts do not cancel away its digits.
    let mut log_scale = if bx <= ay {
        ln_gamma_ratio(by, bx)? - ln_gamma_ratio(ay + by, bx)?
    } else {
        ln_gamma_ratio(by, ay)? - ln_gamma_ratio(by + bx, ay)?
    };
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..ax {
        let i = (k - 1) as f64;
        let ratio = (ay + i) * (bx + i) / ((s + i) * (1.0 + i));
        term *= ratio;
        sum += term;
        if sum > RESCALE_ABOVE {
            log_scale += sum.ln();
            term /= sum;
            sum = 1.0;
        }
        // Past the peak, the remaining terms are each smaller than this one.
        if ratio < 1.0 {
            let remaining = (ax - k) as f64;
            if term == 0.0 || (term * remaining).ln() - sum.ln() < NEGLIGIBLE_LN {
                break;
            }
        }
    }
    Some((log_scale + sum.ln()).exp().clamp(0.0, 1.0))
}

/// The posterior probability that `variant`'s conversion rate exceeds `control`'s, with
/// independent uniform Beta(1, 1) priors; `None` for invalid counts (`converted > exposed`).
///
/// Empty arms are allowed (their posterior is the prior): two empty arms give ½.
/// The work is proportional to the smallest of the four counts plus one, and stops early
/// once the remaining terms cannot matter. When even that count exceeds 20 million, the
/// posteriors are replaced by normals with their means and variances (absolute error near
/// 1e-9 at that size), so the time stays bounded for any input.
pub fn chance_to_beat(control: Counts, variant: Counts) -> Option<f64> {
    let a_c = control.converted.saturating_add(1);
    let b_c = control.failures()?.saturating_add(1);
    let a_v = variant.converted.saturating_add(1);
    let b_v = variant.failures()?.saturating_add(1);
    let (ac, bc, av, bv) = (a_c as f64, b_c as f64, a_v as f64, b_v as f64);
    // P(pv > pc), written four ways (rates p or 1 − p, the event or its complement);
    // sum the shortest.
    let shortest = a_v.min(b_c).min(a_c).min(b_v);
    if shortest > MAX_EXACT_TERMS {
        let (mc, vc) = beta_moments(ac, bc);
        let (mv, vv) = beta_moments(av, bv);
        return Some(normal_cdf((mv - mc) / (vc + vv).sqrt()));
    }
    if shortest == a_v {
        beat_sum(a_v, bv, ac, bc)
    } else if shortest == b_c {
        // pv > pc  ⇔  1 − pc > 1 − pv, with 1 − pc ~ Beta(bc, ac).
        beat_sum(b_c, ac, bv, av)
    } else if shortest == a_c {
        Some(1.0 - beat_sum(a_c, bc, av, bv)?)
    } else {
        Some(1.0 - beat_sum(b_v, av, bc, ac)?)
    }
}

/// The mean and variance of Beta(a, b).
fn beta_moments(a: f64, b: f64) -> (f64, f64) {
    let n = a + b;
    (a / n, a * b / (n * n * (n + 1.0)))
}

/// The mSPRT p-value of one look at the data, `min(1, 1/Λ)`, for "the two rates are equal"
/// with a N(0, `tau2`) mixture over the difference of rates.
///
/// `Λ = √(v / (v + τ²)) · exp(τ² Δ² / (2 v (v + τ²)))`, where `Δ` is the observed difference
/// of rates and `v = p̂c(1 − p̂c)/nc + p̂v(1 − p̂v)/nv` its estimated variance. The always-valid
/// p-value at a look is the minimum of this value over that look and every earlier one.
/// `tau2` is the squared size of the differences one expects (e.g. `0.01²`).
///
/// `None` for empty or invalid arms, a `tau2` that is not positive and finite, or when the
/// variance is zero (no arm has both conversions and non-conversions yet).
pub fn msprt_p_value(control: Counts, variant: Counts, tau2: f64) -> Option<f64> {
    let (pc, pv) = (control.rate()?, variant.rate()?);
    if !(tau2 > 0.0 && tau2.is_finite()) {
        return None;
    }
    let v = pc * (1.0 - pc) / control.exposed as f64 + pv * (1.0 - pv) / variant.exposed as f64;
    if v <= 0.0 {
        return None;
    }
    let d = pv - pc;
    let ln_lambda = 0.5 * (v / (v + tau2)).ln() + tau2 * d * d / (2.0 * v * (v + tau2));
    Some((-ln_lambda.max(0.0)).exp())
}
