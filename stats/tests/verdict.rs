//! Verdicts and their sentences, table-driven.
//!
//! The numbers that decide a row come from SciPy 1.17.1, as the comments say: the SRM
//! p-values from `scipy.stats.chisquare`, the chances to beat control from
//!
//! ```python
//! Q = lambda av, bv, ac, bc: scipy.integrate.quad(
//!     lambda t: beta.pdf(t, av, bv) * beta.cdf(t, ac, bc), 0, 1,
//!     epsabs=1e-16, epsrel=1e-13, limit=500)[0]
//! ```
//!
//! (see `sequential.rs`). The crate's own numbers are only compared with them.

mod common;

use common::assert_close;
use stats::{Arm, MIN_CONVERSIONS, MIN_EXPOSED_PER_ARM, Verdict, p_value_text, percent, verdict};

fn arm(name: &str, weight: f64, exposed: u64, converted: u64) -> Arm<'_> {
    Arm::new(name, weight, exposed, converted)
}

/// What a row expects: the verdict with its number (checked with a tolerance) and the sentence.
struct Row<'a> {
    control: Arm<'a>,
    variants: Vec<Arm<'a>>,
    want: Verdict<'a>,
    sentence: &'a str,
}

#[test]
fn verdicts_and_sentences() {
    let rows = vec![
        Row {
            control: arm("Holdout", 1.0, 500, 50),
            variants: vec![],
            want: Verdict::NoVariants,
            sentence: "No variant to compare with control",
        },
        Row {
            control: arm("Holdout", 1.0, 500, 50),
            variants: vec![arm("B", 1.0, 500, 501)],
            want: Verdict::InvalidCounts { arm: "B" },
            sentence: "The numbers of B are inconsistent: more conversions than users",
        },
        Row {
            control: arm("Holdout", f64::NAN, 500, 50),
            variants: vec![arm("B", 1.0, 500, 50)],
            want: Verdict::InvalidWeight { arm: "Holdout" },
            sentence: "The planned share of Holdout is not a valid number",
        },
        // scipy 1.17.1: chisquare([1200, 4400, 4400], f_exp=[1000, 4500, 4500]).pvalue
        // = 2.2336314362031707e-10; flagged before anything else, even a clear winner.
        Row {
            control: arm("Holdout", 10.0, 1200, 10),
            variants: vec![arm("A", 45.0, 4400, 400), arm("B", 45.0, 4400, 900)],
            want: Verdict::SampleRatioMismatch {
                p_value: 2.2336314362031707e-10,
            },
            sentence: "Sample ratio mismatch: exposures do not match the split (p < 0.0001); results are not trustworthy",
        },
        // chisquare([4814, 5186], f_exp=[5000, 5000]).pvalue = 0.0001992227779518334
        Row {
            control: arm("Control", 50.0, 4814, 500),
            variants: vec![arm("B", 50.0, 5186, 500)],
            want: Verdict::SampleRatioMismatch {
                p_value: 0.0001992227779518334,
            },
            sentence: "Sample ratio mismatch: exposures do not match the split (p = 0.0002); results are not trustworthy",
        },
        // chisquare([40, 37], f_exp=[38.5, 38.5]).pvalue = 0.7324398999038724: no mismatch,
        // but B has too few users.
        Row {
            control: arm("Control", 1.0, 40, 5),
            variants: vec![arm("B", 1.0, 37, 9)],
            want: Verdict::NotEnoughUsers {
                arm: "B",
                exposed: 37,
                needed: 100,
            },
            sentence: "Not enough data yet: 37 of 100 users needed in B",
        },
        // Nobody exposed: no SRM test is possible, and the first empty arm is named.
        Row {
            control: arm("Holdout", 10.0, 0, 0),
            variants: vec![arm("A", 45.0, 0, 0), arm("B", 45.0, 0, 0)],
            want: Verdict::NotEnoughUsers {
                arm: "Holdout",
                exposed: 0,
                needed: 100,
            },
            sentence: "Not enough data yet: 0 of 100 users needed in Holdout",
        },
        Row {
            control: arm("Control", 1.0, 500, 4),
            variants: vec![arm("B", 1.0, 500, 3)],
            want: Verdict::NotEnoughConversions {
                converted: 7,
                needed: 10,
            },
            sentence: "Not enough data yet: 7 of 10 conversions needed",
        },
        // Q(126, 876, 101, 901) = 0.9613611874563582
        Row {
            control: arm("Control", 1.0, 1000, 100),
            variants: vec![arm("B", 1.0, 1000, 125)],
            want: Verdict::Better {
                arm: "B",
                chance: 0.9613611874563582,
            },
            sentence: "B is better than control with 96% chance to beat it",
        },
        // Q(161, 841, 101, 901) = 0.9999679508866438
        Row {
            control: arm("Control", 1.0, 1000, 100),
            variants: vec![arm("B", 1.0, 1000, 160)],
            want: Verdict::Better {
                arm: "B",
                chance: 0.9999679508866438,
            },
            sentence: "B is better than control with more than 99% chance to beat it",
        },
        // Q(71, 931, 101, 901) = 0.008117398480575645
        Row {
            control: arm("Control", 1.0, 1000, 100),
            variants: vec![arm("B", 1.0, 1000, 70)],
            want: Verdict::Worse {
                arm: "B",
                chance: 0.008117398480575645,
            },
            sentence: "B is worse than control: only 1% chance to beat it",
        },
        // Q(121, 881, 101, 901) = 0.9231834389735595
        Row {
            control: arm("Control", 1.0, 1000, 100),
            variants: vec![arm("B", 1.0, 1000, 120)],
            want: Verdict::NoClearDifference {
                arm: "B",
                chance: 0.9231834389735595,
            },
            sentence: "No clear difference yet",
        },
        // Holdout 10 %, A 45 %, B 45 %; chisquare([200, 900, 900], f_exp=[200, 900, 900]) = 1.
        // A: Q(96, 806, 21, 181) = 0.5581242715287373
        // B: Q(121, 781, 21, 181) = 0.8904655558811864 (the best)
        Row {
            control: arm("Holdout", 10.0, 200, 20),
            variants: vec![arm("A", 45.0, 900, 95), arm("B", 45.0, 900, 120)],
            want: Verdict::NoClearDifference {
                arm: "B",
                chance: 0.8904655558811864,
            },
            sentence: "No clear difference yet",
        },
    ];
    for row in rows {
        let got = verdict(&row.control, &row.variants);
        assert_eq!(got.to_string(), row.sentence);
        let what = row.sentence;
        match (got, row.want) {
            (
                Verdict::SampleRatioMismatch { p_value: got },
                Verdict::SampleRatioMismatch { p_value: want },
            ) => assert_close(what, got, want, 1e-12, 0.0),
            (
                Verdict::Better { arm, chance: got },
                Verdict::Better {
                    arm: want_arm,
                    chance,
                },
            )
            | (
                Verdict::Worse { arm, chance: got },
                Verdict::Worse {
                    arm: want_arm,
                    chance,
                },
            )
            | (
                Verdict::NoClearDifference { arm, chance: got },
                Verdict::NoClearDifference {
                    arm: want_arm,
                    chance,
                },
            ) => {
                assert_eq!(arm, want_arm, "{what}");
                // Tolerance as in sequential.rs.
                assert_close(what, got, chance, 1e-9, 1e-15);
            }
            (got, want) => assert_eq!(got, want, "{what}"),
        }
    }
}

#[test]
fn thresholds_are_the_documented_ones() {
    assert_eq!((MIN_EXPOSED_PER_ARM, MIN_CONVERSIONS), (100, 10));
}

#[test]
fn numbers_in_words() {
    let rows: &[(f64, &str)] = &[
        (0.97, "97%"),
        (0.5, "50%"),
        (0.996, "more than 99%"),
        (1.0, "100%"),
        (0.004, "less than 1%"),
        (0.0, "0%"),
        (f64::NAN, "an unknown"),
    ];
    for &(chance, want) in rows {
        assert_eq!(percent(chance), want, "percent({chance})");
    }
    let rows: &[(f64, &str)] = &[
        (0.0002, "0.0002"),
        (0.00023, "0.0002"),
        (0.0009, "0.0009"),
        (0.003, "0.003"),
        (0.04, "0.04"),
        (0.5, "0.5"),
        (0.00001, "< 0.0001"),
        (0.0, "< 0.0001"),
        (f64::NAN, "unknown"),
    ];
    for &(p, want) in rows {
        assert_eq!(p_value_text(p), want, "p_value_text({p})");
    }
}
