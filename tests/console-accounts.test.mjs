// The customer-success portfolio in the console, in headless Debian Chromium against the worker
// in workerd: accounts of the demo workspace get commercial traits and activity, their
// summaries go through the Queue to the workspace's analytics object, and the Accounts tab
// shows the value pyramid, every account riskiest first, the renewal review and adoption; a filter keeps
// what it names, the CSV export equals the table, and axe-core finds no violation.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OWNER, SECRET_KEY, URL_BASE, batch, event, fresh, launchChromium, post, navigate } from './helpers.mjs';
import { axe, signIn, watched } from './console-pages.mjs';

let browser;
before(async () => { browser = await launchChromium(); });
after(async () => { await browser?.close(); });

const admin = (method, path, body) => fetch(`${URL_BASE}${path}`, {
  method,
  headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

async function tableCells(table) {
  return table.evaluate((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent.trim())));
}

test('the Accounts tab: the pyramid, every account riskiest first, the renewal review, filters and CSV', { timeout: 180_000 }, async () => {
  const soon = fresh('cs-soon');
  const later = fresh('cs-later');
  const gone = fresh('cs-gone');
  const day = 86_400_000;
  const date = (days) => new Date(Date.now() + days * day).toISOString().slice(0, 10);
  const traits = {
    [soon]: { arr: 60000, seats: 3, renewals: 2, cs_executive_relationship: 10, cs_champion_strength: 10, renewal_date: date(40), csm: 'dana', gross_margin: 0.8, cac: 20000, customer_since: date(-365), cs_call: 'risk', cs_call_reason: 'budget freeze announced', owner: 'pat', next_step: 'QBR with the CFO', last_touch_on: date(-45) },
    [later]: { arr: 4000, seats: 40, renewal_date: date(300), csm: 'lee', cs_champions: 'u1' },
    [gone]: { arr: 9000, industry: 'Retail', customer_since: date(-400), churned_on: date(-10), churn_reason: 'price', churn_note: 'Moved to a spreadsheet' },
  };
  // A churn mark needs one of the workspace's reasons: free text alone is refused, and nothing
  // of the request is stored.
  const refused = await admin('PUT', `/v1/admin/accounts/${gone}/traits`, { churned_on: date(-10), churn_reason: 'they just left', industry: 'Nope' });
  assert.equal(refused.status, 400);
  const { error: problem } = await refused.json();
  assert.equal(problem.field, 'churn_reason', JSON.stringify(problem));
  assert.match(problem.message, /price, missing features/);
  // Overriding the computed call needs a reason too.
  const unexplained = await admin('PUT', `/v1/admin/accounts/${soon}/traits`, { cs_call: 'upside' });
  assert.equal(unexplained.status, 400);
  assert.equal((await unexplained.json()).error.field, 'cs_call_reason');
  const unmarked = await admin('PUT', `/v1/admin/accounts/${gone}/traits`, { churned_on: date(-10) });
  assert.equal(unmarked.status, 400);
  assert.equal((await unmarked.json()).error.field, 'churn_reason');
  // Ann, the finance executive of the first account: a user for 70 days, active on 8 of the
  // last 30 with half the key features: a champion. Bo, a manager in Sales, is not.
  const ann = (name, daysAgo) => ({ ...event('track', soon, { name }, 'ann'), timestamp: Date.now() - daysAgo * day });
  const people = [
    ann('create_expense', 70),
    ...[0, 1, 2, 3, 4, 5, 6, 7].map((d) => ann(d % 2 ? 'submit_expense' : 'create_expense', d)),
    event('identify', soon, { traits: { seniority: 'Executive', department: 'Finance' } }, 'ann'),
    event('identify', soon, { traits: { seniority: 'manager', department: 'Sales' } }, 'bo'),
    event('track', soon, { name: 'view_reports' }, 'bo'),
  ];
  assert.equal((await post('/v1/events', batch(people))).status, 200);
  for (const [account, t] of Object.entries(traits)) {
    const r = await post('/v1/events', batch([event('track', account, { name: 'create_expense' })]));
    assert.equal(r.status, 200, r.text);
    assert.equal((await admin('PUT', `/v1/admin/accounts/${account}/traits`, t)).status, 200);
    assert.equal((await admin('POST', `/v1/admin/accounts/${account}/analytics`, { op: 'flush' })).status, 200);
  }
  // Until the workspace object has both summaries.
  const end = Date.now() + 60_000;
  for (;;) {
    const p = await (await admin('GET', '/v1/admin/analytics/accounts')).json();
    const ids = p.accounts.map((a) => a.summary.account_id);
    if ([soon, later, gone].every((id) => ids.includes(id))) break;
    if (Date.now() > end) assert.fail('the summaries never arrived');
    await new Promise((r) => setTimeout(r, 300));
  }

  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1000 } });
  const { page, problems } = await watched(context);
  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Accounts', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor();

  const accounts = page.getByRole('table', { name: 'Accounts' });
  await accounts.waitFor();
  const rows = await tableCells(accounts);
  assert.deepEqual(rows[0].slice(0, 3), ['Account', 'Health', 'Score']);
  const ours = rows.slice(1).filter((r) => r[0] === soon || r[0] === later);
  assert.equal(ours.length, 2);
  const scores = rows.slice(1).map((r) => (r[2] === '—' ? Infinity : Number(r[2])));
  assert.deepEqual(scores, [...scores].sort((a, b) => a - b), 'riskiest first');
  const pyramid = await tableCells(page.getByRole('table', { name: 'Value pyramid' }));
  assert.deepEqual(pyramid[0], ['Tier', 'Accounts', 'Green', 'Yellow', 'Red']);
  assert.ok(Number(pyramid.find((r) => r[0] === 'High')[1]) >= 1, 'the 60k ARR account is high value');

  // The renewal review holds the account renewing in 40 days, not the one in 300.
  const review = await tableCells(page.getByRole('table', { name: 'Renewal review' }));
  const reviewIds = review.slice(1).map((r) => r[0]);
  assert.ok(reviewIds.includes(soon) && !reviewIds.includes(later), reviewIds.join(', '));
  const row = review.find((r) => r[0] === soon);
  const soonRow = Object.fromEntries(review[0].map((name, i) => [name, row[i]]));
  assert.equal(soonRow['Renews on'], date(40));
  assert.equal(soonRow.CSM, 'dana');
  assert.match(soonRow['Break-even'], /^(reached|in \d+ months)/, 'break-even');
  // The CSM's call, with the reason, the owner and the next step.
  assert.deepEqual([soonRow.Call, soonRow.Owner, soonRow['Next step']], ['Risk (set by CSM: budget freeze announced)', 'pat', 'QBR with the CFO']);
  // Ann, Bo and u1 are active on 3 seats; 3 of the 4 key features were used; Ann is the
  // champion, and 2 of 9 coverage cells are filled.
  assert.deepEqual(
    [soonRow.Utilisation, soonRow.Breadth, soonRow.NPS, soonRow.Champions, soonRow['Coverage (of 9)']],
    ['100%', '75%', '—', 'ann', '2'],
    JSON.stringify(soonRow),
  );
  // Printing shows the tables without the controls.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await page.getByRole('table', { name: 'Renewal review' }).isVisible());
  assert.ok(await page.getByRole('navigation', { name: 'Workspace' }).isHidden());
  assert.ok(await page.getByRole('button', { name: 'Export CSV of Accounts', exact: true }).isHidden());
  await page.emulateMedia({ media: 'screen' });

  // A filter: renewing within 6 months keeps the first account only.
  await page.getByLabel('Renewing').selectOption('183');
  await page.waitForFunction(
    ([later]) => {
      const t = [...document.querySelectorAll('table')].find((x) => x.querySelector('caption')?.textContent === 'Accounts');
      return t && ![...t.querySelectorAll('tbody th')].some((c) => c.textContent === later);
    },
    [later],
  );
  const filtered = await tableCells(page.getByRole('table', { name: 'Accounts' }));
  assert.ok(filtered.slice(1).some((r) => r[0] === soon));

  // The CSV export equals the table.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV of Accounts', exact: true }).click(),
  ]);
  const text = readFileSync(await download.path(), 'utf8').slice(1);
  const csv = text.trim().split('\r\n').map((line) => line.split(','));
  assert.deepEqual(csv.map((r) => r[0]), filtered.map((r) => r[0].replace(/^'/, '')));

  // The CSM, as typed: another CSM's accounts leave the list, hers come back.
  const accountsTable = () => page.getByRole('table', { name: 'Accounts' });
  const listed = async () => (await tableCells(accountsTable())).slice(1).map((r) => r[0]);
  await page.getByLabel('CSM').fill('Lee');
  await page.getByLabel('CSM').press('Enter');
  await page.waitForFunction((soon) => {
    const t = [...document.querySelectorAll('table')].find((x) => x.querySelector('caption')?.textContent === 'Accounts');
    return !t || ![...t.querySelectorAll('tbody th')].some((c) => c.textContent === soon);
  }, soon);
  await page.getByLabel('CSM').fill(' DANA ');
  await page.getByLabel('CSM').press('Enter');
  await accountsTable().waitFor();
  await page.waitForFunction((soon) => [...document.querySelectorAll('tbody th')].some((c) => c.textContent === soon), soon);
  assert.ok((await listed()).includes(soon));

  // The touch plan: the high-value account, last touched 45 days ago, is 15 days overdue for
  // its monthly check-in.
  const touch = await tableCells(page.getByRole('table', { name: 'Touch plan' }));
  assert.deepEqual(touch.find((r) => r[0] === soon)?.slice(1), ['high', 'High touch: check-in every 30 days, QBRs', date(-45), date(-15), '15 days'], JSON.stringify(touch));

  // Champions and coverage, over every account whatever the filter.
  const champions = await tableCells(page.getByRole('table', { name: 'Champions and coverage' }));
  const soonPeople = champions.find((r) => r[0] === soon);
  // u1 (the helper's user) is active too, without a place in the grid.
  // The grid: an executive in Finance and a manager in Sales fill 2 of 9 cells.
  assert.deepEqual(
    soonPeople?.slice(1, 7),
    ['ann', 'none', 'no', '2', 'Finance, Sales', 'no individual active; 2 of 3 departments reached; no manager in Finance; no executive in Sales'],
    JSON.stringify(champions),
  );
  // u1 of the later account is confirmed by its CSM.
  assert.deepEqual(champions.find((r) => r[0] === later)?.slice(1, 3), ['u1', 'u1']);

  // Adoption: the KPIs over every account, each key feature across accounts, and the first
  // account's row (the workspace's other accounts come from other tests, so counts are bounds).
  const kpis = await tableCells(page.getByRole('table', { name: 'Adoption KPIs' }));
  assert.deepEqual(kpis.map((r) => r[0]), ['KPI', 'Licence utilisation', 'Accounts using at least half of the key features']);
  assert.match(kpis[1][1], /^\d+%$/);
  const features = await tableCells(page.getByRole('table', { name: 'Feature adoption' }));
  assert.deepEqual(features.slice(1).map((r) => r[0]), ['create_expense', 'submit_expense', 'view_reports', 'invite_teammate']);
  assert.ok(Number(features[1][1]) >= 3, 'create_expense: at least the three accounts here');
  const adoption = await tableCells(page.getByRole('table', { name: 'Adoption by account' }));
  assert.deepEqual(adoption.find((r) => r[0] === soon)?.slice(1), ['3', '3', '100%', '3 of 4', '75%', 'invite_teammate'], JSON.stringify(adoption));
  assert.deepEqual(adoption.find((r) => r[0] === later)?.slice(1), ['1', '40', '2%', '1 of 4', '25%', 'submit_expense, view_reports, invite_teammate']);

  // Churn and break-even, over every account whatever the filter.
  const retro = await tableCells(page.getByRole('table', { name: 'Churn retro' }));
  const goneRow = retro.find((r) => r[0] === gone);
  assert.deepEqual(goneRow?.slice(0, 5), [gone, 'Churned', date(-10), 'price', 'Moved to a spreadsheet'], JSON.stringify(retro));
  assert.ok(!retro.some((r) => r[0] === soon), 'an account still here is no churn');
  const bands = await tableCells(page.getByRole('table', { name: 'Churn by band' }));
  const retail = bands.find((r) => r[0] === 'Industry' && r[1] === 'Retail');
  assert.ok(retail && Number(retail[3]) >= 1, JSON.stringify(retail));
  const cohorts = await tableCells(page.getByRole('table', { name: 'Retention by cohort' }));
  assert.deepEqual(cohorts[0], ['Cohort', 'Accounts', 'After 3 months', 'After 6 months', 'After 12 months', 'After 24 months']);
  const even = await tableCells(page.getByRole('table', { name: 'Break-even' }));
  const soonEven = even.find((r) => r[0] === soon);
  // 60,000 a year at 80 %: 4,000 a month; a CAC of 20,000 takes 5 months; a customer for 12.
  assert.deepEqual([soonEven?.[1], soonEven?.[4]], ['5.0', 'yes'], JSON.stringify(even));

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  // (The console asks who is signed in before the sign-in: one 401 is expected.)
  assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), [], 'no page error');
  await context.close();

  // axe-core is injected inline: a context that bypasses the CSP, light and dark.
  for (const colorScheme of ['light', 'dark']) {
    const checked = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width: 1280, height: 1000 } });
    const p = await checked.newPage();
    await signIn(p);
    await p.getByRole('link', { name: /Expensely \(demo\)/ }).click();
    await p.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Accounts', exact: true }).click();
    await p.getByRole('table', { name: 'Renewal review' }).waitFor();
    await axe(p, `accounts page (${colorScheme})`);
    await checked.close();
  }
});

test("an announcement's results page shows the adoption of its feature against users not shown it", { timeout: 120_000 }, async () => {
  const account = fresh('adopt');
  const day = 86_400_000;
  const send = async (events) => {
    const r = await post('/v1/events', batch(events));
    assert.equal(r.status, 200, r.text);
  };
  // r0 and r1 are shown the reports announcement; r0 then opens reports; of the others, r2
  // opens reports too and r3 does not.
  for (const user of ['r0', 'r1', 'r2', 'r3']) {
    await send([{ ...event('track', account, { name: 'create_expense' }, user), timestamp: Date.now() - 10 * day }]);
  }
  await send([event('message', account, { campaign: 'reports-announcement', action: 'shown' }, 'r0'), event('message', account, { campaign: 'reports-announcement', action: 'shown' }, 'r1')]);
  await send([{ ...event('track', account, { name: 'view_reports' }, 'r0'), timestamp: Date.now() + 1000 }]);
  await send([{ ...event('track', account, { name: 'view_reports' }, 'r2'), timestamp: Date.now() + 1000 }]);
  assert.equal((await admin('POST', `/v1/admin/accounts/${account}/analytics`, { op: 'flush' })).status, 200);
  const end = Date.now() + 60_000;
  let adoption;
  for (;;) {
    const r = await (await admin('GET', '/v1/admin/analytics/campaigns/reports-announcement')).json();
    adoption = r.adoption;
    if (adoption && adoption.shown >= 2 && adoption.unexposed >= 2) break;
    if (Date.now() > end) assert.fail(`adoption never arrived: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 300));
  }

  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const { page } = await watched(context);
  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Results', exact: true }).click();
  await page.getByRole('link', { name: 'reports-announcement', exact: true }).click();
  const table = page.getByRole('table', { name: 'Adoption' });
  await table.waitFor();
  const cells = await tableCells(table);
  assert.deepEqual(cells[0], ['Group', 'Users', 'Used the feature', 'Rate (95% interval)']);
  assert.deepEqual(cells[1].slice(0, 3), ['Shown the announcement', String(adoption.shown), String(adoption.adopted)]);
  assert.deepEqual(cells[2].slice(0, 3), ['Not shown (same accounts)', String(adoption.unexposed), String(adoption.unexposed_adopted)]);
  assert.match(cells[1][3], /^\d+\.\d% \(\d+\.\d–\d+\.\d%\)$/);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  await context.close();
});

test('account data: a CSV import stores the good rows and names the bad ones; a subjective input is set with a note and audited', { timeout: 180_000 }, async () => {
  const [a, b, c, d, e] = ['imp-a', 'imp-b', 'imp-c', 'imp-d', 'imp-e'].map(fresh);
  const csv = [
    'account_id,arr,renewal_date,industry,churned_on,churn_reason,cs_champion_strength,note',
    `${a},60000,2027-03-01,Retail,,,,`,
    `${b},lots,2027-03-01,Retail,,,,`,
    `${c},9000,,Retail,2026-11-01,they just left,,`,
    `${d},"1,200",,"Retail, online",,,,`,
    `${e},5000,,,,,7,`,
    `"${a}",,,,,,,`,
  ].join('\r\n');
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const { page, problems } = await watched(context);
  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Accounts', exact: true }).click();
  await page.getByRole('heading', { level: 2, name: 'Account data' }).waitFor();
  await page.getByLabel(/CSV of traits/).setInputFiles({ name: 'accounts.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const refused = await tableCells(page.getByRole('table', { name: 'Rows refused' }));
  assert.deepEqual(refused.slice(1).map((r) => r.slice(0, 4)), [
    ['3', b, 'arr', 'invalid_value'],
    ['4', c, 'churn_reason', 'invalid_value'],
    ['5', d, 'arr', 'invalid_value'],
    ['6', e, 'note', 'missing_field'],
    ['7', a, 'csv', 'missing_field'],
  ], JSON.stringify(refused));
  const stored = await tableCells(page.getByRole('table', { name: 'Rows stored' }));
  assert.deepEqual(stored.slice(1), [['2', a, 'arr, industry, renewal_date']]);
  // The good row is in its account; nothing of a bad row is.
  const summary = async (id) => (await (await admin('GET', `/v1/admin/accounts/${id}/summary`)).json()).traits;
  assert.deepEqual(await summary(a), { arr: 60000, industry: 'Retail', renewal_date: '2027-03-01' });
  for (const id of [b, c, e]) assert.deepEqual(await summary(id), {}, id);

  // A subjective input, with the CSM's note: stored as the account's trait, and audited.
  await page.getByLabel('Account', { exact: true }).fill(a);
  await page.getByLabel('Subjective input', { exact: true }).selectOption('cs_champion_strength');
  await page.getByLabel('Score (0-10)').fill('8');
  await page.getByLabel('Note', { exact: true }).fill('Met the CFO, "very" keen');
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  await page.waitForFunction(() => [...document.querySelectorAll('table')].some((t) => t.textContent.includes('cs_champion_strength')));
  assert.equal((await summary(a)).cs_champion_strength, 8);
  // The Accounts tab, loaded again, says who set it, when and why.
  await navigate(page);
  const inputs = await tableCells(page.getByRole('table', { name: 'Subjective inputs' }));
  const today = new Date().toISOString().slice(0, 10);
  assert.deepEqual(inputs.find((r) => r[0] === a), [a, 'cs_champion_strength', '8', 'Met the CFO, "very" keen', OWNER.email, today], JSON.stringify(inputs));
  // The import's rows are in the audit log too.
  const ws = new URL(page.url()).hash.split('/')[2];
  const audit = await page.evaluate(async (ws) => (await fetch(`/console/api/workspaces/${ws}/audit?action=account.traits`)).json(), ws);
  assert.ok(audit.entries.some((x) => x.target === `account:${a}` && x.detail['trait.arr'] === '60000'), JSON.stringify(audit));

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  assert.deepEqual(problems.filter((p) => !p.includes('status of 401')), [], 'no page error');
  await context.close();
});
