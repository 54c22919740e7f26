// Customer-success plays end to end in headless Debian Chromium: the demo app with the SDK
// from pkg/, the edge in workerd, history sent through the public API. A Red account's admin
// is offered the in-product check-in; a promoter, given value first, is asked for a review,
// the smallest ask, thanked once they accept it, and only then asked for a reference; a
// detractor's survey answer reaches the CSM's tools as a webhook.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { WRITE_KEY, URL_BASE, event, fresh, launchChromium, post, setWebhook, stored, track, navigate } from './helpers.mjs';

let browser;
// The CSM's tools: a receiver of the workspace's webhooks.
let receiver;
const hooks = [];
before(async () => {
  browser = await launchChromium();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      hooks.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  assert.equal((await setWebhook(receiver)).status, 200);
});
after(async () => {
  await browser?.close();
  receiver?.close();
});

const day = 86_400_000;

async function send(events) {
  const res = await post('/v1/events', { write_key: WRITE_KEY, events });
  assert.equal(res.status, 200, res.text);
}

/** The demo app as `user` of `account`, with the page's errors collected. */
async function open(user, account, extra = '') {
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await navigate(page, `${URL_BASE}/?user=${user}&account=${account}&flush=300${extra}`);
  return { page, problems };
}

/** The verdicts of the SDK's `debug()` once the SDK is live (`debug()` answers null until
 *  `init` has finished). */
async function verdictsOf(page) {
  await page.waitForFunction(() => window.cairn, null, { timeout: 15_000 });
  return page.evaluate(async () => {
    for (let i = 0; i < 150; i++) {
      const answer = await window.cairn.debug();
      if (answer?.decision) return answer.decision.verdicts;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('debug() gave no decision within 15 s');
  });
}

/** Until `account` has stored an event matching `f`. */
async function until(account, f, what) {
  const end = Date.now() + 15_000;
  for (;;) {
    const { json } = await stored(account);
    if (json.events.some((x) => f(x.event))) return;
    if (Date.now() > end) assert.fail(`${what} was never stored: ${JSON.stringify(json.events.map((x) => x.event).filter((e) => e.type === 'message'))}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test("a Red account's admin sees the check-in offer in the product; a member does not", { timeout: 90_000 }, async () => {
  const account = fresh('red-play');
  // Two months of use that stopped four weeks ago, ten licensed seats: a Red account. Both
  // users saw the welcome modal back when they started.
  await send([
    ...Array.from({ length: 30 }, (_, i) => ({ ...track(account, 'create_expense', i % 2 ? 'boss' : 'pat'), timestamp: Date.now() - (30 + i * 2) * day })),
    ...['boss', 'pat'].map((user) => ({ ...event('message', account, { campaign: 'welcome', action: 'dismissed' }, user), timestamp: Date.now() - 88 * day })),
    event('group', account, { traits: { seats: 10, arr: 60000 } }, 'boss'),
  ]);

  const { page, problems } = await open('boss', account, '&role=admin');
  const offer = page.locator('[data-cairn-message="health-red"]');
  await offer.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await offer.getAttribute('data-cairn-surface'), 'modal');
  assert.match(await offer.innerText(), /Can we help your team get more from Expensely\?/);
  await offer.getByText('Book a session').click();
  await until(account, (e) => e.type === 'message' && e.campaign === 'health-red' && e.action === 'clicked' && e.user_id === 'boss', "the admin's click");
  assert.deepEqual(problems, []);
  await page.close();

  // A member of the same account: the SDK decides, and the check-in is not among its messages.
  const member = await open('pat', account, '&role=member&debug');
  const verdicts = await verdictsOf(member.page);
  const red = verdicts.find((v) => v.campaign === 'health-red');
  assert.equal(red?.verdict, 'audience_mismatch', JSON.stringify(red));
  assert.equal(await member.page.locator('[data-cairn-message="health-red"]').count(), 0);
  await member.page.close();
});

test('a promoter, given value first, is asked for a review in the product, and for a reference only after accepting it', { timeout: 90_000 }, async () => {
  const account = fresh('promoter-play');
  // Ada answered the NPS survey 10 and was shown two messages that asked nothing.
  await send([
    ...[0, 1, 2].map((i) => ({ ...track(account, 'create_expense', 'ada'), timestamp: Date.now() - (3 - i) * day })),
    event('survey', account, { campaign: 'nps', score: 10 }, 'ada'),
    ...['welcome', 'getting-started'].map((campaign) => event('message', account, { campaign, action: 'shown' }, 'ada')),
    event('message', account, { campaign: 'welcome', action: 'dismissed' }, 'ada'),
  ]);
  const { page, problems } = await open('ada', account, '&name=Ada&debug');
  const ask = page.locator('[data-cairn-message="review-ask"]');
  await ask.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await ask.getAttribute('data-cairn-surface'), 'slideout');
  assert.match(await ask.innerText(), /Glad Expensely helps, Ada/);
  // The bigger ask waits for the smaller one.
  const before = await verdictsOf(page);
  assert.equal(before.find((v) => v.campaign === 'reference-ask')?.verdict, 'ask_too_big', JSON.stringify(before));
  await ask.getByText('Write a review').click();
  await until(account, (e) => e.type === 'message' && e.campaign === 'review-ask' && e.action === 'clicked', 'the accepted review ask');
  await page.close();

  // Accepted: the thank-you step, and the reference ask is now offered. The call to action
  // navigated, and the page it landed on (Ada's still) may have shown either before it was
  // closed; the next visit shows what remains. Each is shown exactly once.
  const again = await open('ada', account, '&name=Ada&debug');
  const shown = (campaign) => (e) => e.type === 'message' && e.campaign === campaign && e.action === 'shown';
  await until(account, shown('review-thanks'), 'the thank-you shown');
  await until(account, shown('reference-ask'), 'the reference ask shown');
  const events = (await stored(account)).json.events.map((x) => x.event);
  assert.deepEqual(
    ['review-thanks', 'reference-ask'].map((c) => events.filter(shown(c)).length),
    [1, 1],
    'each shown once',
  );
  const banner = again.page.locator('[data-cairn-message="review-thanks"]');
  if (await banner.count()) assert.match(await banner.innerText(), /Thank you for your review, Ada/);
  const thanks = events.find(shown('review-thanks'));
  assert.ok(events.findIndex(shown('review-thanks')) > events.findIndex((e) => e.campaign === 'review-ask' && e.action === 'clicked'), `thanked after accepting: ${JSON.stringify(thanks)}`);
  assert.deepEqual([...problems, ...again.problems], []);
  await again.page.close();
});

test("a detractor's answer to the in-product NPS survey reaches the CSM's tools as nps.detractor", { timeout: 90_000 }, async () => {
  const account = fresh('detractor-play');
  const { page, problems } = await open('dee', account);
  // The welcome modal first; then four expenses bring the survey (the receipt tip goes first).
  const welcome = page.locator('[data-cairn-message="welcome"]');
  await welcome.waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Escape');
  const expense = async (n) => {
    await page.fill('input[name="description"]', `Taxi ${n}`);
    await page.fill('input[name="amount"]', String(20 + n));
    await page.click('button[data-cairn-feature="create_expense"]');
    await page.waitForSelector(`#expenses li:nth-child(${n})`);
  };
  for (let n = 1; n <= 2; n++) await expense(n);
  const tip = page.locator('[data-cairn-message="receipt-tip"]');
  await tip.waitFor({ state: 'visible', timeout: 15_000 });
  await tip.locator('[data-cairn-action="dismiss"]').click();
  for (let n = 3; n <= 4; n++) await expense(n);
  const nps = page.locator('[data-cairn-message="nps"]');
  await nps.waitFor({ state: 'visible', timeout: 15_000 });
  await nps.locator('[data-cairn-score="3"]').click();
  await nps.locator('[data-cairn-comment]').fill('Approvals take days');
  await nps.locator('[data-cairn-action="send"]').click();
  const end = Date.now() + 20_000;
  let hook;
  while (!(hook = hooks.find((h) => h.type === 'nps.detractor' && h.data.account_id === account))) {
    if (Date.now() > end) assert.fail(`no nps.detractor for ${account}: ${JSON.stringify(hooks.map((h) => h.type))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual([hook.data.answer.user_id, hook.data.answer.score, hook.data.answer.comment], ['dee', 3, 'Approvals take days']);
  assert.deepEqual(problems, []);
  await page.close();
});
