// Bundles the demo app the way a customer's build would: esbuild resolves `@cairn/sdk`
// (aliased to ../pkg so no `npm install` step is needed) and the SDK's two wasm
// files are copied next to the bundle, where `init({ wasmUrl })` loads the core and the SDK
// fetches the guides (`cairn_guides_bg.wasm`, next to it) when a message is to be shown.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const pkg = join(here, '..', 'pkg');

// demo-config.json (the demo's write key, written by `cargo xtask dev` after it created the
// workspace through the control-plane API) outlives a rebuild under a running dev server.
const config = join(dist, 'demo-config.json');
const kept = existsSync(config) ? readFileSync(config) : null;
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
if (kept) writeFileSync(config, kept);
await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2022',
  outfile: join(dist, 'app.js'),
  alias: { '@cairn/sdk': pkg },
  logLevel: 'warning',
});
copyFileSync(join(here, 'index.html'), join(dist, 'index.html'));
// Workers static assets rules: client-side routes (/reports) are served the app shell.
copyFileSync(join(here, '_redirects'), join(dist, '_redirects'));
copyFileSync(join(here, 'src', 'app.css'), join(dist, 'app.css'));
for (const wasm of ['cairn_sdk_bg.wasm', 'cairn_guides_bg.wasm']) {
  copyFileSync(join(pkg, 'src', 'wasm', wasm), join(dist, wasm));
}
console.log('demo app built into demo-app/dist');
