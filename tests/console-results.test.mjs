// Workspace analytics in the console, end to end in headless Debian Chromium against the
// worker in workerd: an experiment with a goal is published through the front door (the owner
// drafts, the approver approves and publishes); users of three accounts are decided (exposed
// to an arm), shown the banner, click it, and some reach the goal; the accounts' rollups are
// flushed to the Queue through the admin route; once the results API has the numbers, the
// Results tab lists the campaign, its results page shows the arms, the counts and the verdict,
// its CSV export holds the same numbers, its chart is drawn by uPlot under the console's strict
// CSP, and axe-core finds no WCAG 2.2 A/AA violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { APPROVER, OWNER, SECRET_KEY, URL_BASE, WORKSPACE, WRITE_KEY, batch, event, fresh, launchChromium, post, track, navigate } from './helpers.mjs';
import { ConsoleClient, publishCampaign } from './console-client.mjs';
import { axe, signIn, watched } from './console-pages.mjs';

let browser;
const ws = WORKSPACE.demo;
const run = fresh('results');
const id = run; // the campaign
const goal = `${run}-goal`;
let owner;
let approver;

before(async () => {
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
  owner = new ConsoleClient(URL_BASE);
  await owner.signIn(OWNER.email, OWNER.password);
  approver = new ConsoleClient(URL_BASE);
  await approver.signIn(APPROVER.email, APPROVER.password);
});

after(async () => {
  // The campaign goes off for good: the suites after this one share the worker.
  await approver?.call('POST', ConsoleClient.ws(ws, `/campaigns/${encodeURIComponent(id)}/archive`), {});
  await browser?.close();
});

/** A CSV text (RFC 4180, as the console writes it) as rows of cells. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** A table's rows as the page shows them: header cells first, then every body row's cells. */
async function tableCells(table) {
  return table.evaluate((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
}

/** Clicks a table's Export CSV button; the file's rows. */
async function exported(page, name) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Export CSV of ${name}`, exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`^${id}-${name.toLowerCase()}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'a byte-order mark, for spreadsheets');
  return parseCsv(text.slice(1));
}

test('an experiment with a goal: users are exposed, shown and convert; the results pages show the arms, the verdict and a CSV of the same numbers', { timeout: 240_000 }, async () => {
  // 1. The experiment, for this run's accounts only (an account trait), through review.
  const document = {
    id,
    surface: 'banner',
    priority: 1000,
    recurrence: 'once',
    audience: { eq: [{ account_trait: 'results_run' }, { value: run }] },
    experiment: { holdout_percent: 50 },
    goal: { event: goal, within_days: 14 },
    content: { title: 'Results test', body: 'A banner measured by the results pages.', cta: { label: 'Try it', url: '/#try' } },
  };
  await publishCampaign({ editor: owner, approver }, ws, document);

  // 2. Users of three accounts: decided (exposed), shown when treated, some click, some convert.
  const accounts = [0, 1, 2].map((n) => `${run}-a${n}`);
  // Each account's first user sends its traits (the answer's decision exposes that user, as
  // the decide below would: arms are sticky and an exposure is recorded once).
  for (const [n, account] of accounts.entries()) {
    const r = await post('/v1/events', batch([event('group', account, { traits: { results_run: run } }, `${run}-u${n}`)]));
    assert.equal(r.status, 200, r.text);
  }
  const want = { control: { exposed: 0, converted: 0 }, treatment: { exposed: 0, converted: 0 } };
  let shown = 0;
  let clicked = 0;
  for (let n = 0; n < 36; n++) {
    const account = accounts[n % 3];
    const user = `${run}-u${n}`;
    const d = await post('/v1/decide', { write_key: WRITE_KEY, user_id: user, account_id: account, debug: true });
    assert.equal(d.status, 200, d.text);
    const verdict = d.json.decision.verdicts.find((v) => v.campaign === id)?.verdict;
    const message = d.json.decision.messages.find((m) => m.campaign === id);
    const arm = message ? 'treatment' : 'control';
    assert.equal(verdict, message ? 'chosen' : 'holdout', `${user}: ${JSON.stringify(d.json.decision.verdicts.find((v) => v.campaign === id))}`);
    want[arm].exposed++;
    const events = [];
    if (message) {
      events.push(event('message', account, { campaign: id, action: 'shown' }, user));
      shown++;
      if (n % 3 === 0) {
        events.push(event('message', account, { campaign: id, action: 'clicked' }, user));
        clicked++;
      }
    }
    // Treated users convert more often than held-out ones.
    if ((message && n % 2 === 0) || (!message && n % 4 === 0)) {
      events.push({ ...track(account, goal, user), timestamp: Date.now() + 1000 });
      want[arm].converted++;
    }
    if (events.length) {
      const r = await post('/v1/events', batch(events));
      assert.equal(r.status, 200, r.text);
    }
  }
  assert.ok(want.control.exposed > 0 && want.treatment.exposed > 0, `both arms have users: ${JSON.stringify(want)}`);

  // 3. Each account's rollup goes to the Queue now, not at its next alarm.
  const flush = async () => {
    for (const account of accounts) {
      const r = await fetch(`${URL_BASE}/v1/admin/accounts/${encodeURIComponent(account)}/analytics`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ op: 'flush' }),
      });
      assert.ok(r.ok, `flush ${account} → ${r.status} ${await r.text()}`);
    }
  };
  await flush();

  // 4. The results API has the numbers once the workspace object has applied every message.
  const path = ConsoleClient.ws(ws, `/campaigns/${encodeURIComponent(id)}/results`);
  const arms = (r) => Object.fromEntries((r?.arms ?? []).map((a) => [a.arm, { exposed: a.exposed, converted: a.converted }]));
  let results;
  const end = Date.now() + 90_000;
  let flushedAgain = false;
  for (;;) {
    results = await owner.ok('GET', path);
    const shownStage = results.funnel.find((s) => s.stage === 'shown')?.users;
    if (JSON.stringify(arms(results)) === JSON.stringify(want) && shownStage === shown) break;
    if (Date.now() > end) assert.fail(`the results never arrived: ${JSON.stringify(results)}; wanted ${JSON.stringify(want)}, shown ${shown}`);
    if (!flushedAgain && Date.now() > end - 60_000) { await flush(); flushedAgain = true; }
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.deepEqual(results.arms.map((a) => a.arm), ['control', 'treatment'], 'control first');
  assert.match(results.goal ?? '', new RegExp(goal));
  assert.ok(results.updated_at, 'the figures carry when they were computed');
  const overview = await owner.ok('GET', ConsoleClient.ws(ws, '/results'));
  const row = overview.campaigns.find((c) => c.campaign === id);
  assert.deepEqual([row?.shown, row?.clicked, row?.has_goal], [shown, clicked, true]);

  // 5. The Results tab: the campaign's row, its sparkline, a link to its page.
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } });
  const { page, problems } = await watched(context);
  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Results', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Results' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed'), 'true');
  const campaigns = page.getByRole('table', { name: 'Campaigns' });
  const line = campaigns.getByRole('row').filter({ has: page.getByRole('link', { name: id, exact: true }) });
  await line.waitFor();
  const cells = await line.evaluate((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim()));
  assert.deepEqual(cells.slice(0, 3), [id, 'Live', String(shown)]);
  assert.equal(cells[3], `${((clicked / shown) * 100).toFixed(1)}%`, 'CTR');
  assert.match(await line.getByRole('img').getAttribute('aria-label'), /^shown per day, \d+ to [1-9]\d*$/);
  await page.getByText(/^Updated .* ago\.$/).first().waitFor();

  // 6. The campaign's results: goal, arms, verdict, funnel, days with a chart.
  await line.getByRole('link', { name: id, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `${id}: results` }).waitFor();
  const armsTable = page.getByRole('table', { name: 'Arms' });
  await armsTable.waitFor();
  await page.getByText(`Goal: ${results.goal}`).waitFor();
  const shownArms = await tableCells(armsTable);
  assert.deepEqual(shownArms[0].slice(0, 4), ['Arm', 'Weight', 'Exposed', 'Converted']);
  assert.deepEqual(
    shownArms.slice(1).map((r) => [r[0], Number(r[2]), Number(r[3])]),
    ['control', 'treatment'].map((a) => [a, want[a].exposed, want[a].converted]),
  );
  if (results.verdict) {
    assert.equal((await page.locator('.verdict').innerText()).trim(), results.verdict);
  }
  const srm = await page.getByText(/^Sample ratio mismatch/).count();
  assert.equal(srm, results.srm?.mismatch ? 1 : 0, 'the SRM warning shows exactly when the split is broken');
  const funnel = await tableCells(page.getByRole('table', { name: 'Funnel' }));
  assert.deepEqual(funnel.find((r) => r[0] === 'Shown')?.slice(0, 2), ['Shown', String(shown)]);
  const daily = await tableCells(page.getByRole('table', { name: 'Daily' }));
  assert.equal(daily.slice(1).reduce((sum, r) => sum + Number(r[1]), 0), shown, 'users shown, day by day');
  // The chart: uPlot, loaded from 'self' on this page only, with its summary.
  await page.locator('figure.chart canvas').first().waitFor();
  assert.match(await page.locator('figure.chart [role="img"]').getAttribute('aria-label'), /^Users per day from \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}: shown 0 to \d+/);
  await page.screenshot({ path: 'test-results/console-results.png', fullPage: true });

  // 7. The CSV exports hold what the tables show (the same numbers).
  assert.deepEqual(await exported(page, 'Arms'), shownArms);
  assert.deepEqual(await exported(page, 'Funnel'), funnel);

  // 8. Another range is fetched again; the campaign's page links to its results and back.
  await page.getByRole('button', { name: 'Last 7 days' }).click();
  assert.equal(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed'), 'true');
  await armsTable.waitFor();
  assert.deepEqual((await tableCells(armsTable)).slice(1).map((r) => Number(r[2])), [want.control.exposed, want.treatment.exposed]);
  await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Document and review' }).click();
  await page.getByRole('heading', { level: 1, name: id }).waitFor();
  await page.getByRole('navigation', { name: 'Campaign' }).getByRole('link', { name: 'Results' }).click();
  await page.getByRole('heading', { level: 1, name: `${id}: results` }).waitFor();
  await armsTable.waitFor();

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  // The signed-out visit's `GET /me` (401) is the only failed request.
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await context.close();

  // 9. axe-core on both pages (injected, so in a context that bypasses the CSP).
  const checked = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 1000 } });
  const a11y = await checked.newPage();
  await signIn(a11y);
  await navigate(a11y, `${URL_BASE}/console/#/w/${encodeURIComponent(ws)}/results`);
  await a11y.getByRole('table', { name: 'Campaigns' }).waitFor();
  await axe(a11y, 'the results overview');
  await a11y.getByRole('link', { name: id, exact: true }).click();
  await a11y.getByRole('table', { name: 'Arms' }).waitFor();
  await a11y.locator('figure.chart canvas').first().waitFor();
  await axe(a11y, 'the campaign results');
  await checked.close();
});
