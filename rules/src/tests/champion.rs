//! The champion rule, the 3×3 coverage grid and its gaps, worked out by hand.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::NOW;
use crate::*;

fn person(
    id: &str,
    first_seen_ago: i32,
    last_ago: i32,
    active_days: u32,
    features: &[&str],
) -> Person {
    let today = NOW.day();
    Person {
        user_id: id.into(),
        first_seen: Some(today.minus(first_seen_ago)),
        last_active: Some(today.minus(last_ago)),
        active_days,
        features: features.iter().map(|f| (*f).to_owned()).collect(),
        seniority: None,
        department: None,
    }
}

fn placed(id: &str, seniority: &str, department: &str, last_ago: i32) -> Person {
    Person {
        seniority: Some(seniority.into()),
        department: Some(department.into()),
        ..person(id, 100, last_ago, 5, &[])
    }
}

#[test]
#[rustfmt::skip]
fn the_champion_rule() {
    let keys: Vec<String> = ["a", "b", "c", "d"].map(str::to_owned).to_vec();
    // (case, person, with key features, champion)
    let cases = [
        ("active, broad, long-tenured", person("u", 60, 0, 8, &["a", "b"]), true, true),
        ("7 active days are too few", person("u", 60, 0, 7, &["a", "b", "c"]), true, false),
        ("1 of 4 key features is not broad", person("u", 90, 0, 20, &["a", "x", "y"]), true, false),
        ("59 days is too new", person("u", 59, 0, 20, &["a", "b"]), true, false),
        ("without key features, 3 features are broad", person("u", 60, 0, 8, &["x", "y", "z"]), false, true),
        ("without key features, 2 are not", person("u", 60, 0, 8, &["x", "y"]), false, false),
    ];
    for (case, p, with_keys, expected) in cases {
        let k: &[String] = if with_keys { &keys } else { &[] };
        assert_eq!(is_champion(&p, k, NOW.day()), expected, "{case}");
    }
}

#[test]
fn coverage_three_high_three_wide() {
    let today = NOW.day();
    let people = [
        placed("ceo", "executive", "Finance", 1),
        placed("cfo-team-1", "manager", "Finance", 2),
        placed("f1", "individual", "Finance", 0),
        placed("f2", "individual", "Finance", 0),
        placed("s1", "individual", "Sales", 3),
        placed("s2", "manager", "Sales", 3),
        placed("o1", "individual", "Ops", 5),
        // Quiet for 30 days: not counted, so Legal is no department of the grid.
        placed("l1", "executive", "Legal", 30),
        placed("l2", "executive", "Legal", 31),
    ];
    let c = coverage(&people, today);
    // Finance has 4 active users, then Ops and Sales (ties by name: Ops has 1, Sales 2).
    assert_eq!(c.departments, ["Finance", "Sales", "Ops"]);
    assert_eq!(c.grid, [[1, 0, 0], [1, 1, 0], [2, 1, 1]]);
    assert_eq!(
        c.gaps,
        [
            "no executive in Sales",
            "no executive in Ops",
            "no manager in Ops"
        ]
    );
    assert_eq!(c.gap_count(), 3);
    // Nobody placed: every level missing and no department.
    let bare = coverage(&[person("u", 100, 0, 9, &[])], today);
    assert_eq!(bare.gap_count(), 9);
    assert_eq!(
        bare.gaps,
        [
            "no executive active",
            "no manager active",
            "no individual active",
            "0 of 3 departments reached"
        ]
    );
}

#[test]
fn champions_by_rule_or_confirmed_and_the_quiet_one() {
    let today = NOW.day();
    // The operand on the user being decided for.
    let mut f = Facts {
        user_id: "ann".into(),
        ..Facts::default()
    };
    for d in 0..8 {
        f.add_usage(
            "ann",
            true,
            if d % 2 == 0 { "a" } else { "b" },
            today.minus(d),
            1,
        );
    }
    f.add_usage("ann", true, "a", today.minus(70), 1);
    let model = AccountModel {
        key_features: ["a", "b", "c"].map(str::to_owned).to_vec(),
        ..AccountModel::default()
    };
    let is = |f: &Facts| {
        let ctx = Ctx::new(f, &model, NOW);
        Operand::IsChampion.resolve(&ctx)
    };
    assert_eq!(
        is(&f),
        Value::Bool(true),
        "8 days, 2 of 3 key features, 70 days a user"
    );
    let mut newcomer = f.clone();
    newcomer.user_active_days.retain(|d| *d > today.minus(60));
    assert_eq!(is(&newcomer), Value::Bool(false));
    newcomer
        .account_traits
        .insert("cs_champions".into(), Value::Text("bob, ann".into()));
    assert_eq!(is(&newcomer), Value::Bool(true), "confirmed by a CSM");
    // The only champion, quiet for 30 days; two champions are never "the only one".
    let quiet = person("q", 200, 30, 0, &[]);
    let busy = person("b", 200, 29, 9, &[]);
    assert!(sole_champion_quiet(&[&quiet], today));
    assert!(!sole_champion_quiet(&[&busy], today));
    assert!(!sole_champion_quiet(&[&quiet, &busy], today));
    assert!(!sole_champion_quiet(&[], today));
}

#[test]
fn coverage_gaps_as_an_operand_and_when_they_are_loaded() {
    let audience = Condition::Compare {
        left: Operand::CoverageGaps,
        op: CmpOp::Gte,
        right: Operand::Literal(Value::Number(7.0)),
    };
    let campaign = Campaign::new(
        CampaignId::new("threads").expect("id"),
        Surface::Banner,
        audience.clone(),
    );
    let with = Catalog {
        campaigns: vec![campaign],
        ..Catalog::default()
    };
    assert!(with.needs_people());
    assert!(!Catalog::default().needs_people());
    let model = AccountModel::default();
    let mut f = Facts::default();
    // Not loaded: null, which no comparison satisfies.
    assert!(audience.check(&Ctx::new(&f, &model, NOW)).is_err());
    f.people = Some(vec![placed("ceo", "executive", "Finance", 0)]);
    let ctx = Ctx::new(&f, &model, NOW);
    assert_eq!(Operand::CoverageGaps.resolve(&ctx), Value::Number(8.0));
    assert!(audience.check(&ctx).is_ok());
}
