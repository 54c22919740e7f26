// Guides share the screen (issue 12, 4b), in headless Debian Chromium on the demo app: no two
// visible Cairn cards overlap at any moment of the demo scenario, and a card that had to wait
// for its place appears once the card holding it is closed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fresh, URL_BASE, launchChromium, navigate } from './helpers.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
});

/**
 * The bounding rect of every visible Cairn card, in every Cairn shadow root (cards are the
 * elements with `data-cairn-surface`; a modal's card is the box inside its `<dialog>`).
 */
const cards = (page) => page.evaluate(() => {
  const out = [];
  for (const host of document.querySelectorAll('[data-cairn-root]')) {
    for (const el of host.shadowRoot?.querySelectorAll('[data-cairn-surface]') ?? []) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      out.push({
        id: el.getAttribute('data-cairn-message'),
        surface: el.getAttribute('data-cairn-surface'),
        rect: { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
      });
    }
  }
  return out;
});

const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Fails when two visible cards overlap; returns the ids of the visible cards. */
async function noOverlap(page, moment) {
  const list = await cards(page);
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      assert.ok(!overlap(list[i].rect, list[j].rect), `${moment}: ${list[i].id} (${list[i].surface}) overlaps ${list[j].id} (${list[j].surface}): ${JSON.stringify(list)}`);
    }
  }
  return list.map((c) => c.id).sort();
}

/** Checks for overlaps several times over `ms` (cards appear after their decision arrives). */
async function watch(page, moment, ms = 1500) {
  let seen = [];
  for (let t = 0; t < ms; t += 250) {
    seen = await noOverlap(page, moment);
    await page.waitForTimeout(250);
  }
  return seen;
}

async function createExpense(page, n) {
  await page.fill('input[name="description"]', `Taxi ${n}`);
  await page.fill('input[name="amount"]', String(20 + n));
  await page.click('button[data-cairn-feature="create_expense"]');
  await page.waitForSelector(`#expenses li:nth-child(${n})`);
}

test('no two visible Cairn cards overlap through the demo; a waiting card shows when its place frees up', { timeout: 150_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await navigate(page, `${URL_BASE}/?user=${fresh('user')}&account=${fresh('acct')}&flush=200`);
  const message = (id) => page.locator(`[data-cairn-message="${id}"]`);
  await message('welcome').waitFor({ state: 'visible', timeout: 15_000 });
  await message('getting-started').waitFor({ state: 'visible', timeout: 15_000 });
  await noOverlap(page, 'welcome');
  await page.keyboard.press('Escape');

  for (let n = 1; n <= 2; n++) await createExpense(page, n);
  await message('receipt-tip').waitFor({ state: 'visible', timeout: 15_000 });
  await watch(page, 'after the 2nd expense');

  for (let n = 3; n <= 4; n++) await createExpense(page, n);
  // The NPS survey is decided now: it shows, or waits while the tooltip holds its place.
  await page.waitForTimeout(1500);
  const fourth = await watch(page, 'after the 4th expense');
  await page.screenshot({ path: 'test-results/screen-4th-expense.png' });
  assert.ok(fourth.includes('receipt-tip'), `the tooltip is still shown: ${fourth}`);
  const npsWaited = !fourth.includes('nps');
  if (npsWaited) {
    // The card holding the place closes: the waiting survey takes it.
    await message('receipt-tip').locator('[data-cairn-action="dismiss"]').click();
    await message('nps').waitFor({ state: 'visible', timeout: 10_000 });
    await noOverlap(page, 'the survey after the tooltip closed');
  } else {
    await message('receipt-tip').locator('[data-cairn-action="dismiss"]').click();
  }

  for (let n = 5; n <= 6; n++) await createExpense(page, n);
  await message('upgrade').waitFor({ state: 'visible', timeout: 15_000 });
  await watch(page, 'after the 6th expense');
  await page.screenshot({ path: 'test-results/screen-6th-expense.png' });

  await page.click('button[data-cairn-feature="start_tour"]');
  await message('tour').waitFor({ state: 'visible', timeout: 15_000 });
  await watch(page, 'during the tour');
  await page.screenshot({ path: 'test-results/screen-tour.png' });

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  await page.close();
  assert.deepEqual(problems, []);
  assert.ok(npsWaited, 'the survey waited for the tooltip to close');
});
