//! Stable error codes and the `Problem` every rejected request or event carries.

use std::fmt;

/// A stable, machine-readable error code. The string forms never change once released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The body is not valid JSON.
    MalformedJson,
    /// A field has the wrong JSON type.
    InvalidType,
    /// A required field is absent.
    MissingField,
    /// A field has the right type but an unacceptable value.
    InvalidValue,
    /// A field that is not part of the schema (strict documents only).
    UnknownField,
    /// A `cs_` account trait sent with a public write key: only the admin API sets those.
    ReservedTrait,
    /// The request body exceeds its size limit.
    BatchTooLarge,
    /// One event exceeds its size limit.
    EventTooLarge,
    /// The batch holds more events than allowed.
    TooManyEvents,
    /// The write key is unknown or revoked.
    UnknownWriteKey,
    /// The secret key is missing, malformed or unknown.
    InvalidSecretKey,
    /// The request's Origin is not in the workspace's allowed origins.
    OriginNotAllowed,
    /// Debug output was asked for with a key that may not see it.
    DebugNotAllowed,
    /// The Content-Type is neither JSON nor text.
    UnsupportedMediaType,
    /// No such route.
    NotFound,
    /// The route exists but not for this method.
    MethodNotAllowed,
    /// Something failed on our side; details are logged, not returned.
    Internal,
    /// Not an email address.
    InvalidEmail,
    /// The user's identity is unsigned (with enforcement on) or its `user_hash` is wrong.
    IdentityUnverified,
    /// A link's token is malformed or its signature is wrong.
    InvalidToken,
    /// A link's token is past its expiry.
    TokenExpired,
    /// A link's token was already used (or superseded).
    TokenUsed,
    /// Only the assigned approver may decide.
    NotApprover,
    /// The approval is no longer pending.
    AlreadyDecided,
    /// The inviter's or the account's invitation cap is reached.
    InviteCapReached,
    /// No console session, or it expired or was signed out.
    Unauthenticated,
    /// Wrong email or password (never says which).
    InvalidCredentials,
    /// Too many failed sign-ins for this email or client.
    TooManyAttempts,
    /// A state-changing console request that is not same-origin.
    CsrfRejected,
    /// The caller's roles do not allow the action.
    ForbiddenRole,
    /// An author approving their own revision while the policy forbids it.
    SelfApproval,
    /// No such workspace, or the caller is not a member.
    UnknownWorkspace,
    /// No such campaign in this workspace.
    UnknownCampaign,
    /// No such revision, invitation, member or key.
    UnknownRevision,
    /// The password is too short, too long or too common.
    WeakPassword,
    /// A console user already has this email.
    EmailTaken,
    /// The hash is not the working revision's.
    StaleHash,
    /// The document changed since the version the change is based on.
    StaleVersion,
    /// The action does not apply in the current state.
    InvalidState,
    /// The revision cannot be edited in its state.
    NotEditable,
    /// The policy's approvals are missing.
    NotApproved,
    /// The workspace would have no owner left.
    LastOwner,
    /// A campaign with this id exists already.
    CampaignExists,
    /// The workspace changed while the request was checked; nothing was written.
    Conflict,
    /// Too many requests for this write key or client; see Retry-After.
    RateLimited,
    /// The workspace's monthly event quota is used up; see Retry-After.
    QuotaExceeded,
    /// The write key opened its new accounts for the day; see Retry-After.
    AccountLimit,
}

/// Every code, for parsing.
const ALL: [ErrorCode; 47] = [
    ErrorCode::MalformedJson,
    ErrorCode::InvalidType,
    ErrorCode::MissingField,
    ErrorCode::InvalidValue,
    ErrorCode::UnknownField,
    ErrorCode::ReservedTrait,
    ErrorCode::BatchTooLarge,
    ErrorCode::EventTooLarge,
    ErrorCode::TooManyEvents,
    ErrorCode::UnknownWriteKey,
    ErrorCode::InvalidSecretKey,
    ErrorCode::OriginNotAllowed,
    ErrorCode::DebugNotAllowed,
    ErrorCode::UnsupportedMediaType,
    ErrorCode::NotFound,
    ErrorCode::MethodNotAllowed,
    ErrorCode::Internal,
    ErrorCode::InvalidEmail,
    ErrorCode::IdentityUnverified,
    ErrorCode::InvalidToken,
    ErrorCode::TokenExpired,
    ErrorCode::TokenUsed,
    ErrorCode::NotApprover,
    ErrorCode::AlreadyDecided,
    ErrorCode::InviteCapReached,
    ErrorCode::Unauthenticated,
    ErrorCode::InvalidCredentials,
    ErrorCode::TooManyAttempts,
    ErrorCode::CsrfRejected,
    ErrorCode::ForbiddenRole,
    ErrorCode::SelfApproval,
    ErrorCode::UnknownWorkspace,
    ErrorCode::UnknownCampaign,
    ErrorCode::UnknownRevision,
    ErrorCode::WeakPassword,
    ErrorCode::EmailTaken,
    ErrorCode::StaleHash,
    ErrorCode::StaleVersion,
    ErrorCode::InvalidState,
    ErrorCode::NotEditable,
    ErrorCode::NotApproved,
    ErrorCode::LastOwner,
    ErrorCode::CampaignExists,
    ErrorCode::Conflict,
    ErrorCode::RateLimited,
    ErrorCode::QuotaExceeded,
    ErrorCode::AccountLimit,
];

impl ErrorCode {
    /// The stable string form.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::InvalidType => "invalid_type",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::ReservedTrait => "reserved_trait",
            ErrorCode::BatchTooLarge => "batch_too_large",
            ErrorCode::EventTooLarge => "event_too_large",
            ErrorCode::TooManyEvents => "too_many_events",
            ErrorCode::UnknownWriteKey => "unknown_write_key",
            ErrorCode::InvalidSecretKey => "invalid_secret_key",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::DebugNotAllowed => "debug_not_allowed",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Internal => "internal",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::IdentityUnverified => "identity_unverified",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::TokenUsed => "token_used",
            ErrorCode::NotApprover => "not_approver",
            ErrorCode::AlreadyDecided => "already_decided",
            ErrorCode::InviteCapReached => "invite_cap_reached",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::CsrfRejected => "csrf_rejected",
            ErrorCode::ForbiddenRole => "forbidden_role",
            ErrorCode::SelfApproval => "self_approval",
            ErrorCode::UnknownWorkspace => "unknown_workspace",
            ErrorCode::UnknownCampaign => "unknown_campaign",
            ErrorCode::UnknownRevision => "unknown_revision",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::EmailTaken => "email_taken",
            ErrorCode::StaleHash => "stale_hash",
            ErrorCode::StaleVersion => "stale_version",
            ErrorCode::InvalidState => "invalid_state",
            ErrorCode::NotEditable => "not_editable",
            ErrorCode::NotApproved => "not_approved",
            ErrorCode::LastOwner => "last_owner",
            ErrorCode::CampaignExists => "campaign_exists",
            ErrorCode::Conflict => "conflict",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::AccountLimit => "account_limit",
        }
    }

    /// The code whose string form is `code` (`invalid_value` for an unknown one).
    pub fn parse(code: &str) -> Self {
        ALL.into_iter()
            .find(|c| c.as_str() == code)
            .unwrap_or(ErrorCode::InvalidValue)
    }

    /// The HTTP status a request-level failure with this code maps to.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BatchTooLarge | ErrorCode::EventTooLarge => 413,
            ErrorCode::UnknownWriteKey
            | ErrorCode::InvalidSecretKey
            | ErrorCode::IdentityUnverified
            | ErrorCode::InvalidToken => 401,
            ErrorCode::OriginNotAllowed | ErrorCode::DebugNotAllowed | ErrorCode::NotApprover => {
                403
            }
            ErrorCode::TokenUsed | ErrorCode::AlreadyDecided => 409,
            ErrorCode::TokenExpired => 410,
            ErrorCode::InviteCapReached => 429,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => 401,
            ErrorCode::TooManyAttempts
            | ErrorCode::RateLimited
            | ErrorCode::QuotaExceeded
            | ErrorCode::AccountLimit => 429,
            ErrorCode::CsrfRejected | ErrorCode::ForbiddenRole | ErrorCode::SelfApproval => 403,
            ErrorCode::UnknownWorkspace
            | ErrorCode::UnknownCampaign
            | ErrorCode::UnknownRevision => 404,
            ErrorCode::EmailTaken
            | ErrorCode::StaleHash
            | ErrorCode::StaleVersion
            | ErrorCode::InvalidState
            | ErrorCode::NotEditable
            | ErrorCode::NotApproved
            | ErrorCode::LastOwner
            | ErrorCode::CampaignExists
            | ErrorCode::Conflict => 409,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Internal => 500,
            _ => 400,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a request or an event was rejected: a code, the offending field's path, and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} at {field}: {message}")]
pub struct Problem {
    /// Stable code.
    pub code: ErrorCode,
    /// Path of the offending field (`""` for the whole body).
    pub field: String,
    /// Human-readable explanation.
    pub message: String,
}

impl Problem {
    /// A problem with `field`.
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            field: field.into(),
            message: message.into(),
        }
    }

    /// The same problem with its field path prefixed, e.g. `events[2]` + `timestamp`.
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = match (prefix.is_empty(), self.field.is_empty()) {
            (true, _) => self.field,
            (false, true) => prefix.to_owned(),
            (false, false) if self.field.starts_with('[') => format!("{prefix}{}", self.field),
            (false, false) => format!("{prefix}.{}", self.field),
        };
        self
    }

    /// The JSON body of an HTTP error response: `{"error":{"code","field","message"}}`.
    pub fn to_body(&self) -> String {
        self.to_body_with(&[])
    }

    /// The error body plus the per-event rejections of a batch (omitted when empty).
    pub fn to_body_with(&self, rejected: &[crate::v1::Rejected]) -> String {
        let mut body = serde_json::json!({
            "error": { "code": self.code.as_str(), "field": self.field, "message": self.message }
        });
        if !rejected.is_empty() {
            body["rejected"] = serde_json::to_value(rejected).unwrap_or_default();
        }
        body.to_string()
    }
}
