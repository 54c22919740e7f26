// The SDK's early buffer across an unload (`pkg/src/early.js`), in Node over a map standing in
// for `localStorage`: a page hidden before its module is live writes its track() calls, the
// next page takes them once, a page that becomes live replays only what no other page took,
// and calls past the buffer become a journal mark the core counts as dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { early } from '../pkg/src/early.js';

/** A `localStorage` over a Map (`key(i)`, `length`, get/set/remove), or one that throws. */
function storage({ broken = false } = {}) {
  const map = new Map();
  const store = {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => map.set(k, String(v)),
    removeItem: (k) => map.delete(k),
  };
  globalThis.window = {
    get localStorage() {
      if (broken) throw new Error('SecurityError');
      return store;
    },
  };
  return map;
}

/** A page of write key `wk` (its init called). */
function page(wk = 'wk') {
  const p = early();
  p.state.writeKey = wk;
  return p;
}

const track = (name, i, time) => ['track', [name, { i }, time]];
const earlyKeys = (map) => [...map.keys()].filter((k) => k.startsWith('cairn:early:'));

test('a page hidden before its module is live writes its track() calls; the next page takes them once, oldest first', () => {
  const map = storage();
  const a = page();
  a.keep([track('b', 2, 20), ['identify', ['u1', {}]], track('a', 1, 10), ['flush', [], () => {}]]);
  assert.equal(earlyKeys(map).length, 1, 'one key for the page');
  const b = page();
  const { calls, skip } = b.take();
  assert.deepEqual(calls, [['a', { i: 1 }, 10], ['b', { i: 2 }, 20]], 'track() calls only, by time');
  assert.equal(skip, 0);
  assert.deepEqual(earlyKeys(map), [], 'taken keys are removed');
  assert.deepEqual(page().take().calls, [], 'taken once');
});

test('a page that becomes live replays only what no other page took', () => {
  // [what happens before the page becomes live, the skip it gets, calls other pages took]
  const cases = [
    ['its key is still there: it replays everything', (a) => {
      a.keep([track('x', 0, 1), track('x', 1, 2)]);
      return 0;
    }, 0, 0],
    ['another page took its key: it skips what that page took', (a) => {
      a.keep([track('x', 0, 1), track('x', 1, 2)]);
      return page().take().calls.length;
    }, 2, 2],
    ['taken, then more calls and a second hide: the second key holds only the new calls', (a, map) => {
      const buffer = [track('x', 0, 1), track('x', 1, 2)];
      a.keep(buffer);
      const first = page().take().calls.length;
      buffer.push(track('x', 2, 3), track('x', 3, 4));
      a.keep(buffer);
      assert.deepEqual(JSON.parse(map.get(earlyKeys(map)[0])).map((c) => c[1].i), [2, 3]);
      return first;
    }, 2, 2],
    ['taken twice: it skips all four', (a) => {
      const buffer = [track('x', 0, 1), track('x', 1, 2)];
      a.keep(buffer);
      let n = page().take().calls.length;
      buffer.push(track('x', 2, 3), track('x', 3, 4));
      a.keep(buffer);
      n += page().take().calls.length;
      return n;
    }, 4, 4],
    ['never hidden: nothing written, nothing skipped', () => 0, 0, 0],
  ];
  for (const [what, act, skip, elsewhere] of cases) {
    const map = storage();
    const a = page();
    assert.equal(act(a, map), elsewhere, `${what}: calls other pages took`);
    const taken = a.take();
    assert.equal(taken.skip, skip, what);
    assert.deepEqual(taken.calls, [], `${what}: a page never takes its own key`);
    assert.deepEqual(earlyKeys(map), [], `${what}: no key left`);
  }
});

test('a second hide rewrites only when there is more, and the keys of another write key are left alone', () => {
  const map = storage();
  const a = page('wk');
  const buffer = [track('x', 0, 1)];
  a.keep(buffer);
  const first = map.get(earlyKeys(map)[0]);
  a.keep(buffer);
  assert.equal(map.get(earlyKeys(map)[0]), first);
  const other = page('other');
  assert.deepEqual(other.take().calls, [], 'another write key takes nothing');
  assert.equal(earlyKeys(map).length, 1);
});

test('calls past the buffer become a mark of the core format, counted once', () => {
  const map = storage();
  const a = page();
  a.state.dropped = 5;
  a.keep([]);
  const mark = [...map.keys()].find((k) => k.startsWith('cairn:q:wk:'));
  assert.equal(map.get(mark), '0 5 0', 'written on a hide');
  // The page becomes live with 2 more dropped: the mark holds all 7 for its core to adopt.
  a.state.dropped = 7;
  a.mark();
  assert.equal(map.get(mark), '0 7 0');
  // Had another page's core adopted the first mark, only the 2 since are left to count.
  const b = page();
  b.state.dropped = 5;
  b.keep([]);
  const bMark = [...map.keys()].find((k) => k.startsWith('cairn:q:wk:') && k !== mark);
  map.delete(bMark);
  b.state.dropped = 7;
  b.mark();
  assert.equal(map.get(bMark), '0 2 0');
  // Nothing dropped: no mark.
  const c = page();
  c.mark();
  assert.equal([...map.keys()].filter((k) => k.startsWith('cairn:q:')).length, 2);
});

test('properties that are not JSON keep their place as a call the core refuses', () => {
  const map = storage();
  const cyclic = {};
  cyclic.self = cyclic;
  page().keep([track('a', 0, 1), ['track', ['b', cyclic, 2]], track('c', 2, 3)]);
  const { calls } = page().take();
  assert.deepEqual(calls, [['a', { i: 0 }, 1], [null, null, 2], ['c', { i: 2 }, 3]]);
  assert.deepEqual(earlyKeys(map), []);
});

test('without storage nothing is written or taken, and nothing throws', () => {
  storage({ broken: true });
  const a = page();
  a.state.dropped = 3;
  a.keep([track('a', 0, 1)]);
  a.mark();
  assert.deepEqual(a.take(), { calls: [], skip: 0 });
});
