//! Workspaces on the wire: team roles and the review policy, members, invitations (and
//! their webhook), and the operator's limits.

use serde::{Deserialize, Serialize};

use super::{Checked, text_field};
use crate::error::{ErrorCode, Problem};
use crate::v1::collab::normalize_email;

/// A role in one workspace. A member may hold several; none implies another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything about the workspace and its team; grants `owner`; emergency rollback.
    Owner,
    /// Team, keys, origins, identity, webhook, settings and policy.
    Admin,
    /// Creates, edits and submits drafts.
    Editor,
    /// Reviews: accuracy and audience.
    Reviewer,
    /// Approves use.
    Approver,
    /// Publishes, pauses, resumes, archives and rolls back.
    Executor,
    /// Reads.
    Viewer,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 7] = [
        Role::Owner,
        Role::Admin,
        Role::Editor,
        Role::Reviewer,
        Role::Approver,
        Role::Executor,
        Role::Viewer,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Approver => "approver",
            Role::Executor => "executor",
            Role::Viewer => "viewer",
        }
    }
}

/// Roles, sorted and without repeats; at least one.
fn check_roles(field: &str, roles: &mut Vec<Role>) -> Result<(), Problem> {
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            field,
            "at least one role",
        ));
    }
    Ok(())
}

/// A workspace's review policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Approvals a revision needs (1-5).
    pub required_approvals: u8,
    /// Whether an author may approve their own revision.
    pub author_may_approve: bool,
    /// Whether an approving review by a reviewer is needed too.
    pub reviewer_required: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            required_approvals: 1,
            author_may_approve: false,
            reviewer_required: false,
        }
    }
}

/// `PUT …/policy`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PolicyBody(pub Policy);

impl Checked for PolicyBody {
    fn check(self) -> Result<Self, Problem> {
        if !(1..=5).contains(&self.0.required_approvals) {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "required_approvals",
                "1-5",
            ));
        }
        Ok(self)
    }
}

/// `POST /console/api/workspaces`, `PATCH …/{ws}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameBody {
    /// Workspace name.
    pub name: String,
}

impl Checked for NameBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.name = text_field("name", &self.name, 100)?;
        Ok(self)
    }
}

/// A workspace as the caller sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceDto {
    /// `ws_…`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Created (ms).
    pub created_at: i64,
    /// The caller's roles.
    pub roles: Vec<Role>,
    /// Review policy.
    pub policy: Policy,
}

/// The answer of `POST /console/api/workspaces`, `GET` and `PATCH …/{ws}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceAnswer {
    /// The workspace.
    pub workspace: WorkspaceDto,
}

/// A member of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDto {
    /// The console user.
    pub user_id: String,
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// Their roles here.
    pub roles: Vec<Role>,
}

/// `GET …/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    /// The workspace's members.
    pub members: Vec<MemberDto>,
}

/// `PUT …/members/{user_id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesBody {
    /// The member's roles from now on.
    pub roles: Vec<Role>,
}

impl Checked for RolesBody {
    fn check(mut self) -> Result<Self, Problem> {
        check_roles("roles", &mut self.roles)?;
        Ok(self)
    }
}

/// `POST …/invitations`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    /// Whom.
    pub email: String,
    /// With which roles.
    pub roles: Vec<Role>,
}

impl Checked for InviteBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.email = normalize_email("email", &self.email)?;
        check_roles("roles", &mut self.roles)?;
        Ok(self)
    }
}

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Waiting.
    Pending,
    /// Spent.
    Accepted,
    /// Withdrawn.
    Revoked,
    /// Shown for a pending invitation past its expiry (never stored).
    Expired,
}

/// An invitation into a workspace (also its stored record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationDto {
    /// `inv_…`.
    pub id: String,
    /// Invitee.
    pub email: String,
    /// Roles they get.
    pub roles: Vec<Role>,
    /// Where it stands (`expired` is shown for a pending one past `expires_at`).
    pub status: InvitationStatus,
    /// Who invited.
    pub invited_by: String,
    /// When (ms).
    pub created_at: i64,
    /// Until when the link works (ms).
    pub expires_at: i64,
    /// Changes when the link is spent or revoked (stored; answers show [`Self::public`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nonce: String,
}

impl InvitationDto {
    /// The invitation as answers and webhooks show it: without its nonce.
    pub fn public(&self) -> Self {
        Self {
            nonce: String::new(),
            ..self.clone()
        }
    }

    /// As [`Self::public`], `expired` when still pending at `now` past its expiry.
    pub fn public_at(&self, now: i64) -> Self {
        let mut out = self.public();
        if out.status == InvitationStatus::Pending && now > out.expires_at {
            out.status = InvitationStatus::Expired;
        }
        out
    }
}

/// `GET …/invitations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationList {
    /// Pending, accepted, revoked and expired invitations (without their nonces).
    pub invitations: Vec<InvitationDto>,
}

/// The answer of `POST …/invitations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    /// The invitation (without its nonce).
    pub invitation: InvitationDto,
    /// The link the invitee opens.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_sorted_and_unique() {
        let body: RolesBody =
            crate::v1::control::parse_body(r#"{"roles":["executor","approver","executor"]}"#)
                .expect("valid");
        assert_eq!(body.roles, vec![Role::Approver, Role::Executor]);
        let e =
            crate::v1::control::parse_body::<RolesBody>(r#"{"roles":["boss"]}"#).expect_err("bad");
        assert_eq!(e.field, "roles[0]");
        let e = crate::v1::control::parse_body::<RolesBody>(r#"{"roles":[]}"#).expect_err("empty");
        assert_eq!(e.field, "roles");
    }
}

/// The `console.invite.created` webhook: `{"type","timestamp","data":{…}}`.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleInviteWebhook {
    /// `msg_…` (also the `webhook-id` header; not in the body).
    #[serde(skip)]
    pub id: String,
    /// `console.invite.created`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When (ISO 8601 is not needed: ms since the epoch, like every Cairn timestamp).
    pub timestamp: i64,
    /// What.
    pub data: ConsoleInviteData,
}

/// The data of `console.invite.created`.
#[derive(Debug, Clone, Serialize)]
pub struct ConsoleInviteData {
    /// The workspace.
    pub workspace_id: String,
    /// The invitation.
    pub invitation: InvitationDto,
    /// The link to send the invitee.
    pub url: String,
}

impl ConsoleInviteWebhook {
    /// The webhook of a new invitation.
    pub fn new(workspace_id: &str, invitation: &InvitationDto, url: &str, now: i64) -> Self {
        Self {
            id: format!("msg_{}", invitation.id),
            kind: "console.invite.created",
            timestamp: now,
            data: ConsoleInviteData {
                workspace_id: workspace_id.to_owned(),
                invitation: invitation.public(),
                url: url.to_owned(),
            },
        }
    }
}

/// `PUT /console/api/operator/workspaces/{ws}/limits` (the install's operator): per-workspace
/// overrides of the public routes' limits (`null`: the install's default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsBody {
    /// Events per calendar month (UTC).
    #[serde(default)]
    pub monthly_events: Option<u64>,
    /// New accounts per write key and day (UTC).
    #[serde(default)]
    pub new_accounts_per_day: Option<u64>,
    /// Requests per (write key, client) and 10 s, stricter than the install's, counted exactly.
    #[serde(default)]
    pub requests_per_10s: Option<u64>,
}

impl Checked for LimitsBody {
    fn check(self) -> Result<Self, Problem> {
        for (field, v) in [
            ("monthly_events", self.monthly_events),
            ("new_accounts_per_day", self.new_accounts_per_day),
            ("requests_per_10s", self.requests_per_10s),
        ] {
            if v.is_some_and(|n| n > 1_000_000_000_000) {
                return Err(Problem::new(
                    ErrorCode::InvalidValue,
                    field,
                    "at most 10^12",
                ));
            }
        }
        Ok(self)
    }
}
