//! Cairn's guides: the SDK's second wasm module, loaded by `@cairn/sdk` only when a decision
//! carries a message. It renders modals, banners, slideouts, tooltips, tours, checklists and
//! surveys in a shadow root and reports what the user does with them to the core module.
//!
//! `pkg/src/index.js` calls `start` once with the core's report callback, then relays the
//! core's decisions (`decision`) and route changes (`route`).

mod error;
mod markup;
mod messages;
mod personalize;
mod render;
mod shell;

use js_sys::Function;
use wasm_bindgen::prelude::*;

pub use error::GuidesError;

/// A small free-list allocator, as in the core module.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Starts the guides with the function that relays reports to the core:
/// `report(kind, campaign, n, comment)` (see `browser::bridge::Report`).
#[wasm_bindgen]
pub fn start(report: Function) {
    shell::start(report);
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
