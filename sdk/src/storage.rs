//! Persistence of the unsent queue in `localStorage` (`cairn:queue:<writeKey>:<tab>`).
//!
//! The value is a JSON array of `[id, event JSON text]` pairs (an SDK-private format: the
//! texts are exactly what goes on the wire), written after every change. Each page load
//! writes its own key, so tabs never overwrite each other's queue; at `init` a page adopts
//! every queue of its write key (its own from before a reload, and other tabs', live or
//! closed) and removes those keys. A live tab keeps its events in memory and writes them
//! again on its next change, so adopting from it can only cause a double delivery, which the
//! edge de-duplicates by event id, never a loss.
//!
//! Storage can be missing (sandboxed iframes, privacy modes) or full: both are swallowed,
//! the queue then simply lives in memory.

use js_sys::{Array, JSON};
use protocol::escape_json_string;
use wasm_bindgen::JsCast;

/// The queue's slot in `localStorage`.
#[derive(Debug)]
pub(crate) struct Store {
    key: String,
    prefix: String,
    storage: Option<web_sys::Storage>,
}

impl Store {
    /// This page's slot for `write_key`; `tab` is unique per page load.
    pub(crate) fn new(write_key: &str, tab: &str) -> Self {
        let mut prefix = String::from("cairn:queue:");
        prefix.push_str(write_key);
        let key = [prefix.as_str(), ":", tab].concat();
        // `localStorage` throws where storage is disabled.
        let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        Self {
            key,
            prefix,
            storage,
        }
    }

    /// Adopts every persisted queue of this write key (older pages and other tabs) as
    /// `(id, json)`, oldest key first, and removes their keys. The caller saves the merged
    /// queue under this page's key right after.
    pub(crate) fn load(&self) -> Vec<(String, String)> {
        let Some(storage) = &self.storage else {
            return Vec::new();
        };
        let keys: Vec<String> = (0..storage.length().unwrap_or(0))
            .filter_map(|i| storage.key(i).ok().flatten())
            // `prefix` alone is the single-key format of earlier versions.
            .filter(|k| *k == self.prefix || k.starts_with(&[self.prefix.as_str(), ":"].concat()))
            .collect();
        let mut events = Vec::new();
        for key in keys {
            if let Some(text) = storage.get_item(&key).ok().flatten()
                && let Ok(value) = JSON::parse(&text)
                && Array::is_array(&value)
            {
                events.extend(value.unchecked_into::<Array>().iter().filter_map(pair));
            }
            let _ = storage.remove_item(&key);
        }
        events
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
