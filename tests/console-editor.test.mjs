// The console's campaign form editor in headless Debian Chromium against the worker in
// workerd: a banner built with the form alone (audience "account uses of create_expense this
// month ≥ 3", a French translation), the audience's sentence, the JSON view holding the same
// document, problems shown at their field as you type, the draft created and its page shown.
// Zero CSP violations; axe-core finds no WCAG 2.2 A/AA violation on the form, light and dark,
// with a nested audience tree.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fresh, URL_BASE, WORKSPACE, launchChromium, navigate } from './helpers.mjs';
import { axe, signIn, watched } from './console-pages.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
  mkdirSync('test-results', { recursive: true });
});

after(async () => {
  await browser?.close();
});


const open = watched;

/** Signs the owner in and opens the new-campaign page of the demo workspace. */
async function newCampaign(page) {
  await signIn(page);
  await navigate(page, `${URL_BASE}/console/#/w/${encodeURIComponent(WORKSPACE.demo)}/campaigns/new`);
  await page.getByRole('heading', { level: 1, name: 'New campaign' }).waitFor();
  await page.locator('#f-id').waitFor();
}


const sentence = (page) => page.locator('#audience-sentence strong');

/** The audience "account uses of create_expense this month ≥ 3", with the form alone. */
async function usageAudience(page) {
  await page.getByRole('button', { name: 'Add a condition' }).click();
  await page.locator('#f-audience-gte-0-usage-feature').fill('create_expense');
  assert.equal(await page.locator('#f-audience-gte-0-usage-scope').inputValue(), 'account');
  assert.equal(await page.locator('#f-audience-gte-0-usage-window').inputValue(), 'month');
  await page.locator('#f-audience-gte-1-value').fill('3');
}

test('a banner built with the form alone: sentence, JSON view, errors at their field, the draft created', { timeout: 120_000 }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await open(context);
  await newCampaign(page);
  // Only the signed-out probe of /me (401) came before: from here on, nothing may fail.
  assert.ok(problems.every((p) => /status of 401/.test(p)), problems.join('\n'));
  problems.length = 0;

  // The form is the default view, over the starter document.
  assert.equal(await page.getByRole('button', { name: 'Form', exact: true }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.getByRole('button', { name: 'JSON', exact: true }).getAttribute('aria-pressed'), 'false');
  assert.equal(await page.locator('#f-id').inputValue(), 'new-campaign');
  assert.equal(await page.locator('#f-surface').inputValue(), 'banner');
  assert.equal(await page.locator('#document').count(), 0, 'the JSON view is not shown');

  const id = fresh('form');
  await page.getByLabel('Campaign id').fill(id);
  await page.getByLabel('Surface').selectOption('banner');
  await page.getByLabel('Recurrence').selectOption('until_dismissed');
  await page.getByLabel('Title', { exact: true }).fill('Track every expense');
  await page.getByLabel('Body', { exact: true }).fill('Scan receipts **in seconds**.');
  assert.match(await page.locator('#f-content-body-hint').innerText(), /\*\*bold\*\*/);

  // The audience, and its sentence above the builder.
  assert.equal(await sentence(page).innerText(), 'Everyone');
  await usageAudience(page);
  await sentence(page).filter({ hasText: /^account uses of create_expense this month ≥ 3$/ }).waitFor();
  // The other side as an account trait reads as the trait.
  await page.locator('#f-audience-gte-1-kind').selectOption('account_trait');
  await page.locator('#f-audience-gte-1-account_trait').fill('plan_expense_limit');
  await page.locator('#f-audience-op').selectOption('gt');
  await sentence(page).filter({ hasText: /^account uses of create_expense this month > plan_expense_limit$/ }).waitFor();
  await page.locator('#f-audience-op').selectOption('gte');
  await page.locator('#f-audience-gte-1-kind').selectOption('value');
  await page.locator('#f-audience-gte-1-value').fill('3');
  await sentence(page).filter({ hasText: /^account uses of create_expense this month ≥ 3$/ }).waitFor();

  // A French translation.
  await page.getByLabel('New locale').fill('FR!');
  await page.getByRole('button', { name: 'Add translation' }).click();
  await page.locator('#new-locale-error').filter({ hasText: 'A locale such as' }).waitFor();
  await page.getByLabel('New locale').fill('fr');
  await page.getByRole('button', { name: 'Add translation' }).click();
  await page.getByLabel('Title (fr)').fill('Suivez chaque dépense');
  await page.getByLabel('Body (fr)').fill('Scannez vos reçus **en quelques secondes**.');
  assert.equal(await page.locator('fieldset[data-locale="fr"] legend').innerText(), 'Translation: fr');

  // Problems as you type, at their field: an empty title, then a delay out of range and not a number.
  const create = page.getByRole('button', { name: 'Create draft' });
  const title = page.getByLabel('Title', { exact: true });
  await title.fill('');
  await page.locator('#f-content-title-error').filter({ hasText: 'must be 1-200 characters' }).waitFor();
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  assert.match(await title.getAttribute('aria-describedby'), /f-content-title-error/);
  assert.equal(await page.locator('#form-problem').getAttribute('data-field'), 'content.title');
  assert.equal(await create.isDisabled(), true);
  await page.getByRole('button', { name: 'Go to the field' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-content-title');
  await title.fill('Track every expense');
  await page.waitForFunction(() => document.getElementById('f-content-title-error')?.textContent === '');
  assert.equal(await title.getAttribute('aria-invalid'), 'false');

  const delay = page.getByLabel('Delay (seconds, 0-300)');
  await delay.fill('999');
  await page.locator('#f-delay_seconds-error').filter({ hasText: 'must be 0-300' }).waitFor();
  assert.equal(await delay.getAttribute('aria-invalid'), 'true');
  await delay.fill('soon');
  await page.locator('#f-delay_seconds-error').filter({ hasText: 'invalid type' }).waitFor();
  assert.equal(await delay.inputValue(), 'soon', 'what was typed stays');
  await delay.fill('');
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  assert.equal(await delay.getAttribute('aria-invalid'), 'false');
  assert.equal(await create.isDisabled(), false);
  await page.screenshot({ path: 'test-results/console-editor-form.png', fullPage: true });

  // The JSON view holds the very document, laid out in the starter's order.
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  assert.equal(await page.getByRole('button', { name: 'JSON', exact: true }).getAttribute('aria-pressed'), 'true');
  const editor = page.locator('#document');
  const text = await editor.inputValue();
  assert.deepEqual(JSON.parse(text), {
    id,
    surface: 'banner',
    recurrence: 'until_dismissed',
    audience: { gte: [{ usage: { feature: 'create_expense', scope: 'account', window: 'month' } }, { value: 3 }] },
    content: {
      title: 'Track every expense',
      body: 'Scan receipts **in seconds**.',
      locales: { fr: { title: 'Suivez chaque dépense', body: 'Scannez vos reçus **en quelques secondes**.' } },
    },
  });
  assert.ok(text.startsWith(`{\n  "id": "${id}",\n  "surface": "banner",\n  "recurrence"`), text);
  assert.equal(await page.locator('#f-id').count(), 0, 'the form is not shown');

  // Not JSON: the form says so and offers nothing; fixed, it is back with the JSON's values.
  await editor.fill(text.slice(0, 40));
  await page.getByRole('button', { name: 'Form', exact: true }).click();
  await page.getByText('The document is not a JSON object').waitFor();
  assert.equal(await page.locator('#f-id').count(), 0, 'no field of the form');
  assert.equal(await page.locator('.form-editor').count(), 0, 'nothing of the form');
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  await editor.fill(text.replace(`"id": "${id}"`, `"id": "${id}", "priority": 20`));
  await page.getByRole('button', { name: 'Form', exact: true }).click();
  assert.equal(await page.getByLabel('Priority (0-1000)').inputValue(), '20');
  assert.equal(await page.locator('#f-audience-gte-0-usage-feature').inputValue(), 'create_expense');
  await sentence(page).filter({ hasText: /^account uses of create_expense this month ≥ 3$/ }).waitFor();

  // Created as a draft: the campaign's page.
  await create.click();
  await page.getByRole('heading', { level: 1, name: id }).waitFor();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  // The campaign page opens on the form too; its JSON view holds the saved draft.
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  assert.match(await page.locator('#document').inputValue(), /"create_expense"/);
  assert.match(await page.locator('#document').inputValue(), /"priority": 20/);

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a nested audience, a fact trigger, tour steps, an experiment, a checklist and a tooltip: the sentence follows, the document stays valid', { timeout: 120_000 }, async () => {
  const context = await browser.newContext();
  const { page, problems } = await open(context);
  await newCampaign(page);
  // Only the signed-out probe of /me (401) came before: from here on, nothing may fail.
  assert.ok(problems.every((p) => /status of 401/.test(p)), problems.join('\n'));
  problems.length = 0;
  await usageAudience(page);

  // A group of two, one of them a negated page.
  await page.locator('#f-audience-kind').selectOption('all');
  await sentence(page).filter({ hasText: /^account uses of create_expense this month ≥ 3$/ }).waitFor();
  await page.getByRole('button', { name: 'Add condition', exact: true }).click();
  await page.locator('#f-audience-all-1-kind').selectOption('page');
  await page.locator('#f-audience-all-1-page').fill('/reports/*');
  await page.locator('#f-audience-all-1-kind').selectOption('not');
  await page.locator('#f-audience-all-1-not-kind').selectOption('page');
  await page.locator('#f-audience-all-1-not-page').fill('/settings');
  await sentence(page).filter({ hasText: /^account uses of create_expense this month ≥ 3 and not \(on page \/settings\)$/ }).waitFor();
  await page.getByRole('button', { name: 'Add group', exact: true }).click();
  await page.locator('#f-audience-all-2-any-0-gte-0-kind').selectOption('computed');
  await page.locator('#f-audience-all-2-any-0-gte-0-computed').selectOption('health_score');
  await page.locator('#f-audience-all-2-any-0-gte-1-value').fill('70');
  await sentence(page).filter({ hasText: /and \(health score ≥ 70\)$|and health score ≥ 70$/ }).waitFor();
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  assert.equal(await page.getByRole('group', { name: 'Condition 3' }).count(), 1);

  // A tour: a first step given, one added and moved up.
  await page.getByLabel('Surface').selectOption('tour');
  await page.locator('#f-content-steps-0-title').fill('First');
  await page.getByRole('button', { name: 'Add step' }).click();
  await page.locator('#f-content-steps-1-title').fill('Second');
  await page.getByRole('button', { name: 'Move step 2 up' }).click();
  assert.equal(await page.locator('#f-content-steps-0-title').inputValue(), 'Second');
  await page.locator('#f-content-steps-0-page').fill('reports');
  await page.locator('#f-content-steps-0-page-error').filter({ hasText: /\S/ }).waitFor();
  await page.locator('#f-content-steps-0-page').fill('/reports');
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();

  // An experiment with a variant.
  await page.getByRole('button', { name: 'Add an experiment' }).click();
  await page.getByRole('button', { name: 'Add variant' }).click();
  await page.getByLabel('Holdout (%)').fill('150');
  await page.locator('#form-problem').filter({ hasText: 'experiment.holdout_percent' }).waitFor();
  await page.getByLabel('Holdout (%)').fill('20');
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  // The variant's own content starts as a copy of the campaign's; its texts are in the form.
  await page.getByRole('button', { name: 'Give this variant its own content' }).click();
  await page.getByLabel('Variant title').fill('');
  await page.locator('#f-experiment-variants-0-content-title-error').filter({ hasText: /\S/ }).waitFor();
  await page.getByLabel('Variant title').fill('A shorter tour');
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();

  // A trigger on a fact: the same builder, its own sentence.
  await page.getByLabel('Trigger').selectOption('fact');
  await page.locator('#fact-sentence strong').filter({ hasText: /^account uses of feature_name this month ≥ 1$/ }).waitFor();
  await page.locator('#f-trigger-fact-gte-0-usage-feature').fill('submit_expense');
  await page.locator('#f-trigger-fact-gte-0-usage-window').selectOption('last_days');
  await page.locator('#f-trigger-fact-gte-0-usage-window-last_days').fill('7');
  await page.locator('#fact-sentence strong').filter({ hasText: /^account uses of submit_expense in the last 7 days ≥ 1$/ }).waitFor();
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();

  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  const doc = JSON.parse(await page.locator('#document').inputValue());
  assert.deepEqual(doc.content.steps.map((s) => s.title), ['Second', 'First']);
  const [variant] = doc.experiment.variants;
  assert.deepEqual([doc.experiment.holdout_percent, variant.id, variant.weight], [20, 'variant-1', 1]);
  assert.equal(variant.content.title, 'A shorter tour');
  assert.deepEqual(variant.content.steps, doc.content.steps, 'the rest of the content was copied');
  assert.deepEqual(doc.audience.all[1], { not: { page: '/settings' } });
  assert.deepEqual(doc.trigger, { fact: { gte: [{ usage: { feature: 'submit_expense', scope: 'account', window: { last_days: 7 } } }, { value: 1 }] } });

  // A checklist (the steps go, a first task comes), then a tooltip with its anchor.
  await page.getByRole('button', { name: 'Form', exact: true }).click();
  await page.getByLabel('Surface').selectOption('checklist');
  await page.locator('#f-content-tasks-0-label').fill('Submit an expense');
  await page.locator('#f-content-tasks-0-event').fill('');
  await page.locator('#f-content-tasks-0-event-error').filter({ hasText: /\S/ }).waitFor();
  await page.locator('#f-content-tasks-0-event').fill('submit_expense');
  await page.getByRole('button', { name: 'Add task' }).click();
  await page.getByRole('button', { name: 'Move task 2 up' }).click();
  assert.equal(await page.locator('#f-content-tasks-1-label').inputValue(), 'Submit an expense');
  assert.equal(await page.locator('#f-content-steps-0-title').count(), 0);
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  await page.getByLabel('Surface').selectOption('tooltip');
  await page.getByLabel('Anchor name (data-cairn-anchor)').fill('submit button');
  await page.locator('#f-content-anchor-name-error').filter({ hasText: /\S/ }).waitFor();
  await page.getByLabel('Anchor name (data-cairn-anchor)').fill('submit-button');
  await page.locator('#document-status').filter({ hasText: 'Valid campaign document.' }).waitFor();
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  const tooltip = JSON.parse(await page.locator('#document').inputValue());
  assert.equal(tooltip.surface, 'tooltip');
  assert.deepEqual(tooltip.content.anchor, { name: 'submit-button' });
  assert.equal(tooltip.content.tasks, undefined);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violation');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const scheme of ['light', 'dark']) test(`axe-core finds no WCAG 2.2 A/AA violation on the form editor (${scheme})`, { timeout: 120_000 }, async () => {
  // axe is injected by the test, not the app: this context bypasses the CSP (checked above).
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  await newCampaign(page);
  await usageAudience(page);
  await page.locator('#f-audience-kind').selectOption('any');
  await page.getByRole('button', { name: 'Add group', exact: true }).click();
  await page.locator('#f-audience-any-1-any-0-gte-0-kind').selectOption('event_count');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.getByLabel('New locale').fill('ar');
  await page.getByRole('button', { name: 'Add translation' }).click();
  await page.getByRole('button', { name: 'Add a 0-10 survey question' }).click();
  await page.getByLabel('Trigger').selectOption('event');
  await page.getByLabel('Recurrence').selectOption('times');
  await page.getByLabel('Title', { exact: true }).fill('');
  await page.locator('#f-content-title-error').filter({ hasText: /\S/ }).waitFor();
  await axe(page, `form editor (${scheme})`);
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/console-editor-${scheme}-${width}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
    assert.equal(overflow, false, `no horizontal scrolling at ${width} px`);
  }
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  await axe(page, `JSON view (${scheme})`);
  await context.close();
});
