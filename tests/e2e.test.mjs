// End to end in headless Debian Chromium (playwright-core): the demo app, the SDK from pkg/,
// and the edge in workerd, with nothing mocked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { fresh, stored, URL_BASE } from './helpers.mjs';

let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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

  await page.goto(url);
  const welcome = page.locator('[data-cairn-message="welcome"]');
  await welcome.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await welcome.getAttribute('data-cairn-surface'), 'modal');
  assert.equal(await page.locator('[data-cairn-root] [role="dialog"]').count(), 1);
  await page.keyboard.press('Escape');
  await welcome.waitFor({ state: 'detached', timeout: 5_000 });

  for (let n = 1; n <= 3; n++) await createExpense(page, n);

  // Reload mid-way: queued events survive in localStorage, and the welcome modal stays dismissed.
  await page.reload();
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
