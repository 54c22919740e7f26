//! Pure helpers of the console: the campaign document editor's validation (with `protocol`,
//! exactly as the edge validates), role and state labels, and short forms for display.

use protocol::Problem;
use protocol::v1::control::{
    CampaignDto, DocumentBody, DraftBody, HashBody, ReviewBody, ReviewVerdict, RevisionState, Role,
    WorkspaceRef,
};
use serde_json::value::RawValue;

/// The editor's verdict on the text being typed: `None` when the document is valid.
pub(crate) fn check(text: &str) -> Option<Problem> {
    protocol::v1::parse_campaign(text).err()
}

/// A problem as one line: `at audience.all[1]: message` (or the message alone).
pub(crate) fn describe(p: &Problem) -> String {
    if p.field.is_empty() {
        p.message.clone()
    } else {
        format!("at {}: {}", p.field, p.message)
    }
}

/// A stored document (compact JSON) laid out for editing.
pub(crate) fn pretty(raw: &RawValue) -> String {
    serde_json::from_str::<serde_json::Value>(raw.get())
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| raw.get().to_owned())
}

/// The draft `text` as a request's `document`, once `protocol` finds it valid; else why not
/// (at `document.<path>`).
fn document(text: &str) -> Result<Box<RawValue>, Problem> {
    if let Some(p) = check(text) {
        return Err(p.within("document"));
    }
    RawValue::from_string(text.to_owned()).map_err(|e| {
        Problem::new(
            protocol::ErrorCode::MalformedJson,
            "document",
            e.to_string(),
        )
    })
}

/// The body of `PUT …/draft`, or why the text cannot be sent.
pub(crate) fn draft_body(text: &str, base_hash: Option<String>) -> Result<String, Problem> {
    Ok(protocol::v1::control::to_text(&DraftBody {
        document: document(text)?,
        base_hash,
        checked: None,
    }))
}

/// The document a new campaign starts from.
pub(crate) const STARTER: &str = r#"{
  "id": "new-campaign",
  "surface": "banner",
  "recurrence": "until_dismissed",
  "content": {
    "title": "Something new",
    "body": "Tell your users what it does for them."
  }
}"#;

/// The body of `POST …/campaigns`, or why the text cannot be sent.
pub(crate) fn create_body(text: &str) -> Result<String, Problem> {
    Ok(protocol::v1::control::to_text(&DocumentBody {
        document: document(text)?,
        checked: None,
    }))
}

/// The id of a valid campaign document.
pub(crate) fn id_of(text: &str) -> Option<String> {
    protocol::v1::parse_campaign(text).ok().map(|(d, _)| d.id)
}

/// Whether a campaign passes the list's filters: its status (`""`: any) and a search in its
/// id, surface and category (ASCII lower case: they are ASCII; `""`: all).
pub(crate) fn matches(c: &CampaignDto, status: &str, search: &str) -> bool {
    (status.is_empty() || c.status == status)
        && (search.is_empty()
            || [c.id.as_str(), c.surface.as_str(), category(c)]
                .iter()
                .any(|s| s.to_ascii_lowercase().contains(search)))
}

/// The body of submit, withdraw and publish.
pub(crate) fn hash_body(hash: &str) -> String {
    protocol::v1::control::to_text(&HashBody {
        hash: hash.to_owned(),
    })
}

/// The body of a review.
pub(crate) fn review_body(hash: &str, verdict: ReviewVerdict, comment: &str) -> String {
    protocol::v1::control::to_text(&ReviewBody {
        hash: hash.to_owned(),
        verdict,
        comment: comment.trim().to_owned(),
    })
}

/// A revision state for people.
pub(crate) fn state_label(s: RevisionState) -> &'static str {
    match s {
        RevisionState::Draft => "Draft",
        RevisionState::InReview => "In review",
        RevisionState::ChangesRequested => "Changes requested",
        RevisionState::Published => "Published",
    }
}

/// A verdict for people.
pub(crate) fn verdict_label(v: ReviewVerdict) -> &'static str {
    match v {
        ReviewVerdict::Approve => "Approved",
        ReviewVerdict::RequestChanges => "Requested changes",
        ReviewVerdict::Comment => "Commented",
    }
}

/// A diff operation for people.
pub(crate) fn op_label(op: &str) -> &'static str {
    match op {
        "add" => "Added",
        "remove" => "Removed",
        _ => "Changed",
    }
}

/// A role for people.
pub(crate) fn role_label(r: Role) -> &'static str {
    match r {
        Role::Owner => "Owner",
        Role::Admin => "Admin",
        Role::Editor => "Editor",
        Role::Reviewer => "Reviewer",
        Role::Approver => "Approver",
        Role::Executor => "Executor",
        Role::Viewer => "Viewer",
    }
}

/// A campaign's status (the API's word) for people: `in_review` → `In review`.
pub(crate) fn status_label(status: &str) -> String {
    let spaced = status.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map_or_else(String::new, |first| {
        // ASCII only: Unicode case tables would add ~24 KB to the console's wasm.
        std::iter::once(first.to_ascii_uppercase())
            .chain(chars)
            .collect()
    })
}

/// The roles of a workspace, for people.
pub(crate) fn roles_text(ws: &WorkspaceRef) -> String {
    ws.roles
        .iter()
        .map(|r| role_label(*r))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The category of a campaign in lists.
pub(crate) fn category(c: &CampaignDto) -> &str {
    c.category.as_deref().unwrap_or("general")
}

/// A content hash, shortened for display.
pub(crate) fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"{"id":"hello","surface":"banner","recurrence":"once",
        "content":{"title":"Hello","body":"New reports are here."}}"#;

    #[test]
    fn the_editor_names_the_field_of_each_problem() {
        assert_eq!(check(VALID), None);
        let cases = [
            (r#"{"id":"hello","#, ""),
            (
                r#"{"id":"hello","surface":"banner","recurrence":"once","content":{"title":"t","body":"b"},"bogus":1}"#,
                "bogus",
            ),
            (
                r#"{"id":"hello","surface":"banner","recurrence":"once","content":{"title":"t","body":"b"},"delay_seconds":"soon"}"#,
                "delay_seconds",
            ),
        ];
        for (text, field) in cases {
            let p = check(text).expect("a problem");
            assert_eq!(p.field, field, "{text}: {p:?}");
            assert!(describe(&p).contains(&p.message));
        }
    }

    #[test]
    fn bodies_carry_the_document_and_hashes() {
        let body = draft_body(VALID, Some("ab".repeat(32))).expect("valid");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["document"]["id"], "hello");
        let bad = draft_body("{", None).expect_err("invalid");
        assert_eq!(bad.field, "document");
        let created: serde_json::Value =
            serde_json::from_str(&create_body(VALID).expect("valid")).expect("json");
        assert_eq!(created["document"]["surface"], "banner");
        assert!(created.get("base_hash").is_none());
        let bad = create_body(r#"{"id":"x","surface":"banner","recurrence":"once","content":{"title":"t","body":"b"},"delay_seconds":-1}"#)
            .expect_err("invalid");
        assert_eq!(bad.field, "document.delay_seconds");
        assert_eq!(id_of(VALID).as_deref(), Some("hello"));
        assert!(hash_body("ff").contains("ff"));
        assert!(review_body("ff", ReviewVerdict::RequestChanges, " why ").contains("why"));
    }

    #[test]
    fn the_list_filters_by_status_and_searches_id_surface_and_category() {
        let c = CampaignDto {
            id: "Upgrade-Banner".into(),
            surface: "banner".into(),
            category: Some("upgrade".into()),
            status: "live".into(),
            live: None,
            working: None,
            archived: false,
            created_by: "u".into(),
            created_at: 0,
            updated_at: 0,
            updated_by: "u".into(),
        };
        let cases = [
            ("", "", true),
            ("live", "", true),
            ("draft", "", false),
            ("", "upgrade-b", true),
            ("", "bann", true),
            ("live", "upgr", true),
            ("", "modal", false),
            ("paused", "banner", false),
        ];
        for (status, search, expected) in cases {
            assert_eq!(
                matches(&c, status, search),
                expected,
                "{status:?} {search:?}"
            );
        }
    }

    #[test]
    fn labels() {
        assert_eq!(status_label("in_review"), "In review");
        assert_eq!(status_label(""), "");
        assert_eq!(short("0123456789abcdef"), "0123456789ab");
        assert_eq!(
            state_label(RevisionState::ChangesRequested),
            "Changes requested"
        );
    }
}
