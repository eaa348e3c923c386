'use strict';
// The built package on JavaScriptCore (the iOS WeChat engine), with JIT and with --useJIT=false
// (as iOS WeChat runs wasm). Run: node --test tests/jsc/*.test.js   (needs /usr/bin/jsc, see README.md)

const { test, before, after } = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const acorn = require('acorn');
const { startEmulator } = require('../emulator');
const { runScenario, measureInJsc, describeFailures, checkJsc, DEFAULT_PACKAGE_DIR } = require('./runner');

const SCENARIO_DIR = path.join(__dirname, 'scenarios');
const SCENARIOS = fs.readdirSync(SCENARIO_DIR).filter((name) => name.endsWith('.js')).sort();
const MODES = [
  { jit: true, label: 'jsc with JIT' },
  { jit: false, label: 'jsc without JIT (--useJIT=false)' },
];

let emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  if (emulator) await emulator.close();
});

function assertPassed(result) {
  assert.ok(result.passed, `${result.scenario} failed on jsc (${result.jit ? 'JIT' : 'no JIT'}):\n${describeFailures(result)}`);
}

test('jsc (JavaScriptCore shell) is installed', () => {
  // Fails, never skips: the test script installs libjavascriptcoregtk-4.0-bin first.
  checkJsc();
});

test('the harness files and scenarios are ES2017', () => {
  const files = ['bootstrap.js', 'measure.js'].map((f) => path.join(__dirname, f)).concat(SCENARIOS.map((f) => path.join(SCENARIO_DIR, f)));
  for (const file of files) {
    assert.doesNotThrow(() => acorn.parse(fs.readFileSync(file, 'utf8'), { ecmaVersion: 2017, sourceType: 'script' }), `${file} is not ES2017`);
  }
});

for (const mode of MODES) {
  for (const scenario of SCENARIOS) {
    test(`${scenario.replace(/\.js$/, '')} on ${mode.label}`, async () => {
      const result = await runScenario({ jit: mode.jit, scenario: path.join(SCENARIO_DIR, scenario), emulator });
      assertPassed(result);
      const own = result.checks.filter((c) => !c.auto).length;
      assert.ok(own >= 5, `${scenario}: only ${own} checks of its own reported`);
    });
  }
}

/** A copy of the package folder whose index.js starts with `prefix`. */
function brokenPackage(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-jsc-broken-'));
  for (const name of fs.readdirSync(DEFAULT_PACKAGE_DIR)) {
    fs.copyFileSync(path.join(DEFAULT_PACKAGE_DIR, name), path.join(dir, name));
  }
  const index = path.join(dir, 'index.js');
  fs.writeFileSync(index, prefix + fs.readFileSync(index, 'utf8'));
  return dir;
}

const BREAKS = [
  { what: 'an unguarded TextEncoder', prefix: 'new TextEncoder();\n', error: /TextEncoder/ },
  { what: 'eval', prefix: "eval('1');\n", error: /eval is not allowed/ },
];

for (const mode of MODES) {
  for (const broken of BREAKS) {
    test(`a package using ${broken.what} fails on ${mode.label}`, async () => {
      const packageDir = brokenPackage(broken.prefix);
      try {
        const result = await runScenario({ jit: mode.jit, scenario: path.join(SCENARIO_DIR, 'login.js'), packageDir, emulator });
        assert.strictEqual(result.passed, false, 'the broken package passed');
        assert.ok(result.error && broken.error.test(result.error.message), `unexpected failure: ${describeFailures(result)}`);
      } finally {
        fs.rmSync(packageDir, { recursive: true, force: true });
      }
    });
  }
}

for (const mode of MODES) {
  test(`measureInJsc works on ${mode.label}`, async () => {
    const figures = await measureInJsc({ jit: mode.jit, iterations: 20, emulator });
    for (const key of ['startupMs', 'loginByCodePerSec', 'getCurrentUserPerSec']) {
      assert.ok(typeof figures[key] === 'number' && figures[key] > 0, `${key} = ${figures[key]}`);
    }
  });
}
