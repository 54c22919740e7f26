//! `GuidesError`: why a message could not be rendered. Never thrown into the host page.

use wasm_bindgen::JsValue;

/// A rendering failure; the message is skipped (and may come back with the next decision).
#[derive(Debug, thiserror::Error)]
pub enum GuidesError {
    /// The page has no `<body>` to hold the messages' host yet.
    #[error("cairn: the page has no body")]
    NoBody,
    /// A tooltip's or tour step's anchor element is not on the page, or a step is missing.
    #[error("cairn: missing anchor or step `{0}`")]
    Missing(&'static str),
    /// A browser API failed or threw.
    #[error("cairn: browser API failed")]
    Js(JsValue),
}

impl From<JsValue> for GuidesError {
    fn from(value: JsValue) -> Self {
        GuidesError::Js(value)
    }
}
