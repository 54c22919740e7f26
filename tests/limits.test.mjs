// Limits of the public routes in workerd: request rates per (write key, client), the
// monthly event quota per workspace and the new accounts a write key may open per day. Each
// refusal is a 429 with a stable code and Retry-After, and nothing past a limit is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ConsoleClient, setupUser } from './console-client.mjs';
import { CONTROL_KEY, URL_BASE, batch, fresh, post, stored, track } from './helpers.mjs';

/** A fresh workspace with a write key and a secret key, and its owner's client. */
async function workspace() {
  const owner = await setupUser(URL_BASE, CONTROL_KEY, {
    email: `${fresh('limits')}@t.example`,
    password: 'a long enough password',
  });
  const { workspace: ws } = await owner.ok('POST', '/console/api/workspaces', { name: fresh('limits') });
  const path = (rest) => ConsoleClient.ws(ws.id, rest);
  const { write_key } = await owner.ok('POST', path('/write-keys'), {});
  const { secret } = await owner.ok('POST', path('/secret-keys'), { label: 'test' });
  return { owner, id: ws.id, key: write_key.key, secret, path };
}

async function setLimits(ws, limits) {
  const r = await fetch(`${URL_BASE}/console/api/operator/workspaces/${ws}/limits`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${CONTROL_KEY}`, 'content-type': 'application/json', origin: URL_BASE },
    body: JSON.stringify(limits),
  });
  assert.equal(r.status, 200, await r.text());
}

const storedCount = async (account, secret) => (await stored(account, secret)).json.events.length;

test('the operator route needs the control key', async () => {
  const r = await fetch(`${URL_BASE}/console/api/operator/workspaces/x/limits`, {
    method: 'PUT',
    headers: { authorization: 'Bearer nope', 'content-type': 'application/json', origin: URL_BASE },
    body: '{"monthly_events":1}',
  });
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'invalid_secret_key');
});

test('the monthly event quota refuses whole batches past it, and stores nothing of them', async () => {
  const ws = await workspace();
  await setLimits(ws.id, { monthly_events: 5 });
  const account = fresh('acct');
  const send = (n) => post('/v1/events', batch(Array.from({ length: n }, () => track(account, 'x')), ws.key));
  assert.equal((await send(3)).status, 200);
  const refused = await send(3);
  assert.equal(refused.status, 429);
  assert.equal(refused.json.error.code, 'quota_exceeded');
  assert.equal(refused.json.error.field, 'events');
  assert.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After until the next month');
  assert.equal(await storedCount(account, ws.secret), 3);
  assert.equal((await send(2)).status, 200, 'exactly up to the quota');
  assert.equal((await send(1)).status, 429);
  assert.equal(await storedCount(account, ws.secret), 5);
  // Decisions are not events: they still answer.
  const d = await post('/v1/decide', { write_key: ws.key, user_id: 'u1', account_id: account });
  assert.equal(d.status, 200);
});

test('a write key opens at most its new accounts per day; known accounts go on', async () => {
  const ws = await workspace();
  await setLimits(ws.id, { new_accounts_per_day: 2 });
  const [a, b, c] = [fresh('a'), fresh('b'), fresh('c')];
  const send = (account) => post('/v1/events', batch([track(account, 'x')], ws.key));
  assert.equal((await send(a)).status, 200);
  assert.equal((await send(b)).status, 200);
  const refused = await send(c);
  assert.equal(refused.status, 429);
  assert.equal(refused.json.error.code, 'account_limit');
  assert.equal(refused.json.error.field, 'account_id');
  assert.ok(Number(refused.headers.get('retry-after')) > 0);
  const decide = await post('/v1/decide', { write_key: ws.key, user_id: 'u1', account_id: c });
  assert.equal(decide.status, 429, 'a decision would open the account object too');
  assert.equal((await send(a)).status, 200, 'a known account is not new');
  assert.equal(await storedCount(c, ws.secret), 0);
  assert.equal(await storedCount(a, ws.secret), 2);
});

test('a stricter request rate per (write key, client) is exact: 429 rate_limited, nothing stored past it', async () => {
  const ws = await workspace();
  await setLimits(ws.id, { requests_per_10s: 20 });
  const account = fresh('flood');
  // Windows are aligned to the epoch: start right after one opens, then send 30 requests
  // (each with one event) well within it.
  await new Promise((resolve) => setTimeout(resolve, 10_000 - (Date.now() % 10_000) + 20));
  const answers = await Promise.all(Array.from({ length: 30 }, () =>
    post('/v1/events', batch([track(account, 'x')], ws.key))));
  const admitted = answers.filter((r) => r.status === 200).length;
  const limited = answers.filter((r) => r.status === 429);
  assert.equal(admitted, 20, 'exactly the limit is admitted');
  assert.equal(limited.length, 10);
  for (const r of limited) {
    assert.equal(r.json.error.code, 'rate_limited');
    assert.equal(r.json.error.field, 'write_key');
    assert.equal(r.headers.get('retry-after'), '10');
  }
  assert.equal(await storedCount(account, ws.secret), 20, 'nothing past the limit is stored');
  // Decisions count too; another write key is not affected.
  const d = await post('/v1/decide', { write_key: ws.key, user_id: 'u1', account_id: account });
  assert.equal(d.status, 429);
  const other = await workspace();
  assert.equal((await post('/v1/events', batch([track(account, 'x')], other.key))).status, 200);
});
