// Ingest throughput in workerd: C concurrent clients, each sending batches of 50 `track`
// events to `POST /v1/events` back to back for a few seconds, next to the same clients'
// empty requests (`GET /v1/health`) as the floor of that run. Each client is one browser: its
// own address (`CF-Connecting-IP`, which only Cloudflare sets in production) and its own
// accounts, so the per-client rate limit applies as it would in the field.
// Env: CAIRN_URL, CAIRN_WRITE_KEY; CAIRN_BENCH_SECONDS (default 8). One line per concurrency.
import { randomUUID } from 'node:crypto';

const base = process.env.CAIRN_URL;
const writeKey = process.env.CAIRN_WRITE_KEY;
const seconds = Number(process.env.CAIRN_BENCH_SECONDS || 8);
const BATCH = 50;

/** Runs `clients` loops of `once(client)` for `seconds`; counts what each answer says. */
async function load(clients, once) {
  const until = performance.now() + seconds * 1000;
  const totals = { requests: 0, events: 0, statuses: {} };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (performance.now() < until) {
        const { status, events } = await once(c);
        totals.requests += 1;
        totals.events += events;
        totals.statuses[status] = (totals.statuses[status] || 0) + 1;
      }
    }),
  );
  return { ...totals, elapsed: (performance.now() - started) / 1000 };
}

const address = (c) => `10.0.${c >> 8}.${c & 255}`;

async function health(c) {
  const r = await fetch(`${base}/v1/health`, { headers: { 'cf-connecting-ip': address(c) } });
  await r.arrayBuffer();
  return { status: r.status, events: 0 };
}

let sent = 0;
async function batch(c) {
  const now = Date.now();
  // Ten accounts per client, one user each, the way browsers of several companies would.
  const account = `ingest-${c}-${sent++ % 10}`;
  const events = Array.from({ length: BATCH }, (_, i) => ({
    id: randomUUID(),
    type: 'track',
    user_id: `${account}-user`,
    account_id: account,
    timestamp: now,
    name: `feature_${i % 5}`,
    properties: { i },
  }));
  const r = await fetch(`${base}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': address(c) },
    body: JSON.stringify({ write_key: writeKey, sent_at: now, events }),
  });
  const body = await r.json().catch(() => ({}));
  return { status: r.status, events: r.status === 200 ? (body.accepted ?? 0) : 0 };
}

for (const clients of [1, 8, 32]) {
  const floor = await load(clients, health);
  const ingest = await load(clients, batch);
  const rps = (t) => t.requests / t.elapsed;
  console.log(
    `  ${String(clients).padStart(2)} clients: ${(ingest.events / ingest.elapsed).toFixed(0)} events/s ` +
      `(${rps(ingest).toFixed(0)} batches of ${BATCH}/s, answers ${JSON.stringify(ingest.statuses)}); ` +
      `floor ${rps(floor).toFixed(0)} empty requests/s (${(floor.elapsed * 1000 / floor.requests * clients).toFixed(2)} ms each)`,
  );
}
