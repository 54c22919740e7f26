//! Advocacy: the stage of a user (Discover, Nurture, Mobilize) and the ladder of asks, with
//! expectations worked out by hand from the rules in `crate::advocacy`.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::{DAY, NOW, catalog, id};
use crate::*;

/// An ask campaign for everyone, shown once.
fn ask(name: &str, ask: Ask) -> Campaign {
    Campaign {
        ask: Some(ask),
        recurrence: Recurrence::Once,
        ..Campaign::new(id(name), Surface::Slideout, Condition::always())
    }
}

/// A message that asks nothing.
fn tip(name: &str) -> Campaign {
    Campaign::new(id(name), Surface::Banner, Condition::always())
}

fn answered(score: u32, days_ago: i64) -> SurveyFact {
    SurveyFact {
        user_id: "u".into(),
        campaign: "nps".into(),
        by_current_user: true,
        score,
        at: NOW.plus_ms(-days_ago * DAY),
    }
}

/// Facts with the user active on each of `days` (days ago) and these survey answers.
fn facts(days: &[i32], surveys: Vec<SurveyFact>) -> Facts {
    let mut f = Facts::default();
    for d in days {
        f.add_usage("me", true, "create_expense", NOW.day().minus(*d), 1);
    }
    f.surveys = surveys;
    f
}

/// One row of [`stage_of_a_user`].
struct Case {
    name: &'static str,
    /// Days ago the user was active.
    active: Vec<i32>,
    surveys: Vec<SurveyFact>,
    /// Campaigns shown to the user.
    shown: &'static [&'static str],
    stage: &'static str,
    candidate: Option<Candidate>,
}

#[test]
fn stage_of_a_user() {
    let all = vec![
        tip("tip-a"),
        tip("tip-b"),
        ask("review", Ask::Review),
        ask("reference", Ask::Reference),
    ];
    let promoter = |score| Some(Candidate::Promoter { score });
    let row = |name, active, surveys, shown, stage, candidate| Case {
        name,
        active,
        surveys,
        shown,
        stage,
        candidate,
    };
    let today = vec![0];
    #[rustfmt::skip]
    let cases = [
        row("a stranger", today.clone(), vec![], &[], "none", None),
        row("a passive is no candidate", today.clone(), vec![answered(8, 1)], &[], "none", None),
        row("an untouched promoter", today.clone(), vec![answered(9, 1)], &[], "discover", promoter(9)),
        row("the latest answer counts", today.clone(), vec![answered(10, 5), answered(6, 1)], &[], "none", None),
        row("a promoter after a detractor answer", today.clone(), vec![answered(3, 5), answered(10, 1)], &[], "discover", promoter(10)),
        row("one touch is not nurture", today.clone(), vec![answered(10, 1)], &["tip-a"], "discover", promoter(10)),
        row("two touches nurture", today.clone(), vec![answered(10, 1)], &["tip-a", "tip-b"], "nurture", promoter(10)),
        row("a power user: 10 active days in 30", (0..10).collect(), vec![], &[], "discover", Some(Candidate::PowerUser { active_days: 10 })),
        row("9 active days are not enough", (0..9).collect(), vec![], &[], "none", None),
        row("the 31st day ago is outside the window", (21..31).collect(), vec![], &[], "none", None),
        row("asked: mobilize", today.clone(), vec![answered(10, 1)], &["review"], "mobilize", promoter(10)),
        row("asked without candidacy is still mobilize", today, vec![], &["review"], "mobilize", None),
    ];
    for c in cases {
        let f = facts(&c.active, c.surveys);
        let model = AccountModel::default();
        let mut history = History::default();
        for n in c.shown {
            history.record(&id(n), Outcome::Shown, NOW.plus_ms(-DAY));
        }
        let mut ctx = Ctx::new(&f, &model, NOW);
        ctx.asks = AskHistory::of(&all, &history);
        assert_eq!(candidate(&ctx), c.candidate, "{}", c.name);
        assert_eq!(
            advocacy_stage(&ctx, &ctx.asks).as_str(),
            c.stage,
            "{}",
            c.name
        );
        // The same through the targeting operand.
        let cond = Condition::Compare {
            left: Operand::AdvocacyStage,
            op: CmpOp::Eq,
            right: Operand::Literal(Value::Text(c.stage.into())),
        };
        assert!(cond.check(&ctx).is_ok(), "{}", c.name);
    }
}

#[test]
fn asks_go_from_small_to_big() {
    let cat = catalog(vec![
        ask("speak", Ask::Speaking),
        ask("case", Ask::CaseStudy),
        ask("ref", Ask::Reference),
        ask("review", Ask::Review),
    ]);
    let f = Facts::default();
    let verdicts = |h: &History| -> Vec<String> {
        decide(&cat, &f, h, NOW)
            .verdicts
            .into_iter()
            .map(|(c, v)| format!("{c}: {}", v.kind()))
            .collect()
    };
    // Nobody was asked anything: only the review may be offered (it wins the surface).
    let mut h = History::default();
    assert_eq!(
        verdicts(&h),
        [
            "speak: ask_too_big",
            "case: ask_too_big",
            "ref: ask_too_big",
            "review: chosen"
        ]
    );
    let why = decide(&cat, &f, &h, NOW).verdicts[1].1.to_string();
    assert_eq!(
        why,
        "asks go from small to big: a case study ask waits until the user accepts a reference ask"
    );
    // Shown the review but not accepted: still nothing bigger.
    h.record(&id("review"), Outcome::Shown, NOW.plus_ms(-DAY));
    h.record(&id("review"), Outcome::Dismissed, NOW.plus_ms(-DAY));
    assert_eq!(
        verdicts(&h),
        [
            "speak: ask_too_big",
            "case: ask_too_big",
            "ref: ask_too_big",
            "review: already_shown"
        ]
    );
    // Accepting the review opens the reference, and only it.
    h.record(&id("review"), Outcome::Clicked, NOW.plus_ms(-DAY));
    assert_eq!(
        verdicts(&h),
        [
            "speak: ask_too_big",
            "case: ask_too_big",
            "ref: chosen",
            "review: completed"
        ]
    );
    // Accepting a bigger ask opens the next rung even if a smaller one was skipped.
    let mut skipped = History::default();
    skipped.record(&id("ref"), Outcome::Shown, NOW.plus_ms(-DAY));
    skipped.record(&id("ref"), Outcome::Clicked, NOW.plus_ms(-DAY));
    assert_eq!(
        verdicts(&skipped),
        [
            "speak: ask_too_big",
            "case: chosen",
            "ref: completed",
            "review: lower_priority"
        ]
    );
}

#[test]
fn discover_lists_promoters_power_users_and_detractors() {
    let said = |user: &str, score: u32, days_ago: i64| SurveyFact {
        user_id: user.into(),
        ..answered(score, days_ago)
    };
    let person = |user: &str, active_days: u32| Person {
        user_id: user.into(),
        active_days,
        ..Person::default()
    };
    // Ann's latest answer is 10 (an older 3 does not count); Bo went from 9 to 5; Cy is a
    // passive; Di answered 6.
    let surveys = [
        said("ann", 3, 40),
        said("ann", 10, 2),
        said("bo", 9, 30),
        said("bo", 5, 1),
        said("cy", 8, 5),
        said("di", 6, 5),
    ];
    // Active on 10 of the last 30 days is a power user; 9 is not.
    let people = [person("zed", 10), person("ann", 12), person("yu", 9)];
    let a = advocates(&surveys, &people);
    assert_eq!(a.promoters, [("ann".to_owned(), 10)]);
    assert_eq!(
        a.power_users,
        [("ann".to_owned(), 12), ("zed".to_owned(), 10)]
    );
    assert_eq!(a.detractors, [("bo".to_owned(), 5), ("di".to_owned(), 6)]);
}

#[test]
fn the_accepted_ask_is_the_thank_you_steps_operand() {
    let f = Facts::default();
    let model = AccountModel::default();
    // (asks so far, value)
    let cases = [
        (AskHistory::default(), Value::Null),
        (
            AskHistory {
                asked: Some(Ask::Reference),
                accepted: Some(Ask::Review),
                touches: 0,
            },
            Value::Text("review".into()),
        ),
    ];
    for (asks, expected) in cases {
        let mut ctx = Ctx::new(&f, &model, NOW);
        ctx.asks = asks;
        assert_eq!(Operand::AcceptedAsk.resolve(&ctx), expected, "{asks:?}");
    }
}
