//! Invites and approvals as answered, stored and announced: the response and admin DTOs, the
//! records the account object keeps, the webhook payloads, and the worker ↔ account object
//! messages that carry them.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ErrorCode, Problem};
use crate::json::decode;
use crate::v1::collab::{
    ApprovalBody, ApproverDto, DecideApprovalBody, InviteBody, ResourceDto, Verdict,
};

/// Decodes a stored record (invitation, approval, delivery, send, target list).
pub fn record_from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Problem> {
    decode(text)
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    /// Sent, not yet accepted.
    Pending,
    /// Accepted by `accepted_by`.
    Accepted,
    /// Past `expires_at` without acceptance.
    Expired,
    /// Withdrawn.
    Revoked,
}

/// An invitation (one per email and account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteDto {
    /// The invitation's id.
    pub id: String,
    /// The invitee's address (lower case).
    pub email: String,
    /// The role offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The inviter's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who invited (first inviter).
    pub inviter: String,
    /// Where it stands.
    pub status: InviteStatus,
    /// Created (ms since the epoch).
    pub created_at: i64,
    /// The accept link stops working then.
    pub expires_at: i64,
    /// How many times it was sent (created or resent).
    pub sends: u32,
    /// The user who accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<i64>,
    /// The invitee's first tracked activity after accepting (attribution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_activity_at: Option<i64>,
    /// The approval waiting for the invitee, when the invitation came with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_id: Option<String>,
}

/// What happened to one email of an invite request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteOutcome {
    /// A new invitation was sent.
    Invited,
    /// A pending invitation was sent again.
    Resent,
    /// Already a user of the account, or already accepted: nothing sent.
    Member,
    /// Not sent: the address's domain is not in the account's allowed domains.
    DomainNotAllowed,
    /// Not sent: this address got its daily maximum of invitations.
    Suppressed,
}

/// One email's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteResult {
    /// The address (lower case).
    pub email: String,
    /// What happened.
    pub status: InviteOutcome,
    /// The invitation, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_id: Option<String>,
}

/// The answer to `POST /v1/invites`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitesResponse {
    /// One result per email, in request order.
    pub results: Vec<InviteResult>,
}

/// Someone worth inviting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    /// Their address.
    pub email: String,
    /// Their name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `target_list` (uploaded by the vendor) or `inactive_user` (known, not active for 30
    /// days).
    pub source: String,
}

/// The answer to `POST /v1/invites/suggestions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionsResponse {
    /// At most 20, target list first.
    pub suggestions: Vec<Suggestion>,
}

/// The answer to `POST /v1/invites/accept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptResponse {
    /// The account the invitee joined.
    pub account_id: String,
    /// The invitation, now accepted.
    pub invite: InviteDto,
    /// The approval waiting for the invitee, to land on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_id: Option<String>,
}

/// Where an approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// Waiting for the approver.
    Pending,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Not decided in time.
    Expired,
}

/// One line of an approval's audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (ms since the epoch).
    pub at: i64,
    /// Who (a user id, an email, or `cairn` for reminders and expiry).
    pub actor: String,
    /// `requested`, `invited`, `assigned`, `reminded`, `approved`, `rejected`, `expired`.
    pub what: String,
    /// How (`sdk`, `link`) or a comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalDto {
    /// The approval's id.
    pub id: String,
    /// What it allows.
    pub action: String,
    /// What is approved.
    pub resource: ResourceDto,
    /// Who asked.
    pub requester: String,
    /// Who approves (`user_id` once known; `email` while an invitation is pending).
    pub approver: ApproverDto,
    /// Where it stands.
    pub status: ApprovalStatus,
    /// The approver's comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Asked (ms since the epoch).
    pub created_at: i64,
    /// Decided or expired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<i64>,
    /// Expires then if undecided.
    pub expires_at: i64,
    /// The audit trail (admin API only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditEntry>,
}

/// The answer to `POST /v1/approvals` and `POST /v1/approvals/decide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalResponse {
    /// The approval.
    pub approval: ApprovalDto,
    /// The approver was not a user and was invited with the approval attached.
    #[serde(default)]
    pub invited: bool,
}

/// The answer to `POST /v1/approvals/inbox`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxResponse {
    /// Pending approvals assigned to the caller.
    pub assigned: Vec<ApprovalDto>,
    /// The caller's requests of the last 30 days, newest first.
    pub requested: Vec<ApprovalDto>,
}

/// A user who can approve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproverSuggestion {
    /// The user.
    pub user_id: String,
    /// Name trait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email trait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Their approver role.
    pub role: String,
}

/// The answer to `POST /v1/approvals/approvers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproversResponse {
    /// Users of the account whose role trait is an approver role.
    pub approvers: Vec<ApproverSuggestion>,
}

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
    /// `approval.decided`, `approval.expired`.
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

/// An invitation as stored: the DTO plus the nonce its accept links carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteRecord {
    /// What the APIs show.
    pub invite: InviteDto,
    /// Random; a token is valid only with the current nonce.
    pub nonce: String,
}

/// An approval as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    /// What the APIs show (with the audit trail).
    pub approval: ApprovalDto,
    /// The invitation sent to an approver who was not a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite_id: Option<String>,
    /// Random; one-click links are valid only with it.
    pub nonce: String,
    /// The next reminder (ms since the epoch).
    #[serde(default)]
    pub remind_at: Option<i64>,
    /// Reminders sent.
    #[serde(default)]
    pub reminders: u32,
}

/// A send of an invitation, counted by the caps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRecord {
    /// When.
    pub at: i64,
    /// By whom.
    pub inviter: String,
    /// To whom.
    pub email: String,
}

/// Invite and approval settings of a workspace, with their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollabSettings {
    /// The vendor's accept page; `{token}` is replaced by the token.
    pub accept_url: String,
    /// The edge's public origin, for one-click approval links.
    pub endpoint: String,
    /// Days an invitation stays valid (default 7).
    pub invite_days: u32,
    /// Sends per inviter per 10 minutes (default 30).
    pub per_inviter: u32,
    /// Sends per account per day (default 100).
    pub per_account: u32,
    /// Sends per address per day (default 5).
    pub per_recipient: u32,
    /// The user trait holding roles, and the roles that approve.
    pub role_trait: String,
    /// Approver roles (default `approver`, `admin`, `cfo`, `finance`).
    pub approver_roles: Vec<String>,
    /// Hours before a reminder (default 4).
    pub remind_after_hours: u32,
    /// Hours before an undecided approval and its one-click links expire (default 24).
    pub approval_hours: u32,
}

/// The secrets an operation needs, from the catalog (never from a client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollabKeys {
    /// Signs accept and one-click tokens.
    pub token_key: String,
    /// Where webhooks go, and their secret.
    #[serde(default)]
    pub webhook: Option<(String, String)>,
}

/// An invite or approval operation on one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollabOp {
    /// `POST /v1/invites`.
    Invite {
        /// The inviter.
        user_id: String,
        /// Emails, role, note.
        body: InviteBody,
    },
    /// `POST /v1/invites/suggestions`.
    Suggest {
        /// The caller.
        user_id: String,
    },
    /// `POST /v1/invites/accept`, token already verified by the worker.
    Accept {
        /// The invitee's user id.
        user_id: String,
        /// From the token.
        invite_id: String,
        /// From the token.
        nonce: String,
    },
    /// `POST /v1/approvals`.
    RequestApproval {
        /// The requester.
        user_id: String,
        /// Action, resource, approver.
        body: ApprovalBody,
    },
    /// `POST /v1/approvals/approvers`.
    Approvers,
    /// `POST /v1/approvals/inbox`.
    Inbox {
        /// The caller.
        user_id: String,
    },
    /// `POST /v1/approvals/decide`.
    Decide {
        /// The caller, who must be the approver.
        user_id: String,
        /// Approval, decision, comment.
        body: DecideApprovalBody,
    },
    /// A one-click link, token already verified by the worker.
    DecideByLink {
        /// From the token.
        approval_id: String,
        /// From the token.
        nonce: String,
        /// From the token.
        decision: Verdict,
    },
    /// Admin: replace the target list and allowed domains.
    SetTargets(TargetsDoc),
    /// Admin: the invitations.
    ListInvites,
    /// Admin: the champions.
    Champions,
    /// Admin: the approvals with their audit trails.
    ListApprovals,
    /// Admin: withdraw a pending invitation (its link stops working).
    Revoke(RevokeDoc),
    /// Admin: the webhook deliveries, newest first.
    ListDeliveries,
    /// The object's alarm: deliver due webhooks, remind, expire.
    Tick,
}

/// Worker → account object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollabRequest {
    /// The workspace (tokens name it).
    pub workspace_id: String,
    /// The account.
    pub account_id: String,
    /// Edge time (ms since the epoch).
    pub now: i64,
    /// 32 random hex characters from the worker, for ids and nonces.
    pub seed: String,
    /// Settings with defaults filled in.
    pub settings: CollabSettings,
    /// Secrets.
    pub keys: CollabKeys,
    /// The operation.
    pub op: CollabOp,
}

impl CollabRequest {
    /// Decodes a request body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }
}

/// A refusal that crosses from the account object to the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemDto {
    /// `ErrorCode::as_str`.
    pub code: String,
    /// The field.
    pub field: String,
    /// The sentence.
    pub message: String,
}

impl From<&Problem> for ProblemDto {
    fn from(p: &Problem) -> Self {
        Self {
            code: p.code.as_str().to_owned(),
            field: p.field.clone(),
            message: p.message.clone(),
        }
    }
}

impl ProblemDto {
    /// Back to a [`Problem`].
    pub fn to_problem(&self) -> Problem {
        Problem::new(
            ErrorCode::parse(&self.code),
            self.field.clone(),
            self.message.clone(),
        )
    }
}

/// The body of every refused request: `{"error":{"code","field","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What was wrong.
    pub error: ProblemDto,
}

/// Account object → worker: the public answer (JSON text), or a refusal.
#[derive(Debug, Serialize, Deserialize)]
pub struct CollabResult {
    /// The response body of the route.
    #[serde(default)]
    pub body: Option<Box<RawValue>>,
    /// Why the request was refused; nothing was changed.
    #[serde(default)]
    pub problem: Option<ProblemDto>,
    /// When the account's next webhook retry, reminder or expiry is due.
    #[serde(default)]
    pub wake_at: Option<i64>,
}

impl CollabResult {
    /// Decodes a response body.
    pub fn from_json(text: &str) -> Result<Self, Problem> {
        decode(text)
    }

    /// A successful answer.
    pub fn ok<T: Serialize>(value: &T) -> Self {
        Self {
            body: RawValue::from_string(crate::v1::to_json(value)).ok(),
            problem: None,
            wake_at: None,
        }
    }

    /// A refusal.
    pub fn refused(p: &Problem) -> Self {
        Self {
            body: None,
            problem: Some(p.into()),
            wake_at: None,
        }
    }
}
