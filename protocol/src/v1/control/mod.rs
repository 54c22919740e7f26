//! The control plane on the wire: console users and sessions, workspaces, team roles, keys,
//! settings versions, campaign revisions with reviews, and the audit log.
//!
//! Request bodies decode strictly (unknown fields refused) and validate themselves, naming
//! the offending field; answers and stored records are plain serde types. Only this module
//! knows their JSON field names.

mod audit;
mod auth;
mod campaigns;
mod diff;
mod keys;
mod team;

pub use audit::{Actor, AuditEntry, AuditPage, audit_csv};
pub use auth::{
    AcceptBody, MeDto, SetupBody, SetupLinkDto, SignInBody, UserDto, WorkspaceRef, check_password,
};
pub use campaigns::{
    ApprovalStatus, CampaignDetail, CampaignDto, CampaignList, CampaignRecord, CheckedDocument,
    DocumentBody, DraftBody, HashBody, LiveDto, LiveState, ReviewBody, ReviewDto, ReviewVerdict,
    RevisionDto, RevisionState, RollbackBody, WorkingDto, canonical_document, canonical_settings,
    raw,
};
pub use diff::{Change, diff_documents};
pub use keys::{
    CreateSecretKey, CreateWriteKey, EnforceBody, IdentityDto, OriginsBody, PatchWriteKey,
    RotateBody, RotatedKey, SecretKeyCreated, SecretKeyDto, SecretKeyList, SettingsBody,
    SettingsDto, SettingsVersionDto, SettingsVersionList, WebhookBody, WebhookDto, WriteKeyAnswer,
    WriteKeyDto, WriteKeyList,
};
pub use team::{
    ConsoleInviteData, ConsoleInviteWebhook, InvitationCreated, InvitationDto, InvitationList,
    InvitationStatus, InviteBody, LimitsBody, MemberDto, MemberList, NameBody, Policy, PolicyBody,
    Role, RolesBody, WorkspaceAnswer, WorkspaceDto,
};

use serde::de::DeserializeOwned;

use crate::error::Problem;
use crate::json::decode;

/// A request body that checks and normalises itself.
pub trait Checked: Sized {
    /// Validates the decoded body, naming the bad field.
    fn check(self) -> Result<Self, Problem>;
}

/// Decodes a control-plane request body (`""` reads as `{}`) and validates it.
pub fn parse_body<T: DeserializeOwned + Checked>(text: &str) -> Result<T, Problem> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    decode::<T>(text)?.check()
}

/// Serialises an answer or a stored record.
pub fn to_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

/// Decodes a stored record written by [`to_text`].
pub fn from_text<T: DeserializeOwned>(text: &str) -> Result<T, Problem> {
    decode(text)
}

/// Decodes an answer of this API where nobody needs the path of a problem (the console reading
/// what the edge wrote with [`to_text`]): plain serde, without the path tracking of
/// [`from_text`], which would be instantiated again for every answer type (wasm size).
pub fn from_answer<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A string field: trimmed, 1..=`max` characters, no control characters.
pub(crate) fn text_field(field: &str, value: &str, max: usize) -> Result<String, Problem> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(Problem::new(
            crate::error::ErrorCode::InvalidValue,
            field,
            format!("1-{max} characters, no control characters"),
        ));
    }
    Ok(v.to_owned())
}
