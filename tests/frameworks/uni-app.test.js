'use strict';
// examples/uni-app (uni-app, Vue 3 + Vite) built for WeChat with `uni build -p mp-weixin`, and
// its login page run in the strict WeChat sandbox (tests/sandbox) against the emulator
// (tests/emulator), with the BUILT package of pkg/ (common.js).
//
// - Dependencies: `npm ci` in examples/uni-app when node_modules is missing or package.json /
//   package-lock.json / .npmrc changed (a stamp in node_modules records their hash).
//   genauth-wxapp-sdk is a `file:../../pkg` dependency installed as a copy (.npmrc
//   install-links), as a registry install would be; it is refreshed from pkg/ before each build.
// - The build goes to .cache/uni-app/build-<key>/ (the key hashes the sample's files, the lock
//   file and the package files of pkg/), so the suite's second run (Node 24 after Node 20)
//   reuses it. Nothing is written into the git tree outside node_modules/ and .cache/.
// - The build is made with VITE_GENAUTH_HOST set to a placeholder (src/config.js reads it);
//   each run copies the output to a temp folder and puts the emulator's address there.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startEmulator } = require('../emulator');
const common = require('./common');

const { REPO, PKG_DIST, DEFAULT_WASM_PATH, HOST_PLACEHOLDER } = common;
const SAMPLE = path.join(REPO, 'examples', 'uni-app');
const UNI_CLI = path.join(SAMPLE, 'node_modules', '@dcloudio', 'vite-plugin-uni', 'bin', 'uni.js');

const APP_ID = 'GEN_AUTH_APP_ID';
const WX_APP = 'wx1234567890abcdef'; // examples/uni-app/src/manifest.json "mp-weixin".appid
const PAGE = 'pages/index/index';
/** Changes whenever the way this file builds changes (part of the cache key). */
const BUILD_RECIPE = `uni build -p mp-weixin; VITE_GENAUTH_HOST=${HOST_PLACEHOLDER}; v2`;

// ----------------------------------------------------------------------------------------------
// Install and build (shared by the tests of this file, done once per run)

/** The mp-weixin build for the current sources, from the cache or made now. */
function ensureBuilt() {
  return common.cachedBuild({
    name: 'uni-app',
    sample: SAMPLE,
    recipe: BUILD_RECIPE,
    // Not node_modules, the README or local build output.
    skip: ['node_modules', 'README.md', 'dist', 'unpackage', '.gitignore'],
    // No install scripts are needed (esbuild's binary comes as an optional dependency).
    install: { npmArgs: ['--ignore-scripts'], needs: [path.relative(SAMPLE, UNI_CLI)] },
    async build(tmp) {
      await common.run(process.execPath, [UNI_CLI, 'build', '-p', 'mp-weixin', '--outDir', tmp], {
        cwd: SAMPLE,
        env: common.childEnv({ NODE_ENV: 'production', VITE_GENAUTH_HOST: HOST_PLACEHOLDER }),
      });
    },
  });
}

// ----------------------------------------------------------------------------------------------
// A page made with Component() (what uni-app emits), opened the way WeChat opens one. The
// sandbox opens Page() pages only; this is the smallest faithful host for a Component page
// without child components: `this.data` holds the properties' defaults, methods sit on the
// instance, and the lifecycle runs created → attached → onLoad(query) → onShow → ready.

/** WeChat's default value of a property of `type` (when the definition gives no `value`). */
function propertyDefault(spec) {
  if (spec && typeof spec === 'object' && 'value' in spec) return spec.value;
  const type = spec && typeof spec === 'object' ? spec.type : spec; // { type } or the type itself
  switch (type && type.name) {
    case 'String': return '';
    case 'Number': return 0;
    case 'Boolean': return false;
    case 'Array': return [];
    default: return null; // Object, null (any type)
  }
}

function setPath(data, key, value, mp) {
  const parts = [];
  String(key).replace(/[^.[\]]+|\[(\d+)\]/g, (m, index) => parts.push(index !== undefined ? Number(index) : m));
  let target = data;
  for (let i = 0; i < parts.length - 1; i++) {
    if (target[parts[i]] === null || typeof target[parts[i]] !== 'object') {
      target[parts[i]] = mp.toContext(typeof parts[i + 1] === 'number' ? [] : {});
    }
    target = target[parts[i]];
  }
  target[parts[parts.length - 1]] = value;
}

function openComponentPage(mp, route, query = {}) {
  mp.runApp();
  mp.require(`/${route}.js`);
  const definition = mp.components.get(route);
  assert.ok(definition, `${route}.js called Component()`);
  assert.equal((definition.behaviors || []).length, 0, 'the page uses no behaviors (this host has none)');
  const page = mp.toContext({});
  const data = mp.toContext(JSON.parse(JSON.stringify(definition.data || {})));
  for (const [name, spec] of Object.entries(definition.properties || {})) {
    data[name] = mp.toContext(propertyDefault(spec));
  }
  page.data = data;
  page.properties = data;
  page.route = route;
  page.is = route;
  page.options = mp.toContext(query);
  for (const [name, method] of Object.entries(definition.methods || {})) {
    if (typeof method === 'function') page[name] = method.bind(page);
  }
  const later = mp.context.setTimeout;
  page.setData = function setData(patch, callback) {
    for (const key of Object.keys(patch)) {
      const value = patch[key];
      setPath(page.data, key, value === undefined ? value : mp.toContext(JSON.parse(JSON.stringify(value))), mp);
    }
    if (typeof callback === 'function') later(() => callback.call(page), 0);
  };
  // No parent component: events a page triggers reach no listener.
  page.triggerEvent = function triggerEvent() {};
  page.selectComponent = () => null;
  page.selectAllComponents = () => mp.toContext([]);
  mp.pages.push(page);
  const lifetimes = definition.lifetimes || {};
  const created = lifetimes.created || definition.created;
  if (created) created.call(page);
  const attached = lifetimes.attached || definition.attached;
  if (attached) attached.call(page);
  const results = [];
  if (page.onLoad) results.push(page.onLoad(page.options));
  if (page.onShow) results.push(page.onShow());
  const ready = lifetimes.ready || definition.ready;
  if (ready) ready.call(page);
  return { page, results };
}

/** The data key the compiled WXML shows inside the element of `className`. */
function boundKey(wxml, className) {
  const m = new RegExp(`class="${className}"[^>]*>\\{\\{(\\w+)\\}\\}<`).exec(wxml);
  assert.ok(m, `the page's WXML shows {{…}} in .${className}`);
  return m[1];
}

// ----------------------------------------------------------------------------------------------

let build;
let emulator;

before(async () => {
  emulator = await startEmulator();
});

after(async () => {
  common.cleanup();
  if (emulator) await emulator.close();
});

test('the sample installs and builds for mp-weixin (cached by sources, lock file and pkg/)', { timeout: 30 * 60 * 1000 }, async (t) => {
  build = await ensureBuilt();
  t.diagnostic(`uni-app: ${common.describeBuild(build)}`);
  const appJson = JSON.parse(fs.readFileSync(path.join(build.out, 'app.json'), 'utf8'));
  assert.deepEqual(appJson.pages, [PAGE]);
  const project = JSON.parse(fs.readFileSync(path.join(build.out, 'project.config.json'), 'utf8'));
  assert.equal(project.appid, WX_APP);
});

test('the build holds core.wasm.br, byte-identical to pkg/, at the path the client loads', (t) => {
  if (!build) return t.skip('no build');
  assert.equal(require(path.join(PKG_DIST, 'loader.js')).DEFAULT_WASM_PATH, DEFAULT_WASM_PATH);
  const sources = common.listFiles(path.join(SAMPLE, 'src')).map((f) => fs.readFileSync(path.join(SAMPLE, 'src', f), 'utf8')).join('\n');
  assert.ok(!/wasmPath/.test(sources), 'the sample relies on the default wasm path');
  const shipped = fs.readFileSync(path.join(PKG_DIST, 'core.wasm.br'));
  const built = path.join(build.out, DEFAULT_WASM_PATH);
  assert.ok(fs.existsSync(built), `${DEFAULT_WASM_PATH} is in the build output`);
  assert.ok(fs.readFileSync(built).equals(shipped), 'the same bytes as pkg/miniprogram_dist/core.wasm.br');
  const wasmFiles = common.listFiles(build.out).filter((f) => /\.wasm(\.br)?$/.test(f));
  assert.deepEqual(wasmFiles, [DEFAULT_WASM_PATH.slice(1)], 'one wasm file in the output');
});

/**
 * A launch of the built mini program (a copy pointed at the emulator) whose wx.login is `login`,
 * with its login page opened. Returns the page, the data keys its WXML shows, the results of its
 * onLoad/onShow, and `mp` (`mp.wasmPaths`: the paths the SDK asked WXWebAssembly for).
 */
function launch(login) {
  const { root, file } = common.pointAt(build.out, emulator.url);
  assert.equal(file, 'config.js', 'the host placeholder is in the output of src/config.js');
  const mp = common.launch(root, { wechatAppId: WX_APP, login });
  const wxml = fs.readFileSync(path.join(root, `${PAGE}.wxml`), 'utf8');
  const keys = { id: boundKey(wxml, 'user-id'), nickname: boundKey(wxml, 'user-nickname'), error: boundKey(wxml, 'error') };
  const { page, results } = openComponentPage(mp, PAGE);
  return { mp, page, keys, results };
}

test('the built login page logs in with WeChat against the emulator and shows the user', { timeout: 60 * 1000 }, async (t) => {
  if (!build) return t.skip('no build');
  t.after(common.closePrograms);
  emulator.reset();
  const codes = [];
  const { mp, page, keys, results } = launch(async (appid) => {
    const code = emulator.mintCode(appid, 'uni-app-user');
    codes.push(code);
    return code;
  });
  // uni-app's runtime sets global.createApp on the sandbox's `global` when vendor.js loads.
  assert.equal(mp.evaluate('typeof global.createApp'), 'function', 'common/vendor.js ran and used `global`');
  await Promise.all(results);
  await common.waitFor('the page to show a user or an error', () => page.data[keys.id] || page.data[keys.error], 20000);
  assert.equal(page.data[keys.error] || '', '', 'the page shows no error');

  const users = emulator.users();
  assert.equal(users.length, 1, 'the emulator has the one WeChat user');
  const [user] = users;
  assert.equal(page.data[keys.id], user.id, "the page shows the id of the emulator's user");
  assert.equal(page.data[keys.nickname], user.nickname || '', 'and its nickname');

  assert.deepEqual(mp.wasmPaths, [DEFAULT_WASM_PATH], 'the client loaded the wasm from the default path');
  // (The client also takes spare wx.login codes, for phone-number buttons.)
  const login = emulator.requests.find((r) => r.body && codes.some((code) => r.body.includes(code)));
  assert.ok(login, `the login request reached the emulator with a wx.login code (saw ${common.requestsSeen(emulator)})`);
  assert.equal(login.headers['x-authing-app-id'], APP_ID);
  assert.ok(mp.storage.has(`genauth:${APP_ID}:token`), 'the session token is in wx storage');
  t.diagnostic(`the page shows ${page.data[keys.id]} / ${JSON.stringify(page.data[keys.nickname])}; requests: ${common.requestsSeen(emulator)}`);
});

test('the built login page shows error.message when the login fails', { timeout: 60 * 1000 }, async (t) => {
  if (!build) return t.skip('no build');
  t.after(common.closePrograms);
  emulator.reset();
  const { mp, page, keys, results } = launch(async () => {
    throw new Error('system error');
  });
  await Promise.all(results);
  await common.waitFor('the page to show a user or an error', () => page.data[keys.id] || page.data[keys.error], 20000);
  assert.equal(page.data[keys.id], undefined, 'no user is shown');
  // The SDK's WX_LOGIN_FAILED message (in the client's language) names wx.login.
  assert.match(page.data[keys.error], /wx\.login/, 'the page shows the error\'s message');
  assert.equal(emulator.users().length, 0, 'nobody logged in');
  assert.equal(mp.storage.has(`genauth:${APP_ID}:token`), false, 'no session');
  t.diagnostic(`the page shows: ${page.data[keys.error]}`);
});
