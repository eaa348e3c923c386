'use strict';
// examples/taro (a Taro 4 + React app) built for WeChat with `taro build --type weapp`, then its
// login page run in the strict WeChat sandbox (tests/sandbox) against the emulator
// (tests/emulator). The package used is the built one in pkg/, copied into the sample's
// node_modules as `npm install genauth-wxapp-sdk` would lay it out (common.js).
//
// Cold: `npm ci` in examples/taro (skipped while node_modules matches its install inputs) and a
// build into .cache/taro/build-<key>/, the key hashing the sample's files, its lock file and the
// package files of pkg/. Warm (the second Node of CI, or any rerun): both reused. The build is
// made with GENAUTH_HOST set to a placeholder (src/genauth.config.js reads it); each run copies
// the output to a temp folder and puts the emulator's URL (a random port) there.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startEmulator } = require('../emulator');
const common = require('./common');

const { REPO, PKG_DIST, DEFAULT_WASM_PATH, HOST_PLACEHOLDER } = common;
const SAMPLE = path.join(REPO, 'examples', 'taro');
const APP_ID = 'GEN_AUTH_APP_ID'; // src/genauth.config.js
const WX_APP = 'wx1234567890abcdef'; // project.config.json
const PAGE = 'pages/index/index';
/** Changes whenever the way this file builds changes (part of the cache key). */
const RECIPE = `taro build --type weapp; GENAUTH_HOST=${HOST_PLACEHOLDER}; v2`;

// ----------------------------------------------------------------------------------------------
// The build (once per run, cached across runs)

/** The weapp build for the current sources and package: cached, or built now. */
function buildSample() {
  return common.cachedBuild({
    name: 'taro',
    sample: SAMPLE,
    recipe: RECIPE,
    skip: ['node_modules', 'dist', '.swc', '.temp', 'README.md'],
    install: { needs: ['node_modules/@tarojs/cli/bin/taro'] },
    async build(tmp) {
      const hadSwc = fs.existsSync(path.join(SAMPLE, '.swc'));
      try {
        await common.run(process.execPath, [path.join(SAMPLE, 'node_modules', '@tarojs', 'cli', 'bin', 'taro'), 'build', '--type', 'weapp'], {
          cwd: SAMPLE,
          env: common.childEnv({ TARO_OUTPUT_ROOT: tmp, GENAUTH_HOST: HOST_PLACEHOLDER, FORCE_COLOR: '0', CI: 'true' }),
        });
      } finally {
        // swc's plugin cache (Taro reads app.config.js with a wasm plugin) lands in the cwd.
        if (!hadSwc) fs.rmSync(path.join(SAMPLE, '.swc'), { recursive: true, force: true });
      }
    },
  });
}

let buildPromise = null;
function build() {
  if (!buildPromise) buildPromise = buildSample();
  return buildPromise;
}

// ----------------------------------------------------------------------------------------------
// Reading Taro's page: it renders into page data as a tree `root.cn[...]`, nodes
// `{ sid, nn, cl (class), cn (children), v (text) }`.

function findNode(node, predicate) {
  if (!node || typeof node !== 'object') return null;
  if (predicate(node)) return node;
  for (const child of node.cn || []) {
    const hit = findNode(child, predicate);
    if (hit) return hit;
  }
  return null;
}

function textOf(node) {
  if (!node) return null;
  if (typeof node.v === 'string') return node.v;
  return (node.cn || []).map(textOf).join('');
}

/** The text of the element with class `cls`, or null when the page does not show it. */
function shown(page, cls) {
  const node = findNode(page.data.root, (n) => typeof n.cl === 'string' && n.cl.split(/\s+/).includes(cls));
  return node ? textOf(node) : null;
}

/** A tap on the element whose subtree holds `text`, as WeChat delivers it to Taro's `eh`. */
function tap(mp, page, text) {
  const node = findNode(page.data.root, (n) => Array.isArray(n.cn) && n.cn.some((c) => c.v === text));
  assert.ok(node, `no element showing ${JSON.stringify(text)}`);
  const target = { id: node.uid || node.sid, dataset: { sid: node.sid }, offsetLeft: 0, offsetTop: 0 };
  page.eh(mp.toContext({
    type: 'tap',
    timeStamp: Date.now(),
    target,
    currentTarget: target,
    detail: { x: 10, y: 10 },
    touches: [],
    changedTouches: [],
  }));
}

// ----------------------------------------------------------------------------------------------

let emulator = null;

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  common.cleanup();
  if (emulator) await emulator.close();
});

/** The build, pointed at the emulator, launched with `login()` backing wx.login. */
async function launch(login) {
  const { out } = await build();
  const { root, file } = common.pointAt(out, emulator.url);
  // The one place: the module of src/genauth.config.js, bundled with the page.
  assert.equal(file, 'pages/index/index.js', 'the host placeholder is in the page bundle');
  return common.launch(root, { wechatAppId: WX_APP, login });
}

test('Taro: npm ci (when needed) and taro build --type weapp (cached)', { timeout: 30 * 60000 }, async (t) => {
  const result = await build();
  t.diagnostic(`taro: ${common.describeBuild(result)}`);
  const appJson = JSON.parse(fs.readFileSync(path.join(result.out, 'app.json'), 'utf8'));
  assert.deepEqual(appJson.pages, [PAGE]);
  const project = JSON.parse(fs.readFileSync(path.join(result.out, 'project.config.json'), 'utf8'));
  assert.equal(project.appid, WX_APP);
});

test('Taro: the wasm is in the build output, byte-identical, at the path the client loads', { timeout: 30 * 60000 }, async () => {
  const { out } = await build();
  assert.equal(require(path.join(PKG_DIST, 'loader.js')).DEFAULT_WASM_PATH, DEFAULT_WASM_PATH);
  // The sample passes no wasmPath: the client loads the default path.
  const sources = common.listFiles(path.join(SAMPLE, 'src')).map((f) => fs.readFileSync(path.join(SAMPLE, 'src', f), 'utf8')).join('\n');
  assert.ok(!/wasmPath/.test(sources), 'the sample relies on the default wasm path');
  const inOutput = path.join(out, DEFAULT_WASM_PATH);
  assert.ok(fs.existsSync(inOutput), `${DEFAULT_WASM_PATH} is in the build output`);
  assert.ok(fs.readFileSync(inOutput).equals(fs.readFileSync(path.join(PKG_DIST, 'core.wasm.br'))), 'the same bytes as pkg/miniprogram_dist/core.wasm.br');
  // Exactly one copy: nothing else of the package's files should be needed at run time.
  const wasmFiles = common.listFiles(out).filter((f) => /\.wasm(\.br)?$/.test(f));
  assert.deepEqual(wasmFiles, [DEFAULT_WASM_PATH.replace(/^\//, '')]);
});

test('Taro: the login page logs in through the emulator and shows the user', { timeout: 30 * 60000 }, async () => {
  emulator.reset();
  const codes = [];
  const mp = await launch(async (wechatAppId) => {
    const code = emulator.mintCode(wechatAppId, 'taro-alice');
    codes.push(code);
    return code;
  });
  const page = await mp.loadPageAsync(PAGE);
  const shownId = await common.waitFor('the user id on the page', () => shown(page, 'user-id') || shown(page, 'error'), 60000);
  assert.equal(shown(page, 'error'), null, `the page shows an error: ${shown(page, 'error')}`);

  const users = emulator.users();
  assert.equal(users.length, 1, 'the emulator made one user');
  assert.equal(shownId, users[0].id, 'the page shows the id of the emulator\'s user');
  assert.ok(shown(page, 'nickname'), 'the page shows a nickname');

  const logins = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/connections/social/wechat-miniprogram/auth');
  assert.equal(logins.length, 1, `one WeChat login request (saw ${common.requestsSeen(emulator)})`);
  assert.equal(logins[0].headers['x-authing-app-id'], APP_ID);
  // (The client also keeps a spare wx.login code for phone-number buttons: any of them.)
  assert.ok(codes.includes(JSON.parse(logins[0].body).code), 'a code of the sandbox\'s wx.login was sent');
  assert.deepEqual(mp.wasmPaths, [DEFAULT_WASM_PATH], 'the client loaded the wasm once, from the default path');
  const token = mp.storage.get(`genauth:${APP_ID}:token`);
  assert.ok(token && JSON.parse(token).length > 20, 'the session is stored');
});

test('Taro: a failed login shows error.message; the button logs in again', { timeout: 30 * 60000 }, async () => {
  emulator.reset();
  let good = false;
  const mp = await launch(async (wechatAppId) => (good ? emulator.mintCode(wechatAppId, 'taro-bob') : 'a-code-wechat-never-issued'));
  const page = await mp.loadPageAsync(PAGE);
  const message = await common.waitFor('the error on the page', () => shown(page, 'error') || shown(page, 'user-id'), 60000);
  assert.equal(shown(page, 'user-id'), null, 'nobody is logged in');
  // The GenAuthError's message (WX_CODE_INVALID, in zh-CN), not a crash of the page.
  assert.ok(message.length > 0 && !/TypeError|undefined|is not/.test(message), `error.message shown: ${message}`);
  assert.ok(!message.includes('a-code-wechat-never-issued'), 'the message does not repeat the code');
  assert.equal(emulator.users().length, 0);
  assert.ok(emulator.requests.some((r) => r.path === '/connections/social/wechat-miniprogram/auth'), 'the bad code was sent to the emulator');

  good = true;
  tap(mp, page, '微信一键登录');
  const shownId = await common.waitFor('the user id after the tap', () => shown(page, 'user-id'), 60000);
  assert.equal(shown(page, 'error'), null, 'the error is gone');
  assert.equal(shownId, emulator.users()[0].id);
});
