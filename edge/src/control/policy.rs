//! Who may do what, and whether a revision's reviews meet the workspace's policy. Pure: the
//! members' roles are read at every check, so an approval by someone who has since lost the
//! approver role no longer counts.

use protocol::v1::control::{ApprovalStatus, Policy, ReviewDto, ReviewVerdict, Role};
use protocol::{ErrorCode, Problem};

/// A workspace member's current roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRoles {
    /// The console user.
    pub user_id: String,
    /// Their roles now.
    pub roles: Vec<Role>,
}

/// What an action needs: one of `any_of`, else 403 `forbidden_role` at `role`.
pub fn require(roles: &[Role], any_of: &[Role], doing: &str) -> Result<(), Problem> {
    if roles.iter().any(|r| any_of.contains(r)) {
        return Ok(());
    }
    let names: Vec<&str> = any_of.iter().map(|r| r.as_str()).collect();
    Err(Problem::new(
        ErrorCode::ForbiddenRole,
        "role",
        format!("{doing} needs the {} role", names.join(" or ")),
    ))
}

/// Workspace administration: owner or admin.
pub const ADMINS: &[Role] = &[Role::Owner, Role::Admin];

fn roles_of<'a>(members: &'a [MemberRoles], user: &str) -> &'a [Role] {
    members
        .iter()
        .find(|m| m.user_id == user)
        .map_or(&[], |m| m.roles.as_slice())
}

/// The policy's verdict on `hash` (authored by `authors`), from the latest verdict of each
/// member on that hash, counted by the roles they hold now.
pub fn approval_status(
    hash: &str,
    authors: &[String],
    reviews: &[ReviewDto],
    policy: Policy,
    members: &[MemberRoles],
) -> ApprovalStatus {
    // Latest approve / request_changes per reviewer, in review order.
    let mut latest: Vec<(&str, ReviewVerdict)> = Vec::new();
    for r in reviews
        .iter()
        .filter(|r| r.hash == hash && r.verdict != ReviewVerdict::Comment)
    {
        match latest.iter_mut().find(|(u, _)| *u == r.reviewer) {
            Some(slot) => slot.1 = r.verdict,
            None => latest.push((&r.reviewer, r.verdict)),
        }
    }
    let may_count = |u: &str| policy.author_may_approve || !authors.iter().any(|a| a == u);
    let pick = |verdict: ReviewVerdict, role: &[Role], own_ok: bool| -> Vec<String> {
        latest
            .iter()
            .filter(|(u, v)| {
                *v == verdict
                    && roles_of(members, u).iter().any(|r| role.contains(r))
                    && (!own_ok || may_count(u))
            })
            .map(|(u, _)| (*u).to_owned())
            .collect()
    };
    let approved_by = pick(ReviewVerdict::Approve, &[Role::Approver], true);
    let reviewed_by = pick(ReviewVerdict::Approve, &[Role::Reviewer], true);
    let changes_requested_by = pick(
        ReviewVerdict::RequestChanges,
        &[Role::Reviewer, Role::Approver],
        false,
    );
    let mut missing = Vec::new();
    let required = policy.required_approvals;
    if approved_by.len() < usize::from(required) {
        missing.push(format!(
            "{} of {required} approvals from members who hold the approver role now{}",
            approved_by.len(),
            if policy.author_may_approve {
                ""
            } else {
                " (authors' own approvals do not count)"
            }
        ));
    }
    if policy.reviewer_required && reviewed_by.is_empty() {
        missing.push("an approving review by a reviewer".to_owned());
    }
    if !changes_requested_by.is_empty() {
        missing.push(format!(
            "changes requested by {} (until they approve)",
            changes_requested_by.join(", ")
        ));
    }
    ApprovalStatus {
        hash: hash.to_owned(),
        required,
        approved_by,
        reviewer_required: policy.reviewer_required,
        reviewed_by,
        changes_requested_by,
        satisfied: missing.is_empty(),
        missing,
    }
}
