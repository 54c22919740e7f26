// Loads the console's wasm module; its `main` mounts the app. A file, not an inline
// script: the console's CSP allows scripts from 'self' only.
import init from './cairn_console.js';

await init({ module_or_path: new URL('cairn_console_bg.wasm', import.meta.url) });
