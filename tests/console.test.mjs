// The console app (/console/) in headless Debian Chromium against the worker in workerd:
// sign-in with errors at their field, the workspace picker, the demo workspace's campaigns,
// a campaign page whose JSON editor validates as you type with `protocol` (errors at their
// path), a draft saved and submitted, a refusal shown with the API's message, sign-out.
// Zero CSP violations under the console's strict policy; axe-core finds no WCAG 2.2 A/AA
// violation on the list and campaign pages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fresh, OWNER, URL_BASE, WORKSPACE, launchChromium, navigate } from './helpers.mjs';
import { axe, signIn, watched } from './console-pages.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
});


const open = watched;



test('the console is served from the assets with a strict CSP; the API and link pages still reach the worker', async () => {
  const page = await fetch(`${URL_BASE}/console/`);
  assert.equal(page.status, 200);
  const csp = page.headers.get('content-security-policy');
  assert.equal(csp, "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'");
  const html = await page.text();
  assert.match(html, /<script type="module" src="\/console\/boot\.js"><\/script>/);
  assert.doesNotMatch(html, /<style|style=|<script>/, 'no inline script or style');
  for (const file of ['boot.js', 'cairn_console.js', 'cairn_console_bg.wasm', 'console.css']) {
    const r = await fetch(`${URL_BASE}/console/${file}`);
    assert.equal(r.status, 200, file);
    assert.ok(r.headers.get('content-security-policy'), `${file} carries the CSP`);
  }
  const bare = await fetch(`${URL_BASE}/console`, { redirect: 'manual' });
  assert.ok([301, 302, 307, 308].includes(bare.status), `/console redirects (${bare.status})`);
  assert.equal(new URL(bare.headers.get('location'), URL_BASE).pathname, '/console/');
  assert.equal((await fetch(`${URL_BASE}/console/api/me`)).status, 401);
  assert.equal((await fetch(`${URL_BASE}/console/form.js`)).status, 200);
  assert.equal((await fetch(`${URL_BASE}/console/sign-in`)).status, 200);
});

test('sign in, list the demo campaigns, edit a document with errors at their path, save, submit; refusals show their message', { timeout: 120_000 }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await open(context);

  // Refusals of the API, each at its field: a malformed email, then a wrong password.
  await navigate(page, `${URL_BASE}/console/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in to Cairn' }).waitFor();
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('whatever it is');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#email-error').filter({ hasText: /\S/ }).waitFor();
  assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Email').fill(OWNER.email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#password-error').filter({ hasText: 'wrong email or password' }).waitFor();
  assert.equal(await page.locator('#email-error').innerText(), '');

  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
  const rows = page.locator('table.list tbody tr');
  await rows.first().waitFor();
  assert.ok(await rows.count() >= 10, 'the demo campaigns are listed');
  await page.getByRole('link', { name: 'welcome', exact: true }).waitFor();
  // Filter and search.
  await page.getByLabel('Search').fill('welc');
  assert.equal(await rows.count(), 1);
  await page.getByLabel('Search').fill('no-such-campaign');
  await page.getByText('No campaign matches these filters.').waitFor();
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Status').selectOption('live');
  assert.ok(await rows.count() >= 10, 'the live demo campaigns');
  assert.match(await page.locator('table.list').innerText(), /Live/);

  // A campaign of its own (drafted through the API with this session, as an editor).
  const id = fresh('console');
  const document = { id, surface: 'banner', recurrence: 'once', content: { title: 'Hello', body: 'From the console test.' } };
  const created = await page.evaluate(async ({ ws, document }) => {
    const r = await fetch(`/console/api/workspaces/${ws}/campaigns`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document }),
    });
    return r.status;
  }, { ws: WORKSPACE.demo, document });
  assert.equal(created, 201);
  await page.getByRole('link', { name: 'Cairn' }).click();
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.getByRole('link', { name: id, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: id }).waitFor();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  // Back returns to the list: pages are addresses.
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Campaigns' }).waitFor();
  await page.goForward();
  await page.getByRole('heading', { level: 1, name: id }).waitFor();
  await page.getByRole('button', { name: 'JSON', exact: true }).click();

  const editor = page.getByLabel('Campaign document (JSON)');
  const status = page.locator('#document-status');
  await status.filter({ hasText: 'Valid campaign document.' }).waitFor();
  assert.match(await editor.inputValue(), new RegExp(`"id": "${id}"`));
  await status.filter({ hasText: 'Valid campaign document.' }).waitFor();

  // Validated as you type, by protocol compiled into the console: each error at its path.
  await editor.fill('{"id": "x",');
  await status.filter({ hasText: 'not valid JSON' }).waitFor();
  assert.equal(await editor.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByRole('button', { name: 'Save draft' }).isDisabled(), true);
  await editor.fill(JSON.stringify({ ...document, content: { ...document.content, bogus: 1 } }, null, 2));
  await status.filter({ hasText: 'at content.bogus' }).waitFor();
  assert.equal(await status.getAttribute('data-field'), 'content.bogus');
  await editor.fill(JSON.stringify({ ...document, delay_seconds: 999 }, null, 2));
  await status.filter({ hasText: 'at delay_seconds' }).waitFor();
  await page.screenshot({ path: 'test-results/console-editor-error.png' });

  // A valid edit is saved as the draft, then submitted.
  await editor.fill(JSON.stringify({ ...document, content: { ...document.content, title: 'Hello again' } }, null, 2));
  await status.filter({ hasText: 'Valid campaign document.' }).waitFor();
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.locator('#action-status').filter({ hasText: 'Draft saved.' }).waitFor();
  await page.getByRole('button', { name: 'Submit for review' }).click();
  await page.locator('#action-status').filter({ hasText: 'Submitted for review.' }).waitFor();
  await page.getByText('In review', { exact: true }).first().waitFor();

  // The owner authored it: approving is refused by the policy, with the API's message.
  await page.getByRole('button', { name: 'Approve' }).click();
  const refusal = page.locator('#action-status.error');
  await refusal.filter({ hasText: /\S/ }).waitFor();
  assert.match(await refusal.innerText(), /approv|role/i);
  // Not an executor here: no publish button.
  assert.equal(await page.getByRole('button', { name: /Publish/ }).count(), 0);
  await page.screenshot({ path: 'test-results/console-campaign.png' });

  // Sign out: back to the form, and the session is gone.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in to Cairn' }).waitFor();
  assert.equal(await page.evaluate(async () => (await fetch('/console/api/me')).status), 401);

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  // The refusals this scenario provokes (400 email, 401 credentials and /me, 403 approval).
  assert.deepEqual(problems.filter((p) => !/status of 40[013]/.test(p)), []);
  await context.close();
});

for (const scheme of ['light', 'dark']) test(`axe-core finds no WCAG 2.2 A/AA violation on the sign-in, list and campaign pages (${scheme})`, { timeout: 120_000 }, async () => {
  // axe is injected by the test, not the app: this context bypasses the CSP (checked above).
  const context = await browser.newContext({ bypassCSP: true, colorScheme: scheme });
  const page = await context.newPage();
  await navigate(page, `${URL_BASE}/console/`);
  await page.getByRole('heading', { level: 1, name: 'Sign in to Cairn' }).waitFor();
  await axe(page, 'sign-in');
  await signIn(page);
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).waitFor();
  await axe(page, 'workspaces');
  await page.getByRole('link', { name: /Expensely \(demo\)/ }).click();
  await page.locator('table.list tbody tr').first().waitFor();
  await axe(page, 'campaign list');
  await page.getByRole('link', { name: 'welcome', exact: true }).click();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await axe(page, 'campaign page');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.locator('table.audit tbody tr').first().waitFor();
  await axe(page, 'audit log');
  await page.getByRole('link', { name: 'Why not?' }).click();
  await page.getByLabel('User id').fill('someone');
  await page.getByLabel('Account id').fill('acme');
  await page.getByRole('button', { name: 'Ask' }).click();
  await page.getByRole('cell', { name: 'welcome', exact: true }).waitFor();
  await axe(page, 'why not');
  await page.screenshot({ path: `test-results/console-${scheme}.png` });
  await context.close();
});
