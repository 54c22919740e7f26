//! Cairn's guides: the SDK's second wasm module, loaded by `@cairn/sdk` only when a decision
//! carries a message. It renders modals, banners, slideouts, tooltips, tours, checklists and
//! surveys in a shadow root and reports what the user does with them to the core module.
//!
//! `pkg/src/index.js` calls `start` once with the core's report callback, then relays the
//! core's decisions (`decision`) and route changes (`route`).

mod collab;
mod error;
mod markup;
mod messages;
mod personalize;
mod render;
mod screen;
mod shell;

use js_sys::Function;
use wasm_bindgen::prelude::*;

pub use error::GuidesError;

/// A small free-list allocator, as in the core module.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Starts the guides with the functions that relay to the core: reports
/// (`report(kind, campaign, n, comment)`, see `browser::bridge::Report`) and signed requests.
/// `request(path, fields_json)` sends a signed request through the core.
#[wasm_bindgen]
pub fn start(report: Function, request: Function) {
    shell::start(report, request);
}

/// `requestApproval` without an approver: asks the user who should approve (a dialog with
/// the account's approvers and an email field), then sends the request. Resolves with the
/// edge's answer; rejects with `null` when cancelled.
#[wasm_bindgen(js_name = promptApprover)]
pub fn prompt_approver(fields_json: &str, fields: &JsValue) -> js_sys::Promise {
    shell::prompt_approver(fields_json, fields)
}

/// A batch response body from the edge (as parsed): shows its decision's messages, their
/// variables filled from `vars` (`{ user: { id, …traits }, account: { … } }`).
#[wasm_bindgen]
pub fn decision(body: JsValue, vars: &JsValue) {
    shell::decision(body, vars);
}

/// The page's path changed.
#[wasm_bindgen]
pub fn route() {
    shell::route();
}
