'use strict';
// The code package WeChat ships, not the one "build npm" copies: examples/miniprogram with the
// SDK (a snapshot of pkg/) through WeChat's own compiler (miniprogram-ci packNpm +
// getCompiledResult, es6 + enhance + minified, unused files filtered). Babel rewrites our files
// and adds its helpers at the code package root; this checks that what comes out is complete
// (the .wasm.br, every helper a file requires), parses as phones parse, and works: in the strict
// WeChat sandbox (the example's compiled pages too) and on JavaScriptCore without JIT, against
// the emulator. Deliberate breaks prove each check fails when it should.
// Run: node --test tests/compiled/   (both compiles ~15 s on 2 cores; cached in .cache/compiled/)
const { test, describe, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const acorn = require('acorn');
const { startEmulator } = require('../emulator');
const { createMiniProgram } = require('../sandbox');
const { runScenario, describeFailures } = require('../jsc/runner');
const { rejection, assertCodedError, watchSecrets, recordingConsole, scanConsole } = require('../package/assertions');
const { SDK, SDK_DIR, UNUSED_PROBE, listFiles, snapshotPkg, compileExamples, removeCompiled } = require('./compiled-package');

const APP_ID = 'GEN_AUTH_APP_ID';
const WX_APP = 'wx1234567890abcdef';
const OTHER_APP_ID = 'GEN_AUTH_OTHER_APP';
const OTHER_WX_APP = 'wxfedcba0987654321';
const JSC_SCENARIOS = path.join(__dirname, '..', 'jsc', 'scenarios');
/** The broken shipped file: what wasm-bindgen ≥0.2.104 glue does at load, unguarded. */
const UNGUARDED_DECODER = "var cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });\n";

let emulator;
let pkgSnapshot;
let compiled; // the example, compiled
let brokenDecoder; // the same with UNGUARDED_DECODER in the SDK's index.js before the compile
const scratch = [];
const programs = [];

before(async () => {
  pkgSnapshot = await snapshotPkg();
  let results;
  [emulator, results] = await Promise.all([
    startEmulator(),
    compileExamples({
      pkgSnapshot,
      variants: [
        {},
        {
          mutate: (projectDir) => {
            const index = path.join(projectDir, 'node_modules', SDK, 'miniprogram_dist', 'index.js');
            fs.writeFileSync(index, UNGUARDED_DECODER + fs.readFileSync(index, 'utf8'));
          },
        },
      ],
    }),
  ]);
  watchSecrets(() => emulator.secrets());
  [compiled, brokenDecoder] = results;
});

after(async () => {
  if (emulator) await emulator.close();
  removeCompiled(compiled);
  removeCompiled(brokenDecoder);
  for (const dir of [pkgSnapshot, ...scratch]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => emulator.reset());
afterEach(() => {
  while (programs.length) programs.pop().close();
  scanConsole();
});

/** A copy of a compiled code package to change (removed after the run). */
function copyOf(dir, change) {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-compiled-copy-'));
  scratch.push(copy);
  fs.cpSync(dir, copy, { recursive: true });
  if (change) change(copy);
  return copy;
}

// ---- static checks of a compiled code package ------------------------------------------------

/** The string-literal `require(...)` calls of a script (acorn AST walk). */
function requiresOf(ast) {
  const found = [];
  (function walk(node) {
    if (!node || typeof node.type !== 'string') return;
    if (
      node.type === 'CallExpression' &&
      node.callee.type === 'Identifier' &&
      node.callee.name === 'require' &&
      node.arguments.length === 1 &&
      node.arguments[0].type === 'Literal' &&
      typeof node.arguments[0].value === 'string'
    ) {
      found.push(node.arguments[0].value);
    }
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value.type === 'string') walk(value);
    }
  })(ast);
  return found;
}

/** Where WeChat's module system finds `request` from `from` (both code-package paths), or null. */
function resolveIn(files, from, request) {
  const candidates = (base) => [base, `${base}.js`, `${base}/index.js`].map((p) => path.posix.normalize(p).replace(/^\/+/, ''));
  const dir = path.posix.dirname(`/${from}`);
  let bases;
  if (request.startsWith('./') || request.startsWith('../')) bases = [path.posix.join(dir, request)];
  else if (request.startsWith('/')) bases = [request];
  else {
    // An npm name: the nearest miniprogram_npm up the tree, then a path relative to the file.
    bases = [];
    for (let d = dir; ; d = path.posix.dirname(d)) {
      bases.push(path.posix.join(d, 'miniprogram_npm', request));
      if (d === '/') break;
    }
    bases.push(path.posix.join(dir, request));
  }
  for (const base of bases) for (const file of candidates(base)) if (files.has(file)) return file;
  return null;
}

/**
 * What is wrong with a compiled code package (an empty list when nothing is), and what is in it.
 * @returns {{problems: string[], helpers: string[], requires: Object<string,string[]>}}
 */
function inspect(dir) {
  const problems = [];
  const files = new Set(listFiles(dir));
  const requires = {};
  const wasm = `${SDK_DIR}/core.wasm.br`;
  const shipped = path.join(pkgSnapshot, 'miniprogram_dist', 'core.wasm.br');
  if (!files.has(wasm)) problems.push(`${wasm} is missing: WeChat's compiler filtered it out`);
  else if (!fs.readFileSync(path.join(dir, wasm)).equals(fs.readFileSync(shipped))) {
    problems.push(`${wasm} is not byte for byte pkg/'s`);
  }
  for (const file of files) if (file.endsWith('.wasm')) problems.push(`a raw .wasm is shipped: ${file}`);
  for (const name of fs.readdirSync(path.join(pkgSnapshot, 'miniprogram_dist'))) {
    if (!files.has(`${SDK_DIR}/${name}`)) problems.push(`${SDK_DIR}/${name} (shipped in pkg/) is missing`);
  }
  for (const file of [...files].filter((f) => f.endsWith('.js'))) {
    let ast;
    try {
      // What phones parse (and "build npm" accepts): ES2017 scripts.
      ast = acorn.parse(fs.readFileSync(path.join(dir, file), 'utf8'), { ecmaVersion: 2017, sourceType: 'script' });
    } catch (error) {
      problems.push(`${file} is not ES2017: ${error.message}`);
      continue;
    }
    requires[file] = requiresOf(ast);
    for (const request of requires[file]) {
      if (!resolveIn(files, file, request)) problems.push(`${file} requires "${request}", which is not in the code package`);
    }
  }
  const helpers = [...files].filter((f) => f.startsWith('@babel/')).sort();
  return { problems, helpers, requires };
}

/**
 * A Babel helper the compiled SDK requires (the first its index.js, else any of its files,
 * requires): `file` in the code package, and `missing`, WeChat's words when it is absent (the
 * sandbox and jsc quote the request differently, both name the helper).
 */
function neededHelper() {
  const { requires } = inspect(compiled.dir);
  const sdkFiles = Object.keys(requires).filter((f) => f.startsWith(`${SDK_DIR}/`));
  sdkFiles.sort((a, b) => (b.endsWith('/index.js') ? 1 : 0) - (a.endsWith('/index.js') ? 1 : 0));
  for (const from of sdkFiles) {
    const request = requires[from].find((r) => r.includes('@babel/'));
    if (!request) continue;
    const file = path.posix.normalize(path.posix.join(path.posix.dirname(from), request)).replace(/\.js$/, '') + '.js';
    const name = path.posix.basename(file, '.js');
    return { from, request, file, missing: new RegExp(`module '[^']*@babel/runtime/helpers/${name}(\\.js)?' is not defined`) };
  }
  assert.fail('the compiled SDK requires no Babel helper: the missing-helper checks have nothing to remove');
}

function withoutHelper() {
  const helper = neededHelper();
  return { helper, root: copyOf(compiled.dir, (copy) => fs.rmSync(path.join(copy, helper.file))) };
}

// ---- running it -------------------------------------------------------------------------------

function launch({ root, person = 'alice', storage, wechatAppId = WX_APP, ...rest }) {
  const mp = createMiniProgram({
    root,
    wechatAppId,
    storage,
    console: recordingConsole(),
    login: async (appid) => emulator.mintCode(appid, person),
    // The pages and the helpers are compiled output too: all of it must parse as on a phone.
    syntaxCheck: 'all',
    ...rest,
  });
  programs.push(mp);
  return mp;
}

function client(mp, options = {}) {
  const { AuthenticationClient } = mp.require(SDK);
  return new AuthenticationClient({ appId: APP_ID, host: emulator.url, ...options });
}


/** The code package with its config.js pointed at the emulator (as examples/run-demo.js does). */
function withEmulatorConfig(dir) {
  return copyOf(dir, (copy) => {
    fs.writeFileSync(path.join(copy, 'config.js'), `module.exports = { appId: '${APP_ID}', host: ${JSON.stringify(emulator.url)} };\n`);
  });
}

/** The smallest use of the SDK in the sandbox: it loads and logs in. Rejects when it cannot. */
async function sandboxLogin(root) {
  const genauth = client(launch({ root }));
  const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'smoke'));
  assert.equal(typeof user.id, 'string');
  return user;
}

function jsc(scenario, root) {
  return runScenario({ jit: false, scenario: path.join(JSC_SCENARIOS, scenario), root, emulator });
}

// ---- what WeChat's compiler made --------------------------------------------------------------

describe("WeChat's compiler output", () => {
  test('is complete: the .wasm.br byte for byte, every file pkg/ ships, every helper required', (t) => {
    const { problems, helpers, requires } = inspect(compiled.dir);
    assert.deepEqual(problems, []);
    for (const [what, result] of [['example', compiled], ['TextDecoder break', brokenDecoder]]) {
      const phases = Object.entries(result.phases).map(([k, v]) => `${k} ${v}`).join(', ');
      t.diagnostic(`${what}: ${result.cached ? 'from the cache' : `compiled (${phases} ms)`}, key ${result.key.slice(0, 12)}`);
    }
    t.diagnostic(`compile step: ${compiled.ms} ms`);
    t.diagnostic(`Babel helpers at the root: ${helpers.map((h) => path.posix.basename(h, '.js')).join(', ')}`);
    for (const file of Object.keys(requires).filter((f) => f.startsWith(SDK_DIR))) {
      const before = fs.statSync(path.join(pkgSnapshot, 'miniprogram_dist', path.posix.basename(file))).size;
      const afterSize = fs.statSync(path.join(compiled.dir, file)).size;
      const added = requires[file].filter((r) => r.includes('@babel/')).map((r) => path.posix.basename(r));
      t.diagnostic(`${path.posix.basename(file)}: ${before} -> ${afterSize} B${added.length ? `, requires ${added.join(', ')}` : ''}`);
    }
  });

  test('really is the compiled one: Babel rewrote the SDK and the pages, unused files were filtered', () => {
    const original = fs.readFileSync(path.join(pkgSnapshot, 'miniprogram_dist', 'index.js'), 'utf8');
    const index = fs.readFileSync(path.join(compiled.dir, SDK_DIR, 'index.js'), 'utf8');
    assert.notEqual(index, original, 'the SDK came out unchanged: were the compile settings applied?');
    const page = fs.readFileSync(path.join(compiled.dir, 'pages/index/index.js'), 'utf8');
    assert.doesNotMatch(page, /\basync\b|=>|`/, 'the example page still has async/arrows/templates: es6 was off');
    assert.ok(fs.existsSync(path.join(compiled.dir, 'app.js')));
    assert.ok(!compiled.files.some((f) => f.startsWith('node_modules/')), 'node_modules/ was shipped');
    assert.ok(fs.existsSync(path.join(compiled.projectDir, UNUSED_PROBE)));
    assert.ok(!compiled.files.includes(UNUSED_PROBE), 'an unreferenced script was kept: the unused-file filter was off');
  });

  test('the checks fail when the .wasm.br is filtered out', () => {
    const dir = copyOf(compiled.dir, (copy) => fs.rmSync(path.join(copy, SDK_DIR, 'core.wasm.br')));
    const { problems } = inspect(dir);
    assert.ok(problems.some((p) => /core\.wasm\.br is missing/.test(p)), problems.join('\n'));
  });

  test('the checks fail when a Babel helper the SDK requires is missing', () => {
    const { helper, root } = withoutHelper();
    const { problems } = inspect(root);
    assert.ok(problems.includes(`${helper.from} requires "${helper.request}", which is not in the code package`), problems.join('\n'));
  });
});

// ---- the strict WeChat sandbox ----------------------------------------------------------------

describe('the compiled code package in the WeChat sandbox', () => {
  test("the example's compiled page logs in silently at launch, logs out and in, finds the account again after a restart", async () => {
    const root = withEmulatorConfig(compiled.dir);
    const storage = new Map();
    const first = launch({ root, storage, person: 'demo' });
    const page = await first.loadPageAsync('pages/index/index');
    assert.equal(page.data.error, '');
    assert.equal(page.data.user && page.data.user.id, emulator.users()[0].id, 'the silent login in onLoad');
    assert.equal(page.data.busy, false);
    const { id } = page.data.user;
    await page.onLogout();
    assert.equal(page.data.user, null);
    assert.equal(page.data.error, '');
    assert.equal(storage.size, 0);
    await page.onLogin();
    assert.equal(page.data.error, '');
    assert.equal(page.data.user && page.data.user.id, id, 'the login button: the same account');

    const restarted = launch({ root, storage, person: 'demo' });
    const again = await restarted.loadPageAsync('pages/index/index');
    assert.equal(again.data.error, '');
    assert.equal(again.data.user && again.data.user.id, id, 'the same WeChat user, the same account');
    assert.equal(emulator.users().length, 1);
    await again.onLogout();
    assert.equal(again.data.user, null);
    assert.equal(again.data.error, '');
    assert.equal(storage.size, 0);
  });

  test('login rules: a first login creates the account, a second finds it, unionid links apps, bad codes reject', async () => {
    const mp = launch({ root: compiled.dir, person: 'alice' });
    const genauth = client(mp);
    const code = emulator.mintCode(WX_APP, 'alice');
    const first = await genauth.loginByCode(code);
    assert.equal(emulator.users().length, 1);
    assert.equal(first.id, emulator.users()[0].id);
    assert.equal(await genauth.getToken(), first.token);
    const second = await genauth.loginByCode();
    assert.equal(second.id, first.id, 'wx.login inside, same account');
    assert.equal(emulator.users().length, 1);

    const other = client(launch({ root: compiled.dir, wechatAppId: OTHER_WX_APP }), { appId: OTHER_APP_ID });
    const there = await other.loginByCode(emulator.mintCode(OTHER_WX_APP, 'carol'));
    const here = await genauth.loginByCode(emulator.mintCode(WX_APP, 'carol'));
    assert.equal(here.id, there.id, 'same unionid, same account');

    const { GenAuthError } = mp.require(SDK);
    const reused = await rejection(genauth.loginByCode(code));
    assertCodedError(reused, 'WX_CODE_USED');
    assert.ok(reused instanceof GenAuthError);
    assert.equal(reused.serverCode, 40163);
    assertCodedError(await rejection(genauth.loginByCode('not-a-real-code')), 'WX_CODE_INVALID');
    assertCodedError(await rejection(genauth.loginByCode('')), 'INVALID_ARGUMENT');
    assert.equal(await genauth.getToken(), here.token, 'failed logins keep the session');
  });

  test('the session: a new client and a restart see it, getCurrentUser, checkLoginStatus, logout', async () => {
    const storage = new Map();
    const mp = launch({ root: compiled.dir, storage });
    const genauth = client(mp);
    assert.equal(await genauth.getCurrentUser(), null);
    assert.equal((await genauth.checkLoginStatus()).status, false);
    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    assert.equal(await client(mp).getToken(), user.token, 'another page');
    const restarted = client(launch({ root: compiled.dir, storage }));
    const current = await restarted.getCurrentUser();
    assert.equal(current.id, user.id);
    const status = await restarted.checkLoginStatus();
    assert.equal(status.status, true);
    assert.equal(status.data.id, user.id);
    const token = await restarted.getToken();
    await restarted.logout();
    assert.equal(await restarted.getToken(), null);
    assert.equal(await genauth.getToken(), null, 'the other client sees the logout');
    assert.equal(storage.size, 0);
    assert.equal((await genauth.checkLoginStatus(token)).status, false, 'GenAuth no longer accepts the token');
  });

  test('faults reject with their codes and leave the session untouched', async () => {
    const mp = launch({ root: compiled.dir });
    const genauth = client(mp, { timeout: 300 });
    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const stored = JSON.stringify([...mp.storage.entries()].sort());
    const faults = [
      ['/connections/social/wechat-miniprogram/auth', 'http500html', 'SERVER_ERROR', () => genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'))],
      ['/graphql/v2', 'invalidJson', 'INVALID_RESPONSE', () => genauth.getCurrentUser()],
      ['/graphql/v2', 'delay', 'TIMEOUT', () => genauth.checkLoginStatus()],
    ];
    for (const [faultPath, kind, code, call] of faults) {
      emulator.injectFault({ path: faultPath, kind, delayMs: 1000 });
      const error = await rejection(call());
      assertCodedError(error, code);
      assert.ok(!error.message.includes(user.token), 'no token in messages');
      assert.equal(JSON.stringify([...mp.storage.entries()].sort()), stored, `${kind}: the session is untouched`);
    }
    emulator.clearFaults();
    assert.equal((await genauth.getCurrentUser()).id, user.id, 'works again afterwards');
    // A logout GenAuth cannot be told of still ends the session on the device.
    emulator.injectFault({ path: '/api/v2/logout', kind: 'drop' });
    assertCodedError(await rejection(genauth.logout()), 'LOGGED_OUT_LOCALLY');
    assert.equal(await genauth.getToken(), null);
    assertCodedError(await rejection(client(launch({ root: compiled.dir, login: async () => { throw new Error('offline'); } })).loginByCode()), 'WX_LOGIN_FAILED');
  });

  test('fails without the .wasm.br', async () => {
    const root = copyOf(compiled.dir, (copy) => fs.rmSync(path.join(copy, SDK_DIR, 'core.wasm.br')));
    assertCodedError(await rejection(sandboxLogin(root)), 'WASM_LOAD_FAILED');
  });

  test('fails without a Babel helper the SDK requires', async () => {
    const { helper, root } = withoutHelper();
    const error = await rejection(sandboxLogin(root));
    assert.match(error.message, helper.missing);
  });

  test('fails when a shipped file calls TextDecoder unguarded (compiled with it)', async () => {
    const index = fs.readFileSync(path.join(brokenDecoder.dir, SDK_DIR, 'index.js'), 'utf8');
    assert.match(index, /new TextDecoder\(/, 'the injected call survived the compile');
    assert.deepEqual(inspect(brokenDecoder.dir).problems, [], 'complete; only running it shows the fault');
    const error = await rejection(sandboxLogin(brokenDecoder.dir));
    assert.match(String(error), /TextDecoder is not defined/);
  });
});

// ---- JavaScriptCore without JIT (iOS) ---------------------------------------------------------

describe('the compiled code package on JavaScriptCore without JIT', () => {
  const scenarios = fs.readdirSync(JSC_SCENARIOS).filter((f) => f.endsWith('.js')).sort();
  for (const scenario of scenarios) {
    test(`${scenario.replace(/\.js$/, '')} passes`, async () => {
      const result = await jsc(scenario, compiled.dir);
      assert.ok(result.passed, `${scenario} failed on the compiled package (no JIT):\n${describeFailures(result)}`);
      assert.ok(result.checks.filter((c) => !c.auto).length >= 5, 'too few checks of its own');
    });
  }

  const breaks = [
    {
      what: 'without the .wasm.br',
      run: () => ({
        root: copyOf(compiled.dir, (copy) => fs.rmSync(path.join(copy, SDK_DIR, 'core.wasm.br'))),
        error: (e) => e && e.code === 'WASM_LOAD_FAILED',
      }),
    },
    {
      what: 'without a Babel helper the SDK requires',
      run: () => {
        const { helper, root } = withoutHelper();
        return { root, error: (e) => e && helper.missing.test(e.message) };
      },
    },
    {
      what: 'with an unguarded TextDecoder in a shipped file (compiled with it)',
      run: () => ({ root: brokenDecoder.dir, error: (e) => e && /TextDecoder/.test(e.message) }),
    },
  ];
  for (const broken of breaks) {
    test(`fails ${broken.what}`, async () => {
      const { root, error } = broken.run();
      const result = await jsc('login.js', root);
      assert.equal(result.passed, false, 'the broken code package passed');
      assert.ok(error(result.error), `failed for another reason:\n${describeFailures(result)}`);
    });
  }
});
