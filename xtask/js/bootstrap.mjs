// The demo's (and the test suites') bootstrap, through the control-plane API only: the demo
// owner (a setup link minted with the worker's control key), workspaces, write and secret
// keys, allowed origins, settings, identity secrets, an approver, and every campaign taken
// through review and publication. Nothing reaches D1 by hand-written SQL.
//
// Run by `cargo xtask` once `wrangler dev` answers /v1/health:
//   CAIRN_URL=http://127.0.0.1:8787 CAIRN_CONTROL_KEY=<hex> CAIRN_OWNER_PASSWORD=<pw> \
//     node xtask/js/bootstrap.mjs
// Optional: CAIRN_APPROVER_PASSWORD (random otherwise); CAIRN_FIXTURES=test adds the test
// suites' workspaces (hostile, quiet, verified); CAIRN_EXTRA_WORKSPACES=<file> adds the
// workspaces a JSON file describes: {"<name>":{"name","debug"?,"origins"?,"secret_key"?
// (a label),"settings"?,"identity"?("rotate"|"enforce"),"campaigns"?:[documents]}}.
//
// Prints ONE line of JSON on stdout (progress goes to stderr):
// {"owner":{"email","password"},"approver":{"email","password"},
//  "workspaces":{"demo":{"id","write_key","secret_key","identity_secret"},"other":{…},…}}
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { ConsoleClient, addMember, publishCampaign, setupUser } from '../../tests/console-client.mjs';

const root = new URL('../../', import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const log = (...args) => console.error('bootstrap:', ...args);

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const password = () => randomBytes(15).toString('base64url');

/** The campaign documents of the demo, sorted by file name. */
function demoCampaigns() {
  const dir = 'demo-app/seed/campaigns/';
  return readdirSync(new URL(dir, root))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readJson(dir + f));
}

/** What to create: one entry per workspace of the output. */
function plan(base, { fixtures, extra }) {
  const { port, protocol } = new URL(base);
  const suffix = port ? `:${port}` : '';
  const local = [`${protocol}//127.0.0.1${suffix}`, `${protocol}//localhost${suffix}`];
  const workspaces = {
    demo: {
      name: 'Expensely (demo)',
      debug: true,
      origins: local,
      secret_key: 'local',
      settings: readJson('demo-app/seed/settings.json'),
      identity: 'rotate',
      campaigns: demoCampaigns(),
    },
    other: { name: 'Another vendor', origins: ['https://other.example'] },
  };
  if (fixtures) {
    // Markup, event handlers and `javascript:` links in every text (rendered as inert text);
    // a workspace without campaigns (the SDK only tracks); one that enforces signed identities.
    workspaces.hostile = { name: 'hostile', origins: local, campaigns: [readJson('tests/fixtures/hostile.json')] };
    workspaces.quiet = { name: 'quiet', origins: local };
    workspaces.verified = { name: 'verified', origins: local, identity: 'enforce' };
    // Workspace analytics: an experiment with a goal, and an NPS survey.
    workspaces.lab = {
      name: 'lab',
      origins: local,
      secret_key: 'lab',
      campaigns: ['trial', 'pulse', 'veteran', 'setup', 'launch', 'threads'].map((c) => readJson(`tests/fixtures/${c}.json`)),
    };
  }
  for (const [key, spec] of Object.entries(extra)) workspaces[key] = { origins: local, ...spec };
  return workspaces;
}

async function main() {
  const base = env('CAIRN_URL').replace(/\/+$/, '');
  const controlKey = env('CAIRN_CONTROL_KEY');
  const owner = { email: 'owner@expensely.example', password: env('CAIRN_OWNER_PASSWORD') };
  const approver = { email: 'approver@expensely.example', password: process.env.CAIRN_APPROVER_PASSWORD || password() };
  const extraFile = process.env.CAIRN_EXTRA_WORKSPACES;
  const workspaces = plan(base, {
    fixtures: process.env.CAIRN_FIXTURES === 'test',
    extra: extraFile ? JSON.parse(readFileSync(extraFile, 'utf8')) : {},
  });

  log(`console user ${owner.email} (setup link minted with the control key)`);
  const ownerClient = await setupUser(base, controlKey, { ...owner, name: 'Demo owner' });
  if (!ownerClient.cookie) await ownerClient.signIn(owner.email, owner.password);
  const out = { owner, approver, workspaces: {} };

  for (const [key, spec] of Object.entries(workspaces)) {
    const { workspace } = await ownerClient.ok('POST', '/console/api/workspaces', { name: spec.name });
    const ws = workspace.id;
    const at = (rest) => ConsoleClient.ws(ws, rest);
    const result = { id: ws };
    log(`workspace "${spec.name}" (${ws})`);

    const { write_key } = await ownerClient.ok('POST', at('/write-keys'), { label: key, debug: Boolean(spec.debug) });
    result.write_key = write_key.key;
    await ownerClient.ok('PUT', at('/origins'), { origins: spec.origins ?? [] });
    if (spec.secret_key) {
      result.secret_key = (await ownerClient.ok('POST', at('/secret-keys'), { label: spec.secret_key })).secret;
    }
    if (spec.settings) {
      const { version } = await ownerClient.ok('GET', at('/settings'));
      await ownerClient.ok('PUT', at('/settings'), { base_version: version, document: spec.settings });
    }
    if (spec.identity) {
      result.identity_secret = (await ownerClient.ok('POST', at('/identity/rotate'))).secret;
      if (spec.identity === 'enforce') await ownerClient.ok('PUT', at('/identity'), { enforce: true });
    }

    const campaigns = spec.campaigns ?? [];
    if (campaigns.length > 0) {
      // Review before publish: the owner drafts (as editor), the approver approves and
      // publishes (approver + executor); no role implies another.
      const approverClient = await addMember(base, ownerClient, ws, { ...approver, roles: ['approver', 'executor'], name: 'Demo approver' });
      if (!approverClient.cookie) await approverClient.signIn(approver.email, approver.password);
      const { members } = await ownerClient.ok('GET', at('/members'));
      const me = members.find((m) => m.email === owner.email);
      if (!me) throw new Error(`${owner.email} is not a member of ${ws}`);
      await ownerClient.ok('PUT', at(`/members/${encodeURIComponent(me.user_id)}`), { roles: [...new Set([...me.roles, 'editor'])] });
      for (const document of campaigns) {
        await publishCampaign({ editor: ownerClient, approver: approverClient, executor: approverClient }, ws, document);
      }
      log(`  ${campaigns.length} campaign(s) published`);
    }
    out.workspaces[key] = result;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  console.error(`bootstrap: ${err.stack || err}`);
  process.exit(1);
});
