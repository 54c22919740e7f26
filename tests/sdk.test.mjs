// The SDK's persistence in headless Debian Chromium against the edge in workerd: a reload
// right after many track() calls loses nothing, and events beyond the queue's capacity are
// counted and reported as `dropped` instead of vanishing, track() calls and clicks made while
// the module loads are tracked once, even across a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fresh, journalDrained, stored, URL_BASE, SECRET_KEY, launchChromium, navigate } from './helpers.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Events of `account` stored by the edge, once `done(events)` holds (or after ~15 s). */
async function storedWhen(account, done) {
  let events = [];
  for (let i = 0; i < 60; i++) {
    const res = await stored(account);
    events = (res.json?.events ?? []).map((e) => e.event);
    if (done(events)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return events;
}

/** The demo app for a fresh user and account, with `window.cairn` (?debug) and no timer flush. */
async function open(page, user, account) {
  await navigate(page, `${URL_BASE}/?user=${user}&account=${account}&debug&flush=600000`);
  await page.waitForFunction(() => window.cairn !== undefined);
}

test('a reload right after 300 track() calls loses nothing and stores nothing twice', { timeout: 90_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await open(page, user, account);
  await page.waitForTimeout(500);
  // Nothing reaches the edge from this page: neither batches nor the unload beacons, so
  // only storage can carry the events across the reload.
  let refused = 0;
  await context.route('**/v1/events', (route) => {
    refused += 1;
    return route.abort();
  });
  const N = 300;
  await page.evaluate((n) => {
    for (let i = 0; i < n; i++) window.cairn.track('reload_probe', { i });
  }, N);
  await navigate(page); // at once: the coalescing timer has not fired; pagehide writes
  // (Whether the first page's unload beacon was even attempted before the reload is
  // Chromium's timing, so `refused` is not asserted: the beacon cannot pass either way.)
  void refused;
  await context.unroute('**/v1/events');
  await page.waitForFunction(() => window.cairn !== undefined);
  await page.evaluate(() => window.cairn.flush());
  const events = await storedWhen(account, (es) => es.filter((e) => e.name === 'reload_probe').length >= N);
  const probes = events.filter((e) => e.type === 'track' && e.name === 'reload_probe');
  assert.equal(probes.length, N, 'every tracked event arrived');
  assert.deepEqual(
    probes.map((e) => e.properties.i).sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i),
  );
  const ids = events.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
  // The adopted journal was sent and confirmed: no chunk of it is left in storage.
  await journalDrained(page, 10_000);
  assert.deepEqual(problems, []);
  await context.close();
});

test('track() calls made while the module still loads survive a reload, once each, with their own times', { timeout: 90_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // The first page never gets its core module: every call stays in the JavaScript buffer.
  let blocked = true;
  await page.route('**/cairn_sdk_bg.wasm', (route) => (blocked ? route.abort() : route.continue()));
  await open(page, user, account);
  const N = 300;
  await page.evaluate((n) => {
    for (let i = 0; i < n; i++) window.cairn.track('early_probe', { i });
  }, N);
  const tracked = Date.now();
  // A pause, so that a time taken when the next page replays them would show.
  await page.waitForTimeout(1500);
  blocked = false;
  await navigate(page);
  await page.waitForFunction(() => window.cairn !== undefined);
  await page.evaluate(() => window.cairn.flush());
  const events = await storedWhen(account, (es) => es.filter((e) => e.name === 'early_probe').length >= N);
  const probes = events.filter((e) => e.type === 'track' && e.name === 'early_probe');
  assert.deepEqual(
    probes.map((e) => e.properties.i).sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i),
    'every early call arrived once',
  );
  const late = probes.filter((e) => e.timestamp > tracked + 1000);
  assert.deepEqual(late, [], 'each keeps the time of its call');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cairn:early:'))), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('events beyond the queue capacity are counted and reported as dropped', { timeout: 120_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const context = await browser.newContext();
  const page = await context.newPage();
  await open(page, user, account);
  await page.evaluate(() => window.cairn.flush());
  // The counts of the batches the edge answered.
  const reports = [];
  page.on('requestfinished', (req) => {
    if (req.url().endsWith('/v1/events') && req.method() === 'POST') {
      const body = JSON.parse(req.postData() || '{}');
      if (body.dropped) reports.push(body.dropped);
    }
  });
  // Offline (every batch refused at the network): the queue fills up to its 2 MiB.
  await context.route('**/v1/events', (route) => route.abort());
  const N = 5000;
  await page.evaluate((n) => {
    const pad = 'x'.repeat(400);
    for (let i = 0; i < n; i++) window.cairn.track('capacity_probe', { i, pad });
  }, N);
  await context.unroute('**/v1/events');
  // Back online: the retry timer (backoff) or an explicit flush drains the queue.
  for (let i = 0; i < 10; i++) await page.evaluate(() => window.cairn.flush());
  const events = await storedWhen(
    account,
    (es) => reports.length > 0 && es.filter((e) => e.name === 'capacity_probe').length + reports[0].capacity >= N,
  );
  const kept = events.filter((e) => e.name === 'capacity_probe').length;
  assert.ok(kept > 1000 && kept < N, `a 2 MiB queue keeps part of ${N} events of ~500 bytes (kept ${kept})`);
  assert.equal(reports.length >= 1, true, 'a batch reported the drops');
  assert.equal(reports[0].capacity, N - kept, 'every event not kept is counted');
  // The edge keeps the count for the account: its summary shows it, once.
  const summary = await (
    await fetch(`${URL_BASE}/v1/admin/accounts/${account}/summary`, { headers: { authorization: `Bearer ${SECRET_KEY}` } })
  ).json();
  assert.deepEqual(summary.dropped, { capacity: N - kept, storage: 0 });
  await context.close();
});

test('clicks on a feature while the SDK module loads are tracked, once each', { timeout: 60_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const context = await browser.newContext();
  const page = await context.newPage();
  // The core module is held back until two clicks have been made.
  let release;
  let served = false;
  const held = new Promise((r) => (release = r));
  await page.route('**/cairn_sdk_bg.wasm', async (route) => {
    await held;
    served = true;
    await route.continue();
  });
  await navigate(page, `${URL_BASE}/?user=${user}&account=${account}&flush=200`);
  for (const n of [1, 2]) {
    await page.fill('input[name="description"]', `Early ${n}`);
    await page.fill('input[name="amount"]', String(n));
    await page.click('button[data-cairn-feature="create_expense"]');
    await page.waitForSelector(`#expenses li:nth-child(${n})`);
  }
  assert.equal(served, false, 'the clicks came before the module');
  release();
  // A third click once the module is live: the core's own listener takes it.
  await page.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Escape');
  await page.fill('input[name="description"]', 'Late');
  await page.fill('input[name="amount"]', '3');
  await page.click('button[data-cairn-feature="create_expense"]');
  const created = (es) => es.filter((e) => e.type === 'track' && e.name === 'create_expense');
  const events = await storedWhen(account, (es) => created(es).length >= 3);
  assert.equal(created(events).length, 3, 'two early clicks and one late click, each stored once');
  assert.ok(created(events).every((e) => e.properties.source === 'click'));
  await context.close();
});
