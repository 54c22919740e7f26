//! Commercial facts of an account from its traits: days to renewal, break-even of customer
//! lifetime value against acquisition cost, and the renewal review's call. Pure; the traits
//! are the documented conventions `renewal_date`, `customer_since` (each `YYYY-MM-DD` or ms
//! since the epoch), `arr`, `gross_margin` (a fraction, or a percentage above 1) and `cac`.

use crate::account::Colour;
use crate::account::Ctx;
use crate::{Day, Timestamp, Value};

const DAY_MS: f64 = 86_400_000.0;

/// Days in an average month (365.25 / 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Renewals at most this many days away are in the renewal review (six months).
pub const REVIEW_DAYS: f64 = 183.0;

/// A date trait (`YYYY-MM-DD`, or ms since the epoch) as an instant.
pub fn date_trait(v: Option<&Value>) -> Option<Timestamp> {
    match v? {
        Value::Number(ms) if ms.is_finite() => Some(Timestamp(*ms as i64)),
        Value::Text(t) => {
            let mut parts = t.trim().splitn(3, '-').map(str::parse::<u32>);
            let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) =
                (parts.next(), parts.next(), parts.next())
            else {
                return None;
            };
            let day = Day::from_civil(i32::try_from(y).ok()?, m, d)?;
            Some(Timestamp(i64::from(day.0) * 86_400_000))
        }
        _ => None,
    }
}

/// A text trait, trimmed; `None` when missing, blank or not text.
pub(crate) fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Text(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// A finite number trait.
pub(crate) fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) if n.is_finite() => Some(*n),
        _ => None,
    }
}

/// Whole days from `now` to the account's renewal (negative once past); `None` without a
/// `renewal_date`.
pub fn renewal_in_days(ctx: &Ctx<'_>) -> Option<f64> {
    let at = date_trait(ctx.facts.account_traits.get("renewal_date"))?;
    Some(((at.0 - ctx.now.0) as f64 / DAY_MS).floor())
}

/// Break-even of an account: when its gross-margin contribution repays what it cost to win.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakEven {
    /// Months of contribution that repay the acquisition cost: `cac / (arr / 12 × margin)`.
    pub months: f64,
    /// Months as a customer so far.
    pub tenure_months: f64,
    /// Contribution so far minus acquisition cost (CLV to date − CAC).
    pub net: f64,
    /// Whether the tenure reached the break-even months.
    pub reached: bool,
}

/// The break-even of ARR `arr`, gross margin `margin` (a fraction, or a percentage above 1),
/// acquisition cost `cac`, and `tenure_months`; `None` without a positive contribution.
pub fn break_even(arr: f64, margin: f64, cac: f64, tenure_months: f64) -> Option<BreakEven> {
    let margin = if margin > 1.0 { margin / 100.0 } else { margin };
    let monthly = arr / 12.0 * margin;
    if !(monthly > 0.0 && cac >= 0.0 && tenure_months >= 0.0) {
        return None;
    }
    let months = cac / monthly;
    Some(BreakEven {
        months,
        tenure_months,
        net: monthly * tenure_months - cac,
        reached: tenure_months >= months,
    })
}

/// The account's break-even from its traits at `ctx.now`.
pub fn account_break_even(ctx: &Ctx<'_>) -> Option<BreakEven> {
    let t = &ctx.facts.account_traits;
    let since = date_trait(t.get("customer_since"))?;
    let tenure = ((ctx.now.0 - since.0) as f64 / DAY_MS / DAYS_PER_MONTH).max(0.0);
    break_even(
        number(t.get("arr"))?,
        number(t.get("gross_margin"))?,
        number(t.get("cac"))?,
        tenure,
    )
}

/// The renewal review's call on an account: `risk`, `upside` or `steady`.
///
/// Risk: Red, or Yellow with a renewal within six months. Upside: Green with a renewal within
/// six months (the account to grow at renewal). Steady: anything else, including unknown
/// health.
pub fn renewal_call(colour: Option<Colour>, renewal_in_days: Option<f64>) -> &'static str {
    let renewing = renewal_in_days.is_some_and(|d| (0.0..=REVIEW_DAYS).contains(&d));
    match colour {
        Some(Colour::Red) => "risk",
        Some(Colour::Yellow) if renewing => "risk",
        Some(Colour::Green) if renewing => "upside",
        _ => "steady",
    }
}

/// The calls a CSM may set in place of the computed one.
pub const CALLS: [&str; 3] = ["risk", "upside", "steady"];

/// The renewal review's call on the account of `ctx`, and the CSM's reason when they
/// overrode it: the account traits `cs_call` (one of [`CALLS`]) with `cs_call_reason` win
/// over [`renewal_call`].
pub fn review_call(ctx: &Ctx<'_>) -> (&'static str, Option<String>) {
    let t = &ctx.facts.account_traits;
    let computed = renewal_call(crate::health(ctx).colour, renewal_in_days(ctx));
    match (text(t.get("cs_call")), text(t.get("cs_call_reason"))) {
        (Some(call), Some(reason)) => match CALLS.iter().find(|c| **c == call) {
            Some(c) => (c, Some(reason)),
            None => (computed, None),
        },
        _ => (computed, None),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn break_even_by_hand() {
        // (arr, margin, cac, tenure) → (months, reached, net)
        let cases = [
            // 12,000 a year at 80 %: 800 a month; 4,000 to win: 5 months.
            (12_000.0, 0.8, 4_000.0, 6.0, Some((5.0, true, 800.0))),
            (12_000.0, 80.0, 4_000.0, 4.0, Some((5.0, false, -800.0))),
            (24_000.0, 0.5, 12_000.0, 12.0, Some((12.0, true, 0.0))),
            (0.0, 0.8, 4_000.0, 6.0, None),
            (12_000.0, 0.0, 4_000.0, 6.0, None),
        ];
        for (arr, margin, cac, tenure, expected) in cases {
            let got = break_even(arr, margin, cac, tenure).map(|b| (b.months, b.reached, b.net));
            match (got, expected) {
                (Some((m, r, n)), Some((em, er, en))) => {
                    assert!(
                        (m - em).abs() < 1e-9 && r == er && (n - en).abs() < 1e-6,
                        "{arr} {margin} {cac} {tenure}: {m} {r} {n}"
                    );
                }
                (got, expected) => assert_eq!(
                    got.is_some(),
                    expected.is_some(),
                    "{arr} {margin} {cac} {tenure}"
                ),
            }
        }
    }

    #[test]
    fn a_csm_overrides_the_call_with_a_reason() {
        use crate::{AccountModel, Facts};
        let model = AccountModel::default();
        let now = Timestamp(20_788 * 86_400_000);
        // No health model: the computed call is steady.
        for (call, reason, expected) in [
            (None, None, ("steady", None)),
            (
                Some("risk"),
                Some("champion resigned"),
                ("risk", Some("champion resigned")),
            ),
            (Some("risk"), None, ("steady", None)),
            (Some("doom"), Some("why not"), ("steady", None)),
            (Some("upside"), Some("  "), ("steady", None)),
        ] {
            let mut f = Facts::default();
            for (k, v) in [("cs_call", call), ("cs_call_reason", reason)] {
                if let Some(v) = v {
                    f.account_traits.insert(k.into(), Value::Text(v.into()));
                }
            }
            let got = review_call(&Ctx::new(&f, &model, now));
            assert_eq!((got.0, got.1.as_deref()), expected, "{call:?} {reason:?}");
        }
    }

    #[test]
    fn calls_and_dates() {
        for (colour, days, call) in [
            (Some(Colour::Red), None, "risk"),
            (Some(Colour::Yellow), Some(90.0), "risk"),
            (Some(Colour::Yellow), Some(200.0), "steady"),
            (Some(Colour::Green), Some(30.0), "upside"),
            (Some(Colour::Green), Some(-3.0), "steady"),
            (None, Some(30.0), "steady"),
        ] {
            assert_eq!(renewal_call(colour, days), call, "{colour:?} {days:?}");
        }
        assert_eq!(
            date_trait(Some(&Value::Text("2026-12-01".into()))),
            Some(Timestamp(20_788 * 86_400_000))
        );
        assert_eq!(date_trait(Some(&Value::Number(5.0))), Some(Timestamp(5)));
        assert_eq!(date_trait(Some(&Value::Text("soon".into()))), None);
        assert_eq!(date_trait(Some(&Value::Text("2026-02-30".into()))), None);
    }
}
