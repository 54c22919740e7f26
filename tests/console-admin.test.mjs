// The console's administration pages (/console/#/w/{ws}/team, keys, install, settings) in
// headless Debian Chromium against the worker in workerd, as the demo owner, on a workspace
// of its own created for this suite: invite a teammate and see the link (then revoke it),
// the review policy refused out of range and saved; a secret key shown once, then only its
// prefix; a write key created, rotated and revoked; an allowed origin refused at its line,
// then saved and still there after a reload; the webhook's and the identity secret shown
// once; the install snippet with the workspace's real write key (and `hash` once identities
// are enforced); settings numbers saved as a new version, errors at their path as you type,
// a stale base refused. A member who is not an admin sees read-only pages. Zero CSP
// violations; axe-core finds no WCAG 2.2 A/AA violation on any of these pages, light or dark;
// nothing overflows at 1024 or 1280 px.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { APPROVER, KEYS, OWNER, URL_BASE, WORKSPACE, fresh, launchChromium, navigate } from './helpers.mjs';
import { axe, watched } from './console-pages.mjs';

let browser;
/** The workspace this suite creates (its id), so other suites' fixtures stay as they are. */
let ws;

before(async () => {
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
});

const at = (workspace, tab) => `${URL_BASE}/console/#/w/${encodeURIComponent(workspace)}/${tab}`;

/** A fresh context's page, CSP violations and page errors collected. */
async function open(options = {}) {
  const context = await browser.newContext(options);
  return { context, ...(await watched(context)) };
}

/** Opens `url` (a console page) and signs in on the way; the page asked for follows. */
async function signInAt(page, url, user = OWNER) {
  await navigate(page, url);
  await page.getByRole('heading', { level: 1, name: 'Sign in to Cairn' }).waitFor();
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.keyboard.press('Enter');
}

/** Goes to a tab of a workspace (the app follows the fragment) and waits for its heading. */
async function go(page, workspace, tab, heading) {
  await navigate(page, at(workspace, tab));
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function noCsp(page, what) {
  assert.deepEqual(await page.evaluate(() => window.__csp), [], `${what}: no CSP violation`);
}

async function fitsWidth(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `${what}: no horizontal overflow (${scroll} > ${inner})`);
}


/** A same-origin API call from the signed-in page. */
const api = (page, method, path, body) => page.evaluate(async ({ method, path, body }) => {
  const r = await fetch(`/console/api${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}, { method, path, body });

/** The session of the demo owner, in a 1024 px wide window, with this suite's workspace. */
let owner;

test('the owner signs in and gets a workspace of their own for this suite', { timeout: 60_000 }, async () => {
  owner = await open({ viewport: { width: 1024, height: 800 } });
  await owner.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: URL_BASE });
  await signInAt(owner.page, `${URL_BASE}/console/`);
  await owner.page.getByRole('heading', { level: 1, name: 'Workspaces' }).waitFor();
  const created = await api(owner.page, 'POST', '/workspaces', { name: fresh('admin-suite') });
  assert.equal(created.status, 201);
  ws = created.json.workspace.id;
  assert.deepEqual(created.json.workspace.roles, ['owner']);
  // The console learns its new workspace (and the owner's roles there) at its next start.
  await navigate(owner.page);
  await owner.page.getByRole('link', { name: new RegExp(created.json.workspace.name) }).waitFor();
});

test('team: members with roles, an invitation whose link is shown and copied, revoked after a confirmation; the review policy', { timeout: 120_000 }, async () => {
  const { page } = owner;
  await go(page, ws, 'team', 'Team');
  // Focus moves to the heading of the page.
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  const members = page.locator('table.list').filter({ has: page.locator('caption', { hasText: 'Members' }) });
  await members.locator('tbody td').filter({ hasText: `(${OWNER.email})` }).first().waitFor();
  const ownerRoles = page.getByRole('group', { name: `Roles of ${OWNER.email}` });
  assert.equal(await ownerRoles.getByLabel('Owner', { exact: true }).isChecked(), true);
  assert.equal(await ownerRoles.getByLabel('Editor', { exact: true }).isChecked(), false);
  await page.getByText('No invitations yet.').waitFor();

  // The last owner cannot lose the role: the API's refusal is shown.
  await ownerRoles.getByLabel('Owner', { exact: true }).uncheck();
  await ownerRoles.getByLabel('Viewer', { exact: true }).check();
  await page.getByRole('button', { name: `Save roles of ${OWNER.email}` }).click();
  await page.locator('#members-status.error').filter({ hasText: 'the workspace needs an owner' }).waitFor();

  // A malformed email is refused at its field.
  const email = page.getByLabel('Email', { exact: true });
  await email.fill('not-an-email');
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.locator('#invite-email-error').filter({ hasText: /\S/ }).waitFor();
  assert.equal(await email.getAttribute('aria-invalid'), 'true');

  // Invite with the keyboard: email, a role, Enter.
  const invitee = `${fresh('teammate')}@acme.example`;
  await email.fill(invitee);
  await page.getByRole('group', { name: 'Roles', exact: true }).getByLabel('Editor', { exact: true }).check();
  await email.focus();
  await page.keyboard.press('Enter');
  const link = page.locator('#invitation-link');
  await link.waitFor();
  const url = await link.locator('code').innerText();
  assert.match(url, /^http:\/\/[^/]+\/console\/accept\?token=\S+$/, url);
  assert.match(await link.innerText(), new RegExp(`Send this link to ${invitee.replace('.', '\\.')}`));
  assert.equal(await email.inputValue(), '', 'the form is ready for the next invitation');
  await link.getByRole('button', { name: 'Copy the invitation link' }).click();
  await link.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  const row = page.locator('tr', { hasText: invitee });
  await row.getByText('Pending').waitFor();
  assert.match(await row.innerText(), /Editor, Viewer/);
  // The API agrees: one pending invitation with these roles.
  const listed = await api(page, 'GET', `/workspaces/${ws}/invitations`);
  assert.deepEqual(listed.json.invitations.map((i) => [i.email, i.roles, i.status]), [[invitee, ['editor', 'viewer'], 'pending']]);

  // Revoking asks first; dismissed, nothing changes; accepted, the link stops working.
  page.once('dialog', (d) => d.dismiss());
  await row.getByRole('button', { name: `Revoke… the invitation of ${invitee}` }).click();
  await page.waitForTimeout(300);
  await row.getByText('Pending').waitFor();
  page.once('dialog', (d) => { assert.match(d.message(), /Revoke the invitation/); d.accept(); });
  await row.getByRole('button', { name: `Revoke… the invitation of ${invitee}` }).click();
  await row.getByText('Revoked').waitFor();
  await page.locator('#invitations-status').filter({ hasText: `Invitation of ${invitee} revoked.` }).waitFor();
  await link.waitFor({ state: 'detached' });

  // The review policy: out of range refused at its field, then saved.
  const approvals = page.getByLabel('Approvals needed before publishing (1-5)');
  await approvals.fill('6');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.locator('#required-approvals-error').filter({ hasText: '1-5' }).waitFor();
  assert.equal(await approvals.getAttribute('aria-invalid'), 'true');
  await approvals.fill('2');
  await page.getByLabel('Authors may approve their own revisions').check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await page.locator('#policy-status').filter({ hasText: 'Review policy saved.' }).waitFor();
  const policy = (await api(page, 'GET', `/workspaces/${ws}`)).json.workspace.policy;
  assert.deepEqual(policy, { required_approvals: 2, author_may_approve: true, reviewer_required: false });
  await fitsWidth(page, 'team at 1024 px');
  await page.screenshot({ path: 'test-results/console-team.png', fullPage: true });
  await noCsp(page, 'team');
});

test('keys: a write key created, debug on, rotated and revoked; a secret key shown once then only its prefix; origins, webhook and identity', { timeout: 180_000 }, async () => {
  const { page } = owner;
  await go(page, ws, 'keys', 'Keys and origins');
  await page.getByText('No write keys yet.').waitFor();
  await page.getByText('No secret keys yet.').waitFor();

  // A write key, with debug verdicts turned on afterwards.
  await page.getByLabel('Label (optional)').fill('web');
  await page.getByRole('button', { name: 'Create write key' }).click();
  await page.locator('#write-keys-status').filter({ hasText: 'Write key created.' }).waitFor();
  const keys = (await api(page, 'GET', `/workspaces/${ws}/write-keys`)).json.write_keys;
  assert.equal(keys.length, 1);
  const first = keys[0].key;
  const firstRow = page.locator('tr', { hasText: first });
  await firstRow.getByText('Active').waitFor();
  await firstRow.getByLabel(`Debug verdicts for ${first}`).check();
  await page.locator('#write-keys-status').filter({ hasText: `Debug verdicts on for ${first}.` }).waitFor();
  assert.equal((await api(page, 'GET', `/workspaces/${ws}/write-keys`)).json.write_keys[0].debug, true);

  // Rotation: the overlap is checked before asking, then a new key replaces it.
  const overlap = page.getByLabel('The old key keeps working for (hours, 0-720)');
  await overlap.fill('900');
  await firstRow.getByRole('button', { name: `Rotate… ${first}` }).click();
  await page.locator('#overlap-hours-error').filter({ hasText: '0-720 hours' }).waitFor();
  await overlap.fill('1');
  page.once('dialog', (d) => { assert.match(d.message(), /keeps working for 1 hours/); d.accept(); });
  await firstRow.getByRole('button', { name: `Rotate… ${first}` }).click();
  await page.locator('#write-keys-status').filter({ hasText: `${first} rotated.` }).waitFor();
  await firstRow.getByText(/Rotating out until/).waitFor();
  const rotated = (await api(page, 'GET', `/workspaces/${ws}/write-keys`)).json.write_keys;
  assert.equal(rotated.length, 2);
  const second = rotated.find((k) => k.key !== first);
  assert.equal(second.debug, true, 'the new key keeps the debug flag');
  // Revoking the old one asks first.
  page.once('dialog', (d) => { assert.match(d.message(), new RegExp(`Revoke ${first}`)); d.accept(); });
  await firstRow.getByRole('button', { name: `Revoke… ${first}` }).click();
  await firstRow.getByText('Revoked').waitFor();
  assert.doesNotMatch(await firstRow.innerText(), /until/);
  // The list was drawn again under the button: focus went to the list's heading, not away.
  // (It moves on the next animation frame after the redraw.)
  await page.waitForFunction(() => document.activeElement?.id === 'write-keys-heading', null, { timeout: 5_000 });
  assert.ok((await api(page, 'GET', `/workspaces/${ws}/write-keys`)).json.write_keys.find((k) => k.key === first).revoked_at);

  // A secret key: shown once, in its box, with a warning.
  await page.getByLabel('Label', { exact: true }).fill('ci');
  await page.getByRole('button', { name: 'Create secret key' }).click();
  const box = page.locator('#new-secret');
  await box.waitFor();
  const secret = await box.locator('code').innerText();
  assert.match(secret, /^sk_[0-9a-f]{48}$/);
  assert.match(await box.innerText(), /will not be shown again/);
  await box.getByRole('button', { name: 'Copy Your new secret key' }).click();
  await box.getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  const secretRow = page.locator('tr', { hasText: 'ci' }).filter({ hasText: secret.slice(0, 10) });
  await secretRow.getByText('Active').waitFor();
  await box.getByRole('button', { name: 'Hide' }).click();
  await box.waitFor({ state: 'detached' });
  assert.equal((await page.content()).includes(secret), false, 'hidden, the secret is nowhere on the page');
  // It works against the admin API (then it is revoked, after a confirmation).
  const identity = await fetch(`${URL_BASE}/v1/admin/identity`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(identity.status, 200);
  page.once('dialog', (d) => d.dismiss());
  await secretRow.getByRole('button', { name: 'Revoke… the secret key ci' }).click();
  await page.waitForTimeout(300);
  await secretRow.getByText('Active').waitFor();
  page.once('dialog', (d) => d.accept());
  await secretRow.getByRole('button', { name: 'Revoke… the secret key ci' }).click();
  await secretRow.getByText(/^Revoked/).waitFor();
  assert.equal((await fetch(`${URL_BASE}/v1/admin/identity`, { headers: { authorization: `Bearer ${secret}` } })).status, 401);

  // Allowed origins: a bad one refused at its line, then saved and still there after a reload.
  const origins = page.getByLabel(/Allowed origins, one a line/);
  await page.locator('#origins-error').filter({ hasText: 'No allowed origins yet' }).waitFor();
  await origins.fill('https://app.example.com\nftp://nope');
  await page.getByRole('button', { name: 'Save origins' }).click();
  await page.locator('#origins-error').filter({ hasText: 'Line 2: an origin' }).waitFor();
  assert.equal(await origins.getAttribute('aria-invalid'), 'true');
  await origins.fill('https://App.Example.com\n\nhttp://127.0.0.1:8787');
  await page.getByRole('button', { name: 'Save origins' }).click();
  await page.locator('#origins-status').filter({ hasText: 'Allowed origins saved (2 origins).' }).waitFor();
  assert.equal(await origins.inputValue(), 'http://127.0.0.1:8787\nhttps://app.example.com', 'as the API normalised them');

  // The webhook: a bad URL at its field; a good one answers with its secret, shown once.
  const hook = page.getByLabel('Endpoint URL');
  await hook.fill('not a url');
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await page.locator('#webhook-url-error').filter({ hasText: 'an http(s) URL' }).waitFor();
  await hook.fill('http://127.0.0.1:9/cairn-hooks');
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await page.locator('#webhook-secret code').filter({ hasText: /^whsec_/ }).waitFor();
  await page.locator('#webhook-status').filter({ hasText: 'Webhook endpoint saved.' }).waitFor();

  // Identity: the secret rotated (after a confirmation) and shown once; enforcement on.
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Rotate identity secret…' }).click();
  const idSecret = await page.locator('#identity-secret code').innerText();
  assert.match(idSecret, /^[0-9a-f]{64}$/);
  const enforce = page.getByLabel(/Require signed identities/);
  assert.equal(await enforce.isChecked(), false);
  await enforce.check();
  await page.locator('#identity-status').filter({ hasText: 'Signed identities are required now.' }).waitFor();
  await fitsWidth(page, 'keys at 1024 px');
  await page.screenshot({ path: 'test-results/console-keys.png', fullPage: true });
  await noCsp(page, 'keys');

  // After a reload: the origins persisted, the secrets are not shown again.
  await navigate(page);
  await page.getByRole('heading', { level: 1, name: 'Keys and origins' }).waitFor();
  await page.locator('tr', { hasText: second.key }).waitFor();
  assert.equal(await page.getByLabel(/Allowed origins, one a line/).inputValue(), 'http://127.0.0.1:8787\nhttps://app.example.com');
  assert.equal(await page.getByLabel('Endpoint URL').inputValue(), 'http://127.0.0.1:9/cairn-hooks');
  assert.equal(await page.getByLabel(/Require signed identities/).isChecked(), true);
  const html = await page.content();
  for (const shown of [secret, idSecret]) assert.equal(html.includes(shown), false, 'a secret is shown once');
  assert.ok(html.includes(`${secret.slice(0, 10)}…`), 'the secret key is listed by its prefix');
  assert.equal(await page.locator('.once').count(), 0);
  await noCsp(page, 'keys after a reload');
});

test('install: the npm command and init() with the workspace\'s active write key and this origin; user.hash once identities are enforced', { timeout: 60_000 }, async () => {
  const { page } = owner;
  const keys = (await api(page, 'GET', `/workspaces/${ws}/write-keys`)).json.write_keys;
  const active = keys.find((k) => !k.revoked_at && !k.expires_at);
  await go(page, ws, 'install', 'Install');
  assert.equal(await page.locator('#npm-snippet').innerText(), 'npm install @cairn/sdk');
  const snippet = page.locator('#init-snippet');
  await snippet.waitFor();
  const code = await snippet.innerText();
  assert.match(code, new RegExp(`writeKey: '${active.key}',`));
  assert.match(code, new RegExp(`endpoint: '${URL_BASE.replace(/[.:/]/g, '\\$&')}',`));
  assert.match(code, /import \{ init \} from '@cairn\/sdk';/);
  assert.match(code, /hash: userHash/, 'this workspace enforces signed identities');
  await page.locator('#identity-note').getByText(/HMAC-SHA256/).first().waitFor();
  await page.screenshot({ path: 'test-results/console-install.png', fullPage: true });
  await page.getByRole('button', { name: 'Copy the init call' }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied.trim(), code.trim(), 'the clipboard has the snippet shown');

  // The demo workspace: its own write key; it does not enforce identities.
  await go(page, WORKSPACE.demo, 'install', 'Install');
  const demo = await page.locator('#init-snippet').innerText();
  assert.match(demo, new RegExp(`writeKey: '${KEYS.demo}',`));
  assert.doesNotMatch(demo, /hash/);
  assert.equal(await page.locator('#identity-note').count(), 0);
  await fitsWidth(page, 'install at 1024 px');
  await noCsp(page, 'install');
});

test('settings: budget numbers written into the document and saved as a version, errors at their path as you type, a stale base refused', { timeout: 120_000 }, async () => {
  const { page } = owner;
  await go(page, ws, 'settings', 'Settings');
  await page.locator('#settings-version').filter({ hasText: 'Version 0' }).waitFor();
  const max = page.getByLabel('Campaigns per window (max_campaigns)');
  assert.equal(await max.inputValue(), '3', 'the default budget');
  assert.equal(await page.getByLabel(/Window in hours/).inputValue(), '24');
  await page.getByText('No saved versions yet: the defaults apply.').waitFor();
  const editor = page.getByLabel('Settings document (JSON)');
  const status = page.locator('#settings-document-status');
  const save = page.getByRole('button', { name: /^Save as version/ });

  // As you type: a number the edge refuses, at its path; not a number, at its input.
  await page.getByLabel(/Window in hours/).fill('0');
  await page.locator('#window-hours-error').filter({ hasText: 'must be 1-2160' }).waitFor();
  await status.filter({ hasText: 'at budget.window_hours: must be 1-2160' }).waitFor();
  assert.equal(await status.getAttribute('data-field'), 'budget.window_hours');
  assert.equal(await save.isDisabled(), true);
  await page.getByLabel(/Window in hours/).fill('48');
  await status.filter({ hasText: 'Valid settings document.' }).waitFor();
  await max.fill('many');
  await page.locator('#max-campaigns-error').filter({ hasText: 'a whole number' }).waitFor();
  await page.getByLabel(/High tier from/).fill('100');
  await page.locator('#tier-high-error').filter({ hasText: 'no value_tiers.value' }).waitFor();
  await max.fill('5');
  assert.deepEqual(JSON.parse(await editor.inputValue()).budget, { max_campaigns: 5, window_hours: 48 });
  await page.getByLabel(/High tier from/).fill('');
  // The JSON editor: an unknown field at its path.
  await editor.fill('{"budget": {"bogus": 1}}');
  await status.filter({ hasText: 'at budget.bogus' }).waitFor();
  assert.equal(await editor.getAttribute('aria-invalid'), 'true');
  assert.equal(await max.inputValue(), '3', 'the form follows the document (the default, once it has no number)');
  await editor.fill(JSON.stringify({ budget: { max_campaigns: 5, window_hours: 48 }, value_tiers: { value: { account_trait: 'arr' }, high: 50000, medium: 10000 } }));
  await status.filter({ hasText: 'Valid settings document.' }).waitFor();
  assert.equal(await max.inputValue(), '5');
  await page.getByLabel(/Medium tier from/).fill('20000');
  assert.equal(JSON.parse(await editor.inputValue()).value_tiers.medium, 20000);
  await save.click();
  await page.locator('#settings-status').filter({ hasText: 'Settings saved as version 1.' }).waitFor();
  const saved = (await api(page, 'GET', `/workspaces/${ws}/settings`)).json;
  assert.equal(saved.version, 1);
  assert.deepEqual(saved.document.budget, { max_campaigns: 5, window_hours: 48 });
  assert.equal(saved.document.value_tiers.medium, 20000);
  await page.locator('table.list tbody tr').first().getByText(OWNER.email).waitFor();

  // Someone else saves version 2; saving on version 1 is refused, and the latest can be loaded.
  const other = await api(page, 'PUT', `/workspaces/${ws}/settings`, { base_version: 1, document: { budget: { max_campaigns: 7 } } });
  assert.equal(other.status, 200);
  await max.fill('4');
  await save.click();
  await page.locator('#settings-status.error').filter({ hasText: 'someone saved a newer version' }).waitFor();
  await page.getByRole('button', { name: 'Load the latest version' }).click();
  await page.locator('#settings-version').filter({ hasText: 'Version 2' }).waitFor();
  assert.equal(await max.inputValue(), '7');

  // After a reload the saved numbers are there, with both versions listed.
  await navigate(page);
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await page.locator('#settings-version').filter({ hasText: 'Version 2' }).waitFor();
  assert.equal(await page.getByLabel('Campaigns per window (max_campaigns)').inputValue(), '7');
  await page.locator('table.list tbody tr').nth(1).waitFor();
  assert.equal(await page.locator('table.list tbody tr').count(), 2);
  // The demo's settings show what they define.
  await go(page, WORKSPACE.demo, 'settings', 'Settings');
  await page.getByText(/usage trend \(weight 3\)/).waitFor();
  await page.getByText(/onboarding → actively_using/).waitFor();
  await fitsWidth(page, 'settings at 1024 px');
  await page.screenshot({ path: 'test-results/console-settings.png', fullPage: true });
  await noCsp(page, 'settings');
  // The refusals this suite provokes (400 invite and policy and origins and webhook, 409).
  assert.deepEqual(owner.problems.filter((p) => !/status of 40[019]/.test(p)), []);
  await owner.context.close();
});

test('a member who is neither owner nor admin sees read-only pages and is told why', { timeout: 60_000 }, async () => {
  const { context, page, problems } = await open({ viewport: { width: 1280, height: 800 } });
  await signInAt(page, at(WORKSPACE.demo, 'team'), APPROVER);
  await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
  await page.getByText('Only owners and admins change roles').waitFor();
  await page.getByText('Only owners and admins see and send invitations.').waitFor();
  await page.locator('table.list tbody td').filter({ hasText: OWNER.email }).first().waitFor();
  assert.equal(await page.getByRole('button', { name: /Save roles|Invite|Save policy/ }).count(), 0);
  assert.equal(await page.getByLabel('Approvals needed before publishing (1-5)').isDisabled(), true);
  await go(page, WORKSPACE.demo, 'keys', 'Keys and origins');
  await page.locator('tr', { hasText: KEYS.demo }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Secret keys' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /Revoke|Rotate|Create/ }).count(), 0);
  assert.equal(await page.getByLabel(/Allowed origins, one a line/).getAttribute('readonly'), '');
  await go(page, WORKSPACE.demo, 'settings', 'Settings');
  await page.getByText('Only owners and admins change them.').waitFor();
  assert.equal(await page.getByRole('button', { name: /^Save as version/ }).count(), 0);
  await fitsWidth(page, 'read-only pages at 1280 px');
  await noCsp(page, 'read-only pages');
  // Only the /me of the signed-out start is refused (401).
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await context.close();
});

for (const scheme of ['light', 'dark']) test(`axe-core finds no WCAG 2.2 A/AA violation on the team, keys, install and settings pages (${scheme})`, { timeout: 180_000 }, async () => {
  // axe is injected by the test, not the app: this context bypasses the CSP (checked above).
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await signInAt(page, at(ws, 'team'));
  await page.getByRole('heading', { level: 1, name: 'Team' }).waitFor();
  await page.getByRole('group', { name: `Roles of ${OWNER.email}` }).waitFor();
  await page.locator('#policy-status').waitFor();
  await page.getByLabel('Email', { exact: true }).fill(`${fresh('axe')}@acme.example`);
  await page.getByRole('button', { name: 'Invite', exact: true }).click();
  await page.locator('#invitation-link').waitFor();
  await page.getByText('Pending').first().waitFor();
  await axe(page, `team (${scheme})`);
  await go(page, ws, 'keys', 'Keys and origins');
  await page.getByLabel('Label', { exact: true }).fill(`axe-${scheme}`);
  await page.getByRole('button', { name: 'Create secret key' }).click();
  await page.locator('#new-secret').waitFor();
  await page.getByLabel('Endpoint URL').fill('bad');
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await page.locator('#webhook-url-error').filter({ hasText: /\S/ }).waitFor();
  await page.locator('table.list').nth(1).waitFor();
  await axe(page, `keys (${scheme})`);
  await page.screenshot({ path: `test-results/console-keys-${scheme}.png`, fullPage: true });
  await go(page, ws, 'install', 'Install');
  await page.locator('#init-snippet').waitFor();
  await axe(page, `install (${scheme})`);
  await go(page, WORKSPACE.demo, 'settings', 'Settings');
  await page.locator('#settings-document-status').filter({ hasText: 'Valid settings document.' }).waitFor();
  await page.locator('table.list tbody tr').first().waitFor();
  await axe(page, `settings (${scheme})`);
  await page.getByLabel(/Window in hours/).fill('0');
  await page.locator('#window-hours-error').filter({ hasText: /\S/ }).waitFor();
  await axe(page, `settings with an error (${scheme})`);
  await page.screenshot({ path: `test-results/console-settings-${scheme}.png`, fullPage: true });
  await context.close();
});
