// @cairn/sdk: the public ESM entry over the WebAssembly SDK (generated into ./wasm/).
// Calls made before the module is ready are buffered in order and replayed after `init`.
// `identify`, `group`, `track` and `page` never throw into the host page.
// The SDK is two wasm modules: the core (tracking, loaded by init) and the guides (rendering
// messages), loaded only when a decision first carries a message. This file relays between
// them: the core's hook hands over decisions and route changes, the guides report back.
import load, * as wasm from './wasm/cairn_sdk.js';
import { early } from './early.js';

// The core queue's capacity: calls past it before the module is live are counted as dropped.
const MAX_BUFFERED = 10000;
const pre = early(); // the buffer's keeping across an unload (early.js)
let ready; // the promise returned by init()
let live = false; // the module is loaded and init() accepted the options
let buffer = []; // [name, args, resolve?] of calls made before that
let guidesUrl; // where the guides' wasm is
let guides; // the promise of the started guides module (null if it failed to load)

function loadGuides() {
  if (!guides) {
    guides = import('./wasm/cairn_guides.js')
      .then(async (g) => {
        await g.default({ module_or_path: guidesUrl });
        g.start(
          (kind, campaign, n, comment) => {
            drain();
            try {
              wasm.report(kind, campaign, n, comment);
            } catch {
              // Never throw into the host page.
            }
          },
          (path, fieldsJson) => wasm.call(path, fieldsJson),
        );
        return g;
      })
      .catch((err) => {
        console.warn('cairn: could not load the guides module', err);
        guides = undefined; // the next decision tries again
        return null;
      });
  }
  return guides;
}

// The core's hook: 0 = a response with messages to show or approvals waiting for the user
// (with the values of the messages' {{user.…}} variables), 1 = the path changed.
function fromCore(kind, value, vars) {
  if (kind === 0) loadGuides().then((g) => g?.decision(value, vars));
  else guides?.then((g) => g?.route());
}

function siblingOf(url, file) {
  if (typeof url === 'string' || url instanceof URL) return new URL(file, new URL(url, document.baseURI));
  return new URL(`./wasm/${file}`, import.meta.url);
}

// track() calls of this task, handed to the core in one call by a microtask (before any
// pagehide); other calls drain first, keeping the order.
let tracks = [];
let draining = false;

function drain() {
  draining = false;
  if (tracks.length === 0) return;
  const calls = tracks;
  tracks = [];
  try {
    wasm.trackMany(calls);
  } catch {
    // Never throw into the host page.
  }
}

function call(name, args) {
  if (!live) {
    if (buffer.length < MAX_BUFFERED) buffer.push([name, args]);
    else pre.state.dropped += 1;
    return;
  }
  drain();
  try {
    wasm[name](...args);
  } catch {
    // Never throw into the host page.
  }
}

// Until the core is live, clicks on `data-cairn-feature` elements are buffered here, so a
// click made while the module loads is tracked too; the core's own listener takes over in the
// same task that removes this one, so no click is counted twice or missed.
function earlyClick(event) {
  const el = event.target instanceof Element ? event.target.closest('[data-cairn-feature]') : null;
  const feature = el && el.getAttribute('data-cairn-feature');
  if (feature) call('track', [feature, { source: 'click' }, Date.now()]);
}

function keepEarly(event) {
  if (!live && (event.type === 'pagehide' || document.visibilityState === 'hidden')) pre.keep(buffer);
}

/** Loads and starts the SDK; rejects on invalid options (init may then be called again). */
export function init(options) {
  if (!ready) {
    const opts = options || {};
    pre.state.writeKey = String(opts.writeKey ?? '');
    document.addEventListener('click', earlyClick, true);
    // Until live, an unload or a hidden page writes the buffered track() calls (early.js).
    addEventListener('pagehide', keepEarly);
    document.addEventListener('visibilitychange', keepEarly);
    const module_or_path = opts.wasmUrl ?? new URL('./wasm/cairn_sdk_bg.wasm', import.meta.url);
    guidesUrl = opts.guidesUrl ?? siblingOf(opts.wasmUrl, 'cairn_guides_bg.wasm');
    ready = load({ module_or_path })
      .then(() => {
        wasm.connect(fromCore);
        document.removeEventListener('click', earlyClick, true);
        pre.mark(); // before the core's init, which adopts the mark
        wasm.init(opts);
        live = true;
        removeEventListener('pagehide', keepEarly);
        document.removeEventListener('visibilitychange', keepEarly);
        const { calls: before, skip } = pre.take();
        for (const c of before) tracks.push(c[0], c[1], c[2] ?? Date.now());
        const calls = buffer;
        buffer = [];
        let own = 0;
        for (const [name, args, resolve] of calls) {
          if (resolve) flush().then(resolve);
          else if (name !== 'track') call(name, args);
          else if (own++ >= skip) tracks.push(args[0], args[1], args[2] ?? Date.now());
        }
        drain();
      })
      .catch((err) => {
        ready = undefined;
        document.removeEventListener('click', earlyClick, true);
        // Buffered flush() promises resolve; other calls wait for the next init.
        buffer = buffer.filter(([, , resolve]) => !resolve || resolve());
        throw err;
      });
  }
  return ready;
}

export function identify(userId, traits) {
  call('identify', [userId, traits]);
}

export function group(accountId, traits) {
  call('group', [accountId, traits]);
}

export function track(name, properties) {
  if (!live) return call('track', [name, properties, Date.now()]);
  tracks.push(name, properties, Date.now());
  if (!draining) {
    draining = true;
    queueMicrotask(drain);
  }
}

export function page(properties) {
  call('page', [properties]);
}

/** Sends what is queued now; resolves when that request has finished. */
export function flush() {
  if (!live) {
    return new Promise((resolve) => {
      if (buffer.length < MAX_BUFFERED) buffer.push(['flush', [], resolve]);
      else resolve();
    });
  }
  drain();
  try {
    return wasm.flush().catch(() => {});
  } catch {
    return Promise.resolve();
  }
}

/**
 * Prints to the console why each campaign is or is not shown to the current user on this
 * page, and resolves with the decision (`null` before `init`). Needs a debug-enabled key.
 */
export function debug() {
  if (!live) return Promise.resolve(null);
  drain();
  try {
    return wasm.debug().catch(() => null);
  } catch {
    return Promise.resolve(null);
  }
}

// Invitations and approvals (documented in index.d.ts): signed with `user.hash`, resolved
// with the edge's answer, rejected with an Error carrying the edge's `code` and `field`.
function toError(body) {
  const e = (body && body.error) || {};
  return Object.assign(new Error(e.message || 'cairn: the request did not reach the edge'), { code: e.code, field: e.field });
}

function signed(path, fields) {
  if (!ready) return Promise.reject(new Error('cairn: call init() first'));
  return ready.then(() => wasm.call(path, JSON.stringify(fields ?? {}))).catch((body) => {
    throw body instanceof Error ? body : toError(body);
  });
}

export const invite = (fields) => signed('/v1/invites', fields);
export const inviteSuggestions = () => signed('/v1/invites/suggestions', {});
export const approvals = () => signed('/v1/approvals/inbox', {});
export const decideApproval = (fields) => signed('/v1/approvals/decide', fields);
// After accepting, a flush brings an attached approval into the inbox.
export const acceptInvite = (fields) => signed('/v1/invites/accept', fields).then((a) => (flush(), a));

// A requested approval is polled (every 3 s, backing off to 30 s) until decided; then
// `cairn:approval` is dispatched on window with the approval as `detail`.
const watched = new Set();
function watch(answer) {
  const id = answer && answer.approval && answer.approval.id;
  if (!id || watched.has(id)) return answer;
  watched.add(id);
  if (watched.size === 1) {
    let wait = 3000;
    const tick = () => {
      if (watched.size === 0) return;
      const next = () => setTimeout(tick, (wait = Math.min(30000, wait * 1.5)));
      if (document.visibilityState === 'hidden') return next();
      approvals()
        .then(({ requested }) => {
          for (const a of requested || []) {
            if (watched.has(a.id) && a.status !== 'pending') {
              watched.delete(a.id);
              window.dispatchEvent(new CustomEvent('cairn:approval', { detail: a }));
            }
          }
        })
        .catch(() => {})
        .finally(next);
    };
    setTimeout(tick, wait);
  }
  return answer;
}

// Without `approver`, the guides ask the user who should approve; cancelling rejects.
export function requestApproval(fields) {
  if (fields && fields.approver) return signed('/v1/approvals', fields).then(watch);
  if (!ready) return Promise.reject(new Error('cairn: call init() first'));
  return ready
    .then(loadGuides)
    .then((g) => {
      if (!g) throw new Error('cairn: could not load the guides module');
      return g.promptApprover(JSON.stringify(fields ?? {}), fields ?? {});
    })
    .then(watch, (body) => {
      throw body instanceof Error ? body : body ? toError(body) : Object.assign(new Error('cairn: cancelled'), { code: 'cancelled' });
    });
}
