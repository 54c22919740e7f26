//! The shell: the SDK's state, its entry points, and the page lifecycle.
//!
//! `events` records events, `delivery` drives the engine with timers, the transport and
//! storage, `messages` shows decisions. All state lives in one thread-local cell. Every entry point goes through [`with_sdk`],
//! which never panics on re-entrancy (a host listener calling back into the SDK while it is
//! busy, e.g. from a `focus` event): such calls are deferred to a microtask.

use std::cell::RefCell;

use js_sys::{Date, Function, Promise};
use protocol::v1::MessageAction;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, VisibilityState, console};

use crate::capture;
use crate::config::Options;
use crate::engine::{Config, Engine};
use crate::error::SdkError;
use crate::event::Identity;
use crate::js;
use crate::render::{Click, Renderer};
use crate::storage::Store;

mod debug;
mod delivery;
mod events;
mod messages;

pub(crate) use debug::debug;

thread_local! {
    static SDK: RefCell<Option<Sdk>> = const { RefCell::new(None) };
}

/// The SDK after `init`.
#[derive(Debug)]
pub(crate) struct Sdk {
    engine: Engine,
    store: Store,
    events_url: String,
    who: Identity,
    debug: bool,
    /// Calls `pump` when the engine's next wake-up comes.
    tick: Closure<dyn Fn()>,
    timer: Option<i32>,
    /// Requests started and finished, for `flush()` promises.
    started: u32,
    finished: u32,
    /// `flush()` promises: resolved when request number `.1` has finished or the queue is empty.
    waiters: Vec<(Function, u32)>,
    renderer: Option<Renderer>,
    /// Shown messages bound to a route pattern, removed when the user leaves it.
    page_bound: Vec<protocol::v1::MessageDto>,
    last_path: String,
    /// Everything queued has been beaconed since the last change.
    beaconed: bool,
}

/// A call into the SDK's state (`None` before `init`).
type Call = Box<dyn FnOnce(Option<&mut Sdk>)>;

/// Runs `f` with the SDK, now or, if the SDK is busy, in a microtask.
pub(crate) fn with_sdk(f: impl FnOnce(Option<&mut Sdk>) + 'static) {
    run(Box::new(f));
}

/// Runs `f` with the SDK if `init` has run.
pub(crate) fn with_state(f: impl FnOnce(&mut Sdk) + 'static) {
    run(Box::new(|sdk: Option<&mut Sdk>| {
        if let Some(sdk) = sdk {
            f(sdk);
        }
    }));
}

/// Not generic, so the borrow-or-defer logic exists once in the module.
fn run(call: Call) {
    let deferred = SDK.with(|cell| match cell.try_borrow_mut() {
        Ok(mut sdk) => {
            call(sdk.as_mut());
            None
        }
        Err(_) => Some(call),
    });
    if let Some(call) = deferred {
        spawn_local(async move { run(call) });
    }
}

/// Starts the SDK: loads the persisted queue, installs listeners, and queues
/// `identify`, `group` and `page`, flushed at once so the first decision arrives fast.
pub(crate) fn init(options: &JsValue) -> Result<(), SdkError> {
    let opts = Options::parse(options)?;
    let window = web_sys::window().ok_or(SdkError::NotInitialized)?;
    if SDK.with(|cell| cell.try_borrow().map_or(true, |slot| slot.is_some())) {
        return Err(SdkError::AlreadyInitialized);
    }
    let mut cfg = Config::new(opts.write_key.as_str());
    if let Some(n) = opts.flush_at {
        cfg.flush_at = n;
    }
    if let Some(ms) = opts.flush_interval_ms {
        cfg.flush_interval_ms = ms;
    }
    let mut engine = Engine::new(cfg);
    if let Some(lang) = window.navigator().language() {
        engine.set_locale(&lang);
    }
    let store = Store::new(&opts.write_key, &crate::event::uuid());
    engine.import(store.load(), Date::now());
    // The adopted queues' keys are gone: own them under this page's key at once.
    store.save(engine.entries());
    let sdk = Sdk {
        engine,
        store,
        events_url: opts.events_url,
        who: Identity {
            user_id: opts.user_id,
            account_id: opts.account_id,
        },
        debug: opts.debug,
        tick: Closure::new(|| {
            with_state(|sdk| {
                sdk.timer = None;
                sdk.pump();
            });
        }),
        timer: None,
        started: 0,
        finished: 0,
        waiters: Vec::new(),
        renderer: None,
        page_bound: Vec::new(),
        last_path: window.location().pathname().unwrap_or_default(),
        beaconed: false,
    };
    SDK.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) if slot.is_none() => {
            *slot = Some(sdk);
            Ok(())
        }
        _ => Err(SdkError::AlreadyInitialized),
    })?;
    let installed = capture::install(&window).and_then(|()| install_lifecycle(&window));
    let (user_traits, account_traits) = (opts.user_traits, opts.account_traits);
    with_state(move |sdk| {
        if let Err(err) = installed {
            sdk.debug_warn(&err);
        }
        sdk.identify(None, user_traits);
        sdk.group(None, account_traits);
        sdk.page(None);
        sdk.engine.request_flush();
        sdk.pump();
    });
    Ok(())
}

/// `pagehide` and `visibilitychange` → hidden: beacon the queue.
fn install_lifecycle(window: &web_sys::Window) -> Result<(), SdkError> {
    let doc = window.document().ok_or(SdkError::NotInitialized)?;
    let on_hide = Closure::<dyn Fn(Event)>::new(|event: Event| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == VisibilityState::Hidden);
        if hidden || event.type_() == "pagehide" {
            with_state(Sdk::beacon);
        }
    });
    js::listen(window, "pagehide", on_hide.as_ref(), false)?;
    js::listen(&doc, "visibilitychange", on_hide.as_ref(), false)?;
    on_hide.forget();
    Ok(())
}

/// `flush()`: a promise resolved when the queue is empty or the request carrying what is
/// queued now has finished.
pub(crate) fn flush() -> Promise {
    Promise::new(&mut |resolve: Function, _reject| {
        with_sdk(move |sdk| match sdk {
            Some(sdk) => sdk.flush(resolve),
            None => {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            }
        });
    })
}

/// A click on a `data-cairn-feature` element (names the edge would refuse are ignored).
pub(crate) fn track_feature(feature: String, properties: JsValue) {
    if protocol::v1::check_id("name", &feature).is_ok() {
        with_state(move |sdk| sdk.track(feature, Some(properties)));
    }
}

/// After `pushState`, `replaceState` or `popstate`: a `page` event if the path changed.
pub(crate) fn path_maybe_changed() {
    with_state(|sdk| {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok());
        if let Some(path) = path.filter(|p| *p != sdk.last_path) {
            sdk.last_path = path;
            sdk.drop_off_page_messages();
            sdk.page(None);
        }
    });
}

/// A click inside a message: an outcome, a tour step, a survey answer, a checklist task.
pub(crate) fn message_click(campaign: String, click: Click) {
    with_state(move |sdk| sdk.on_click(&campaign, click));
}

/// Scroll or resize: anchored cards follow their anchors.
pub(crate) fn reposition() {
    with_state(|sdk| {
        if let (Some(r), Some(doc)) = (
            sdk.renderer.as_mut(),
            web_sys::window().and_then(|w| w.document()),
        ) {
            r.reposition(&doc);
        }
    });
}

/// Esc: dismisses the top-most modal.
pub(crate) fn escape() {
    with_state(|sdk| {
        if let Some(campaign) = sdk.renderer.as_ref().and_then(Renderer::top_modal) {
            sdk.close_message(&campaign, MessageAction::Dismissed);
        }
    });
}

/// Always-on warning for lost data (refused batches, rejected events, queue overflow).
pub(super) fn warn(parts: &[&str]) {
    console::warn_1(&JsValue::from_str(&parts.concat()));
}
