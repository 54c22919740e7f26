//! Cairn's console: a Leptos client-side app over the control-plane API (`/console/api`).
//! On wasm32 it mounts on the page's body; natively only its pure parts build (and are tested).

// The pure parts are used by the browser app only; natively they are just tested.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod admin;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod doc;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod form;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod preview;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod results;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod route;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod settings_doc;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod ui;

/// Talc in place of dlmalloc: the same allocations, in fewer bytes of wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    #[cfg(target_arch = "wasm32")]
    leptos::mount::mount_to_body(app::app);
}
