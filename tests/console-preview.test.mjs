// The console's live preview is the production renderer: the campaign page's iframe runs the
// SDK's guides module on the draft (built into the message the edge would send, by `protocol`),
// and its shadow DOM matches what the demo app renders for the same document: same texts, same
// structure. The preview follows the draft as it is typed, switches language (French, and
// Arabic right to left), theme and width, and runs under the console's strict CSP. Typing in
// the form while the preview re-renders a modal or a tour step keeps the focus in the form.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fresh, URL_BASE, WORKSPACE, launchChromium, navigate } from './helpers.mjs';
import { signIn, watched } from './console-pages.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The tags and texts of a message's shadow DOM, in document order (ids and styles aside). */
function shape(frame, campaign) {
  return frame.evaluate((id) => {
    const root = document.querySelector('[data-cairn-root]')?.shadowRoot;
    const message = root?.querySelector(`[data-cairn-message="${id}"]`);
    if (!message) return null;
    const out = [];
    const walk = (node, depth) => {
      if (node.nodeType === Node.TEXT_NODE) {
        const t = node.textContent.trim();
        if (t) out.push(`${'  '.repeat(depth)}"${t}"`);
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      out.push(`${'  '.repeat(depth)}<${node.localName}>`);
      for (const child of node.childNodes) walk(child, depth + 1);
    };
    walk(message, 0);
    return out.join('\n');
  }, campaign);
}

async function signedIn(context) {
  const { page, problems } = await watched(context);
  await signIn(page);
  return { page, problems };
}

/** The live preview's frame (the newest: a page change replaces the iframe). */
function previewFrame(page) {
  return page.frames().filter((f) => !f.isDetached() && /\/console\/preview/.test(f.url())).at(-1);
}

/** Polls `probe` (which may fail while the preview reloads) until it returns a truthy value. */
async function until(probe, what, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The text of the preview's message, once it contains `needle`. */
async function shows(page, needle) {
  return until(() => previewFrame(page).evaluate((n) => {
    const t = document.querySelector('[data-cairn-root]')?.shadowRoot?.textContent ?? '';
    return t.includes(n) && t;
  }, needle), `the preview shows ${needle}`);
}

/** The preview iframe's frame, once it has rendered `campaign` (looked up afresh each time:
 *  the preview reloads for every draft, and a page change replaces the iframe). */
async function previewed(page, campaign) {
  return until(async () => {
    const frame = previewFrame(page);
    const done = await frame?.evaluate((id) => document.body.dataset.previewed === 'true'
      && !!document.querySelector('[data-cairn-root]')?.shadowRoot?.querySelector(`[data-cairn-message="${id}"]`), campaign);
    return done && frame;
  }, `the preview of ${campaign}`);
}

test('the preview renders the welcome modal exactly as the demo app does, and follows language, edits, theme and width', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page, problems } = await signedIn(context);
  await navigate(page, `${URL_BASE}/console/#/w/${WORKSPACE.demo}/campaigns/c/welcome`);
  await page.getByRole('heading', { level: 1, name: 'welcome' }).waitFor();
  let frame = await previewed(page, 'welcome');
  const inPreview = await shape(frame, 'welcome');
  assert.match(inPreview, /"Welcome to Expensely"/);
  assert.match(inPreview, /"Hi Alex! Track spending/);

  // The same document in the product: the demo app, for a new user named Alex.
  const demo = await context.newPage();
  await navigate(demo, `${URL_BASE}/?user=${fresh('user')}&account=${fresh('acct')}&name=Alex`);
  await demo.locator('[data-cairn-message="welcome"]').waitFor({ state: 'visible', timeout: 15_000 });
  const inDemo = await shape(demo.mainFrame(), 'welcome');
  assert.equal(inPreview, inDemo, 'the preview and the product render the same structure and texts');
  await demo.close();

  // French, then Arabic (right to left), from the document's translations.
  await page.getByLabel('Language').selectOption('fr');
  await shows(page, 'Bienvenue sur Expensely');
  await page.getByLabel('Language').selectOption('ar');
  await shows(page, 'مرحبًا');
  frame = await previewed(page, 'welcome');
  assert.equal(await frame.evaluate(() => document.querySelector('[data-cairn-root]').shadowRoot.querySelector('[data-cairn-message]').closest('[dir]')?.getAttribute('dir') ?? document.body.dir), 'rtl');
  await page.getByLabel('Language').selectOption('');

  // An edit in the draft shows in the preview; an invalid draft keeps the last valid one.
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  const editor = page.locator('#document');
  const text = await editor.inputValue();
  await editor.fill(text.replace('Welcome to Expensely', 'Welcome aboard'));
  await shows(page, 'Welcome aboard');
  await editor.fill('{ "id": "welcome"');
  await page.getByText('The preview shows the last valid document').waitFor();

  // Dark and branded themes, and the 375 px width.
  await page.getByRole('button', { name: 'Dark' }).click();
  await until(() => previewFrame(page).evaluate(() => document.documentElement.classList.contains('dark') && document.body.dataset.previewed), 'the dark theme');
  frame = previewFrame(page);
  await page.getByRole('button', { name: '375 px' }).click();
  const width = await page.locator('iframe[title="Preview of the campaign"]').evaluate((f) => f.getBoundingClientRect().width);
  assert.equal(Math.round(width), 375);

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation in the console');
  assert.deepEqual(await frame.evaluate(() => window.__csp ?? []), [], 'no CSP violation in the preview');
  // The console asks /me before sign-in: that 401 is expected.
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await context.close();
});

test('a tour previews each step, a checklist each progress', { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await signedIn(context);
  await navigate(page, `${URL_BASE}/console/#/w/${WORKSPACE.demo}/campaigns/c/tour`);
  await page.getByRole('heading', { level: 1, name: 'tour' }).waitFor();
  let frame = await previewed(page, 'tour');
  const steps = await page.getByLabel('Tour step').locator('option').count();
  assert.ok(steps >= 2, `${steps} steps`);
  await shows(page, 'Your reports');
  await page.getByLabel('Tour step').selectOption('1');
  await shows(page, 'Export for your accountant');

  await navigate(page, `${URL_BASE}/console/#/w/${WORKSPACE.demo}/campaigns/c/getting-started`);
  await page.getByRole('heading', { level: 1, name: 'getting-started' }).waitFor();
  frame = await previewed(page, 'getting-started');
  assert.equal(await frame.evaluate(() => document.querySelector("[data-cairn-root]").shadowRoot.querySelectorAll("[data-cairn-task=\"done\"]").length), 0);
  await page.getByLabel('Checklist progress').selectOption('2');
  await until(() => previewFrame(page).evaluate(() => document.querySelector('[data-cairn-root]').shadowRoot.querySelectorAll('[data-cairn-task="done"]').length === 2), 'two tasks done');
  await context.close();
});

test('typing in the form while the preview re-renders a modal or a tour step keeps the focus and every keystroke', { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await signedIn(context);
  for (const [campaign, field, before] of [
    ['welcome', '#f-content-title', 'Welcome to Expensely'],
    ['tour', '#f-content-steps-0-title', 'Your reports'],
  ]) {
    await navigate(page, `${URL_BASE}/console/#/w/${WORKSPACE.demo}/campaigns/c/${campaign}`);
    await page.getByRole('heading', { level: 1, name: campaign }).waitFor();
    await previewed(page, campaign);
    const input = page.locator(field);
    assert.equal(await input.inputValue(), before);
    await input.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' now');
    // The preview reloads with the edit and shows the message, whose renderer moves focus
    // to its button on a page of its own; inside the console's frame it must not.
    await shows(page, `${before} now`);
    assert.equal(await page.evaluate(() => document.activeElement?.id), field.slice(1), 'the focus stayed in the form');
    await page.keyboard.type('!');
    assert.equal(await input.inputValue(), `${before} now!`);
  }
  await context.close();
});
