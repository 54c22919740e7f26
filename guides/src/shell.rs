//! The guides' state and entry points: decisions and route changes from the core, clicks,
//! Esc and scrolling from the page, and reports back to the core.
//!
//! All state lives in one thread-local cell. Every entry point goes through [`with_state`],
//! which never panics on re-entrancy (a host listener calling back while the guides are busy,
//! e.g. from a `focus` event): such calls are deferred to a microtask.

use std::cell::RefCell;

use browser::bridge::Report;
use js_sys::{Array, Function};
use protocol::v1::{MessageAction, MessageDto};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;

use crate::personalize;
use crate::render::{Click, Renderer};

thread_local! {
    static GUIDES: RefCell<Option<Guides>> = const { RefCell::new(None) };
}

/// The guides after `start`.
#[derive(Debug)]
pub(crate) struct Guides {
    /// Relays reports to the core: `report(kind, campaign, n, comment)`.
    report_to: Function,
    /// Signed requests through the core: `request(path, fields_json)` → promise.
    pub(crate) request: Function,
    /// The pending "who should approve?" dialog.
    pub(crate) prompt: Option<crate::collab::Prompt>,
    /// The approvals in the inbox on screen.
    pub(crate) inbox_ids: Vec<String>,
    /// Approvals whose inbox the user closed in this page session.
    pub(crate) inbox_closed: Vec<String>,
    pub(crate) renderer: Option<Renderer>,
    /// Shown messages bound to a route pattern, removed when the user leaves it.
    pub(crate) page_bound: Vec<MessageDto>,
    /// Messages waiting for their anchor element, and until when (ms since the epoch).
    pub(crate) waiting: Vec<(MessageDto, f64)>,
    /// When the waiting messages were last looked at after a DOM change.
    pub(crate) last_retry: f64,
    /// When the messages queued for a place on screen were last looked at.
    pub(crate) last_admit: f64,
}

type Call = Box<dyn FnOnce(&mut Guides)>;

/// Runs `f` with the guides if they have started: now or, if they are busy, in a microtask.
pub(crate) fn with_state(f: impl FnOnce(&mut Guides) + 'static) {
    run(Box::new(f));
}

/// Not generic, so the borrow-or-defer logic exists once in the module.
fn run(call: Call) {
    let deferred = GUIDES.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            if let Some(guides) = slot.as_mut() {
                call(guides);
            }
            None
        }
        Err(_) => Some(call),
    });
    if let Some(call) = deferred {
        spawn_local(async move { run(call) });
    }
}

/// Starts the guides (a second call only replaces the callbacks).
pub(crate) fn start(report_to: Function, request: Function) {
    GUIDES.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            match slot.as_mut() {
                Some(g) => {
                    g.report_to = report_to;
                    g.request = request;
                }
                None => {
                    *slot = Some(Guides {
                        report_to,
                        request,
                        prompt: None,
                        inbox_ids: Vec::new(),
                        inbox_closed: Vec::new(),
                        renderer: None,
                        page_bound: Vec::new(),
                        waiting: Vec::new(),
                        last_retry: 0.0,
                        last_admit: 0.0,
                    });
                }
            }
        }
    });
}

/// A batch response from the edge: renders its decision's messages, personalised.
pub(crate) fn decision(body: JsValue, vars: &JsValue) {
    let Some(reply) = browser::decode::from_js::<protocol::v1::EventsResponse>(body) else {
        return;
    };
    if let Some(mut decision) = reply.decision {
        for m in &mut decision.messages {
            personalize::fill(m, vars);
        }
        with_state(move |g| g.render(&decision.messages));
    }
    if reply.approvals > 0 {
        let count = reply.approvals;
        with_state(move |g| g.approvals_waiting(count));
    }
}

/// `requestApproval` without an approver: the dialog, resolved with the edge's answer.
pub(crate) fn prompt_approver(fields_json: &str, fields: &JsValue) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve: Function, reject: Function| {
        let (fields_json, fields) = (fields_json.to_owned(), fields.clone());
        with_state(move |g| g.prompt(fields_json, fields, resolve, reject));
    })
}

/// The path changed: route-bound messages whose route was left are taken off the page.
pub(crate) fn route() {
    with_state(Guides::drop_off_page_messages);
}

/// A click inside a message: an outcome, a tour step, a survey answer, a checklist task.
pub(crate) fn message_click(campaign: String, click: Click) {
    with_state(move |g| g.on_click(&campaign, click));
}

/// Scroll, resize or a change of the page's DOM: anchored cards follow their anchors, and
/// messages waiting for an anchor or for a place on screen look again.
pub(crate) fn reposition() {
    with_state(|g| {
        // At most every 100 ms: a busy page mutates its DOM far more often.
        let now = js_sys::Date::now();
        if !g.waiting.is_empty() && now - g.last_retry >= 100.0 {
            g.last_retry = now;
            g.retry_waiting(false);
        }
        if let (Some(r), Some(doc)) = (
            g.renderer.as_mut(),
            web_sys::window().and_then(|w| w.document()),
        ) {
            r.reposition(&doc);
        }
        // Cards waiting for their place look again (an anchor scrolled into view), at most
        // every 100 ms too.
        if g.renderer.as_ref().is_some_and(Renderer::has_queued) && now - g.last_admit >= 100.0 {
            g.last_admit = now;
            g.admit_queued();
        }
    });
}

/// Esc: cancels the approver dialog, or dismisses the top-most modal.
pub(crate) fn escape() {
    with_state(|g| {
        if g.prompt.is_some() {
            return g.cancel_prompt();
        }
        if let Some(campaign) = g.renderer.as_ref().and_then(Renderer::top_modal) {
            g.close_message(&campaign, MessageAction::Dismissed);
        }
    });
}

/// The current path.
pub(crate) fn path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default()
}

impl Guides {
    /// Hands `report` about `campaign` to the core, which records it as an event.
    pub(crate) fn report(&self, campaign: &str, report: &Report) {
        let (kind, n, comment) = report.parts();
        let args = Array::of4(
            &JsValue::from(kind),
            &JsValue::from_str(campaign),
            &JsValue::from(n),
            &comment.map_or(JsValue::UNDEFINED, JsValue::from_str),
        );
        let _ = self.report_to.apply(&JsValue::NULL, &args);
    }
}
