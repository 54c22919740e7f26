//! Native tests of the edge use cases against in-memory stores.

use futures_executor::block_on;
use protocol::v1::{Dropped, DroppedTotals, EventsResponse, Subject, batch_body, batch_body_with};
use rules::Timestamp;

use super::*;
use crate::account::MemoryAccounts;
use crate::catalog::{MemoryCatalog, WorkspaceCatalog, WriteKey};

const NOW: Timestamp = Timestamp(1_773_576_000_000);
const ORIGIN: &str = "https://app.example";
const FIRST_PAGE: ExportPage = ExportPage {
    after: 0,
    limit: protocol::v1::MAX_EXPORT_PAGE,
};

const WELCOME: &str = r#"{"id":"welcome","surface":"modal","priority":100,"recurrence":"once","content":{"title":"Hi","body":"Welcome"}}"#;
const UPGRADE: &str = r#"{"id":"upgrade","surface":"banner","priority":50,"recurrence":"until_dismissed",
 "audience":{"gt":[{"usage":{"feature":"create_expense","scope":"account","window":"month"}},{"account_trait":"plan_expense_limit"}]},
 "content":{"title":"Limit reached","body":"Upgrade"}}"#;

fn world() -> (MemoryCatalog, MemoryAccounts) {
    let mut c = MemoryCatalog::default();
    c.write_keys.insert(
        "wk".into(),
        WriteKey {
            workspace_id: "ws".into(),
            debug: true,
            monthly_events: None,
            new_accounts_per_day: None,
            requests_per_10s: None,
            catalog_version: 0,
        },
    );
    c.write_keys.insert(
        "wk_other".into(),
        WriteKey {
            workspace_id: "other".into(),
            debug: false,
            monthly_events: None,
            new_accounts_per_day: None,
            requests_per_10s: None,
            catalog_version: 0,
        },
    );
    c.secret_keys.insert(hash_secret("sk"), "ws".into());
    c.origins.push(("ws".into(), ORIGIN.into()));
    c.catalogs.insert(
        "ws".into(),
        WorkspaceCatalog {
            campaigns: vec![WELCOME.into(), UPGRADE.into()],
            settings: "{}".into(),
            webhook: None,
            key: None,
        },
    );
    (c, MemoryAccounts::default())
}

fn uuid(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn track(n: u32, account: &str, name: &str) -> String {
    format!(
        r#"{{"id":"{}","type":"track","user_id":"u1","account_id":"{account}","timestamp":{},"name":"{name}"}}"#,
        uuid(n),
        NOW.0
    )
}

fn group(n: u32, account: &str, limit: u32) -> String {
    format!(
        r#"{{"id":"{}","type":"group","user_id":"u1","account_id":"{account}","timestamp":{},"traits":{{"plan_expense_limit":{limit}}}}}"#,
        uuid(n),
        NOW.0
    )
}

fn send(
    w: &(MemoryCatalog, MemoryAccounts),
    key: &str,
    origin: Option<&str>,
    events: &[String],
) -> Result<EventsResponse, AppError> {
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    block_on(post_events(
        &w.0,
        &w.1,
        origin,
        &batch_body(key, NOW, None, None, &refs),
        NOW,
    ))
}

fn stored(w: &(MemoryCatalog, MemoryAccounts), account: &str) -> usize {
    block_on(admin_events(
        &w.0,
        &w.1,
        Some("Bearer sk"),
        account,
        FIRST_PAGE,
    ))
    .expect("export")
    .events
    .len()
}

fn picks(r: &EventsResponse) -> Vec<String> {
    r.decision
        .iter()
        .flat_map(|d| d.messages.iter().map(|m| m.campaign.clone()))
        .collect()
}

#[test]
fn retried_batch_is_stored_once() {
    let w = world();
    let batch = vec![track(1, "a", "x"), track(2, "a", "x")];
    let first = send(&w, "wk", Some(ORIGIN), &batch).expect("ok");
    let again = send(&w, "wk", Some(ORIGIN), &batch).expect("ok");
    assert_eq!((first.accepted, first.duplicates), (2, 0));
    assert_eq!((again.accepted, again.duplicates), (0, 2));
    assert_eq!(stored(&w, "a"), 2);
}

/// The dropped counts a client reports: once per report however often the batch is retried,
/// raised when a retry carries larger counts, kept per account, and shown by the summary and
/// by debug decisions.
#[test]
fn dropped_counts_are_stored_once_per_report() {
    let w = world();
    let dropped = |capacity, storage| Dropped { capacity, storage };
    // (events of the batch, its dropped counts, the account's totals after it)
    let steps: [(&[u32], Dropped, (u64, u64)); 5] = [
        (&[1, 2], dropped(3, 0), (3, 0)),
        // The same batch again (its response was lost): nothing added.
        (&[1, 2], dropped(3, 0), (3, 0)),
        // Retried with more drops since (and one more event): raised, not added.
        (&[1, 2, 3], dropped(5, 1), (5, 1)),
        // The next batch, with new drops.
        (&[4], dropped(2, 0), (7, 1)),
        // Nothing to report.
        (&[5], dropped(0, 0), (7, 1)),
    ];
    for (i, (ids, counts, (capacity, storage))) in steps.into_iter().enumerate() {
        let events: Vec<String> = ids.iter().map(|n| track(*n, "acme", "x")).collect();
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        let body = batch_body_with("wk", NOW, None, None, counts, &refs);
        block_on(post_events(&w.0, &w.1, None, &body, NOW)).expect("accepted");
        let summary =
            block_on(admin_summary(&w.0, &w.1, Some("Bearer sk"), "acme", NOW)).expect("summary");
        let expected = DroppedTotals { capacity, storage };
        assert_eq!(summary.dropped, expected, "step {i}");
    }
    // A debug decision shows the totals; another account has none.
    let decide = |account: &str| {
        let body =
            format!(r#"{{"write_key":"wk","user_id":"u1","account_id":"{account}","debug":true}}"#);
        block_on(post_decide(&w.0, &w.1, None, &body, NOW))
            .expect("ok")
            .decision
            .dropped
    };
    let totals = |capacity, storage| Some(DroppedTotals { capacity, storage });
    assert_eq!(decide("acme"), totals(7, 1));
    assert_eq!(decide("other"), totals(0, 0));
}

/// Export pages follow the order of storage; a page's `next` reads on, and the last page's
/// cursor, kept, later reads what was stored since.
#[test]
fn exports_are_paged_with_a_cursor() {
    let w = world();
    let events: Vec<String> = (1..=5).map(|n| track(n, "acme", "x")).collect();
    send(&w, "wk", None, &events).expect("ok");
    let page = |cursor: Option<&str>, limit: &str| {
        let page = ExportPage::from_query(cursor, Some(limit)).expect("valid");
        let export =
            block_on(admin_events(&w.0, &w.1, Some("Bearer sk"), "acme", page)).expect("export");
        let ids: Vec<String> = export
            .events
            .iter()
            .map(|e| {
                protocol::v1::validate_event(e.event.get())
                    .expect("event")
                    .id
            })
            .collect();
        (ids, export.next, export.more)
    };
    let (first, next, more) = page(None, "2");
    assert_eq!((first, more), (vec![uuid(1), uuid(2)], true));
    let (second, next, _) = page(Some(&next), "2");
    assert_eq!(second, [uuid(3), uuid(4)]);
    let (third, end, more) = page(Some(&next), "2");
    assert_eq!((third, more), (vec![uuid(5)], false));
    // Nothing after the end yet (the cursor stays); then what arrives is read from it.
    let (after_end, same, _) = page(Some(&end), "2");
    assert!(after_end.is_empty());
    assert_eq!(same, end);
    send(&w, "wk", None, &[track(6, "acme", "x")]).expect("ok");
    assert_eq!(page(Some(&end), "2").0, [uuid(6)]);
    // Refused with the parameter named.
    for (cursor, limit, field) in [
        (Some("x"), "2", "cursor"),
        (None, "0", "limit"),
        (None, "1001", "limit"),
    ] {
        let err = ExportPage::from_query(cursor, Some(limit)).expect_err("refused");
        assert_eq!(err.field, field);
    }
}

/// A data-subject request deletes the user's events and state from the account, leaves the
/// others', is refused without the secret or a user id, and a saved export cursor still reads
/// what arrives afterwards.
#[test]
fn forgetting_a_user_deletes_their_data_only() {
    let w = world();
    let by = |n: u32, user: &str| {
        track(n, "acme", "x").replace("\"user_id\":\"u1\"", &format!("\"user_id\":\"{user}\""))
    };
    let events: Vec<String> = vec![
        by(1, "u2"),
        by(2, "gone"),
        by(3, "gone"),
        by(4, "u2"),
        by(5, "gone"),
    ];
    send(&w, "wk", None, &events).expect("ok");
    let forget =
        |auth: &str, body: &str| block_on(admin_forget(&w.0, &w.1, Some(auth), "acme", body, NOW));
    let answer = forget("Bearer sk", r#"{"user_id":"gone"}"#).expect("forgotten");
    assert_eq!(
        (answer.user_id.as_str(), answer.events_deleted),
        ("gone", 3)
    );
    assert_eq!(stored(&w, "acme"), 2);
    assert_eq!(
        forget("Bearer sk", r#"{"user_id":"gone"}"#)
            .expect("again")
            .events_deleted,
        0
    );
    for (auth, body, status, field) in [
        ("Bearer wrong", r#"{"user_id":"u2"}"#, 401, "authorization"),
        ("Bearer sk", "{}", 400, "user_id"),
        ("Bearer sk", r#"{"user_id":""}"#, 400, "user_id"),
    ] {
        let err = forget(auth, body).expect_err("refused");
        let (code, text) = err.status_and_body();
        assert_eq!(code, status, "{text}");
        assert!(text.contains(&format!("\"field\":\"{field}\"")), "{text}");
    }
    assert_eq!(stored(&w, "acme"), 2, "a refused request deletes nothing");
    // The newest event was deleted; a cursor saved at it still reads the next one.
    send(&w, "wk", None, &[by(6, "u2")]).expect("ok");
    let page = ExportPage {
        after: 5,
        limit: 10,
    };
    let after = block_on(admin_events(&w.0, &w.1, Some("Bearer sk"), "acme", page)).expect("page");
    assert_eq!(after.events.len(), 1);
}

#[test]
fn upgrade_banner_after_the_plan_limit() {
    let w = world();
    let mut events = vec![group(100, "acme", 5)];
    events.extend((1..=5).map(|n| track(n, "acme", "create_expense")));
    assert_eq!(
        picks(&send(&w, "wk", None, &events).expect("ok")),
        ["welcome"]
    );
    let after = send(&w, "wk", None, &[track(6, "acme", "create_expense")]).expect("ok");
    // The welcome modal was handed out a moment ago and is not reported shown yet: it is in
    // flight, so it is not handed out a second time.
    assert_eq!(picks(&after), ["upgrade"]);
}

#[test]
fn bad_requests_are_refused_and_store_nothing() {
    let w = world();
    let check = |key: &str, origin: Option<&str>, events: Vec<String>, code: &str| {
        let err = send(&w, key, origin, &events).expect_err("refused");
        let (status, body) = err.status_and_body();
        assert!((400..500).contains(&status), "{status} {body}");
        assert!(body.contains(&format!(r#""code":"{code}""#)), "{body}");
        assert_eq!(stored(&w, "bad"), 0, "nothing stored for {code}");
    };
    check(
        "nope",
        None,
        vec![track(1, "bad", "x")],
        "unknown_write_key",
    );
    check(
        "wk",
        Some("https://evil.example"),
        vec![track(1, "bad", "x")],
        "origin_not_allowed",
    );
    check(
        "wk",
        None,
        vec![track(1, "bad", "x").replace(&NOW.0.to_string(), "\"soon\"")],
        "invalid_type",
    );
    check(
        "wk_other",
        Some(ORIGIN),
        vec![track(1, "bad", "x")],
        "origin_not_allowed",
    );
}

#[test]
fn decide_explains_with_a_debug_key_only() {
    let w = world();
    let body = r#"{"write_key":"wk","user_id":"u1","account_id":"a","debug":true}"#;
    let d = block_on(post_decide(&w.0, &w.1, None, body, NOW))
        .expect("ok")
        .decision;
    let verdicts: Vec<_> = d
        .verdicts
        .expect("debug")
        .into_iter()
        .map(|v| format!("{}={}", v.campaign, v.verdict))
        .collect();
    assert_eq!(verdicts, ["welcome=chosen", "upgrade=audience_mismatch"]);
    let other = r#"{"write_key":"wk_other","user_id":"u1","account_id":"a","debug":true}"#;
    let err = block_on(post_decide(&w.0, &w.1, None, other, NOW)).expect_err("refused");
    assert_eq!(err.status_and_body().0, 403);
}

#[test]
fn admin_needs_the_secret_and_sees_only_its_workspace() {
    let w = world();
    send(&w, "wk", None, &[track(1, "shared", "x")]).expect("ok");
    let err = block_on(admin_events(
        &w.0,
        &w.1,
        Some("Bearer wrong"),
        "shared",
        FIRST_PAGE,
    ))
    .expect_err("refused");
    assert_eq!(err.status_and_body().0, 401);
    // The other workspace's account with the same id is a different object.
    block_on(w.1.export("other", "shared", FIRST_PAGE))
        .map(|e| assert!(e.events.is_empty()))
        .expect("export");
}

#[test]
fn why_not_needs_the_secret_and_explains_one_campaign() {
    let w = world();
    let subject = || Subject {
        user_id: "u1".into(),
        account_id: "a".into(),
        page: None,
        locale: None,
    };
    let why = block_on(debug_why(
        &w.0,
        &w.1,
        Some("Bearer sk"),
        subject(),
        Some("upgrade"),
        1,
        NOW,
    ))
    .expect("ok");
    let verdicts = why.decision.verdicts.expect("verdicts");
    assert_eq!(verdicts.len(), 1);
    assert_eq!(verdicts[0].verdict, "audience_mismatch");
    let refused = block_on(debug_why(
        &w.0,
        &w.1,
        Some("Bearer wk"),
        subject(),
        None,
        1,
        NOW,
    ))
    .expect_err("a write key is not a secret");
    assert_eq!(refused.status_and_body().0, 401);
    let unknown = block_on(debug_why(
        &w.0,
        &w.1,
        Some("Bearer sk"),
        subject(),
        Some("nope"),
        1,
        NOW,
    ))
    .expect_err("no such campaign");
    assert_eq!(unknown.status_and_body().0, 404);
}

#[test]
fn customer_success_traits_need_the_secret_key_and_feed_the_summary() {
    let mut w = world();
    w.0.catalogs.insert(
        "ws".into(),
        WorkspaceCatalog {
            campaigns: vec![WELCOME.into()],
            settings:
                r#"{"value_tiers":{"value":{"account_trait":"arr"},"high":50000,"medium":10000},
              "health":{"components":[{"name":"champion strength","weight":1,
              "value":{"account_trait":"cs_champion_strength"},"red_at":0,"green_at":10}],
              "green_at":70,"yellow_at":40}}"#
                    .into(),
            webhook: None,
            key: None,
        },
    );
    // A public write key may not set the reserved cs_ traits.
    let forged = format!(
        r#"{{"id":"{}","type":"group","user_id":"u1","account_id":"acme","timestamp":{},"traits":{{"cs_champion_strength":10}}}}"#,
        uuid(1),
        NOW.0
    );
    let refused = send(&w, "wk", None, &[forged]).expect_err("reserved");
    let (status, body) = refused.status_and_body();
    assert_eq!(status, 400);
    assert!(
        body.contains(r#""code":"reserved_trait""#) && body.contains("traits.cs_champion_strength"),
        "{body}"
    );

    let set = |auth: &str, body: &str| {
        block_on(admin_set_traits(&w.0, &w.1, Some(auth), "acme", body, NOW))
    };
    assert_eq!(
        set("Bearer wk", r#"{"cs_champion_strength":9}"#)
            .expect_err("not a secret")
            .status_and_body()
            .0,
        401
    );
    assert_eq!(
        set("Bearer sk", r#"{"nested":{"a":1}}"#)
            .expect_err("flat only")
            .status_and_body()
            .0,
        400
    );
    let summary = set("Bearer sk", r#"{"cs_champion_strength":9,"arr":60000}"#).expect("set");
    assert_eq!(summary.value_tier.as_deref(), Some("high"));
    assert_eq!(summary.health.colour.as_deref(), Some("green"));
    assert_eq!(summary.health.score, Some(90.0));
    let again =
        block_on(admin_summary(&w.0, &w.1, Some("Bearer sk"), "acme", NOW)).expect("summary");
    assert_eq!(again, summary);
    assert_eq!(again.lifecycle_stage.as_deref(), Some("onboarding"));
}

/// Distinct hex per call, like the worker's randomness (deterministic here).
fn counter() -> Result<String, AppError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    Ok(format!("{:032x}", N.fetch_add(1, Ordering::Relaxed)))
}

fn collab_env(now: Timestamp) -> collab::Env<'static> {
    collab::Env {
        now,
        endpoint: "https://edge.example",
        random: counter,
    }
}

#[test]
fn the_cron_sweep_reminds_and_expires_due_approvals() {
    let (c, a) = world();
    let body = r#"{"write_key":"wk","user_id":"req","account_id":"acme","action":"expense.reimburse",
        "resource":{"id":"e1","summary":"Flight"},"approver":{"user_id":"boss"}}"#;
    let env = collab_env(NOW);
    let route = collab::op_for("/v1/approvals").expect("route");
    block_on(collab::serve_signed(&c, &a, &env, None, route, body)).expect("requested");
    // No webhook endpoint here: the next work is the reminder, 4 hours later.
    let hour = 3_600_000;
    let due = |at: i64| block_on(c.collab_due(at, 10)).expect("due");
    assert_eq!(due(NOW.0 + 4 * hour - 1), []);
    assert_eq!(
        due(NOW.0 + 4 * hour),
        [("ws".to_owned(), "acme".to_owned())]
    );
    let trail = |now: Timestamp| {
        let list = block_on(collab::admin(
            &c,
            &a,
            &collab_env(now),
            Some("Bearer sk"),
            "acme",
            "approvals",
            None,
        ))
        .expect("list");
        let list: protocol::v1::ApprovalList = protocol::v1::record_from_json(&list).expect("json");
        list.approvals[0]
            .audit
            .iter()
            .map(|e| e.what.clone())
            .collect::<Vec<_>>()
    };
    for (at, expect) in [
        (NOW.0 + 5 * hour, vec!["requested", "reminded"]),
        (NOW.0 + 9 * hour, vec!["requested", "reminded", "escalated"]),
        (
            NOW.0 + 25 * hour,
            vec!["requested", "reminded", "escalated", "expired"],
        ),
    ] {
        let woke = block_on(collab::sweep(&c, &a, &collab_env(Timestamp(at)))).expect("sweep");
        assert_eq!(woke, 1);
        assert_eq!(trail(Timestamp(at)), expect);
    }
}

/// A decision names its catalog by version: the account object parses a version once (asking
/// for its texts the first time, having stored nothing), and a new version is a new catalog.
#[test]
fn decisions_name_the_catalog_by_version() {
    let mut w = world();
    let versioned = |w: &mut (MemoryCatalog, MemoryAccounts), key: &str, campaigns: &[&str]| {
        w.0.catalogs.insert(
            "ws".into(),
            WorkspaceCatalog {
                campaigns: campaigns.iter().map(|c| (*c).to_owned()).collect(),
                settings: "{}".into(),
                webhook: None,
                key: Some(key.into()),
            },
        );
    };
    let verdicts = |w: &(MemoryCatalog, MemoryAccounts)| {
        let body = r#"{"write_key":"wk","user_id":"u1","account_id":"v","debug":true}"#;
        block_on(post_decide(&w.0, &w.1, None, body, NOW))
            .expect("decided")
            .decision
            .verdicts
            .expect("debug")
            .into_iter()
            .map(|v| v.campaign)
            .collect::<Vec<_>>()
    };
    versioned(&mut w, "ws:versioned-1", &[WELCOME, UPGRADE]);
    // The first batch of a version: the object asks for the texts, then stores the event once.
    let sent = send(&w, "wk", None, &[track(1, "v", "x")]).expect("stored");
    assert_eq!((sent.accepted, sent.duplicates), (1, 0));
    assert_eq!(stored(&w, "v"), 1);
    assert_eq!(verdicts(&w), ["welcome", "upgrade"]);
    // The same version is the catalog the object parsed (the documents are not read again).
    versioned(&mut w, "ws:versioned-1", &[UPGRADE]);
    assert_eq!(verdicts(&w), ["welcome", "upgrade"]);
    // A new version is a new catalog.
    versioned(&mut w, "ws:versioned-2", &[UPGRADE]);
    assert_eq!(verdicts(&w), ["upgrade"]);
}

/// An object asked to use a catalog version it has not parsed, without its texts, answers
/// `catalog_needed` and stores nothing of the batch.
#[test]
fn an_unknown_catalog_version_stores_nothing() {
    use crate::account::{AccountStore, MemoryAccountStore, ingest};
    let body = track(9, "acme", "create_expense");
    let event = AccountEventDto::from_stored(NOW.0, NOW.0, body).expect("event");
    let req = IngestRequest {
        events: vec![event],
        decide_for: Some(Subject {
            user_id: "u1".into(),
            account_id: "acme".into(),
            page: None,
            locale: None,
        }),
        debug: false,
        campaigns: Vec::new(),
        settings: None,
        webhook: None,
        now: NOW.0,
        dry_run: false,
        repeat: 1,
        admin: None,
        dropped: Dropped::default(),
        catalog: Some("ws:never-sent".into()),
    };
    let mut store = MemoryAccountStore::default();
    let (answer, _) = ingest(&mut store, &req).expect("answered");
    assert!(answer.catalog_needed);
    assert_eq!((answer.accepted, answer.decision.is_none()), (0, true));
    assert_eq!(store.events(FIRST_PAGE).expect("export").events.len(), 0);
}
