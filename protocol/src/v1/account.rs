//! Messages between the edge worker and an account's Durable Object (internal, same deploy).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ErrorCode, Problem};
use crate::json::decode;
use crate::v1::batch::Dropped;
use crate::v1::decide::DecisionDto;

/// Whom to decide for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The user.
    pub user_id: String,
    /// The account.
    pub account_id: String,
    /// The path of the page the user is on, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The browser's language, if known (a `locale` user trait takes precedence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// An experiment exposure, stored by the account object as an event of type `exposure`
/// (its id is derived from campaign and user, so it is stored once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposureEvent {
    /// `exposure:<campaign>:<user>`.
    pub id: String,
    /// Always `exposure`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The user.
    pub user_id: String,
    /// The campaign.
    pub campaign: String,
    /// `control` or `treatment`.
    pub arm: String,
    /// The variant, for treatment with variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// When (ms since the epoch).
    pub timestamp: i64,
}

impl ExposureEvent {
    /// The exposure of `user_id` to `campaign`'s experiment in `arm`.
    pub fn new(user_id: &str, campaign: &str, arm: &rules::Arm, at: i64) -> Self {
        let (arm, variant) = match arm {
            rules::Arm::Control => ("control", None),
            rules::Arm::Treatment(v) => ("treatment", v.clone()),
        };
        Self {
            id: format!("exposure:{campaign}:{user_id}"),
            kind: "exposure".to_owned(),
            user_id: user_id.to_owned(),
            campaign: campaign.to_owned(),
            arm: arm.to_owned(),
            variant,
            timestamp: at,
        }
    }
}

/// A validated event on its way to storage: its JSON as the client sent it, plus edge times.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountEventDto {
    /// Skew-corrected event time (ms since the epoch).
    pub timestamp: i64,
    /// When the edge received it (ms since the epoch).
    pub received_at: i64,
    /// The event exactly as sent.
    pub event: Box<RawValue>,
}

impl AccountEventDto {
    /// Rebuilds a stored event; `body` is the event's JSON text as it was sent.
    pub fn from_stored(timestamp: i64, received_at: i64, body: String) -> Result<Self, Problem> {
        let event = RawValue::from_string(body)
            .map_err(|e| Problem::new(ErrorCode::MalformedJson, "event", e.to_string()))?;
        Ok(Self {
            timestamp,
            received_at,
            event,
        })
    }
}

/// Worker → account object: store these events, then decide.
#[derive(Debug, Serialize, Deserialize)]
pub struct IngestRequest {
    /// Validated events of this account.
    pub events: Vec<AccountEventDto>,
    /// Decide for this user after storing (None: store only).
    #[serde(default)]
    pub decide_for: Option<Subject>,
    /// Include per-campaign verdicts.
    #[serde(default)]
    pub debug: bool,
    /// The workspace's campaign documents (each a JSON text, validated when saved).
    #[serde(default)]
    pub campaigns: Vec<String>,
    /// The workspace's settings document (JSON text).
    #[serde(default)]
    pub settings: Option<String>,
    /// Edge time of the request (ms since the epoch).
    pub now: i64,
    /// Decide without recording deliveries, trigger observations or exposures (why-not).
    #[serde(default)]
    pub dry_run: bool,
    /// With `dry_run`: decide this many times (1-1000), to measure the cost inside workerd.
    #[serde(default)]
    pub repeat: u32,
    /// An admin operation on the account (secret-key routes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<AdminOp>,
    /// The sending client's dropped counts, reported with this batch: stored once per report
    /// (keyed by the batch's first event, so a retried batch adds nothing).
    #[serde(default, skip_serializing_if = "Dropped::is_empty")]
    pub dropped: Dropped,
    /// The workspace's webhook endpoint and signing secret. Sent whenever `settings` is (the
    /// account keeps both, for the webhooks it sends by itself), so `None` there means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<(String, String)>,
    /// The catalog's identity, `workspace:version` (its version rises with any change to its
    /// campaigns, settings or webhook). Sent without `campaigns`, `settings` and `webhook`,
    /// it asks the object to use what it parsed for that identity; an object that has not
    /// answers `catalog_needed` and stores nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
}

/// Admin operations on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminOp {
    /// Set account traits (customer-success inputs), as of `now`, then summarise.
    SetTraits {
        /// The account.
        account_id: String,
        /// The traits, validated by the worker.
        traits: crate::v1::event::JsonMap,
    },
    /// Return the account summary.
    Summary {
        /// The account.
        account_id: String,
    },
    /// Delete everything the account holds about one user (a data-subject request), then
    /// summarise.
    ForgetUser {
        /// The account.
        account_id: String,
        /// The user.
        user_id: String,
    },
}

/// Account object → worker.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestResult {
    /// Newly stored events.
    pub accepted: u32,
    /// Events whose id was already stored.
    pub duplicates: u32,
    /// The decision for `decide_for`.
    #[serde(default)]
    pub decision: Option<DecisionDto>,
    /// The account summary, for [`AdminOp::Summary`] and [`AdminOp::SetTraits`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<crate::v1::admin::AccountSummary>,
    /// Pending approvals assigned to `decide_for`'s user.
    #[serde(default)]
    pub approvals: u32,
    /// For [`AdminOp::ForgetUser`]: how many of the user's events were deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forgotten: Option<u64>,
    /// Webhooks this ingest queued (the object then wakes to send them).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub webhooks: u32,
    /// The request named a catalog this object has not parsed, without its texts: nothing
    /// was done; send it again with them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub catalog_needed: bool,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Account object → worker → caller: one page of the account's stored events, in the order
/// they were stored (admin export).
#[derive(Debug, Serialize, Deserialize)]
pub struct EventExport {
    /// The events.
    pub events: Vec<AccountEventDto>,
    /// The position after this page's last event (`?cursor=` reads on from it; the cursor
    /// given when the page is empty). Events stored later come after it, so a saved `next`
    /// also reads what is new.
    pub next: String,
    /// More events follow `next` now.
    pub more: bool,
}

/// Most events on one export page, and the default.
pub const MAX_EXPORT_PAGE: u32 = 1000;

/// Which page of an export: after the event stored at `after` (0: from the first), at most
/// `limit` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportPage {
    /// The position after which the page starts (the cursor).
    pub after: u64,
    /// At most this many events.
    pub limit: u32,
}

impl ExportPage {
    /// Reads the `cursor` and `limit` query parameters of an export.
    pub fn from_query(cursor: Option<&str>, limit: Option<&str>) -> Result<Self, Problem> {
        let after = match cursor {
            None | Some("") => 0,
            Some(c) => c.parse::<u64>().map_err(|_| {
                Problem::new(
                    ErrorCode::InvalidValue,
                    "cursor",
                    "a cursor is the `next` of a previous page",
                )
            })?,
        };
        let limit = match limit {
            None => MAX_EXPORT_PAGE,
            Some(l) => l
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_EXPORT_PAGE).contains(n))
                .ok_or_else(|| {
                    Problem::new(
                        ErrorCode::InvalidValue,
                        "limit",
                        format!("an integer from 1 to {MAX_EXPORT_PAGE}"),
                    )
                })?,
        };
        Ok(Self { after, limit })
    }
}

impl IngestRequest {
    /// Decodes a request body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

impl EventExport {
    /// Decodes an export.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

impl IngestResult {
    /// Decodes a response body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// Encodes any protocol value as JSON.
pub fn to_json<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_default()
}
