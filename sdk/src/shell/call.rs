//! `call()`: a request for the current user to the invitation and approval routes, signed
//! with the identity the page gave (`user.hash`), resolved with the edge's JSON answer.

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

use super::{Sdk, with_sdk};
use crate::transport;

/// The promise `call()` returns.
pub(crate) fn call(path: &str, fields_json: &str) -> Promise {
    Promise::new(&mut |resolve: Function, reject: Function| {
        let (path, fields_json) = (path.to_owned(), fields_json.to_owned());
        with_sdk(
            move |sdk| match sdk.and_then(|s| s.signed_request(&path, &fields_json)) {
                Some((url, body)) => spawn_local(async move {
                    match transport::post_json(&url, &body).await {
                        Ok((true, json)) => drop(resolve.call1(&JsValue::NULL, &json)),
                        Ok((false, json)) => drop(reject.call1(&JsValue::NULL, &json)),
                        Err(_) => drop(reject.call1(&JsValue::NULL, &JsValue::NULL)),
                    }
                }),
                None => drop(reject.call1(&JsValue::NULL, &JsValue::NULL)),
            },
        );
    })
}

impl Sdk {
    /// The URL and body of a signed request; `None` before `init` or for a bad path or fields.
    fn signed_request(&self, path: &str, fields_json: &str) -> Option<(String, String)> {
        if !path.starts_with("/v1/") || path.bytes().any(|b| b == b'.') {
            return None;
        }
        let body = protocol::v1::signed_body(
            self.engine.write_key(),
            &self.who.user_id,
            &self.who.account_id,
            self.user_hash.as_deref(),
            fields_json,
        )?;
        Some(([self.endpoint()?, path].concat(), body))
    }

    /// The edge's origin: `events_url` without its `/v1/events` (see `config`).
    pub(super) fn endpoint(&self) -> Option<&str> {
        self.events_url
            .get(..self.events_url.len().checked_sub("/v1/events".len())?)
    }
}
