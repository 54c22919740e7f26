//! Triggers: what must happen before a campaign is considered, and route patterns.

use std::fmt;

use crate::condition::Condition;
use crate::error::ModelError;

/// What makes a campaign eligible, on top of its audience.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Considered on every decision.
    Always,
    /// The user is on a page whose path matches.
    Page(RoutePattern),
    /// The user performed the event within `within_ms`, and the message has not been shown
    /// since that occurrence.
    Event {
        /// The tracked event name.
        name: String,
        /// How long the occurrence keeps the trigger armed (a capped message waits this long).
        within_ms: i64,
    },
    /// An element is on the page (a `data-cairn-anchor` name): checked by the SDK, which waits
    /// for it before rendering. `decide` treats it as `Always`.
    Element(String),
    /// The condition went from false to true (a fact threshold crossing), and the message
    /// has not been shown since.
    Fact(Condition),
}

/// A path pattern: `/reports`, `/expenses/:id`, `/settings/*` (`*` at the end matches the
/// rest, including nothing; elsewhere one segment; `:name` one non-empty segment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePattern {
    text: String,
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// Whether `path` (query and fragment ignored) matches the route `pattern` (see
/// [`RoutePattern`]; the pattern is assumed valid). Lean on purpose: the browser SDK uses it.
pub fn route_matches(pattern: &str, path: &str) -> bool {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let mut parts = split(path.get(..end).unwrap_or_default());
    let mut segments = split(pattern).peekable();
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        match (seg, parts.next()) {
            ("*", _) if last => return true,
            ("*", Some(_)) => {}
            (s, Some(_)) if s.starts_with(':') => {}
            (s, Some(p)) if s == p => {}
            _ => return false,
        }
    }
    parts.next().is_none()
}

impl RoutePattern {
    /// Validates a pattern: it starts with `/`, has no query or fragment, at most 300 characters.
    pub fn new(text: &str) -> Result<Self, ModelError> {
        let ok = text.starts_with('/')
            && text.len() <= 300
            && !text.contains(['?', '#', ' '])
            && !text.contains("//")
            && split(text).all(|s| s != ":");
        if !ok {
            return Err(ModelError::InvalidPattern(text.to_owned()));
        }
        Ok(Self {
            text: text.to_owned(),
        })
    }

    /// Whether `path` (query and fragment ignored) matches.
    pub fn matches(&self, path: &str) -> bool {
        route_matches(&self.text, path)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for RoutePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::RoutePattern;

    fn check(pattern: &str, path: &str, expect: bool) {
        let p = RoutePattern::new(pattern).expect("valid pattern");
        assert_eq!(p.matches(path), expect, "{pattern} ~ {path}");
    }

    #[test]
    fn route_patterns() {
        for (pattern, path, expect) in [
            ("/", "/", true),
            ("/", "/reports", false),
            ("/reports", "/reports", true),
            ("/reports", "/reports/", true),
            ("/reports", "/reports?range=month#top", true),
            ("/reports", "/reports/2026", false),
            ("/expenses/:id", "/expenses/42", true),
            ("/expenses/:id", "/expenses", false),
            ("/expenses/:id/edit", "/expenses/42/edit", true),
            ("/settings/*", "/settings", true),
            ("/settings/*", "/settings/team/members", true),
            ("/*/edit", "/x/edit", true),
            ("/*/edit", "/edit", false),
        ] {
            check(pattern, path, expect);
        }
    }

    #[test]
    fn invalid_patterns() {
        for bad in ["reports", "/a?b", "/a#b", "//a", "/a b", "/a/:"] {
            assert!(RoutePattern::new(bad).is_err(), "{bad}");
        }
    }
}
