//! Licence utilisation, breadth, NPS and the portfolio's adoption KPIs, counted by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::NOW;
use crate::*;

fn keys() -> Vec<String> {
    ["submit", "approve", "export", "report"]
        .map(str::to_owned)
        .to_vec()
}

fn survey(score: u32, days_ago: i64) -> SurveyFact {
    SurveyFact {
        user_id: "u".into(),
        campaign: "nps".into(),
        by_current_user: false,
        score,
        at: Timestamp(NOW.0 - days_ago * 86_400_000),
    }
}

#[test]
fn one_account() {
    let today = NOW.day();
    let mut facts = Facts::default();
    // Three users active within 28 days (today, 10 and 27 days ago), one 28 days ago: out.
    facts.add_usage("a", false, "submit", today, 3);
    facts.add_usage("b", false, "approve", today.minus(10), 1);
    facts.add_usage("c", false, "submit", today.minus(27), 1);
    facts.add_usage("d", false, "export", today.minus(28), 5);
    facts
        .account_traits
        .insert("seats".into(), Value::Number(4.0));
    // Two promoters, one passive, one detractor within a year; a detractor 365 days ago: out.
    facts.surveys = vec![
        survey(10, 1),
        survey(9, 30),
        survey(8, 100),
        survey(3, 364),
        survey(0, 365),
    ];
    let model = AccountModel {
        key_features: keys(),
        ..AccountModel::default()
    };
    let a = account_adoption(&Ctx::new(&facts, &model, NOW));
    assert_eq!(a.active_users, 3);
    assert_eq!(a.seats, Some(4.0));
    assert_eq!(a.utilisation(), Some(75.0));
    // `export` was used 28 days ago only: 2 of 4 key features, which is half, so broad.
    assert_eq!(a.features_used, ["submit", "approve"]);
    assert_eq!(a.breadth(), Some(50.0));
    assert!(a.broad());
    // (2 − 1) / 4 = 25.
    assert_eq!(a.nps, Some(25.0));
}

#[test]
#[rustfmt::skip]
fn nps_of_answers() {
    // (answers, NPS)
    let cases: [(&[u32], Option<f64>); 5] = [
        (&[], None),
        (&[9, 10], Some(100.0)),
        (&[0, 6], Some(-100.0)),
        (&[7, 8], Some(0.0)),
        // 1 promoter, 2 detractors of 3: −33.3 rounds to −33.
        (&[10, 5, 6], Some(-33.0)),
    ];
    for (answers, expected) in cases {
        assert_eq!(nps(answers), expected, "{answers:?}");
    }
}

#[test]
fn the_portfolio() {
    let account = |active: u32, seats: Option<f64>, used: &[&str]| Adoption {
        active_users: active,
        seats,
        features_used: used.iter().map(|f| (*f).to_owned()).collect(),
        key_features: 4,
        nps: None,
    };
    let accounts = [
        account(8, Some(10.0), &["submit", "approve", "export"]),
        account(3, Some(20.0), &["submit"]),
        // Unknown seats: not in the utilisation, still in breadth.
        account(50, None, &["submit", "report"]),
        account(0, Some(10.0), &[]),
    ];
    assert_eq!(accounts[1].breadth(), Some(25.0));
    assert!(!accounts[1].broad());
    assert_eq!(accounts[3].utilisation(), Some(0.0));
    let p = portfolio_adoption(&accounts, &keys());
    assert_eq!((p.accounts, p.with_seats), (4, 3));
    // (8 + 3 + 0) / (10 + 20 + 10) = 27.5 %.
    assert_eq!(p.utilisation(), Some(27.5));
    // The first and third use at least 2 of 4 key features: 2 of 4 accounts.
    assert_eq!(p.broad, 2);
    assert_eq!(p.broad_share(), Some(50.0));
    assert_eq!(
        p.features,
        [
            ("submit".to_owned(), 3),
            ("approve".to_owned(), 1),
            ("export".to_owned(), 1),
            ("report".to_owned(), 1)
        ]
    );
    // Without key features there is no breadth to share.
    let none = portfolio_adoption(&accounts, &[]);
    assert_eq!(none.broad_share(), None);
}
