//! Automatic capture: clicks on `data-cairn-feature` elements and SPA route changes.
//!
//! A capturing click listener on the document turns a click inside
//! `<… data-cairn-feature="name">` into `track(name, {source: "click"})`. `history.pushState`
//! and `replaceState` are wrapped, and `popstate` is observed, to report a `page` event
//! whenever the path changes.

use js_sys::{Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, Window};

use crate::error::SdkError;
use crate::shell;
use browser::js;

/// Installs the click listener, the history wrappers and the `popstate` listener.
pub(crate) fn install(window: &Window) -> Result<(), SdkError> {
    let doc = window.document().ok_or(SdkError::NotInitialized)?;
    let on_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if let Some(feature) = feature_of(&event) {
            let props = js::object(&[("source", "click")]);
            shell::track_feature(feature, props.into());
        }
    });
    js::listen(&doc, "click", on_click.as_ref(), true)?;
    on_click.forget();

    let history = window.history()?;
    for method in ["pushState", "replaceState"] {
        wrap(&history, method)?;
    }
    let on_pop = Closure::<dyn Fn()>::new(shell::path_maybe_changed);
    js::listen(window, "popstate", on_pop.as_ref(), false)?;
    on_pop.forget();
    Ok(())
}

/// The feature named by the closest `data-cairn-feature` ancestor of the click target.
fn feature_of(event: &Event) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    let el = target.closest("[data-cairn-feature]").ok()??;
    el.get_attribute("data-cairn-feature")
        .filter(|f| !f.is_empty())
}

/// Replaces `history[method]` with a wrapper that calls the original, then checks the path.
/// The original's result and exceptions pass through untouched.
fn wrap(history: &web_sys::History, method: &str) -> Result<(), SdkError> {
    let key = JsValue::from_str(method);
    let original: Function = Reflect::get(history, &key)?.dyn_into()?;
    let this = history.clone();
    let wrapper = Closure::<dyn Fn(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(
        move |state: JsValue, unused: JsValue, url: JsValue| {
            let result = original.call3(&this, &state, &unused, &url);
            shell::path_maybe_changed();
            result
        },
    );
    Reflect::set(history, &key, wrapper.as_ref())?;
    wrapper.forget();
    Ok(())
}
