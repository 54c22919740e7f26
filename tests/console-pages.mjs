// What the console's browser suites share: a page whose CSP violations and errors are
// collected, signing in through the console's form, and an axe-core WCAG 2.2 A/AA check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OWNER, URL_BASE } from './helpers.mjs';

const axeSource = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** A new page of `context`: page errors and console errors go to `problems`, CSP violations
 *  to `window.__csp` (kept per document). */
export async function watched(context) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page, problems };
}

/** Signs `user` in through the console's form; resolves on the workspace picker. */
export async function signIn(page, user = OWNER) {
  // The form is what matters, not the window's `load`: wait for the document, then the field.
  // One navigation in a CI run once waited 30 s for `load` after every request had been
  // answered; a second attempt is logged, so a slow console still shows in the output.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(`${URL_BASE}/console/`, { waitUntil: 'domcontentloaded' });
      await page.getByLabel('Email').waitFor({ timeout: 20_000 });
      break;
    } catch (e) {
      if (attempt === 2) throw e;
      console.log(`# signIn: the console's sign-in form did not appear (${e.message.split('\n')[0]}); loading it again`);
    }
  }
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Workspaces' }).waitFor();
}

/** axe-core on the page as it is: no WCAG 2.2 A/AA violation (`what` names the page). */
export async function axe(page, what) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  }, WCAG);
  assert.deepEqual(violations, [], `${what}: ${violations.join('\n')}`);
}
