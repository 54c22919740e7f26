//! Cairn's wire protocol: versioned DTOs, their validation, and conversion into `rules` types.
//!
//! This is the only crate that knows JSON field names. DTOs (`*Dto`) mirror the JSON;
//! validated domain values (`Event`, `rules::Campaign`, …) are what the rest of the system uses.
//! Every validation failure is a [`Problem`] with a stable [`ErrorCode`] and the path of the
//! offending field, e.g. `events[3].timestamp`.

mod error;
mod json;
mod json_path;
pub mod v1;

pub use error::{ErrorCode, Problem};
pub use json::escape_json_string;
