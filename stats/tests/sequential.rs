//! Chance to beat control and the mSPRT p-value against SciPy 1.17.1.
//!
//! Chance to beat: with Beta(1, 1) priors the posteriors are `Beta(x + 1, n − x + 1)`, and
//! `P(pv > pc) = ∫ f_v(t) F_c(t) dt`. Each expected value is SciPy's numerical integral
//!
//! ```python
//! from scipy.integrate import quad
//! from scipy.stats import beta
//! quad(lambda t: beta.pdf(t, av, bv) * beta.cdf(t, ac, bc), lo, hi, points=[mv],
//!      epsabs=1e-16, epsrel=1e-13, limit=500)[0]
//! ```
//!
//! with `lo, hi = mv ∓ 40 sd` of the variant's posterior clipped to `[0, 1]` (the mass
//! outside is below 1e-300) and `mv` its mean. Every value was cross-checked by the other
//! integral, `∫ f_c(t) (1 − F_v(t)) dt`; the two agree within 4e-14 relative (one row,
//! noted there, excepted). The tolerance is 1e-9 relative (the crate's sum and the integrals
//! differ by at most 2e-12 on those rows), and 1e-7 on the two 1e7-user rows: there the sum
//! runs over up to 5 million terms and its first term's logarithm is near 8e7, so rounding
//! leaves about 1e-8 (7e-9 observed). Where the sum is subtracted from one (the shorter of
//! the four forms), the result has an absolute error near 1e-16: absolute floor 1e-15.

mod common;

use common::assert_close;
use stats::{Counts, chance_to_beat, msprt_p_value};

/// `(control (converted, exposed), variant (converted, exposed), P(pv > pc), rel tolerance)`.
type Row = ((u64, u64), (u64, u64), f64, f64);
/// `(control (converted, exposed), variant (converted, exposed), τ², p-value)`.
type MsprtRow = ((u64, u64), (u64, u64), f64, f64);

#[test]
fn chance_to_beat_matches_scipy_integration() {
    let rows: &[Row] = &[
        // Two empty arms: the prior alone. quad(... beta.pdf(t, 1, 1) * beta.cdf(t, 1, 1), 0, 1)
        ((0, 0), (0, 0), 0.4999999999999999, 1e-9),
        // beta.pdf(t, 121, 881) * beta.cdf(t, 101, 901), 0.0, 0.5323083282163015
        ((100, 1000), (120, 1000), 0.9231834389735601, 1e-9),
        // beta.pdf(t, 21, 81) * beta.cdf(t, 11, 91), 0.0, 1.0
        ((10, 100), (20, 100), 0.9751730331528752, 1e-9),
        // Control without conversions: beta.pdf(t, 6, 96) * beta.cdf(t, 1, 101), 0.0, 0.9861922618016876
        ((0, 100), (5, 100), 0.9855234959554188, 1e-9),
        // Control converted everyone: beta.pdf(t, 96, 6) * beta.cdf(t, 101, 1), 0.01380773819831238, 1.0
        ((100, 100), (95, 100), 0.014476504044580753, 1e-9),
        // beta.pdf(t, 1101, 8901) * beta.cdf(t, 1001, 9001), 0.0, 0.2352539835851798
        ((1000, 10_000), (1100, 10_000), 0.9894573544317141, 1e-9),
        // 1e7 users: beta.pdf(t, 101001, 9899001) * beta.cdf(t, 100001, 9900001),
        // 0.008835308163364202, 0.011364887796596607
        (
            (100_000, 10_000_000),
            (101_000, 10_000_000),
            0.9875125351709945,
            1e-7,
        ),
        // 1e7 users at 50 %: beta.pdf(t, 5002001, 4998001) * beta.cdf(t, 5000001, 5000001),
        // 0.49387544609431044, 0.5065245538256895
        (
            (5_000_000, 10_000_000),
            (5_002_000, 10_000_000),
            0.8144533078638395,
            1e-7,
        ),
        // Identical arms: beta.pdf(t, 51, 951) * beta.cdf(t, 51, 951), 0.0, 0.3284967257855151
        ((50, 1000), (50, 1000), 0.49999999999999994, 1e-9),
        // Empty control: beta.pdf(t, 4, 8) * beta.cdf(t, 1, 1), 0.0, 1.0
        ((0, 0), (3, 10), 0.33333333333333326, 1e-9),
        // Variant behind: beta.pdf(t, 191, 811) * beta.cdf(t, 201, 801), 0.0, 0.6867184049082827
        ((200, 1000), (190, 1000), 0.2864764765081941, 1e-9),
        // Tiny: beta.pdf(t, 1, 2) * beta.cdf(t, 2, 2), 0.0, 1.0
        ((1, 2), (0, 1), 0.30000000000000004, 1e-9),
        // Unequal arms: beta.pdf(t, 21, 81) * beta.cdf(t, 31, 171), 0.0, 1.0
        ((30, 200), (20, 100), 0.8683776477911915, 1e-9),
        // beta.pdf(t, 126, 876) * beta.cdf(t, 101, 901), 0.0, 0.5445219424588846
        ((100, 1000), (125, 1000), 0.9613611874563575, 1e-9),
        // beta.pdf(t, 71, 931) * beta.cdf(t, 101, 901), 0.0, 0.3949334986654711
        ((100, 1000), (70, 1000), 0.008117398480575659, 1e-9),
        // Variant without conversions, near certain to lose. The two integrals disagree
        // (2.3098e-16 and 2.3104e-16), so the reference is the closed form that holds when
        // the variant's posterior is Beta(1, b): P(pv > pc) = E[(1 − pc)^b] = B(ac, bc + b) / B(ac, bc).
        // scipy 1.17.1: np.exp(scipy.special.betaln(51, 951 + 1001) - scipy.special.betaln(51, 951))
        ((50, 1000), (0, 1000), 2.310441911244429e-16, 1e-9),
        // And its mirror, near certain to win; quad(... beta.pdf(t, 51, 951) * beta.cdf(t, 1, 1001),
        // 0.0, 0.3284967257855151) = 0.9999999999999997 (and -np.expm1(same betaln difference)
        // = 0.9999999999999998): equal within the absolute floor.
        ((0, 1000), (50, 1000), 0.9999999999999997, 1e-9),
    ];
    for &((xc, nc), (xv, nv), want, rel) in rows {
        let got = chance_to_beat(Counts::new(nc, xc), Counts::new(nv, xv)).expect("valid counts");
        assert_close(&format!("{xv}/{nv} beats {xc}/{nc}"), got, want, rel, 1e-15);
        // Swapping the arms gives the complement (ties have probability zero).
        let back = chance_to_beat(Counts::new(nv, xv), Counts::new(nc, xc)).expect("valid");
        assert_close(
            &format!("{xc}/{nc} beats {xv}/{nv}"),
            back,
            1.0 - want,
            rel,
            1e-15,
        );
    }
}

#[test]
fn chance_to_beat_beyond_twenty_million_matches_scipy_integration() {
    // Above 20 million in every count the crate uses normal posteriors. Expected values:
    // quad(lambda t: beta.pdf(t, av, bv) * beta.cdf(t, ac, bc), lo, hi, points=[mv],
    //      epsabs=1e-16, epsrel=1e-13, limit=500)[0] with the limits written below
    // (mv ∓ 40 sd). The approximation differs from these by at most 1.8e-9 (SciPy's
    // norm.cdf of the same normal approximation, compared offline), hence 1e-8 absolute.
    let rows: &[Row] = &[
        // beta.pdf(t, 500030001, 499970001) * beta.cdf(t, 500000001, 500000001),
        // 0.49939754446999346, 0.5006624555298866, points=[0.50002999999994]
        (
            (500_000_000, 1_000_000_000),
            (500_030_000, 1_000_000_000),
            0.9101437525574597,
            0.0,
        ),
        // beta.pdf(t, 30010001, 969990001) * beta.cdf(t, 30000001, 970000001),
        // 0.02979418842617699, 0.03022581345378301, points=[0.03001000093998]
        (
            (30_000_000, 1_000_000_000),
            (30_010_000, 1_000_000_000),
            0.9050205001552877,
            0.0,
        ),
        // beta.pdf(t, 25003001, 24997001) * beta.cdf(t, 25000001, 25000001),
        // 0.49723157297807125, 0.5028884270171287, points=[0.5000599999976]
        (
            (25_000_000, 50_000_000),
            (25_003_000, 50_000_000),
            0.7257468805040374,
            0.0,
        ),
    ];
    for &((xc, nc), (xv, nv), want, _) in rows {
        let got = chance_to_beat(Counts::new(nc, xc), Counts::new(nv, xv)).expect("valid counts");
        assert_close(&format!("{xv}/{nv} beats {xc}/{nc}"), got, want, 0.0, 1e-8);
    }
    // Any count at all finishes: the largest possible arms.
    let max = Counts::new(u64::MAX - 1, u64::MAX / 2);
    assert_eq!(chance_to_beat(max, max), Some(0.5));
    // All converted, at the largest count: the single-term exact sum, ½ up to rounding.
    let all = Counts::new(u64::MAX, u64::MAX);
    let got = chance_to_beat(all, all).expect("valid counts");
    assert_close("u64::MAX all converted", got, 0.5, 0.0, 1e-12);
}

#[test]
fn chance_to_beat_refuses_inconsistent_counts_and_bounds_the_rest() {
    let ok = Counts::new(100, 10);
    assert_eq!(chance_to_beat(ok, Counts::new(10, 11)), None);
    assert_eq!(chance_to_beat(Counts::new(0, 1), ok), None);
    let extremes = [
        Counts::new(0, 0),
        Counts::new(1, 0),
        Counts::new(1, 1),
        Counts::new(10_000_000, 0),
        Counts::new(10_000_000, 10_000_000),
        Counts::new(10_000_000, 1),
    ];
    for c in extremes {
        for v in extremes {
            let p = chance_to_beat(c, v).expect("valid counts");
            assert!((0.0..=1.0).contains(&p), "{v:?} beats {c:?}: {p}");
        }
    }
}

#[test]
fn msprt_matches_the_normal_mixture_likelihood_ratio() {
    // Λ is the ratio of the difference's likelihood under the N(0, τ²) mixture to that under
    // "no difference"; each expected value is, with SciPy 1.17.1,
    //   pc, pv = xc / nc, xv / nv; v = pc*(1-pc)/nc + pv*(1-pv)/nv; d = pv - pc
    //   L = scipy.stats.norm.pdf(d, 0, sqrt(v + tau2)) / scipy.stats.norm.pdf(d, 0, sqrt(v))
    //   min(1.0, 1 / L)
    // A closed form evaluated two ways: tolerance 1e-10 relative.
    let rows: &[MsprtRow] = &[
        ((100, 1000), (130, 1000), 1e-4, 0.5881244961244219),
        ((1000, 10_000), (1100, 10_000), 1e-4, 0.2676532900875327),
        ((1000, 10_000), (1000, 10_000), 1e-4, 1.0),
        ((100, 1000), (104, 1000), 1e-4, 1.0),
        ((10, 100), (30, 100), 0.01, 0.01233842880706929),
        ((0, 100), (5, 100), 1e-4, 0.6961860887374177),
        ((100_000, 10_000_000), (101_000, 10_000_000), 1e-6, 1.0),
        (
            (100_000, 10_000_000),
            (101_000, 10_000_000),
            1e-8,
            0.3018623489769537,
        ),
        (
            (100_000, 10_000_000),
            (103_000, 10_000_000),
            1e-6,
            4.389854450651343e-09,
        ),
    ];
    for &((xc, nc), (xv, nv), tau2, want) in rows {
        let got = msprt_p_value(Counts::new(nc, xc), Counts::new(nv, xv), tau2).expect("defined");
        assert_close(
            &format!("msprt {xv}/{nv} vs {xc}/{nc}, τ² = {tau2}"),
            got,
            want,
            1e-10,
            0.0,
        );
    }
}

#[test]
fn msprt_refuses_what_it_cannot_compute() {
    let ok = Counts::new(1000, 100);
    assert_eq!(msprt_p_value(ok, Counts::new(0, 0), 1e-4), None);
    assert_eq!(msprt_p_value(ok, Counts::new(10, 11), 1e-4), None);
    for tau2 in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(msprt_p_value(ok, ok, tau2), None, "τ² = {tau2}");
    }
    // No arm has both outcomes yet: the variance is zero.
    assert_eq!(
        msprt_p_value(Counts::new(100, 0), Counts::new(100, 100), 1e-4),
        None
    );
}
