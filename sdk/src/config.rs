//! `init` options: reading and validating the JS object the host page passes in.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::SdkError;
use browser::js::get;

/// Validated `init` options.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) write_key: String,
    /// `<endpoint>/v1/events`.
    pub(crate) events_url: String,
    pub(crate) user_id: String,
    pub(crate) user_traits: Option<JsValue>,
    /// The vendor backend's HMAC of the user id (`user.hash`), for invites and approvals.
    pub(crate) user_hash: Option<String>,
    pub(crate) account_id: String,
    pub(crate) account_traits: Option<JsValue>,
    pub(crate) flush_at: Option<usize>,
    pub(crate) flush_interval_ms: Option<f64>,
    pub(crate) debug: bool,
}

impl Options {
    /// Reads `{ writeKey, endpoint, user: { id, traits?, hash? }, account: { id, traits? },
    /// flushAt?, flushIntervalMs?, debug? }`.
    pub(crate) fn parse(options: &JsValue) -> Result<Self, SdkError> {
        if !options.is_object() {
            return Err(SdkError::InvalidOption("options"));
        }
        let write_key = get(options, "writeKey")
            .as_string()
            .filter(|k| !k.is_empty())
            .ok_or(SdkError::InvalidOption("writeKey"))?;
        let endpoint = get(options, "endpoint")
            .as_string()
            .ok_or(SdkError::InvalidOption("endpoint"))?;
        let mut events_url = endpoint.trim_end_matches('/').to_owned();
        events_url.push_str("/v1/events");

        let user = get(options, "user");
        let user_id = id(&get(&user, "id")).ok_or(SdkError::InvalidOption("user.id"))?;
        let user_traits =
            traits(&get(&user, "traits")).map_err(|_| SdkError::InvalidOption("user.traits"))?;
        let user_hash = get(&user, "hash").as_string();
        let account = get(options, "account");
        let account_id = id(&get(&account, "id")).ok_or(SdkError::InvalidOption("account.id"))?;
        let account_traits = traits(&get(&account, "traits"))
            .map_err(|_| SdkError::InvalidOption("account.traits"))?;

        let flush_at =
            number(&get(options, "flushAt"), "flushAt")?.map(|n| n.clamp(1.0, 1000.0) as usize);
        let flush_interval_ms =
            number(&get(options, "flushIntervalMs"), "flushIntervalMs")?.map(|n| n.max(0.0));
        let debug = get(options, "debug").is_truthy();
        Ok(Self {
            write_key,
            events_url,
            user_id,
            user_traits,
            user_hash,
            account_id,
            account_traits,
            flush_at,
            flush_interval_ms,
            debug,
        })
    }
}

/// A user id, account id or event name the edge will accept: a string of 1-128 bytes without
/// control characters (numbers are accepted and turned into strings).
pub(crate) fn id(value: &JsValue) -> Option<String> {
    let text = match value.as_f64() {
        Some(n) if n.is_finite() && n.fract() == 0.0 && n.abs() < 9e15 => {
            protocol::v1::int_text(n as i64)
        }
        _ => value.as_string()?,
    };
    protocol::v1::check_id("", &text).ok()?;
    Some(text)
}

/// Optional traits: absent (`undefined`/`null`) or a plain object whose values are strings,
/// numbers, booleans or null.
pub(crate) fn traits(value: &JsValue) -> Result<Option<JsValue>, SdkError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let object = plain_object(value).ok_or(SdkError::InvalidArgument("traits"))?;
    let scalar =
        |v: JsValue| v.is_null() || v.is_string() || v.as_bool().is_some() || v.as_f64().is_some();
    let entries = Object::entries(object);
    if entries
        .iter()
        .all(|pair| scalar(pair.unchecked_into::<Array>().get(1)))
    {
        Ok(Some(value.clone()))
    } else {
        Err(SdkError::InvalidArgument("traits"))
    }
}

/// Optional properties: absent or a plain object (any JSON-serialisable values).
pub(crate) fn properties(value: &JsValue) -> Result<Option<JsValue>, SdkError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    plain_object(value)
        .map(|_| Some(value.clone()))
        .ok_or(SdkError::InvalidArgument("properties"))
}

/// `value` as an object when it is one and not an array.
fn plain_object(value: &JsValue) -> Option<&Object> {
    if !value.is_object() || Array::is_array(value) {
        return None;
    }
    Some(value.unchecked_ref::<Object>())
}

/// An optional finite number option.
fn number(value: &JsValue, name: &'static str) -> Result<Option<f64>, SdkError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    match value.as_f64() {
        Some(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(SdkError::InvalidOption(name)),
    }
}
