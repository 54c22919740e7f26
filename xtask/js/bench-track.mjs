// track() of Cairn against capture() of posthog-js, in the same headless Chromium page.
//
// Both SDKs are loaded from disk into one page served by a loopback HTTP server here, which
// also answers both SDKs' endpoints; page.route aborts any request to another origin, so
// nothing leaves the machine. (Answering the endpoints with page.route itself would put
// DevTools request interception, several ms per request, into the page's tasks.) For each size (200 and 5,000
// calls) the two run alternately for several rounds, each in a fresh synchronous loop of
// calls with the same properties; the per-call figure is the median round's loop time over
// the number of calls. After each loop the page idles so the SDKs' deferred work (Cairn's
// storage writes and batches, posthog-js's) runs and counts towards the longest task, which
// a PerformanceObserver('longtask') records for the whole run. Speed is measured, never
// asserted: the printed figures are the result.
//
// Usage: node xtask/js/bench-track.mjs (after `cargo xtask build`). Prints a table, then one
// JSON line (`{"track":…}`) for scripts.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SIZES = [200, 5000];
const ROUNDS = Number(process.env.BENCH_ROUNDS || 7);
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const PAGE = `<!doctype html><html><head><title>bench</title></head><body>
<script type="module">
import * as cairn from '/pkg/index.js';
import posthog from '/posthog/module.js';
window.longest = 0;
window.tasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    window.longest = Math.max(window.longest, e.duration);
    window.tasks.push(Math.round(e.duration));
  }
}).observe({ type: 'longtask', buffered: true });
await cairn.init({ writeKey: 'wk_bench', endpoint: location.origin, user: { id: 'u1' }, account: { id: 'a1' } });
posthog.init('phc_bench', { api_host: location.origin, autocapture: false, capture_pageview: false,
  capture_pageleave: false, disable_session_recording: true, disable_surveys: true, advanced_disable_flags: true });
const props = (i) => ({ amount: 42 + i, currency: 'USD', plan: 'starter', source: 'bench' });
window.run = async (lib, n) => {
  window.longest = 0;
  window.tasks = [];
  const call = lib === 'cairn' ? (i) => cairn.track('create_expense', props(i)) : (i) => posthog.capture('create_expense', props(i));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) call(i);
  const loop = performance.now() - t0;
  // The work the calls queued as microtasks in this task (Cairn hands its buffered calls to
  // the core there) counts as the calls' own cost.
  await null;
  const ms = performance.now() - t0;
  // Let deferred work (storage writes, batches) run inside the observed window.
  await new Promise((r) => setTimeout(r, 1500));
  return { ms, loop, longest: window.longest, tasks: window.tasks };
};
window.ready = true;
</script></body></html>`;

async function serve(req, res) {
  const url = new URL(req.url, 'http://localhost');
  req.resume(); // bodies are read and ignored
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*' });
    res.end(body);
  };
  let file;
  if (url.pathname === '/') return send(200, 'text/html', PAGE);
  if (url.pathname.startsWith('/pkg/')) file = join(ROOT, 'pkg', 'src', normalize(url.pathname.slice(5)));
  else if (url.pathname.startsWith('/posthog/')) file = join(ROOT, 'node_modules', 'posthog-js', 'dist', normalize(url.pathname.slice(9)));
  if (file) {
    try {
      return send(200, TYPES[extname(file)] || 'application/octet-stream', await readFile(file));
    } catch {
      return send(404, 'text/plain', '');
    }
  }
  // The endpoints of both SDKs: accepted, nothing to show.
  if (url.pathname === '/v1/events') return send(200, 'application/json', '{"accepted":0,"duplicates":0,"rejected":[]}');
  return send(200, 'application/json', '{}');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = createServer((req, res) => {
  serve(req, res).catch(() => res.destroy());
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.route((url) => !url.href.startsWith(`${ORIGIN}/`), (route) => route.abort());
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 30_000 });
  const result = {};
  for (const n of SIZES) {
    const runs = { cairn: [], posthog: [] };
    const loops = { cairn: [], posthog: [] };
    const tasks = { cairn: [], posthog: [] };
    const longest = { cairn: 0, posthog: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always inherits the other's leftovers.
      const order = round % 2 ? ['posthog', 'cairn'] : ['cairn', 'posthog'];
      for (const lib of order) {
        const r = await page.evaluate(([l, k]) => window.run(l, k), [lib, n]);
        runs[lib].push(r.ms);
        loops[lib].push(r.loop);
        tasks[lib].push(...r.tasks);
        longest[lib] = Math.max(longest[lib], r.longest);
      }
    }
    const us = (lib) => (median(runs[lib]) * 1000) / n;
    const loopUs = (lib) => (median(loops[lib]) * 1000) / n;
    if (process.env.BENCH_VERBOSE) console.error(n, JSON.stringify(tasks));
    result[n] = {
      cairn_us: us('cairn'),
      posthog_us: us('posthog'),
      cairn_loop_only_us: loopUs('cairn'),
      posthog_loop_only_us: loopUs('posthog'),
      ratio: us('cairn') / us('posthog'),
      cairn_longest_task_ms: longest.cairn,
      posthog_longest_task_ms: longest.posthog,
    };
  }
  console.log('calls   cairn µs/call   posthog-js µs/call   ratio   longest task ms (cairn / posthog-js)');
  for (const n of SIZES) {
    const r = result[n];
    console.log(
      `${String(n).padStart(5)}   ${r.cairn_us.toFixed(2).padStart(13)}   ${r.posthog_us.toFixed(2).padStart(18)}   ${r.ratio.toFixed(3).padStart(5)}   ${r.cairn_longest_task_ms.toFixed(0)} / ${r.posthog_longest_task_ms.toFixed(0)}`,
    );
  }
  console.log(JSON.stringify({ track: result }));
} finally {
  await browser.close();
  server.close();
}
