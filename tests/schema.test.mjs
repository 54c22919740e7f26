// The JSON Schemas in docs/schema/ (generated from protocol's types by `cargo xtask schema`)
// accept every seeded document and reject what the edge rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';

const load = (path) => JSON.parse(readFileSync(path, 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
const campaign = ajv.compile(load('docs/schema/campaign.schema.json'));
const settings = ajv.compile(load('docs/schema/settings.schema.json'));

test('every seeded campaign and the seeded settings match their schema', () => {
  const dir = 'demo-app/seed/campaigns';
  for (const name of readdirSync(dir)) {
    const ok = campaign(load(`${dir}/${name}`));
    assert.ok(ok, `${name}: ${JSON.stringify(campaign.errors)}`);
  }
  assert.ok(settings(load('demo-app/seed/settings.json')), JSON.stringify(settings.errors));
});

test('the schema rejects unknown fields, wrong types and unknown kinds', () => {
  const welcome = load('demo-app/seed/campaigns/welcome.json');
  for (const bad of [
    { ...welcome, colour: 'red' },
    { ...welcome, recurrence: 'twice' },
    { ...welcome, priority: 'high' },
    { ...welcome, trigger: { hover: '#x' } },
    { ...welcome, audience: { gte: [{ usage: { feature: 'x', window: 'fortnight' } }, { value: 1 }] } },
    { ...welcome, content: { title: 'T' } },
  ]) {
    assert.equal(campaign(bad), false, JSON.stringify(bad));
  }
});
