//! Customer-success webhooks the account sends by itself: `nps.detractor` when a user answers
//! a survey 0-6 (at ingest, once per answer), and `account.health_changed` when the account's
//! colour moves (at the flush that computes its summary, once per change).
//!
//! Both go through the collaboration outbox (signed, retried until acknowledged) to the
//! workspace's webhook endpoint. The account keeps the endpoint it was last told about, so the
//! alarm can send without a request; without one, deliveries are only logged.

use protocol::v1::{
    AccountSummary, EventKind, HealthChangeDto, SurveyAnswerDto, WebhookData, record_from_json,
    to_json,
};
use sha2::{Digest, Sha256};

use crate::collab::{CollabStore, outbox};
use crate::error::AppError;

/// Survey answers at most this are detractors (NPS 0-6).
pub(super) const DETRACTOR_MAX_SCORE: u32 = 6;

const DOC: &str = "signals";

/// Keeps `target` (url, secret) as the account's webhook endpoint when it changed.
pub(super) fn keep_target<S: CollabStore>(
    store: &mut S,
    target: Option<&(String, String)>,
) -> Result<(), AppError> {
    let text = target.map(to_json).unwrap_or_default();
    if store.doc(DOC, "webhook")?.unwrap_or_default() != text {
        store.put_doc(DOC, "webhook", &text)?;
    }
    Ok(())
}

fn target<S: CollabStore>(store: &S) -> Result<Option<(String, String)>, AppError> {
    Ok(store
        .doc(DOC, "webhook")?
        .filter(|t| !t.is_empty())
        .and_then(|t| record_from_json(&t).ok()))
}

/// A delivery id that is the same whenever the same fact is announced again.
fn stable_id(parts: &[&str]) -> String {
    let digest = Sha256::digest(parts.join("\u{1f}"));
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("msg_{hex}")
}

/// Whether `kind` is a survey answer that [`survey_answered`] announces.
pub(super) fn is_detractor(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Survey { score, .. } if *score <= DETRACTOR_MAX_SCORE)
}

/// `nps.detractor` for a new survey answer 0-6 (see [`is_detractor`]).
pub(super) fn survey_answered<S: CollabStore>(
    store: &mut S,
    account_id: &str,
    event_id: &str,
    answer: SurveyAnswerDto,
) -> Result<(), AppError> {
    let id = stable_id(&["nps.detractor", account_id, event_id]);
    let now = answer.answered_at;
    let data = WebhookData {
        answer: Some(answer),
        ..WebhookData::about(account_id)
    };
    outbox::enqueue_once(
        store,
        target(store)?.as_ref(),
        &id,
        now,
        "nps.detractor",
        data,
    )
}

/// `account.health_changed` when `summary`'s colour differs from the last one computed.
/// The first colour an account gets is remembered, not announced.
pub(super) fn health_computed<S: CollabStore>(
    store: &mut S,
    summary: &AccountSummary,
    now: i64,
) -> Result<(), AppError> {
    let Some(to) = summary.health.colour.clone() else {
        return Ok(());
    };
    let from = store.doc(DOC, "colour")?;
    if from.as_deref() == Some(to.as_str()) {
        return Ok(());
    }
    store.put_doc(DOC, "colour", &to)?;
    let Some(from) = from else {
        return Ok(());
    };
    let id = stable_id(&[
        "account.health_changed",
        &summary.account_id,
        &from,
        &to,
        &now.to_string(),
    ]);
    let data = WebhookData {
        health: Some(HealthChangeDto {
            from,
            to,
            score: summary.health.score,
        }),
        ..WebhookData::about(&summary.account_id)
    };
    let target = target(store)?;
    outbox::enqueue_once(
        store,
        target.as_ref(),
        &id,
        now,
        "account.health_changed",
        data,
    )
}

#[cfg(test)]
mod tests {
    use protocol::v1::{
        AccountEventDto, AccountSummary, Dropped, DroppedTotals, HealthReportDto, IngestRequest,
        WebhookPayload,
    };

    use super::*;
    use crate::account::{MemoryAccountStore, ingest};
    use crate::collab::due_deliveries;

    const NOW: i64 = 1_773_576_000_000;
    const HOOK: (&str, &str) = ("https://hooks.example/cs", "whsec_dGVzdA==");

    fn answer(n: u32, user: &str, score: u32) -> AccountEventDto {
        let body = format!(
            r#"{{"id":"00000000-0000-4000-8000-{n:012}","type":"survey","user_id":"{user}","account_id":"acme","timestamp":{NOW},"campaign":"nps","score":{score},"comment":"Too slow"}}"#
        );
        AccountEventDto::from_stored(NOW, NOW, body).expect("event")
    }

    fn request(events: Vec<AccountEventDto>, webhook: bool) -> IngestRequest {
        IngestRequest {
            events,
            decide_for: None,
            debug: false,
            campaigns: Vec::new(),
            settings: Some("{}".into()),
            now: NOW,
            dry_run: false,
            repeat: 1,
            admin: None,
            dropped: Dropped::default(),
            webhook: webhook.then(|| (HOOK.0.to_owned(), HOOK.1.to_owned())),
            catalog: None,
        }
    }

    fn sent(store: &MemoryAccountStore) -> Vec<(String, String)> {
        due_deliveries(store, i64::MAX)
            .expect("deliveries")
            .into_iter()
            .map(|d| {
                let p: WebhookPayload = record_from_json(&d.body).expect("payload");
                (d.url, format!("{} {}", p.kind, to_json(&p.data)))
            })
            .collect()
    }

    #[test]
    fn a_detractor_answer_sends_one_webhook() {
        let mut store = MemoryAccountStore::default();
        // A detractor, a passive and a promoter; the detractor's batch is retried.
        let batch = vec![
            answer(1, "dana", 3),
            answer(2, "pat", 7),
            answer(3, "pia", 10),
        ];
        ingest(&mut store, &request(batch.clone(), true)).expect("ingest");
        ingest(&mut store, &request(batch, true)).expect("retry");
        let expected = r#"{"account_id":"acme","answer":{"user_id":"dana","campaign":"nps","score":3,"comment":"Too slow","answered_at":1773576000000}}"#;
        assert_eq!(
            sent(&store),
            [(HOOK.0.to_owned(), format!("nps.detractor {expected}"))]
        );
        // Without an endpoint a detractor is logged, never attempted.
        let mut bare = MemoryAccountStore::default();
        ingest(&mut bare, &request(vec![answer(4, "dan", 0)], false)).expect("ingest");
        assert_eq!(sent(&bare), []);
        let logged = crate::collab::load_all::<protocol::v1::Delivery>(&bare, "delivery");
        assert_eq!(logged.expect("log").len(), 1);
    }

    fn summary(colour: Option<&str>, score: f64) -> AccountSummary {
        AccountSummary {
            account_id: "acme".into(),
            value_tier: None,
            lifecycle_stage: None,
            health: HealthReportDto {
                score: Some(score),
                colour: colour.map(str::to_owned),
                components: Vec::new(),
            },
            traits: Default::default(),
            dropped: DroppedTotals::default(),
            renewal_in_days: None,
            call: "steady".into(),
            call_reason: None,
            break_even: None,
            people: None,
            adoption: Default::default(),
            advocates: Default::default(),
        }
    }

    #[test]
    fn each_change_of_colour_sends_one_webhook() {
        let mut store = MemoryAccountStore::default();
        keep_target(&mut store, Some(&(HOOK.0.to_owned(), HOOK.1.to_owned()))).expect("target");
        // (colour computed, webhooks sent so far)
        for (step, (colour, score, total)) in [
            (Some("green"), 80.0, 0), // the first colour is remembered, not announced
            (Some("green"), 75.0, 0),
            (None, 0.0, 0), // unknown health changes nothing
            (Some("red"), 20.0, 1),
            (Some("red"), 10.0, 1),
            (Some("yellow"), 50.0, 2),
        ]
        .into_iter()
        .enumerate()
        {
            let now = NOW + step as i64;
            health_computed(&mut store, &summary(colour, score), now).expect("computed");
            assert_eq!(sent(&store).len(), total, "step {step}");
        }
        let bodies: Vec<String> = sent(&store).into_iter().map(|(_, b)| b).collect();
        assert!(bodies.contains(&r#"account.health_changed {"account_id":"acme","health":{"from":"green","to":"red","score":20.0}}"#.to_owned()), "{bodies:?}");
        assert!(bodies.contains(&r#"account.health_changed {"account_id":"acme","health":{"from":"red","to":"yellow","score":50.0}}"#.to_owned()), "{bodies:?}");
    }
}
