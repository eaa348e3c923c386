'use strict';
// index.d.ts: a typical TypeScript usage compiles under --strict, and misuse does not
// (types-usage.ts marks each misuse with @ts-expect-error, which fails if it compiles).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, PKG } = require('./code-package');

test('index.d.ts type-checks a typical usage and rejects misuse', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-types-'));
  try {
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2017',
        module: 'commonjs',
        moduleResolution: 'node',
        baseUrl: dir,
        paths: { 'genauth-wxapp-sdk': [path.join(PKG, 'index.d.ts')] },
        types: [],
      },
      files: [path.join(__dirname, 'types-usage.ts')],
    };
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(config));
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    try {
      execFileSync(tsc, ['-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      assert.fail(`tsc failed:\n${error.stdout}${error.stderr}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
