'use strict';
// Adapts wasm-bindgen's glue to WeChat. First, it rewrites the few post-ES2017 constructs the
// glue may contain into ES2017, so the shipped JS parses on every WeChat engine and passes
// "build npm": optional chaining (one optional link per chain, on a member, an index or a
// call) becomes `((o) => o == null ? undefined : o.b)(a)`.
// Anything else newer than ES2017 fails the build (check-es2017.js), never ships silently.
// Usage: node js-shim/build/lower-glue.js FILE   (rewrites FILE in place)
const fs = require('fs');
const acorn = require('acorn');

function lower(source) {
  const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  const chains = [];
  (function walk(node) {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'ChainExpression') {
      chains.push(node);
      return; // the outermost chain is rewritten whole
    }
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value.type === 'string') walk(value);
    }
  })(ast);

  let out = source;
  for (const chain of chains.sort((a, b) => b.start - a.start)) {
    const optional = [];
    (function find(node) {
      if (node.type === 'MemberExpression' || node.type === 'CallExpression') {
        if (node.optional) optional.push(node);
        find(node.type === 'MemberExpression' ? node.object : node.callee);
      }
    })(chain.expression);
    if (optional.length !== 1) {
      throw new Error(`cannot lower ${source.slice(chain.start, chain.end)}: ${optional.length} optional links`);
    }
    const link = optional[0];
    const base = link.type === 'MemberExpression' ? link.object : link.callee;
    const head = source.slice(base.start, base.end);
    let rest = source.slice(base.end, chain.end).replace(/^\s*\?\./, '');
    if (!/^[[(]/.test(rest)) rest = '.' + rest;
    const lowered = `((o) => o == null ? undefined : o${rest})(${head})`;
    out = out.slice(0, chain.start) + lowered + out.slice(chain.end);
  }
  return out;
}

// The glue notices that wasm memory grew by a detached buffer (`byteLength === 0`, or
// `buffer.detached`). Engines are not uniform there (prior art patches it for iOS), so the
// views are renewed whenever the memory's buffer is another object: true on every engine.
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
      // A new wasm-bindgen wrote it differently: look at the glue, then update this list.
      if (from.startsWith('cachedUint8ArrayMemory0')) throw new Error(`glue changed: no "${from}"`);
      continue;
    }
    out = out.split(from).join(to);
  }
  return out;
}

if (require.main === module) {
  const file = process.argv[2];
  fs.writeFileSync(file, renewViewsOnGrowth(lower(fs.readFileSync(file, 'utf8'))));
}

module.exports = { lower, renewViewsOnGrowth };
