// Expensely: a sample vendor app. It uses the Cairn SDK exactly as a customer would:
// `init` once with the signed-in user and their account, then ordinary tracking calls.
import * as cairn from '@cairn/sdk';

const params = new URLSearchParams(location.search);
function readJson(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key) || 'null') ?? fallback;
  } catch {
    return fallback;
  }
}

const remembered = readJson('expensely:identity', {});
const identity = {
  user: params.get('user') || remembered.user || 'demo-user',
  account: params.get('account') || remembered.account || 'acme',
};
localStorage.setItem('expensely:identity', JSON.stringify(identity));

const PLAN_LIMIT = 5;
// Expenses of this amount or more need the CFO's approval, asked through Cairn.
const APPROVAL_FROM = 1000;
const STATUS = {
  awaiting_approval: 'Awaiting CFO approval',
  approved: 'Approved by the CFO',
  rejected: 'Rejected by the CFO',
  expired: 'Approval expired',
};
const storeKey = `expensely:expenses:${identity.account}`;
const load = () => readJson(storeKey, []);
const save = (list) => localStorage.setItem(storeKey, JSON.stringify(list));

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, text = '') {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

function thisMonth(list) {
  const now = new Date();
  return list.filter((e) => {
    const d = new Date(e.createdAt);
    return d.getUTCFullYear() === now.getUTCFullYear() && d.getUTCMonth() === now.getUTCMonth();
  });
}

function renderExpenses() {
  const list = load();
  const ul = $('expenses');
  ul.replaceChildren();
  if (list.length === 0) ul.append(el('li', { class: 'empty' }, 'No expenses yet.'));
  for (const e of list) {
    const li = el('li', { 'data-expense': e.id });
    li.append(
      el('span', { class: 'desc' }, e.description),
      el('span', { class: 'cat' }, e.category),
      el('span', { class: 'amount' }, `$${Number(e.amount).toFixed(2)}`),
    );
    if (e.status === 'draft') {
      const b = el('button', { type: 'button', class: 'secondary', 'data-submit': e.id }, 'Submit for approval');
      li.append(b);
    } else {
      li.append(el('span', { class: 'status', 'data-status': e.status }, STATUS[e.status] ?? 'Awaiting CFO approval'));
    }
    ul.append(li);
  }
  const used = thisMonth(list).length;
  $('usage').textContent = `${used} of ${PLAN_LIMIT} expenses on the Starter plan this month.`;
  $('report').textContent = `${list.length} expenses, $${list
    .reduce((s, e) => s + Number(e.amount), 0)
    .toFixed(2)} in total; ${list.filter((e) => e.status !== 'draft').length} awaiting approval.`;
}

$('new').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const description = String(form.get('description') || '').trim();
  const amount = Number(form.get('amount'));
  if (!description || !(amount > 0) || amount > 1_000_000) {
    $('form-error').textContent = 'Enter a description and an amount between $0.01 and $1,000,000.';
    return;
  }
  $('form-error').textContent = '';
  const list = load();
  list.unshift({
    id: crypto.randomUUID(),
    description,
    amount,
    category: String(form.get('category')),
    status: 'draft',
    createdAt: Date.now(),
  });
  save(list);
  ev.target.reset();
  renderExpenses();
  // The click on the submit button is tracked by the SDK through data-cairn-feature.
});

$('expenses').addEventListener('click', (ev) => {
  const id = ev.target.closest('[data-submit]')?.getAttribute('data-submit');
  if (!id) return;
  const list = load();
  const e = list.find((x) => x.id === id);
  if (!e) return;
  e.status = 'awaiting_approval';
  save(list);
  cairn.track('submit_for_approval', { amount: e.amount, approver_role: 'cfo' });
  renderExpenses();
  if (e.amount < APPROVAL_FROM) return;
  // Cairn asks who should approve (the account's CFO, or anyone by email: if they are not a
  // user yet they are invited, with the approval waiting for them).
  cairn
    .requestApproval({
      action: 'expense.reimburse',
      resource: { id: e.id, summary: e.description, amount: e.amount, currency: 'USD' },
    })
    .then(({ approval }) => update(e.id, { approval: approval.id }))
    .catch(() => update(e.id, { status: 'draft' }));
});

function update(id, fields) {
  const list = load();
  const e = list.find((x) => x.id === id);
  if (!e) return;
  Object.assign(e, fields);
  save(list);
  renderExpenses();
}

// The approver decided: Cairn tells the requester's page.
addEventListener('cairn:approval', (ev) => {
  const a = ev.detail;
  const e = load().find((x) => x.approval === a.id);
  if (e) update(e.id, { status: a.status, comment: a.comment ?? '' });
});

// The export control is a web component with its own (open) shadow root, rendered a moment
// after the reports view opens, like the late, encapsulated widgets of real apps.
class ExpenselyExport extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Export CSV';
    button.setAttribute('data-cairn-anchor', 'export');
    root.append(button);
  }
}
customElements.define('expensely-export', ExpenselyExport);

function route(path) {
  const reports = path === '/reports';
  $('view-expenses').hidden = reports;
  $('view-reports').hidden = !reports;
  const slot = $('export-slot');
  slot.replaceChildren();
  if (reports) setTimeout(() => slot.replaceChildren(document.createElement('expensely-export')), 400);
  for (const a of document.querySelectorAll('nav a[data-route]')) {
    const target = new URL(a.getAttribute('data-route'), location.origin);
    if (target.pathname === path && !target.hash) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a[data-route]');
  if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  const target = new URL(a.getAttribute('data-route'), location.origin);
  // Keep the query (demo identity, flush interval) across client-side routes. The SDK sees
  // pushState and records a page view for the new route.
  history.pushState({}, '', target.pathname + location.search + target.hash);
  route(target.pathname);
  if (target.hash) document.querySelector(target.hash)?.scrollIntoView({ behavior: 'smooth' });
  else scrollTo(0, 0);
});
addEventListener('popstate', () => route(location.pathname));

$('who').textContent = `${identity.user} · ${identity.account}`;

function notice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}
// Two themes for Cairn's messages, set with CSS custom properties (see app.css).
if (params.get('theme') === 'night') document.documentElement.classList.add('night');
route(location.pathname);
renderExpenses();

// The demo workspace's write key is created through the control-plane API when `cargo xtask`
// bootstraps the edge, which writes it into /demo-config.json next to the app. `?key=` lets
// a local test point the demo at another workspace.
async function demoWriteKey() {
  try {
    const res = await fetch('/demo-config.json', { cache: 'no-store' });
    if (res.ok) return (await res.json()).write_key || '';
  } catch {
    // Reported below.
  }
  return '';
}
const writeKey = params.get('key') || (await demoWriteKey());
if (!writeKey) notice('No write key: start the demo with `cargo xtask dev`, or add ?key=<write key>.');

const flush = Number(params.get('flush'));
cairn.init({
  writeKey,
  endpoint: location.origin,
  wasmUrl: '/cairn_sdk_bg.wasm',
  // `?name=` sets the first name the welcome message greets (`{{user.first_name}}`).
  user: {
    id: identity.user,
    // Your backend signs the user id (HMAC with the workspace's identity secret); the demo
    // takes it from `?hash=` when a test provides one.
    ...(params.get('hash') ? { hash: params.get('hash') } : {}),
    traits: {
      name: identity.user,
      email: `${identity.user}@example.com`,
      role: params.get('role') || 'member',
      ...(params.get('name') ? { first_name: params.get('name') } : {}),
    },
  },
  account: { id: identity.account, traits: { name: identity.account, plan: 'starter', plan_expense_limit: PLAN_LIMIT } },
  ...(flush > 0 ? { flushIntervalMs: flush } : {}),
  debug: params.has('debug'),
}).catch((err) => console.warn('Cairn did not start:', err));
// With ?debug, `cairn.debug()` in the console explains every campaign's verdict.
if (params.has('debug')) window.cairn = cairn;

// The accept link of an invitation email: /accept?token=… (signed, single use). The demo has
// no sign-up: the invitee is whoever `?user=` names.
if (location.pathname === '/accept') {
  const token = params.get('token') || '';
  history.replaceState({}, '', `/${location.search.replace(/([?&])token=[^&]*&?/, '$1').replace(/[?&]$/, '')}`);
  cairn
    .acceptInvite({ token })
    .then(({ account_id, approval_id }) => {
      notice(approval_id
        ? `Welcome to ${account_id}! An approval is waiting for you.`
        : `Welcome to ${account_id}! You joined your team on Expensely.`);
    })
    .catch((err) => notice(`This invitation could not be accepted: ${err.message}`));
}
