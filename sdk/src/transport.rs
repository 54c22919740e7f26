//! HTTP to the edge: `fetch` for batches, `navigator.sendBeacon` on page unload.
//!
//! Bodies go as `text/plain`, a CORS-simple content type, so no preflight is needed.

use protocol::v1::EventsAck;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response as HttpResponse;

use crate::engine::{MAX_BEACON_BYTES, Response};
use browser::decode;
use browser::js;

const TEXT: &str = "text/plain";

/// What a POST came back with.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The outcome for the engine.
    pub(crate) response: Response,
    /// The body of a 2xx: what the core reads of it, and the parsed JSON (for the guides).
    pub(crate) body: Option<(EventsAck, JsValue)>,
}

/// POSTs `body` to `url`. Never fails: errors become [`Response::NetworkError`].
pub(crate) async fn post(url: &str, body: &str) -> Reply {
    match send(url, body).await {
        Ok(reply) => reply,
        Err(_) => Reply {
            response: Response::NetworkError,
            body: None,
        },
    }
}

async fn send(url: &str, body: &str) -> Result<Reply, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    // Keepalive lets the request outlive the page, but browsers refuse keepalive bodies once
    // 64 KiB are in flight, so only small batches ask for it.
    let init = js::object(&[("method", "POST"), ("body", body)]);
    js::set(&init, "headers", &js::object(&[("Content-Type", TEXT)]));
    js::set(
        &init,
        "keepalive",
        &JsValue::from_bool(body.len() <= MAX_BEACON_BYTES),
    );
    let resp: HttpResponse =
        JsFuture::from(window.fetch_with_str_and_init(url, init.unchecked_ref()))
            .await?
            .unchecked_into();
    let code = resp.status();
    let retry_after_s = resp
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| v.trim_ascii().parse::<u32>().ok())
        .map(f64::from);
    let body = if resp.ok() {
        // A 2xx whose body cannot be read still delivered the events.
        match resp.json() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|json| Some((decode::from_js::<EventsAck>(json.clone())?, json))),
            Err(_) => None,
        }
    } else {
        None
    };
    Ok(Reply {
        response: Response::Status {
            code,
            retry_after_s,
        },
        body,
    })
}

/// Queues `body` with `navigator.sendBeacon`; `false` when the browser refused it.
/// A string body is sent as `text/plain;charset=UTF-8`, CORS-safelisted like `fetch` above.
pub(crate) fn beacon(url: &str, body: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().send_beacon_with_opt_str(url, Some(body)).ok())
        .unwrap_or(false)
}

/// POSTs a JSON request (as `text/plain`, so no preflight) and reads the JSON answer:
/// `(whether the status was 2xx, the parsed body)`.
pub(crate) async fn post_json(url: &str, body: &str) -> Result<(bool, JsValue), JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let init = js::object(&[("method", "POST"), ("body", body)]);
    js::set(&init, "headers", &js::object(&[("Content-Type", TEXT)]));
    let resp: HttpResponse =
        JsFuture::from(window.fetch_with_str_and_init(url, init.unchecked_ref()))
            .await?
            .unchecked_into();
    let json = JsFuture::from(resp.json()?).await?;
    Ok((resp.ok(), json))
}
