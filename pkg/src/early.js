// The calls made before the core module is live, kept in memory by index.js, and carried
// across an unload: a page reloaded or closed while the module still loads keeps its
// track() calls in `localStorage`, and the next page's init tracks them (with their own
// times) before its own. Calls past the buffer are counted as dropped (capacity) through a
// journal mark of the core's format, `cairn:q:<writeKey>:<tab>` = `0 <capacity> 0`, which
// the core adopts at init like any page's mark.
//
// Keys: `cairn:early:<writeKey>:<tab>`, a JSON array of `[name, properties, time]`. The key
// is the ownership of what it holds: a page that becomes live after writing its key replays
// only what no other page took (the key is still there), so nothing is tracked twice.

const PREFIX = 'cairn:early:';

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // disabled (sandboxed frames, some privacy modes)
  }
}

/** A call `[name, properties, time]` as JSON. Properties that are not JSON (a cycle, a
 *  BigInt) keep the call's place as one the core refuses (it has no name), so the count of a
 *  page's calls stays exact. */
function text(args) {
  try {
    return JSON.stringify(args);
  } catch {
    return JSON.stringify([null, null, args[2]]);
  }
}

/** The early state of this page: what it wrote on a hide, for `writeKey`. */
export function early() {
  const tab = `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  // saved: this page's track() calls written so far; taken: how many of them another page
  // took (its key was gone when this page looked again).
  // dropped: calls past the buffer; marked: the count the mark holds; counted: the part of it
  // another page's core adopted (the mark was gone).
  const state = { writeKey: '', saved: 0, taken: 0, dropped: 0, marked: 0, counted: 0 };
  const key = (kind) => `${kind}${state.writeKey}:${tab}`;

  /** Writes the mark of the drops not counted elsewhere yet (when there are more). */
  function writeMark(store) {
    if (state.marked > state.counted && store.getItem(key('cairn:q:')) === null) state.counted = state.marked;
    if (state.dropped > state.marked) {
      store.setItem(key('cairn:q:'), `0 ${state.dropped - state.counted} 0`);
      state.marked = state.dropped;
    }
  }

  /** Writes the buffered track() calls and the drop count (a hide while not live). */
  function keep(buffer) {
    const store = storage();
    if (!store) return;
    const calls = buffer.filter(([name]) => name === 'track');
    try {
      if (calls.length > state.saved) {
        if (state.saved > state.taken && store.getItem(key(PREFIX)) === null) state.taken = state.saved;
        // Only what no other page took, each call serialised once.
        store.setItem(key(PREFIX), `[${calls.slice(state.taken).map(([, args]) => text(args)).join(',')}]`);
        state.saved = calls.length;
      }
      writeMark(store);
    } catch {
      // Full: the calls stay in memory; a later hide tries again.
    }
  }

  /** Before the core's init: this page's drop count as a mark, which the core adopts. */
  function mark() {
    const store = storage();
    if (!store || state.dropped === 0) return;
    try {
      writeMark(store);
    } catch {
      // Full: the count is lost with the page (storage holds nothing more either).
    }
  }

  /**
   * Once live: the other pages' early calls, oldest first, and how many of this page's
   * buffered track() calls another page already took. Removes the keys it read.
   */
  function take() {
    const store = storage();
    const taken = { calls: [], skip: 0 };
    if (!store) return taken;
    const mine = key(PREFIX);
    const ours = `${PREFIX}${state.writeKey}:`;
    try {
      const found = [];
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i);
        if (k && k.startsWith(ours) && k !== mine) found.push(k);
      }
      for (const k of found) {
        try {
          const calls = JSON.parse(store.getItem(k) || '[]');
          if (Array.isArray(calls)) taken.calls.push(...calls.filter(Array.isArray));
        } catch {
          // Unreadable: nothing to track from it.
        }
        store.removeItem(k);
      }
      taken.calls.sort((a, b) => (Number(a[2]) || 0) - (Number(b[2]) || 0));
      if (state.saved > 0) {
        taken.skip = store.getItem(mine) === null ? state.saved : state.taken;
        store.removeItem(mine);
      }
    } catch {
      // Storage failing mid-way: what was read is tracked; the rest stays for another page.
    }
    return taken;
  }

  return { state, keep, mark, take };
}
