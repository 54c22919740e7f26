//! Delivery: sending due batches, settling their responses, persisting the queue,
//! `flush()` promises and unload beacons.

use js_sys::{Date, Function, Math};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;

use browser::bridge;

use super::{Sdk, warn, with_state};
use crate::engine::Outcome;
use crate::transport::{self, Reply};

impl Sdk {
    pub(super) fn persist(&self) {
        self.store.save(self.engine.entries());
    }

    /// Sends a due batch, then re-arms the timer for the engine's next wake-up.
    pub(super) fn pump(&mut self) {
        let now = Date::now();
        if let Some(request) = self.engine.poll(now) {
            self.started += 1;
            let url = self.events_url.clone();
            spawn_local(async move {
                let reply = transport::post(&url, &request.body).await;
                with_state(move |sdk| sdk.settle(reply));
            });
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(handle) = self.timer.take() {
            window.clear_timeout_with_handle(handle);
        }
        if let Some(at) = self.engine.next_wakeup() {
            let delay = (at - now).clamp(0.0, 2_147_483_647.0).ceil() as i32;
            self.timer = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    self.tick.as_ref().unchecked_ref(),
                    delay,
                )
                .ok();
        }
    }

    /// Applies the outcome of a request: queue, logs, decision, `flush()` promises.
    fn settle(&mut self, reply: Reply) {
        self.finished += 1;
        let outcome = self
            .engine
            .on_response(reply.response, Date::now(), Math::random());
        match outcome {
            Outcome::Dropped { count, status } => warn(&[
                "cairn: the edge refused a batch with HTTP ",
                &i64::from(status).to_string(),
                "; events dropped: ",
                &(count as i64).to_string(),
            ]),
            Outcome::Retry { .. } if self.debug => warn(&["cairn: sending failed; will retry"]),
            _ => {}
        }
        if let Some((ack, json)) = reply.body {
            for r in &ack.rejected {
                warn(&[
                    "cairn: the edge rejected an event; dropped: ",
                    &r.field,
                    ": ",
                    &r.message,
                ]);
            }
            // Messages to show, or approvals waiting for the user: the guides' work.
            if ack.approvals > 0 || ack.decision.is_some_and(|d| !d.messages.is_empty()) {
                super::hook(bridge::DECISION, &json, &self.variables());
            }
        }
        self.persist();
        let (finished, empty) = (self.finished, self.engine.is_empty());
        self.waiters.retain(|(resolve, target)| {
            let done = empty || finished >= *target;
            if done {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
            !done
        });
        self.pump();
    }

    pub(super) fn flush(&mut self, resolve: Function) {
        if self.engine.is_empty() && !self.engine.in_flight() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
            return;
        }
        let (before, was_in_flight) = (self.started, self.engine.in_flight());
        self.engine.request_flush();
        self.pump();
        let sent_now = !was_in_flight && self.started > before;
        let target = if sent_now {
            self.started
        } else {
            self.started + 1
        };
        self.waiters.push((resolve, target));
    }

    /// Beacons every queued event (they stay queued until a 2xx confirms them).
    pub(super) fn beacon(&mut self) {
        if self.beaconed || self.engine.is_empty() {
            return;
        }
        self.beaconed = true;
        for chunk in self.engine.beacon_chunks(Date::now()) {
            if !transport::beacon(&self.events_url, &chunk) {
                break;
            }
        }
    }
}
