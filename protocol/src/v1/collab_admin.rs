//! The admin side of invitations and approvals: target lists, revocation, attribution and
//! champions, the identity secret, webhook settings, payloads and the delivery log.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Problem};
use crate::json::decode;
use crate::v1::collab_answers::{ApprovalDto, InviteDto};

/// `PUT /v1/admin/accounts/{id}/targets`: the people who should use the product, and the
/// email domains invitations may go to (empty: any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsDoc {
    /// At most 1000 people.
    #[serde(default)]
    pub people: Vec<TargetPerson>,
    /// Lower-case domains, e.g. `acme.com`.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
}

/// One person of a target list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetPerson {
    /// Their address.
    pub email: String,
    /// Their name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Decodes and validates a target list.
pub fn parse_targets(text: &str) -> Result<TargetsDoc, Problem> {
    let mut doc: TargetsDoc = decode(text)?;
    if doc.people.len() > 1000 || doc.allowed_domains.len() > 50 {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "people",
            "at most 1000 people and 50 domains",
        ));
    }
    for (i, p) in doc.people.iter_mut().enumerate() {
        p.email = crate::v1::collab::normalize_email(&format!("people[{i}].email"), &p.email)?;
    }
    for (i, d) in doc.allowed_domains.iter_mut().enumerate() {
        let probe = format!("x@{}", d.trim());
        let email = crate::v1::collab::normalize_email(&format!("allowed_domains[{i}]"), &probe)?;
        *d = crate::v1::collab::email_domain(&email).to_owned();
    }
    Ok(doc)
}

/// A champion: a user ranked by invitations accepted, then by activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Champion {
    /// The user.
    pub user_id: String,
    /// Invitations they sent.
    pub invites_sent: u32,
    /// Of those, accepted.
    pub invites_accepted: u32,
    /// Of the accepted, invitees active since.
    pub invitees_active: u32,
    /// Days with activity in the last 30.
    pub active_days_30: u32,
}

/// Admin: the account's champions, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChampionsResponse {
    /// Users who invited or are active.
    pub champions: Vec<Champion>,
}

/// Admin: the account's invitations, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteList {
    /// With attribution.
    pub invites: Vec<InviteDto>,
}

/// Admin: the account's approvals, newest first, with their audit trails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalList {
    /// With audit trails.
    pub approvals: Vec<ApprovalDto>,
}

/// `POST /v1/admin/accounts/{id}/revoke`: `{"email"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeDoc {
    /// The invitee's address.
    pub email: String,
}

/// Decodes a revocation.
pub fn parse_revoke(text: &str) -> Result<RevokeDoc, Problem> {
    let mut doc: RevokeDoc = decode(text)?;
    doc.email = crate::v1::collab::normalize_email("email", &doc.email)?;
    Ok(doc)
}

/// A webhook delivery as the admin API shows it (without the signing secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    /// `webhook-id`.
    pub id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened.
    pub created_at: i64,
    /// Attempts so far.
    pub attempts: u32,
    /// The last answer's status (0: no answer).
    pub last_status: u16,
    /// Acknowledged then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<i64>,
    /// The next attempt, while not delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_at: Option<i64>,
    /// The JSON body sent.
    pub body: String,
}

/// Admin: the account's webhook deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryList {
    /// Newest first, at most 100.
    pub deliveries: Vec<DeliveryView>,
}

/// `PUT /v1/admin/identity`: `{"enforce": true}` requires a valid `user_hash` on every
/// invitation and approval call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// Refuse unsigned identities (401 `identity_unverified`).
    pub enforce: bool,
}

/// Decodes an identity setting.
pub fn parse_identity_config(text: &str) -> Result<IdentityConfig, Problem> {
    decode(text)
}

/// The answer of `GET` / `PUT /v1/admin/identity`: the secret the vendor's backend signs user
/// ids with (HMAC-SHA256, hex), and whether signatures are required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySecret {
    /// Keep it on your servers.
    pub secret: String,
    /// Whether unsigned identities are refused.
    pub enforce: bool,
}

/// `PUT /v1/admin/webhook`: where the workspace's webhooks go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// An `https://` URL (or `http://` on localhost, for development).
    pub url: String,
}

/// Decodes and validates a webhook endpoint.
pub fn parse_webhook_config(text: &str) -> Result<WebhookConfig, Problem> {
    let c: WebhookConfig = decode(text)?;
    let local = ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .any(|p| c.url.starts_with(p));
    if !(c.url.starts_with("https://") || local)
        || c.url.len() > 2048
        || c.url.contains(char::is_whitespace)
    {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "url",
            "an https:// URL (http:// only on localhost)",
        ));
    }
    Ok(c)
}

/// The answer to `PUT /v1/admin/webhook`: the signing secret, shown to the admin once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSecret {
    /// The endpoint.
    pub url: String,
    /// `whsec_…`: base64 of the HMAC-SHA256 key (Standard Webhooks).
    pub secret: String,
}

/// A webhook's JSON body: `{"type","timestamp","data"}` (Standard Webhooks).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookPayload {
    /// `invite.created`, `invite.accepted`, `approval.requested`, `approval.reminder`,
    /// `approval.decided`, `approval.expired`, `nps.detractor`, `account.health_changed`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened (ms since the epoch).
    pub timestamp: i64,
    /// The event.
    pub data: WebhookData,
}

/// What a webhook is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookData {
    /// The account.
    pub account_id: String,
    /// The invitation (`invite.*`, and `approval.requested` for an invited approver).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<InviteDto>,
    /// The link the invitee opens to accept (`invite.created`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_url: Option<String>,
    /// The approval (`approval.*`, and `invite.created` when it comes with one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalDto>,
    /// Signed one-click links for the approval email (`approval.requested`, `reminder`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approve_url: Option<String>,
    /// As `approve_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_url: Option<String>,
    /// The survey answer (`nps.detractor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<SurveyAnswerDto>,
    /// The change of the account's health (`account.health_changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<HealthChangeDto>,
}

impl WebhookData {
    /// Data about `account_id` alone; the caller sets the part the webhook is about.
    pub fn about(account_id: &str) -> Self {
        Self {
            account_id: account_id.to_owned(),
            invite: None,
            accept_url: None,
            approval: None,
            approve_url: None,
            reject_url: None,
            answer: None,
            health: None,
        }
    }
}

/// A survey answer, as `nps.detractor` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswerDto {
    /// The user who answered.
    pub user_id: String,
    /// The survey campaign.
    pub campaign: String,
    /// 0-10.
    pub score: u32,
    /// Their comment, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When they answered (ms since the epoch).
    pub answered_at: i64,
}

/// A change of an account's health colour, as `account.health_changed` sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthChangeDto {
    /// The colour before: `green`, `yellow` or `red`.
    pub from: String,
    /// The colour now.
    pub to: String,
    /// The score now, 0-100.
    pub score: Option<f64>,
}

/// A webhook waiting for (or past) delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `msg_…`: the `webhook-id`, the same on every attempt.
    pub id: String,
    /// The endpoint.
    pub url: String,
    /// The signing secret (`whsec_…`).
    pub secret: String,
    /// The JSON body.
    pub body: String,
    /// Attempts made.
    pub attempts: u32,
    /// The next attempt (ms since the epoch); `None` once delivered or given up.
    pub next_at: Option<i64>,
    /// Acknowledged with a 2xx then.
    #[serde(default)]
    pub delivered_at: Option<i64>,
    /// The last answer's status (0: network error).
    #[serde(default)]
    pub last_status: u16,
}
