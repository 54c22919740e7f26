//! Invitations and approvals inside the account object: the records it keeps, the settings
//! and secrets each operation carries, and the worker ↔ object messages.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{ErrorCode, Problem};
use crate::json::decode;
use crate::v1::collab::{ApprovalBody, DecideApprovalBody, InviteBody, Verdict};
use crate::v1::collab_admin::RevokeDoc;
use crate::v1::collab_admin::TargetsDoc;
use crate::v1::collab_answers::{ApprovalDto, InviteDto};

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
