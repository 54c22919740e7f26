// Chaos: the real SDK in headless Chromium sends to the real edge in workerd through a proxy
// that injects faults into `POST /v1/events`: 503, 429 with Retry-After, 408, a connection
// reset before the edge stored the batch and one after it stored it, and edge-down spells.
// Between the calls come page reloads, new tabs (the old one closed) and offline spells.
// Once the faults are healed, every event that `track()` was called for must be stored
// exactly once.
//
// CI runs 1,500 events; `CAIRN_CHAOS_EVENTS=100000 cargo xtask js chaos` runs the large
// size (and prints its figures). The fault schedule is seeded (`CAIRN_CHAOS_SEED`), so a
// failure can be replayed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fresh, journalDrained, SECRET_KEY, URL_BASE, launchChromium } from './helpers.mjs';

const EVENTS = Number(process.env.CAIRN_CHAOS_EVENTS || 1500);
const SEED = Number(process.env.CAIRN_CHAOS_SEED || Date.now() % 100000);
const FAULTS = ['503', '429', '408', 'reset_before', 'reset_after'];

/** mulberry32: a small seeded generator, so a run's faults can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A proxy in front of the edge: the page is served through it (so the SDK's endpoint, the
 * page's origin, is the proxy), and batches meet the faults. `healed` turns the faults off;
 * `down` answers no batch at all (the connection is dropped, as when the edge is unreachable).
 */
function chaosProxy(random) {
  const edge = new URL(URL_BASE);
  const state = {
    healed: false,
    down: false,
    batches: 0,
    faults: Object.fromEntries([...FAULTS, 'down'].map((f) => [f, 0])),
    ordered: 0,
    // Forwarding failures of the proxy itself (not injected), with the last one's message.
    proxyErrors: 0,
    lastProxyError: null,
  };
  const forward = (req, body) =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: edge.host };
      if (headers.origin) headers.origin = edge.origin;
      // A new connection per request (no stale keep-alive socket), and none waits forever.
      const options = { host: edge.hostname, port: edge.port, method: req.method, path: req.url, headers, agent: false };
      const out = http.request(options, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.setTimeout(20_000, () => out.destroy(new Error('the edge did not answer in 20 s')));
      out.on('error', reject);
      out.end(body);
    });
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const reply = (r) => {
      try {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      } catch {
        res.destroy();
      }
    };
    if (req.method !== 'POST' || !req.url.startsWith('/v1/events') || state.healed) {
      // The page's own loads are not under test: a failed forward of a GET is tried again.
      for (let attempt = 0; ; attempt++) {
        try {
          return reply(await forward(req, body));
        } catch (e) {
          state.proxyErrors += 1;
          state.lastProxyError = String(e);
          if (req.method !== 'GET' || attempt >= 2) return res.destroy();
        }
      }
    }
    state.batches += 1;
    if (state.down) {
      state.faults.down += 1;
      return res.destroy();
    }
    // The first batches that reach the proxy while the edge is up meet each fault once, in
    // order (a batch refused by an edge-down spell does not use up a fault); then one batch in
    // three meets one.
    const n = state.ordered;
    if (n < FAULTS.length) state.ordered += 1;
    const fault = n < FAULTS.length ? FAULTS[n] : random() < 1 / 3 ? FAULTS[Math.floor(random() * FAULTS.length)] : null;
    if (fault) state.faults[fault] += 1;
    switch (fault) {
      case '503':
        return reply({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'unavailable' });
      case '429':
        return reply({ status: 429, headers: { 'retry-after': '1', 'content-type': 'text/plain' }, body: 'slow down' });
      case '408':
        return reply({ status: 408, headers: { 'content-type': 'text/plain' }, body: 'timeout' });
      case 'reset_before':
        return res.destroy();
      case 'reset_after':
        // The edge stores the batch; its answer never reaches the page.
        return forward(req, body).then(() => res.destroy(), () => res.destroy());
      default:
        return forward(req, body).then(reply, () => res.destroy());
    }
  });
  return { server, state };
}

let browser;
let proxy;
let base;

before(async () => {
  browser = await launchChromium();
  proxy = chaosProxy(rng(SEED));
  await new Promise((r) => proxy.server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${proxy.server.address().port}`;
});

after(async () => {
  await browser?.close();
  proxy?.server.closeAllConnections?.();
  await new Promise((r) => proxy?.server.close(r) ?? r());
});

/**
 * The stored `chaos_probe` events of `account`, read from the edge (not through the proxy) as
 * an incremental feed: each call reads only what was stored since the last one.
 */
function probeFeed(account) {
  const events = [];
  let cursor = '';
  return async () => {
    for (;;) {
      const res = await fetch(`${URL_BASE}/v1/admin/accounts/${encodeURIComponent(account)}/events?cursor=${cursor}`, {
        headers: { authorization: `Bearer ${SECRET_KEY}` },
      });
      const json = await res.json();
      if (res.status !== 200) throw new Error(`export: ${res.status} ${JSON.stringify(json)}`);
      events.push(...json.events.map((e) => e.event).filter((e) => e.type === 'track' && e.name === 'chaos_probe'));
      cursor = json.next;
      if (!json.more) return events;
    }
  };
}

test(`chaos: ${EVENTS} events through faults, reloads, new tabs and offline spells arrive exactly once`, { timeout: 1_800_000 }, async () => {
  const random = rng(SEED + 1);
  const [user, account] = [fresh('user'), fresh('acct')];
  const context = await browser.newContext();
  const url = `${base}/?user=${user}&account=${account}&debug&flush=100`;
  const problems = [];
  // The SDK is up on `p`; a stuck page load says what the proxy saw.
  const up = (p) =>
    p.waitForFunction(() => window.cairn !== undefined).catch((e) => {
      throw new Error(`the page did not start (proxy errors ${proxy.state.proxyErrors}: ${proxy.state.lastProxyError}): ${e.message}`);
    });
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(url);
    await up(page);
    return page;
  };
  let page = await open();
  let next = 0;
  const track = async (n) => {
    const from = next;
    next = Math.min(EVENTS, next + n);
    await page.evaluate(([a, b]) => {
      for (let i = a; i < b; i++) window.cairn.track('chaos_probe', { i });
    }, [from, next]);
  };
  const actions = { track: 0, reload: 0, tab: 0, offline: 0, down: 0 };
  const started = Date.now();
  while (next < EVENTS) {
    const roll = random();
    const n = 1 + Math.floor(random() * 60);
    if (roll < 0.6) {
      actions.track += 1;
      await track(n);
      await page.waitForTimeout(Math.floor(random() * 150));
    } else if (roll < 0.72) {
      // A reload right after tracking: the page's journal carries the queue across.
      actions.reload += 1;
      await track(n);
      await page.reload();
      await up(page);
    } else if (roll < 0.82) {
      // A new tab, then the old one closes: the new tab adopts what the old one left.
      actions.tab += 1;
      await track(n);
      const old = page;
      page = await open();
      await old.close();
    } else if (roll < 0.92) {
      actions.offline += 1;
      await context.setOffline(true);
      await track(n);
      await page.waitForTimeout(200 + Math.floor(random() * 400));
      await context.setOffline(false);
    } else {
      actions.down += 1;
      proxy.state.down = true;
      await track(n);
      await page.waitForTimeout(300 + Math.floor(random() * 700));
      proxy.state.down = false;
    }
  }
  const tracked = Date.now() - started;

  // Healed: every fault off. The SDK's backoff and explicit flushes deliver the rest.
  proxy.state.healed = true;
  const probes = probeFeed(account);
  let stored = [];
  const deadline = Date.now() + Math.max(120_000, EVENTS * 5);
  while (Date.now() < deadline) {
    await page.evaluate(() => window.cairn.flush());
    try {
      stored = await probes();
    } catch (e) {
      // The edge busy or restarting: read on at the next turn.
      console.log(`# chaos: reading the export failed (${e.message}); trying again`);
    }
    if (new Set(stored.map((e) => e.properties.i)).size >= EVENTS) break;
    await page.waitForTimeout(EVENTS > 10_000 ? 3_000 : 1_000);
  }
  const healedAfter = Date.now() - started - tracked;
  const seen = new Set(stored.map((e) => e.properties.i));
  const missing = [];
  for (let i = 0; i < EVENTS && missing.length < 20; i++) if (!seen.has(i)) missing.push(i);
  const ids = stored.map((e) => e.id);
  console.log(
    `# chaos (seed ${SEED}): ${EVENTS} tracked in ${(tracked / 1000).toFixed(1)} s, delivered ${(healedAfter / 1000).toFixed(1)} s after healing; ` +
      `${stored.length} stored, ${EVENTS - seen.size} lost, ${stored.length - seen.size} duplicated; ` +
      `batches ${proxy.state.batches}, faults ${JSON.stringify(proxy.state.faults)}, actions ${JSON.stringify(actions)}, ` +
      `proxy errors ${proxy.state.proxyErrors} (${proxy.state.lastProxyError})`,
  );
  assert.deepEqual(missing, [], `every tracked event arrived (seed ${SEED})`);
  assert.equal(stored.length, EVENTS, `no event stored twice (seed ${SEED})`);
  assert.equal(new Set(ids).size, ids.length);
  for (const f of [...FAULTS]) assert.ok(proxy.state.faults[f] > 0, `the ${f} fault happened`);
  // Nothing is left queued once the edge confirmed everything.
  await journalDrained(page, 30_000);
  assert.deepEqual(problems, []);
  await context.close();
});
