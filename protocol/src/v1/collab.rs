//! Invites and approvals on the wire: the requests an SDK sends for a signed-in user, their
//! answers, and their validation (emails, approvers, decisions).
//!
//! Every request names the caller (`write_key`, `user_id`, `account_id`) and may carry
//! `user_hash`, the vendor backend's HMAC of the user id, checked by the edge.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, Problem};
use crate::json::{decode, escape_json_string};
use crate::v1::ids::check_id;

/// Most emails per invite request.
pub const MAX_EMAILS: usize = 20;

/// A request made for a user: who is calling, and the route's own fields.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Signed<T> {
    /// The workspace's public write key.
    pub write_key: String,
    /// The calling user.
    pub user_id: String,
    /// The calling user's account.
    pub account_id: String,
    /// Hex HMAC-SHA256 of `user_id` with the workspace's identity secret (the vendor's
    /// backend computes it; the secret never reaches the browser).
    #[serde(default)]
    pub user_hash: Option<String>,
    /// The route's fields.
    #[serde(flatten)]
    pub body: T,
}

/// A route body that validates (and normalises) itself.
pub trait Validate {
    /// Checks and normalises the fields, naming the bad one.
    fn validate(&mut self) -> Result<(), Problem>;
}

/// The routes of invitations and approvals.
pub mod routes {
    /// `POST`: invite by email.
    pub const INVITES: &str = "/v1/invites";
    /// `POST`: whom to invite.
    pub const INVITE_SUGGESTIONS: &str = "/v1/invites/suggestions";
    /// `POST`: accept an invitation.
    pub const INVITE_ACCEPT: &str = "/v1/invites/accept";
    /// `POST`: ask for an approval.
    pub const APPROVALS: &str = "/v1/approvals";
    /// `POST`: who can approve.
    pub const APPROVERS: &str = "/v1/approvals/approvers";
    /// `POST`: approvals waiting for the caller, and the caller's requests.
    pub const INBOX: &str = "/v1/approvals/inbox";
    /// `POST`: approve or reject.
    pub const DECIDE: &str = "/v1/approvals/decide";
}

/// The fields of a decision: `{"approval_id","decision","comment"?}` as JSON text.
pub fn decide_fields(approval_id: &str, decision: Verdict, comment: Option<&str>) -> String {
    let verdict = match decision {
        Verdict::Approve => "approve",
        Verdict::Reject => "reject",
    };
    let mut out = format!(
        "{{\"approval_id\":{},\"decision\":\"{verdict}\"",
        escape_json_string(approval_id)
    );
    if let Some(c) = comment {
        out.push_str(",\"comment\":");
        out.push_str(&escape_json_string(c));
    }
    out.push('}');
    out
}

/// The fields of an invitation to `emails`: `{"emails":[…]}` as JSON text.
pub fn invite_fields(emails: &[String]) -> String {
    let list: Vec<String> = emails.iter().map(|e| escape_json_string(e)).collect();
    format!("{{\"emails\":[{}]}}", list.join(","))
}

/// A request's fields (a JSON object's text) with `approver` set: by user id or by email.
pub fn with_approver(
    fields_json: &str,
    user_id: Option<&str>,
    email: Option<&str>,
) -> Option<String> {
    let inner = object_members(fields_json)?;
    let approver = match (user_id, email) {
        (Some(u), _) => format!("{{\"user_id\":{}}}", escape_json_string(u)),
        (None, Some(e)) => format!("{{\"email\":{}}}", escape_json_string(e)),
        (None, None) => return None,
    };
    let sep = if inner.is_empty() { "" } else { "," };
    Some(format!("{{\"approver\":{approver}{sep}{inner}}}"))
}

/// The members of a JSON object's text, without its braces; `None` if it is not an object.
fn object_members(json: &str) -> Option<&str> {
    Some(json.trim().strip_prefix('{')?.strip_suffix('}')?.trim())
}

/// The body of a signed request, built by the SDK from the caller and the route's fields as
/// the host page gave them (`fields_json`: a JSON object's text, e.g. `{"emails":[…]}`).
/// `None` when `fields_json` is not an object's text. The edge validates the rest.
pub fn signed_body(
    write_key: &str,
    user_id: &str,
    account_id: &str,
    user_hash: Option<&str>,
    fields_json: &str,
) -> Option<String> {
    let inner = object_members(fields_json)?;
    let mut out = String::with_capacity(fields_json.len() + 160);
    out.push_str("{\"write_key\":");
    out.push_str(&escape_json_string(write_key));
    out.push_str(",\"user_id\":");
    out.push_str(&escape_json_string(user_id));
    out.push_str(",\"account_id\":");
    out.push_str(&escape_json_string(account_id));
    if let Some(h) = user_hash {
        out.push_str(",\"user_hash\":");
        out.push_str(&escape_json_string(h));
    }
    if !inner.is_empty() {
        out.push(',');
        out.push_str(inner);
    }
    out.push('}');
    Some(out)
}

/// Decodes and validates a signed request.
pub fn parse_signed<T: DeserializeOwned + Validate>(text: &str) -> Result<Signed<T>, Problem> {
    let mut req: Signed<T> = decode(text)?;
    check_id("user_id", &req.user_id)?;
    check_id("account_id", &req.account_id)?;
    if let Some(h) = &req.user_hash
        && (h.len() > 128 || !h.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "user_hash",
            "hex HMAC",
        ));
    }
    req.body.validate()?;
    Ok(req)
}

/// A route without fields of its own (suggestions, inbox).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoFields {}

impl Validate for NoFields {
    fn validate(&mut self) -> Result<(), Problem> {
        Ok(())
    }
}

/// `POST /v1/invites`: `{"emails":[…],"role"?,"note"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteBody {
    /// 1-20 addresses.
    pub emails: Vec<String>,
    /// The role to give the invitees (letters, digits, `_`, `-`; at most 32).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// A personal note for the email, at most 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Validate for InviteBody {
    fn validate(&mut self) -> Result<(), Problem> {
        if self.emails.is_empty() || self.emails.len() > MAX_EMAILS {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "emails",
                "1-20 addresses",
            ));
        }
        for (i, email) in self.emails.iter_mut().enumerate() {
            *email = normalize_email(&format!("emails[{i}]"), email)?;
        }
        if let Some(role) = &self.role {
            check_role("role", role)?;
        }
        check_len("note", self.note.as_deref(), 500)?;
        Ok(())
    }
}

/// `POST /v1/invites/accept`: `{"write_key","user_id","user_hash"?,"token"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AcceptRequest {
    /// The workspace's public write key.
    pub write_key: String,
    /// The user accepting (the invitee's new or existing user id).
    pub user_id: String,
    /// As in [`Signed`].
    #[serde(default)]
    pub user_hash: Option<String>,
    /// The token of the accept link.
    pub token: String,
}

/// Decodes an accept request.
pub fn parse_accept(text: &str) -> Result<AcceptRequest, Problem> {
    let req: AcceptRequest = decode(text)?;
    check_id("user_id", &req.user_id)?;
    if req.token.is_empty() || req.token.len() > 1024 {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "token",
            "1-1024 bytes",
        ));
    }
    Ok(req)
}

/// What needs approving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceDto {
    /// The vendor's id of the thing (an expense id).
    pub id: String,
    /// One line for the approver, at most 200 characters.
    pub summary: String,
    /// An amount, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    /// ISO 4217 code of `amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Who should approve: a user of the account, or anyone by email (invited if not a user).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApproverDto {
    /// A user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// An email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `POST /v1/approvals`: `{"action","resource":{…},"approver":{"user_id"|"email"}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalBody {
    /// What the approval allows, e.g. `expense.reimburse` (an id, at most 64).
    pub action: String,
    /// What is to be approved.
    pub resource: ResourceDto,
    /// Who approves.
    pub approver: ApproverDto,
}

impl Validate for ApprovalBody {
    fn validate(&mut self) -> Result<(), Problem> {
        check_role("action", &self.action).map_err(|_| {
            Problem::new(
                ErrorCode::InvalidValue,
                "action",
                "an id of at most 64 of [A-Za-z0-9_.-]",
            )
        })?;
        let r = &self.resource;
        check_id("resource.id", &r.id)?;
        if r.summary.trim().is_empty() || r.summary.chars().count() > 200 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "resource.summary",
                "1-200 characters",
            ));
        }
        if r.amount.is_some_and(|a| !a.is_finite() || a < 0.0) {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "resource.amount",
                "a number ≥ 0",
            ));
        }
        if r.currency
            .as_deref()
            .is_some_and(|c| c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "resource.currency",
                "ISO 4217, e.g. EUR",
            ));
        }
        match (&self.approver.user_id, &mut self.approver.email) {
            (Some(id), None) => check_id("approver.user_id", id),
            (None, Some(email)) => {
                *email = normalize_email("approver.email", email)?;
                Ok(())
            }
            _ => Err(Problem::new(
                ErrorCode::InvalidValue,
                "approver",
                "exactly one of `user_id` and `email`",
            )),
        }
    }
}

/// What the SDK reads of a `requestApproval` call's fields to show the approver dialog.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ApprovalFields {
    /// What the approval allows.
    pub action: String,
    /// What is to be approved.
    pub resource: ResourceDto,
}

/// Approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Approved.
    Approve,
    /// Rejected.
    Reject,
}

/// `POST /v1/approvals/decide`: `{"approval_id","decision","comment"?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecideApprovalBody {
    /// The approval.
    pub approval_id: String,
    /// `approve` or `reject`.
    pub decision: Verdict,
    /// At most 1000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Validate for DecideApprovalBody {
    fn validate(&mut self) -> Result<(), Problem> {
        check_id("approval_id", &self.approval_id)?;
        check_len("comment", self.comment.as_deref(), 1000)
    }
}

/// An email address in lower case, or an `invalid_email` problem at `field`.
pub fn normalize_email(field: &str, email: &str) -> Result<String, Problem> {
    let e = email.trim().to_ascii_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && local.len() <= 64
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && domain
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                && local
                    .bytes()
                    .all(|b| b.is_ascii_graphic() && !b"@\"(),:;<>[\\]".contains(&b))
        });
    if ok {
        Ok(e)
    } else {
        Err(Problem::new(
            ErrorCode::InvalidEmail,
            field,
            "not an email address",
        ))
    }
}

/// The domain of a normalised email.
pub fn email_domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

fn check_role(field: &str, role: &str) -> Result<(), Problem> {
    let ok = !role.is_empty()
        && role.len() <= 64
        && role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            ErrorCode::InvalidValue,
            field,
            "at most 64 of [A-Za-z0-9_.-]",
        ))
    }
}

fn check_len(field: &str, text: Option<&str>, max: usize) -> Result<(), Problem> {
    match text {
        Some(t) if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') => {
            Err(Problem::new(
                ErrorCode::InvalidValue,
                field,
                format!("at most {max} characters, no control characters"),
            ))
        }
        _ => Ok(()),
    }
}
