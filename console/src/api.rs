//! The control-plane API over `fetch`: same-origin, the session cookie, JSON bodies. Answers
//! decode into `protocol`'s types; a refusal decodes into its `{error}` body.

use protocol::v1::ProblemDto;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast as _, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestCredentials, RequestInit, Response};

/// The API's root.
pub(crate) const API: &str = "/console/api";

/// A refusal (or a failure to reach the API), as the API words it.
pub(crate) type Refusal = ProblemDto;

fn refusal(code: &str, message: &str) -> Refusal {
    ProblemDto {
        code: code.to_owned(),
        field: String::new(),
        message: message.to_owned(),
    }
}

fn unreachable_api(_: JsValue) -> Refusal {
    refusal("network", "The server did not answer. Try again.")
}

/// Sends one request; the status and the answer's text.
async fn send(method: &str, path: &str, body: Option<&str>) -> Result<(u16, String), Refusal> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if method != "GET" {
        // State-changing routes take JSON only, even without a body.
        let headers = web_sys::Headers::new().map_err(unreachable_api)?;
        headers
            .set("Content-Type", "application/json")
            .map_err(unreachable_api)?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body.unwrap_or("{}")));
    }
    let url = format!("{API}{path}");
    let request = Request::new_with_str_and_init(&url, &init).map_err(unreachable_api)?;
    let window = web_sys::window().ok_or_else(|| refusal("network", "no window"))?;
    let answer: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(unreachable_api)?
        .dyn_into()
        .map_err(unreachable_api)?;
    let text = JsFuture::from(answer.text().map_err(unreachable_api)?)
        .await
        .map_err(unreachable_api)?
        .as_string()
        .unwrap_or_default();
    Ok((answer.status(), text))
}

/// The refusal in an error answer.
fn refused(status: u16, text: &str) -> Refusal {
    protocol::v1::control::from_answer::<protocol::v1::ErrorBody>(text).map_or_else(
        |_| refusal("internal", &format!("The server answered {status}.")),
        |b| b.error,
    )
}

/// A call's answer text, when the call succeeded (2xx).
///
/// Not generic, like everything that awaits: only [`decode`] is compiled once per answer
/// type, which keeps the console's wasm small.
pub(crate) async fn text(method: &str, path: &str, body: Option<&str>) -> Result<String, Refusal> {
    let (status, text) = send(method, path, body).await?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(refused(status, &text))
    }
}

pub(crate) fn unexpected(e: &str) -> Refusal {
    refusal("internal", &format!("Unexpected answer: {e}"))
}

/// An answer's text decoded as `T`.
pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Result<T, Refusal> {
    protocol::v1::control::from_answer(text).map_err(|e| unexpected(&e))
}

/// A call whose answer is not needed (204, or reloaded afterwards).
pub(crate) async fn act(method: &str, path: &str, body: Option<&str>) -> Result<(), Refusal> {
    text(method, path, body).await.map(drop)
}

/// What to do with an answer's text.
pub(crate) type Then = Box<dyn FnOnce(Result<String, Refusal>)>;

/// `GET path`, then `then` with the answer's text (the page may be gone by then).
pub(crate) fn get_then(path: String, then: Then) {
    send_then("GET", path, None, then);
}

/// `method path` with `body`, then `then` with the answer's text.
pub(crate) fn send_then(method: &'static str, path: String, body: Option<String>, then: Then) {
    wasm_bindgen_futures::spawn_local(async move {
        then(text(method, &path, body.as_deref()).await);
    });
}

/// A workspace's path under the API.
pub(crate) fn ws_path(ws: &str, tail: &str) -> String {
    format!("/workspaces/{}{tail}", encode(ws))
}

/// Asks the user to confirm (the browser's own dialog: keyboard operable, focus-trapping).
pub(crate) fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

/// A time (ms since the epoch) for people, in their locale.
pub(crate) fn when(ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string("en-GB", &JsValue::UNDEFINED))
}

/// One path segment, percent-encoded.
pub(crate) fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}
