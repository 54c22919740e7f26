//! The special functions against SciPy 1.17.1 (`scipy.special`, `scipy.stats`).
//!
//! Every expected value is the `repr` of the Python expression in the comment of its row,
//! evaluated with SciPy 1.17.1 (NumPy 2.4.6). These methods are accurate to near machine
//! precision, so the tolerances are tight (1e-12 relative or better) unless a row says why.

mod common;

use common::assert_close;
use stats::special::{
    chi2_sf, gamma_p, gamma_q, ln_beta, ln_gamma, ln_gamma_ratio, normal_cdf, normal_quantile,
    normal_sf,
};

#[test]
fn ln_gamma_matches_scipy_gammaln() {
    // (x, scipy.special.gammaln(x))
    let rows: &[(f64, f64)] = &[
        (0.1, 2.252712651734206),
        (0.5, 0.5723649429247),
        (1.0, 0.0),
        (1.5, -0.12078223763524526),
        (2.0, 0.0),
        (3.7, 1.428072326665388),
        (10.0, 12.801827480081469),
        (100.5, 361.43554046777757),
        (1e4, 82099.71749644238),
        (1e7, 151180949.36947393),
        (1e-300, 690.7755278982137),
    ];
    for &(x, want) in rows {
        let got = ln_gamma(x).expect("defined for x > 0");
        // ln Γ is 0 at 1 and 2: there the absolute error is what counts.
        assert_close(&format!("ln_gamma({x})"), got, want, 1e-13, 1e-14);
    }
}

#[test]
fn ln_gamma_and_ln_beta_refuse_their_poles_and_nan() {
    for x in [0.0, -1.0, -0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(ln_gamma(x), None, "ln_gamma({x})");
    }
    assert_eq!(ln_beta(0.0, 1.0), None);
    assert_eq!(ln_beta(1.0, f64::NAN), None);
    // scipy 1.17.1: scipy.special.betaln(3, 4) = -4.0943445622221
    assert_close(
        "ln_beta(3, 4)",
        ln_beta(3.0, 4.0).expect("defined"),
        -4.0943445622221,
        1e-13,
        0.0,
    );
}

#[test]
fn ln_gamma_ratio_matches_mpmath() {
    // (x, h, float(mpmath.loggamma(x + h) - mpmath.loggamma(x))) with mpmath 1.4.1 at
    // mp.dps = 60, exact far beyond f64; a plain f64 difference of log-gammas would lose up
    // to 1e-4 relative on the large rows. Tolerance 1e-12 relative.
    let rows: &[(f64, f64, f64)] = &[
        (0.5, 0.5, -0.5723649429247001),
        (3.0, 2.5, 3.264666787058771),
        (9.5, 1e6, 12815624.127204867),
        (10.0, 1.5, 3.4901729964857715),
        (1e7, 1e7, 165043899.77420852),
        (1e9, 3.0, 62.169797513839235),
        (1.8446744073709552e19, 1.0, 44.3614195558365),
        (5e6, 4.5e7, 764251934.6663365),
        (1e12, 1e5, 2763102.1165928044),
    ];
    for &(x, h, want) in rows {
        let got = ln_gamma_ratio(x, h).expect("defined");
        assert_close(&format!("ln_gamma_ratio({x}, {h})"), got, want, 1e-12, 0.0);
    }
    for (x, h) in [
        (0.0, 1.0),
        (1.0, 0.0),
        (f64::NAN, 1.0),
        (1.0, f64::INFINITY),
    ] {
        assert_eq!(ln_gamma_ratio(x, h), None, "ln_gamma_ratio({x}, {h})");
    }
}

#[test]
fn incomplete_gamma_matches_scipy_gammaincc_and_gammainc() {
    // (a, x, scipy.special.gammaincc(a, x), scipy.special.gammainc(a, x))
    let rows: &[(f64, f64, f64, f64)] = &[
        (0.5, 0.01, 0.887537083981715, 0.11246291601828491),
        (0.5, 2.0, 0.04550026389635857, 0.9544997361036415),
        (1.0, 1.0, 0.36787944117144245, 0.6321205588285577),
        (2.5, 1.0, 0.8491450360846096, 0.15085496391539038),
        (2.5, 10.0, 0.0012497305630313773, 0.9987502694369687),
        (10.0, 3.0, 0.9988975118698845, 0.0011024881301154815),
        (10.0, 30.0, 7.121750862815593e-06, 0.9999928782491372),
        (100.0, 90.0, 0.84177901081357, 0.15822098918643007),
        // Far upper tail: relative precision must survive.
        (0.5, 400.0, 5.395865611607819e-176, 1.0),
    ];
    for &(a, x, q, p) in rows {
        let got_q = gamma_q(a, x).expect("defined");
        let got_p = gamma_p(a, x).expect("defined");
        assert_close(&format!("gamma_q({a}, {x})"), got_q, q, 1e-12, 0.0);
        assert_close(&format!("gamma_p({a}, {x})"), got_p, p, 1e-12, 0.0);
    }
    assert_eq!(gamma_q(1.0, 0.0), Some(1.0));
    assert_eq!(gamma_p(1.0, f64::INFINITY), Some(1.0));
    for (a, x) in [
        (0.0, 1.0),
        (-1.0, 1.0),
        (1.0, -1.0),
        (f64::NAN, 1.0),
        (1.0, f64::NAN),
    ] {
        assert_eq!(gamma_q(a, x), None, "gamma_q({a}, {x})");
        assert_eq!(gamma_p(a, x), None, "gamma_p({a}, {x})");
    }
}

#[test]
fn chi2_sf_matches_scipy() {
    // (x, df, scipy.stats.chi2.sf(x, df))
    let rows: &[(f64, f64, f64)] = &[
        (0.0, 1.0, 1.0),
        (1.0, 1.0, 0.31731050786291115),
        (3.841458820694124, 1.0, 0.04999999999999989),
        (10.83, 1.0, 0.0009986863791802592),
        (5.99, 2.0, 0.05003662708658629),
        (13.8155, 2.0, 0.0010000052789960706),
        (7.0, 3.0, 0.07189777249646509),
        (50.0, 4.0, 3.610865404890647e-10),
        (200.0, 2.0, 3.7200759760208177e-44),
        (0.5, 9.0, 0.9999695662588389),
    ];
    for &(x, df, want) in rows {
        let got = chi2_sf(x, df).expect("defined");
        assert_close(&format!("chi2_sf({x}, {df})"), got, want, 1e-12, 0.0);
    }
    assert_eq!(chi2_sf(-3.0, 2.0), Some(1.0));
    assert_eq!(chi2_sf(f64::INFINITY, 2.0), Some(0.0));
    assert_eq!(chi2_sf(1.0, 0.0), None);
    assert_eq!(chi2_sf(f64::NAN, 1.0), None);
}

#[test]
fn normal_cdf_matches_scipy() {
    // (z, scipy.stats.norm.cdf(z))
    let rows: &[(f64, f64)] = &[
        (-37.0, 5.7255712225239266e-300),
        (-20.0, 2.7536241186061556e-89),
        (-10.0, 7.61985302416047e-24),
        (-3.0, 0.0013498980316300933),
        (-1.959963984540054, 0.025),
        (-0.5, 0.3085375387259869),
        (0.0, 0.5),
        (0.3, 0.6179114221889526),
        (1.0, 0.8413447460685429),
        (3.0, 0.9986501019683699),
        (8.0, 0.9999999999999993),
    ];
    for &(z, want) in rows {
        assert_close(&format!("normal_cdf({z})"), normal_cdf(z), want, 1e-12, 0.0);
        // The survival function is the mirrored lower tail.
        assert_close(
            &format!("normal_sf({})", -z),
            normal_sf(-z),
            want,
            1e-12,
            0.0,
        );
    }
    assert!(normal_cdf(f64::NAN).is_nan());
    assert_eq!(normal_cdf(f64::NEG_INFINITY), 0.0);
    assert_eq!(normal_cdf(f64::INFINITY), 1.0);
}

#[test]
fn normal_quantile_matches_scipy_ppf() {
    // (p, scipy.stats.norm.ppf(p))
    let rows: &[(f64, f64)] = &[
        (1e-300, -37.0470962993612),
        (1e-100, -21.273453560965322),
        (1e-10, -6.361340902404056),
        (0.001, -3.090232306167813),
        (0.025, -1.9599639845400545),
        (0.3, -0.5244005127080409),
        (0.5, 0.0),
        (0.7, 0.5244005127080407),
        (0.975, 1.959963984540054),
        (0.999999, 4.753424308817087),
        (1.0 - 1e-12, 7.0344869100478356),
    ];
    for &(p, want) in rows {
        let got = normal_quantile(p).expect("defined on (0, 1)");
        assert_close(&format!("normal_quantile({p})"), got, want, 1e-13, 1e-15);
    }
    // The constant the intervals use is scipy.stats.norm.isf(0.025) = 1.959963984540054.
    assert_close(
        "Z_95",
        normal_quantile(0.975).expect("defined"),
        stats::Z_95,
        1e-15,
        0.0,
    );
    for p in [0.0, 1.0, -0.1, 1.5, f64::NAN] {
        assert_eq!(normal_quantile(p), None, "normal_quantile({p})");
    }
}
