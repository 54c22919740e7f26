//! Wire-format tests: exact JSON of every envelope, and field paths of validation errors.

use protocol::v1::*;
use protocol::{ErrorCode, Problem, escape_json_string};
use rules::{Catalog, Facts, History, Timestamp, decide};

const UUID: &str = "0189c4f2-6b9e-7d7a-9c1e-2f3b4a5c6d7e";

fn event(extra: &str) -> String {
    format!(
        r#"{{"id":"{UUID}","type":"track","user_id":"u1","account_id":"a1","timestamp":1773576000000,"name":"create_expense"{extra}}}"#
    )
}

/// Validates one event and compares the outcome with `expect` ("ok" or "code field").
fn check_event(text: &str, expect: &str) {
    let got = match validate_event(text) {
        Ok(_) => "ok".to_owned(),
        Err(Problem { code, field, .. }) => format!("{code} {field}"),
    };
    assert_eq!(got, expect, "{text}");
}

#[test]
fn event_validation_names_the_field() {
    check_event(&event(""), "ok");
    check_event(&event(r#","properties":{"amount":12.5}"#), "ok");
    check_event(r#"{"id":"x"#, "malformed_json ");
    check_event(
        &event("").replace(r#""timestamp":1773576000000"#, r#""timestamp":"yesterday""#),
        "invalid_type timestamp",
    );
    check_event(
        &event("").replace(r#""timestamp":1773576000000"#, r#""timestamp":1773576000"#),
        "invalid_value timestamp",
    );
    check_event(
        &event("").replace(r#","user_id":"u1""#, ""),
        "missing_field user_id",
    );
    check_event(&event("").replace(UUID, "not-a-uuid"), "invalid_value id");
    check_event(
        &event("").replace(r#""type":"track""#, r#""type":"shout""#),
        "invalid_value type",
    );
    check_event(
        &event("").replace(r#","name":"create_expense""#, ""),
        "missing_field name",
    );
    check_event(
        &event("")
            .replace(r#""type":"track""#, r#""type":"identify""#)
            .replace(
                r#","name":"create_expense""#,
                r#","traits":{"plan":{"nested":1}}"#,
            ),
        "invalid_type traits.plan",
    );
    check_event(
        &event("")
            .replace(r#""type":"track""#, r#""type":"message""#)
            .replace(r#","name":"create_expense""#, r#","campaign":"welcome""#),
        "missing_field action",
    );
}

#[test]
fn batch_keeps_valid_events_and_reports_the_rest() {
    let bad = event("").replace(r#""timestamp":1773576000000"#, r#""timestamp":true"#);
    let body = batch_body(
        "wk_demo",
        Timestamp(1_773_576_060_000),
        Some("/expenses"),
        Some("fr-CA"),
        &[&event(""), &bad],
    );
    assert_eq!(
        body,
        format!(
            r#"{{"write_key":"wk_demo","sent_at":1773576060000,"page":"/expenses","locale":"fr-CA","events":[{},{bad}]}}"#,
            event("")
        )
    );
    let batch = parse_batch(&body).expect("valid envelope");
    let v = batch.validate(Timestamp(1_773_576_000_000));
    assert_eq!(v.accepted.len(), 1);
    // The client clock was 60 s fast: the event is moved 60 s before receipt.
    assert_eq!(v.accepted[0].1.timestamp, 1_773_576_000_000 - 60_000);
    let rejected = serde_json::to_string(&v.rejected).expect("json");
    assert_eq!(
        rejected,
        format!(
            r#"[{{"index":1,"id":"{UUID}","code":"invalid_type","field":"events[1].timestamp","message":"invalid type: boolean `true`, expected i64"}}]"#
        )
    );
}

#[test]
fn batch_dropped_counts_round_trip() {
    let body = batch_body_with(
        "wk_demo",
        Timestamp(5),
        None,
        None,
        Dropped {
            capacity: 3,
            storage: 0,
        },
        &[&event("")],
    );
    assert_eq!(
        body,
        format!(
            r#"{{"write_key":"wk_demo","sent_at":5,"dropped":{{"capacity":3}},"events":[{}]}}"#,
            event("")
        )
    );
    assert_eq!(
        parse_batch(&body).expect("valid").dropped,
        Dropped {
            capacity: 3,
            storage: 0
        }
    );
    let both = Dropped {
        capacity: 1,
        storage: 2,
    };
    let body = batch_body_with("k", Timestamp(0), None, None, both, &[]);
    assert_eq!(
        body,
        r#"{"write_key":"k","sent_at":0,"dropped":{"capacity":1,"storage":2},"events":[]}"#
    );
    assert_eq!(parse_batch(&body).expect("valid").dropped, both);
    // Absent: nothing dropped; empty counts are left out of the body.
    let body = batch_body_with("k", Timestamp(0), None, None, Dropped::default(), &[]);
    assert_eq!(body, r#"{"write_key":"k","sent_at":0,"events":[]}"#);
    assert!(parse_batch(&body).expect("valid").dropped.is_empty());
    // The overhead leaves room for the largest counts.
    assert!(batch_overhead("k", None, None) > body.len() + 40);
}

#[test]
fn int_text_matches_display() {
    for n in [0, 7, -7, 10, 1_773_576_060_000, i64::MAX, i64::MIN] {
        assert_eq!(int_text(n), n.to_string());
    }
}

#[test]
fn batch_dropped_errors() {
    let check = |dropped: &str, expect: (ErrorCode, &str)| {
        let body = format!(r#"{{"write_key":"k","dropped":{dropped},"events":[]}}"#);
        let p = parse_batch(&body).expect_err("rejected");
        assert_eq!((p.code, p.field.as_str()), expect, "{body}");
    };
    check(
        r#"{"capacity":-1}"#,
        (ErrorCode::InvalidValue, "dropped.capacity"),
    );
    check(
        r#"{"storage":1.5}"#,
        (ErrorCode::InvalidType, "dropped.storage"),
    );
    check(r#"{"other":1}"#, (ErrorCode::UnknownField, "dropped.other"));
    check(r#""many""#, (ErrorCode::InvalidType, "dropped"));
    check(
        r#"{"capacity":100000001}"#,
        (ErrorCode::InvalidValue, "dropped.capacity"),
    );
}

#[test]
fn batch_envelope_errors() {
    let check = |body: &str, expect: (ErrorCode, &str)| {
        let p = parse_batch(body).expect_err("rejected");
        assert_eq!((p.code, p.field.as_str()), expect, "{body}");
    };
    check("{", (ErrorCode::MalformedJson, ""));
    check(r#"{"events":[]}"#, (ErrorCode::MissingField, "write_key"));
    check(
        r#"{"write_key":"k","events":"nope"}"#,
        (ErrorCode::InvalidType, "events"),
    );
    let huge = format!(
        r#"{{"write_key":"k","events":[],"pad":"{}"}}"#,
        "x".repeat(MAX_BATCH_BYTES)
    );
    check(&huge, (ErrorCode::BatchTooLarge, ""));
    let big_event = event(&format!(
        r#","properties":{{"pad":"{}"}}"#,
        "x".repeat(MAX_EVENT_BYTES)
    ));
    let v = parse_batch(&batch_body("k", Timestamp(0), None, None, &[&big_event]))
        .expect("envelope ok")
        .validate(Timestamp(0));
    assert_eq!(v.rejected[0].code, "event_too_large");
    assert_eq!(v.rejected[0].field, "events[0]");
}

#[test]
fn error_body_shape() {
    let p = Problem::new(
        ErrorCode::UnknownWriteKey,
        "write_key",
        "no workspace has this write key",
    );
    assert_eq!(
        p.to_body(),
        r#"{"error":{"code":"unknown_write_key","field":"write_key","message":"no workspace has this write key"}}"#
    );
}

const WELCOME: &str = r#"{"id":"welcome","surface":"modal","priority":100,"recurrence":"once",
  "content":{"title":"Welcome to Expensely","body":"Create your first expense.","cta":{"label":"Start","url":"/expenses/new"}}}"#;

#[test]
fn campaign_documents_are_strict_and_paths_are_precise() {
    let check = |text: &str, expect: &str| {
        let got = match parse_campaign(text) {
            Ok(_) => "ok".to_owned(),
            Err(p) => format!("{} {}", p.code, p.field),
        };
        assert_eq!(got, expect, "{text}");
    };
    check(WELCOME, "ok");
    check(
        &WELCOME.replace(r#""priority":100"#, r#""priority":100,"colour":"red""#),
        "unknown_field colour",
    );
    check(
        &WELCOME.replace("/expenses/new", "javascript:alert(1)"),
        "invalid_value content.cta.url",
    );
    check(
        &WELCOME.replace(
            r#""recurrence":"once""#,
            r#""recurrence":"once","audience":{"all":[{"eq":[{"user_trait":"role"},{"value":"admin"}]},{"gt":[{"usage":{"feature":"x","window":{"last_days":0}}},{"value":1}]}]}"#,
        ),
        "invalid_value audience.all[1].gt[0].usage.window.last_days",
    );
    check(
        &WELCOME.replace(r#""recurrence":"once""#, r#""recurrence":"once","audience":{"all":[{"gte":[{"usage":{"feature":"x","window":"fortnight"}},{"value":1}]}]}"#),
        "invalid_value audience.all[0].gte[0].usage.window",
    );
    // Triggers, recurrence, caps, experiments and event conditions: each error names its field.
    let with = |extra: &str| WELCOME.replace(r#""recurrence":"once""#, extra);
    for (extra, expect) in [
        (
            r#""recurrence":{"times":{"max":3,"every_days":2}},"trigger":{"event":{"name":"submit_expense","within_hours":48}},"snooze_hours":24,"category":"upgrade","delay_seconds":2"#,
            "ok",
        ),
        (
            r#""recurrence":{"every":{"days":7}},"trigger":{"page":"/reports/*"}"#,
            "ok",
        ),
        (
            r#""recurrence":"until_completed","trigger":{"element":"submit-button"}"#,
            "ok",
        ),
        (
            r#""recurrence":"once","trigger":{"fact":{"gte":[{"limit_usage":{"feature":"create_expense","limit_trait":"limit"}},{"value":80}]}}"#,
            "ok",
        ),
        (
            r#""recurrence":{"times":{"max":0}}"#,
            "invalid_value recurrence.times.max",
        ),
        (r#""recurrence":"twice""#, "invalid_value recurrence"),
        (
            r#""recurrence":"once","trigger":{"event":{"name":"x","within_hours":0}}"#,
            "invalid_value trigger.event.within_hours",
        ),
        (
            r#""recurrence":"once","trigger":{"page":"reports"}"#,
            "invalid_value trigger.page",
        ),
        (
            r#""recurrence":"once","trigger":{"element":"a] b"}"#,
            "invalid_value trigger.element",
        ),
        (
            r#""recurrence":"once","trigger":{"fact":{"gt":[{"usage":{"feature":"x","window":{"last_days":400}}},{"value":1}]}}"#,
            "invalid_value trigger.fact.gt[0].usage.window.last_days",
        ),
        (
            r#""recurrence":"once","account_cap":{"max_users":0}"#,
            "invalid_value account_cap.max_users",
        ),
        (
            r#""recurrence":"once","experiment":{"holdout_percent":10,"variants":[{"id":"a","content":{"title":"A","body":"B"}},{"id":"b","weight":3}]}"#,
            "ok",
        ),
        (
            r#""recurrence":"once","experiment":{"holdout_percent":101}"#,
            "invalid_value experiment.holdout_percent",
        ),
        (
            r#""recurrence":"once","experiment":{"variants":[{"id":"a"},{"id":"a"}]}"#,
            "invalid_value experiment.variants[1].id",
        ),
        (
            r#""recurrence":"once","experiment":{"variants":[{"id":"a","content":{"title":"","body":"B"}}]}"#,
            "invalid_value experiment.variants[0].content.title",
        ),
        (
            r#""recurrence":"once","audience":{"all":[{"page":"/expenses/:id"},{"gte":[{"event_count":{"name":"submit_expense","scope":"user","window":{"last_days":30},"where":[{"property":"amount","op":"gte","value":1000}]}},{"value":1}]},{"lt":[{"days_since_first":{"name":"create_expense"}},{"value":14}]},{"gte":[{"adoption_breadth":{"days":28}},{"value":50}]}]}"#,
            "ok",
        ),
        (
            r#""recurrence":"once","audience":{"all":[{"gte":[{"event_count":{"name":"x","where":[{"property":"amount","op":"gte","value":[1]}]}},{"value":1}]}]}"#,
            "invalid_type audience.all[0].gte[0].event_count.where[0].value",
        ),
        (
            r#""recurrence":"once","audience":{"all":[{"gte":[{"event_count":{"name":"x","where":[{"property":"amount","op":"about","value":1}]}},{"value":1}]}]}"#,
            "invalid_value audience.all[0].gte[0].event_count.where[0].op",
        ),
        (
            r#""recurrence":"once","audience":{"any":[{"page":"/a?b"}]}"#,
            "invalid_value audience.any[0].page",
        ),
    ] {
        check(&with(extra), expect);
    }
    // Surfaces and their content: anchors, steps, tasks and translations.
    let doc = |surface: &str, content_extra: &str| {
        format!(
            r#"{{"id":"c","surface":"{surface}","recurrence":"once","content":{{"title":"T","body":"B"{content_extra}}}}}"#
        )
    };
    for (surface, extra, expect) in [
        ("tooltip", r#","anchor":{"name":"submit"}"#, "ok"),
        ("tooltip", "", "missing_field content.anchor"),
        (
            "tooltip",
            r#","anchor":{"selector":""}"#,
            "invalid_value content.anchor.selector",
        ),
        (
            "tooltip",
            r#","anchor":{"name":"a b"}"#,
            "invalid_value content.anchor.name",
        ),
        ("slideout", "", "ok"),
        (
            "tour",
            r#","steps":[{"title":"1","body":"b","anchor":{"name":"new"}},{"title":"2","body":"b","page":"/reports"}]"#,
            "ok",
        ),
        ("tour", "", "invalid_value content.steps"),
        (
            "modal",
            r#","steps":[{"title":"1","body":"b"}]"#,
            "invalid_value content.steps",
        ),
        (
            "tour",
            r#","steps":[{"title":"1","body":"b","page":"reports"}]"#,
            "invalid_value content.steps[0].page",
        ),
        (
            "checklist",
            r#","tasks":[{"label":"Create an expense","event":"create_expense","url":"/#new"}]"#,
            "ok",
        ),
        (
            "checklist",
            r#","tasks":[{"label":"x","event":""}]"#,
            "invalid_value content.tasks[0].event",
        ),
        ("checklist", "", "invalid_value content.tasks"),
        (
            "modal",
            r#","locales":{"fr":{"title":"Bonjour"},"pt-BR":{"body":"Olá"}}"#,
            "ok",
        ),
        (
            "modal",
            r#","locales":{"French":{"title":"Bonjour"}}"#,
            "invalid_value content.locales.French",
        ),
        (
            "modal",
            r#","locales":{"fr":{"title":""}}"#,
            "invalid_value content.locales.fr.title",
        ),
        (
            "modal",
            r#","locales":{"fr":{"subtitle":"x"}}"#,
            "unknown_field content.locales.fr.subtitle",
        ),
    ] {
        check(&doc(surface, extra), expect);
    }
}

#[test]
fn content_is_localised_with_a_fallback_chain() {
    let (doc, _) = parse_campaign(
        r#"{"id":"c","surface":"modal","recurrence":"once","content":{"title":"Welcome","body":"Hello","cta":{"label":"Start"},"locales":{"fr":{"title":"Bienvenue","cta_label":"Commencer"},"fr-CA":{"body":"Allô"},"ar":{"title":"مرحبا"}}}}"#,
    )
    .expect("valid");
    let texts = |locale: Option<&str>| {
        let (c, _) = doc.content.localized(locale);
        let cta = c.cta.map(|c| c.label).unwrap_or_default();
        format!("{} / {} / {cta}", c.title, c.body)
    };
    assert_eq!(texts(None), "Welcome / Hello / Start");
    assert_eq!(texts(Some("fr")), "Bienvenue / Hello / Commencer");
    assert_eq!(texts(Some("fr-BE")), "Bienvenue / Hello / Commencer");
    assert_eq!(texts(Some("fr-CA")), "Welcome / Allô / Start");
    assert_eq!(texts(Some("ar")), "مرحبا / Hello / Start");
    assert_eq!(texts(Some("de-DE")), "Welcome / Hello / Start");
    let lang = |l| doc.content.localized(Some(l)).1;
    assert_eq!(
        [lang("fr-BE"), lang("fr-CA"), lang("de")],
        [Some("fr".to_owned()), Some("fr-CA".to_owned()), None]
    );
}

#[test]
fn decision_wire_shape() {
    let (doc, campaign) = parse_campaign(WELCOME).expect("valid");
    let catalog = Catalog {
        campaigns: vec![campaign],
        ..Catalog::default()
    };
    let d = decide(
        &catalog,
        &Facts::default(),
        &History::default(),
        Timestamp(1_773_576_000_000),
    );
    let dto = decision_dto(&d, &[doc], true, None);
    let resp = EventsResponse {
        accepted: 2,
        duplicates: 1,
        rejected: vec![],
        decision: Some(dto),
        approvals: 0,
    };
    assert_eq!(
        to_json(&resp),
        r#"{"accepted":2,"duplicates":1,"rejected":[],"decision":{"rules_version":2,"messages":[{"campaign":"welcome","surface":"modal","category":"general","content":{"title":"Welcome to Expensely","body":"Create your first expense.","cta":{"label":"Start","url":"/expenses/new"}}}],"verdicts":[{"campaign":"welcome","verdict":"chosen"}]}}"#
    );
    // The SDK core reads the same body without the messages' content.
    let ack: EventsAck = serde_json::from_str(&to_json(&resp)).expect("ack");
    let head = ack.decision.expect("decision");
    assert_eq!(head.messages.len(), 1);
    assert_eq!(head.verdicts.expect("verdicts")[0].verdict, "chosen");
    let ack: EventsAck = serde_json::from_str(r#"{"accepted":1,"duplicates":0}"#).expect("ack");
    assert!(ack.decision.is_none() && ack.rejected.is_empty());
}

#[test]
fn dropped_totals_wire_shape() {
    // A debug decision carries the account's dropped totals, both counts always present.
    let dto = DecisionDto {
        rules_version: 2,
        messages: vec![],
        verdicts: Some(vec![]),
        dropped: Some(DroppedTotals {
            capacity: 12,
            storage: 0,
        }),
    };
    assert_eq!(
        to_json(&dto),
        r#"{"rules_version":2,"messages":[],"verdicts":[],"dropped":{"capacity":12,"storage":0}}"#
    );
}

#[test]
fn json_string_escaping() {
    assert_eq!(
        escape_json_string("a\"b\\c\n\u{1}é"),
        r#""a\"b\\c\n\u0001é""#
    );
}

#[test]
fn clock_correction() {
    let check = |ts: i64, sent: Option<i64>, received: i64, expect: i64| {
        assert_eq!(
            correct_time(Timestamp(ts), sent.map(Timestamp), Timestamp(received)),
            Timestamp(expect)
        );
    };
    check(1_000, Some(1_500), 10_000, 9_500); // browser clock behind: keeps its 500 ms age
    check(90_000, Some(90_500), 10_000, 9_500); // browser clock ahead
    check(1_000, None, 10_000, 1_000); // a server back-dating history is trusted
    check(20_000, None, 10_000, 10_000); // but never in the future
    check(2_000, Some(1_000), 10_000, 10_000); // an event "after" sending is clamped to receipt
}

#[test]
fn computed_fact_operands_parse_and_validate() {
    let with = |audience: &str| {
        WELCOME.replace(
            r#""recurrence":"once""#,
            &format!(r#""recurrence":"once","audience":{audience}"#),
        )
    };
    let check = |audience: &str, expect: &str| {
        let got = match parse_campaign(&with(audience)) {
            Ok(_) => "ok".to_owned(),
            Err(p) => format!("{} {}", p.code, p.field),
        };
        assert_eq!(got, expect, "{audience}");
    };
    check(
        r#"{"lte":[{"engagement_trend":{"scope":"account","days":7}},{"value":-50}]}"#,
        "ok",
    );
    check(
        r#"{"gte":[{"active_days":{"scope":"user","days":28}},{"value":10}]}"#,
        "ok",
    );
    check(
        r#"{"gte":[{"active_users":{"days":28}},{"value":3}]}"#,
        "ok",
    );
    check(
        r#"{"gte":[{"limit_usage":{"feature":"create_expense","limit_trait":"plan_expense_limit"}},{"value":80}]}"#,
        "ok",
    );
    check(
        r#"{"gte":[{"seat_utilisation":{"seats_trait":"seats"}},{"value":90}]}"#,
        "ok",
    );
    check(
        r#"{"lte":[{"engagement_trend":{"days":120}},{"value":-50}]}"#,
        "invalid_value audience.lte[0].engagement_trend.days",
    );
    check(
        r#"{"any":[{"gte":[{"active_users":{"days":0}},{"value":3}]}]}"#,
        "invalid_value audience.any[0].gte[0].active_users.days",
    );
    check(
        r#"{"gte":[{"limit_usage":{"feature":"x"}},{"value":80}]}"#,
        "missing_field audience.gte[0].limit_usage.limit_trait",
    );
}

#[test]
fn workspace_settings_define_the_account_model() {
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../demo-app/seed/settings.json"
    ))
    .expect("seed");
    let (_, budget, model) = parse_settings(&demo).expect("the demo settings are valid");
    let caps: Vec<String> = budget.caps.iter().map(ToString::to_string).collect();
    assert_eq!(
        caps,
        [
            "2 interruptive per session",
            "6 per 1 days",
            "1 upgrade per 7 days"
        ]
    );
    assert_eq!(model.key_features.len(), 4);
    assert!(model.tiers.is_some());
    assert_eq!(model.health.as_ref().map(|h| h.components.len()), Some(8));
    let stages: Vec<_> = model.lifecycle.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        stages,
        [
            "onboarding",
            "actively_using",
            "adopting",
            "expanding",
            "transformational"
        ],
        "the default lifecycle"
    );

    let check = |text: &str, expect: &str| {
        let got = match parse_settings(text) {
            Ok(_) => "ok".to_owned(),
            Err(p) => format!("{} {}", p.code, p.field),
        };
        assert_eq!(got, expect, "{text}");
    };
    check("{}", "ok");
    check(r#"{"colour":"red"}"#, "unknown_field colour");
    check(
        r#"{"value_tiers":{"value":{"account_trait":"arr"},"high":10,"medium":20}}"#,
        "invalid_value value_tiers.high",
    );
    check(
        r#"{"lifecycle":[{"stage":"a"},{"stage":"b"}]}"#,
        "missing_field lifecycle[1].when",
    );
    check(
        r#"{"lifecycle":[{"stage":"a"},{"stage":"a","when":{"all":[]}}]}"#,
        "invalid_value lifecycle[1].stage",
    );
    check(
        r#"{"lifecycle":[{"stage":"a"},{"stage":"b","when":{"gte":[{"active_users":{"days":0}},{"value":1}]}}]}"#,
        "invalid_value lifecycle[1].when.gte[0].active_users.days",
    );
    check(
        r#"{"health":{"components":[{"name":"x","weight":0,"value":{"computed":"value_tier"},"red_at":0,"green_at":1}],"green_at":70,"yellow_at":40}}"#,
        "invalid_value health.components[0].weight",
    );
    check(
        r#"{"health":{"components":[],"green_at":70,"yellow_at":40}}"#,
        "invalid_value health.components",
    );
}

#[test]
fn signed_requests_are_the_caller_plus_the_page_fields() {
    let body = signed_body(
        "wk",
        "u\"1",
        "acme",
        Some("ab12"),
        r#" {"emails":["a@b.example"]} "#,
    )
    .expect("an object");
    assert_eq!(
        body,
        r#"{"write_key":"wk","user_id":"u\"1","account_id":"acme","user_hash":"ab12","emails":["a@b.example"]}"#
    );
    let parsed: Signed<InviteBody> = parse_signed(&body).expect("valid");
    assert_eq!(parsed.body.emails, ["a@b.example"]);
    assert_eq!(
        signed_body("wk", "u", "a", None, "{}").as_deref(),
        Some(r#"{"write_key":"wk","user_id":"u","account_id":"a"}"#)
    );
    assert_eq!(signed_body("wk", "u", "a", None, "[1]"), None);
    let bad = signed_body("wk", "u", "a", None, r#"{"emails":["x"]}"#).expect("object");
    let err = parse_signed::<InviteBody>(&bad).expect_err("not an email");
    assert_eq!(
        (err.code, err.field.as_str()),
        (ErrorCode::InvalidEmail, "emails[0]")
    );
}

#[test]
fn sdk_request_fields() {
    assert_eq!(
        decide_fields("apr_1", Verdict::Reject, Some("no \"way\"")),
        r#"{"approval_id":"apr_1","decision":"reject","comment":"no \"way\""}"#
    );
    assert_eq!(
        decide_fields("a", Verdict::Approve, None),
        r#"{"approval_id":"a","decision":"approve"}"#
    );
    assert_eq!(
        invite_fields(&["a@x.example".into(), "b@x.example".into()]),
        r#"{"emails":["a@x.example","b@x.example"]}"#
    );
    let with = with_approver(
        r#"{"action":"a","resource":{"id":"r","summary":"s"}}"#,
        None,
        Some("cfo@x.example"),
    );
    let body = signed_body("wk", "u", "acme", None, &with.expect("object")).expect("object");
    let parsed: Signed<ApprovalBody> = parse_signed(&body).expect("valid");
    assert_eq!(parsed.body.approver.email.as_deref(), Some("cfo@x.example"));
    assert_eq!(
        with_approver("{}", Some("u2"), None).as_deref(),
        Some(r#"{"approver":{"user_id":"u2"}}"#)
    );
    assert_eq!(with_approver("[]", Some("u2"), None), None);
}

#[test]
fn rollup_message_wire_shape() {
    let msg = RollupMessage {
        workspace_id: "ws_1".into(),
        account_id: "acme".into(),
        seq: 7,
        at: 1_773_576_000_000,
        backfill: false,
        units: vec![
            RollupUnit {
                account: None,
                campaign: "trial".into(),
                week: 2925,
                rows: vec![RollupRow {
                    arm: "control".into(),
                    day: 20_475,
                    metric: "exposed".into(),
                    users: 3,
                    count: 3,
                }],
                comments: vec![],
            },
            RollupUnit {
                account: None,
                campaign: "pulse".into(),
                week: COMMENTS_UNIT,
                rows: vec![],
                comments: vec![Comment {
                    account_id: String::new(),
                    user_id: "u1".into(),
                    score: 9,
                    comment: "Fast".into(),
                    at: 1_773_576_000_000,
                }],
            },
        ],
    };
    let text = to_json(&msg);
    assert_eq!(
        text,
        r#"{"workspace_id":"ws_1","account_id":"acme","seq":7,"at":1773576000000,"units":[{"campaign":"trial","week":2925,"rows":[{"arm":"control","day":20475,"metric":"exposed","users":3,"count":3}]},{"campaign":"pulse","week":-1,"comments":[{"user_id":"u1","score":9,"comment":"Fast","at":1773576000000}]}]}"#
    );
    assert_eq!(RollupMessage::from_json(&text).expect("parses"), msg);
    let backfill = RollupMessage {
        backfill: true,
        units: vec![],
        ..msg
    };
    assert!(to_json(&backfill).contains(r#""backfill":true"#));
}

#[test]
fn campaign_results_wire_shape() {
    let results = CampaignResults {
        campaign: "trial".into(),
        from_day: 20_759,
        to_day: 20_759,
        updated_at: Some(1_773_576_000_000),
        accounts: 2,
        goal: Some("approve_expense within 14 days".into()),
        funnel: vec![Stage {
            stage: "shown".into(),
            users: 4,
            count: 6,
        }],
        steps: vec![],
        daily: vec![DailyResult {
            day: 20_759,
            shown: 4,
            clicked: 2,
            dismissed: 1,
            converted: 1,
        }],
        arms: vec![ArmResult {
            arm: "treatment".into(),
            weight: 50.0,
            exposed: 4,
            converted: 1,
            rate: Some(Estimate {
                value: Some(0.25),
                low: 0.05,
                high: 0.7,
            }),
            lift: None,
            relative_lift: None,
            chance_to_beat: Some(0.5),
            p_value: None,
        }],
        verdict: Some("Not enough data yet.".into()),
        srm: Some(SrmResult {
            p_value: 1.0,
            mismatch: false,
        }),
        survey: None,
        adoption: None,
    };
    assert_eq!(
        to_json(&results),
        r#"{"campaign":"trial","from_day":20759,"to_day":20759,"updated_at":1773576000000,"accounts":2,"goal":"approve_expense within 14 days","funnel":[{"stage":"shown","users":4,"count":6}],"daily":[{"day":20759,"shown":4,"clicked":2,"dismissed":1,"converted":1}],"arms":[{"arm":"treatment","weight":50.0,"exposed":4,"converted":1,"rate":{"value":0.25,"low":0.05,"high":0.7},"chance_to_beat":0.5}],"verdict":"Not enough data yet.","srm":{"p_value":1.0,"mismatch":false}}"#
    );
}

#[test]
fn campaign_goals_are_validated_with_their_field() {
    let doc = |goal: &str| {
        format!(
            r#"{{"id":"g","surface":"modal","recurrence":"once","content":{{"title":"T","body":"B"}},"goal":{goal}}}"#
        )
    };
    for (goal, expect) in [
        (r#"{"event":"approve_expense"}"#, "ok"),
        (
            r#"{"event":"approve_expense","within_days":90,"properties":{"plan":"pro","n":2,"ok":true}}"#,
            "ok",
        ),
        (r#"{"event":""}"#, "invalid_value goal.event"),
        (
            r#"{"event":"a","within_days":0}"#,
            "invalid_value goal.within_days",
        ),
        (
            r#"{"event":"a","within_days":91}"#,
            "invalid_value goal.within_days",
        ),
        (
            r#"{"event":"a","properties":{"x":[1]}}"#,
            "invalid_value goal.properties.x",
        ),
        (
            r#"{"event":"a","properties":{"x":null}}"#,
            "invalid_value goal.properties.x",
        ),
        (r#"{"event":"a","when":"soon"}"#, "unknown_field goal.when"),
        (r#"{"within_days":3}"#, "missing_field goal.event"),
    ] {
        let got = match parse_campaign(&doc(goal)) {
            Ok((_, campaign)) => {
                assert!(campaign.goal.is_some());
                "ok".to_owned()
            }
            Err(Problem { code, field, .. }) => format!("{code} {field}"),
        };
        assert_eq!(got, expect, "{goal}");
    }
}

#[test]
fn advocacy_asks_and_the_stage_operand_are_validated_with_their_field() {
    let doc = |extra: &str| {
        format!(
            r#"{{"id":"a","surface":"slideout","recurrence":"once","content":{{"title":"T","body":"B"}}{extra}}}"#
        )
    };
    let stage = r#","audience":{"eq":[{"computed":"advocacy_stage"},{"value":"nurture"}]}"#;
    for (extra, expect) in [
        (r#","ask":"review""#.to_owned(), "ok review"),
        (r#","ask":"case_study""#.to_owned(), "ok case_study"),
        (String::new(), "ok -"),
        (format!(r#","ask":"speaking"{stage}"#), "ok speaking"),
        (
            r#","audience":{"all":[{"eq":[{"computed":"is_champion"},{"value":true}]},{"gte":[{"computed":"coverage_gaps"},{"value":3}]}]}"#
                .to_owned(),
            "ok -",
        ),
        (r#","ask":"billboard""#.to_owned(), "invalid_value ask"),
        (r#","ask":3"#.to_owned(), "invalid_type ask"),
        (
            r#","audience":{"eq":[{"computed":"advocacy"},{"value":"x"}]}"#.to_owned(),
            "invalid_value audience.eq[0].computed",
        ),
    ] {
        let got = match parse_campaign(&doc(&extra)) {
            Ok((_, campaign)) => format!("ok {}", campaign.ask.map_or("-", |a| a.as_str())),
            Err(Problem { code, field, .. }) => format!("{code} {field}"),
        };
        assert_eq!(got, expect, "{extra}");
    }
}

#[test]
fn value_recap_metrics_are_validated_and_filled_in() {
    let doc = |body: &str| {
        format!(
            r#"{{"id":"v","surface":"banner","recurrence":"once","content":{{"title":"T","body":{}}}}}"#,
            escape_json_string(body)
        )
    };
    // Counts as the edge computes them: the event's length, times 10 for a quarter.
    let count = |m: &MetricRef| {
        let n = m.event.len() as u64;
        if m.period == rules::RecapPeriod::Quarter {
            n * 10
        } else {
            n
        }
    };
    for (body, expect) in [
        (
            "Filed **{{account.metrics.create_expense.quarter}}** expenses",
            "ok Filed **140** expenses",
        ),
        (
            "{{account.metrics.ab.week}}, {{ account.metrics.ab.week | 0 }}, {{account.metrics.b.all_time}}",
            "ok 2, 2, 1",
        ),
        // Other variables stay for the SDK; text that is no variable stays as written.
        (
            "{{account.plan}} {{user.first_name}} {{ x",
            "ok {{account.plan}} {{user.first_name}} {{ x",
        ),
        (
            "{{account.metrics.a.fortnight}}",
            "invalid_value content.body",
        ),
        ("{{account.metrics.quarter}}", "invalid_value content.body"),
        (
            "{{account.metrics.bad name.week}}",
            "invalid_value content.body",
        ),
    ] {
        let checked = parse_campaign(&doc(body)).and_then(|(doc, c)| {
            check_metrics(&doc.content).map_err(|p| p.within("content"))?;
            Ok((doc, c))
        });
        let got = match checked {
            Ok((doc, _)) => {
                let mut content = doc.content_for(None).localized(None).0;
                fill_metrics(&mut content, count);
                format!("ok {}", content.body)
            }
            Err(Problem { code, field, .. }) => format!("{code} {field}"),
        };
        assert_eq!(got, expect, "{body}");
    }
}

#[test]
fn churn_marks_need_one_of_the_workspace_reasons() {
    let reasons = WorkspaceSettings::default().churn_reasons();
    assert_eq!(reasons.len(), DEFAULT_CHURN_REASONS.len());
    for (body, expect) in [
        (
            r#"{"churned_on":"2026-11-20","churn_reason":"price"}"#,
            "ok",
        ),
        (
            r#"{"contracted_on":"2026-11-20","churn_reason":"budget cuts","churn_note":"two teams left"}"#,
            "ok",
        ),
        (r#"{"churned_on":null,"churn_reason":null}"#, "ok"),
        (r#"{"arr":5000}"#, "ok"),
        (
            r#"{"churned_on":"2026-11-20"}"#,
            "missing_field churn_reason",
        ),
        (
            r#"{"churned_on":"2026-11-20","churn_reason":"they left"}"#,
            "invalid_value churn_reason",
        ),
        (
            r#"{"churn_reason":"they left"}"#,
            "invalid_value churn_reason",
        ),
        (
            r#"{"churned_on":"last week","churn_reason":"price"}"#,
            "invalid_value churned_on",
        ),
        (
            r#"{"contracted_on":20,"churn_reason":"price"}"#,
            "invalid_value contracted_on",
        ),
    ] {
        let got = parse_admin_traits(body)
            .and_then(|(_, traits)| check_churn_traits(&traits, &reasons))
            .map_or_else(|p| format!("{} {}", p.code, p.field), |()| "ok".to_owned());
        assert_eq!(got, expect, "{body}");
    }
    // A workspace's own list replaces the default one, and is checked.
    let (s, _, _) =
        parse_settings(r#"{"churn_reasons":["too expensive","went bankrupt"]}"#).expect("valid");
    assert_eq!(s.churn_reasons(), ["too expensive", "went bankrupt"]);
    for bad in [
        r#"{"churn_reasons":["a","a"]}"#,
        r#"{"churn_reasons":[""]}"#,
    ] {
        assert_eq!(
            parse_settings(bad).expect_err("refused").field,
            "churn_reasons",
            "{bad}"
        );
    }
}

#[test]
fn touch_plans_are_validated_at_their_field() {
    let plan = |json: &str| {
        parse_settings(&format!(r#"{{"touch_plans":{json}}}"#)).and_then(|(s, b, m)| {
            check_touch_plans(&s.touch_plans)?;
            Ok((s, b, m))
        })
    };
    let (s, _, _) =
        plan(r#"[{"tier":"medium","plan":"high_touch","every_days":14}]"#).expect("valid");
    assert_eq!(s.touch_plan("medium").every_days, Some(14));
    // Tiers without a plan keep the default.
    assert_eq!(s.touch_plan("high").every_days, Some(30));
    assert_eq!(s.touch_plan("none").kind.as_str(), "self_service");
    for (json, field) in [
        (
            r#"[{"tier":"gold","plan":"high_touch","every_days":30}]"#,
            "touch_plans[0].tier",
        ),
        (
            r#"[{"tier":"high","plan":"self_service"},{"tier":"high","plan":"self_service"}]"#,
            "touch_plans[1].tier",
        ),
        (
            r#"[{"tier":"high","plan":"high_touch"}]"#,
            "touch_plans[0].every_days",
        ),
        (
            r#"[{"tier":"low","plan":"self_service","every_days":7}]"#,
            "touch_plans[0].every_days",
        ),
        (
            r#"[{"tier":"low","plan":"low_touch","every_days":400}]"#,
            "touch_plans[0].every_days",
        ),
        (
            r#"[{"tier":"low","plan":"sometimes"}]"#,
            "touch_plans[0].plan",
        ),
    ] {
        assert_eq!(plan(json).expect_err("refused").field, field, "{json}");
    }
}

#[test]
fn import_and_adoption_wire_shapes() {
    // The console's import body, and an account summary's adoption.
    let body = ImportBody {
        csv: "account_id,arr\n\"a\",1\n".into(),
    };
    assert_eq!(to_json(&body), r#"{"csv":"account_id,arr\n\"a\",1\n"}"#);
    let adoption = AdoptionDto {
        active_users: 3,
        seats: Some(4.0),
        features_used: vec!["submit".into()],
        key_features: 2,
        nps: None,
    };
    assert_eq!(
        to_json(&adoption),
        r#"{"active_users":3,"seats":4.0,"features_used":["submit"],"key_features":2}"#
    );
    assert_eq!(
        parse_import_body(r#"{"csv":"account_id,arr\na,1\n","x":1}"#, &[])
            .expect_err("unknown field")
            .field,
        "x"
    );
}
