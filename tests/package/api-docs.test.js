'use strict';
// API.md is what js-shim/build/api-docs.js (typedoc) makes of the typings now: a change to
// index.d.ts or testing.d.ts without regenerating it fails here. The generated text is cached
// under .cache/api-docs/ by the hash of its inputs (the suite runs on two Nodes).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ROOT } = require('./code-package');
const { generate, MODULES } = require('../../js-shim/build/api-docs');

test('API.md is generated from the current typings', () => {
  const hash = crypto.createHash('sha256');
  for (const file of [...MODULES.map((m) => path.join('pkg-template', m.file)), 'js-shim/build/api-docs.js', 'package-lock.json']) {
    hash.update(fs.readFileSync(path.join(ROOT, file)));
  }
  const cached = path.join(ROOT, '.cache', 'api-docs', `${hash.digest('hex')}.md`);
  let expected;
  if (fs.existsSync(cached)) {
    expected = fs.readFileSync(cached, 'utf8');
  } else {
    expected = generate();
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    fs.writeFileSync(cached, expected);
  }
  const committed = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
  assert.ok(committed === expected, 'API.md is stale: run `node js-shim/build/api-docs.js` and commit API.md');
  for (const module of MODULES) assert.match(committed, new RegExp(`^## ${module.name}$`, 'm'));
  assert.match(committed, /### AuthenticationClient/);
  assert.match(committed, /startEmulator/);
});
