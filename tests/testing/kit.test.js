'use strict';
// The testing kit (require('genauth-wxapp-sdk/testing')) as a user gets it: pkg/ packed with
// `npm pack`, installed into a scratch project, then
// - the README's example test, taken from the README as written, run with node --test;
// - examples/testing/: the node:test file, the jest file and the miniprogram-simulate
//   component test (jest, jsdom), run with the repository's jest;
// - the kit's own promises (login plans, picker, storage quota and restart), in process.
// Its typings are checked in tests/package/types.test.js.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, PKG } = require('../package/code-package');

const DEV = path.join(ROOT, 'node_modules');
let scratch;
let project;

/** Runs `args` with this Node in the scratch project; returns its output (fails with it). */
function run(args, what) {
  // Not a child of this test run: node:test marks its children with NODE_TEST_CONTEXT.
  const env = { ...process.env, NODE_OPTIONS: '' };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env, timeout: 120000 });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `${what} failed:\n${output.slice(-4000)}`);
  return output;
}

before(() => {
  assert.ok(fs.existsSync(path.join(PKG, 'testing', 'index.js')), 'pkg/testing/ is missing: run ./build.sh first');
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-kit-'));
  project = path.join(scratch, 'app');
  fs.mkdirSync(project);
  const tarball = execFileSync('npm', ['pack', PKG, '--pack-destination', scratch, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-mini-program', version: '1.0.0', private: true }));
  // A package without dependencies installs from its tarball alone.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(scratch, tarball)], { cwd: project, stdio: 'pipe' });
  // The test runners a user would have installed: the repository's own.
  for (const name of ['jest', 'jest-environment-jsdom', 'miniprogram-simulate']) {
    fs.symlinkSync(path.join(DEV, name), path.join(project, 'node_modules', name), 'dir');
  }
  fs.cpSync(path.join(ROOT, 'examples', 'testing'), project, { recursive: true });
});

after(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

test('the installed package has the kit outside its miniprogram folder', () => {
  const installed = path.join(project, 'node_modules', 'genauth-wxapp-sdk');
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  assert.ok(fs.existsSync(path.join(installed, 'testing', 'index.js')));
  assert.ok(fs.existsSync(path.join(installed, 'testing', 'index.d.ts')));
  assert.ok(!fs.readdirSync(path.join(installed, manifest.miniprogram)).some((name) => /testing|emulator/.test(name)), 'nothing of it in the code package');
  const kit = fs.readFileSync(path.join(installed, 'testing', 'index.js'), 'utf8');
  assert.deepEqual([...new Set(kit.match(/require\("[^"]+"\)/g))].sort(), ['require("crypto")', 'require("fs")', 'require("http")', 'require("https")', 'require("os")', 'require("path")', 'require("util")'], 'Node built-ins only');
});

test("the README's example test passes as written", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- testing-kit-example[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'the README has the marked example');
  fs.writeFileSync(path.join(project, 'login.test.js'), block[1]);
  const output = run(['--test', '--test-reporter=spec', 'login.test.js'], 'the README example');
  assert.match(output, /ℹ pass 1\b/);
  assert.match(output, /ℹ fail 0\b/);
});

test('examples/testing: the node:test file', () => {
  const output = run(['--test', '--test-reporter=spec', path.join('node-test', 'login.test.js')], 'the node:test example');
  assert.match(output, /ℹ fail 0\b/);
  assert.match(output, /ℹ pass 5\b/);
});

for (const [folder, count] of [['jest', 3], ['simulate', 2]]) {
  test(`examples/testing: the ${folder === 'jest' ? 'jest' : 'miniprogram-simulate (jest, jsdom)'} file`, () => {
    const jest = path.join(project, 'node_modules', 'jest', 'bin', 'jest.js');
    const output = run([jest, '--config', path.join(folder, 'jest.config.js'), '--rootDir', folder, '--ci'], `the ${folder} example`);
    assert.match(output, new RegExp(`Tests:\\s+${count} passed, ${count} total`));
  });
}

test('the mock wx: login plans, the picker, storage limits and a restart', async () => {
  const { startEmulator, createMockWx } = require(path.join(project, 'node_modules', 'genauth-wxapp-sdk', 'testing'));
  const emu = await startEmulator();
  const storage = new Map();
  const wx = createMockWx({ emulator: emu, storage, language: 'en_US' });
  const saved = global.wx;
  global.wx = wx;
  try {
    const { AuthenticationClient } = require(path.join(project, 'node_modules', 'genauth-wxapp-sdk'));
    const genauth = new AuthenticationClient({ appId: emu.appId, host: emu.url, lang: 'en-US' });
    await genauth.ready();
    wx.mock.planLogin({ fail: 'network error' });
    await assert.rejects(genauth.loginByCode(), { code: 'WX_LOGIN_FAILED' });
    wx.mock.planLogin({ person: 'dora' });
    const dora = await genauth.loginByCode();
    assert.equal(dora.openid, emu.users().find((u) => u.id === dora.id).openid);
    wx.mock.planChoose({ cancel: true });
    await assert.rejects(genauth.updateAvatar(), { code: 'CANCELLED' });
    const pictured = await genauth.updateAvatar();
    assert.match(pictured.photo, /^http:\/\/127\.0\.0\.1:\d+\/files\/avatar\//);
    assert.equal(wx.getSystemInfoSync().language, 'en_US');
    assert.throws(() => wx.setStorageSync('big', 'x'.repeat(1024 * 1024)), /exceed max size per key 1MB/);
    // The shared storage plays a restart: the session is there.
    const restarted = createMockWx({ emulator: emu, storage });
    global.wx = restarted;
    assert.equal(restarted.getStorageSync(`genauth:${emu.appId}:token`), await genauth.getToken());
    restarted.mock.close();
    assert.equal(wx.mock.inFlight(), 0);
  } finally {
    global.wx = saved;
    wx.mock.close();
    await emu.close();
  }
});
