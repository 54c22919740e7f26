// End to end in headless Debian Chromium (playwright-core): the demo app, the SDK from pkg/,
// and the edge in workerd, with nothing mocked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fresh, KEYS, SECRET_KEY, stored, URL_BASE, launchChromium, navigate } from './helpers.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function createExpense(page, n) {
  await page.fill('input[name="description"]', `Lunch ${n}`);
  await page.fill('input[name="amount"]', String(10 + n));
  await page.click('button[data-cairn-feature="create_expense"]');
  await page.waitForSelector(`#expenses li:nth-child(${n})`);
}

test('welcome modal, keyboard dismissal, usage limit banner, and every event stored once', { timeout: 90_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  const url = `${URL_BASE}/?user=${user}&account=${account}&flush=300`;

  await navigate(page, url);
  const welcome = page.locator('[data-cairn-message="welcome"]');
  await welcome.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await welcome.getAttribute('data-cairn-surface'), 'modal');
  // A <dialog> in the top layer: no host z-index can cover it, the page behind is inert.
  assert.equal(await page.locator('[data-cairn-root] dialog[open]').count(), 1);
  assert.ok(await page.evaluate(() => document.querySelector('[data-cairn-root]').shadowRoot.querySelector('dialog').matches(':modal')));
  await page.keyboard.press('Escape');
  await welcome.waitFor({ state: 'detached', timeout: 5_000 });

  for (let n = 1; n <= 3; n++) await createExpense(page, n);

  // Reload mid-way: queued events survive in localStorage, and the welcome modal stays dismissed.
  await navigate(page);
  await page.waitForSelector('#expenses li:nth-child(3)');
  await page.waitForTimeout(1500);
  assert.equal(await welcome.count(), 0, 'the welcome modal does not come back');

  for (let n = 4; n <= 6; n++) await createExpense(page, n);
  const banner = page.locator('[data-cairn-message="upgrade"]');
  await banner.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await banner.getAttribute('data-cairn-surface'), 'banner');
  assert.match(await banner.innerText(), /Starter plan/);

  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/e2e-upgrade-banner.png', fullPage: true });
  await page.close(); // pagehide: the SDK beacons whatever is still queued

  // Every event the page tracked is stored exactly once.
  let events = [];
  for (let i = 0; i < 20; i++) {
    events = (await stored(account)).json.events.map((e) => e.event);
    if (events.filter((e) => e.type === 'message' && e.campaign === 'upgrade').length > 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const ids = events.map((e) => e.id);
  assert.equal(new Set(ids).size, ids.length, 'no event stored twice');
  const created = events.filter((e) => e.type === 'track' && e.name === 'create_expense');
  assert.equal(created.length, 6, 'six create_expense clicks, six events');
  const welcomeOutcomes = events.filter((e) => e.type === 'message' && e.campaign === 'welcome').map((e) => e.action);
  assert.ok(welcomeOutcomes.includes('shown'), 'welcome reported as shown');
  assert.deepEqual(welcomeOutcomes.filter((a) => a === 'dismissed'), ['dismissed']);
  assert.ok(events.some((e) => e.type === 'identify' && e.user_id === user));
  assert.ok(events.some((e) => e.type === 'group' && e.traits?.plan_expense_limit === 5));
  assert.ok(events.some((e) => e.type === 'page'));
  assert.deepEqual(problems, []);
});

test('events queued by an offline tab are delivered by the next tab, once', { timeout: 60_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const context = await browser.newContext();
  const url = `${URL_BASE}/?user=${user}&account=${account}&flush=200`;

  // Tab A is offline: every request to the edge fails, so its events stay queued.
  const a = await context.newPage();
  await a.route('**/v1/events', (route) => route.abort('internetdisconnected'));
  await navigate(a, url);
  for (let n = 1; n <= 2; n++) await createExpense(a, n);
  // The journal's chunks (`cairn:q:<key>:<tab>:<seq>`, one `<id> <json>` line per event) are
  // written within 200 ms.
  const queued = () =>
    a.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('cairn:q:') && k.split(':').length === 5)
        .flatMap((k) => localStorage.getItem(k).split('\n'))
        .map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)))
        .filter((e) => e.name === 'create_expense').length,
    );
  for (let i = 0; i < 20 && (await queued()) < 2; i++) await a.waitForTimeout(100);
  assert.equal(await queued(), 2, 'the offline tab persisted its events');

  // Tab B opens while A is still offline: it adopts A's queue and delivers it.
  const b = await context.newPage();
  await navigate(b, url);
  const created = async () =>
    (await stored(account)).json.events.filter((e) => e.event.type === 'track' && e.event.name === 'create_expense');
  for (let i = 0; i < 40 && (await created()).length < 2; i++) await new Promise((r) => setTimeout(r, 250));
  assert.equal((await created()).length, 2, 'tab B delivered tab A\'s events');

  // A comes back online and retries what it still holds: the edge keeps one copy.
  await a.unroute('**/v1/events');
  await a.evaluate(() => new Promise((r) => setTimeout(r, 2500)));
  await context.close();
  const ids = (await created()).map((e) => e.event.id);
  assert.equal(ids.length, 2);
  assert.equal(new Set(ids).size, 2);
});

test('client-side routes: pushState records page views, and a reload on /reports serves the app', { timeout: 60_000 }, async () => {
  const [user, account] = [fresh('user'), fresh('acct')];
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  // Every batch the page sent (fetch or beacon), the page views it carried, and its answer:
  // printed when a view is missing, to tell a view never sent from one the edge lost.
  const sent = [];
  const views = (body) => (JSON.parse(body ?? '{}').events ?? []).filter((e) => e.type === 'page').map((e) => `${e.name}#${e.id.slice(0, 8)}`);
  page.on('requestfinished', async (r) => {
    if (!r.url().includes('/v1/events')) return;
    const res = await r.response().catch(() => null);
    sent.push(`${r.resourceType()} ${res?.status() ?? '-'} ${views(r.postData()).join(' ')}`);
  });
  page.on('requestfailed', (r) => r.url().includes('/v1/events') && sent.push(`${r.resourceType()} failed ${r.failure()?.errorText} ${views(r.postData()).join(' ')}`));
  await navigate(page, `${URL_BASE}/?user=${user}&account=${account}&flush=200`);
  await page.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Escape');

  await page.click('nav a[data-route="/reports"]');
  assert.equal(new URL(page.url()).pathname, '/reports');
  assert.equal(new URL(page.url()).searchParams.get('account'), account, 'the query survives the route');
  assert.ok(await page.isVisible('#view-reports'));
  assert.ok(await page.isHidden('#view-expenses'));

  await navigate(page);
  await page.locator('#view-reports').waitFor({ state: 'visible', timeout: 5_000 });
  await page.click('nav a[data-route="/"]');
  await page.locator('#view-expenses').waitFor({ state: 'visible', timeout: 5_000 });

  // Page views: the first load, the pushState to /reports, the reload, the pushState back.
  let pages = [];
  for (let i = 0; i < 40 && pages.length < 4; i++) {
    await new Promise((r) => setTimeout(r, 250));
    pages = (await stored(account)).json.events.filter((e) => e.event.type === 'page');
  }
  // Compared as a multiset: skew correction is per batch, so close events may swap order.
  const paths = pages.map((e) => e.event.name).sort();
  const detail = () => `stored: ${pages.map((e) => `${e.event.name}#${e.event.id.slice(0, 8)}`).join(' ')}; sent:\n${sent.join('\n')}`;
  assert.deepEqual(paths, ['/', '/', '/reports', '/reports'], `one page view per route change, named by path; ${detail()}`);
  await page.close();
  assert.deepEqual(problems, []);
});

test('trigger campaigns: the CFO-approval banner reaches the user who submitted a large expense, not a colleague; the reports tip follows the route', { timeout: 90_000 }, async () => {
  const account = fresh('acct');
  const [alex, blair] = [fresh('alex'), fresh('blair')];
  const open = async (user) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    const logs = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => (m.type() === 'error' ? problems : logs).push(m.text()));
    await navigate(page, `${URL_BASE}/?user=${user}&account=${account}&flush=200&debug`);
    await page.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Escape');
    return { context, page, problems, logs };
  };
  const submit = async (page, amount) => {
    await page.fill('input[name="description"]', `Expense of ${amount}`);
    await page.fill('input[name="amount"]', String(amount));
    await page.click('button[data-cairn-feature="create_expense"]');
    await page.click('#expenses [data-submit]');
  };
  const a = await open(alex);
  const b = await open(blair);

  // Alex submits a large expense: the event trigger fires and the property filter holds.
  await submit(a.page, 2500);
  const approval = a.page.locator('[data-cairn-message="big-approval"]');
  await approval.waitFor({ state: 'visible', timeout: 15_000 });
  assert.match(await approval.innerText(), /CFO/);

  // Blair, in the same account, submits a small one: the trigger fires, the audience does not hold.
  await submit(b.page, 40);
  await b.page.evaluate(() => new Promise((r) => setTimeout(r, 1500)));
  assert.equal(await b.page.locator('[data-cairn-message="big-approval"]').count(), 0);
  const why = await fetch(`${URL_BASE}/v1/debug/why?user=${blair}&account=${account}&campaign=big-approval`, {
    headers: { authorization: `Bearer ${SECRET_KEY}` },
  });
  const [verdict] = (await why.json()).decision.verdicts;
  assert.equal(verdict.verdict, 'audience_mismatch');
  assert.match(verdict.detail, /user submit_for_approval events today where amount ≥ 1000 \(0\) ≥ 1/);

  // The SDK's debug() prints the same explanation in the browser console.
  const decision = await b.page.evaluate(() => window.cairn.debug());
  assert.ok(decision.decision.verdicts.some((v) => v.campaign === 'big-approval'));
  assert.ok(b.logs.some((l) => /^cairn: big-approval → audience_mismatch audience: /.test(l)), b.logs.join('\n'));

  // The reports tip is bound to /reports: it appears on the route and leaves with it.
  const tip = b.page.locator('[data-cairn-message="reports-tip"]');
  assert.equal(await tip.count(), 0);
  await b.page.click('nav a[data-route="/reports"]');
  await tip.waitFor({ state: 'visible', timeout: 15_000 });
  mkdirSync('test-results', { recursive: true });
  await b.page.screenshot({ path: 'test-results/e2e-reports-tip.png' });
  await b.page.click('nav a[data-route="/"]');
  await tip.waitFor({ state: 'detached', timeout: 5_000 });
  // Leaving the route is not a dismissal: back on /reports, the tip returns.
  await b.page.click('nav a[data-route="/reports"]');
  await tip.waitFor({ state: 'visible', timeout: 15_000 });

  await a.context.close();
  await b.context.close();
  assert.deepEqual([...a.problems, ...b.problems], []);
});

test('the guides module is fetched only once a decision carries a message', { timeout: 60_000 }, async () => {
  const wasmFetched = async (key) => {
    const page = await browser.newPage();
    const wasm = [];
    page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(new URL(r.url()).pathname));
    const decided = page.waitForResponse((r) => r.url().endsWith('/v1/events') && r.ok(), { timeout: 15_000 });
    await navigate(page, `${URL_BASE}/?key=${key}&user=${fresh('user')}&account=${fresh('acct')}&flush=300`);
    await decided;
    if (key === KEYS.demo) {
      await page.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
    } else {
      await page.waitForTimeout(1000);
      assert.equal(await page.locator('[data-cairn-root]').count(), 0, 'nothing rendered');
    }
    await page.close();
    return wasm;
  };
  // A workspace without campaigns: tracking only, the rendering module is never fetched.
  assert.deepEqual(await wasmFetched(KEYS.quiet), ['/cairn_sdk_bg.wasm']);
  assert.deepEqual(await wasmFetched(KEYS.demo), ['/cairn_sdk_bg.wasm', '/cairn_guides_bg.wasm']);
});
