// Workspace analytics figures in workerd (`cargo xtask bench analytics`):
// 1. storage: SQLite rows written per stored event and bytes kept per event, for a typical
//    mix of events into one account object (the account's own counters);
// 2. the Queue's end-to-end delay: from an account's flush to the change being readable in
//    the workspace's results;
// 3. results latency for a workspace of 10k accounts: made-up account rollups sent through the
//    same Queue, consumer and workspace object (test installs only), then the campaign
//    results and the overview read back.
// Env: CAIRN_URL, CAIRN_WRITE_KEY and CAIRN_SECRET_KEY (the `lab` fixture workspace);
// CAIRN_BENCH_EVENTS (default 2,000), CAIRN_BENCH_ACCOUNTS (default 10,000).
import { randomUUID } from 'node:crypto';

const base = process.env.CAIRN_URL;
const writeKey = process.env.CAIRN_WRITE_KEY;
const secret = process.env.CAIRN_SECRET_KEY;
const EVENTS = Number(process.env.CAIRN_BENCH_EVENTS || 2000);
const ACCOUNTS = Number(process.env.CAIRN_BENCH_ACCOUNTS || 10000);

async function call(method, path, body, auth = true) {
  const headers = { 'content-type': 'application/json' };
  if (auth) headers.authorization = `Bearer ${secret}`;
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A day's worth of a product's events: mostly feature use, some pages and message outcomes. */
function mix(account, i, now) {
  const user = `u${i % 20}`;
  const base = { id: randomUUID(), user_id: user, account_id: account, timestamp: now };
  const r = i % 20;
  if (r < 14) return { ...base, type: 'track', name: `feature_${i % 10}`, properties: { amount: i % 100 } };
  if (r < 17) return { ...base, type: 'page', name: `/expenses/${i % 7}` };
  if (r < 19) return { ...base, type: 'message', campaign: 'trial', action: r === 17 ? 'shown' : 'clicked' };
  return { ...base, type: 'identify', traits: { plan: i % 2 ? 'pro' : 'starter' } };
}

async function storage() {
  const account = `storage-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  for (let i = 0; i < EVENTS; i += 50) {
    const events = Array.from({ length: Math.min(50, EVENTS - i) }, (_, j) => mix(account, i + j, now));
    await call('POST', '/v1/events', { write_key: writeKey, sent_at: now, events }, false);
  }
  const s = await call('GET', `/v1/admin/accounts/${account}/storage`);
  console.log(`  storage: ${s.events_written} events in batches of 50 (70% track, 15% page, 10% message, 5% identify; 20 users):`);
  console.log(`    rows written per event: ${(s.rows_written / s.events_written).toFixed(2)} (${s.rows_written} rows)`);
  console.log(`    bytes kept per event:   ${Math.round(s.database_bytes / s.events_retained)} (${s.database_bytes} bytes for ${s.events_retained} events)`);
  return account;
}

/** Flush → readable: an account's new shown user, flushed, until the results count it. */
async function queueDelay(rounds = 15) {
  const account = `delay-${randomUUID().slice(0, 8)}`;
  const times = [];
  const before = await call('GET', '/v1/admin/analytics/stats');
  for (let i = 0; i < rounds; i++) {
    const shownBefore = await shown();
    const user = `d${i}`;
    const now = Date.now();
    await call('POST', '/v1/events', {
      write_key: writeKey, sent_at: now,
      events: [{ id: randomUUID(), type: 'message', campaign: 'trial', action: 'shown', user_id: user, account_id: account, timestamp: now }],
    }, false);
    const start = performance.now();
    await call('POST', `/v1/admin/accounts/${account}/analytics`, { op: 'flush' });
    while ((await shown()) === shownBefore) await sleep(20);
    times.push(performance.now() - start);
  }
  console.log(`  queue delay, flush to readable results (${rounds} rounds, polled every 20 ms): median ${Math.round(median(times))} ms, p95 ${Math.round(p95(times))} ms`);
  const after = await call('GET', '/v1/admin/analytics/stats');
  const messages = after.messages - before.messages;
  console.log(`    workspace object, these incremental flushes: ${((after.rows_written - before.rows_written) / messages).toFixed(1)} rows written per message (${messages} messages)`);
}

async function shown() {
  const r = await call('GET', '/v1/admin/analytics/campaigns/trial');
  return r.funnel.find((s) => s.stage === 'shown').users;
}

/** 10k accounts, each with rows on a few days of the last 30, through the Queue. */
async function manyAccounts() {
  const today = Math.floor(Date.now() / 86_400_000);
  const campaign = 'bench-trial';
  let expectedShown = 0;
  const messages = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const rows = [];
    for (let k = 0; k < 3; k++) {
      const day = today - ((a * 7 + k * 11) % 28);
      for (const arm of ['control', 'treatment']) {
        rows.push({ arm, day, metric: 'exposed', users: 2, count: 2 });
        rows.push({ arm, day, metric: 'converted', users: 1, count: 1 });
        if (arm === 'treatment') {
          rows.push({ arm, day, metric: 'shown', users: 2, count: 3 });
          rows.push({ arm, day, metric: 'clicked', users: 1, count: 1 });
          expectedShown += 2;
        }
      }
    }
    const byWeek = new Map();
    for (const r of rows) {
      const week = Math.floor(r.day / 7);
      if (!byWeek.has(week)) byWeek.set(week, []);
      byWeek.get(week).push(r);
    }
    // Rows of one (arm, day, metric) add up within a unit.
    const units = [...byWeek].map(([week, rs]) => {
      const sums = new Map();
      for (const r of rs) {
        const key = `${r.arm}|${r.day}|${r.metric}`;
        const s = sums.get(key) ?? { ...r, users: 0, count: 0 };
        s.users += r.users;
        s.count += r.count;
        sums.set(key, s);
      }
      return { campaign, week, rows: [...sums.values()] };
    });
    messages.push({ workspace_id: '', account_id: `acct-${a}`, seq: 1, at: Date.now(), units });
  }
  const before = await call('GET', '/v1/admin/analytics/stats');
  const started = performance.now();
  // Requests stay under the edge's 512,000-byte body limit.
  for (let i = 0; i < messages.length; i += 150) {
    await call('POST', '/v1/admin/analytics/enqueue', { messages: messages.slice(i, i + 150) });
  }
  // Until every account's rows are applied.
  const from = new Date((today - 29) * 86_400_000).toISOString().slice(0, 10);
  const q = `?from=${from}`;
  let r;
  for (;;) {
    r = await call('GET', `/v1/admin/analytics/campaigns/${campaign}${q}`);
    if (r.funnel.find((s) => s.stage === 'shown').users === expectedShown) break;
    await sleep(500);
  }
  const applied = performance.now() - started;
  const after = await call('GET', '/v1/admin/analytics/stats');
  console.log(`    workspace object, first units of each account: ${((after.rows_written - before.rows_written) / (after.messages - before.messages)).toFixed(1)} rows written per message`);
  const reads = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await call('GET', `/v1/admin/analytics/campaigns/${campaign}${q}`);
    reads.push(performance.now() - t);
  }
  console.log(`  ${ACCOUNTS} accounts (${messages.reduce((n, m) => n + m.units.reduce((k, u) => k + u.rows.length, 0), 0)} account rows) through the Queue: applied in ${(applied / 1000).toFixed(1)} s; ${r.accounts} accounts counted`);
  console.log(`  campaign results for 30 days over ${ACCOUNTS} accounts: median ${Math.round(median(reads))} ms, p95 ${Math.round(p95(reads))} ms (30 reads)`);
  const health = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    await fetch(`${base}/v1/health`).then((x) => x.text());
    health.push(performance.now() - t);
  }
  console.log(`  empty request (floor), same run: median ${median(health).toFixed(1)} ms`);
}

await storage();
await queueDelay();
await manyAccounts();
