// A customer-success portfolio of ~200 accounts for the demo, through the public and admin
// APIs only: back-dated product use and survey answers (`POST /v1/events`, the write key),
// commercial traits, churn marks and CSM inputs (`PUT /v1/admin/accounts/{id}/traits`, the
// secret key), then each account's summary is sent to the workspace's analytics
// (`POST …/analytics {"op":"flush"}`), so every Accounts table shows something real.
// Deterministic: the same seed gives the same portfolio, dated relative to today.
//
//   CAIRN_URL=http://127.0.0.1:8787 CAIRN_WRITE_KEY=wk_… CAIRN_SECRET_KEY=sk_… \
//     node xtask/js/portfolio.mjs [count] [prefix]
//
// Prints ONE line of JSON on stdout: {"accounts":[{"id","renewal_date","churned"}]}.
import { randomUUID } from 'node:crypto';

const BASE = process.env.CAIRN_URL;
const WRITE_KEY = process.env.CAIRN_WRITE_KEY;
const SECRET_KEY = process.env.CAIRN_SECRET_KEY;
const COUNT = Number(process.argv[2] || 200);
const PREFIX = process.argv[3] || 'co';
const DAY = 86_400_000;
const NOW = Date.now();

// mulberry32: a small seeded generator, so the portfolio is the same on every machine.
let state = 0x5eed;
function random() {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const between = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const day = (offset) => new Date(NOW + offset * DAY).toISOString().slice(0, 10);

const INDUSTRIES = ['Retail', 'Software', 'Healthcare', 'Manufacturing', 'Finance', 'Education'];
const REGIONS = ['EMEA', 'North America', 'APAC'];
const REPS = ['Avery', 'Blake', 'Casey', 'Devon'];
const CSMS = ['dana', 'lee', 'sam'];
const PRODUCTS = ['Expenses', 'Expenses + Cards', 'Expenses + Cards + Travel'];
const REASONS = ['price', 'missing features', 'poor adoption', 'champion left', 'budget cuts', 'switched to a competitor'];
const FEATURES = ['create_expense', 'submit_expense', 'view_reports', 'invite_teammate'];
const LEVELS = ['executive', 'manager', 'individual', 'individual', 'individual'];
const DEPARTMENTS = ['Finance', 'Finance', 'Sales', 'Operations', 'Engineering'];

/** One account: its traits, its users' events, and what the manifest says about it. */
function account(i) {
  const id = `${PREFIX}-${String(i + 1).padStart(3, '0')}`;
  // healthy 55%, declining 25%, dormant 20%: the health scorecard spreads them over the colours.
  const r = random();
  const profile = r < 0.55 ? 'healthy' : r < 0.8 ? 'declining' : 'dormant';
  const tenure = between(60, 1400);
  const arr = Math.round(2000 * Math.exp(random() * 4.3) / 100) * 100;
  const seats = between(5, 60);
  const traits = {
    arr,
    seats,
    industry: pick(INDUSTRIES),
    employees: between(10, 5000),
    region: pick(REGIONS),
    sales_rep: pick(REPS),
    csm: pick(CSMS),
    products: pick(PRODUCTS),
    renewals: Math.floor(tenure / 365),
    gross_margin: between(70, 85) / 100,
    cac: Math.round(arr * between(30, 120) / 100),
    customer_since: day(-tenure),
    // The next anniversary of the contract.
    renewal_date: day(365 - (tenure % 365)),
  };
  const churned = random() < 0.1;
  if (churned) {
    Object.assign(traits, { churned_on: day(-between(5, Math.min(300, tenure - 1))), churn_reason: pick(REASONS) });
  } else if (random() < 0.04) {
    Object.assign(traits, { contracted_on: day(-between(5, 200)), churn_reason: pick(REASONS), churn_note: 'Fewer seats at renewal' });
  }
  if (arr >= 50000) {
    Object.assign(traits, { cs_executive_relationship: between(2, 10), cs_champion_strength: between(2, 10), last_touch_on: day(-between(3, 80)) });
  } else if (random() < 0.4) {
    traits.last_touch_on = day(-between(10, 200));
  }
  const users = between(2, Math.min(8, seats));
  const events = [];
  const at = (daysAgo) => NOW - daysAgo * DAY - between(0, 8 * 3600_000);
  for (let u = 0; u < users; u++) {
    const user = `${id}-u${u + 1}`;
    events.push({ id: randomUUID(), type: 'identify', user_id: user, account_id: id, timestamp: at(0), traits: { seniority: pick(LEVELS), department: pick(DEPARTMENTS), first_name: `User ${u + 1}` } });
    // Active days: the last use is recent when healthy, 20-40 days ago when declining, 45+
    // days ago when dormant (or churned).
    const last = churned || profile === 'dormant' ? between(45, 80) : profile === 'declining' ? between(20, 40) : between(0, 3);
    const days = profile === 'healthy' ? between(6, 14) : between(2, 6);
    const breadth = between(1, FEATURES.length);
    for (let d = 0; d < days; d++) {
      const ago = Math.min(89, last + d * between(1, 4));
      events.push({ id: randomUUID(), type: 'track', user_id: user, account_id: id, timestamp: at(ago), name: FEATURES[d % breadth] });
    }
    if (random() < 0.35) {
      const score = profile === 'healthy' ? between(7, 10) : profile === 'declining' ? between(4, 9) : between(0, 7);
      events.push({ id: randomUUID(), type: 'survey', user_id: user, account_id: id, timestamp: at(between(1, 60)), campaign: 'nps', score });
    }
  }
  return { id, traits, events, manifest: { id, renewal_date: traits.renewal_date, churned } };
}

async function call(method, path, body, key) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${BASE}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    if (res.ok) return res;
    const text = await res.text();
    // A busy local worker may answer 429 or 503: wait and try again, a few times.
    if ((res.status === 429 || res.status >= 500) && attempt < 5) {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      continue;
    }
    throw new Error(`${method} ${path}: ${res.status} ${text}`);
  }
}

async function seed(a) {
  await call('POST', '/v1/events', { write_key: WRITE_KEY, sent_at: Date.now(), events: a.events });
  await call('PUT', `/v1/admin/accounts/${a.id}/traits`, a.traits, SECRET_KEY);
  await call('POST', `/v1/admin/accounts/${a.id}/analytics`, { op: 'flush' }, SECRET_KEY);
}

async function main() {
  if (!BASE || !WRITE_KEY || !SECRET_KEY) throw new Error('CAIRN_URL, CAIRN_WRITE_KEY and CAIRN_SECRET_KEY are required');
  const accounts = Array.from({ length: COUNT }, (_, i) => account(i));
  // Four at a time: the local worker runs on a laptop-sized machine.
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < accounts.length) {
      await seed(accounts[next++]);
      if (++done % 50 === 0) console.error(`portfolio: ${done} of ${accounts.length} accounts`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  console.error(`portfolio: ${accounts.length} accounts, ${accounts.reduce((n, a) => n + a.events.length, 0)} events`);
  console.log(JSON.stringify({ accounts: accounts.map((a) => a.manifest) }));
}

main().catch((e) => {
  console.error(`portfolio: ${e.message}`);
  process.exit(1);
});
