//! `AppError`: every failure of the edge, mapped to an HTTP status and a JSON body.

use protocol::v1::Rejected;
use protocol::{ErrorCode, Problem};

/// A failure while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The client sent something we refuse: 4xx with a stable code and the field.
    #[error(transparent)]
    Rejected(#[from] Problem),
    /// Every event of a batch was refused: 400 with the first reason and all rejections.
    #[error("every event of the batch was rejected")]
    AllRejected(Vec<Rejected>),
    /// A limit was reached: 429 with the problem and `Retry-After` (seconds).
    #[error("{0}")]
    Limited(Problem, u32),
    /// Storage or runtime failure on our side: 500, details logged only.
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// Status code and JSON body of the response for this error.
    pub fn status_and_body(&self) -> (u16, String) {
        match self {
            AppError::Rejected(p) | AppError::Limited(p, _) => (p.code.http_status(), p.to_body()),
            AppError::AllRejected(rejected) => {
                let first = rejected.first().map_or_else(
                    || Problem::new(ErrorCode::InvalidValue, "events", "no event was accepted"),
                    |r| {
                        Problem::new(
                            ErrorCode::parse(&r.code),
                            r.field.clone(),
                            r.message.clone(),
                        )
                    },
                );
                (400, first.to_body_with(rejected))
            }
            AppError::Internal(_) => (
                500,
                Problem::new(
                    ErrorCode::Internal,
                    "",
                    "internal error; it has been logged",
                )
                .to_body(),
            ),
        }
    }

    /// Seconds the client should wait, for a 429.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            AppError::Limited(_, s) => Some(*s),
            _ => None,
        }
    }

    /// A 4xx problem in one call.
    pub fn problem(code: ErrorCode, field: &str, message: &str) -> Self {
        AppError::Rejected(Problem::new(code, field, message))
    }
}

impl From<worker::Error> for AppError {
    fn from(e: worker::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}
