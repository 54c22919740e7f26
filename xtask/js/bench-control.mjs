// The control plane in workerd: the median of N console sign-ins (argon2id, m=19 MiB, t=2,
// p=1, plus a session write) next to the median of N empty requests (the floor), and the
// publish-to-visible delay: from a publish's answer to the first /v1/decide that shows the
// new revision (polled back to back), and the console's time to interactive: in headless
// Debian Chromium, from navigation start to a campaign list of 20 rows on screen (its links
// can be followed), cold (first load) and warm (reloads, cached assets).
// Env: CAIRN_URL, CAIRN_CONTROL_KEY. One JSON line out.
import { ConsoleClient, addMember, setupUser } from '../../tests/console-client.mjs';

const base = process.env.CAIRN_URL;
const key = process.env.CAIRN_CONTROL_KEY;
const n = Number(process.env.CAIRN_BENCH_N || 30);
const email = `bench-${Date.now()}@bench.example`;
const password = 'a bench password that is long';
const owner = await setupUser(base, key, { email, password });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}
const floor = [];
const signIn = [];
for (let i = 0; i < n; i++) {
  floor.push(await time(() => fetch(`${base}/v1/health`).then((r) => r.text())));
  // A fresh client address each time, so the rate limit of failed sign-ins never applies.
  signIn.push(await time(async () => {
    const r = await fetch(`${base}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email, password }),
    });
    if (r.status !== 200) throw new Error(`sign-in: ${r.status} ${await r.text()}`);
  }));
}
// Publish to visible.
const { workspace } = await owner.ok('POST', '/console/api/workspaces', { name: 'bench' });
const ws = (rest) => ConsoleClient.ws(workspace.id, rest);
await owner.ok('PUT', ws(`/members/${(await owner.ok('GET', '/console/api/me')).user.id}`), { roles: ['owner', 'editor'] });
const { write_key } = await owner.ok('POST', ws('/write-keys'), {});
const approver = await addMember(base, owner, workspace.id, {
  email: `approver-${Date.now()}@bench.example`, password, roles: ['approver', 'executor'],
});
const visible = [];
for (let i = 0; i < Math.min(n, 10); i++) {
  const title = `Revision ${i}`;
  const document = { id: 'bench', surface: 'banner', recurrence: 'once', content: { title, body: 'b' } };
  const edited = i === 0
    ? await owner.ok('POST', ws('/campaigns'), { document })
    : await owner.ok('PUT', ws('/campaigns/bench/draft'), { document });
  const hash = edited.campaign.working.hash;
  await owner.ok('POST', ws('/campaigns/bench/submit'), { hash });
  await approver.ok('POST', ws('/campaigns/bench/reviews'), { hash, verdict: 'approve' });
  await approver.ok('POST', ws('/campaigns/bench/publish'), { hash });
  const published = performance.now();
  for (;;) {
    const r = await fetch(`${base}/v1/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ write_key: write_key.key, user_id: `u${i}`, account_id: 'bench' }),
    }).then((x) => x.json());
    if (r.decision.messages.some((m) => m.content?.title === title)) break;
    if (performance.now() - published > 60_000) throw new Error('never visible');
  }
  visible.push(performance.now() - published);
}
// The console: 19 more campaigns, then the list's time to interactive.
for (let i = 1; i < 20; i++) {
  await owner.ok('POST', ws('/campaigns'), { document: { id: `bench-${i}`, surface: 'banner', recurrence: 'once', content: { title: `t${i}`, body: 'b' } } });
}
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(`${base}/console/`);
await page.getByLabel('Email').fill(email);
await page.getByLabel('Password').fill(password);
await page.keyboard.press('Enter');
await page.getByRole('heading', { level: 1, name: 'Workspaces' }).waitFor();
const listUrl = `${base}/console/#/w/${workspace.id}/campaigns`;
/** Navigates to the list; ms from navigation start to 20 rows with their links. */
async function tti(cache) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: !cache });
  await page.goto('about:blank');
  await page.goto(listUrl);
  const ms = await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr a[href]').length >= 20 && performance.now());
  await cdp.detach();
  return ms.jsonValue();
}
const cold = [];
const warm = [];
for (let i = 0; i < 10; i++) {
  cold.push(await tti(false));
  warm.push(await tti(true));
}
await browser.close();
const out = {
  console_list_tti_cold_median_ms: +median(cold).toFixed(0),
  console_list_tti_warm_median_ms: +median(warm).toFixed(0),
  publish_to_visible_median_ms: +median(visible).toFixed(1),
  publish_to_visible_max_ms: +Math.max(...visible).toFixed(1),
  sign_in_median_ms: +median(signIn).toFixed(1),
  floor_median_ms: +median(floor).toFixed(1),
  argon2_and_session_ms: +(median(signIn) - median(floor)).toFixed(1),
  n,
};
console.log(JSON.stringify(out));
