//! `SdkError`: everything that can go wrong inside the SDK, never thrown into the host page.

use wasm_bindgen::JsValue;

/// An SDK failure. Fire-and-forget calls only log these (with `debug: true`); `init` rejects.
#[derive(Debug, thiserror::Error)]
pub enum SdkError {
    /// An `init` option is missing or has the wrong type; names the option.
    #[error("cairn: invalid option `{0}`")]
    InvalidOption(&'static str),
    /// An argument of a call is missing or has the wrong type; names the argument.
    #[error("cairn: invalid argument `{0}`")]
    InvalidArgument(&'static str),
    /// The encoded event exceeds the edge's per-event limit.
    #[error("cairn: event larger than 32 KB, not sent")]
    EventTooLarge,
    /// A call arrived before `init`.
    #[error("cairn: call before init")]
    NotInitialized,
    /// `init` was called twice.
    #[error("cairn: already initialised")]
    AlreadyInitialized,
    /// A browser API failed or threw.
    #[error("cairn: browser API failed")]
    Js(JsValue),
}

impl SdkError {
    /// The message as a `String`, built without `core::fmt` (keeps the wasm module small).
    pub fn message(&self) -> String {
        let (text, name) = match self {
            SdkError::InvalidOption(name) => ("cairn: invalid option ", *name),
            SdkError::InvalidArgument(name) => ("cairn: invalid argument ", *name),
            SdkError::EventTooLarge => ("cairn: event larger than 32 KB, not sent", ""),
            SdkError::NotInitialized => ("cairn: call before init", ""),
            SdkError::AlreadyInitialized => ("cairn: already initialised", ""),
            SdkError::Js(_) => ("cairn: browser API failed", ""),
        };
        [text, name].concat()
    }
}

impl From<JsValue> for SdkError {
    fn from(value: JsValue) -> Self {
        SdkError::Js(value)
    }
}
