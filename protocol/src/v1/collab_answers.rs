//! Invitations and approvals as answered: the DTOs of the routes' responses (and of the
//! stored records, which embed them).

use serde::{Deserialize, Serialize};

use crate::error::Problem;
use crate::json::decode;
use crate::v1::collab::{ApproverDto, ResourceDto};

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
