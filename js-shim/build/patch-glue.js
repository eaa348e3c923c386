'use strict';
// Adapts wasm-bindgen's glue to WeChat, before minify.js lowers it to ES2017 (this works on
// the glue as wasm-bindgen writes it, so the text it looks for is stable).
//
// The glue notices that wasm memory grew by a detached buffer (`byteLength === 0`, or
// `buffer.detached`). Engines are not uniform there (prior art patches it for iOS), so the
// views are renewed whenever the memory's buffer is another object: true on every engine.
// If a new wasm-bindgen writes the Uint8Array check differently, the build fails here: look
// at the glue, then update MEMORY_VIEW_CHECKS.
//
// The glue also guesses the .wasm's URL from `document.currentScript` when it is given no
// path. The SDK always gives one, and frameworks that bundle the SDK (Taro's webpack plugin)
// replace `document` with objects of their own whose `currentScript` is undefined: the guess
// threw as the glue loaded. So the guess is removed (the build fails if it is not found).
// Usage: node js-shim/build/patch-glue.js FILE   (rewrites FILE in place)
const fs = require('fs');

const MEMORY_VIEW_CHECKS = [
  [
    'cachedUint8ArrayMemory0.byteLength === 0',
    'cachedUint8ArrayMemory0.buffer !== wasm.memory.buffer',
  ],
  [
    'cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)',
    'cachedDataViewMemory0.buffer !== wasm.memory.buffer',
  ],
];

function renewViewsOnGrowth(source) {
  let out = source;
  for (const [from, to] of MEMORY_VIEW_CHECKS) {
    if (!out.includes(from)) {
      // The glue uses a DataView only when some export needs one; the Uint8Array always.
      if (from.startsWith('cachedUint8ArrayMemory0')) throw new Error(`glue changed: no "${from}"`);
      continue;
    }
    out = out.split(from).join(to);
  }
  return out;
}

const SCRIPT_URL_GUESS = /\n(\s*)if \(typeof document !== 'undefined' && document\.currentScript !== null\) \{\n\s*script_src = new URL\(document\.currentScript\.src, location\.href\)\.toString\(\);\n\s*\}\n/;

function dropScriptUrlGuess(source) {
  if (!SCRIPT_URL_GUESS.test(source)) throw new Error('glue changed: no document.currentScript guess to remove');
  return source.replace(SCRIPT_URL_GUESS, '\n');
}

function patch(source) {
  return dropScriptUrlGuess(renewViewsOnGrowth(source));
}

if (require.main === module) {
  const file = process.argv[2];
  fs.writeFileSync(file, patch(fs.readFileSync(file, 'utf8')));
}

module.exports = { MEMORY_VIEW_CHECKS, renewViewsOnGrowth, dropScriptUrlGuess, patch };
