'use strict';
// Rewrites the few post-ES2017 constructs wasm-bindgen's glue may contain into ES2017, so
// the shipped JS parses on every WeChat engine and passes "build npm":
//   a?.b   a?.[k]   a?.(x)   ->   ((o) => o == null ? undefined : o.b)(a)  (one `?.` per chain)
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

if (require.main === module) {
  const file = process.argv[2];
  fs.writeFileSync(file, lower(fs.readFileSync(file, 'utf8')));
}

module.exports = { lower };
