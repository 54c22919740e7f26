//! `POST /v1/events`: the batch envelope, its limits, per-event validation and the response.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ErrorCode, Problem};
use crate::json::{decode, escape_json_string};
use crate::v1::account::AccountEventDto;
use crate::v1::decide::{DecisionDto, DecisionHead, check_locale_hint, check_page};
use crate::v1::event::{Event, validate_event};
use rules::Timestamp;

/// Largest accepted request body.
pub const MAX_BATCH_BYTES: usize = 500 * 1024;
/// Largest accepted single event (its JSON text).
pub const MAX_EVENT_BYTES: usize = 32 * 1024;
/// Most events in one batch.
pub const MAX_EVENTS: usize = 1000;

#[derive(Deserialize)]
struct Envelope {
    write_key: String,
    #[serde(default)]
    sent_at: Option<i64>,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    events: Vec<Box<RawValue>>,
    #[serde(default)]
    dropped: Option<Dropped>,
}

/// Most events one `dropped` count may report (larger counts are refused, not clamped).
pub const MAX_DROPPED: u32 = 100_000_000;

/// Events a client could not keep, by reason, reported in its next batch so that no loss is
/// silent. Both counts are optional on the wire (absent = 0); unknown reasons are refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dropped {
    /// Refused because the client's queue was full (its event or byte capacity).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub capacity: u32,
    /// Not persisted (storage disabled or full) and unconfirmed when the page closed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub storage: u32,
}

impl Dropped {
    /// Nothing dropped.
    pub fn is_empty(&self) -> bool {
        self.capacity == 0 && self.storage == 0
    }

    /// Adds `other`'s counts (saturating).
    pub fn add(&mut self, other: Dropped) {
        self.capacity = self.capacity.saturating_add(other.capacity);
        self.storage = self.storage.saturating_add(other.storage);
    }

    /// Removes `other`'s counts (saturating at zero): they were reported.
    pub fn sub(&mut self, other: Dropped) {
        self.capacity = self.capacity.saturating_sub(other.capacity);
        self.storage = self.storage.saturating_sub(other.storage);
    }
}

/// What an account's clients reported as dropped, in total: shown by the account summary and
/// by debug decisions. Both counts are always on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedTotals {
    /// Events refused because a client's queue was full.
    pub capacity: u64,
    /// Events a client could not persist and could not send before its page closed.
    pub storage: u64,
}

/// A batch whose envelope is valid; its events are still raw.
#[derive(Debug)]
pub struct Batch {
    /// The workspace's public write key.
    pub write_key: String,
    /// Client clock when the batch was sent; used to correct each event's clock skew.
    pub sent_at: Option<Timestamp>,
    /// The path of the page the sending tab is on (for page triggers and conditions).
    pub page: Option<String>,
    /// The browser's language, for localised content.
    pub locale: Option<String>,
    /// Raw events, validated one by one by [`Batch::validate`].
    pub events: Vec<Box<RawValue>>,
    /// Events the client could not keep since its last confirmed batch (all zero if absent).
    pub dropped: Dropped,
}

/// Checks the size and the envelope of a batch body.
pub fn parse_batch(body: &str) -> Result<Batch, Problem> {
    if body.len() > MAX_BATCH_BYTES {
        return Err(Problem::new(
            ErrorCode::BatchTooLarge,
            "",
            format!(
                "batch is {} bytes; the limit is {MAX_BATCH_BYTES}",
                body.len()
            ),
        ));
    }
    let env: Envelope = decode(body)?;
    if env.events.len() > MAX_EVENTS {
        return Err(Problem::new(
            ErrorCode::TooManyEvents,
            "events",
            format!(
                "{} events; the limit is {MAX_EVENTS} per batch",
                env.events.len()
            ),
        ));
    }
    check_page("page", env.page.as_deref())?;
    check_locale_hint("locale", env.locale.as_deref())?;
    let dropped = env.dropped.unwrap_or_default();
    for (field, n) in [
        ("dropped.capacity", dropped.capacity),
        ("dropped.storage", dropped.storage),
    ] {
        if n > MAX_DROPPED {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                field,
                format!("{n} dropped events; at most {MAX_DROPPED} may be reported at once"),
            ));
        }
    }
    Ok(Batch {
        write_key: env.write_key,
        sent_at: env.sent_at.map(Timestamp),
        page: env.page,
        locale: env.locale,
        events: env.events,
        dropped,
    })
}

/// One rejected event of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// Position in the batch.
    pub index: usize,
    /// The event's id, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Stable error code.
    pub code: String,
    /// Path of the offending field, e.g. `events[3].timestamp`.
    pub field: String,
    /// Explanation.
    pub message: String,
}

/// The outcome of validating every event of a batch.
#[derive(Debug)]
pub struct ValidatedBatch {
    /// Valid events, ready for the account store, with corrected timestamps.
    pub accepted: Vec<(Event, AccountEventDto)>,
    /// Rejected events, each with a reason.
    pub rejected: Vec<Rejected>,
}

impl Batch {
    /// Validates every event; valid ones are kept even when others fail.
    /// Timestamps are corrected with [`correct_time`].
    pub fn validate(self, received_at: Timestamp) -> ValidatedBatch {
        let mut accepted = Vec::with_capacity(self.events.len());
        let mut rejected = Vec::new();
        for (index, raw) in self.events.into_iter().enumerate() {
            let prefix = format!("events[{index}]");
            let text = raw.get();
            let result = if text.len() > MAX_EVENT_BYTES {
                Err(Problem::new(
                    ErrorCode::EventTooLarge,
                    "",
                    format!(
                        "event is {} bytes; the limit is {MAX_EVENT_BYTES}",
                        text.len()
                    ),
                ))
            } else {
                validate_event(text)
            };
            match result {
                Ok(event) => {
                    let corrected = correct_time(event.timestamp, self.sent_at, received_at);
                    let dto = AccountEventDto {
                        timestamp: corrected.0,
                        received_at: received_at.0,
                        event: raw,
                    };
                    accepted.push((event, dto));
                }
                Err(p) => {
                    let p = p.within(&prefix);
                    rejected.push(Rejected {
                        index,
                        id: sniff_id(text),
                        code: p.code.as_str().to_owned(),
                        field: p.field,
                        message: p.message,
                    });
                }
            }
        }
        ValidatedBatch { accepted, rejected }
    }
}

/// An event's time on the edge's clock. With `sent_at` (browser SDKs, whose clocks drift)
/// the event keeps its age at sending: `received_at - (sent_at - timestamp)`. Without it
/// (servers, imports of history) the timestamp is trusted as sent. Never later than
/// `received_at`.
pub fn correct_time(
    timestamp: Timestamp,
    sent_at: Option<Timestamp>,
    received_at: Timestamp,
) -> Timestamp {
    let t = match sent_at {
        Some(s) => received_at
            .0
            .saturating_sub(s.0.saturating_sub(timestamp.0).max(0)),
        None => timestamp.0,
    };
    Timestamp(t.min(received_at.0))
}

/// Best effort: the `id` of an event that failed validation, for the client's bookkeeping.
fn sniff_id(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: String,
    }
    serde_json::from_str::<IdOnly>(text)
        .ok()
        .map(|i| i.id)
        .filter(|id| id.len() <= 64)
}

/// The response to `POST /v1/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsResponse {
    /// Events stored now.
    pub accepted: u32,
    /// Events already stored by an earlier delivery (retries); not stored again.
    pub duplicates: u32,
    /// Events refused, each with a reason.
    #[serde(default)]
    pub rejected: Vec<Rejected>,
    /// The current decision for the batch's user, so showing a message needs no extra round trip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionDto>,
    /// Approvals waiting for the batch's user (the SDK then shows its approval inbox).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub approvals: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// The SDK core's view of a [`EventsResponse`]: the rejections, and the decision without its
/// messages' content (the lazily loaded guides module reads that). Unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventsAck {
    /// Events refused, each with a reason.
    #[serde(default)]
    pub rejected: Vec<Rejected>,
    /// The decision, when the edge sent one.
    #[serde(default)]
    pub decision: Option<DecisionHead>,
    /// Approvals waiting for the user.
    #[serde(default)]
    pub approvals: u32,
}

/// `n` in decimal, without `core::fmt` (whose integer formatting weighs on the SDK's wasm).
pub fn int_text(n: i64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(21 - at);
    if n < 0 {
        out.push('-');
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
    out
}

/// Builds a batch body from already-encoded event JSON texts (used by the SDK, which
/// encodes each event once when it is queued).
pub fn batch_body(
    write_key: &str,
    sent_at: Timestamp,
    page: Option<&str>,
    locale: Option<&str>,
    events: &[&str],
) -> String {
    batch_body_with(write_key, sent_at, page, locale, Dropped::default(), events)
}

/// [`batch_body`] with the client's `dropped` counts (omitted when all zero).
pub fn batch_body_with(
    write_key: &str,
    sent_at: Timestamp,
    page: Option<&str>,
    locale: Option<&str>,
    dropped: Dropped,
    events: &[&str],
) -> String {
    let len: usize = events.iter().map(|e| e.len() + 1).sum();
    let mut out = String::with_capacity(len + write_key.len() + 64);
    out.push_str("{\"write_key\":");
    out.push_str(&escape_json_string(write_key));
    out.push_str(",\"sent_at\":");
    out.push_str(&int_text(sent_at.0));
    if let Some(page) = page {
        out.push_str(",\"page\":");
        out.push_str(&escape_json_string(page));
    }
    if let Some(locale) = locale {
        out.push_str(",\"locale\":");
        out.push_str(&escape_json_string(locale));
    }
    if !dropped.is_empty() {
        out.push_str(",\"dropped\":{");
        let mut first = true;
        for (name, n) in [("capacity", dropped.capacity), ("storage", dropped.storage)] {
            if n > 0 {
                if !first {
                    out.push(',');
                }
                first = false;
                out.push('"');
                out.push_str(name);
                out.push_str("\":");
                out.push_str(&int_text(i64::from(n)));
            }
        }
        out.push('}');
    }
    out.push_str(",\"events\":[");
    for (i, e) in events.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(e);
    }
    out.push_str("]}");
    out
}

/// The number of bytes `batch_body` adds around the events (for chunking), with room for the
/// largest `dropped` counts.
pub fn batch_overhead(write_key: &str, page: Option<&str>, locale: Option<&str>) -> usize {
    let most = Dropped {
        capacity: u32::MAX,
        storage: u32::MAX,
    };
    batch_body_with(write_key, Timestamp(i64::MAX), page, locale, most, &[]).len()
}
