// The console's whole story, by hand, in headless Debian Chromium against the worker in
// workerd, with three people in three browser contexts and nothing done through the API:
//   1. a new owner opens a setup link, sets a password, creates a workspace, a write key and
//      an origin;
//   2. invites an editor and an approver-executor, who accept their links;
//   3. the editor builds a banner with the form (audience "account uses of create_expense this
//      month ≥ 3", a French translation), sees it in the preview in English and French, submits;
//   4. the approver requests a change; the editor edits, and that review is shown as void; the
//      approver approves and publishes;
//   5. the demo app (with the new write key) shows the banner to a user of an account with 3
//      expenses, not to one with 2;
//   6. a rollback takes it away.
// No CSP violation in any console page across the scenario.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { CONTROL_KEY, fresh, URL_BASE, launchChromium, navigate } from './helpers.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
});

/** A person: their own browser context and page, with CSP violations and errors collected. */
async function person(name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`${name} pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${location.pathname}`));
  });
  const csp = [];
  return { name, context, page, problems, csp };
}

/** The CSP violations the page saw so far (kept across navigations by the caller). */
async function cspOf(who) {
  const v = await who.page.evaluate(() => window.__csp ?? []).catch(() => []);
  who.csp.push(...v);
  await who.page.evaluate(() => { window.__csp = []; }).catch(() => {});
}

/** Opens a link page (setup or invitation), fills it and lands in the console. */
async function spendLink(who, url, fields, button) {
  await navigate(who.page, url);
  for (const [label, value] of fields) await who.page.getByLabel(label, { exact: true }).fill(value);
  await who.page.getByRole('button', { name: button }).click();
  await who.page.waitForURL(/\/console\/(#.*)?$/);
  await who.page.getByRole('heading', { level: 1, name: 'Workspaces' }).waitFor();
  await cspOf(who);
}

async function tab(who, name) {
  await who.page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name, exact: true }).click();
  await who.page.getByRole('heading', { level: 1 }).first().waitFor();
}

async function openCampaign(who, workspace, id) {
  await who.page.getByRole('link', { name: workspace }).click();
  await who.page.getByRole('link', { name: id, exact: true }).click();
  await who.page.getByRole('heading', { level: 1, name: id }).waitFor();
  await who.page.getByRole('heading', { name: 'History' }).waitFor();
}

/** Accepts `confirm()` dialogs (publish, rollback) for this page. */
function confirming(who) {
  who.page.on('dialog', (d) => d.accept());
}

/** The text of the preview's message, once it contains `needle` (the preview reloads per draft). */
async function previewShows(page, needle) {
  const end = Date.now() + 15_000;
  for (;;) {
    const frame = page.frames().filter((f) => !f.isDetached() && /\/console\/preview/.test(f.url())).at(-1);
    const text = await frame?.evaluate(() => document.querySelector('[data-cairn-root]')?.shadowRoot?.textContent ?? '').catch(() => '');
    if (text?.includes(needle)) return text;
    if (Date.now() > end) throw new Error(`the preview never showed ${needle}: ${text}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A demo-app user of a new account who creates `n` expenses; whether `campaign` is shown. */
async function demoShows(key, n, campaign) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await navigate(page, `${URL_BASE}/?key=${key}&user=${fresh('u')}&account=${fresh('a')}&flush=200`);
  await page.waitForSelector('button[data-cairn-feature="create_expense"]');
  for (let i = 1; i <= n; i++) {
    await page.fill('input[name="description"]', `Taxi ${i}`);
    await page.fill('input[name="amount"]', String(20 + i));
    await page.click('button[data-cairn-feature="create_expense"]');
    await page.waitForSelector(`#expenses li:nth-child(${i})`);
  }
  // The next decision (after the batch that carries the last expense) settles it.
  const shown = await page.locator(`[data-cairn-message="${campaign}"]`).waitFor({ state: 'visible', timeout: 6_000 }).then(() => true, () => false);
  if (shown) await page.screenshot({ path: 'test-results/console-scenario-demo.png' });
  await context.close();
  return shown;
}

test('a new team sets Cairn up and ships a reviewed banner, then rolls it back: all in the console', { timeout: 600_000 }, async () => {
  const owner = await person('owner');
  const editor = await person('editor');
  const approver = await person('approver');
  const workspace = `Northwind ${fresh('w')}`;
  const password = 'correct horse battery staple';
  const emails = { owner: `${fresh('owner')}@northwind.example`, editor: `${fresh('ed')}@northwind.example`, approver: `${fresh('ap')}@northwind.example` };

  // 1. The setup link (as `cargo xtask dev` prints it), a password, a workspace, a key, an origin.
  const minted = await fetch(`${URL_BASE}/console/api/setup-link`, {
    method: 'POST', headers: { authorization: `Bearer ${CONTROL_KEY}`, 'content-type': 'application/json', origin: URL_BASE }, body: '{}',
  });
  assert.equal(minted.status, 201);
  const { url: setup } = await minted.json();
  await spendLink(owner, setup, [['Email', emails.owner], ['Name', 'Olive Owner'], ['Password (12 characters or more)', password]], 'Create account');
  await owner.page.getByText('You are not a member of any workspace yet.', { exact: false }).waitFor();
  await owner.page.getByLabel('Name').fill(workspace);
  await owner.page.getByRole('button', { name: 'Create workspace' }).click();
  await owner.page.getByRole('heading', { level: 1, name: 'Keys and origins' }).waitFor();
  await owner.page.getByLabel('Label (optional)').fill('web app');
  await owner.page.getByRole('button', { name: 'Create write key' }).click();
  await owner.page.locator('#write-keys-status').filter({ hasText: 'Write key created.' }).waitFor();
  await owner.page.getByLabel(/Allowed origins, one a line/).fill(URL_BASE);
  await owner.page.getByRole('button', { name: 'Save origins' }).click();
  await owner.page.getByText(/Allowed origins saved/).waitFor();
  await tab(owner, 'Install');
  await owner.page.locator('main').filter({ hasText: /wk_[0-9a-f]+/ }).waitFor();
  const snippet = await owner.page.locator('main').innerText();
  const key = /wk_[0-9a-f]+/.exec(snippet)?.[0];
  assert.ok(key, `the install snippet names the write key: ${snippet}`);
  assert.match(snippet, /npm install/);
  await cspOf(owner);

  // 2. An editor and an approver-executor, invited; each accepts their link.
  await tab(owner, 'Team');
  const invite = async (email, roles) => {
    await owner.page.getByLabel('Email', { exact: true }).fill(email);
    const group = owner.page.getByRole('group', { name: 'Roles', exact: true });
    for (const r of roles) await group.getByLabel(r, { exact: true }).check();
    await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
    const link = owner.page.locator('#invitation-link', { hasText: email });
    await link.waitFor();
    return link.locator('code').innerText();
  };
  const editorLink = await invite(emails.editor, ['Editor']);
  const approverLink = await invite(emails.approver, ['Approver', 'Executor']);
  await spendLink(editor, editorLink, [['Name', 'Eddie Editor'], ['Password', password]], 'Join');
  await spendLink(approver, approverLink, [['Name', 'Ada Approver'], ['Password', password]], 'Join');
  await cspOf(owner);

  // 3. The editor builds the banner with the form, previews it in English and French, submits.
  const id = fresh('scan');
  const { page: ed } = editor;
  await ed.getByRole('link', { name: workspace }).click();
  await ed.getByRole('link', { name: 'New campaign' }).click();
  await ed.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
  await ed.getByLabel('Campaign id').fill(id);
  await ed.getByLabel('Surface').selectOption('banner');
  await ed.getByLabel('Title', { exact: true }).fill('Scan receipts as you go');
  await ed.getByLabel('Body', { exact: true }).fill('Three expenses in: let the app read your **receipts**.');
  await ed.getByRole('button', { name: 'Add a condition' }).click();
  await ed.locator('#f-audience-gte-0-usage-feature').fill('create_expense');
  await ed.locator('#f-audience-gte-1-value').fill('3');
  await ed.locator('#audience-sentence strong').filter({ hasText: /^account uses of create_expense this month ≥ 3$/ }).waitFor();
  await ed.getByLabel('New locale').fill('fr');
  await ed.getByRole('button', { name: 'Add translation' }).click();
  await ed.getByLabel('Title (fr)').fill('Scannez vos reçus');
  await ed.getByLabel('Body (fr)').fill('Trois dépenses : laissez l’app lire vos **reçus**.');
  await ed.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  await previewShows(ed, 'Scan receipts as you go');
  await ed.getByLabel('Language').selectOption('fr');
  await previewShows(ed, 'Scannez vos reçus');
  await ed.screenshot({ path: 'test-results/console-scenario-editor.png', fullPage: true });
  await ed.getByRole('button', { name: 'Create draft' }).click();
  await ed.getByRole('heading', { level: 1, name: id }).waitFor();
  await ed.getByRole('button', { name: 'Submit for review' }).click();
  await ed.locator('#action-status').filter({ hasText: 'Submitted for review.' }).waitFor();
  // Editors do not publish, and the page says why.
  await ed.getByText(/Only Executors publish/).waitFor();
  assert.equal(await ed.getByRole('button', { name: /Publish/ }).count(), 0);
  await cspOf(editor);

  // 4. The approver asks for a change; the editor edits; that review is void; approve, publish.
  const { page: ap } = approver;
  confirming(approver);
  await openCampaign(approver, workspace, id);
  await ap.getByRole('table').filter({ hasText: 'Nothing is live yet' }).waitFor();
  await ap.getByLabel('Comment (optional)').fill('Say “receipts” in the title, please.');
  await ap.getByRole('button', { name: 'Request changes' }).click();
  await ap.locator('#action-status').filter({ hasText: 'Changes requested.' }).waitFor();

  await navigate(ed);
  await ed.getByRole('heading', { name: 'History' }).waitFor();
  await ed.getByText('Say “receipts” in the title, please.').waitFor();
  await ed.getByLabel('Title', { exact: true }).fill('Scan your receipts as you go');
  await ed.getByRole('button', { name: 'Save draft' }).click();
  await ed.locator('#action-status').filter({ hasText: 'Draft saved.' }).waitFor();
  await ed.getByText('(void: the document changed since)').waitFor();
  await ed.getByRole('button', { name: 'Submit for review' }).click();
  await ed.locator('#action-status').filter({ hasText: 'Submitted for review.' }).waitFor();

  await navigate(ap);
  await ap.getByRole('heading', { name: 'History' }).waitFor();
  await ap.getByText('(void: the document changed since)').waitFor();
  await ap.getByRole('button', { name: 'Approve' }).click();
  await ap.locator('#action-status').filter({ hasText: 'Approved.' }).waitFor();
  await ap.getByText('The policy is met: it may be published.').waitFor();
  await ap.getByRole('button', { name: 'Publish…' }).click();
  await ap.locator('#action-status').filter({ hasText: 'Published.' }).waitFor();
  await ap.screenshot({ path: 'test-results/console-scenario-published.png', fullPage: true });
  await cspOf(approver);

  // 5. The demo app, with the new workspace's key: 3 expenses see it, 2 do not.
  assert.equal(await demoShows(key, 3, id), true, 'an account with 3 expenses sees the banner');
  assert.equal(await demoShows(key, 2, id), false, 'an account with 2 does not');

  // 6. Rolled back (nothing was live before): gone.
  await ap.getByRole('button', { name: 'Roll back…' }).click();
  await ap.locator('#action-status').filter({ hasText: 'Rolled back.' }).waitFor();
  assert.equal(await demoShows(key, 3, id), false, 'after the rollback nobody sees it');

  // The audit log has it all, by the people who did it.
  await tab(approver, 'Audit log');
  const log = ap.locator('table.audit');
  await log.locator('tbody tr').first().waitFor();
  const text = await log.innerText();
  for (const action of ['campaign.rollback', 'campaign.publish', 'campaign.review', 'campaign.submit', 'campaign.create']) {
    assert.match(text, new RegExp(action.replace('.', '\\.')), action);
  }
  assert.match(text, new RegExp(emails.editor.replace(/[.]/g, '\\.')));
  await cspOf(approver);

  for (const who of [owner, editor, approver]) {
    assert.deepEqual(who.csp, [], `${who.name}: no CSP violation`);
    assert.deepEqual(who.problems, [], `${who.name}: no page error`);
    await who.context.close();
  }
});
