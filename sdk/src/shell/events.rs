//! Recording events: `identify`, `group`, `track` and `page` built from the current
//! identity, encoded once, queued in the engine and persisted.

use js_sys::Object;
use protocol::v1::EventType;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::console;

use super::{Sdk, warn};
use crate::error::SdkError;
use crate::event::{self, JsProps};
use browser::js;

impl Sdk {
    /// Queues `identify`; a new `user_id` becomes the current user.
    pub(crate) fn identify(&mut self, user_id: Option<String>, traits: Option<JsValue>) {
        if let Some(id) = user_id {
            if id != self.who.user_id {
                // The signed identity was for the previous user.
                self.user_hash = None;
            }
            self.who.user_id = id;
        }
        self.remember_traits(0, traits.as_ref());
        let mut event = event::new_event(EventType::Identify, &self.who);
        event.traits = traits.map(JsProps);
        self.record(&event);
    }

    /// Queues `group`; a new `account_id` becomes the current account.
    pub(crate) fn group(&mut self, account_id: Option<String>, traits: Option<JsValue>) {
        if let Some(id) = account_id {
            self.who.account_id = id;
        }
        self.remember_traits(1, traits.as_ref());
        let mut event = event::new_event(EventType::Group, &self.who);
        event.traits = traits.map(JsProps);
        self.record(&event);
    }

    /// Queues `track`.
    pub(crate) fn track(&mut self, name: String, properties: Option<JsValue>) {
        self.track_at(name, properties, js_sys::Date::now());
    }

    /// Queues `track` called at `time` (ms since the epoch).
    pub(crate) fn track_at(&mut self, name: String, properties: Option<JsValue>, time: f64) {
        let mut event = event::new_event_at(EventType::Track, &self.who, time);
        event.name = Some(name);
        event.properties = properties.map(JsProps);
        self.record(&event);
    }

    /// Queues `page`: the path as name, `{title, url, referrer}` plus `properties`.
    pub(crate) fn page(&mut self, properties: Option<JsValue>) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let mut path = location.pathname().unwrap_or_default();
        truncate(&mut path, 128);
        if path.is_empty() {
            path.push('/');
        }
        let (title, referrer) = window
            .document()
            .map(|d| (d.title(), d.referrer()))
            .unwrap_or_default();
        let url = location.href().unwrap_or_default();
        let props = js::object(&[("title", &title), ("url", &url), ("referrer", &referrer)]);
        // `properties` was checked to be a plain object.
        if let Some(extra) = properties.map(JsValue::unchecked_into::<Object>) {
            Object::assign(&props, &extra);
        }
        self.engine.set_page(&path);
        // A page view is sent at once: page-triggered messages should not wait for a batch.
        self.engine.request_flush();
        let mut event = event::new_event(EventType::Page, &self.who);
        event.name = Some(path);
        event.properties = Some(JsProps(props.into()));
        self.record(&event);
    }

    /// Logs a failed call when `debug` is on.
    pub(crate) fn debug_warn(&self, err: &SdkError) {
        if self.debug {
            console::warn_1(&JsValue::from_str(&err.message()));
        }
    }

    /// Encodes and queues `event` (persisted within `storage::PERSIST_MS`), and sends if due.
    pub(super) fn record(&mut self, event: &event::Event) {
        // The event's own clock reading serves the queue and the timers too.
        let now = event.timestamp as f64;
        let queued =
            event::encode(event).and_then(|json| self.engine.enqueue(event.id.clone(), json, now));
        match queued {
            Ok(true) => {}
            // Counted and reported to the edge; warned once per run of drops.
            Ok(false) if self.engine.dropped().capacity == 1 => {
                warn(&["cairn: queue full; new events are counted as dropped"]);
            }
            Ok(false) => {}
            Err(err) => self.debug_warn(&err),
        }
        self.beaconed = false;
        self.schedule_persist();
        self.pump_at(now);
    }
}

/// Cuts `text` to at most `max` bytes on a character boundary.
fn truncate(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}
