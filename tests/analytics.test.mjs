// Workspace analytics through the real pipeline in workerd: account objects mark rollup
// units in the ingest transaction, flush them through the local Queue, and the consumer
// applies them to the workspace's analytics object. Results are read from that object only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, SECRET_KEY, URL_BASE, batch, event, fresh, post, stored } from './helpers.mjs';

const LAB = FIXTURES.workspaces.lab;

async function admin(method, path, body, secret = LAB.secret_key) {
  const res = await fetch(URL_BASE + path, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* asserted by the caller */ }
  return { status: res.status, json, text };
}

const send = (events) => post('/v1/events', batch(events, LAB.write_key));
const flush = (account, op = 'flush') => admin('POST', `/v1/admin/accounts/${encodeURIComponent(account)}/analytics`, { op });
const results = (campaign, query = '') => admin('GET', `/v1/admin/analytics/campaigns/${campaign}${query}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `read` until `done(value)` holds (the Queue delivers within about a second). */
async function until(read, done, what, timeout = 30_000) {
  const start = Date.now();
  let last;
  while (Date.now() - start < timeout) {
    last = await read();
    if (done(last)) return last;
    await sleep(250);
  }
  assert.fail(`${what}: not reached in ${timeout} ms; last: ${JSON.stringify(last?.json ?? last)}`);
}

const arm = (r, name) => r.json.arms.find((a) => a.arm === name) ?? { exposed: 0, converted: 0 };
const stage = (r, name) => r.json.funnel.find((s) => s.stage === name);

/**
 * Users of `accounts` see the trial (the decision exposes each to an arm); treatment users
 * report it shown, every other one clicks; every third user (either arm) then reaches the
 * goal, and every fifth tracks an unrelated event. Returns the expected counts.
 */
async function run(accounts, users) {
  const expected = { control: { exposed: 0, converted: 0 }, treatment: { exposed: 0, converted: 0 }, shown: 0, clicked: 0 };
  for (const account of accounts) {
    for (let i = 0; i < users; i++) {
      const user = `u${i}`;
      const first = await send([event('track', account, { name: 'open_app' }, user)]);
      assert.equal(first.status, 200, first.text);
      const treated = (first.json.decision?.messages ?? []).some((m) => m.campaign === 'trial');
      const group = treated ? expected.treatment : expected.control;
      group.exposed++;
      const later = [];
      if (treated) {
        later.push(event('message', account, { campaign: 'trial', action: 'shown' }, user));
        expected.shown++;
        if (i % 2 === 0) {
          later.push(event('message', account, { campaign: 'trial', action: 'clicked' }, user));
          expected.clicked++;
        }
      }
      if (i % 3 === 0) {
        // Twice: a user converts once.
        later.push(event('track', account, { name: 'approve_expense' }, user));
        later.push(event('track', account, { name: 'approve_expense' }, user));
        group.converted++;
      }
      if (i % 5 === 0) later.push(event('track', account, { name: 'export_csv' }, user));
      if (later.length) {
        const res = await send(later);
        assert.equal(res.status, 200, res.text);
      }
    }
  }
  return expected;
}

const matches = (expected) => (r) => r.status === 200
  && arm(r, 'control').exposed === expected.control.exposed
  && arm(r, 'treatment').exposed === expected.treatment.exposed
  && arm(r, 'control').converted === expected.control.converted
  && arm(r, 'treatment').converted === expected.treatment.converted;

const sum = (a, b) => ({
  control: { exposed: a.control.exposed + b.control.exposed, converted: a.control.converted + b.control.converted },
  treatment: { exposed: a.treatment.exposed + b.treatment.exposed, converted: a.treatment.converted + b.treatment.converted },
  shown: a.shown + b.shown,
  clicked: a.clicked + b.clicked,
});

let total = null;

test('events of several accounts and users end in the workspace rollups exactly', async () => {
  const accounts = [fresh('lab-a'), fresh('lab-b'), fresh('lab-c')];
  const expected = await run(accounts, 12);
  assert.ok(expected.control.exposed > 0 && expected.treatment.exposed > 0, JSON.stringify(expected));
  for (const account of accounts) {
    const sent = await flush(account);
    assert.equal(sent.status, 200, sent.text);
    assert.equal(sent.json.account_id, account);
    assert.ok(sent.json.messages >= 1, sent.text);
  }
  const r = await until(() => results('trial'), matches(expected), 'the arms');
  assert.equal(stage(r, 'shown').users, expected.shown);
  assert.equal(stage(r, 'clicked').users, expected.clicked);
  assert.equal(stage(r, 'converted').users, expected.control.converted + expected.treatment.converted);
  assert.equal(r.json.accounts, 3);
  assert.equal(r.json.goal, 'approve_expense within 14 days');
  assert.equal(typeof r.json.updated_at, 'number');
  assert.ok(Date.now() - r.json.updated_at < 60_000, 'updated just now');
  assert.equal(r.json.daily.length, 30, 'the last 30 days by default');
  // Below 100 users per arm no verdict is given; the arms still show their intervals.
  assert.match(r.json.verdict, /not enough/i);
  assert.equal(typeof arm(r, 'treatment').rate.low, 'number');
  assert.equal(r.json.srm.mismatch, false);
  total = expected;
});

test('a flush with nothing changed sends nothing, and a backfill reproduces the same totals', async () => {
  assert.ok(total, 'runs after the first test');
  const accounts = [fresh('lab-d')];
  const expected = sum(total, await run(accounts, 6));
  assert.ok((await flush(accounts[0])).json.messages >= 1);
  await until(() => results('trial'), matches(expected), 'the new account');
  assert.equal((await flush(accounts[0])).json.messages, 0, 'nothing changed');
  const again = await flush(accounts[0], 'backfill');
  assert.equal(again.status, 200, again.text);
  assert.ok(again.json.messages >= 1, 'a backfill sends the whole state');
  // Give the Queue time to deliver the backfill, then the totals are unchanged.
  await sleep(2_500);
  const r = await results('trial');
  assert.ok(matches(expected)(r), JSON.stringify(r.json.arms));
  total = expected;
});

test('a failing consumer retries, then the dead-letter queue keeps the message for a replay', async () => {
  assert.ok(total, 'runs after the first tests');
  const account = fresh('lab-dead');
  const expected = sum(total, await run([account], 4));
  // The Queue delivers a message once and retries it 3 times: four failures exhaust it.
  const fault = await admin('POST', '/v1/admin/analytics/fault', { fail_next: 4 });
  assert.equal(fault.status, 200, fault.text);
  assert.ok((await flush(account)).json.messages >= 1);
  const dead = await until(() => admin('GET', '/v1/admin/analytics/dead'), (r) => r.json?.messages >= 1, 'the dead-letter store', 60_000);
  assert.ok(dead.json.messages >= 1);
  // Not applied: the totals are the old ones.
  assert.ok(matches(total)(await results('trial')), 'the dead message was not applied');
  const replay = await admin('POST', '/v1/admin/analytics/replay');
  assert.equal(replay.status, 200, replay.text);
  assert.ok(replay.json.messages >= 1);
  await until(() => results('trial'), matches(expected), 'the replayed message');
  assert.equal((await admin('GET', '/v1/admin/analytics/dead')).json.messages, 0);
  total = expected;
});

test('NPS answers and comments reach the survey results; deleting a user removes theirs', async () => {
  const account = fresh('lab-nps');
  const answers = [[10, 'Fast approvals'], [9, ''], [8, 'Fine'], [3, 'Too many emails'], [10, 'Love it']];
  for (const [i, [score, comment]] of answers.entries()) {
    const user = `n${i}`;
    const shown = await send([event('track', account, { name: 'pulse_now' }, user)]);
    assert.ok((shown.json.decision?.messages ?? []).some((m) => m.campaign === 'pulse'), shown.text);
    const fields = { campaign: 'pulse', score, ...(comment ? { comment } : {}) };
    const res = await send([event('message', account, { campaign: 'pulse', action: 'shown' }, user), event('survey', account, fields, user)]);
    assert.equal(res.status, 200, res.text);
  }
  assert.ok((await flush(account)).json.messages >= 1);
  const r = await until(() => results('pulse'), (x) => x.json?.survey?.promoters === 3, 'the survey');
  const s = r.json.survey;
  assert.deepEqual([s.promoters, s.passives, s.detractors], [3, 1, 1]);
  assert.equal(s.nps, 40);
  assert.equal(s.response_rate, 1);
  assert.deepEqual(s.comments.map((c) => c.comment).sort(), ['Fast approvals', 'Fine', 'Love it', 'Too many emails']);
  assert.ok(s.comments.every((c) => c.account_id === account));

  // A data-subject request: the user's comment and answer leave the analytics too.
  const forget = await admin('POST', `/v1/admin/accounts/${account}/forget`, { user_id: 'n3' });
  assert.equal(forget.status, 200, forget.text);
  assert.ok((await flush(account)).json.messages >= 1);
  const after = await until(() => results('pulse'), (x) => x.json?.survey?.detractors === 0, 'the deletion');
  assert.ok(!after.json.survey.comments.some((c) => c.user_id === 'n3'));
  assert.equal(after.json.survey.promoters, 3);
});

test('a checklist counts each task once shown; an announcement compares adoption with users not shown it', async () => {
  const account = fresh('lab-adopt');
  const shows = async (user, trigger, campaign) => {
    const res = await send([event('track', account, { name: trigger }, user)]);
    assert.ok((res.json.decision?.messages ?? []).some((m) => m.campaign === campaign), res.text);
    assert.equal((await send([event('message', account, { campaign, action: 'shown' }, user)])).status, 200);
  };
  // Checklist: c0 connects a bank after seeing it, c1 did it before seeing it (not counted).
  await send([event('track', account, { name: 'connect_bank' }, 'c1')]);
  await shows('c0', 'setup_now', 'setup');
  await shows('c1', 'setup_now', 'setup');
  await send([event('track', account, { name: 'connect_bank' }, 'c0')]);
  // Announcement: a0-a2 see it, a0 and a1 then use cards; of the others (c0, c1, a3, a4),
  // a3 uses cards after the announcement reached the account.
  for (const user of ['a0', 'a1', 'a2']) await shows(user, 'launch_now', 'launch');
  await send([event('track', account, { name: 'use_cards' }, 'a0'), event('track', account, { name: 'use_cards' }, 'a1')]);
  await send([event('track', account, { name: 'use_cards' }, 'a3'), event('track', account, { name: 'open_app' }, 'a4')]);
  assert.ok((await flush(account)).json.messages >= 1);

  const setup = await until(() => results('setup'), (r) => r.json?.steps?.length === 1, 'the checklist');
  assert.deepEqual(setup.json.steps.map((s) => [s.stage, s.users]), [['task:1', 1]]);
  assert.equal(stage(setup, 'shown').users, 2);

  const launch = await until(() => results('launch'), (r) => r.json?.adoption?.shown === 3, 'the announcement');
  const a = launch.json.adoption;
  assert.deepEqual([a.shown, a.adopted, a.unexposed, a.unexposed_adopted], [3, 2, 4, 1]);
  assert.ok(Math.abs(a.rate.value - 2 / 3) < 1e-9);
  assert.ok(Math.abs(a.unexposed_rate.value - 1 / 4) < 1e-9);
  assert.equal(typeof a.difference.low, 'number');
});

test('back-dated raw events leave after 90 days, while daily usage keeps 400-day decisions working', async () => {
  const account = fresh('lab-old');
  const day = 86_400_000;
  const now = Date.now();
  const at = (days) => ({ timestamp: now - days * day });
  // Reports filed 200 and 120 days ago, an export 100 days ago, and today's visit.
  const old = [200, 200, 120].map((d) => event('track', account, { name: 'file_report', ...at(d) }));
  const res = await send([...old, event('track', account, { name: 'export_csv', ...at(100) }), event('track', account, { name: 'open_app' })]);
  assert.equal(res.status, 200, res.text);
  const tracked = async () => (await stored(account, LAB.secret_key)).json.events.filter((e) => e.event.type === 'track');
  // (The decision also stored the trial's exposure event, today.)
  assert.equal((await tracked()).length, 5);

  const pruned = await admin('POST', `/v1/admin/accounts/${account}/retention`);
  assert.equal(pruned.status, 200, pruned.text);
  assert.deepEqual([pruned.json.events_deleted, pruned.json.usage_rows_deleted], [4, 0]);
  assert.deepEqual((await tracked()).map((e) => e.event.name), ['open_app']);

  const storage = await admin('GET', `/v1/admin/accounts/${account}/storage`);
  assert.equal(storage.status, 200, storage.text);
  assert.equal(storage.json.events_retained, 2, 'today\'s visit and exposure');
  assert.equal(storage.json.retention_days, 90);
  assert.ok(storage.json.oldest_event > now - 90 * day);
  assert.ok(storage.json.database_bytes > 0);

  // The audience counts file_report over 365 days: the pruned raw events still count, through
  // the daily usage rows.
  const why = await admin('GET', `/v1/debug/why?user=u1&account=${account}&campaign=veteran`);
  assert.equal(why.status, 200, why.text);
  assert.equal(why.json.decision.verdicts[0].verdict, 'chosen', why.text);
  const other = fresh('lab-new');
  await send([event('track', other, { name: 'file_report' })]);
  const whyNot = await admin('GET', `/v1/debug/why?user=u1&account=${other}&campaign=veteran`);
  assert.equal(whyNot.json.decision.verdicts[0].verdict, 'audience_mismatch', whyNot.text);
});

test('coverage gaps in targeting: a thinly covered account sees the multi-threading banner, a covered one does not', async () => {
  const place = (account, user, seniority, department) => [
    event('identify', account, { traits: { seniority, department } }, user),
    event('track', account, { name: 'open_app' }, user),
  ];
  const why = async (account) => {
    const r = await admin('GET', `/v1/debug/why?user=u0&account=${account}&campaign=threads&page=/threads`);
    assert.equal(r.status, 200, r.text);
    return r.json.decision.verdicts[0];
  };
  // One executive in Finance: 1 of 9 cells, 8 gaps.
  const thin = fresh('lab-thin');
  assert.equal((await send(place(thin, 'u0', 'executive', 'Finance'))).status, 200);
  assert.equal((await why(thin)).verdict, 'chosen');
  // Every level in Finance and Sales and a manager in Ops: 7 cells, 2 gaps.
  const wide = fresh('lab-wide');
  const team = [
    ['u0', 'executive', 'Finance'], ['u1', 'manager', 'Finance'], ['u2', 'individual', 'Finance'],
    ['u3', 'executive', 'Sales'], ['u4', 'manager', 'Sales'], ['u5', 'individual', 'Sales'], ['u6', 'manager', 'Ops'],
  ];
  assert.equal((await send(team.flatMap(([u, s, d]) => place(wide, u, s, d)))).status, 200);
  const verdict = await why(wide);
  assert.equal(verdict.verdict, 'audience_mismatch');
  assert.match(verdict.detail, /coverage gaps \(2\) ≥ 7/);
});

test('bad requests get a clear error and change nothing', async () => {
  const cases = [
    [await admin('POST', '/v1/admin/accounts/x/analytics', { op: 'sometime' }), 400, 'op'],
    [await admin('POST', '/v1/admin/accounts/x/analytics', { op: 'flush', extra: 1 }), 400, 'extra'],
    [await results('trial', '?from=yesterday'), 400, 'from'],
    [await results('trial', '?from=2026-12-02&to=2026-12-01'), 400, 'from'],
    [await results('trial', '?from=2020-01-01&to=2026-12-01'), 400, 'from'],
    [await admin('POST', '/v1/admin/analytics/fault', { fail_next: 5000 }), 400, 'fail_next'],
    [await admin('GET', '/v1/admin/analytics/dead', undefined, 'sk_wrong'), 401, 'authorization'],
    [await admin('POST', '/v1/admin/accounts/x/storage'), 405, ''],
  ];
  for (const [res, status, field] of cases) {
    assert.equal(res.status, status, res.text);
    assert.equal(res.json.error.field, field, res.text);
    assert.equal(typeof res.json.error.code, 'string');
  }
});

test('the portfolio: every account with its health, riskiest first, colour changes, renewals and the pyramid', async () => {
  // The demo workspace: its settings have tiers (by ARR) and a health scorecard.
  const demo = (method, path, body) => admin(method, path, body, SECRET_KEY);
  const sendDemo = (events) => post('/v1/events', batch(events));
  const [strong, weak] = [fresh('pf-strong'), fresh('pf-weak')];
  const renewal = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
  const traits = {
    [strong]: { arr: 80000, seats: 2, renewals: 3, cs_executive_relationship: 10, cs_champion_strength: 10, renewal_date: renewal, csm: 'dana' },
    [weak]: { arr: 5000, seats: 50, renewals: 0, cs_executive_relationship: 0, cs_champion_strength: 0 },
  };
  for (const [account, t] of Object.entries(traits)) {
    const users = account === strong ? ['u1', 'u2'] : ['u1'];
    const events = users.flatMap((u) => ['create_expense', 'submit_expense', 'view_reports', 'invite_teammate'].map((n) => event('track', account, { name: n }, u)));
    assert.equal((await sendDemo(account === strong ? events : events.slice(0, 1))).status, 200);
    const set = await fetch(`${URL_BASE}/v1/admin/accounts/${account}/traits`, {
      method: 'PUT', headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(t),
    });
    assert.equal(set.status, 200, await set.text());
    assert.ok((await demo('POST', `/v1/admin/accounts/${account}/analytics`, { op: 'flush' })).json.messages >= 1);
  }
  const mine = (r) => r.json.accounts.filter((a) => [strong, weak].includes(a.summary.account_id));
  const p = await until(() => demo('GET', '/v1/admin/analytics/accounts'), (r) => r.status === 200 && mine(r).length === 2, 'the portfolio');
  const [first, second] = mine(p);
  assert.equal(first.summary.account_id, weak, 'riskiest first');
  assert.equal(second.summary.account_id, strong);
  assert.ok(first.summary.health.score < second.summary.health.score);
  assert.equal(second.summary.value_tier, 'high');
  assert.equal(second.summary.health.components.length, 8, 'every component, explained');
  assert.ok([59, 60].includes(second.summary.renewal_in_days), String(second.summary.renewal_in_days));
  assert.equal(second.summary.call, second.summary.health.colour === 'green' ? 'upside' : 'risk');
  assert.equal(first.summary.call, first.summary.health.colour === 'red' ? 'risk' : 'steady');
  assert.deepEqual(second.trend.map(([, s]) => s), [second.summary.health.score], 'today in the trend');
  const high = p.json.tiers.find((t) => t.tier === 'high');
  assert.ok(high.accounts >= 1);

  // Filters: renewing within 6 months; by CSM; an unknown colour is refused at its field.
  const renewing = await demo('GET', '/v1/admin/analytics/accounts?renewal_within_days=182');
  assert.deepEqual(mine(renewing).map((a) => a.summary.account_id), [strong]);
  assert.deepEqual(mine(await demo('GET', '/v1/admin/analytics/accounts?csm=dana')).map((a) => a.summary.account_id), [strong]);
  const bad = await demo('GET', '/v1/admin/analytics/accounts?colour=purple');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'colour');

  // The strong account loses its relationships: its colour changes, with the time of the change.
  const before = second.summary.health.colour;
  const drop = await fetch(`${URL_BASE}/v1/admin/accounts/${strong}/traits`, {
    method: 'PUT', headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ cs_executive_relationship: 0, cs_champion_strength: 0, renewals: 0, seats: 200 }),
  });
  assert.equal(drop.status, 200);
  const after = (await drop.json()).health.colour;
  assert.notEqual(after, before, 'the scorecard moved the colour');
  await demo('POST', `/v1/admin/accounts/${strong}/analytics`, { op: 'flush' });
  const changed = await until(
    () => demo('GET', '/v1/admin/analytics/accounts?changed_within_days=7'),
    (r) => mine(r).some((a) => a.summary.account_id === strong),
    'the colour change',
  );
  const moved = mine(changed).find((a) => a.summary.account_id === strong);
  assert.equal(moved.previous_colour, before);
  assert.equal(moved.summary.health.colour, after);
  assert.ok(Date.now() - moved.colour_since < 60_000);
});
