// The console's live preview, in a same-origin iframe: the SDK's own guides module (the same
// wasm users load) renders the draft the console sends, already validated by `protocol` and
// built into the message the edge would send. A file, not an inline script: the console's CSP
// allows scripts from 'self' only. Each new draft reloads this page, so every preview starts
// from a clean renderer, as a page load does in the product.
import init, { start, decision } from './cairn_guides.js';

await init({ module_or_path: new URL('cairn_guides_bg.wasm', import.meta.url) });
// Nothing the preview does is reported or sent: no user, no account.
start(() => {}, () => Promise.reject(new Error('the preview sends nothing')));

/** A stand-in element for an anchor the message points at. */
function standIn(kind, value) {
  const el = document.createElement('button');
  el.type = 'button';
  el.className = 'stand-in';
  if (kind === 'name') {
    el.dataset.cairnAnchor = value;
    el.textContent = value;
  } else {
    // A selector: an element it matches, when it is a simple one (#id, .class, [attr=value]).
    const id = /^#([\w-]+)$/.exec(value);
    const cls = /^\.([\w-]+)$/.exec(value);
    const attr = /^\[([\w-]+)(?:="([^"]*)")?\]$/.exec(value);
    if (id) el.id = id[1];
    else if (cls) el.classList.add(cls[1]);
    else if (attr) el.setAttribute(attr[1], attr[2] ?? '');
    el.textContent = value;
  }
  return el;
}

window.addEventListener('message', (e) => {
  if (e.origin !== location.origin || e.source !== window.parent) return;
  const { input, theme, vars } = e.data ?? {};
  if (!input) return;
  const root = document.documentElement;
  root.classList.toggle('dark', theme?.dark === true);
  root.classList.toggle('brand', theme?.brand === true);
  const anchors = document.getElementById('anchors');
  anchors.replaceChildren(...input.anchors.map(([kind, value]) => standIn(kind, value)));
  document.body.dir = input.dir;
  decision(input.body, vars ?? {});
  document.body.dataset.previewed = 'true';
});
window.parent.postMessage({ cairnPreview: 'ready' }, location.origin);
