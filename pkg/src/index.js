// @cairn/sdk: the public ESM entry over the WebAssembly SDK (generated into ./wasm/).
// Calls made before the module is ready are buffered in order and replayed after `init`.
// `identify`, `group`, `track` and `page` never throw into the host page.
import load, * as wasm from './wasm/cairn_sdk.js';

const MAX_BUFFERED = 1000;
let ready; // the promise returned by init()
let live = false; // the module is loaded and init() accepted the options
let buffer = []; // [name, args, resolve?] of calls made before that

function call(name, args) {
  if (!live) {
    if (buffer.length < MAX_BUFFERED) buffer.push([name, args]);
    return;
  }
  try {
    wasm[name](...args);
  } catch {
    // Never throw into the host page.
  }
}

/** Loads and starts the SDK; rejects on invalid options (init may then be called again). */
export function init(options) {
  if (!ready) {
    const opts = options || {};
    const module_or_path = opts.wasmUrl ?? new URL('./wasm/cairn_sdk_bg.wasm', import.meta.url);
    ready = load({ module_or_path })
      .then(() => {
        wasm.init(opts);
        live = true;
        const calls = buffer;
        buffer = [];
        for (const [name, args, resolve] of calls) {
          if (resolve) flush().then(resolve);
          else call(name, args);
        }
      })
      .catch((err) => {
        ready = undefined;
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
  call('track', [name, properties]);
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
  try {
    return wasm.debug().catch(() => null);
  } catch {
    return Promise.resolve(null);
  }
}
