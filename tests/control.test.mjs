// The control plane (`/console/api`, docs/api.md) against the built worker in
// workerd (wrangler dev). The suite makes its own console users and workspaces through the
// API (setup links minted with CAIRN_CONTROL_KEY, invitations), so it needs no seeded
// fixture. Every refusal is checked twice: the answer (status, `error.code`, `error.field`)
// and that nothing changed (the state read back, the audit log, the data plane's decision).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { addMember, ConsoleClient, setupUser } from './console-client.mjs';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through \`cargo xtask js tests/control.test.mjs\``);
  return value;
}

const BASE = new URL(env('CAIRN_URL')).origin;
const CONTROL_KEY = env('CAIRN_CONTROL_KEY');
const W = ConsoleClient.ws;

const fresh = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;
const newEmail = (prefix) => `${fresh(prefix)}@t.example`;
const newPassword = () => `pw-${randomUUID()}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const DEFAULT_POLICY = { required_approvals: 1, author_may_approve: false, reviewer_required: false };

// ---------------------------------------------------------------------------------------
// Fixtures: users, workspaces and teams made through the API.

/** A signed-in console user made from a setup link; `email`, `password` kept on the client. */
async function newUser(prefix = 'user') {
  const email = newEmail(prefix);
  const password = newPassword();
  const client = await setupUser(BASE, CONTROL_KEY, { email, password, name: prefix });
  if (!client.cookie) await client.signIn(email, password);
  return Object.assign(client, { email, password });
}

/** A new workspace owned by `owner`: its id. */
async function newWorkspace(owner, name = fresh('ws')) {
  const r = await owner.call('POST', '/console/api/workspaces', { name });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.workspace.name, name);
  return r.json.workspace.id;
}

/**
 * An owner, a workspace and one member per entry of `members` (`name → roles`), each a
 * signed-in client with `id`, `email` and `password`; plus a debug-enabled write key.
 */
async function newTeam(members = {}) {
  const owner = await newUser('owner');
  const ws = await newWorkspace(owner);
  const team = { ws, owner };
  for (const [name, roles] of Object.entries(members)) {
    const email = newEmail(name);
    const password = newPassword();
    const client = await addMember(BASE, owner, ws, { email, password, roles, name });
    if (!client.cookie) await client.signIn(email, password);
    team[name] = Object.assign(client, { email, password });
  }
  const list = (await owner.ok('GET', W(ws, '/members'))).members;
  for (const name of ['owner', ...Object.keys(members)]) {
    const m = list.find((x) => x.email === team[name].email);
    assert.ok(m, `${team[name].email} is a member: ${JSON.stringify(list)}`);
    team[name].id = m.user_id;
    if (name !== 'owner') assert.deepEqual([...m.roles].sort(), [...members[name]].sort());
  }
  const key = await owner.call('POST', W(ws, '/write-keys'), { label: 'test', debug: true });
  assert.equal(key.status, 201, key.text);
  team.writeKey = key.json.write_key.key;
  return team;
}

const STANDARD = { admin: ['admin'], editor: ['editor'], reviewer: ['reviewer'], approver: ['approver'], executor: ['executor'], viewer: ['viewer'] };

/** Memoised async fixtures: a team is made once, by the first test that needs it. */
const once = (make) => {
  let p;
  return () => (p ??= make());
};

// ---------------------------------------------------------------------------------------
// Campaigns.

/** A banner without audience or trigger: every user of the workspace qualifies. */
const banner = (id, title = 'Hello', extra = {}) => ({
  id,
  surface: 'banner',
  recurrence: 'until_dismissed',
  ...extra,
  content: { title, body: 'World' },
});

const cpath = (ws, id, rest = '') => W(ws, `/campaigns/${encodeURIComponent(id)}${rest}`);

async function draft(t, title = 'Hello', extra = {}, editor = t.editor) {
  const id = fresh('c');
  const r = await editor.call('POST', W(t.ws, '/campaigns'), { document: banner(id, title, extra) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.campaign.id, id);
  assert.equal(r.json.campaign.working.revision, 1);
  assert.equal(r.json.campaign.working.state, 'draft');
  return { id, hash: r.json.campaign.working.hash, title };
}

async function submit(t, c, editor = t.editor) {
  const r = await editor.call('POST', cpath(t.ws, c.id, '/submit'), { hash: c.hash });
  assert.equal(r.status, 200, r.text);
  return c;
}

async function approve(t, c, approver = t.approver) {
  const r = await approver.call('POST', cpath(t.ws, c.id, '/reviews'), { hash: c.hash, verdict: 'approve' });
  assert.equal(r.status, 200, r.text);
  return c;
}

async function publish(t, c, executor = t.executor) {
  const r = await executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash });
  assert.equal(r.status, 200, r.text);
  return c;
}

const inReview = async (t, ...a) => submit(t, await draft(t, ...a));
const approved = async (t, ...a) => approve(t, await inReview(t, ...a));
const published = async (t, ...a) => publish(t, await approved(t, ...a));

/** Starts and publishes a new revision of a live campaign with another title. */
async function republish(t, c, title, extra = {}, approver = t.approver) {
  const r = await t.editor.call('PUT', cpath(t.ws, c.id, '/draft'), { document: banner(c.id, title, extra) });
  assert.equal(r.status, 200, r.text);
  const next = { id: c.id, hash: r.json.campaign.working.hash, title };
  await submit(t, next);
  await approve(t, next, approver);
  await publish(t, next);
  return next;
}

const detail = (t, id) => t.owner.ok('GET', cpath(t.ws, id));

// ---------------------------------------------------------------------------------------
// The data plane.

async function decide(writeKey, { user = fresh('u'), account = fresh('acct'), debug = true } = {}) {
  const res = await fetch(`${BASE}/v1/decide`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ write_key: writeKey, user_id: user, account_id: account, ...(debug && { debug: true }) }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `decide → ${res.status} ${text}`);
  return JSON.parse(text).decision;
}

const messageOf = (decision, id) => decision.messages.find((m) => m.campaign === id);

/** Whether the live catalog holds campaign `id` (a verdict or a message names it). */
async function isLive(writeKey, id) {
  const d = await decide(writeKey);
  assert.ok(Array.isArray(d.verdicts), `a debug key gets verdicts: ${JSON.stringify(d)}`);
  return d.verdicts.some((v) => v.campaign === id) || Boolean(messageOf(d, id));
}

async function assertNotLive(writeKey, id) {
  const d = await decide(writeKey);
  assert.equal(messageOf(d, id), undefined, `${id} must not be shown: ${JSON.stringify(d)}`);
  assert.ok(!(d.verdicts ?? []).some((v) => v.campaign === id), `${id} must not be in the live catalog: ${JSON.stringify(d)}`);
}

/** The title the data plane shows for campaign `id` (it must be shown). */
async function shownTitle(writeKey, id) {
  const d = await decide(writeKey);
  const m = messageOf(d, id);
  assert.ok(m, `${id} must be shown: ${JSON.stringify(d)}`);
  assert.equal(m.surface, 'banner');
  return m.content.title;
}

async function sendEvent(writeKey, account = fresh('acct')) {
  const res = await fetch(`${BASE}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      write_key: writeKey,
      sent_at: Date.now(),
      events: [{ id: randomUUID(), type: 'track', name: 'create_expense', user_id: 'u1', account_id: account, timestamp: Date.now() }],
    }),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by the caller */ }
  return { status: res.status, json, text };
}

async function adminGet(secret, path) {
  const res = await fetch(`${BASE}/v1/admin${path}`, { headers: { authorization: `Bearer ${secret}` } });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by the caller */ }
  return { status: res.status, json, text, headers: res.headers };
}

// ---------------------------------------------------------------------------------------
// Assertions.

function refused(r, status, code, field) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string', r.text);
  if (field !== undefined) assert.equal(r.json.error.field, field, r.text);
}

/** The newest audit entries of the workspace (read by its owner). */
async function auditHead(t, n = 5) {
  return (await t.owner.ok('GET', W(t.ws, `/audit?limit=${n}`))).entries;
}

/** Everything a refused request could have changed in `t`'s workspace, read by the owner. */
async function snapshot(t, campaignId) {
  const get = (p) => t.owner.ok('GET', W(t.ws, p));
  const s = {};
  s.workspace = (await get('')).workspace;
  s.members = (await get('/members')).members;
  s.invitations = (await get('/invitations')).invitations;
  s.writeKeys = (await get('/write-keys')).write_keys;
  s.secretKeys = (await get('/secret-keys')).secret_keys;
  s.origins = (await get('/origins')).origins;
  s.settings = await get('/settings');
  s.campaigns = (await get('/campaigns')).campaigns;
  if (campaignId) s.campaign = await detail(t, campaignId);
  s.audit = await auditHead(t);
  return s;
}

async function unchanged(t, before, campaignId, what) {
  assert.deepEqual(await snapshot(t, campaignId), before, `${what} changed nothing`);
}

// ---------------------------------------------------------------------------------------
// 1. Roles × actions.

const ROLES = ['owner', 'admin', 'editor', 'reviewer', 'approver', 'executor', 'viewer'];
const ADMINS = ['owner', 'admin'];

// Each action: who may do it, how to set up a case where it would otherwise succeed, the
// request, the success status, and what the campaign's status (and the data plane) is after.
const ACTIONS = [
  { name: 'rename the workspace', who: ADMINS, status: 200, run: (c, t) => c.call('PATCH', W(t.ws), { name: fresh('renamed') }) },
  { name: 'create a write key', who: ADMINS, status: 201, run: (c, t) => c.call('POST', W(t.ws, '/write-keys'), { label: fresh('wk') }) },
  { name: 'create a secret key', who: ADMINS, status: 201, run: (c, t) => c.call('POST', W(t.ws, '/secret-keys'), { label: fresh('sk') }) },
  { name: 'PUT origins', who: ADMINS, status: 200, run: (c, t) => c.call('PUT', W(t.ws, '/origins'), { origins: [`https://${fresh('app')}.example`] }) },
  { name: 'PUT the policy', who: ADMINS, status: 200, run: (c, t) => c.call('PUT', W(t.ws, '/policy'), DEFAULT_POLICY) },
  { name: 'invite a member', who: ADMINS, status: 201, run: (c, t) => c.call('POST', W(t.ws, '/invitations'), { email: newEmail('inv'), roles: ['viewer'] }) },
  { name: 'create a campaign', who: ['editor'], status: 201, run: (c, t) => c.call('POST', W(t.ws, '/campaigns'), { document: banner(fresh('c')) }) },
  {
    name: 'edit a draft', who: ['editor'], status: 200, prepare: draft, after: 'draft',
    run: (c, t, k) => c.call('PUT', cpath(t.ws, k.id, '/draft'), { document: banner(k.id, 'Edited'), base_hash: k.hash }),
  },
  { name: 'submit', who: ['editor'], status: 200, prepare: draft, after: 'in_review', run: (c, t, k) => c.call('POST', cpath(t.ws, k.id, '/submit'), { hash: k.hash }) },
  {
    name: 'approve a review', who: ['reviewer', 'approver'], status: 200, prepare: inReview,
    // A reviewer's approval is a review, not an approval: only an approver's meets the policy.
    after: (role) => (role === 'approver' ? 'approved' : 'in_review'),
    run: (c, t, k) => c.call('POST', cpath(t.ws, k.id, '/reviews'), { hash: k.hash, verdict: 'approve' }),
  },
  { name: 'publish', who: ['executor'], status: 200, prepare: approved, after: 'live', live: { allowed: true, denied: false }, run: (c, t, k) => c.call('POST', cpath(t.ws, k.id, '/publish'), { hash: k.hash }) },
  { name: 'pause', who: ['executor'], status: 200, prepare: published, after: 'paused', live: { allowed: false, denied: true }, run: (c, t, k) => c.call('POST', cpath(t.ws, k.id, '/pause'), {}) },
  // With no earlier revision a rollback takes the campaign off.
  { name: 'roll back', who: ['executor'], status: 200, prepare: published, after: 'off', live: { allowed: false, denied: true }, run: (c, t, k) => c.call('POST', cpath(t.ws, k.id, '/rollback'), {}) },
  { name: 'read the audit log', who: ['owner', 'admin', 'reviewer', 'approver', 'executor'], status: 200, run: (c, t) => c.call('GET', W(t.ws, '/audit')) },
];

const matrixTeam = once(() => newTeam(STANDARD));

for (const action of ACTIONS) {
  for (const role of ROLES) {
    const allowed = action.who.includes(role);
    test(`roles: ${role} ${allowed ? 'may' : 'may not'} ${action.name}`, async () => {
      const t = await matrixTeam();
      const actor = t[role];
      const k = action.prepare ? await action.prepare(t) : undefined;
      if (allowed) {
        const r = await action.run(actor, t, k);
        assert.equal(r.status, action.status, r.text);
        if (k && action.after) {
          const after = typeof action.after === 'function' ? action.after(role) : action.after;
          assert.equal((await detail(t, k.id)).campaign.status, after);
        }
        if (k && action.live) assert.equal(await isLive(t.writeKey, k.id), action.live.allowed);
      } else {
        const before = await snapshot(t, k?.id);
        const r = await action.run(actor, t, k);
        refused(r, 403, 'forbidden_role', 'role');
        await unchanged(t, before, k?.id, `${role}: ${action.name}`);
        if (k && action.live) assert.equal(await isLive(t.writeKey, k.id), action.live.denied);
      }
    });
  }
}

test('roles: an owner grants themselves executor (audited) and may then publish', async () => {
  const t = await matrixTeam();
  const c = await approved(t);
  refused(await t.owner.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash }), 403, 'forbidden_role', 'role');
  const grant = await t.owner.call('PUT', W(t.ws, `/members/${t.owner.id}`), { roles: ['owner', 'executor'] });
  assert.equal(grant.status, 200, grant.text);
  const [entry] = await auditHead(t, 1);
  assert.equal(entry.action, 'member.roles');
  assert.equal(entry.actor.email, t.owner.email);
  await publish(t, c, t.owner);
  assert.equal(await isLive(t.writeKey, c.id), true);
  // Back to owner alone, so the matrix's owner cases keep meaning "owner only".
  assert.equal((await t.owner.call('PUT', W(t.ws, `/members/${t.owner.id}`), { roles: ['owner'] })).status, 200);
});

test('roles: an admin cannot grant owner; the last owner cannot be demoted', async () => {
  const t = await matrixTeam();
  let before = await snapshot(t);
  const r = await t.admin.call('PUT', W(t.ws, `/members/${t.viewer.id}`), { roles: ['owner'] });
  refused(r, 403, 'forbidden_role', 'role');
  await unchanged(t, before, undefined, 'an admin granting owner');
  before = await snapshot(t);
  refused(await t.owner.call('PUT', W(t.ws, `/members/${t.owner.id}`), { roles: ['admin'] }), 409, 'last_owner');
  refused(await t.owner.call('DELETE', W(t.ws, `/members/${t.owner.id}`)), 409, 'last_owner');
  await unchanged(t, before, undefined, 'demoting the last owner');
});

// ---------------------------------------------------------------------------------------
// 2. Attempts to bypass review: each refused, nothing changed, nothing on the data plane.

const bypassTeam = once(() => newTeam({
  editor: ['editor'],
  editor2: ['editor'],
  approver: ['approver'],
  approver2: ['approver'],
  executor: ['executor'],
  author: ['editor', 'approver'],
}));

test('bypass: publishing a draft, or a revision in review without approval', async () => {
  const t = await bypassTeam();
  const c = await draft(t);
  let before = await snapshot(t, c.id);
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash }), 409, 'invalid_state');
  await unchanged(t, before, c.id, 'publishing a draft');
  await submit(t, c);
  before = await snapshot(t, c.id);
  const r = await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash });
  refused(r, 409, 'not_approved');
  assert.ok(r.json.error.message.length > 0, 'the message says what is missing');
  await unchanged(t, before, c.id, 'publishing without approval');
  assert.equal(before.campaign.approval.satisfied, false);
  assert.ok(before.campaign.approval.missing.length > 0);
  await assertNotLive(t.writeKey, c.id);
});

test('bypass: approving your own revision under the default policy', async () => {
  const t = await bypassTeam();
  // The author holds approver too; the policy forbids authors approving.
  const c = await inReview(t, 'Mine', {}, t.author);
  const before = await snapshot(t, c.id);
  refused(await t.author.call('POST', cpath(t.ws, c.id, '/reviews'), { hash: c.hash, verdict: 'approve' }), 403, 'self_approval');
  await unchanged(t, before, c.id, 'a self-approval');
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash }), 409, 'not_approved');
  await unchanged(t, before, c.id, 'publishing after a refused self-approval');
  await assertNotLive(t.writeKey, c.id);
});

test('bypass: whoever edited a revision is its author and cannot approve it', async () => {
  const t = await bypassTeam();
  const c = await draft(t, 'Theirs');
  // The editor+approver edits someone else's draft, then tries to approve it.
  const e = await t.author.call('PUT', cpath(t.ws, c.id, '/draft'), { document: banner(c.id, 'Theirs, edited'), base_hash: c.hash });
  assert.equal(e.status, 200, e.text);
  c.hash = e.json.campaign.working.hash;
  await submit(t, c);
  const d = await detail(t, c.id);
  assert.ok(d.revisions.find((x) => x.number === 1).authors.some((a) => JSON.stringify(a).includes(t.author.id) || JSON.stringify(a).includes(t.author.email)), JSON.stringify(d.revisions));
  const before = await snapshot(t, c.id);
  refused(await t.author.call('POST', cpath(t.ws, c.id, '/reviews'), { hash: c.hash, verdict: 'approve' }), 403, 'self_approval');
  await unchanged(t, before, c.id, 'an editor approving what they edited');
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash }), 409, 'not_approved');
  await assertNotLive(t.writeKey, c.id);
});

test('bypass: editing after approval needs a withdraw, and voids the approval', async () => {
  const t = await bypassTeam();
  const c = await approved(t, 'Approved text');
  assert.equal((await detail(t, c.id)).campaign.status, 'approved');
  let before = await snapshot(t, c.id);
  const edit = await t.editor.call('PUT', cpath(t.ws, c.id, '/draft'), { document: banner(c.id, 'Sneaky text'), base_hash: c.hash });
  refused(edit, 409, 'not_editable');
  await unchanged(t, before, c.id, 'an edit while in review');

  const w = await t.editor.call('POST', cpath(t.ws, c.id, '/withdraw'), { hash: c.hash });
  assert.equal(w.status, 200, w.text);
  const e = await t.editor.call('PUT', cpath(t.ws, c.id, '/draft'), { document: banner(c.id, 'Sneaky text'), base_hash: c.hash });
  assert.equal(e.status, 200, e.text);
  const newHash = e.json.campaign.working.hash;
  assert.notEqual(newHash, c.hash);
  assert.equal(e.json.campaign.working.revision, 1, 'still the working revision 1');
  await submit(t, { id: c.id, hash: newHash });

  before = await snapshot(t, c.id);
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: newHash }), 409, 'not_approved');
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash }), 409, 'stale_hash');
  await unchanged(t, before, c.id, 'publishing an edited revision on an old approval');
  const d = before.campaign;
  assert.equal(d.campaign.status, 'in_review');
  assert.equal(d.approval.hash, newHash);
  assert.equal(d.approval.satisfied, false);
  const old = d.reviews.filter((r) => r.verdict === 'approve' && r.hash === c.hash);
  assert.equal(old.length, 1, JSON.stringify(d.reviews));
  assert.equal(old[0].void, true, 'the approval of the old hash is void');
  await assertNotLive(t.writeKey, c.id);
});

test('bypass: an approval stops counting when the approver loses the role', async () => {
  const t = await bypassTeam();
  const c = await approve(t, await inReview(t, 'Needs approver2'), t.approver2);
  assert.equal((await detail(t, c.id)).approval.satisfied, true);
  const demote = await t.owner.call('PUT', W(t.ws, `/members/${t.approver2.id}`), { roles: ['viewer'] });
  assert.equal(demote.status, 200, demote.text);
  const before = await snapshot(t, c.id);
  assert.equal(before.campaign.approval.satisfied, false, 'approvals count only from current approvers');
  assert.equal(before.campaign.campaign.status, 'in_review');
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash }), 409, 'not_approved');
  await unchanged(t, before, c.id, 'publishing on a former approver\'s approval');
  await assertNotLive(t.writeKey, c.id);
});

test('bypass: publishing with a stale hash', async () => {
  const t = await bypassTeam();
  const c = await approved(t);
  const wrong = c.hash.replace(/.$/, (ch) => (ch === '0' ? '1' : '0'));
  const before = await snapshot(t, c.id);
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: wrong }), 409, 'stale_hash');
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), {}), 400, 'missing_field', 'hash');
  await unchanged(t, before, c.id, 'a publish with a stale hash');
  await assertNotLive(t.writeKey, c.id);
  // The setup was otherwise good: the right hash publishes.
  await publish(t, c);
  assert.equal(await isLive(t.writeKey, c.id), true);
});

test('bypass: another workspace\'s campaign, under my path or under theirs', async () => {
  const t = await bypassTeam();
  const other = await newTeam({ editor: ['editor'], approver: ['approver'] });
  const c = await approved(other);
  const before = await snapshot(other, c.id);
  const mine = await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash });
  refused(mine, 404, 'unknown_campaign');
  const theirs = await t.executor.call('POST', cpath(other.ws, c.id, '/publish'), { hash: c.hash });
  refused(theirs, 404, 'unknown_workspace');
  refused(await t.executor.call('GET', cpath(t.ws, c.id)), 404, 'unknown_campaign');
  await unchanged(other, before, c.id, 'publishing across workspaces');
  await assertNotLive(other.writeKey, c.id);
  await assertNotLive(t.writeKey, c.id);
});

test('bypass: a live revision cannot be rewritten; editing starts a new draft', async () => {
  const t = await bypassTeam();
  // Priority 1000: it wins the banner surface over the other tests' banners in this workspace.
  const c = await published(t, 'Live text', { priority: 1000 });
  const liveHash = c.hash;
  assert.equal(await shownTitle(t.writeKey, c.id), 'Live text');

  // Routes that would act on the live revision itself.
  const before = await snapshot(t, c.id);
  assert.equal(before.campaign.campaign.working, null);
  const attempts = [
    [t.editor, '/submit', { hash: liveHash }],
    [t.editor, '/withdraw', { hash: liveHash }],
    [t.approver, '/reviews', { hash: liveHash, verdict: 'request_changes' }],
    [t.executor, '/publish', { hash: liveHash }],
  ];
  for (const [client, route, body] of attempts) {
    const x = await client.call('POST', cpath(t.ws, c.id, route), body);
    assert.equal(x.status, 409, `${route} on a live revision: ${x.text}`);
    assert.ok(['invalid_state', 'stale_hash', 'not_editable'].includes(x.json?.error?.code), `${route}: ${x.text}`);
  }
  await unchanged(t, before, c.id, 'acting on a live revision');

  // PUT draft creates revision 2; revision 1 and the data plane keep the old document.
  const e = await t.editor.call('PUT', cpath(t.ws, c.id, '/draft'), { document: banner(c.id, 'Rewritten', { priority: 1000 }), base_hash: liveHash });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.campaign.working.revision, 2);
  assert.equal(e.json.campaign.working.state, 'draft');
  assert.equal(e.json.campaign.live.revision, 1);
  const d = await detail(t, c.id);
  assert.equal(d.live_document.content.title, 'Live text');
  assert.equal(d.working_document.content.title, 'Rewritten');
  assert.equal(d.revisions.find((r) => r.number === 1).state, 'published');
  assert.equal(d.revisions.find((r) => r.number === 1).hash, liveHash);
  const rev1 = await t.executor.ok('GET', cpath(t.ws, c.id, '/revisions/1'));
  assert.equal(rev1.revision.document.content.title, 'Live text');
  assert.equal(await shownTitle(t.writeKey, c.id), 'Live text');
  refused(await t.owner.call('GET', cpath(t.ws, c.id, '/revisions/99')), 404, 'unknown_revision');
  // The answer's shape, last so the checks above run regardless.
  assert.equal(e.json.revision?.number, 2, `PUT draft answers {"campaign","revision"}: ${e.text}`);
});

// ---------------------------------------------------------------------------------------
// The review policy, and the live states.

test('policy: two approvals and a reviewer; request_changes blocks; author_may_approve', async () => {
  const t = await newTeam({
    editor: ['editor'], reviewer: ['reviewer'], approver: ['approver'], approver2: ['approver'], executor: ['executor'], author: ['editor', 'approver'],
  });
  const setPolicy = (policy) => t.owner.call('PUT', W(t.ws, '/policy'), policy);
  for (const [bad, field] of [[{ ...DEFAULT_POLICY, required_approvals: 0 }, 'required_approvals'], [{ ...DEFAULT_POLICY, required_approvals: 6 }, 'required_approvals']]) {
    const before = await snapshot(t);
    refused(await setPolicy(bad), 400, 'invalid_value', field);
    await unchanged(t, before, undefined, `policy ${JSON.stringify(bad)}`);
  }
  const strict = { required_approvals: 2, author_may_approve: false, reviewer_required: true };
  const put = await setPolicy(strict);
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.json.policy, strict);
  assert.deepEqual((await t.editor.ok('GET', W(t.ws))).workspace.policy, strict);

  const c = await inReview(t, 'Strict');
  const tryPublish = () => t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash });
  await approve(t, c, t.approver);
  refused(await tryPublish(), 409, 'not_approved');
  await approve(t, c, t.approver2);
  let d = await detail(t, c.id);
  assert.equal(d.approval.satisfied, false, 'the reviewer is still missing');
  assert.equal(d.approval.required, 2);
  assert.equal(d.approval.reviewer_required, true);
  assert.ok(d.approval.missing.length > 0);
  refused(await tryPublish(), 409, 'not_approved');
  // A reviewer's approval completes it.
  await approve(t, c, t.reviewer);
  d = await detail(t, c.id);
  assert.equal(d.approval.satisfied, true, JSON.stringify(d.approval));
  assert.equal(d.campaign.status, 'approved');
  // A request for changes by a current approver blocks until they approve.
  const rc = await t.approver2.call('POST', cpath(t.ws, c.id, '/reviews'), { hash: c.hash, verdict: 'request_changes', comment: 'Typo' });
  assert.equal(rc.status, 200, rc.text);
  d = await detail(t, c.id);
  assert.equal(d.approval.satisfied, false);
  assert.ok(JSON.stringify(d.approval.changes_requested_by).includes(t.approver2.id), JSON.stringify(d.approval));
  const blocked = await tryPublish();
  assert.equal(blocked.status, 409, blocked.text);
  assert.ok(['not_approved', 'invalid_state'].includes(blocked.json.error.code), blocked.text);
  await assertNotLive(t.writeKey, c.id);
  // A comment is allowed to any role but viewer, and changes nothing about the approval.
  const comment = await t.executor.call('POST', cpath(t.ws, c.id, '/reviews'), { hash: c.hash, verdict: 'comment', comment: 'Looks fine' });
  assert.equal(comment.status, 200, comment.text);

  // With author_may_approve, an author who is an approver counts.
  assert.equal((await setPolicy({ required_approvals: 1, author_may_approve: true, reviewer_required: false })).status, 200);
  const own = await inReview(t, 'Own', {}, t.author);
  const self = await t.author.call('POST', cpath(t.ws, own.id, '/reviews'), { hash: own.hash, verdict: 'approve' });
  assert.equal(self.status, 200, self.text);
  assert.equal(self.json.approval.satisfied, true);
  await publish(t, own);
  assert.equal(await isLive(t.writeKey, own.id), true);
});

test('live states: pause and resume; archive takes it off, and a new draft can still be published', async () => {
  const t = await newTeam({ editor: ['editor'], approver: ['approver'], executor: ['executor'] });
  const c = await published(t, 'Lifecycle');
  const act = async (what, status) => {
    const r = await t.executor.call('POST', cpath(t.ws, c.id, `/${what}`), {});
    assert.equal(r.status, 200, `${what}: ${r.text}`);
    assert.equal(r.json.campaign.status, status, `${what}: ${r.text}`);
  };
  assert.equal(await shownTitle(t.writeKey, c.id), 'Lifecycle');
  await act('pause', 'paused');
  assert.deepEqual((await detail(t, c.id)).campaign.live, { revision: 1, state: 'paused' });
  await assertNotLive(t.writeKey, c.id);
  let before = await snapshot(t, c.id);
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/pause'), {}), 409, 'invalid_state');
  await unchanged(t, before, c.id, 'pausing twice');
  await act('resume', 'live');
  assert.equal(await shownTitle(t.writeKey, c.id), 'Lifecycle');
  await act('archive', 'archived');
  assert.equal((await detail(t, c.id)).campaign.archived, true);
  await assertNotLive(t.writeKey, c.id);
  before = await snapshot(t, c.id);
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/resume'), {}), 409, 'invalid_state');
  await unchanged(t, before, c.id, 'resuming an archived campaign');
  await republish(t, c, 'Back again');
  assert.equal(await shownTitle(t.writeKey, c.id), 'Back again');
});

test('invitations: an admin cannot invite an owner; a revoked link stops working; the accept page spends nothing', async () => {
  const t = await newTeam({ admin: ['admin'] });
  let before = await snapshot(t);
  refused(await t.admin.call('POST', W(t.ws, '/invitations'), { email: newEmail('boss'), roles: ['owner'] }), 403, 'forbidden_role', 'role');
  await unchanged(t, before, undefined, 'an admin inviting an owner');

  const made = await t.admin.ok('POST', W(t.ws, '/invitations'), { email: newEmail('gone'), roles: ['viewer'] });
  const revokedToken = new URL(made.url).searchParams.get('token');
  assert.equal((await t.admin.call('DELETE', W(t.ws, `/invitations/${made.invitation.id}`))).status, 204);
  const listed = (await t.owner.ok('GET', W(t.ws, '/invitations'))).invitations.find((i) => i.id === made.invitation.id);
  assert.equal(listed.status, 'revoked');
  before = await snapshot(t);
  refused(await new ConsoleClient(BASE).call('POST', '/console/api/invitations/accept', { token: revokedToken, password: newPassword() }), 409, 'token_used');
  await unchanged(t, before, undefined, 'accepting a revoked invitation');

  const { url } = await t.owner.ok('POST', W(t.ws, '/invitations'), { email: newEmail('page'), roles: ['viewer'] });
  const page = await fetch(url, { redirect: 'manual' });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  const joined = new ConsoleClient(BASE);
  const token = new URL(url).searchParams.get('token');
  const accepted = await joined.call('POST', '/console/api/invitations/accept', { token, password: newPassword() });
  assert.equal(accepted.status, 200, `the GET did not spend the link: ${accepted.text}`);
  assert.ok(accepted.json.workspaces.some((w) => w.id === t.ws));
  assert.ok(joined.cookie, 'accepting signs in');
});

// ---------------------------------------------------------------------------------------
// 3. The happy path, rollback and emergency rollback; 8. diff.

const flowTeam = once(() => newTeam({ editor: ['editor'], approver: ['approver'], approver2: ['approver'], executor: ['executor'] }));
const flow = {}; // what the happy path published, for the diff and audit tests

test('happy path: draft → review → publish → visible; a second revision; rollback; off', async () => {
  const t = await flowTeam();
  const c = await approved(t, 'Version one');
  assert.equal((await detail(t, c.id)).campaign.status, 'approved');
  await assertNotLive(t.writeKey, c.id);

  const r = await t.executor.call('POST', cpath(t.ws, c.id, '/publish'), { hash: c.hash });
  const published = performance.now();
  assert.equal(r.status, 200, r.text);
  // Publish-to-visible: the first decide that shows it (printed, never asserted).
  const user = fresh('u');
  const account = fresh('acct');
  let polls = 0;
  for (;;) {
    polls++;
    const d = await decide(t.writeKey, { user, account, debug: false });
    if (messageOf(d, c.id)) break;
    assert.ok(performance.now() - published < 10_000, 'visible within 10 s of the publish');
    await sleep(10);
  }
  console.log(`publish-to-visible: ${(performance.now() - published).toFixed(1)} ms (${polls} decide${polls > 1 ? 's' : ''})`);
  assert.equal(r.json.campaign.live.revision, 1);
  assert.equal(r.json.campaign.status, 'live');
  assert.equal(await shownTitle(t.writeKey, c.id), 'Version one');

  const two = await republish(t, c, 'Version two');
  const d2 = await detail(t, c.id);
  assert.equal(d2.campaign.live.revision, 2);
  assert.deepEqual(d2.revisions.map((x) => [x.number, x.state]).sort(), [[1, 'published'], [2, 'published']]);
  assert.equal(await shownTitle(t.writeKey, c.id), 'Version two');
  Object.assign(flow, { id: c.id, hashes: [c.hash, two.hash] });

  // Rollback (default: the revision live before) → revision 1.
  const back = await t.executor.call('POST', cpath(t.ws, c.id, '/rollback'), {});
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.campaign.live.revision, 1);
  assert.equal(await shownTitle(t.writeKey, c.id), 'Version one');

  // No revision earlier than 1: the campaign is taken off.
  const off = await t.executor.call('POST', cpath(t.ws, c.id, '/rollback'), {});
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.campaign.live, null);
  assert.equal(off.json.campaign.status, 'off');
  await assertNotLive(t.writeKey, c.id);
});

test('diff: between revisions 1 and 2 after changing content.title', async () => {
  const t = await flowTeam();
  assert.ok(flow.id, 'the happy path ran first');
  const r = await t.owner.call('GET', cpath(t.ws, flow.id, '/diff?from=1&to=2'));
  assert.equal(r.status, 200, r.text);
  const title = r.json.changes.filter((ch) => ch.path === 'content.title');
  assert.equal(title.length, 1, JSON.stringify(r.json.changes));
  assert.equal(title[0].op, 'replace');
  assert.equal(title[0].before, 'Version one');
  assert.equal(title[0].after, 'Version two');
  assert.deepEqual(r.json.changes.map((ch) => ch.path), ['content.title'], 'nothing else changed');
  const same = await t.owner.ok('GET', cpath(t.ws, flow.id, '/diff?from=2&to=2'));
  assert.deepEqual(same.changes, []);
});

test('emergency rollback: owner only, with a reason; skips review; flagged in the audit log', async () => {
  const t = await flowTeam();
  const c = await approve(t, await inReview(t, 'Good price'), t.approver2);
  await publish(t, c);
  await republish(t, c, 'Wrong price', {}, t.approver2);
  assert.equal(await shownTitle(t.writeKey, c.id), 'Wrong price');
  // Revision 1's only approver loses the role: an ordinary rollback lacks approvals.
  assert.equal((await t.owner.call('PUT', W(t.ws, `/members/${t.approver2.id}`), { roles: ['viewer'] })).status, 200);

  const before = await snapshot(t, c.id);
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/rollback'), { revision: 1 }), 409, 'not_approved');
  refused(await t.executor.call('POST', cpath(t.ws, c.id, '/rollback'), { revision: 1, emergency: true, reason: 'Wrong price' }), 403, 'forbidden_role', 'role');
  refused(await t.owner.call('POST', cpath(t.ws, c.id, '/rollback'), { revision: 1, emergency: true }), 400, 'missing_field', 'reason');
  await unchanged(t, before, c.id, 'refused rollbacks');
  assert.equal(await shownTitle(t.writeKey, c.id), 'Wrong price');

  const ok = await t.owner.call('POST', cpath(t.ws, c.id, '/rollback'), { revision: 1, emergency: true, reason: 'Wrong price shown to customers' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.campaign.live.revision, 1);
  assert.equal(await shownTitle(t.writeKey, c.id), 'Good price');
  const [entry] = await auditHead(t, 1);
  assert.equal(entry.action, 'campaign.rollback');
  assert.equal(entry.emergency, true);
  assert.equal(entry.actor.email, t.owner.email);
  assert.ok(String(entry.target).includes(c.id), JSON.stringify(entry));
});

// ---------------------------------------------------------------------------------------
// 7. The audit log (of the flow team's workspace, after the tests above).

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test('audit: every change with actor, action and target; filters; paging; CSV', async () => {
  const t = await flowTeam();
  assert.ok(flow.id, 'the happy path ran first');
  const all = (await t.owner.ok('GET', W(t.ws, '/audit?limit=200'))).entries;
  assert.ok(all.length > 10 && all.length < 200, `${all.length} entries`);
  const seqs = all.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
  for (const e of all) {
    assert.equal(typeof e.action, 'string', JSON.stringify(e));
    assert.ok(e.target !== undefined && e.target !== null, JSON.stringify(e));
    assert.ok(typeof e.at === 'number' || typeof e.at === 'string', JSON.stringify(e));
    assert.ok(e.actor && (typeof e.actor.user_id === 'string' || typeof e.actor.secret_key === 'string'), JSON.stringify(e));
  }
  const actions = new Set(all.map((e) => e.action));
  for (const a of ['workspace.create', 'invitation.create', 'invitation.accept', 'write_key.create', 'member.roles',
    'campaign.create', 'campaign.submit', 'campaign.review', 'campaign.publish', 'campaign.edit', 'campaign.rollback']) {
    assert.ok(actions.has(a), `${a} is logged: ${[...actions].join(', ')}`);
  }
  // The happy path's campaign: who did what, in order (oldest first).
  const mine = all.filter((e) => String(e.target).includes(flow.id)).reverse();
  assert.deepEqual(mine.map((e) => [e.action, e.actor.email]), [
    ['campaign.create', t.editor.email],
    ['campaign.submit', t.editor.email],
    ['campaign.review', t.approver.email],
    ['campaign.publish', t.executor.email],
    ['campaign.edit', t.editor.email],
    ['campaign.submit', t.editor.email],
    ['campaign.review', t.approver.email],
    ['campaign.publish', t.executor.email],
    ['campaign.rollback', t.executor.email],
    ['campaign.rollback', t.executor.email],
  ]);

  // Filter by action.
  const filtered = (await t.owner.ok('GET', W(t.ws, '/audit?action=campaign.publish&limit=200'))).entries;
  assert.deepEqual(filtered.map((e) => e.seq), all.filter((e) => e.action === 'campaign.publish').map((e) => e.seq));
  assert.ok(filtered.length >= 4, `${filtered.length} publishes`);
  // `actor` names a user: by id (or, failing that, by email).
  let byActor = (await t.owner.ok('GET', W(t.ws, `/audit?actor=${encodeURIComponent(t.executor.id)}&limit=200`))).entries;
  if (byActor.length === 0) byActor = (await t.owner.ok('GET', W(t.ws, `/audit?actor=${encodeURIComponent(t.executor.email)}&limit=200`))).entries;
  assert.deepEqual(byActor.map((e) => e.seq), all.filter((e) => e.actor.user_id === t.executor.id).map((e) => e.seq));

  // Paging: limit=2 and the cursor, down to the end, gives the same entries once each.
  const paged = [];
  let cursor;
  for (let page = 0; page < 200; page++) {
    const q = `/audit?limit=2${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const r = await t.owner.ok('GET', W(t.ws, q));
    assert.ok(r.entries.length <= 2);
    paged.push(...r.entries);
    if (r.next_cursor === undefined || r.next_cursor === null) break;
    cursor = r.next_cursor;
  }
  assert.deepEqual(paged.map((e) => e.seq), seqs);

  // CSV: a header row and one row per entry, for the same filter.
  for (const q of ['?action=campaign.publish&limit=200', '?limit=200']) {
    const csv = await t.owner.call('GET', W(t.ws, `/audit.csv${q}`));
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type'), /text\/csv/);
    const rows = parseCsv(csv.text).filter((r) => !(r.length === 1 && r[0] === ''));
    const json = (await t.owner.ok('GET', W(t.ws, `/audit${q}`))).entries;
    assert.ok(rows[0].includes('action'), `header: ${rows[0]}`);
    assert.equal(rows.length - 1, json.length, `${q}: CSV rows = JSON entries`);
    const action = rows[0].indexOf('action');
    assert.deepEqual(rows.slice(1).map((r) => r[action]), json.map((e) => e.action));
    const seq = rows[0].indexOf('seq');
    if (seq >= 0) assert.deepEqual(rows.slice(1).map((r) => Number(r[seq])), json.map((e) => Number(e.seq)));
  }
  const viewer = await addMember(BASE, t.owner, t.ws, { email: newEmail('viewer'), password: newPassword(), roles: ['viewer'] });
  refused(await viewer.call('GET', W(t.ws, '/audit.csv')), 403, 'forbidden_role', 'role');
});

// ---------------------------------------------------------------------------------------
// 4. Sessions, CSRF, links, passwords, rate limits, secret keys.

async function raw(method, path, { headers = {}, body } = {}) {
  const res = await fetch(BASE + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by the caller */ }
  return { status: res.status, json, text, headers: res.headers };
}

const withCookie = (cookie) => Object.assign(new ConsoleClient(BASE), { cookie });

async function mintSetupToken() {
  const r = await raw('POST', '/console/api/setup-link', {
    headers: { authorization: `Bearer ${CONTROL_KEY}`, 'content-type': 'application/json', origin: BASE },
    body: '{}',
  });
  assert.equal(r.status, 201, r.text);
  return new URL(r.json.url).searchParams.get('token');
}

const spendSetup = (token, email, password) => new ConsoleClient(BASE).call('POST', '/console/api/setup', { token, email, password, name: 'x' });

test('session: the sign-in cookie is __Host-, HttpOnly, Secure, SameSite=Strict, Path=/, no Domain', async () => {
  const u = await newUser('cookie');
  const res = await fetch(`${BASE}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE },
    body: JSON.stringify({ email: u.email, password: u.password }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.user.email, u.email);
  assert.ok(Array.isArray(body.workspaces));
  const cookies = res.headers.getSetCookie().filter((c) => c.startsWith('__Host-cairn_session='));
  assert.equal(cookies.length, 1, res.headers.getSetCookie().join(' | '));
  const [c] = cookies;
  const value = c.split(';')[0].slice('__Host-cairn_session='.length);
  assert.ok(value.length >= 43, `a 256-bit id: ${value}`);
  assert.match(c, /;\s*HttpOnly(;|$)/i);
  assert.match(c, /;\s*Secure(;|$)/i);
  assert.match(c, /;\s*SameSite=Strict(;|$)/i);
  assert.match(c, /;\s*Path=\/(;|$)/);
  assert.doesNotMatch(c, /Domain=/i);
  const me = await withCookie(`__Host-cairn_session=${value}`).call('GET', '/console/api/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, u.email);
});

test('session: a cookie sent with the sign-in is never kept', async () => {
  const u = await newUser('fixation');
  // A value planted before sign-in (session fixation).
  const planted = `__Host-cairn_session=${randomBytes(32).toString('base64url')}`;
  const c = withCookie(planted);
  assert.equal((await c.call('POST', '/console/api/session', { email: u.email, password: u.password })).status, 200);
  assert.ok(c.cookie && c.cookie !== planted, 'a new id is set');
  refused(await withCookie(planted).call('GET', '/console/api/me'), 401, 'unauthenticated');
  assert.equal((await c.call('GET', '/console/api/me')).status, 200);

  // A real, live session id sent with a new sign-in is rotated away too.
  const first = new ConsoleClient(BASE);
  await first.signIn(u.email, u.password);
  const old = first.cookie;
  const second = withCookie(old);
  await second.signIn(u.email, u.password);
  assert.ok(second.cookie && second.cookie !== old, 'the sign-in sets a new id');
  refused(await withCookie(old).call('GET', '/console/api/me'), 401, 'unauthenticated');
  assert.equal((await second.call('GET', '/console/api/me')).status, 200);
});

test('session: no cookie, or a made-up one, is unauthenticated', async () => {
  refused(await new ConsoleClient(BASE).call('GET', '/console/api/me'), 401, 'unauthenticated');
  refused(await withCookie('__Host-cairn_session=nope').call('GET', '/console/api/me'), 401, 'unauthenticated');
  refused(await new ConsoleClient(BASE).call('POST', '/console/api/workspaces', { name: 'x' }), 401, 'unauthenticated');
});

test('session: sign-out ends that session; sign out everywhere ends them all', async () => {
  const u = await newUser('signout');
  const other = await newUser('bystander');
  const a = new ConsoleClient(BASE);
  await a.signIn(u.email, u.password);
  const aCookie = a.cookie;
  const out = await a.call('DELETE', '/console/api/session');
  assert.equal(out.status, 204, out.text);
  refused(await withCookie(aCookie).call('GET', '/console/api/me'), 401, 'unauthenticated');
  assert.equal((await u.call('GET', '/console/api/me')).status, 200, 'other sessions live on');

  const b = new ConsoleClient(BASE);
  await b.signIn(u.email, u.password);
  const cookies = [u.cookie, b.cookie];
  assert.notEqual(cookies[0], cookies[1]);
  const all = await b.call('POST', '/console/api/session/revoke-all');
  assert.equal(all.status, 204, all.text);
  for (const c of cookies) refused(await withCookie(c).call('GET', '/console/api/me'), 401, 'unauthenticated');
  assert.equal((await other.call('GET', '/console/api/me')).status, 200, "another user's session is untouched");
});

test('session: a role change rotates the member\'s session on their next request', async () => {
  const t = await newTeam({ member: ['viewer'] });
  const old = t.member.cookie;
  assert.equal((await t.owner.call('PUT', W(t.ws, `/members/${t.member.id}`), { roles: ['viewer', 'editor'] })).status, 200);
  const me = await t.member.call('GET', '/console/api/me');
  assert.equal(me.status, 200, me.text);
  assert.notEqual(t.member.cookie, old, 'a new cookie is set');
  assert.deepEqual([...me.json.workspaces.find((w) => w.id === t.ws).roles].sort(), ['editor', 'viewer']);
  refused(await withCookie(old).call('GET', '/console/api/me'), 401, 'unauthenticated');
  assert.equal((await t.member.call('GET', '/console/api/me')).status, 200);
});

test('CSRF: state changes need Sec-Fetch-Site: same-origin or the exact Origin; JSON only; no CORS', async () => {
  const u = await newUser('csrf');
  const count = async () => (await u.ok('GET', '/console/api/me')).workspaces.length;
  const n = await count();
  const body = JSON.stringify({ name: fresh('csrf-ws') });
  const post = (headers, b = body) => raw('POST', '/console/api/workspaces', { headers: { cookie: u.cookie, ...headers }, body: b });
  const json = { 'content-type': 'application/json' };
  const cases = [
    ['no Origin and no Sec-Fetch-Site', { ...json }],
    ['a foreign Origin', { ...json, origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site, even with our Origin', { ...json, origin: BASE, 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { ...json, 'sec-fetch-site': 'same-site' }],
    ['Origin: null', { ...json, origin: 'null' }],
  ];
  for (const [what, headers] of cases) {
    const r = await post(headers);
    refused(r, 403, 'csrf_rejected');
    assert.equal(r.headers.get('access-control-allow-origin'), null, what);
  }
  for (const ct of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
    const r = await post({ origin: BASE, 'content-type': ct }, ct.startsWith('application/x') ? 'name=evil' : body);
    refused(r, 415, 'unsupported_media_type');
  }
  // DELETE and sign-out are guarded too.
  refused(await raw('DELETE', '/console/api/session', { headers: { cookie: u.cookie, ...json, origin: 'https://evil.example' } }), 403, 'csrf_rejected');
  refused(await raw('POST', '/console/api/session/revoke-all', { headers: { cookie: u.cookie, ...json }, body: '{}' }), 403, 'csrf_rejected');
  assert.equal(await count(), n, 'nothing was created');
  assert.equal((await u.call('GET', '/console/api/me')).status, 200, 'still signed in');

  const ok = await post({ ...json, 'sec-fetch-site': 'same-origin' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(await count(), n + 1);

  // No CORS headers, even for an Origin a workspace allows on the data plane.
  const allowed = `https://${fresh('app')}.example`;
  assert.equal((await u.call('PUT', W(ok.json.workspace.id, '/origins'), { origins: [allowed] })).status, 200);
  const got = await raw('GET', '/console/api/me', { headers: { cookie: u.cookie, origin: allowed } });
  assert.equal(got.status, 200);
  const posted = await post({ ...json, origin: allowed });
  refused(posted, 403, 'csrf_rejected');
  const preflight = await raw('OPTIONS', '/console/api/workspaces', {
    headers: { origin: allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  for (const r of [got, posted, preflight]) {
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
  }
  assert.equal(await count(), n + 1);
});

test('setup links: a GET does not spend one; single use; tampered → invalid_token', async () => {
  const token = await mintSetupToken();
  const page = await raw('GET', `/console/setup?token=${encodeURIComponent(token)}`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);

  const email = newEmail('setup');
  const tampered = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
  refused(await spendSetup(tampered, email, newPassword()), 401, 'invalid_token');
  refused(await spendSetup(`${token}x`, email, newPassword()), 401, 'invalid_token');
  refused(await spendSetup('not-a-token', email, newPassword()), 401, 'invalid_token');

  const password = newPassword();
  const first = await spendSetup(token, email, password);
  assert.ok(first.status === 200 || first.status === 201, first.text);
  const again = await spendSetup(token, newEmail('setup'), newPassword());
  refused(again, 409, 'token_used');
  // The email was free until now (the tampered tries made no account) and is taken now.
  refused(await spendSetup(await mintSetupToken(), email, newPassword()), 409, 'email_taken');
  await new ConsoleClient(BASE).signIn(email, password);
});

test('passwords: too short or too long → weak_password; the link is not spent', async () => {
  const token = await mintSetupToken();
  const email = newEmail('weak');
  for (const pw of ['short-pw', 'x'.repeat(129)]) {
    refused(await spendSetup(token, email, pw), 400, 'weak_password', 'password');
  }
  const ok = await spendSetup(token, email, newPassword());
  assert.ok(ok.status === 200 || ok.status === 201, `the refused tries did not spend the link: ${ok.text}`);
});

test('invitation links: single use', async () => {
  const t = await newTeam({});
  const { url } = await t.owner.ok('POST', W(t.ws, '/invitations'), { email: newEmail('inv'), roles: ['viewer'] });
  const token = new URL(url).searchParams.get('token');
  const accept = () => new ConsoleClient(BASE).call('POST', '/console/api/invitations/accept', { token, password: newPassword() });
  assert.equal((await accept()).status, 200);
  const before = await snapshot(t);
  refused(await accept(), 409, 'token_used');
  await unchanged(t, before, undefined, 'a replayed invitation');
});

test('sign-in: 5 failures for one email, then even the right password → 429 with Retry-After', async () => {
  const u = await newUser('ratelimit');
  const bystander = await newUser('bystander');
  const attempt = (password, email = u.email) => new ConsoleClient(BASE).call('POST', '/console/api/session', { email, password });
  refused(await attempt('wrong-password-0'), 401, 'invalid_credentials');
  for (let i = 1; i < 5; i++) refused(await attempt(`wrong-password-${i}`), 401, 'invalid_credentials');
  const sixth = await attempt(u.password);
  refused(sixth, 429, 'too_many_attempts');
  const retry = Number(sixth.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 15 * 60, `Retry-After: ${sixth.headers.get('retry-after')}`);
  assert.equal(sixth.headers.getSetCookie().filter((c) => c.startsWith('__Host-cairn_session=')).length, 0, 'no session');
  // Another email from the same address is not locked out.
  assert.equal((await attempt(bystander.password, bystander.email)).status, 200);
});

test('sign-in: a wrong password and an unknown email answer alike', async () => {
  const u = await newUser('creds');
  const wrong = await new ConsoleClient(BASE).call('POST', '/console/api/session', { email: u.email, password: 'definitely-wrong-1' });
  const unknown = await new ConsoleClient(BASE).call('POST', '/console/api/session', { email: newEmail('nobody'), password: 'definitely-wrong-1' });
  refused(wrong, 401, 'invalid_credentials');
  refused(unknown, 401, 'invalid_credentials');
  assert.equal(wrong.json.error.message, unknown.json.error.message);
});

test('secret keys: shown once, never listed or logged; work on /v1/admin until deleted', async () => {
  const t = await newTeam({});
  const r = await t.owner.call('POST', W(t.ws, '/secret-keys'), { label: 'ci' });
  assert.equal(r.status, 201, r.text);
  const { secret, secret_key: key } = r.json;
  assert.match(secret, /^sk_/);
  assert.equal(key.label, 'ci');
  assert.ok(secret.startsWith(key.prefix), 'the prefix is the start of the secret');
  assert.ok(key.prefix.length < secret.length / 2, 'the prefix is short');
  assert.equal(key.secret, undefined);

  const list = (await t.owner.ok('GET', W(t.ws, '/secret-keys'))).secret_keys;
  const listed = list.find((k) => k.id === key.id);
  assert.ok(listed, JSON.stringify(list));
  assert.equal(listed.secret, undefined);
  const strings = JSON.stringify(list).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  assert.ok(!strings.some((s) => JSON.parse(s).startsWith(secret)), 'no value is the secret');
  const audit = await t.owner.call('GET', W(t.ws, '/audit?limit=200'));
  const csv = await t.owner.call('GET', W(t.ws, '/audit.csv?limit=200'));
  assert.ok(audit.json.entries.some((e) => e.action === 'secret_key.create'));
  assert.ok(!audit.text.includes(secret) && !csv.text.includes(secret), 'the secret is never logged');

  const summary = await adminGet(secret, '/accounts/x/summary');
  assert.equal(summary.status, 200, summary.text);
  assert.equal(summary.json.account_id, 'x');
  assert.equal((await t.owner.call('DELETE', W(t.ws, `/secret-keys/${key.id}`))).status, 204);
  refused(await adminGet(secret, '/accounts/x/summary'), 401, 'invalid_secret_key');
  const log = (await auditHead(t, 1))[0];
  assert.equal(log.action, 'secret_key.revoke');
  assert.ok(!JSON.stringify(log).includes(secret));
});

// ---------------------------------------------------------------------------------------
// 5. Workspaces are isolated; write keys rotate and are revoked.

test('cross-workspace: a member of A gets unknown_workspace on every route of B, and B is unchanged', async () => {
  const a = await newTeam({ all: ['admin', 'editor', 'reviewer', 'approver', 'executor'] });
  const b = await newTeam({ editor: ['editor'], approver: ['approver'] });
  const c = await approved(b);
  const intruder = a.all;
  const key = b.writeKey;
  const ws = b.ws;
  const cp = (rest = '') => cpath(ws, c.id, rest);
  const requests = [
    ['GET', W(ws)], ['PATCH', W(ws), { name: 'mine' }],
    ['GET', W(ws, '/members')], ['PUT', W(ws, `/members/${b.editor.id}`), { roles: ['viewer'] }], ['DELETE', W(ws, `/members/${b.editor.id}`)],
    ['GET', W(ws, '/invitations')], ['POST', W(ws, '/invitations'), { email: newEmail('x'), roles: ['owner'] }],
    ['PUT', W(ws, '/policy'), { ...DEFAULT_POLICY, author_may_approve: true }],
    ['GET', W(ws, '/write-keys')], ['POST', W(ws, '/write-keys'), { label: 'x' }],
    ['PATCH', W(ws, `/write-keys/${key}`), { debug: false }], ['POST', W(ws, `/write-keys/${key}/rotate`), { overlap_hours: 0 }], ['DELETE', W(ws, `/write-keys/${key}`)],
    ['GET', W(ws, '/secret-keys')], ['POST', W(ws, '/secret-keys'), { label: 'x' }],
    ['GET', W(ws, '/origins')], ['PUT', W(ws, '/origins'), { origins: ['https://evil.example'] }],
    ['GET', W(ws, '/identity')], ['POST', W(ws, '/identity/rotate')], ['GET', W(ws, '/webhook')], ['PUT', W(ws, '/webhook'), { url: 'https://evil.example/hook' }],
    ['GET', W(ws, '/settings')], ['PUT', W(ws, '/settings'), { base_version: 0, document: {} }], ['GET', W(ws, '/settings/versions')],
    ['GET', W(ws, '/campaigns')], ['POST', W(ws, '/campaigns'), { document: banner(fresh('c')) }],
    ['GET', cp()], ['GET', cp('/revisions/1')], ['GET', cp('/diff?from=1&to=working')],
    ['PUT', cp('/draft'), { document: banner(c.id, 'Mine') }], ['POST', cp('/submit'), { hash: c.hash }], ['POST', cp('/withdraw'), { hash: c.hash }],
    ['POST', cp('/reviews'), { hash: c.hash, verdict: 'approve' }], ['POST', cp('/publish'), { hash: c.hash }],
    ['POST', cp('/pause')], ['POST', cp('/rollback'), {}],
    ['GET', W(ws, '/audit')], ['GET', W(ws, '/audit.csv')],
  ];
  const before = await snapshot(b, c.id);
  for (const [method, path, body] of requests) {
    const r = await intruder.call(method, path, body);
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.equal(r.json?.error?.code, 'unknown_workspace', `${method} ${path}: ${r.text}`);
    // Exactly like a workspace that does not exist.
    const none = await intruder.call(method, path.replace(W(ws), W(`${ws}x`)), body);
    assert.deepEqual([none.status, none.json?.error?.code], [404, 'unknown_workspace'], `${method} ${path} (nonexistent)`);
  }
  await unchanged(b, before, c.id, "A's member on B's routes");
  await assertNotLive(b.writeKey, c.id);
  assert.ok(!(await intruder.ok('GET', '/console/api/me')).workspaces.some((w) => w.id === ws));
});

test("cross-workspace: A's secret key cannot read B's accounts", async () => {
  const a = await newTeam({});
  const b = await newTeam({});
  const secretOf = async (t) => (await t.owner.ok('POST', W(t.ws, '/secret-keys'), { label: 'export' })).secret;
  const [sa, sb] = [await secretOf(a), await secretOf(b)];
  const account = fresh('acct');
  const sent = await sendEvent(b.writeKey, account);
  assert.equal(sent.status, 200, sent.text);
  const theirs = await adminGet(sb, `/accounts/${account}/events`);
  assert.equal(theirs.status, 200, theirs.text);
  assert.equal(theirs.json.events.length, 1);
  const mine = await adminGet(sa, `/accounts/${account}/events`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.events, [], "B's events are not A's");
});

test('write keys: rotation with no overlap refuses the old key at once', async () => {
  const t = await newTeam({});
  const old = t.writeKey;
  assert.equal((await sendEvent(old)).status, 200);
  const r = await t.owner.call('POST', W(t.ws, `/write-keys/${old}/rotate`), { overlap_hours: 0 });
  assert.equal(r.status, 201, r.text);
  const fresh_ = r.json.write_key.key;
  assert.notEqual(fresh_, old);
  assert.equal(r.json.old.key, old);
  const expires = typeof r.json.old.expires_at === 'number' ? r.json.old.expires_at : Date.parse(r.json.old.expires_at);
  assert.ok(expires <= Date.now() + 1000, `the old key expires now: ${JSON.stringify(r.json.old)}`);
  // The old key expired when the rotation answered: the next request is refused.
  refused(await sendEvent(old), 401, 'unknown_write_key', 'write_key');
  assert.equal((await sendEvent(fresh_)).status, 200);
  const keys = (await t.owner.ok('GET', W(t.ws, '/write-keys'))).write_keys;
  assert.deepEqual(keys.map((k) => k.key).sort(), [old, fresh_].sort());
  assert.deepEqual((await auditHead(t, 1)).map((e) => e.action), ['write_key.rotate']);
  refused(await t.owner.call('POST', W(t.ws, `/write-keys/${fresh_}/rotate`), { overlap_hours: 721 }), 400, 'invalid_value', 'overlap_hours');
});

test('write keys: a revoked key is refused at once', async () => {
  const t = await newTeam({});
  const key = t.writeKey;
  assert.equal((await sendEvent(key)).status, 200);
  const del = await t.owner.call('DELETE', W(t.ws, `/write-keys/${key}`));
  assert.equal(del.status, 204, del.text);
  const revoked = (await t.owner.ok('GET', W(t.ws, '/write-keys'))).write_keys.find((k) => k.key === key);
  assert.ok(revoked?.revoked_at, JSON.stringify(revoked));
  assert.deepEqual((await auditHead(t, 1)).map((e) => e.action), ['write_key.revoke']);
  refused(await sendEvent(key), 401, 'unknown_write_key', 'write_key');
});

// ---------------------------------------------------------------------------------------
// 6. Settings.

test('settings: validated like the edge validates them; versions; stale base_version', async () => {
  const t = await newTeam({ editor: ['editor'] });
  const get = () => t.owner.ok('GET', W(t.ws, '/settings'));
  const start = await get();
  assert.equal(typeof start.version, 'number');
  const put = (client, base_version, document) => client.call('PUT', W(t.ws, '/settings'), { base_version, document });

  const invalid = {
    health: {
      components: [{ name: 'usage', weight: 0, value: { engagement_trend: { scope: 'account', days: 28 } }, red_at: -50, green_at: 0 }],
      green_at: 70,
      yellow_at: 40,
    },
  };
  let before = await snapshot(t);
  const bad = await put(t.owner, start.version, invalid);
  refused(bad, 400, 'invalid_value', 'document.health.components[0].weight');
  const unknown = await put(t.owner, start.version, { budget: { max_campaigns: 3, nope: 1 } });
  assert.equal(unknown.status, 400, unknown.text);
  assert.ok(unknown.json.error.field.startsWith('document.'), unknown.text);
  refused(await put(t.editor, start.version, { key_features: ['a'] }), 403, 'forbidden_role', 'role');
  await unchanged(t, before, undefined, 'invalid settings');

  const doc = { budget: { max_campaigns: 4, window_hours: 24, interruptive_per_session: 1 }, key_features: ['create_expense'] };
  const ok = await put(t.owner, start.version, doc);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.version, start.version + 1);
  assert.notEqual(ok.json.hash, start.hash);
  const now = await get();
  assert.equal(now.version, start.version + 1);
  assert.deepEqual(now.document.key_features, ['create_expense']);
  assert.equal(now.document.budget.max_campaigns, 4);
  const by = JSON.stringify(now.updated_by);
  assert.ok(by.includes(t.owner.id) || by.includes(t.owner.email), `updated_by: ${by}`);

  before = await snapshot(t);
  refused(await put(t.owner, start.version, { key_features: ['stale'] }), 409, 'stale_version');
  await unchanged(t, before, undefined, 'a stale settings write');

  const versions = (await t.editor.ok('GET', W(t.ws, '/settings/versions'))).versions;
  const numbers = versions.map((v) => v.version);
  assert.ok(numbers.includes(start.version + 1), JSON.stringify(versions));
  assert.equal(versions.find((v) => v.version === start.version + 1).hash, ok.json.hash);
  const [entry] = await auditHead(t, 1);
  assert.equal(entry.action, 'settings.update');
  assert.equal(entry.actor.email, t.owner.email);
});
