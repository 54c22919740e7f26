//! `debug()`: asks the edge why each campaign is or is not shown to the current user on the
//! current page, prints one line per campaign to the console, and resolves with the decision.
//! Verdicts are only given to debug-enabled write keys; otherwise the edge's error is printed.

use browser::decode;
use js_sys::{Function, Promise};
use protocol::v1::{DecideHead, DecideRequest};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::console;

use super::{Sdk, with_sdk};
use crate::{encode, transport};

/// The promise `debug()` returns: the decision's JSON, or the edge's error body.
pub(crate) fn debug() -> Promise {
    Promise::new(&mut |resolve: Function, _reject| {
        with_sdk(move |sdk| match sdk.map(Sdk::debug_request) {
            Some(Some((url, body))) => spawn_local(async move {
                let value = ask(&url, &body).await.unwrap_or(JsValue::NULL);
                let _ = resolve.call1(&JsValue::NULL, &value);
            }),
            _ => {
                console::warn_1(&JsValue::from_str("cairn: debug() needs init() first"));
                let _ = resolve.call1(&JsValue::NULL, &JsValue::NULL);
            }
        });
    })
}

impl Sdk {
    /// The decide URL and request body for the current user and page.
    fn debug_request(&mut self) -> Option<(String, String)> {
        let req = DecideRequest {
            write_key: self.engine.write_key().to_owned(),
            user_id: self.who.user_id.clone(),
            account_id: self.who.account_id.clone(),
            debug: true,
            page: self.engine.page().map(str::to_owned),
            locale: self.engine.locale().map(str::to_owned),
        };
        let url = [self.endpoint()?, "/v1/decide"].concat();
        Some((url, encode::to_json(&req).ok()?))
    }
}

async fn ask(url: &str, body: &str) -> Result<JsValue, JsValue> {
    let (ok, json) = transport::post_json(url, body).await?;
    if !ok {
        console::warn_2(&JsValue::from_str("cairn: debug() refused:"), &json);
        return Ok(json);
    }
    if let Some(reply) = decode::from_js::<DecideHead>(json.clone()) {
        let lines = reply.decision.verdicts.unwrap_or_default();
        for v in &lines {
            let detail = v.detail.as_deref().unwrap_or("");
            let line = ["cairn: ", &v.campaign, " → ", &v.verdict, " ", detail].concat();
            console::log_1(&JsValue::from_str(&line));
        }
    }
    Ok(json)
}
