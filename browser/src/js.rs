//! Small helpers over JS values: property access, plain objects and listeners.
//!
//! They keep the set of distinct browser imports small (every distinct web-sys method adds
//! glue code to the shipped JS and wasm).

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::EventTarget;

/// `target[key]`, or `undefined` when `target` is not an object or the getter throws.
pub fn get(target: &JsValue, key: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value`, ignoring failures (frozen objects).
pub fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// A plain object `{ key: value, … }` of string values.
pub fn object(entries: &[(&str, &str)]) -> Object {
    let object = Object::new();
    for (key, value) in entries {
        set(&object, key, &JsValue::from_str(value));
    }
    object
}

/// `target.addEventListener(kind, listener, capture)`.
pub fn listen(
    target: &EventTarget,
    kind: &str,
    listener: &JsValue,
    capture: bool,
) -> Result<(), JsValue> {
    let listener: &Function = wasm_bindgen::JsCast::unchecked_ref(listener);
    target.add_event_listener_with_callback_and_bool(kind, listener, capture)
}
