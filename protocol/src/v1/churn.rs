//! Marking an account churned or contracted through the admin API: the account traits
//! `churned_on` / `contracted_on` (`YYYY-MM-DD`, or null to clear) need a `churn_reason` from
//! the workspace's list (settings `churn_reasons`, else [`DEFAULT_CHURN_REASONS`]), never
//! free text alone; `churn_note` may add words.

use rules::{Traits, Value};

use super::campaign::invalid;
use super::settings::WorkspaceSettings;
use crate::error::{ErrorCode, Problem};

/// The reasons a workspace offers when it defines none.
pub const DEFAULT_CHURN_REASONS: [&str; 8] = [
    "price",
    "missing features",
    "poor adoption",
    "champion left",
    "budget cuts",
    "switched to a competitor",
    "acquired or merged",
    "other",
];

impl WorkspaceSettings {
    /// The workspace's churn reasons.
    pub fn churn_reasons(&self) -> Vec<String> {
        if self.churn_reasons.is_empty() {
            DEFAULT_CHURN_REASONS.map(str::to_owned).to_vec()
        } else {
            self.churn_reasons.clone()
        }
    }
}

/// Checks the churn traits among admin `traits` against the workspace's `reasons`.
pub fn check_churn_traits(traits: &Traits, reasons: &[String]) -> Result<(), Problem> {
    let mut marking = false;
    for key in ["churned_on", "contracted_on"] {
        match traits.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Text(t)) if super::parse_day(key, t).is_ok() => marking = true,
            Some(_) => return Err(invalid(key, "a date as YYYY-MM-DD, or null to clear")),
        }
    }
    match traits.get("churn_reason") {
        Some(Value::Text(r)) if reasons.iter().any(|x| x == r) => Ok(()),
        Some(Value::Null) | None if !marking => Ok(()),
        None => Err(Problem::new(
            ErrorCode::MissingField,
            "churn_reason",
            format!("marking an account needs a reason: {}", reasons.join(", ")),
        )),
        Some(_) => Err(invalid(
            "churn_reason",
            format!("one of the workspace's reasons: {}", reasons.join(", ")),
        )),
    }
}

/// Checks the settings' own list: at most 30 unique reasons of 1-60 characters.
pub(crate) fn check_reasons(reasons: &[String]) -> Result<(), Problem> {
    let bad = reasons.len() > 30
        || reasons
            .iter()
            .enumerate()
            .any(|(i, r)| r.trim().is_empty() || r.len() > 60 || reasons[..i].contains(r));
    if bad {
        return Err(invalid(
            "churn_reasons",
            "at most 30 unique reasons of 1-60 characters",
        ));
    }
    Ok(())
}
