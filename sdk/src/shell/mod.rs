//! The shell: the SDK's state, its entry points, and the page lifecycle.
//!
//! `events` records events, `delivery` drives the engine with timers, the transport and
//! storage; decisions with messages go to the guides module through the bridge hook.
//! All state lives in one thread-local cell. Every entry point goes through [`with_sdk`],
//! which never panics on re-entrancy (a host listener calling back into the SDK while it is
//! busy, e.g. from a `focus` event): such calls are deferred to a microtask.

use std::cell::RefCell;

use browser::bridge::{self, Report};
use browser::js;
use js_sys::{Date, Function, Object, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, VisibilityState, console};

use crate::capture;
use crate::config::Options;
use crate::engine::{Config, Engine};
use crate::error::SdkError;
use crate::event::{self, Identity};
use crate::storage::{self, Journal, Local};

mod call;
mod debug;
mod delivery;
mod events;

pub(crate) use call::call;
pub(crate) use debug::debug;

thread_local! {
    static SDK: RefCell<Option<Sdk>> = const { RefCell::new(None) };
    /// `hook(kind, value)`: hands decisions and route changes to the guides module.
    static HOOK: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// The SDK after `init`.
#[derive(Debug)]
pub(crate) struct Sdk {
    engine: Engine,
    store: Journal<Local>,
    /// Calls `persist` when the coalescing delay ends.
    persist_tick: Closure<dyn Fn()>,
    persist_timer: Option<i32>,
    events_url: String,
    who: Identity,
    /// `user.hash` from `init`, while the user is the same.
    user_hash: Option<String>,
    debug: bool,
    /// Calls `pump` when the engine's next wake-up comes.
    tick: Closure<dyn Fn()>,
    timer: Option<i32>,
    /// When `timer` fires.
    timer_at: Option<f64>,
    /// Requests started and finished, for `flush()` promises.
    started: u32,
    finished: u32,
    /// `flush()` promises: resolved when request number `.1` has finished or the queue is empty.
    waiters: Vec<(Function, u32)>,
    last_path: String,
    /// Everything queued has been beaconed since the last change.
    beaconed: bool,
    /// The traits of the current user and account so far (messages' `{{user.…}}` variables).
    traits: [Object; 2],
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
    let mut local = storage::local();
    let legacy = local
        .as_mut()
        .map(|l| storage::adopt_legacy(l, &opts.write_key))
        .unwrap_or_default();
    let mut store = Journal::new(local, &opts.write_key, &event::uuid());
    let (adopted, dropped) = store.adopt();
    engine.import(legacy, Date::now());
    engine.import(adopted, Date::now());
    engine.add_dropped(dropped);
    // The adopted journals' keys are gone: own their events under this page's key at once.
    store.sync(&engine);
    let sdk = Sdk {
        engine,
        store,
        events_url: opts.events_url,
        who: Identity {
            user_id: opts.user_id,
            account_id: opts.account_id,
        },
        user_hash: opts.user_hash,
        debug: opts.debug,
        tick: Closure::new(|| {
            with_state(|sdk| {
                sdk.timer = None;
                sdk.pump();
            });
        }),
        timer: None,
        timer_at: None,
        persist_tick: Closure::new(|| {
            with_state(|sdk| {
                sdk.persist_timer = None;
                sdk.persist();
            });
        }),
        persist_timer: None,
        started: 0,
        finished: 0,
        waiters: Vec::new(),
        last_path: window.location().pathname().unwrap_or_default(),
        beaconed: false,
        traits: [Object::new(), Object::new()],
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
        let closing = event.type_() == "pagehide";
        if hidden || closing {
            with_state(move |sdk| sdk.hide(closing));
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
            hook(bridge::ROUTE, &JsValue::NULL, &JsValue::NULL);
            sdk.page(None);
        }
    });
}

/// Sets the bridge hook (see `connect` in the crate root).
pub(crate) fn connect(f: Function) {
    HOOK.with(|cell| {
        if let Ok(mut slot) = cell.try_borrow_mut() {
            *slot = Some(f);
        }
    });
}

/// Calls the bridge hook, if one is set, with `kind`, `value` and `extra`.
pub(super) fn hook(kind: u32, value: &JsValue, extra: &JsValue) {
    let f = HOOK.with(|cell| cell.try_borrow().ok().and_then(|f| f.clone()));
    if let Some(f) = f {
        let _ = f.call3(&JsValue::NULL, &JsValue::from(kind), value, extra);
    }
}

impl Sdk {
    /// Merges `traits` (a plain object) into the user's (`0`) or account's (`1`) traits.
    pub(super) fn remember_traits(&mut self, which: usize, traits: Option<&JsValue>) {
        if let (Some(slot), Some(t)) = (self.traits.get(which), traits) {
            Object::assign(slot, t.unchecked_ref());
        }
    }

    /// `{ user: { id, …traits }, account: { id, …traits } }`, the values of messages'
    /// variables.
    pub(super) fn variables(&self) -> JsValue {
        let ids = [&self.who.user_id, &self.who.account_id];
        let vars = Object::new();
        for ((name, traits), id) in ["user", "account"].into_iter().zip(&self.traits).zip(ids) {
            let scope = Object::assign(&js::object(&[("id", id)]), traits);
            js::set(&vars, name, &scope);
        }
        vars.into()
    }

    /// Records what the guides report about a message; flushed at once.
    pub(crate) fn report(&mut self, campaign: &str, report: Report) {
        let event = match report {
            Report::Action(action) => event::message_event(&self.who, campaign, action),
            Report::Step(step) => event::step_event(&self.who, campaign, step),
            Report::Survey { score, comment } => {
                event::survey_event(&self.who, campaign, score, comment)
            }
        };
        self.engine.request_flush();
        self.record(&event);
    }
}

/// Always-on warning for lost data (refused batches, rejected events, queue overflow).
pub(super) fn warn(parts: &[&str]) {
    console::warn_1(&JsValue::from_str(&parts.concat()));
}
