//! Campaigns as versioned documents on the wire: the stored record (revisions, reviews, the
//! live pointer), request bodies (drafts, reviews, publish, rollback), answers, and the
//! canonical form of a document that its content hash is computed over.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;

use super::Checked;
use crate::error::{ErrorCode, Problem};

/// Where a revision stands. `approved` is never stored: it is an `in_review` revision whose
/// policy is met now (the approvers' roles are read at every check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevisionState {
    /// Editable.
    Draft,
    /// Submitted for review.
    InReview,
    /// A reviewer asked for changes; editable.
    ChangesRequested,
    /// Was published; immutable.
    Published,
}

/// A revision's metadata (its document is stored apart).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RevisionDto {
    /// 1, 2, …
    pub number: u32,
    /// SHA-256 (hex) of the canonical document.
    pub hash: String,
    /// Where it stands.
    pub state: RevisionState,
    /// Everyone who edited it (user ids).
    pub authors: Vec<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last submitted (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<i64>,
    /// First published (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<i64>,
    /// First published by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
    /// The document, in the answer of `GET …/revisions/{n}` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Box<RawValue>>,
}

/// A review's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewVerdict {
    /// Approve (counts for the reviewer step or as an approval, by the member's roles).
    Approve,
    /// Ask for changes: blocks publishing.
    RequestChanges,
    /// A comment only.
    Comment,
}

/// A review, bound to the hash it judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDto {
    /// `rev_…`.
    pub id: String,
    /// The revision number.
    pub revision: u32,
    /// The hash it judged.
    pub hash: String,
    /// Reviewer (user id).
    pub reviewer: String,
    /// Verdict.
    pub verdict: ReviewVerdict,
    /// Comment.
    pub comment: String,
    /// When (ms).
    pub created_at: i64,
    /// In answers: its hash is not the working revision's (an edit voided it).
    #[serde(default)]
    pub void: bool,
}

/// Whether the live revision is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// In the data plane.
    Live,
    /// Taken off, can resume.
    Paused,
}

/// The live pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveDto {
    /// Revision number.
    pub revision: u32,
    /// Shown or paused.
    pub state: LiveState,
}

/// A campaign's control record (stored as one JSON document per campaign).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CampaignRecord {
    /// The document's `id`.
    pub id: String,
    /// Surface of the latest revision.
    pub surface: String,
    /// Category of the latest revision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Revisions, oldest first.
    pub revisions: Vec<RevisionDto>,
    /// Reviews, oldest first.
    pub reviews: Vec<ReviewDto>,
    /// The live revision.
    pub live: Option<LiveDto>,
    /// The working revision's number.
    pub working: Option<u32>,
    /// Archived: off for good (a new draft may still be published).
    pub archived: bool,
    /// Creator.
    pub created_by: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Last changed by.
    pub updated_by: String,
}

/// The working revision in a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingDto {
    /// Revision number.
    pub revision: u32,
    /// Its state.
    pub state: RevisionState,
    /// Its hash.
    pub hash: String,
    /// In review with the policy met now.
    pub approved: bool,
}

/// A campaign in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDto {
    /// Id.
    pub id: String,
    /// Surface.
    pub surface: String,
    /// Category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// `archived`, the working state (`approved` when met), the live state, or `off`.
    pub status: String,
    /// Live pointer.
    pub live: Option<LiveDto>,
    /// Working revision.
    pub working: Option<WorkingDto>,
    /// Archived.
    pub archived: bool,
    /// Creator.
    pub created_by: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last change (ms).
    pub updated_at: i64,
    /// Last changed by.
    pub updated_by: String,
}

/// `GET …/campaigns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignList {
    /// The workspace's campaigns.
    pub campaigns: Vec<CampaignDto>,
}

/// What the policy says of the working revision now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalStatus {
    /// The hash judged.
    pub hash: String,
    /// Approvals needed.
    pub required: u8,
    /// Who approved, counted.
    pub approved_by: Vec<String>,
    /// Whether a reviewer's approval is needed.
    pub reviewer_required: bool,
    /// Reviewers who approved, counted.
    pub reviewed_by: Vec<String>,
    /// Who asked for changes (blocking).
    pub changes_requested_by: Vec<String>,
    /// Publishable by the policy.
    pub satisfied: bool,
    /// What is missing, in sentences.
    pub missing: Vec<String>,
}

/// `GET …/campaigns/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CampaignDetail {
    /// Summary.
    pub campaign: CampaignDto,
    /// Revisions.
    pub revisions: Vec<RevisionDto>,
    /// Reviews, with `void`.
    pub reviews: Vec<ReviewDto>,
    /// The working revision's approval status.
    pub approval: Option<ApprovalStatus>,
    /// The working revision's document.
    pub working_document: Option<Box<RawValue>>,
    /// The live revision's document.
    pub live_document: Option<Box<RawValue>>,
}

/// `POST …/campaigns`: a document, validated like the edge validates it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// The campaign document.
    pub document: Box<RawValue>,
    /// After `check`: the canonical text, id, surface and category.
    #[serde(skip)]
    pub checked: Option<CheckedDocument>,
}

/// A validated campaign document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedDocument {
    /// Canonical JSON text (keys sorted, compact): what the hash covers and D1 stores.
    pub canonical: String,
    /// `id`.
    pub id: String,
    /// `surface`.
    pub surface: String,
    /// `category`.
    pub category: Option<String>,
}

fn check_document(doc: &RawValue) -> Result<CheckedDocument, Problem> {
    let (parsed, _) = crate::v1::parse_campaign(doc.get()).map_err(|p| p.within("document"))?;
    crate::v1::check_metrics(&parsed.content)
        .map_err(|p| p.within("content").within("document"))?;
    let value: Value = serde_json::from_str(doc.get())
        .map_err(|e| Problem::new(ErrorCode::MalformedJson, "document", e.to_string()))?;
    let field = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(CheckedDocument {
        canonical: canonical_document(&value),
        id: parsed.id,
        surface: field("surface").unwrap_or_default(),
        category: field("category"),
    })
}

impl Checked for DocumentBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.checked = Some(check_document(&self.document)?);
        Ok(self)
    }
}

/// `PUT …/campaigns/{id}/draft`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftBody {
    /// The new document.
    pub document: Box<RawValue>,
    /// The working revision's hash this edit is based on.
    #[serde(default)]
    pub base_hash: Option<String>,
    /// After `check`.
    #[serde(skip)]
    pub checked: Option<CheckedDocument>,
}

impl Checked for DraftBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.checked = Some(check_document(&self.document)?);
        Ok(self)
    }
}

/// `POST …/submit`, `/withdraw`, `/publish`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HashBody {
    /// The working revision's hash as the caller saw it.
    pub hash: String,
}

impl Checked for HashBody {
    fn check(self) -> Result<Self, Problem> {
        check_hash("hash", &self.hash)?;
        Ok(self)
    }
}

fn check_hash(field: &str, h: &str) -> Result<(), Problem> {
    if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Problem::new(
            ErrorCode::InvalidValue,
            field,
            "a SHA-256 in hex",
        ))
    }
}

/// `POST …/reviews`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// The hash judged.
    pub hash: String,
    /// Verdict.
    pub verdict: ReviewVerdict,
    /// Comment (≤ 2000 characters; required for `comment`).
    #[serde(default)]
    pub comment: String,
}

impl Checked for ReviewBody {
    fn check(mut self) -> Result<Self, Problem> {
        check_hash("hash", &self.hash)?;
        self.comment = self.comment.trim().to_owned();
        if self.comment.chars().count() > 2000 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "comment",
                "at most 2000 characters",
            ));
        }
        if self.verdict == ReviewVerdict::Comment && self.comment.is_empty() {
            return Err(Problem::new(
                ErrorCode::MissingField,
                "comment",
                "a comment needs text",
            ));
        }
        Ok(self)
    }
}

/// `POST …/rollback`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    /// The published revision to make live (default: the one live before).
    #[serde(default)]
    pub revision: Option<u32>,
    /// Skip review (owners only; needs `reason`).
    #[serde(default)]
    pub emergency: bool,
    /// Why (required with `emergency`).
    #[serde(default)]
    pub reason: String,
}

impl Checked for RollbackBody {
    fn check(mut self) -> Result<Self, Problem> {
        self.reason = self.reason.trim().to_owned();
        if self.emergency && self.reason.is_empty() {
            return Err(Problem::new(
                ErrorCode::MissingField,
                "reason",
                "an emergency rollback needs a reason",
            ));
        }
        if self.reason.chars().count() > 500 {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "reason",
                "at most 500 characters",
            ));
        }
        Ok(self)
    }
}

/// The canonical text of a JSON value: object keys sorted, no whitespace.
pub fn canonical_document(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The canonical text of a stored settings (or any JSON) document; invalid text is kept as
/// it is.
pub fn canonical_settings(text: &str) -> String {
    serde_json::from_str::<Value>(text).map_or_else(|_| text.to_owned(), |v| canonical_document(&v))
}

/// A stored JSON text as a raw value for answers.
pub fn raw(text: &str) -> Result<Box<RawValue>, Problem> {
    RawValue::from_string(text.to_owned())
        .map_err(|e| Problem::new(ErrorCode::Internal, "", format!("stored JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v1::control::parse_body;

    #[test]
    fn documents_are_validated_with_paths_and_made_canonical() {
        let body: DocumentBody = parse_body(
            r#"{"document":{"surface":"banner","id":"hi","recurrence":"once","content":{"title":"T","body":"B"}}}"#,
        )
        .expect("valid");
        let c = body.checked.expect("checked");
        assert_eq!(
            c.canonical,
            r#"{"content":{"body":"B","title":"T"},"id":"hi","recurrence":"once","surface":"banner"}"#
        );
        assert_eq!((c.id.as_str(), c.surface.as_str()), ("hi", "banner"));
        let e = parse_body::<DocumentBody>(r#"{"document":{"id":"hi","surface":"nope","recurrence":"once","content":{"title":"T"}}}"#)
            .expect_err("bad surface");
        assert_eq!(e.field, "document.surface");
    }

    #[test]
    fn rollback_and_review_bodies() {
        let e = parse_body::<RollbackBody>(r#"{"emergency":true}"#).expect_err("no reason");
        assert_eq!(
            (e.code, e.field.as_str()),
            (ErrorCode::MissingField, "reason")
        );
        let e = parse_body::<ReviewBody>(r#"{"hash":"x","verdict":"approve"}"#).expect_err("hash");
        assert_eq!(e.field, "hash");
        let h = "a".repeat(64);
        let e = parse_body::<ReviewBody>(&format!(r#"{{"hash":"{h}","verdict":"comment"}}"#))
            .expect_err("empty comment");
        assert_eq!(e.field, "comment");
    }
}
