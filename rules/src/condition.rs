//! The targeting language: conditions over traits and usage, evaluated against [`Facts`].

use std::fmt;

use crate::error::ModelError;
use crate::facts::{Facts, Value};
use crate::time::{Day, Timestamp};

/// A targeting condition. `All(vec![])` always matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// Every child matches.
    All(Vec<Condition>),
    /// At least one child matches.
    Any(Vec<Condition>),
    /// The child does not match.
    Not(Box<Condition>),
    /// A comparison of two operands.
    Compare {
        /// Left-hand side.
        left: Operand,
        /// The comparison.
        op: CmpOp,
        /// Right-hand side.
        right: Operand,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Greater than (numbers only).
    Gt,
    /// Greater than or equal (numbers only).
    Gte,
    /// Less than (numbers only).
    Lt,
    /// Less than or equal (numbers only).
    Lte,
}

/// Whose usage an operand counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The current user only.
    User,
    /// Every user of the account.
    Account,
}

/// The period a usage operand sums over, ending today (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The current UTC day.
    Today,
    /// The last `n` days including today.
    LastDays(u32),
    /// The current calendar month (UTC).
    Month,
    /// Everything retained.
    AllTime,
}

impl Window {
    /// A window of the last `n` days, validated.
    pub fn last_days(n: u32) -> Result<Self, ModelError> {
        if (1..=366).contains(&n) {
            Ok(Window::LastDays(n))
        } else {
            Err(ModelError::InvalidWindow(n))
        }
    }

    fn first_day(self, today: Day) -> Day {
        match self {
            Window::Today => today,
            Window::LastDays(n) => today.minus(i32::try_from(n).unwrap_or(i32::MAX) - 1),
            Window::Month => today.month_start(),
            Window::AllTime => Day(i32::MIN),
        }
    }
}

/// A value a condition compares.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal.
    Literal(Value),
    /// A trait of the user.
    UserTrait(String),
    /// A trait of the account.
    AccountTrait(String),
    /// How often a feature was used in a window.
    Usage {
        /// The feature (a tracked event name).
        feature: String,
        /// The user or the whole account.
        scope: Scope,
        /// The period.
        window: Window,
    },
}

impl Operand {
    fn resolve(&self, facts: &Facts, now: Timestamp) -> Value {
        match self {
            Operand::Literal(v) => v.clone(),
            Operand::UserTrait(k) => facts.user_traits.get(k).cloned().unwrap_or(Value::Null),
            Operand::AccountTrait(k) => facts.account_traits.get(k).cloned().unwrap_or(Value::Null),
            Operand::Usage {
                feature,
                scope,
                window,
            } => {
                let usage = match scope {
                    Scope::User => &facts.user_usage,
                    Scope::Account => &facts.account_usage,
                };
                let today = now.day();
                Value::Number(usage.sum(feature, window.first_day(today), today) as f64)
            }
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Literal(v) => write!(f, "{v}"),
            Operand::UserTrait(k) => write!(f, "user trait {k}"),
            Operand::AccountTrait(k) => write!(f, "account trait {k}"),
            Operand::Usage {
                feature,
                scope,
                window,
            } => {
                let who = match scope {
                    Scope::User => "user",
                    Scope::Account => "account",
                };
                let when = match window {
                    Window::Today => "today".to_owned(),
                    Window::LastDays(n) => format!("in the last {n} days"),
                    Window::Month => "this month".to_owned(),
                    Window::AllTime => "ever".to_owned(),
                };
                write!(f, "{who} uses of {feature} {when}")
            }
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "≠",
            CmpOp::Gt => ">",
            CmpOp::Gte => "≥",
            CmpOp::Lt => "<",
            CmpOp::Lte => "≤",
        })
    }
}

fn compare(left: &Value, op: CmpOp, right: &Value) -> bool {
    match op {
        CmpOp::Eq => left == right,
        CmpOp::Ne => left != right,
        _ => match (left, right) {
            // Ordering is defined on numbers only; anything else (a missing trait) fails closed.
            (Value::Number(a), Value::Number(b)) => match op {
                CmpOp::Gt => a > b,
                CmpOp::Gte => a >= b,
                CmpOp::Lt => a < b,
                _ => a <= b,
            },
            _ => false,
        },
    }
}

impl Condition {
    /// Always true.
    pub fn always() -> Self {
        Condition::All(Vec::new())
    }

    /// `Ok(())` when the condition holds; otherwise an explanation of the first failing leaf.
    pub fn check(&self, facts: &Facts, now: Timestamp) -> Result<(), String> {
        match self {
            Condition::All(children) => children.iter().try_for_each(|c| c.check(facts, now)),
            Condition::Any(children) => {
                let mut first_failure = None;
                for c in children {
                    match c.check(facts, now) {
                        Ok(()) => return Ok(()),
                        Err(e) => {
                            first_failure.get_or_insert(e);
                        }
                    }
                }
                Err(first_failure.unwrap_or_else(|| "no alternative in `any`".to_owned()))
            }
            Condition::Not(inner) => match inner.check(facts, now) {
                Ok(()) => Err(format!("not ({})", inner.describe())),
                Err(_) => Ok(()),
            },
            Condition::Compare { left, op, right } => {
                let (l, r) = (left.resolve(facts, now), right.resolve(facts, now));
                if compare(&l, *op, &r) {
                    Ok(())
                } else {
                    Err(format!("{left} ({l}) {op} {right} ({r}) is false"))
                }
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Condition::All(c) => format!("all of {} conditions", c.len()),
            Condition::Any(c) => format!("any of {} conditions", c.len()),
            Condition::Not(inner) => format!("not ({})", inner.describe()),
            Condition::Compare { left, op, right } => format!("{left} {op} {right}"),
        }
    }
}
