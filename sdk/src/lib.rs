//! Cairn's browser SDK: the `#[wasm_bindgen]` façade over the shell and the sans-IO engine.
//!
//! `init` starts the SDK; `identify`, `group`, `track` and `page` are fire-and-forget and
//! never throw into the host page (bad arguments are logged only with `debug: true`);
//! `flush` returns a promise. The npm package `@cairn/sdk` (`pkg/`) wraps these exports with
//! a call buffer for calls made before the wasm module is ready, and loads the guides module
//! (`guides/`, which renders messages) only when a decision carries a message: `connect` and
//! `report` are the core's half of that bridge.

mod capture;
mod config;
mod encode;
pub mod engine;
mod error;
mod event;
mod shell;
mod storage;
mod transport;

use wasm_bindgen::prelude::*;

pub use error::SdkError;

/// A small free-list allocator (coalescing, single-threaded in practice): dlmalloc would be
/// a fifth of the module.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Starts the SDK. Options: `{ writeKey, endpoint, user: { id, traits? },
/// account: { id, traits? }, flushAt?, flushIntervalMs?, debug? }`.
/// Throws on invalid options or a second call.
#[wasm_bindgen(js_name = init)]
pub fn init(options: &JsValue) -> Result<(), JsError> {
    shell::init(options).map_err(|e| JsError::new(&e.message()))
}

/// Sets the current user and queues an `identify` event with `traits`.
#[wasm_bindgen(js_name = identify)]
pub fn identify(user_id: &JsValue, traits: &JsValue) {
    let id = config::id(user_id).ok_or(SdkError::InvalidArgument("userId"));
    let traits = config::traits(traits);
    shell::with_state(move |sdk| match (id, traits) {
        (Ok(id), Ok(traits)) => sdk.identify(Some(id), traits),
        (Err(err), _) | (_, Err(err)) => sdk.debug_warn(&err),
    });
}

/// Sets the current account and queues a `group` event with `traits`.
#[wasm_bindgen(js_name = group)]
pub fn group(account_id: &JsValue, traits: &JsValue) {
    let id = config::id(account_id).ok_or(SdkError::InvalidArgument("accountId"));
    let traits = config::traits(traits);
    shell::with_state(move |sdk| match (id, traits) {
        (Ok(id), Ok(traits)) => sdk.group(Some(id), traits),
        (Err(err), _) | (_, Err(err)) => sdk.debug_warn(&err),
    });
}

/// Queues a `track` event: `name` (the feature used) with optional `properties`.
#[wasm_bindgen(js_name = track)]
pub fn track(name: &JsValue, properties: &JsValue) {
    let name = config::id(name).ok_or(SdkError::InvalidArgument("name"));
    let properties = config::properties(properties);
    shell::with_state(move |sdk| match (name, properties) {
        (Ok(name), Ok(properties)) => sdk.track(name, properties),
        (Err(err), _) | (_, Err(err)) => sdk.debug_warn(&err),
    });
}

/// Queues the `track` calls the npm package buffered during one task, as a flat array of
/// `name, properties, Date.now()` triples: one call into the module instead of one per event.
#[wasm_bindgen(js_name = trackMany)]
pub fn track_many(calls: js_sys::Array) {
    shell::with_state(move |sdk| {
        let n = calls.length();
        let mut i = 0;
        while i + 2 < n {
            let name = config::id(&calls.get(i)).ok_or(SdkError::InvalidArgument("name"));
            let properties = config::properties(&calls.get(i + 1));
            let time = calls.get(i + 2).as_f64().unwrap_or_else(js_sys::Date::now);
            match (name, properties) {
                (Ok(name), Ok(properties)) => sdk.track_at(name, properties, time),
                (Err(err), _) | (_, Err(err)) => sdk.debug_warn(&err),
            }
            i += 3;
        }
    });
}

/// Queues a `page` event for the current path, with optional extra `properties`.
#[wasm_bindgen(js_name = page)]
pub fn page(properties: &JsValue) {
    let properties = config::properties(properties);
    shell::with_state(move |sdk| match properties {
        Ok(properties) => sdk.page(properties),
        Err(err) => sdk.debug_warn(&err),
    });
}

/// Prints to the console why each campaign is or is not shown to the current user on the
/// current page, and resolves with the decision (needs a debug-enabled write key).
#[wasm_bindgen(js_name = debug)]
pub fn debug() -> js_sys::Promise {
    shell::debug()
}

/// Sets the function that receives what the guides module needs: `hook(kind, value)` with
/// the kinds of `browser::bridge` (a response body with messages, a route change).
#[wasm_bindgen(js_name = connect)]
pub fn connect(hook: js_sys::Function) {
    shell::connect(hook);
}

/// Records what the guides module reports about a message (`browser::bridge::Report`).
#[wasm_bindgen(js_name = report)]
pub fn report(kind: u32, campaign: String, n: u32, comment: Option<String>) {
    if let Some(report) = browser::bridge::Report::from_parts(kind, n, comment) {
        shell::with_state(move |sdk| sdk.report(&campaign, report));
    }
}

/// POSTs a signed request for the current user to `path` (`/v1/invites`, `/v1/approvals`,
/// …) with `fields_json`, the route's fields as a JSON object's text. Resolves with the
/// answer's JSON; rejects with the edge's error body (or `null` when unreachable).
#[wasm_bindgen(js_name = call)]
pub fn call(path: &str, fields_json: &str) -> js_sys::Promise {
    shell::call(path, fields_json)
}

/// Sends what is queued now. Resolves when the queue is empty or that request has finished.
#[wasm_bindgen(js_name = flush)]
pub fn flush() -> js_sys::Promise {
    shell::flush()
}
