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
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
    Star,
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

impl RoutePattern {
    /// Validates a pattern: it starts with `/`, has no query or fragment, at most 300 characters.
    pub fn new(text: &str) -> Result<Self, ModelError> {
        let ok = text.starts_with('/')
            && text.len() <= 300
            && !text.contains(['?', '#', ' '])
            && !text.contains("//");
        if !ok {
            return Err(ModelError::InvalidPattern(text.to_owned()));
        }
        let segments = split(text)
            .map(|s| match s {
                "*" => Segment::Star,
                p if p.starts_with(':') && p.len() > 1 => Segment::Param,
                lit => Segment::Literal(lit.to_owned()),
            })
            .collect();
        Ok(Self {
            text: text.to_owned(),
            segments,
        })
    }

    /// Whether `path` (query and fragment ignored) matches.
    pub fn matches(&self, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let parts: Vec<&str> = split(path).collect();
        let last = self.segments.len().saturating_sub(1);
        for (i, seg) in self.segments.iter().enumerate() {
            match (seg, parts.get(i)) {
                (Segment::Star, _) if i == last => return true,
                (Segment::Star | Segment::Param, Some(_)) => {}
                (Segment::Literal(l), Some(p)) if l == p => {}
                _ => return false,
            }
        }
        parts.len() == self.segments.len()
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
        for bad in ["reports", "/a?b", "/a#b", "//a", "/a b"] {
            assert!(RoutePattern::new(bad).is_err(), "{bad}");
        }
    }
}
