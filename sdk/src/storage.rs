//! Persistence of the unsent queue in `localStorage` (`cairn:queue:<writeKey>`).
//!
//! The value is a JSON array of `[id, event JSON text]` pairs (an SDK-private format: the
//! texts are exactly what goes on the wire), written after every change and read at `init`. Storage can be missing (sandboxed iframes, privacy modes) or full: both are
//! swallowed, the queue then simply lives in memory.

use js_sys::{Array, JSON};
use protocol::escape_json_string;
use wasm_bindgen::JsCast;

/// The queue's slot in `localStorage`.
#[derive(Debug)]
pub(crate) struct Store {
    key: String,
    storage: Option<web_sys::Storage>,
}

impl Store {
    /// The slot of `write_key`.
    pub(crate) fn new(write_key: &str) -> Self {
        let mut key = String::from("cairn:queue:");
        key.push_str(write_key);
        // `localStorage` throws where storage is disabled.
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Self { key, storage }
    }

    /// The persisted events as `(id, json)`, oldest first; unreadable entries are skipped.
    pub(crate) fn load(&self) -> Vec<(String, String)> {
        let Some(storage) = &self.storage else {
            return Vec::new();
        };
        let Some(text) = storage.get_item(&self.key).ok().flatten() else {
            return Vec::new();
        };
        match JSON::parse(&text) {
            Ok(value) if Array::is_array(&value) => value
                .unchecked_into::<Array>()
                .iter()
                .filter_map(pair)
                .collect(),
            _ => {
                let _ = storage.remove_item(&self.key);
                Vec::new()
            }
        }
    }

    /// Replaces the persisted queue with `events`, each `(id, JSON text)`.
    pub(crate) fn save<'a>(&self, events: impl Iterator<Item = (&'a str, &'a str)>) {
        let Some(storage) = &self.storage else {
            return;
        };
        let mut value = String::from("[");
        for (i, (id, text)) in events.enumerate() {
            if i > 0 {
                value.push(',');
            }
            value.push('[');
            value.push_str(&escape_json_string(id));
            value.push(',');
            value.push_str(&escape_json_string(text));
            value.push(']');
        }
        value.push(']');
        // Quota errors are swallowed: the queue is still in memory and beaconed on unload.
        let _ = if value.len() == 2 {
            storage.remove_item(&self.key)
        } else {
            storage.set_item(&self.key, &value)
        };
    }
}

/// One persisted `[id, json]` pair.
fn pair(value: wasm_bindgen::JsValue) -> Option<(String, String)> {
    if !Array::is_array(&value) {
        return None;
    }
    let pair: Array = value.unchecked_into();
    Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
}
