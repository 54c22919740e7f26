//! Table-driven tests of `decide`; the same suite runs natively and on wasm32.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::*;

const DAY: i64 = 86_400_000;
/// 2026-03-15T12:00:00Z.
const NOW: Timestamp = Timestamp(1_773_576_000_000);

fn id(s: &str) -> CampaignId {
    CampaignId::new(s).expect("valid id")
}

fn campaign(name: &str, surface: Surface, priority: u32, audience: Condition) -> Campaign {
    Campaign {
        priority,
        recurrence: Recurrence::UntilDismissed,
        ..Campaign::new(id(name), surface, audience)
    }
}

fn cap(max: u32, period: Period) -> Cap {
    Cap {
        max,
        period,
        category: None,
        interruptive_only: false,
    }
}

fn welcome() -> Campaign {
    Campaign {
        recurrence: Recurrence::Once,
        ..campaign("welcome", Surface::Modal, 100, Condition::always())
    }
}

/// The demo's upgrade banner: more than `plan_expense_limit` expenses this month.
fn upgrade() -> Campaign {
    let audience = Condition::Compare {
        left: Operand::Usage {
            feature: "create_expense".into(),
            scope: Scope::Account,
            window: Window::Month,
        },
        op: CmpOp::Gt,
        right: Operand::AccountTrait("plan_expense_limit".into()),
    };
    campaign("upgrade", Surface::Banner, 50, audience)
}

fn facts_with_expenses(n: u32, limit: f64) -> Facts {
    let mut f = Facts::default();
    f.account_traits
        .insert("plan_expense_limit".into(), Value::Number(limit));
    f.account_usage.add("create_expense", NOW.day(), n);
    f
}

fn history(entries: &[(&str, Outcome, i64)]) -> History {
    let mut h = History::default();
    for (c, o, ago_ms) in entries {
        h.record(&id(c), *o, NOW.plus_ms(-ago_ms));
    }
    h
}

/// Runs `decide` and compares a one-line-per-campaign rendering with `expect`.
fn check(catalog: &Catalog, facts: &Facts, history: &History, expect: &str) {
    let d = decide(catalog, facts, history, NOW);
    let mut got = String::new();
    for (cid, v) in &d.verdicts {
        got.push_str(&format!("{cid}: {v}\n"));
    }
    let picks: Vec<_> = d
        .picks
        .iter()
        .map(|p| format!("{}@{:?}", p.campaign, p.surface))
        .collect();
    got.push_str(&format!("picks: [{}]\n", picks.join(", ")));
    assert_eq!(got.trim(), expect.trim(), "\n--- got ---\n{got}");
    assert_eq!(
        d.verdicts.len(),
        catalog.campaigns.len(),
        "a verdict for every candidate"
    );
    assert_eq!(decide(catalog, facts, history, NOW), d, "deterministic");
}

fn catalog(campaigns: Vec<Campaign>) -> Catalog {
    Catalog {
        campaigns,
        ..Catalog::default()
    }
}

#[test]
fn welcome_on_first_visit_then_never_again() {
    let cat = catalog(vec![welcome()]);
    check(
        &cat,
        &Facts::default(),
        &History::default(),
        "welcome: chosen\npicks: [welcome@Modal]",
    );
    check(
        &cat,
        &Facts::default(),
        &history(&[("welcome", Outcome::Shown, 60_000)]),
        "welcome: shown as often as its recurrence allows\npicks: []",
    );
}

#[test]
fn upgrade_banner_needs_more_expenses_than_the_plan_allows() {
    let cat = catalog(vec![upgrade()]);
    check(
        &cat,
        &facts_with_expenses(5, 5.0),
        &History::default(),
        r#"upgrade: audience: account uses of create_expense this month (5) > account trait plan_expense_limit (5) is false
picks: []"#,
    );
    check(
        &cat,
        &facts_with_expenses(6, 5.0),
        &History::default(),
        "upgrade: chosen\npicks: [upgrade@Banner]",
    );
    // No limit trait: a missing trait never satisfies an ordering.
    let mut no_limit = facts_with_expenses(50, 0.0);
    no_limit.account_traits.clear();
    check(
        &cat,
        &no_limit,
        &History::default(),
        r#"upgrade: audience: account uses of create_expense this month (50) > account trait plan_expense_limit (null) is false
picks: []"#,
    );
}

#[test]
fn usage_from_last_month_does_not_count_this_month() {
    let mut f = facts_with_expenses(0, 5.0);
    f.account_usage
        .add("create_expense", NOW.plus_ms(-20 * DAY).day(), 40);
    check(
        &catalog(vec![upgrade()]),
        &f,
        &History::default(),
        r#"upgrade: audience: account uses of create_expense this month (0) > account trait plan_expense_limit (5) is false
picks: []"#,
    );
}

#[test]
fn until_dismissed_keeps_showing_then_stops() {
    let cat = catalog(vec![upgrade()]);
    let f = facts_with_expenses(9, 5.0);
    check(
        &cat,
        &f,
        &history(&[("upgrade", Outcome::Shown, 1000)]),
        "upgrade: chosen\npicks: [upgrade@Banner]",
    );
    check(
        &cat,
        &f,
        &history(&[
            ("upgrade", Outcome::Shown, 1000),
            ("upgrade", Outcome::Dismissed, 500),
        ]),
        "upgrade: dismissed by the user\npicks: []",
    );
    check(
        &cat,
        &f,
        &history(&[("upgrade", Outcome::Clicked, 500)]),
        "upgrade: completed: call to action clicked, survey answered or every task done\npicks: []",
    );
}

#[test]
fn one_message_per_surface_by_priority_then_id() {
    let cat = catalog(vec![
        campaign("b-low", Surface::Modal, 10, Condition::always()),
        campaign("c-high", Surface::Modal, 90, Condition::always()),
        campaign("a-high", Surface::Modal, 90, Condition::always()),
        campaign("banner", Surface::Banner, 1, Condition::always()),
    ]);
    check(
        &cat,
        &Facts::default(),
        &History::default(),
        r#"b-low: a-high wins the same surface
c-high: a-high wins the same surface
a-high: chosen
banner: chosen
picks: [a-high@Modal, banner@Banner]"#,
    );
}

#[test]
fn budget_is_shared_across_surfaces() {
    let mut cat = catalog(vec![welcome(), upgrade()]);
    cat.budget = Budget {
        caps: vec![cap(1, Period::Window(DAY))],
    };
    let f = facts_with_expenses(9, 5.0);
    // The welcome modal spent the budget an hour ago; the banner waits until it frees up.
    check(
        &cat,
        &f,
        &history(&[("welcome", Outcome::Shown, 3_600_000)]),
        "welcome: shown as often as its recurrence allows\nupgrade: deferred by the cap of 1 per 1 days until 1773658800000\npicks: []",
    );
    // A day later the budget is free again.
    check(
        &cat,
        &f,
        &history(&[("welcome", Outcome::Shown, DAY + 1)]),
        "welcome: shown as often as its recurrence allows\nupgrade: chosen\npicks: [upgrade@Banner]",
    );
    // Re-showing an already counted campaign is free.
    check(
        &cat,
        &f,
        &history(&[("upgrade", Outcome::Shown, 1000)]),
        "welcome: deferred by the cap of 1 per 1 days until 1773662399000\nupgrade: chosen\npicks: [upgrade@Banner]",
    );
}

#[test]
fn schedule_bounds_are_respected() {
    let mut early = welcome();
    early.starts_at = Some(NOW.plus_ms(1));
    let mut late = upgrade();
    late.ends_at = Some(NOW);
    check(
        &catalog(vec![early, late]),
        &facts_with_expenses(9, 5.0),
        &History::default(),
        "welcome: outside its start and end dates\nupgrade: outside its start and end dates\npicks: []",
    );
}

#[test]
fn any_not_and_trait_equality() {
    let admin = Condition::Compare {
        left: Operand::UserTrait("role".into()),
        op: CmpOp::Eq,
        right: Operand::Literal(Value::Text("admin".into())),
    };
    let cat = catalog(vec![
        campaign(
            "admins",
            Surface::Modal,
            1,
            Condition::Any(vec![admin.clone()]),
        ),
        campaign(
            "others",
            Surface::Banner,
            1,
            Condition::Not(Box::new(admin)),
        ),
    ]);
    let mut f = Facts::default();
    f.user_traits
        .insert("role".into(), Value::Text("admin".into()));
    check(
        &cat,
        &f,
        &History::default(),
        r#"admins: chosen
others: audience: not (user trait role = "admin")
picks: [admins@Modal]"#,
    );
}

#[test]
fn decide_is_total_and_deterministic_on_generated_inputs() {
    // A small deterministic generator (no RNG dependency) covering every recurrence, trigger,
    // cap, experiment and outcome: many shapes of catalog, facts and history.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    let outcomes = [
        Outcome::Delivered,
        Outcome::Shown,
        Outcome::Clicked,
        Outcome::Dismissed,
        Outcome::Snoozed,
    ];
    for _ in 0..500 {
        let n = next(8) as usize;
        let campaigns: Vec<Campaign> = (0..n)
            .map(|i| {
                let mut c = if next(2) == 0 { upgrade() } else { welcome() };
                c.id = id(&format!("c{i}"));
                c.surface = if next(2) == 0 {
                    Surface::Modal
                } else {
                    Surface::Banner
                };
                c.priority = next(3) as u32;
                c.category = Category::ALL[next(7) as usize];
                c.recurrence = match next(5) {
                    0 => Recurrence::Once,
                    1 => Recurrence::Times {
                        max: next(4) as u32,
                        every_ms: next(2 * DAY as u64) as i64,
                    },
                    2 => Recurrence::Every {
                        every_ms: next(2 * DAY as u64) as i64,
                    },
                    3 => Recurrence::UntilDismissed,
                    _ => Recurrence::UntilCompleted,
                };
                c.trigger = match next(5) {
                    0 => Trigger::Always,
                    1 => Trigger::Page(RoutePattern::new("/reports/*").expect("pattern")),
                    2 => Trigger::Event {
                        name: "create_expense".into(),
                        within_ms: DAY,
                    },
                    3 => Trigger::Element("submit".into()),
                    _ => Trigger::Fact(upgrade().audience),
                };
                if next(3) == 0 {
                    c.account_cap = Some(AccountCap {
                        max_users: next(3) as u32,
                        window_ms: DAY,
                    });
                }
                if next(3) == 0 {
                    let variants = (0..next(3)).map(|v| (format!("v{v}"), 1)).collect();
                    c.experiment = Experiment::new(next(101) as u32, variants).ok();
                }
                c
            })
            .collect();
        let mut h = History::default();
        for c in &campaigns {
            for _ in 0..next(3) {
                let at = NOW.plus_ms(-(next(3 * DAY as u64) as i64));
                match next(8) {
                    0 => h.insert_other(c.id.clone(), at),
                    1 => {
                        let mut r = h.get(&c.id);
                        r.observe(next(2) == 0, at);
                        h.insert(c.id.clone(), r);
                    }
                    k => h.record(&c.id, outcomes[(k as usize) % outcomes.len()], at),
                }
            }
        }
        let caps = (0..next(3))
            .map(|_| Cap {
                max: next(3) as u32,
                period: if next(2) == 0 {
                    Period::Session
                } else {
                    Period::Window(DAY)
                },
                category: (next(2) == 0).then(|| Category::ALL[next(7) as usize]),
                interruptive_only: next(2) == 0,
            })
            .collect();
        let cat = Catalog {
            campaigns,
            budget: Budget { caps },
            model: AccountModel::default(),
        };
        let mut f = facts_with_expenses(next(10) as u32, 5.0);
        f.user_id = format!("user-{}", next(50));
        f.page = (next(2) == 0).then(|| "/reports/2026".to_owned());
        f.session_start = (next(2) == 0).then(|| NOW.plus_ms(-(next(DAY as u64) as i64)));
        if next(2) == 0 {
            let at = NOW.plus_ms(-(next(2 * DAY as u64) as i64));
            f.add_seen(
                true,
                "create_expense",
                Seen {
                    first: at,
                    last: at,
                },
            );
        }
        let d = decide(&cat, &f, &h, NOW);
        assert_eq!(d.verdicts.len(), cat.campaigns.len());
        assert_eq!(d, decide(&cat, &f, &h, NOW));
        let chosen = d
            .verdicts
            .iter()
            .filter(|(_, v)| *v == Verdict::Chosen)
            .count();
        assert_eq!(chosen, d.picks.len());
        assert!(d.picks.len() <= 2, "at most one per surface");
        for p in &d.picks {
            let c = cat.campaigns.iter().find(|c| c.id == p.campaign);
            assert!(c.is_some_and(|c| c.surface == p.surface));
        }
    }
}

/// The value an operand resolves to without a workspace model.
fn resolve(facts: &Facts, operand: Operand) -> String {
    resolve_in(facts, &AccountModel::default(), operand)
}

/// The value an operand resolves to, seen through a `<` comparison that fails with it.
fn resolve_in(facts: &Facts, model: &AccountModel, operand: Operand) -> String {
    let probe = Condition::Compare {
        left: operand,
        op: CmpOp::Lt,
        right: Operand::Literal(Value::Number(f64::MIN)),
    };
    let why = probe
        .check(&Ctx::new(facts, model, NOW))
        .expect_err("nothing is below f64::MIN");
    let open = why.find('(').expect("value in parentheses");
    why[open + 1..why[open..].find(')').expect("closing") + open].to_owned()
}

/// An account of two users: `u1` (decided for) and `u2`, with activity `days_ago → uses`.
fn activity(u1: &[(i64, u32)], u2: &[(i64, u32)]) -> Facts {
    let mut f = Facts::default();
    for (user, list) in [("u1", u1), ("u2", u2)] {
        for (ago, n) in list {
            f.add_usage(
                user,
                user == "u1",
                "create_expense",
                NOW.plus_days(-ago).day(),
                *n,
            );
        }
    }
    f
}

#[test]
fn computed_activity_facts() {
    let days = |scope, days| Operand::ActiveDays { scope, days };
    let trend = |scope, days| Operand::EngagementTrend { scope, days };
    let f = activity(&[(0, 2), (3, 1), (10, 4)], &[(1, 1), (40, 3)]);
    let cases: Vec<(Operand, &str)> = vec![
        (days(Scope::User, 7), "2"),
        (days(Scope::Account, 7), "3"),
        (days(Scope::Account, 28), "4"),
        (Operand::ActiveUsers { days: 7 }, "2"),
        (Operand::ActiveUsers { days: 1 }, "1"),
        // Account: 4 uses in the last 7 days; 7 in the 90 days before, 7 × 7 / 90 ≈ 0.544 a week.
        (trend(Scope::Account, 7), "635"),
        // User u1: 3 recent uses against 4 × 7 / 90 ≈ 0.311.
        (trend(Scope::User, 7), "864"),
    ];
    for (operand, expect) in cases {
        assert_eq!(resolve(&f, operand.clone()), expect, "{operand}");
    }
}

#[test]
fn engagement_trend_declines_and_has_no_baseline_for_new_accounts() {
    // Ninety days of steady use, then a quiet week: -100 %.
    let steady: Vec<(i64, u32)> = (7..97).map(|d| (d, 1)).collect();
    assert_eq!(
        resolve(
            &activity(&steady, &[]),
            Operand::EngagementTrend {
                scope: Scope::Account,
                days: 7
            }
        ),
        "-100"
    );
    // Same rate as the baseline: 0 %.
    let even: Vec<(i64, u32)> = (0..97).map(|d| (d, 1)).collect();
    assert_eq!(
        resolve(
            &activity(&even, &[]),
            Operand::EngagementTrend {
                scope: Scope::Account,
                days: 7
            }
        ),
        "0"
    );
    // A brand-new account has no baseline.
    assert_eq!(
        resolve(
            &activity(&[(0, 3)], &[]),
            Operand::EngagementTrend {
                scope: Scope::Account,
                days: 7
            }
        ),
        "100"
    );
    assert_eq!(
        resolve(
            &Facts::default(),
            Operand::EngagementTrend {
                scope: Scope::Account,
                days: 7
            }
        ),
        "0"
    );
}

#[test]
fn limit_usage_and_seat_utilisation_are_percentages_of_traits() {
    let mut f = activity(&[(0, 4)], &[(2, 2), (20, 1)]);
    let limit = || Operand::LimitUsage {
        feature: "create_expense".into(),
        limit_trait: "plan_expense_limit".into(),
    };
    let seats = || Operand::SeatUtilisation {
        seats_trait: "seats".into(),
        days: 28,
    };
    assert_eq!(resolve(&f, limit()), "null", "no limit trait: fails closed");
    f.account_traits
        .insert("plan_expense_limit".into(), Value::Number(8.0));
    f.account_traits.insert("seats".into(), Value::Number(4.0));
    // This month (from 2026-03-01): 4 + 2 uses, and the one 20 days ago is in February.
    assert_eq!(resolve(&f, limit()), "75");
    assert_eq!(resolve(&f, seats()), "50");
    f.account_traits.insert("seats".into(), Value::Number(0.0));
    assert_eq!(resolve(&f, seats()), "null", "zero seats: no percentage");
}

fn demo_model() -> AccountModel {
    let trait_ = |k: &str| Operand::AccountTrait(k.into());
    let at_least = |left: Operand, n: f64| Condition::Compare {
        left,
        op: CmpOp::Gte,
        right: Operand::Literal(Value::Number(n)),
    };
    let stage = |name: &str, when: Condition| Stage {
        name: name.into(),
        when,
    };
    AccountModel {
        tiers: Some(Tiers {
            value: trait_("arr"),
            high: 50_000.0,
            medium: 10_000.0,
        }),
        lifecycle: vec![
            stage("onboarding", Condition::always()),
            stage(
                "actively_using",
                at_least(
                    Operand::ActiveDays {
                        scope: Scope::Account,
                        days: 28,
                    },
                    4.0,
                ),
            ),
            stage("adopting", at_least(Operand::ActiveUsers { days: 28 }, 2.0)),
            stage(
                "expanding",
                at_least(
                    Operand::SeatUtilisation {
                        seats_trait: "seats".into(),
                        days: 28,
                    },
                    80.0,
                ),
            ),
        ],
        health: Some(Health {
            components: vec![
                Component {
                    name: "usage trend".into(),
                    weight: 3.0,
                    value: Operand::EngagementTrend {
                        scope: Scope::Account,
                        days: 28,
                    },
                    red_at: -50.0,
                    green_at: 0.0,
                },
                Component {
                    name: "active days".into(),
                    weight: 2.0,
                    value: Operand::ActiveDays {
                        scope: Scope::Account,
                        days: 28,
                    },
                    red_at: 2.0,
                    green_at: 12.0,
                },
                Component {
                    name: "executive relationship".into(),
                    weight: 1.0,
                    value: trait_("cs_exec_relationship"),
                    red_at: 0.0,
                    green_at: 10.0,
                },
            ],
            green_at: 70.0,
            yellow_at: 40.0,
        }),
        key_features: vec!["create_expense".into(), "submit_expense".into()],
    }
}

#[test]
fn value_tier_lifecycle_stage_and_health() {
    let model = demo_model();
    // Two users active on 7 of the last 28 days, at the same rate as before: trend 0 %.
    let even: Vec<(i64, u32)> = (0..118).step_by(4).map(|d| (d, 1)).collect();
    let mut f = activity(&even, &[(1, 1)]);
    let check = |f: &Facts, expect: [&str; 4]| {
        let got = [
            Operand::ValueTier,
            Operand::LifecycleStage,
            Operand::HealthScore,
            Operand::Health,
        ]
        .map(|o| resolve_in(f, &model, o));
        assert_eq!(got, expect.map(str::to_owned));
    };
    // No ARR, no seats, no executive input: tier unknown, health over the two known components.
    // Trend ≈ +14 % → 100; 8 active days → 60; (3 × 100 + 2 × 60) / 5 = 84.
    check(&f, ["null", "\"adopting\"", "84", "\"green\""]);
    f.account_traits
        .insert("arr".into(), Value::Number(24_000.0));
    f.account_traits.insert("seats".into(), Value::Number(2.0));
    f.account_traits
        .insert("cs_exec_relationship".into(), Value::Number(1.0));
    // Exec relationship 1/10 → 10: (300 + 120 + 10) / 6 ≈ 72.
    check(&f, ["\"medium\"", "\"expanding\"", "72", "\"green\""]);
    // A quiet month: the trend falls to -100 % and the account turns red.
    let quiet: Vec<(i64, u32)> = (30..118).map(|d| (d, 1)).collect();
    let mut f = activity(&quiet, &[]);
    f.account_traits
        .insert("arr".into(), Value::Number(90_000.0));
    check(&f, ["\"high\"", "\"onboarding\"", "0", "\"red\""]);
    let report = health(&Ctx::new(&f, &model, NOW));
    let parts: Vec<_> = report
        .contributions
        .iter()
        .map(|c| (c.name.as_str(), c.score))
        .collect();
    assert_eq!(
        parts,
        [
            ("usage trend", Some(0.0)),
            ("active days", Some(0.0)),
            ("executive relationship", None)
        ]
    );
}

#[test]
fn cyclic_definitions_resolve_to_null_instead_of_looping() {
    let model = AccountModel {
        lifecycle: vec![
            Stage {
                name: "first".into(),
                when: Condition::always(),
            },
            Stage {
                name: "loop".into(),
                when: Condition::Compare {
                    left: Operand::LifecycleStage,
                    op: CmpOp::Eq,
                    right: Operand::Literal(Value::Text("loop".into())),
                },
            },
        ],
        ..AccountModel::default()
    };
    assert_eq!(
        resolve_in(&Facts::default(), &model, Operand::LifecycleStage),
        "\"first\""
    );
}

#[test]
fn survey_answers_feed_the_score_and_the_nps() {
    let answer = |user_is_me: bool, score: u32, days_ago: i64| SurveyFact {
        user_id: if user_is_me {
            "me".into()
        } else {
            "other".into()
        },
        campaign: "nps".into(),
        by_current_user: user_is_me,
        score,
        at: NOW.plus_ms(-days_ago * DAY),
    };
    let mut f = Facts::default();
    let nps = |days| Operand::Nps {
        campaign: "nps".into(),
        days,
    };
    let mine = Operand::SurveyScore {
        campaign: "nps".into(),
    };
    assert_eq!(resolve(&f, nps(365)), "null");
    assert_eq!(resolve(&f, mine.clone()), "null");
    // Two promoters, one passive, one detractor: (2 - 1) / 4 = +25; the old answer is outside 90 days.
    f.surveys = vec![
        answer(true, 9, 1),
        answer(false, 10, 2),
        answer(false, 7, 3),
        answer(false, 3, 4),
        answer(false, 0, 200),
    ];
    assert_eq!(resolve(&f, nps(90)), "25");
    assert_eq!(resolve(&f, nps(365)), "0");
    assert_eq!(resolve(&f, mine), "9");
}

mod adoption;
mod advocacy;
mod champion;
mod churn;
mod recap;
mod scheduling;
mod touch;
