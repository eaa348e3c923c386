'use strict';
// Bundles the testing kit (js-shim/testing/: the mock wx, and the emulator of tests/emulator/)
// into one CommonJS file for Node, lowered to ES2017 like the shipped files, not minified (a
// test's stack traces should be readable). It goes to the package's testing/ folder, outside
// the `miniprogram` folder, so "build npm" never copies it into a code package.
// Usage: node js-shim/build/bundle-testing.js OUT_FILE BANNER
const path = require('path');
const esbuild = require('esbuild');

const [out, banner] = process.argv.slice(2);
if (!out) {
  console.error('usage: bundle-testing.js OUT_FILE [BANNER]');
  process.exit(2);
}
const result = esbuild.buildSync({
  entryPoints: [path.join(__dirname, '..', 'testing', 'index.js')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2017',
  legalComments: 'none',
  charset: 'utf8',
  banner: { js: banner || '' },
  logLevel: 'warning',
});
if (result.errors.length) process.exit(1);
