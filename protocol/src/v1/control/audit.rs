//! The audit log on the wire: entries (who, when, what, on which target, hashes before and
//! after), a page of them, and their CSV export.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Actor {
    /// A console user.
    User {
        /// Their id.
        user_id: String,
        /// Their email.
        email: String,
    },
    /// A secret key of the admin API (by id, never the secret).
    Key {
        /// The key's id.
        secret_key: String,
    },
}

impl Actor {
    fn label(&self) -> String {
        match self {
            Actor::User { email, .. } => email.clone(),
            Actor::Key { secret_key } => format!("secret key {secret_key}"),
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Increasing sequence number (0 before it is stored).
    pub seq: i64,
    /// When (ms).
    pub at: i64,
    /// Who.
    pub actor: Actor,
    /// What, e.g. `campaign.publish`.
    pub action: String,
    /// On what, e.g. `campaign:upgrade`.
    pub target: String,
    /// Hash of the target before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_hash: Option<String>,
    /// Hash of the target after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_hash: Option<String>,
    /// Details (never a secret).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub detail: BTreeMap<String, String>,
    /// An emergency action that skipped review.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub emergency: bool,
}

/// `GET …/audit`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `cursor` for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<i64>,
}

fn csv_cell(s: &str) -> String {
    // Cells starting like a formula are prefixed, so spreadsheets show them as text.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The entries as CSV (a header row, then one row each).
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut out =
        String::from("seq,at,actor,action,target,before_hash,after_hash,emergency,detail\r\n");
    for e in entries {
        let row = [
            e.seq.to_string(),
            e.at.to_string(),
            e.actor.label(),
            e.action.clone(),
            e.target.clone(),
            e.before_hash.clone().unwrap_or_default(),
            e.after_hash.clone().unwrap_or_default(),
            e.emergency.to_string(),
            e.detail
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let e = AuditEntry {
            seq: 3,
            at: 10,
            actor: Actor::User {
                user_id: "u".into(),
                email: "a@b.c".into(),
            },
            action: "campaign.review".into(),
            target: "campaign:x".into(),
            before_hash: None,
            after_hash: Some("h".into()),
            detail: BTreeMap::from([("comment".to_owned(), "=1+1, \"ok\"".to_owned())]),
            emergency: false,
        };
        let csv = audit_csv(&[e]);
        let row = csv.lines().nth(1).expect("a row");
        assert!(
            row.starts_with("3,10,a@b.c,campaign.review,campaign:x,,h,false,"),
            "{row}"
        );
        assert!(row.ends_with(r#",false,"comment==1+1, ""ok""""#), "{row}");
        assert_eq!(csv_cell("=cmd"), "'=cmd");
    }
}
