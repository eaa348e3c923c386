'use strict';
// Fails when a shipped .js file uses syntax newer than ES2017 (WeChat's "build npm" and
// older phone engines reject it). Usage: node js-shim/build/check-es2017.js DIR
const fs = require('fs');
const path = require('path');
const acorn = require('acorn');

const dir = process.argv[2];
let failed = false;
for (const name of fs.readdirSync(dir)) {
  if (!name.endsWith('.js')) continue;
  const file = path.join(dir, name);
  try {
    acorn.parse(fs.readFileSync(file, 'utf8'), { ecmaVersion: 2017, sourceType: 'script' });
  } catch (e) {
    console.error(`${file}: not ES2017: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
