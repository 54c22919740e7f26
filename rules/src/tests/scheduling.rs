//! Table-driven tests of recurrence, snooze, triggers, caps, delivery leases and experiments.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::{DAY, NOW, campaign, cap, check, id};
use crate::*;

const HOUR: i64 = 3_600_000;

fn modal(name: &str) -> Campaign {
    campaign(name, Surface::Modal, 10, Condition::always())
}

fn banner(name: &str) -> Campaign {
    campaign(name, Surface::Banner, 10, Condition::always())
}

fn with(c: Campaign, f: impl FnOnce(&mut Campaign)) -> Campaign {
    let mut c = c;
    f(&mut c);
    c
}

fn catalog(campaigns: Vec<Campaign>, caps: Vec<Cap>) -> Catalog {
    Catalog {
        campaigns,
        budget: Budget { caps },
        ..Catalog::default()
    }
}

/// History entries: (campaign, outcome, how long ago in ms).
fn hist(entries: &[(&str, Outcome, i64)]) -> History {
    let mut h = History::default();
    for (c, o, ago) in entries {
        h.record(&id(c), *o, NOW.plus_ms(-ago));
    }
    h
}

fn in_session(minutes_ago: i64) -> Facts {
    Facts {
        user_id: "u1".into(),
        session_start: Some(NOW.plus_ms(-minutes_ago * 60_000)),
        ..Facts::default()
    }
}

#[test]
fn recurrence_kinds() {
    let times = |max| Recurrence::Times { max, every_ms: DAY };
    let f = in_session(5);
    for (recurrence, history, expect) in [
        (times(2), hist(&[("m", Outcome::Shown, 2 * DAY)]), "chosen"),
        (
            times(2),
            hist(&[("m", Outcome::Shown, HOUR)]),
            "recurrence: next show at 1773658800000",
        ),
        (
            times(2),
            hist(&[
                ("m", Outcome::Shown, 3 * DAY),
                ("m", Outcome::Shown, 2 * DAY),
            ]),
            "shown as often as its recurrence allows",
        ),
        (
            times(3),
            hist(&[
                ("m", Outcome::Shown, 3 * DAY),
                ("m", Outcome::Dismissed, 3 * DAY),
            ]),
            "dismissed by the user",
        ),
        (
            Recurrence::Every { every_ms: 7 * DAY },
            hist(&[
                ("m", Outcome::Shown, 8 * DAY),
                ("m", Outcome::Dismissed, 8 * DAY),
            ]),
            "chosen",
        ),
        (
            Recurrence::UntilDismissed,
            hist(&[("m", Outcome::Shown, 60_000)]),
            "already shown in this session",
        ),
        (
            Recurrence::UntilDismissed,
            hist(&[("m", Outcome::Shown, HOUR)]),
            "chosen",
        ),
        (
            Recurrence::UntilCompleted,
            hist(&[
                ("m", Outcome::Shown, 3 * HOUR),
                ("m", Outcome::Dismissed, 3 * HOUR),
            ]),
            "snoozed until 1773651600000",
        ),
        (
            Recurrence::UntilCompleted,
            hist(&[
                ("m", Outcome::Shown, 2 * DAY),
                ("m", Outcome::Dismissed, 2 * DAY),
            ]),
            "chosen",
        ),
        (
            Recurrence::UntilCompleted,
            hist(&[
                ("m", Outcome::Shown, 2 * DAY),
                ("m", Outcome::Clicked, 2 * DAY),
            ]),
            "completed: call to action clicked, survey answered or every task done",
        ),
    ] {
        let c = with(modal("m"), |c| c.recurrence = recurrence);
        let picks = if expect == "chosen" {
            "[m@Modal]"
        } else {
            "[]"
        };
        check(
            &catalog(vec![c], Vec::new()),
            &f,
            &history,
            &format!("m: {expect}\npicks: {picks}"),
        );
    }
}

#[test]
fn snooze_hides_until_it_ends() {
    let c = with(banner("b"), |c| c.snooze_ms = 2 * HOUR);
    let cat = catalog(vec![c], Vec::new());
    let f = in_session(5);
    check(
        &cat,
        &f,
        &hist(&[("b", Outcome::Snoozed, HOUR)]),
        "b: snoozed until 1773579600000\npicks: []",
    );
    check(
        &cat,
        &f,
        &hist(&[("b", Outcome::Snoozed, 3 * HOUR)]),
        "b: chosen\npicks: [b@Banner]",
    );
}

#[test]
fn an_interruptive_delivery_blocks_other_tabs_until_shown_or_expired() {
    let cat = catalog(
        vec![with(modal("m"), |c| c.recurrence = Recurrence::Once)],
        Vec::new(),
    );
    let f = in_session(5);
    check(
        &cat,
        &f,
        &hist(&[("m", Outcome::Delivered, 1_000)]),
        "m: handed to another tab; lease ends at 1773576059000\npicks: []",
    );
    check(
        &cat,
        &f,
        &hist(&[("m", Outcome::Delivered, DELIVERY_LEASE_MS + 1)]),
        "m: chosen\npicks: [m@Modal]",
    );
    // Banners are not interruptive: a second tab may show the same banner.
    let cat = catalog(vec![banner("b")], Vec::new());
    check(
        &cat,
        &f,
        &hist(&[("b", Outcome::Delivered, 1_000)]),
        "b: chosen\npicks: [b@Banner]",
    );
}

#[test]
fn caps_per_session_per_category_and_in_flight_deliveries_count() {
    let per_session = Cap {
        interruptive_only: true,
        ..cap(1, Period::Session)
    };
    let upgrades_weekly = Cap {
        category: Some(Category::Upgrade),
        ..cap(1, Period::Window(7 * DAY))
    };
    let up = |n: &str, s: Surface| {
        with(campaign(n, s, 10, Condition::always()), |c| {
            c.category = Category::Upgrade;
        })
    };
    let cat = catalog(
        vec![
            modal("tour"),
            up("up-banner", Surface::Banner),
            modal("other"),
        ],
        vec![per_session, upgrades_weekly],
    );
    let f = in_session(20);
    // Nothing shown yet: one modal (ties go to the smaller id) and the upgrade banner.
    check(
        &cat,
        &f,
        &History::default(),
        "tour: other wins the same surface\nup-banner: chosen\nother: chosen\npicks: [other@Modal, up-banner@Banner]",
    );
    // A modal delivered to another tab a moment ago spends the session's interruption.
    check(
        &cat,
        &f,
        &hist(&[("other", Outcome::Delivered, 1_000)]),
        "tour: deferred by the cap of 1 interruptive per session until the next session\nup-banner: chosen\nother: handed to another tab; lease ends at 1773576059000\npicks: [up-banner@Banner]",
    );
    // A modal shown before this session began does not count; an upgrade three days ago does.
    let mut other_upgrade = cat.clone();
    other_upgrade.campaigns.push(up("up-old", Surface::Modal));
    check(
        &other_upgrade,
        &f,
        &hist(&[
            ("other", Outcome::Shown, HOUR),
            ("up-old", Outcome::Shown, 3 * DAY),
        ]),
        "tour: other wins the same surface\nup-banner: deferred by the cap of 1 upgrade per 7 days until 1773921600000\nother: chosen\nup-old: other wins the same surface\npicks: [other@Modal]",
    );
}

#[test]
fn account_cap_limits_users_per_campaign() {
    let c = with(banner("b"), |c| {
        c.account_cap = Some(AccountCap {
            max_users: 2,
            window_ms: DAY,
        });
    });
    let cat = catalog(vec![c], Vec::new());
    let f = in_session(5);
    let mut h = History::default();
    h.insert_other(id("b"), NOW.plus_ms(-HOUR));
    check(&cat, &f, &h, "b: chosen\npicks: [b@Banner]");
    h.insert_other(id("b"), NOW.plus_ms(-2 * HOUR));
    check(
        &cat,
        &f,
        &h,
        "b: enough users of this account were shown it; deferred until 1773655200000\npicks: []",
    );
    // A user who already holds a slot keeps seeing it.
    h.record(&id("b"), Outcome::Shown, NOW.plus_ms(-HOUR));
    check(&cat, &f, &h, "b: chosen\npicks: [b@Banner]");
}

#[test]
fn page_and_event_triggers() {
    let reports = with(banner("reports"), |c| {
        c.trigger = Trigger::Page(RoutePattern::new("/reports/*").expect("pattern"));
    });
    let submitted = with(modal("after-submit"), |c| {
        c.recurrence = Recurrence::Times {
            max: 10,
            every_ms: 0,
        };
        c.trigger = Trigger::Event {
            name: "submit_expense".into(),
            within_ms: HOUR,
        };
    });
    let cat = catalog(vec![reports, submitted], Vec::new());
    let mut f = in_session(30);
    f.page = Some("/expenses".into());
    check(
        &cat,
        &f,
        &History::default(),
        "reports: not triggered: page \"/expenses\" does not match /reports/*\nafter-submit: not triggered: the user never performed submit_expense\npicks: []",
    );
    f.page = Some("/reports/monthly?x=1".into());
    let at = NOW.plus_ms(-60_000);
    f.add_seen(
        true,
        "submit_expense",
        Seen {
            first: at,
            last: at,
        },
    );
    check(
        &cat,
        &f,
        &History::default(),
        "reports: chosen\nafter-submit: chosen\npicks: [after-submit@Modal, reports@Banner]",
    );
    check(
        &cat,
        &f,
        &hist(&[("after-submit", Outcome::Shown, 30_000)]),
        "reports: chosen\nafter-submit: not triggered: already shown since the last submit_expense\npicks: [reports@Banner]",
    );
}

#[test]
fn fact_trigger_fires_on_a_crossing_and_waits_through_a_cap() {
    let over_limit = Condition::Compare {
        left: Operand::Usage {
            feature: "create_expense".into(),
            scope: Scope::Account,
            window: Window::Month,
        },
        op: CmpOp::Gte,
        right: Operand::Literal(Value::Number(5.0)),
    };
    let c = with(banner("limit"), |c| c.trigger = Trigger::Fact(over_limit));
    let cat = catalog(vec![c], Vec::new());
    let mut f = in_session(5);
    let run = |f: &Facts, h: &History| decide(&cat, f, h, NOW);

    // First observation: already over the limit, but no crossing was seen.
    f.account_usage.add("create_expense", NOW.day(), 6);
    let d = run(&f, &History::default());
    assert_eq!(d.observations, vec![(id("limit"), true)]);
    assert!(d.picks.is_empty());

    // Previously below, now above: a crossing; it fires.
    let mut h = History::default();
    let mut r = MessageRecord::default();
    r.observe(false, NOW.plus_ms(-DAY));
    h.insert(id("limit"), r);
    check(&cat, &f, &h, "limit: chosen\npicks: [limit@Banner]");

    // The edge folds the observation: the crossing stays pending until shown.
    r.observe(true, NOW);
    h.insert(id("limit"), r);
    check(&cat, &f, &h, "limit: chosen\npicks: [limit@Banner]");
    h.record(&id("limit"), Outcome::Shown, NOW);
    check(
        &cat,
        &f,
        &h,
        "limit: not triggered: no crossing from false to true since the last show\npicks: []",
    );
}

#[test]
fn holdout_users_are_exposed_but_not_shown_and_the_next_candidate_wins() {
    let exp = with(modal("exp"), |c| {
        c.priority = 50;
        c.experiment = Some(Experiment::new(100, Vec::new()).expect("valid"));
    });
    let cat = catalog(vec![exp, modal("fallback")], Vec::new());
    let f = in_session(5);
    let d = decide(&cat, &f, &History::default(), NOW);
    assert_eq!(d.exposures, vec![(id("exp"), Arm::Control)]);
    check(
        &cat,
        &f,
        &History::default(),
        "exp: in the experiment's holdout group\nfallback: chosen\npicks: [fallback@Modal]",
    );
    // Exposure is recorded once.
    let mut h = History::default();
    let mut r = MessageRecord::default();
    r.expose(NOW.plus_ms(-DAY));
    h.insert(id("exp"), r);
    assert!(decide(&cat, &f, &h, NOW).exposures.is_empty());

    // Variants: the pick carries the user's variant, the same on every decision.
    let ab = with(modal("ab"), |c| {
        c.experiment =
            Some(Experiment::new(0, vec![("a".into(), 1), ("b".into(), 1)]).expect("valid"));
    });
    let cat = catalog(vec![ab], Vec::new());
    let variants: Vec<Option<String>> = ["u1", "u2", "u3", "u4", "u5", "u6"]
        .iter()
        .map(|u| {
            let f = Facts {
                user_id: (*u).into(),
                ..Facts::default()
            };
            decide(&cat, &f, &History::default(), NOW).picks[0]
                .variant
                .clone()
        })
        .collect();
    assert!(variants.iter().all(Option::is_some));
    assert!(variants.contains(&Some("a".into())) && variants.contains(&Some("b".into())));
}

#[test]
fn event_occurrence_conditions() {
    let mut f = in_session(5);
    let ev = |name: &str, ago: i64, mine: bool, amount: f64| EventFact {
        name: name.into(),
        at: NOW.plus_ms(-ago),
        by_current_user: mine,
        properties: [("amount".to_owned(), Value::Number(amount))].into(),
    };
    f.events = vec![
        ev("submit_expense", HOUR, true, 1500.0),
        ev("submit_expense", 2 * DAY, true, 20.0),
        ev("submit_expense", 3 * DAY, false, 5000.0),
        ev("submit_expense", 40 * DAY, true, 9000.0),
    ];
    let big = |scope| Operand::EventCount {
        name: "submit_expense".into(),
        scope,
        window: Window::LastDays(30),
        filters: vec![PropertyFilter {
            property: "amount".into(),
            op: CmpOp::Gte,
            value: Value::Number(1000.0),
        }],
    };
    at_days_ago(&mut f, 10);
    for (operand, expect) in [
        (big(Scope::User), "1"),
        (big(Scope::Account), "2"),
        (
            Operand::DaysSince {
                name: "create_expense".into(),
                scope: Scope::User,
                first: true,
            },
            "10",
        ),
        (
            Operand::DaysSince {
                name: "create_expense".into(),
                scope: Scope::User,
                first: false,
            },
            "2",
        ),
        (
            Operand::DaysSince {
                name: "never".into(),
                scope: Scope::User,
                first: false,
            },
            "null",
        ),
    ] {
        assert_eq!(super::resolve(&f, operand.clone()), expect, "{operand}");
    }
    let cat = Catalog::default();
    assert!(cat.property_filtered_events().is_empty());
    let c = campaign(
        "big",
        Surface::Banner,
        1,
        Condition::Compare {
            left: big(Scope::User),
            op: CmpOp::Gte,
            right: Operand::Literal(Value::Number(1.0)),
        },
    );
    let cat = catalog(vec![c], Vec::new());
    assert_eq!(
        cat.property_filtered_events()
            .into_iter()
            .collect::<Vec<_>>(),
        vec!["submit_expense".to_owned()]
    );
    check(
        &cat,
        &f,
        &History::default(),
        "big: chosen\npicks: [big@Banner]",
    );
}

/// Records `create_expense` by the user first `days` ago and last two days ago.
fn at_days_ago(f: &mut Facts, days: i64) {
    let first = NOW.plus_ms(-days * DAY);
    let last = NOW.plus_ms(-2 * DAY);
    f.add_seen(true, "create_expense", Seen { first, last });
}

#[test]
fn page_condition_and_adoption_breadth() {
    let mut f = in_session(5);
    f.page = Some("/expenses/42".into());
    f.user_usage.add("create_expense", NOW.day(), 1);
    let model = super::demo_model();
    assert_eq!(
        super::resolve_in(
            &f,
            &model,
            Operand::AdoptionBreadth {
                scope: Scope::User,
                days: 28
            }
        ),
        "50"
    );
    let on_expense = Condition::Page(RoutePattern::new("/expenses/:id").expect("pattern"));
    let on_reports = Condition::Page(RoutePattern::new("/reports").expect("pattern"));
    let cat = catalog(
        vec![
            campaign("expense", Surface::Banner, 1, on_expense),
            campaign("reports", Surface::Modal, 1, on_reports),
        ],
        Vec::new(),
    );
    check(
        &cat,
        &f,
        &History::default(),
        "expense: chosen\nreports: audience: page \"/expenses/42\" does not match /reports\npicks: [expense@Banner]",
    );
}

#[test]
fn checklists_complete_themselves_and_tours_resume() {
    let checklist = with(
        campaign("setup", Surface::Checklist, 5, Condition::always()),
        |c| c.tasks = vec!["create_expense".into(), "invite_teammate".into()],
    );
    // Started by an event, then shown: a tour in progress resumes without a new trigger.
    let tour = with(
        campaign("tour", Surface::Tour, 5, Condition::always()),
        |c| {
            c.recurrence = Recurrence::Times {
                max: 5,
                every_ms: 0,
            };
            c.trigger = Trigger::Event {
                name: "start_tour".into(),
                within_ms: HOUR,
            };
        },
    );
    let cat = catalog(vec![checklist, tour], Vec::new());
    let mut f = in_session(5);
    let at = NOW.plus_ms(-HOUR);
    f.add_seen(
        true,
        "create_expense",
        Seen {
            first: at,
            last: at,
        },
    );
    let started = NOW.plus_ms(-2 * HOUR);
    f.add_seen(
        true,
        "start_tour",
        Seen {
            first: started,
            last: started,
        },
    );
    let mut h = History::default();
    h.record(&id("tour"), Outcome::Shown, started);
    h.record(&id("tour"), Outcome::Step(2), at);
    h.record(&id("tour"), Outcome::Step(1), at);
    let d = decide(&cat, &f, &h, NOW);
    let progress: Vec<(String, Vec<bool>, u32)> = d
        .picks
        .iter()
        .map(|p| (p.campaign.to_string(), p.done.clone(), p.step))
        .collect();
    assert_eq!(
        progress,
        [
            ("setup".to_owned(), vec![true, false], 0),
            ("tour".to_owned(), Vec::new(), 2)
        ]
    );
    // A colleague's invite does not count: tasks are the user's own.
    f.add_seen(
        false,
        "invite_teammate",
        Seen {
            first: at,
            last: at,
        },
    );
    assert_eq!(decide(&cat, &f, &h, NOW).picks.len(), 2);
    f.add_seen(
        true,
        "invite_teammate",
        Seen {
            first: at,
            last: at,
        },
    );
    check(
        &cat,
        &f,
        &h,
        "setup: completed: call to action clicked, survey answered or every task done\ntour: chosen\npicks: [tour@Tour]",
    );
}
