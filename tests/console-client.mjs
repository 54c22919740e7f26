// A client of the control-plane API (`/console/api`) as curl or a script would use it: a
// cookie jar for the `__Host-` session cookie, the CSRF `Origin` header and JSON bodies.
// Used by the demo's bootstrap (`xtask/js/bootstrap.mjs`) and by the test suites.

export class ConsoleClient {
  /** @param {string} base the worker's origin, e.g. http://127.0.0.1:8787 */
  constructor(base) {
    this.base = base;
    this.cookie = null;
  }

  /** A request; answers `{status, json, text, headers}` and keeps a session cookie it is sent. */
  async call(method, path, body, { origin = this.base, headers = {}, contentType = 'application/json' } = {}) {
    const h = { ...headers };
    if (method !== 'GET' && method !== 'HEAD') {
      if (origin) h.origin = origin;
      if (contentType) h['content-type'] = contentType;
    }
    if (this.cookie) h.cookie = this.cookie;
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? (method === 'GET' || method === 'HEAD' ? undefined : '{}') : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const set = res.headers.getSetCookie?.() ?? [];
    for (const c of set) {
      const [pair] = c.split(';');
      if (pair.startsWith('__Host-cairn_session=')) {
        this.cookie = /Max-Age=0/i.test(c) ? null : pair;
      }
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* left null: the caller asserts on it */ }
    return { status: res.status, json, text, headers: res.headers };
  }

  /** Like `call`, but throws with the answer unless the status is 2xx. */
  async ok(method, path, body, opts) {
    const r = await this.call(method, path, body, opts);
    if (r.status < 200 || r.status > 299) {
      throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
    }
    return r.json;
  }

  async signIn(email, password) {
    return this.ok('POST', '/console/api/session', { email, password });
  }

  /** The workspace-scoped path `/console/api/workspaces/{ws}{rest}`. */
  static ws(ws, rest = '') {
    return `/console/api/workspaces/${encodeURIComponent(ws)}${rest}`;
  }
}

/** Mints a setup link with the worker's control key and spends it: a new console user. */
export async function setupUser(base, controlKey, { email, password, name = '' }) {
  const link = await fetch(`${base}/console/api/setup-link`, {
    method: 'POST',
    headers: { authorization: `Bearer ${controlKey}`, 'content-type': 'application/json', origin: base },
    body: '{}',
  });
  if (link.status !== 201) throw new Error(`setup-link → ${link.status} ${await link.text()}`);
  const { url } = await link.json();
  const token = new URL(url).searchParams.get('token');
  const client = new ConsoleClient(base);
  await client.ok('POST', '/console/api/setup', { token, email, password, name });
  return client;
}

/**
 * Invites `email` into `ws` with `roles` (as `inviter`) and accepts the invitation with
 * `password`: a signed-in client for the new member.
 */
export async function addMember(base, inviter, ws, { email, password, roles, name = '' }) {
  const { url } = await inviter.ok('POST', ConsoleClient.ws(ws, '/invitations'), { email, roles });
  const token = new URL(url).searchParams.get('token');
  const client = new ConsoleClient(base);
  await client.ok('POST', '/console/api/invitations/accept', { token, password, name });
  return client;
}

/**
 * Takes a campaign document through the front door: the editor drafts and submits it, the
 * approver approves it, the executor publishes it. Answers the published campaign.
 */
export async function publishCampaign({ editor, approver, executor = approver }, ws, document) {
  const created = await editor.ok('POST', ConsoleClient.ws(ws, '/campaigns'), { document });
  const id = created.campaign.id;
  const hash = created.campaign.working.hash;
  const path = (rest) => ConsoleClient.ws(ws, `/campaigns/${encodeURIComponent(id)}${rest}`);
  await editor.ok('POST', path('/submit'), { hash });
  await approver.ok('POST', path('/reviews'), { hash, verdict: 'approve' });
  return (await executor.ok('POST', path('/publish'), { hash })).campaign;
}
