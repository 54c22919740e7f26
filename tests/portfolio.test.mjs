// The demo's seeded portfolio in the console: `xtask/js/portfolio.mjs` (the seeder `cargo xtask
// dev` runs on its first start) sends accounts through the public and admin APIs, with
// back-dated use, survey answers, commercial traits and churn marks; the Accounts tab's
// renewal review then holds exactly the accounts renewing within six months that did not
// churn, and its CSV export equals the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { SECRET_KEY, URL_BASE, WRITE_KEY, fresh, launchChromium } from './helpers.mjs';
import { signIn, watched } from './console-pages.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

const DAY = 86_400_000;

async function cells(table) {
  return table.evaluate((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
}

test('the seeded portfolio: the renewal review holds exactly the accounts renewing within six months, and its CSV equals the page', { timeout: 300_000 }, async () => {
  const prefix = fresh('pf');
  const { stdout } = await promisify(execFile)('node', ['xtask/js/portfolio.mjs', '60', prefix], {
    env: { ...process.env, CAIRN_URL: URL_BASE, CAIRN_WRITE_KEY: WRITE_KEY, CAIRN_SECRET_KEY: SECRET_KEY },
  });
  const { accounts } = JSON.parse(stdout.trim().split('\n').pop());
  assert.equal(accounts.length, 60);
  const ids = new Set(accounts.map((a) => a.id));
  // Every summary reaches the workspace's analytics.
  const end = Date.now() + 90_000;
  for (;;) {
    const res = await fetch(`${URL_BASE}/v1/admin/analytics/accounts`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
    const listed = (await res.json()).accounts.filter((a) => ids.has(a.summary.account_id));
    if (listed.length === ids.size) break;
    if (Date.now() > end) assert.fail(`${listed.length} of ${ids.size} summaries arrived`);
    await new Promise((r) => setTimeout(r, 500));
  }

  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } });
  const { page, problems } = await watched(context);
  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Accounts', exact: true }).click();
  const review = page.getByRole('table', { name: 'Renewal review' });
  await review.waitFor();
  const now = Date.now();
  const expected = accounts
    .filter((a) => !a.churned && Date.parse(a.renewal_date) >= now && Date.parse(a.renewal_date) - now <= 183 * DAY)
    .map((a) => a.id)
    .sort();
  const rows = await cells(review);
  const shown = rows.slice(1).map((r) => r[0]).filter((id) => ids.has(id));
  assert.deepEqual([...shown].sort(), expected);
  assert.ok(expected.length > 10, `${expected.length} renewals: the seed spreads renewal dates over a year`);
  // Soonest first.
  const dates = rows.slice(1).filter((r) => ids.has(r[0])).map((r) => r[1]);
  assert.deepEqual(dates, [...dates].sort());

  // The CSV export equals the page (every row, the other tests' accounts too).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV of Renewal review', exact: true }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').slice(1).trim().split('\r\n');
  assert.equal(csv.length, rows.length);
  assert.deepEqual(csv.map((line) => line.split(',')[0].replace(/^'/, '')), rows.map((r) => r[0]));

  // The seeded accounts fill the other views too: every colour, churn, adoption.
  const colours = new Set((await cells(page.getByRole('table', { name: 'Accounts' }))).filter((r) => ids.has(r[0])).map((r) => r[1]));
  for (const c of ['Red', 'Yellow', 'Green']) assert.ok(colours.has(c), `${c} among ${[...colours]}`);
  const retro = (await cells(page.getByRole('table', { name: 'Churn retro' }))).filter((r) => ids.has(r[0]));
  assert.equal(retro.filter((r) => r[1] === 'Churned').length, accounts.filter((a) => a.churned).length);
  const adoption = (await cells(page.getByRole('table', { name: 'Adoption by account' }))).filter((r) => ids.has(r[0]));
  assert.equal(adoption.length, 60);

  // Advocacy: Discover lists the seeded promoters with their answers; Mobilize lists the
  // demo's asks, smallest first, each after the one below it.
  const advocates = (await cells(page.getByRole('table', { name: 'Advocates' }))).filter((r) => ids.has(r[0]));
  assert.ok(advocates.some((r) => /-u\d+ \((9|10)\)/.test(r[1])), JSON.stringify(advocates.slice(0, 3)));
  const asks = await cells(page.getByRole('table', { name: 'Advocacy asks' }));
  assert.deepEqual(asks.slice(1).map((r) => [r[0], r[1], r[7]]), [['review-ask', 'review', '—'], ['reference-ask', 'reference', 'an accepted review']]);

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), [], 'no page error');
  await context.close();
});
