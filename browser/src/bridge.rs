//! The calls between the SDK's core and guides modules, relayed by `pkg/src/index.js`:
//! the core hands decisions and route changes to the guides, the guides hand back what the
//! user did with a message, which the core records as events.

use protocol::v1::MessageAction;

/// Core → guides: a batch response whose decision carries messages (the body as parsed),
/// with the values of messages' variables, `{ user: { id, …traits }, account: { … } }`.
pub const DECISION: u32 = 0;
/// Core → guides: the page's path changed (messages bound to a route may have to go).
pub const ROUTE: u32 = 1;

/// Guides → core: what happened to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// Shown, clicked, dismissed or snoozed.
    Action(MessageAction),
    /// A tour reached step `n` (0-based).
    Step(u32),
    /// A survey was answered.
    Survey {
        /// 0–10.
        score: u32,
        /// The optional comment.
        comment: Option<String>,
    },
}

const ACTIONS: [MessageAction; 4] = [
    MessageAction::Shown,
    MessageAction::Clicked,
    MessageAction::Dismissed,
    MessageAction::Snoozed,
];

impl Report {
    /// `(kind, number, comment)`, the arguments that cross between the modules.
    pub fn parts(&self) -> (u32, u32, Option<&str>) {
        match self {
            Report::Action(a) => {
                let code = ACTIONS.iter().position(|x| x == a).unwrap_or(0);
                (0, u32::try_from(code).unwrap_or(0), None)
            }
            Report::Step(n) => (1, *n, None),
            Report::Survey { score, comment } => (2, *score, comment.as_deref()),
        }
    }

    /// The report `parts` made; `None` for anything else.
    pub fn from_parts(kind: u32, n: u32, comment: Option<String>) -> Option<Self> {
        match kind {
            0 => ACTIONS
                .get(usize::try_from(n).ok()?)
                .map(|a| Report::Action(*a)),
            1 => Some(Report::Step(n)),
            2 => Some(Report::Survey { score: n, comment }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(report: Report) {
        let (kind, n, comment) = report.parts();
        let back = Report::from_parts(kind, n, comment.map(str::to_owned));
        assert_eq!(back, Some(report));
    }

    #[test]
    fn reports_cross_the_bridge_unchanged() {
        for a in ACTIONS {
            check(Report::Action(a));
        }
        check(Report::Step(3));
        check(Report::Survey {
            score: 9,
            comment: Some("great".into()),
        });
        check(Report::Survey {
            score: 0,
            comment: None,
        });
        assert_eq!(Report::from_parts(0, 4, None), None);
        assert_eq!(Report::from_parts(7, 0, None), None);
    }
}
