'use strict';
// Lowers the shipped JS to ES2017 and minifies it, with esbuild (one file at a time: each
// stays its own CommonJS module, as the mini program's `require` resolves them). The package
// counts toward the mini program's 2 MB main package; WeChat's "build npm" and older phone
// engines reject syntax newer than ES2017, which esbuild rewrites (optional chaining, nullish coalescing, optional catch
// binding, ...) or refuses with an error, never ships. check-es2017.js checks the result.
// Usage: node js-shim/build/minify.js DIR [BANNER]   (rewrites every DIR/*.js in place;
// BANNER, a comment, heads index.js)
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

/** The options every shipped file is built with (tests/package/build-tools.test.js uses them). */
const OPTIONS = Object.freeze({
  target: 'es2017',
  format: 'cjs', // CommonJS in, CommonJS out: no wrapper, and top-level names may be renamed
  minify: true,
  legalComments: 'none',
  charset: 'utf8', // the Chinese messages as UTF-8, not \u escapes (half the bytes)
});

/** The minified ES2017 text of `source`; `banner` (a comment) goes first. */
function minify(source, banner) {
  const result = esbuild.transformSync(source, { ...OPTIONS, banner: banner || '' });
  for (const warning of result.warnings) console.warn(`esbuild: ${warning.text}`);
  return result.code;
}

if (require.main === module) {
  const [dir, banner] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: minify.js DIR [BANNER]');
    process.exit(2);
  }
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, minify(fs.readFileSync(file, 'utf8'), name === 'index.js' ? banner : ''));
  }
}

module.exports = { OPTIONS, minify };
