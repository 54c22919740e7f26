//! Delivery: sending due batches, settling their responses, persisting the queue,
//! `flush()` promises and unload beacons.

use js_sys::{Date, Function, Math};
use protocol::v1::Dropped;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;

use browser::bridge;

use super::{Sdk, warn, with_state};
use crate::engine::Outcome;
use crate::transport::{self, Reply};

impl Sdk {
    /// Writes what changed since the last write (see `storage`): never per `track()`.
    pub(super) fn persist(&mut self) {
        if let Some(handle) = self.persist_timer.take()
            && let Some(window) = web_sys::window()
        {
            window.clear_timeout_with_handle(handle);
        }
        self.store.sync(&self.engine);
    }

    /// Arms the coalescing timer unless it is armed or storage does not work (then the next
    /// response or hiding the page tries again).
    pub(super) fn schedule_persist(&mut self) {
        if self.persist_timer.is_some() || !self.store.available() {
            return;
        }
        self.persist_timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                self.persist_tick.as_ref().unchecked_ref(),
                crate::storage::PERSIST_MS,
            )
            .ok()
        });
    }

    /// The page is hidden (`closing`: `pagehide`): write everything now, count what could
    /// not be kept, and beacon the queue.
    pub(super) fn hide(&mut self, closing: bool) {
        self.persist();
        if closing && !self.store.available() {
            let storage = self.store.count_unkept(&self.engine);
            if storage > 0 {
                self.engine.add_dropped(Dropped {
                    capacity: 0,
                    storage,
                });
                self.beaconed = false;
            }
        }
        self.beacon();
    }

    /// Sends a due batch, then re-arms the timer for the engine's next wake-up.
    pub(super) fn pump(&mut self) {
        self.pump_at(Date::now());
    }

    /// [`Sdk::pump`] at `now` (ms since the epoch), when the caller already read the clock.
    pub(super) fn pump_at(&mut self, now: f64) {
        if let Some(request) = self.engine.poll(now) {
            self.started += 1;
            let url = self.events_url.clone();
            spawn_local(async move {
                let reply = transport::post(&url, &request.body).await;
                with_state(move |sdk| sdk.settle(reply));
            });
        }
        let at = self.engine.next_wakeup();
        // Most calls change nothing: leave the armed timer alone (no browser call at all).
        if at == self.timer_at && self.timer.is_some() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        if let Some(handle) = self.timer.take() {
            window.clear_timeout_with_handle(handle);
        }
        self.timer_at = at;
        if let Some(at) = at {
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
                &protocol::v1::int_text(status.into()),
                "; events dropped: ",
                &protocol::v1::int_text(count as i64),
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

    /// Beacons every queued event (they stay queued until a 2xx confirms them). Without
    /// working storage the dropped counts ride along: no later page could report them.
    pub(super) fn beacon(&mut self) {
        if self.beaconed || self.engine.is_empty() {
            return;
        }
        self.beaconed = true;
        let report = if self.store.available() {
            Dropped::default()
        } else {
            self.engine.dropped()
        };
        for chunk in self.engine.beacon_chunks(Date::now(), report) {
            if !transport::beacon(&self.events_url, &chunk) {
                return;
            }
        }
        if !report.is_empty() {
            self.engine.forget_dropped();
        }
    }
}
