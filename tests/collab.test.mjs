// Invitations and approvals against the built worker in workerd, with a local webhook
// receiver playing the vendor's backend: it checks every Standard Webhooks signature.
// Abuse and bad input: each refused with a clear error, and nothing changed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { fresh, IDENTITY, KEYS, post, SECRET_KEY, setWebhook, tokenKey, URL_BASE, WORKSPACE, WRITE_KEY, launchChromium, navigate } from './helpers.mjs';

// The demo workspace's secrets: its identity secret (rotated by the bootstrap, which printed
// it), and its link-token key (derived from the control key, which the suites are given).
const DEMO_IDENTITY = IDENTITY.demo;
const DEMO_TOKEN_KEY = tokenKey(WORKSPACE.demo);

export const userHash = (secret, user) => createHmac('sha256', secret).update(user).digest('hex');

let receiver;
let webhookSecret;
const hooks = []; // every delivery: { id, type, data, valid, attempt }
const failOnce = new Set(); // webhook types whose first attempt gets a 500

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed with the
 * base64-decoded part of `whsec_…`. */
function verify(headers, body) {
  const key = Buffer.from(webhookSecret.slice('whsec_'.length), 'base64');
  const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  const fresh = Math.abs(Date.now() / 1000 - Number(headers['webhook-timestamp'])) < 300;
  return fresh && (headers['webhook-signature'] || '').split(' ').includes(expected);
}

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const payload = JSON.parse(body);
      const id = req.headers['webhook-id'];
      const attempt = hooks.filter((h) => h.id === id).length + 1;
      hooks.push({ id, type: payload.type, data: payload.data, valid: verify(req.headers, body), attempt });
      const fail = failOnce.has(payload.type) && attempt === 1;
      res.writeHead(fail ? 500 : 204).end();
    });
  });
  const set = await setWebhook(receiver);
  assert.equal(set.status, 200);
  webhookSecret = set.secret;
  assert.match(webhookSecret, /^whsec_[A-Za-z0-9+/]+=*$/);
});

after(() => receiver?.close());

/** A request for `user` of `account`, signed like the vendor's backend would. */
const as = (user, account, extra = {}, secret = DEMO_IDENTITY, writeKey = WRITE_KEY) => ({
  write_key: writeKey,
  user_id: user,
  account_id: account,
  user_hash: userHash(secret, user),
  ...extra,
});

async function until(f, what, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const delivered = (type, pred = () => true) => hooks.filter((h) => h.type === type && pred(h.data));

async function admin(account, what, init = {}) {
  const res = await fetch(`${URL_BASE}/v1/admin/accounts/${encodeURIComponent(account)}/${what}`, {
    ...init,
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
  });
  return { status: res.status, json: await res.json() };
}

const tokenOf = (url) => new URL(url).searchParams.get('token');

test('a champion invites; the webhook arrives signed, once; the invitee accepts once; attribution and champions', async () => {
  const account = fresh('acct');
  const emails = [`ann@${account}.example`, `bob@${account}.example`];
  const res = await post('/v1/invites', as('champ', account, { emails: [...emails, emails[0].toUpperCase()], role: 'member', note: 'Join us' }));
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.results.map((r) => [r.email, r.status]), [[emails[0], 'invited'], [emails[1], 'invited']]);

  const created = await until(() => delivered('invite.created', (d) => d.account_id === account).length === 2 && delivered('invite.created', (d) => d.account_id === account), 'invite.created');
  assert.ok(created.every((h) => h.valid), 'every signature verifies');
  assert.equal(new Set(created.map((h) => h.id)).size, 2, 'one webhook per invitation');
  const ann = created.find((h) => h.data.invite.email === emails[0]);
  assert.equal(ann.data.invite.note, 'Join us');
  assert.match(ann.data.accept_url, /^http:\/\/127\.0\.0\.1:\d+\/accept\?token=/);

  // Inviting again is the same invitation, sent again.
  const again = await post('/v1/invites', as('champ', account, { emails: [emails[0]] }));
  assert.deepEqual(again.json.results.map((r) => r.status), ['resent']);
  assert.equal(again.json.results[0].invite_id, res.json.results[0].invite_id);

  const token = tokenOf(ann.data.accept_url);
  const accepted = await post('/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'ann', user_hash: userHash(DEMO_IDENTITY, 'ann'), token });
  assert.equal(accepted.status, 200, accepted.text);
  assert.equal(accepted.json.account_id, account);
  const replay = await post('/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'mallory', token });
  assert.equal(replay.status, 409);
  assert.deepEqual([replay.json.error.code, replay.json.error.field], ['token_used', 'token']);
  await until(() => delivered('invite.accepted', (d) => d.account_id === account).length === 1, 'invite.accepted');

  // The invitee's first activity, then attribution and the champion list.
  const ev = { id: crypto.randomUUID(), type: 'track', name: 'create_expense', user_id: 'ann', account_id: account, timestamp: Date.now() };
  assert.equal((await post('/v1/events', { write_key: WRITE_KEY, sent_at: Date.now(), events: [ev] })).status, 200);
  const invites = await admin(account, 'invites');
  const annInvite = invites.json.invites.find((i) => i.email === emails[0]);
  assert.equal(annInvite.status, 'accepted');
  assert.equal(annInvite.inviter, 'champ');
  assert.equal(annInvite.accepted_by, 'ann');
  assert.ok(annInvite.first_activity_at >= annInvite.accepted_at);
  const champions = await admin(account, 'champions');
  assert.deepEqual(champions.json.champions[0], { user_id: 'champ', invites_sent: 2, invites_accepted: 1, invitees_active: 1, active_days_30: 0 });
});

test('admins revoke a pending invitation, and read the webhook delivery log', async () => {
  const account = fresh('acct');
  const email = `zoe@${account}.example`;
  await post('/v1/invites', as('champ', account, { emails: [email] }));
  const [created] = await until(() => {
    const h = delivered('invite.created', (d) => d.invite.email === email);
    return h.length && h;
  }, 'invite.created');
  const revoke = (e) => fetch(`${URL_BASE}/v1/admin/accounts/${account}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: e }),
  });
  assert.equal((await revoke(email)).status, 200);
  const r = await post('/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'zoe', token: tokenOf(created.data.accept_url) });
  assert.deepEqual([r.status, r.json.error.code], [409, 'token_used']);
  const unknown = await revoke(`nobody@${account}.example`);
  assert.equal(unknown.status, 404);
  const log = await until(async () => {
    const l = (await admin(account, 'webhooks')).json.deliveries;
    return l.length && l[0].delivered_at && l;
  }, 'the delivery to be acknowledged');
  assert.deepEqual([log[0].type, log[0].attempts, log[0].last_status], ['invite.created', 1, 204]);
  assert.equal(JSON.parse(log[0].body).data.invite.email, email);
  assert.ok(!JSON.stringify(log).includes('whsec_'), 'the signing secret is never shown');
});

test('suggestions come from the target list, without users and the invited', async () => {
  const account = fresh('acct');
  const people = ['cfo', 'ops', 'dev'].map((p) => ({ email: `${p}@${account}.example`, name: p.toUpperCase() }));
  const put = await admin(account, 'targets', { method: 'PUT', body: JSON.stringify({ people }) });
  assert.equal(put.status, 200);
  await post('/v1/invites', as('champ', account, { emails: [people[1].email] }));
  const s = await post('/v1/invites/suggestions', as('champ', account));
  assert.deepEqual(s.json.suggestions.map((x) => [x.email, x.name, x.source]), [
    [people[0].email, 'CFO', 'target_list'],
    [people[2].email, 'DEV', 'target_list'],
  ]);
});

test('webhooks are retried with backoff until acknowledged, with the same id', async () => {
  const account = fresh('acct');
  failOnce.add('approval.requested');
  const res = await post('/v1/approvals', as('req', account, {
    action: 'expense.reimburse',
    resource: { id: 'exp-9', summary: 'Team dinner', amount: 1200, currency: 'USD' },
    approver: { user_id: 'boss' },
  }));
  assert.equal(res.status, 200, res.text);
  const both = await until(() => {
    const h = delivered('approval.requested', (d) => d.account_id === account);
    return h.length === 2 && h;
  }, 'the retry');
  failOnce.delete('approval.requested');
  assert.deepEqual(both.map((h) => h.attempt), [1, 2]);
  assert.equal(both[0].id, both[1].id, 'a retry carries the same webhook-id');
  assert.ok(both.every((h) => h.valid));
});

test('approvals: only the approver decides, once; one-click links are signed, expiring and single use', async () => {
  const account = fresh('acct');
  const body = {
    action: 'expense.reimburse',
    resource: { id: 'exp-1', summary: 'Flight to Lisbon', amount: 1800, currency: 'EUR' },
    approver: { email: `cfo@${account}.example` },
  };
  const res = await post('/v1/approvals', as('req', account, body));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.invited, true);
  const id = res.json.approval.id;
  const [invite] = await until(() => delivered('invite.created', (d) => d.account_id === account).length && delivered('invite.created', (d) => d.account_id === account), 'invite');
  assert.equal(invite.data.approval.id, id, 'the invitation carries the approval');
  const [requested] = await until(() => delivered('approval.requested', (d) => d.account_id === account).length && delivered('approval.requested', (d) => d.account_id === account), 'approval.requested');
  assert.ok(requested.valid);

  // The CFO accepts and lands on the approval.
  const accepted = await post('/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'cfo', user_hash: userHash(DEMO_IDENTITY, 'cfo'), token: tokenOf(invite.data.accept_url) });
  assert.equal(accepted.json.approval_id, id);
  const inbox = await post('/v1/approvals/inbox', as('cfo', account));
  assert.deepEqual(inbox.json.assigned.map((a) => a.id), [id]);

  // Someone else, or the CFO of another account, cannot decide it.
  const decide = (user, acct = account, extra = {}) => post('/v1/approvals/decide', as(user, acct, { approval_id: id, decision: 'approve', ...extra }));
  const cases = [
    ['req', account, 403, 'not_approver', 'approval_id'],
    ['cfo', fresh('other'), 404, 'not_found', 'approval_id'],
  ];
  for (const [user, acct, status, code, field] of cases) {
    const r = await decide(user, acct);
    assert.deepEqual([r.status, r.json.error.code, r.json.error.field], [status, code, field], `${user}@${acct}`);
  }
  // The one-click page changes nothing on GET (mail scanners prefetch links).
  const page = await fetch(requested.data.approve_url);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Approve this request\?/);
  assert.deepEqual((await post('/v1/approvals/inbox', as('cfo', account))).json.assigned.map((a) => a.id), [id]);

  const ok = await decide('cfo', account, { comment: 'Fine' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.approval.status, 'approved');
  const twice = await decide('cfo');
  assert.deepEqual([twice.status, twice.json.error.code], [409, 'already_decided']);
  const link = await fetch(requested.data.reject_url, { method: 'POST' });
  assert.equal(link.status, 409);
  assert.match(await link.text(), /already used/);
  const decided = await until(() => delivered('approval.decided', (d) => d.account_id === account).length && delivered('approval.decided', (d) => d.account_id === account), 'approval.decided');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(delivered('approval.decided', (d) => d.account_id === account).length, 1, 'decided exactly once');
  assert.equal(decided[0].data.approval.status, 'approved');
  assert.ok(decided[0].valid);
  const mine = await post('/v1/approvals/inbox', as('req', account));
  assert.equal(mine.json.requested[0].status, 'approved');

  // The audit trail.
  const list = await admin(account, 'approvals');
  assert.deepEqual(list.json.approvals[0].audit.map((a) => [a.actor, a.what]), [
    ['req', 'requested'], ['req', 'invited'], ['cfo', 'assigned'], ['cfo', 'approved'],
  ]);
});

test('a one-click link decides once', async () => {
  const account = fresh('acct');
  const res = await post('/v1/approvals', as('req', account, {
    action: 'expense.reimburse', resource: { id: 'exp-2', summary: 'Hotel' }, approver: { user_id: 'boss' },
  }));
  const [requested] = await until(() => delivered('approval.requested', (d) => d.account_id === account).length && delivered('approval.requested', (d) => d.account_id === account), 'approval.requested');
  const first = await fetch(requested.data.reject_url, { method: 'POST' });
  assert.equal(first.status, 200);
  const again = await fetch(requested.data.approve_url, { method: 'POST' });
  assert.equal(again.status, 409);
  const mine = await post('/v1/approvals/inbox', as('req', account));
  assert.deepEqual(mine.json.requested.map((a) => [a.id, a.status]), [[res.json.approval.id, 'rejected']]);
});

/** A token signed with the demo workspace's key (the test knows it), for expired links. */
function forge(kind, account, id, expiresAt, key = DEMO_TOKEN_KEY) {
  const b = (s) => Buffer.from(s).toString('base64url');
  const unsigned = [b(kind), b(WORKSPACE.demo), b(account), b(id), b('nonce'), String(expiresAt)].join('.');
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

test('abuse and bad input are refused with a clear error, and change nothing', async () => {
  const account = fresh('acct');
  const events = async () => (await admin(account, 'invites')).json.invites.length;
  const verifiedHash = userHash(IDENTITY.verified, 'alice');
  const cases = [
    ['malformed email', '/v1/invites', as('champ', account, { emails: ['ann@x.example', 'not-an-email'] }), 400, 'invalid_email', 'emails[1]'],
    ['no emails', '/v1/invites', as('champ', account, { emails: [] }), 400, 'invalid_value', 'emails'],
    ['too many emails', '/v1/invites', as('champ', account, { emails: Array.from({ length: 21 }, (_, i) => `p${i}@x.example`) }), 400, 'invalid_value', 'emails'],
    ['forged identity', '/v1/invites', { ...as('champ', account, { emails: ['ann@x.example'] }), user_hash: userHash('wrong', 'champ') }, 401, 'identity_unverified', 'user_hash'],
    ['unsigned, enforcement on', '/v1/invites', { write_key: KEYS.verified, user_id: 'alice', account_id: account, emails: ['ann@x.example'] }, 401, 'identity_unverified', 'user_hash'],
    ['another user’s hash, enforcement on', '/v1/invites', { write_key: KEYS.verified, user_id: 'bob', account_id: account, user_hash: verifiedHash, emails: ['ann@x.example'] }, 401, 'identity_unverified', 'user_hash'],
    ['approver is both', '/v1/approvals', as('req', account, { action: 'a', resource: { id: 'r', summary: 's' }, approver: { user_id: 'x', email: 'x@x.example' } }), 400, 'invalid_value', 'approver'],
    ['negative amount', '/v1/approvals', as('req', account, { action: 'a', resource: { id: 'r', summary: 's', amount: -1 }, approver: { user_id: 'x' } }), 400, 'invalid_value', 'resource.amount'],
    ['self-approval', '/v1/approvals', as('req', account, { action: 'a', resource: { id: 'r', summary: 's' }, approver: { user_id: 'req' } }), 400, 'invalid_value', 'approver'],
    ['forged token', '/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'u', token: forge('i', account, 'inv_x', Date.now() + 60_000, 'guessed') }, 401, 'invalid_token', 'token'],
    ['expired token', '/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'u', token: forge('i', account, 'inv_x', Date.now() - 1) }, 410, 'token_expired', 'token'],
    ['garbage token', '/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'u', token: 'x.y' }, 401, 'invalid_token', 'token'],
    ['approval link as invite', '/v1/invites/accept', { write_key: WRITE_KEY, user_id: 'u', token: forge('a', account, 'apr_x', Date.now() + 60_000) }, 401, 'invalid_token', 'token'],
  ];
  for (const [what, path, body, status, code, field] of cases) {
    const r = await post(path, body);
    assert.deepEqual([r.status, r.json?.error?.code, r.json?.error?.field], [status, code, field], what);
  }
  assert.equal(await events(), 0, 'no invitation was created');
  // Signed, enforcement on: accepted.
  const ok = await post('/v1/invites', { write_key: KEYS.verified, user_id: 'alice', account_id: account, user_hash: verifiedHash, emails: ['ann@x.example'] });
  assert.equal(ok.status, 200, ok.text);
});

test('caps: 30 invitations per inviter per 10 minutes, then a 429 that stores nothing', async () => {
  const account = fresh('acct');
  const batch = (from, n) => Array.from({ length: n }, (_, i) => `p${from + i}@${account}.example`);
  for (const from of [0, 20]) {
    const r = await post('/v1/invites', as('champ', account, { emails: batch(from, from === 0 ? 20 : 10) }));
    assert.equal(r.status, 200, r.text);
  }
  const before = (await admin(account, 'invites')).json.invites.length;
  const over = await post('/v1/invites', as('champ', account, { emails: batch(30, 1) }));
  assert.deepEqual([over.status, over.json.error.code, over.json.error.field], [429, 'invite_cap_reached', 'emails']);
  assert.equal((await admin(account, 'invites')).json.invites.length, before);
  // Another inviter of the same account still may.
  assert.equal((await post('/v1/invites', as('other', account, { emails: batch(30, 1) }))).status, 200);
  // The recipient cap suppresses silently: 5 sends a day per address.
  const target = `cfo@${account}.example`;
  const statuses = [];
  for (let i = 0; i < 6; i++) statuses.push((await post('/v1/invites', as(`u${i}`, account, { emails: [target] }))).json.results[0].status);
  assert.deepEqual(statuses, ['invited', 'resent', 'resent', 'resent', 'resent', 'suppressed']);
});

test('one account never reads another account’s invitations or approvals', async () => {
  const [a, b] = [fresh('acct'), fresh('acct')];
  await post('/v1/approvals', as('req', a, { action: 'x', resource: { id: 'r', summary: 's' }, approver: { user_id: 'boss' } }));
  const inbox = await post('/v1/approvals/inbox', as('boss', b));
  assert.deepEqual(inbox.json, { assigned: [], requested: [] });
  const other = await fetch(`${URL_BASE}/v1/admin/accounts/${a}/approvals`, { headers: { authorization: 'Bearer sk_wrong' } });
  assert.equal(other.status, 401);
});

// The demo app in headless Chromium: three people, three browser contexts.
test('in the browser: a champion invites a colleague; a requester asks a not-yet-user CFO, who accepts, sees the approval and approves; the requester’s page updates', { timeout: 120_000 }, async () => {
  const browser = await launchChromium();
  const problems = [];
  const open = async (user, account, path = '/') => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${user}: ${e.message}`));
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective));
    });
    const sep = path.includes('?') ? '&' : '?';
    await navigate(page, `${URL_BASE}${path}${sep}user=${user}&account=${account}&flush=200&hash=${userHash(DEMO_IDENTITY, user)}`);
    return page;
  };
  const dismissWelcome = async (page) => {
    await page.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Escape');
  };
  try {
    const account = fresh('acct');
    const alex = await open('alex', account);
    await dismissWelcome(alex);

    // The champion opens the invite card (an event-triggered campaign) and invites a colleague.
    await alex.click('button[data-cairn-feature="invite_teammates"]');
    const card = alex.locator('[data-cairn-message="invite-teammates"]');
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await card.innerText(), new RegExp(`join ${account}`), 'the account name variable');
    const colleague = `sam@${account}.example`;
    await card.locator('[data-cairn-emails]').fill(colleague);
    await card.locator('[data-cairn-action="cta"]').click();
    await card.locator('[data-cairn-status]').filter({ hasText: 'Invitations sent: 1.' }).waitFor({ timeout: 10_000 });
    const [created] = await until(() => {
      const h = delivered('invite.created', (d) => d.invite.email === colleague);
      return h.length && h;
    }, 'invite.created for the colleague');
    assert.ok(created.valid, 'signature verifies');

    // The colleague follows the link from the email.
    const sam = await open('sam', account, new URL(created.data.accept_url).pathname + new URL(created.data.accept_url).search);
    await sam.locator('#notice').filter({ hasText: `Welcome to ${account}!` }).waitFor({ timeout: 15_000 });
    await until(() => delivered('invite.accepted', (d) => d.invite.email === colleague).length === 1, 'invite.accepted');
    assert.equal(delivered('invite.created', (d) => d.invite.email === colleague).length, 1, 'invite.created exactly once');
    const invites = (await admin(account, 'invites')).json.invites;
    assert.deepEqual(invites.map((i) => [i.email, i.inviter, i.status, i.accepted_by]), [[colleague, 'alex', 'accepted', 'sam']]);

    // Alex submits a large expense: who should approve? The CFO is not a user yet.
    await alex.fill('input[name="description"]', 'Flight to Lisbon');
    await alex.fill('input[name="amount"]', '1800');
    await alex.click('button[data-cairn-feature="create_expense"]');
    await alex.click('#expenses [data-submit]');
    const dialog = alex.locator('[data-cairn-message="cairn:approver"]');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), /This needs approval[\s\S]*Flight to Lisbon/);
    const cfo = `cfo@${account}.example`;
    await dialog.locator('[data-cairn-approver-email]').fill(cfo);
    await dialog.locator('[data-cairn-action="ask"]').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    const [invite] = await until(() => {
      const h = delivered('invite.created', (d) => d.invite.email === cfo);
      return h.length && h;
    }, 'the CFO invitation');
    assert.equal(invite.data.approval.resource.summary, 'Flight to Lisbon');
    assert.ok(invite.valid);

    // The CFO accepts, lands on the approval, and approves it in the product.
    const carol = await open('carol', account, new URL(invite.data.accept_url).pathname + new URL(invite.data.accept_url).search);
    await carol.locator('#notice').filter({ hasText: 'An approval is waiting for you.' }).waitFor({ timeout: 15_000 });
    await dismissWelcome(carol); // a new user: the welcome modal comes first
    const inbox = carol.locator('[data-cairn-message="cairn:approvals"]');
    await inbox.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await inbox.innerText(), /Flight to Lisbon · 1,800 USD[\s\S]*Requested by alex/);
    await inbox.locator('[data-cairn-note]').fill('Have a good trip');
    await inbox.locator('[data-cairn-action="approve"]').click();
    await inbox.locator('[data-cairn-status]').filter({ hasText: 'Approved.' }).waitFor({ timeout: 10_000 });

    // The requester's page updates; the vendor's backend hears it exactly once, signed.
    await alex.locator('#expenses [data-status="approved"]').waitFor({ timeout: 20_000 });
    const decided = await until(() => {
      const h = delivered('approval.decided', (d) => d.account_id === account);
      return h.length && h;
    }, 'approval.decided');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(delivered('approval.decided', (d) => d.account_id === account).length, 1, 'exactly once');
    assert.ok(decided[0].valid);
    assert.deepEqual([decided[0].data.approval.status, decided[0].data.approval.comment], ['approved', 'Have a good trip']);
    for (const p of [alex, sam, carol]) assert.deepEqual(await p.evaluate(() => window.__csp), [], 'no CSP violation');
    const { mkdirSync } = await import('node:fs');
    mkdirSync('test-results', { recursive: true });
    await alex.screenshot({ path: 'test-results/collab-requester.png' });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});

test('the Cron Trigger runs its sweep (nothing is due yet: nothing changes)', async () => {
  const account = fresh('acct');
  const res = await post('/v1/approvals', as('req', account, {
    action: 'expense.reimburse', resource: { id: 'exp-3', summary: 'Taxi' }, approver: { user_id: 'boss' },
  }));
  assert.equal(res.status, 200);
  const cron = await fetch(`${URL_BASE}/__scheduled?cron=${encodeURIComponent('*/5 * * * *')}`);
  assert.equal(cron.status, 200);
  const list = await admin(account, 'approvals');
  assert.deepEqual(list.json.approvals[0].audit.map((a) => a.what), ['requested'], 'not reminded before its time');
});

test('axe-core finds no WCAG 2.2 A/AA violation on the invite card, the approver dialog and the inbox', { timeout: 120_000 }, async () => {
  const { readFileSync } = await import('node:fs');
  const axeSource = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  const browser = await launchChromium();
  // axe is injected by the test: these contexts bypass the demo's CSP (checked elsewhere).
  const open = async (user, account, extra = '') => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await navigate(page, `${URL_BASE}/?user=${user}&account=${account}&flush=200${extra}`);
    await page.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.addScriptTag({ content: axeSource });
    return page;
  };
  const audit = async (page, surface) => {
    const violations = await page.evaluate(async () => {
      const r = await window.axe.run({ include: [['[data-cairn-root]']] }, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      });
      return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
    });
    assert.deepEqual(violations, [], `${surface}: ${violations.join('\n')}`);
  };
  try {
    const account = fresh('acct');
    const boss = await open('boss', account, '&role=cfo');
    const alex = await open('alex', account);
    await alex.click('button[data-cairn-feature="invite_teammates"]');
    await alex.locator('[data-cairn-message="invite-teammates"]').waitFor({ state: 'visible', timeout: 15_000 });
    await audit(alex, 'invite card');

    await alex.fill('input[name="description"]', 'Conference');
    await alex.fill('input[name="amount"]', '1500');
    await alex.click('button[data-cairn-feature="create_expense"]');
    await alex.click('#expenses [data-submit]');
    const dialog = alex.locator('[data-cairn-message="cairn:approver"]');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    assert.match(await dialog.innerText(), /boss \(cfo\)/, 'the account’s approver is suggested');
    await audit(alex, 'approver dialog');
    await dialog.locator('[data-cairn-action="ask"]').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });

    await navigate(boss);
    await boss.addScriptTag({ content: axeSource });
    const inbox = boss.locator('[data-cairn-message="cairn:approvals"]');
    await inbox.waitFor({ state: 'visible', timeout: 15_000 });
    await audit(boss, 'inbox');
    await boss.screenshot({ path: 'test-results/collab-inbox.png' });
  } finally {
    await browser.close();
  }
});

test('admins read the identity secret and turn enforcement on and off', async () => {
  const identity = async (body) => {
    const res = await fetch(`${URL_BASE}/v1/admin/identity`, {
      method: body ? 'PUT' : 'GET',
      headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: await res.json() };
  };
  assert.deepEqual((await identity()).json, { secret: DEMO_IDENTITY, enforce: false });
  const account = fresh('acct');
  const unsigned = () => post('/v1/invites', { write_key: WRITE_KEY, user_id: 'champ', account_id: account, emails: [`a@${account}.example`] });
  try {
    assert.deepEqual((await identity({ enforce: true })).json, { secret: DEMO_IDENTITY, enforce: true });
    const refused = await unsigned();
    assert.deepEqual([refused.status, refused.json.error.code], [401, 'identity_unverified']);
    assert.equal((await post('/v1/invites', as('champ', account, { emails: [`a@${account}.example`] }))).status, 200);
  } finally {
    await identity({ enforce: false });
  }
  assert.equal((await unsigned()).status, 200);
  const bad = await identity({ enforce: 'yes' });
  assert.deepEqual([bad.status, bad.json.error.code, bad.json.error.field], [400, 'invalid_type', 'enforce']);
  const anon = await fetch(`${URL_BASE}/v1/admin/identity`);
  assert.equal(anon.status, 401);
});

test('survey answers: a detractor sends nps.detractor, signed and once; a promoter, given value first, is offered the small ask before any bigger one', async () => {
  const account = fresh('nps');
  const answer = (user, score, comment) => ({ id: randomUUID(), type: 'survey', user_id: user, account_id: account, timestamp: Date.now(), campaign: 'nps', score, ...(comment ? { comment } : {}) });
  const detractor = answer('dee', 2, 'Approvals are slow');
  const batch = { write_key: WRITE_KEY, events: [detractor, answer('pro', 10)] };
  assert.equal((await post('/v1/events', batch)).status, 200);
  // The same batch again (a client retry): stored once, announced once.
  assert.equal((await post('/v1/events', batch)).json.duplicates, 2);
  const [hook] = await until(() => delivered('nps.detractor', (d) => d.account_id === account).length && delivered('nps.detractor', (d) => d.account_id === account), 'nps.detractor');
  assert.ok(hook.valid, 'the signature verifies');
  assert.deepEqual(hook.data.answer, { user_id: 'dee', campaign: 'nps', score: 2, comment: 'Approvals are slow', answered_at: detractor.timestamp });
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(delivered('nps.detractor', (d) => d.account_id === account).length, 1, 'once, and not for the promoter');

  // The promoter saw two messages that asked nothing: nurtured, so the review ask is offered,
  // and the bigger reference ask waits for an accepted review.
  const seen = ['welcome', 'getting-started'].map((campaign) => ({ id: randomUUID(), type: 'message', user_id: 'pro', account_id: account, timestamp: Date.now(), campaign, action: 'shown' }));
  assert.equal((await post('/v1/events', { write_key: WRITE_KEY, events: seen })).status, 200);
  const verdicts = async () => {
    const res = await post('/v1/decide', { write_key: WRITE_KEY, user_id: 'pro', account_id: account, debug: true });
    assert.equal(res.status, 200, res.text);
    return Object.fromEntries(res.json.decision.verdicts.map((v) => [v.campaign, v]));
  };
  let v = await verdicts();
  assert.equal(v['review-ask'].verdict, 'chosen', JSON.stringify(v['review-ask']));
  assert.equal(v['reference-ask'].verdict, 'ask_too_big');
  assert.match(v['reference-ask'].detail, /a reference ask waits until the user accepts a review ask/);
  // The detractor is no candidate.
  const dee = await post('/v1/decide', { write_key: WRITE_KEY, user_id: 'dee', account_id: account, debug: true });
  assert.match(dee.json.decision.verdicts.find((x) => x.campaign === 'review-ask').detail, /advocacy stage \("none"\)/);
  // Accepting the review opens the reference ask.
  const accepted = ['shown', 'clicked'].map((action) => ({ id: randomUUID(), type: 'message', user_id: 'pro', account_id: account, timestamp: Date.now(), campaign: 'review-ask', action }));
  assert.equal((await post('/v1/events', { write_key: WRITE_KEY, events: accepted })).status, 200);
  v = await verdicts();
  assert.equal(v['review-ask'].verdict, 'completed');
  assert.equal(v['reference-ask'].verdict, 'chosen', JSON.stringify(v['reference-ask']));
});

test('a change of an account\'s health colour sends account.health_changed once', async () => {
  const account = fresh('health');
  const traits = (t) => admin(account, 'traits', { method: 'PUT', body: JSON.stringify(t) });
  const flush = () => admin(account, 'analytics', { method: 'POST', body: JSON.stringify({ op: 'flush' }) });
  // Strong relationships, renewed twice, used today: the first colour is remembered, not sent.
  assert.equal((await post('/v1/events', { write_key: WRITE_KEY, events: [{ id: randomUUID(), type: 'track', user_id: 'ann', account_id: account, timestamp: Date.now(), name: 'create_expense' }] })).status, 200);
  const first = await traits({ renewals: 2, cs_executive_relationship: 10, cs_champion_strength: 10, seats: 1 });
  assert.equal(first.status, 200, JSON.stringify(first.json));
  const before = first.json.health.colour;
  assert.equal((await flush()).status, 200);
  // The relationships collapse and the seats grow: a worse colour.
  const second = await traits({ renewals: 0, cs_executive_relationship: 0, cs_champion_strength: 0, seats: 50 });
  const after = second.json.health.colour;
  assert.notEqual(after, before, JSON.stringify([first.json.health, second.json.health]));
  assert.equal((await flush()).status, 200);
  assert.equal((await flush()).status, 200);
  const [hook] = await until(() => delivered('account.health_changed', (d) => d.account_id === account).length && delivered('account.health_changed', (d) => d.account_id === account), 'account.health_changed');
  assert.ok(hook.valid);
  assert.deepEqual([hook.data.health.from, hook.data.health.to], [before, after]);
  assert.equal(hook.data.health.score, second.json.health.score);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(delivered('account.health_changed', (d) => d.account_id === account).length, 1);
});
