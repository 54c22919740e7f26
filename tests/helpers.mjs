// Shared helpers of the JavaScript suites: configuration from the environment, and events.
// `cargo xtask test` (or `cargo xtask js`) starts a fresh worker and creates its console
// users, workspaces, keys and campaigns through the control-plane API
// (xtask/js/bootstrap.mjs); what it created arrives as JSON in CAIRN_FIXTURES.
import { createHmac, randomUUID } from 'node:crypto';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these suites through \`cargo xtask test\``);
  return value;
}

export const URL_BASE = env('CAIRN_URL');
export const WRITE_KEY = env('CAIRN_WRITE_KEY');
export const OTHER_WRITE_KEY = env('CAIRN_OTHER_WRITE_KEY');
export const SECRET_KEY = env('CAIRN_SECRET_KEY');
/** The worker's control key: it mints console setup links and derives the link-token keys. */
export const CONTROL_KEY = env('CAIRN_CONTROL_KEY');
/** The bootstrap's output: `{owner, approver, workspaces: {demo: {id, write_key, …}, …}}`. */
export const FIXTURES = JSON.parse(env('CAIRN_FIXTURES'));

const workspaces = Object.entries(FIXTURES.workspaces);
/** Workspace ids by fixture name (`demo`, `other`, `hostile`, `quiet`, `verified`). */
export const WORKSPACE = Object.fromEntries(workspaces.map(([name, w]) => [name, w.id]));
/** Write keys by fixture name. */
export const KEYS = Object.fromEntries(workspaces.map(([name, w]) => [name, w.write_key]));
/** Identity secrets (the HMAC key of `user_hash`) of `demo` and `verified`. */
export const IDENTITY = Object.fromEntries(workspaces.filter(([, w]) => w.identity_secret).map(([name, w]) => [name, w.identity_secret]));
/** Console users: `{email, password}` of the demo owner and of the approver (approver + executor). */
export const OWNER = FIXTURES.owner;
export const APPROVER = FIXTURES.approver;

/** A workspace's link-token key, as the worker derives it from the control key. */
export const tokenKey = (workspaceId) => createHmac('sha256', CONTROL_KEY).update(`token-key/${workspaceId}`).digest('hex');

export const fresh = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

export function event(type, account, fields = {}, user = 'u1') {
  return { id: randomUUID(), type, user_id: user, account_id: account, timestamp: Date.now(), ...fields };
}

export const track = (account, name, user) => event('track', account, { name }, user);

export async function post(path, body, { contentType = 'application/json', origin, raw = false } = {}) {
  const headers = { 'content-type': contentType };
  if (origin) headers.origin = origin;
  const res = await fetch(URL_BASE + path, { method: 'POST', headers, body: raw ? body : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* left null: the caller asserts on it */ }
  return { status: res.status, json, text, headers: res.headers };
}

export const batch = (events, writeKey = WRITE_KEY) => ({ write_key: writeKey, sent_at: Date.now(), events });

/** Every stored event of `account`: the export's pages, followed by their cursors. */
export async function stored(account, secret = SECRET_KEY) {
  const events = [];
  let cursor = '';
  for (;;) {
    const res = await fetch(`${URL_BASE}/v1/admin/accounts/${encodeURIComponent(account)}/events?cursor=${cursor}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    const json = await res.json();
    if (res.status !== 200) return { status: res.status, json };
    events.push(...json.events);
    cursor = json.next;
    if (!json.more) return { status: res.status, json: { events, next: cursor, more: false } };
  }
}

/**
 * Waits until `page`'s origin holds no chunk of the SDK's journal (`cairn:q:<key>:<tab>:<seq>`):
 * everything queued was confirmed by the edge.
 */
export function journalDrained(page, timeout) {
  return page.waitForFunction(
    () => Object.keys(localStorage).filter((k) => k.startsWith('cairn:q:') && k.split(':').length === 5).length === 0,
    null,
    { timeout },
  );
}

/** Debian's headless Chromium, as every browser suite starts it (never a downloaded build). */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Points the demo workspace's webhooks at `server` (listening on 127.0.0.1); resolves with
 *  the answer: status and signing secret. */
export async function setWebhook(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const res = await fetch(`${URL_BASE}/v1/admin/webhook`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/hooks` }),
  });
  return { status: res.status, secret: (await res.json()).secret };
}

/** Loads `url` in `page` (or reloads it when `url` is omitted) and waits for its `load`. Now
 *  and then `wrangler dev`'s asset server holds one response until the browser gives up (a
 *  CI run saw `GET /app.js` answered after 30 s, every other request served at once); such a
 *  navigation is logged and loaded once more, so a suite fails only when the page truly does
 *  not load. */
export async function navigate(page, url) {
  for (let attempt = 1; ; attempt++) {
    try {
      if (url === undefined) await page.reload({ timeout: 15_000 });
      else await page.goto(url, { timeout: 15_000 });
      return;
    } catch (e) {
      if (attempt === 2 || e.name !== 'TimeoutError') throw e;
      console.log(`# navigate: ${url ?? page.url()} did not load within 15 s; loading it again`);
      url ??= page.url();
    }
  }
}
