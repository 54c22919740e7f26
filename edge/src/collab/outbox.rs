//! The webhook outbox: each event becomes a [`Delivery`] with a stable `msg_…` id, stored in
//! the same turn as the change it announces. The account object's alarm sends due ones and
//! records each attempt; a failed attempt is retried with exponential backoff (1 s doubling,
//! at most 1 hour apart) until a 2xx acknowledges it, up to [`MAX_ATTEMPTS`].

use protocol::v1::{
    ApprovalRecord, ApprovalStatus, CollabResult, Delivery, DeliveryList, DeliveryView,
    WebhookData, WebhookPayload, record_from_json, to_json,
};

use super::{CollabStore, Ctx, Outcome, kind, load, load_all, save};
use crate::error::AppError;

/// Attempts before a delivery is given up (about 5 hours of retries).
pub const MAX_ATTEMPTS: u32 = 16;

/// Queues webhook `event_type` about `data`. Without a webhook endpoint it is only logged
/// (never attempted), so the admin API's delivery log still shows what would have gone.
pub(crate) fn enqueue(
    store: &mut impl CollabStore,
    ctx: &mut Ctx<'_>,
    event_type: &str,
    data: WebhookData,
) -> Result<(), AppError> {
    let id = ctx.id("msg");
    enqueue_as(
        store,
        ctx.req.keys.webhook.as_ref(),
        &id,
        ctx.now(),
        event_type,
        data,
    )
}

/// Queues webhook `event_type` about `data` under the stable delivery `id`, for the endpoint
/// and secret `target`, unless a delivery of that id exists: announcing the same fact again
/// sends nothing.
pub(crate) fn enqueue_once(
    store: &mut impl CollabStore,
    target: Option<&(String, String)>,
    id: &str,
    now: i64,
    event_type: &str,
    data: WebhookData,
) -> Result<(), AppError> {
    if load::<Delivery>(store, kind::DELIVERY, id)?.is_some() {
        return Ok(());
    }
    enqueue_as(store, target, id, now, event_type, data)
}

/// Queues webhook `event_type` about `data` under the delivery `id`, for the endpoint and
/// secret `target`.
fn enqueue_as(
    store: &mut impl CollabStore,
    target: Option<&(String, String)>,
    id: &str,
    now: i64,
    event_type: &str,
    data: WebhookData,
) -> Result<(), AppError> {
    let (url, secret) = target.cloned().unwrap_or_default();
    let next_at = (!url.is_empty()).then_some(now);
    let payload = WebhookPayload {
        kind: event_type.to_owned(),
        timestamp: now,
        data,
    };
    let delivery = Delivery {
        id: id.to_owned(),
        url,
        secret,
        body: to_json(&payload),
        attempts: 0,
        next_at,
        delivered_at: None,
        last_status: 0,
    };
    save(store, kind::DELIVERY, &delivery.id, &delivery)
}

/// Deliveries whose next attempt is due at `now`.
pub fn due_deliveries(store: &impl CollabStore, now: i64) -> Result<Vec<Delivery>, AppError> {
    let mut due: Vec<Delivery> = load_all::<Delivery>(store, kind::DELIVERY)?
        .into_iter()
        .filter(|d| d.next_at.is_some_and(|t| t <= now))
        .collect();
    due.sort_by(|a, b| (a.next_at, &a.id).cmp(&(b.next_at, &b.id)));
    Ok(due)
}

/// Delay before attempt `n + 1` after `n` failed ones.
pub fn backoff_ms(attempts: u32) -> i64 {
    1000_i64
        .saturating_mul(1_i64 << attempts.min(20).saturating_sub(1))
        .min(3_600_000)
}

/// Records an attempt of delivery `id` answered with `status` (0: network error).
pub fn attempted(
    store: &mut impl CollabStore,
    id: &str,
    status: u16,
    now: i64,
) -> Result<(), AppError> {
    let Some(mut d) = load::<Delivery>(store, kind::DELIVERY, id)? else {
        return Ok(());
    };
    d.attempts += 1;
    d.last_status = status;
    if (200..300).contains(&status) {
        d.delivered_at = Some(now);
        d.next_at = None;
    } else if d.attempts >= MAX_ATTEMPTS {
        d.next_at = None;
    } else {
        d.next_at = Some(now + backoff_ms(d.attempts));
    }
    save(store, kind::DELIVERY, id, &d)
}

/// When the alarm should next fire: the earliest due delivery, reminder or expiry.
pub fn next_wakeup(store: &impl CollabStore) -> Result<Option<i64>, AppError> {
    let deliveries = load_all::<Delivery>(store, kind::DELIVERY)?
        .into_iter()
        .filter_map(|d| d.next_at);
    let approvals = load_all::<ApprovalRecord>(store, kind::APPROVAL)?
        .into_iter()
        .filter(|r| r.approval.status == ApprovalStatus::Pending)
        .flat_map(|r| [r.remind_at, Some(r.approval.expires_at)])
        .flatten();
    Ok(deliveries.chain(approvals).min())
}

/// Admin: the deliveries, newest first (at most 100), without their secrets.
pub(crate) fn list(store: &impl CollabStore) -> Outcome {
    let mut deliveries: Vec<DeliveryView> = load_all::<Delivery>(store, kind::DELIVERY)?
        .into_iter()
        .map(|d| {
            let payload = record_from_json::<WebhookPayload>(&d.body).ok();
            DeliveryView {
                kind: payload.as_ref().map(|p| p.kind.clone()).unwrap_or_default(),
                created_at: payload.map_or(0, |p| p.timestamp),
                id: d.id,
                attempts: d.attempts,
                last_status: d.last_status,
                delivered_at: d.delivered_at,
                next_at: d.next_at,
                body: d.body,
            }
        })
        .collect();
    deliveries.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    deliveries.truncate(100);
    Ok(Ok(CollabResult::ok(&DeliveryList { deliveries })))
}
