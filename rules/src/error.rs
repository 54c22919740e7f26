//! Errors raised when constructing validated domain values (never by `decide`).

/// A domain value failed validation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// An identifier is empty, too long, or uses characters outside `[A-Za-z0-9_.:-]`.
    #[error("invalid identifier {0:?}: use 1-64 characters from A-Z a-z 0-9 _ . : -")]
    InvalidId(String),
    /// A window of days is zero or longer than the retained history.
    #[error("invalid window of {0} days: use 1-366")]
    InvalidWindow(u32),
    /// A priority is outside the accepted range.
    #[error("invalid priority {0}: use 0-1000")]
    InvalidPriority(u32),
    /// A route pattern does not start with `/` or contains a query, fragment, space or `//`.
    #[error("invalid route pattern {0:?}: use a path such as /expenses/:id or /settings/*")]
    InvalidPattern(String),
    /// Experiment settings are out of range.
    #[error("invalid experiment: {0}")]
    InvalidExperiment(&'static str),
}
