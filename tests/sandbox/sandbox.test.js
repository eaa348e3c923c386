'use strict';
// Tests of the WeChat sandbox itself: each rule it enforces is shown to bite.
const test = require('node:test');
const { describe, before, after } = test;
// Every test gets a time limit, so a missing callback fails instead of hanging the run.
const it = (name, fn) => test.it(name, { timeout: 5000 }, fn);
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const zlib = require('zlib');
const { createMiniProgram, ABSENT_GLOBALS, WRAPPER_PARAMS, checkWasm } = require('./index');
const { buildModule, OP } = require('./wasm-bytes');

// JSON view of a (possibly context-realm) value, for deepStrictEqual.
const plain = (v) => JSON.parse(JSON.stringify(v));

// ---------------------------------------------------------------------------------------------
// Fixtures

const I32 = 'i32';
const WASM = {
  // add(a, b) and a memory; a non-exported mutable global; target_features lists post-MVP
  // features it does not use (like a real rustc build): stripping it must make it pass.
  add: buildModule({
    types: [{ params: [I32, I32], results: [I32] }],
    funcs: [{ type: 0, body: [...OP.localGet(0), ...OP.localGet(1), ...OP.i32Add] }],
    memories: [{ min: 1 }],
    globals: [{ mutable: true, init: 5 }],
    exports: [{ name: 'add', kind: 'func', index: 0 }, { name: 'memory', kind: 'memory', index: 0 }],
    targetFeatures: ['mutable-globals', 'sign-ext', 'bulk-memory', 'reference-types', 'multivalue'],
  }),
  // callTwice(x) calls the imported env.cb(x) twice and returns the second result.
  imports: buildModule({
    types: [{ params: [I32], results: [I32] }],
    imports: [{ module: 'env', name: 'cb', kind: 'func', type: 0 }],
    funcs: [{ type: 0, body: [...OP.localGet(0), 0x10, 0x00, ...OP.drop, ...OP.localGet(0), 0x10, 0x00] }],
    exports: [{ name: 'callTwice', kind: 'func', index: 1 }],
  }),
  mutableGlobalImport: buildModule({
    imports: [{ module: 'env', name: 'g', kind: 'global', valtype: I32, mutable: true }],
    types: [{ params: [], results: [] }],
    funcs: [{ type: 0, body: [...OP.i32Const(1), ...OP.globalSet(0)] }],
    exports: [{ name: 'bump', kind: 'func', index: 0 }],
  }),
  signExt: buildModule({
    types: [{ params: [I32], results: [I32] }],
    funcs: [{ type: 0, body: [...OP.localGet(0), ...OP.i32Extend8S] }],
    exports: [{ name: 'f', kind: 'func', index: 0 }],
    targetFeatures: ['sign-ext'],
  }),
  memoryCopy: buildModule({
    types: [{ params: [], results: [] }],
    memories: [{ min: 1 }],
    funcs: [{ type: 0, body: [...OP.i32Const(0), ...OP.i32Const(0), ...OP.i32Const(0), ...OP.memoryCopy] }],
    exports: [{ name: 'f', kind: 'func', index: 0 }],
  }),
  memoryFill: buildModule({
    types: [{ params: [], results: [] }],
    memories: [{ min: 1 }],
    funcs: [{ type: 0, body: [...OP.i32Const(0), ...OP.i32Const(0), ...OP.i32Const(0), ...OP.memoryFill] }],
    exports: [{ name: 'f', kind: 'func', index: 0 }],
  }),
  truncSat: buildModule({
    types: [{ params: [], results: [I32] }],
    funcs: [{ type: 0, body: [...OP.f32Const0, ...OP.i32TruncSatF32S] }],
    exports: [{ name: 'f', kind: 'func', index: 0 }],
  }),
  multiValue: buildModule({
    types: [{ params: [], results: [I32, I32] }],
    funcs: [{ type: 0, body: [...OP.i32Const(1), ...OP.i32Const(2)] }],
    exports: [{ name: 'f', kind: 'func', index: 0 }],
  }),
  multiValueUnusedType: buildModule({ types: [{ params: [], results: [I32, I32] }] }),
  externrefTable: buildModule({
    tables: [{ reftype: 'externref', min: 1 }],
    exports: [{ name: '__wbindgen_externrefs', kind: 'table', index: 0 }],
  }),
  externrefParam: buildModule({
    types: [{ params: ['externref'], results: [] }],
    funcs: [{ type: 0, body: [] }],
    exports: [{ name: 'f', kind: 'func', index: 0 }],
  }),
  twoTables: buildModule({ tables: [{ min: 1 }, { min: 1 }] }),
  mutableGlobalExport: buildModule({
    globals: [{ mutable: true, init: 0 }],
    exports: [{ name: '__abort_handler', kind: 'global', index: 0 }],
  }),
  constGlobalExport: buildModule({
    globals: [{ mutable: false, init: 7 }],
    exports: [{ name: '__instance_terminated', kind: 'global', index: 0 }],
  }),
};

const FILES = {
  'app.json': JSON.stringify({ pages: ['pages/index/index'] }),
  'app.js': `App({
    globalData: { launches: 0 },
    onLaunch(options) { this.globalData.launches += 1; this.globalData.path = options.path; },
  });`,
  'pages/index/index.js': `const util = require('../../utils/util');
  Page({
    data: { count: 1, nested: { list: [1, 2, 3], name: 'a' }, items: [] },
    onLoad(query) { this.setData({ query: query.id, app: getApp().globalData.launches }); this.loaded = true; },
    onShow() { this.shown = (this.shown || 0) + 1; },
    increment() { this.setData({ count: util.inc(this.data.count) }); },
  });`,
  'pages/async/index.js': `Page({
    data: {},
    async onLoad() { const v = await new Promise((r) => setTimeout(() => r(42), 5)); this.setData({ v }); },
  });`,
  'pages/nopage/index.js': 'module.exports = 1;',
  // Modern syntax outside miniprogram_npm is compiled by DevTools, so it is not checked.
  'pages/modern.js': 'module.exports = { v: ({ a: { b: 1 } })?.a?.b ?? 0 };',
  'utils/util.js': "exports.inc = (n) => n + 1; exports.name = require('./name').name;",
  'utils/name.js': "module.exports = { name: 'name' };",
  'utils/dir/index.js': "module.exports = 'dir-index';",
  'utils/data.json': '{ "k": [1, 2] }',
  'utils/cycle-a.js': "exports.a = 1; const b = require('./cycle-b'); exports.sum = b.b + 1;",
  'utils/cycle-b.js': "const a = require('./cycle-a'); exports.b = a.a + 10;",
  'utils/probe.js': `
    module.exports = {
      shadowed: [typeof window, typeof document, typeof self, typeof fetch, typeof XMLHttpRequest, typeof WebSocket, typeof navigator, typeof location],
      thisIsUndefined: this === undefined,
      strict: (function () { try { undeclaredVariable = 1; return false; } catch (e) { return e instanceof ReferenceError; } })(),
      evalThrows: (function () { try { eval('1'); return false; } catch (e) { return e instanceof EvalError; } })(),
      functionThrows: (function () { try { new Function('return 1'); return false; } catch (e) { return e instanceof EvalError; } })(),
      functionCallThrows: (function () { try { Function('a', 'return a'); return false; } catch (e) { return e instanceof EvalError; } })(),
      returnThisAllowed: new Function('return this')() === globalThis,
      requireFs: (function () { try { require('fs'); return 'loaded'; } catch (e) { return e.message; } })(),
      requireZlib: (function () { try { require('zlib'); return 'loaded'; } catch (e) { return e.message; } })(),
    };`,
  'utils/timers.js': `
    module.exports = function (done) {
      const id = setTimeout(function () { done('cleared timer fired'); }, 5);
      clearTimeout(id);
      let n = 0;
      const iv = setInterval(function () { n += 1; if (n === 3) { clearInterval(iv); done(typeof id + ':' + n); } }, 1);
    };`,
  'assets/logo.txt': 'not a module',
  // npm packages, as after "build npm"
  'miniprogram_npm/good/index.js': `
    'use strict';
    const sub = require('./sub');
    const lib = require('./lib');
    class Counter { constructor(n) { this.n = n; } next() { return ++this.n; } }
    async function twice(p) { const { a, b: [c] } = await p; return a + c; }
    const { x, y } = { x: 1, y: 2 };
    module.exports = { Counter, twice, sum: x + y + sub.v + lib.v, exp: 2 ** 3, pad: 'a'.padStart(3, '-') };`,
  'miniprogram_npm/good/sub.js': 'module.exports = { v: 10 };',
  'miniprogram_npm/good/lib/index.js': 'module.exports = { v: 100 };',
  'miniprogram_npm/nested/index.js': "module.exports = require('good').sum + require('good/sub').v;",
  'miniprogram_npm/scoped-json/index.js': "module.exports = require('./data.json');",
  'miniprogram_npm/scoped-json/data.json': '{ "ok": true }',
  'miniprogram_npm/bad-optional-chaining/index.js': "var a = {};\nmodule.exports = a?.b;",
  'miniprogram_npm/bad-nullish/index.js': "var a = null;\n\nmodule.exports = a ?? 1;",
  'miniprogram_npm/bad-optional-catch/index.js': 'try { JSON.parse("x"); } catch { }',
  'miniprogram_npm/bad-object-spread/index.js': 'var o = { a: 1 };\nmodule.exports = { ...o };',
  'miniprogram_npm/bad-object-rest/index.js': 'var { a, ...rest } = { a: 1, b: 2 };',
  'miniprogram_npm/bad-async-iteration/index.js': 'async function f(xs) { for await (const x of xs) { console.log(x); } }',
  'miniprogram_npm/bad-esm/index.js': "import x from 'y';",
  'miniprogram_npm/wasmpkg/core_bg.wasm.br': zlib.brotliCompressSync(WASM.add),
  'wasm/add.wasm': WASM.add,
  'wasm/add.wasm.br': zlib.brotliCompressSync(WASM.add),
  'wasm/not-brotli.wasm.br': WASM.add,
  'wasm/garbage.wasm': Buffer.from('this is not wasm at all'),
  'wasm/add.bin': WASM.add,
};
for (const name of Object.keys(WASM)) {
  if (!FILES['wasm/' + name + '.wasm']) FILES['wasm/' + name + '.wasm'] = WASM[name];
}

let root;
let server;
let base;
const heldResponses = [];

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'wx-sandbox-'));
  for (const [rel, content] of Object.entries(FILES)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      const url = new URL(req.url, 'http://x');
      switch (url.pathname) {
        case '/json':
          res.writeHead(200, { 'Content-Type': 'application/json', 'X-Custom-Header': 'yes', 'Set-Cookie': ['a=1', 'b=2'] });
          res.end(JSON.stringify({ ok: true, list: [1, 2] }));
          return;
        case '/text500':
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end('internal error');
          return;
        case '/badjson':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"broken": ');
          return;
        case '/bytes':
          res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
          res.end(Buffer.from([1, 2, 3, 255]));
          return;
        case '/echo':
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body }));
          return;
        case '/upload':
          // The raw multipart body, base64 (binary-safe); answered as JSON text.
          res.writeHead(200, { 'Content-Type': 'application/json', 'X-Upload': 'seen' });
          res.end(JSON.stringify({ method: req.method, headers: req.headers, rawHeaders: req.rawHeaders, body: raw.toString('base64') }));
          return;
        case '/drop':
          req.socket.destroy();
          return;
        case '/drop-mid-body':
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
          res.write('{"partial":');
          setTimeout(() => req.socket.destroy(), 20);
          return;
        case '/slow':
          heldResponses.push(res);
          return;
        default:
          res.writeHead(404);
          res.end('not found');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = 'http://127.0.0.1:' + server.address().port;
});

after(() => {
  for (const res of heldResponses) res.destroy();
  server.closeAllConnections();
  server.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const opened = [];
function newMp(extra) {
  const mp = createMiniProgram(Object.assign({
    root,
    wechatAppId: 'wxapp123',
    login: async (appId) => 'code-for-' + appId,
  }, extra || {}));
  opened.push(mp);
  return mp;
}
after(() => opened.forEach((mp) => mp.close()));

/** Call a callback-style wx API; resolves { ok, res, sync } (sync: whether a callback ran synchronously). */
function callWx(mp, api, options) {
  return new Promise((resolve) => {
    let returned = false;
    let outcome = null;
    const value = mp.wx[api](Object.assign({}, options, {
      success: (res) => { outcome = { ok: true, res, sync: !returned }; },
      fail: (res) => { outcome = { ok: false, res, sync: !returned }; },
      complete: (res) => { resolve(Object.assign(outcome, { completeRes: res, value })); },
    }));
    returned = true;
  });
}

// ---------------------------------------------------------------------------------------------

describe('globals', () => {
  it('has none of the globals a phone lacks', () => {
    const mp = newMp();
    for (const name of ABSENT_GLOBALS) {
      assert.equal(mp.evaluate('typeof ' + name), 'undefined', name + ' must be absent');
    }
    for (const name of ['WebAssembly', 'TextEncoder', 'TextDecoder', 'fetch', 'URL', 'URLSearchParams', 'crypto', 'process',
      'Buffer', 'require', 'window', 'self', 'queueMicrotask', 'structuredClone', 'atob', 'btoa',
      'performance', 'setImmediate']) {
      assert.ok(ABSENT_GLOBALS.includes(name), name + ' must be in the list');
      assert.equal(mp.evaluate("'" + name + "' in globalThis"), false, name);
    }
  });

  it('has the mini-program globals and the JS built-ins of its own realm', () => {
    const mp = newMp();
    for (const name of ['wx', 'WXWebAssembly', 'App', 'Page', 'Component', 'getApp', 'getCurrentPages',
      'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console']) {
      assert.notEqual(mp.evaluate('typeof ' + name), 'undefined', name);
    }
    assert.equal(mp.evaluate('typeof globalThis'), 'object');
    assert.equal(mp.evaluate('typeof Promise + typeof BigInt + typeof WeakRef + typeof Proxy'), 'functionfunctionfunctionfunction');
    assert.equal(mp.evaluate('wx instanceof Object && wx.login instanceof Function'), true);
    assert.notEqual(mp.evaluate('Object'), Object);
  });

  it('has a writable `global` object that is not globalThis', () => {
    const mp = newMp();
    assert.equal(mp.evaluate('typeof global'), 'object');
    assert.equal(mp.evaluate('global === globalThis'), false, 'global is not globalThis');
    assert.equal(mp.evaluate('Object.getPrototypeOf(global) === Object.prototype'), true, 'a plain object of the context');
    assert.deepEqual(mp.evaluate('Object.keys(global)').length, 0, 'empty at start');
    const desc = mp.evaluate("Object.getOwnPropertyDescriptor(globalThis, 'global')");
    assert.equal(desc.writable, true);
    assert.equal(desc.configurable, true);
    // What uni-app's vendor.js does at load.
    assert.equal(mp.evaluate('wx.createApp = global.createApp = function createApp() { return 1; }; global.createApp()'), 1);
    // Properties of `global` are not global variables.
    mp.evaluate('global.onlyOnGlobal = 7;');
    assert.equal(mp.evaluate('typeof onlyOnGlobal'), 'undefined');
    assert.throws(() => mp.evaluate('onlyOnGlobal'), /onlyOnGlobal is not defined/);
    // Writable: it can be replaced.
    assert.equal(mp.evaluate('global = { replaced: true }; global.replaced'), true);
    // Each mini program has its own.
    assert.equal(newMp().evaluate('typeof global.onlyOnGlobal + typeof global.replaced'), 'undefinedundefined');
    // Visible inside modules too (not one of the define() wrapper's parameters).
    assert.ok(!WRAPPER_PARAMS.includes('global'));
  });

  it('forbids eval and new Function, except new Function("return this")', () => {
    const mp = newMp();
    assert.throws(() => mp.evaluate("eval('1')"), /Code generation from strings disallowed/);
    assert.throws(() => mp.evaluate("new Function('return 1')"), /Code generation from strings disallowed/);
    assert.throws(() => mp.evaluate("(function(){}).constructor('return 1')"), /Code generation from strings disallowed/);
    assert.equal(mp.evaluate("new Function('return this')() === globalThis"), true);
    assert.throws(() => mp.evaluate("setTimeout('1', 0)"), /must be a function/);
  });

  it('wraps modules like WeChat: shadow parameters undefined, strict mode, no code generation', () => {
    const probe = plain(newMp().require('/utils/probe.js'));
    assert.deepEqual(probe, {
      shadowed: Array(8).fill('undefined'),
      thisIsUndefined: true,
      strict: true,
      evalThrows: true,
      functionThrows: true,
      functionCallThrows: true,
      returnThisAllowed: true,
      requireFs: "module 'fs' is not defined, require args is 'fs' (required from /utils/probe.js)",
      requireZlib: "module 'zlib' is not defined, require args is 'zlib' (required from /utils/probe.js)",
    });
  });

  it('timers use numeric ids and can be cleared', async () => {
    const mp = newMp();
    const result = await new Promise((resolve) => mp.require('/utils/timers.js')(resolve));
    assert.equal(result, 'number:3');
  });
});

describe('require', () => {
  it('resolves relative, absolute, directory, json and npm paths', () => {
    const mp = newMp();
    assert.equal(mp.require('/utils/util.js').name, 'name');
    assert.equal(mp.require('/utils/util').inc(1), 2);
    assert.equal(mp.require('./utils/dir'), 'dir-index');
    assert.deepEqual(plain(mp.require('/utils/data.json')), { k: [1, 2] });
    assert.equal(mp.require('good').sum, 113);
    assert.equal(mp.require('good/sub').v, 10);
    assert.equal(mp.require('/miniprogram_npm/good/index.js'), mp.require('good'), 'modules are cached');
    assert.equal(mp.require('nested'), 123);
    assert.equal(mp.require('scoped-json').ok, true);
    assert.equal(mp.require('/utils/cycle-a.js').sum, 12);
  });

  it('has no Node built-ins, and only .js / .json modules', () => {
    const mp = newMp();
    for (const name of ['fs', 'zlib', 'path', 'crypto', 'http', 'util', 'node:fs']) {
      assert.throws(() => mp.require(name), (e) => e.message.startsWith("module '" + name + "' is not defined"), name);
    }
    assert.throws(() => mp.require('./utils/missing'), /module '\.\/utils\/missing' is not defined/);
    assert.throws(() => mp.require('/assets/logo.txt'), /only \.js and \.json/);
    assert.throws(() => mp.require('/wasm/add.wasm'), /only \.js and \.json/);
    assert.throws(() => mp.require('/utils/../../etc/passwd'), /is not defined/);
  });

  it('errors thrown by require are context-realm errors', () => {
    const mp = newMp();
    const isCtxError = mp.evaluate('(function (f) { try { f(); } catch (e) { return e instanceof Error; } })');
    assert.equal(isCtxError(() => mp.require('fs')), true);
  });

  it('accepts ES2017 syntax in npm packages', async () => {
    const good = newMp().require('good');
    assert.equal(new good.Counter(1).next(), 2);
    assert.equal(await good.twice(Promise.resolve({ a: 1, b: [2] })), 3);
    assert.equal(good.exp, 8);
  });

  const rejected = [
    ['bad-optional-chaining', 2, '?.'],
    ['bad-nullish', 3, '??'],
    ['bad-optional-catch', 1, '{'],
    ['bad-object-spread', 2, '...'],
    ['bad-object-rest', 1, '...'],
    ['bad-async-iteration', 1, 'await'],
    ['bad-esm', 1, 'import'],
  ];
  for (const [pkg, line, token] of rejected) {
    it('rejects newer-than-ES2017 syntax in npm packages: ' + pkg, () => {
      const mp = newMp();
      assert.throws(() => mp.require(pkg), (e) => {
        assert.equal(e.name, 'SyntaxError');
        assert.match(e.message, new RegExp('^parse js file \\(/miniprogram_npm/' + pkg + '/index\\.js\\) failed: '));
        assert.match(e.message, new RegExp(' at line ' + line + ', '));
        assert.ok(e.message.includes("token '" + token), e.message);
        return true;
      });
    });
  }

  it('does not check syntax outside miniprogram_npm (DevTools compiles pages)', () => {
    assert.equal(newMp().require('/pages/modern.js').v, 1);
  });

  it('reports runtime errors with the package path in the stack', () => {
    const mp = newMp();
    fs.writeFileSync(path.join(root, 'utils/thrower.js'), "\n\nthrow new Error('boom');");
    assert.throws(() => mp.require('/utils/thrower.js'), (e) => /\/utils\/thrower\.js:3/.test(e.stack));
  });
});

describe('WXWebAssembly', () => {
  it('instantiates a package path and resolves to { instance, module }', async () => {
    const mp = newMp();
    const W = mp.context.WXWebAssembly;
    const result = await W.instantiate('/wasm/add.wasm', {});
    assert.ok(result.instance instanceof W.Instance);
    assert.ok(result.module instanceof W.Module);
    assert.equal(result.instance.exports.add(2, 3), 5);
    assert.ok(result.instance.exports.memory instanceof W.Memory);
    assert.equal(mp.evaluate('(function (r) { return r instanceof Object; })')(result), true);
  });

  it("resolves to the Instance alone with instantiateResult: 'instance'", async () => {
    const mp = newMp({ instantiateResult: 'instance' });
    const result = await mp.context.WXWebAssembly.instantiate('wasm/add.wasm', {});
    assert.ok(result instanceof mp.context.WXWebAssembly.Instance);
    assert.equal(result.exports.add(20, 22), 42);
  });

  it('decodes .wasm.br, with or without the leading slash, also under miniprogram_npm', async () => {
    const W = newMp().context.WXWebAssembly;
    assert.equal((await W.instantiate('/wasm/add.wasm.br', {})).instance.exports.add(1, 1), 2);
    assert.equal((await W.instantiate('wasm/add.wasm.br', {})).instance.exports.add(1, 2), 3);
    assert.equal((await W.instantiate('/miniprogram_npm/wasmpkg/core_bg.wasm.br', {})).instance.exports.add(2, 2), 4);
  });

  it('passes imports through (including a mutable imported global)', async () => {
    const W = newMp().context.WXWebAssembly;
    const seen = [];
    const { instance } = await W.instantiate('/wasm/imports.wasm', { env: { cb: (x) => { seen.push(x); return x * 2; } } });
    assert.equal(instance.exports.callTwice(7), 14);
    assert.deepEqual(seen, [7, 7]);
    const g = new W.Global({ value: 'i32', mutable: true }, 0);
    const r = await W.instantiate('/wasm/mutableGlobalImport.wasm', { env: { g } });
    r.instance.exports.bump();
    assert.equal(g.value, 1);
  });

  it('accepts only code-package path strings', async () => {
    const mp = newMp();
    const W = mp.context.WXWebAssembly;
    const bytes = fs.readFileSync(path.join(root, 'wasm/add.wasm'));
    const notPath = /^Error: WebAssembly\.instantiate: not support wxfile: or http: path/;
    await assert.rejects(W.instantiate(new Uint8Array(bytes), {}), notPath);
    await assert.rejects(W.instantiate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), {}), notPath);
    await assert.rejects(W.instantiate(mp.evaluate('new ArrayBuffer(8)'), {}), notPath);
    await assert.rejects(W.instantiate({ path: '/wasm/add.wasm' }, {}), notPath);
    await assert.rejects(W.instantiate(new W.Module(bytes), {}), notPath);
    await assert.rejects(W.instantiate('http://127.0.0.1/add.wasm', {}), notPath);
    await assert.rejects(W.instantiate('https://example.com/add.wasm', {}), notPath);
    await assert.rejects(W.instantiate('wxfile://usr/add.wasm', {}), notPath);
    await assert.rejects(W.instantiate('./wasm/add.wasm', {}), /relative path/);
    await assert.rejects(W.instantiate('/wasm/missing.wasm', {}), /file not found/);
    await assert.rejects(W.instantiate('/wasm/add.bin', {}), /only \.wasm and \.wasm\.br/);
    await assert.rejects(W.instantiate('/wasm/not-brotli.wasm.br', {}), /Brotli decode/);
    await assert.rejects(W.instantiate('/wasm/garbage.wasm', {}), /expected magic word 00 61 73 6d/);
    await assert.rejects(W.instantiate('/../add.wasm', {}), /outside the code package|not found/);
    const rejection = await W.instantiate(5, {}).catch((e) => e);
    assert.equal(mp.evaluate('(function (e) { return e instanceof Error; })')(rejection), true);
  });

  it('exposes only what WeChat documents', () => {
    const W = newMp().context.WXWebAssembly;
    for (const k of ['instantiate', 'Memory', 'Table', 'Global', 'Instance', 'Module', 'CompileError', 'LinkError', 'RuntimeError']) {
      assert.equal(typeof W[k], 'function', k);
    }
    for (const k of ['compile', 'validate', 'instantiateStreaming', 'compileStreaming']) {
      assert.equal(W[k], undefined, k);
    }
  });

  const postMvp = [
    ['signExt', 'sign-ext', 'i32.extend8_s'],
    ['memoryCopy', 'bulk-memory', 'memory.copy'],
    ['memoryFill', 'bulk-memory', 'memory.fill'],
    ['truncSat', 'nontrapping-float-to-int', 'i32.trunc_sat_f32_s'],
    ['multiValue', 'multivalue', 'result'],
    ['multiValueUnusedType', 'multivalue', 'type 0 has 2 results'],
    ['externrefTable', 'reference-types', 'table'],
    ['externrefParam', 'reference-types', 'externref'],
    ['twoTables', 'reference-types', 'table'],
  ];
  for (const [name, feature, detail] of postMvp) {
    it('rejects a post-MVP module: ' + name, async () => {
      assert.doesNotThrow(() => new WebAssembly.Module(WASM[name]), 'the host engine itself accepts it');
      const W = newMp().context.WXWebAssembly;
      const err = await W.instantiate('/wasm/' + name + '.wasm', {}).then(() => null, (e) => e);
      assert.ok(err, name + ' must be rejected');
      assert.match(err.message, new RegExp('^WebAssembly\\.instantiate: /wasm/' + name + '\\.wasm: post-MVP feature '));
      assert.ok(err.message.includes(feature), err.message);
      assert.ok(err.message.includes(detail), err.message);
    });
  }

  it('rejects a module that exports a Global (mutable or not)', async () => {
    const W = newMp().context.WXWebAssembly;
    await assert.rejects(W.instantiate('/wasm/mutableGlobalExport.wasm', {}), /exports a global: __abort_handler/);
    await assert.rejects(W.instantiate('/wasm/constGlobalExport.wasm', {}), /exports a global: __instance_terminated/);
  });

  it('strips the target_features section before validating (it would re-enable features)', () => {
    const { sections, stripTargetFeatures } = require('./wasm-check');
    assert.ok(sections(WASM.signExt).some((sec) => sec.name === 'target_features'));
    const stripped = stripTargetFeatures(WASM.signExt);
    assert.ok(!sections(stripped).some((sec) => sec.name === 'target_features'));
    assert.doesNotThrow(() => new WebAssembly.Module(stripped));
  });

  it('checkWasm reports MVP + mutable-globals modules as fine', async () => {
    for (const name of ['add', 'imports', 'mutableGlobalImport']) {
      const r = await checkWasm(WASM[name]);
      assert.deepEqual(r.problems, [], name);
    }
  });
});

describe('wx.request', () => {
  it('succeeds for 200 with parsed JSON, keeps header case and cookies, calls back asynchronously', async () => {
    let hooked = 0;
    const mp = newMp({ onRequest: (o, info) => { hooked += 1; assert.equal(info.api, 'request'); } });
    const r = await callWx(mp, 'request', { url: base + '/json' });
    assert.equal(r.ok, true);
    assert.equal(r.sync, false);
    assert.equal(r.res.statusCode, 200);
    assert.equal(r.res.errMsg, 'request:ok');
    assert.deepEqual(plain(r.res.data), { ok: true, list: [1, 2] });
    assert.equal(r.res.header['X-Custom-Header'], 'yes');
    assert.deepEqual(plain(r.res.cookies), ['a=1', 'b=2']);
    assert.equal(r.completeRes, r.res);
    assert.equal(hooked, 1);
    assert.equal(mp.evaluate('(function (r) { return r instanceof Object && r.data.list instanceof Array; })')(r.res), true);
    assert.equal(typeof r.value.abort, 'function', 'returns a RequestTask');
  });

  it('succeeds for 500 with the string body, and gives the raw string for invalid JSON', async () => {
    const mp = newMp();
    const r500 = await callWx(mp, 'request', { url: base + '/text500' });
    assert.equal(r500.ok, true);
    assert.equal(r500.res.statusCode, 500);
    assert.equal(r500.res.data, 'internal error');
    const bad = await callWx(mp, 'request', { url: base + '/badjson' });
    assert.equal(bad.ok, true);
    assert.equal(bad.res.data, '{"broken": ');
    const text = await callWx(mp, 'request', { url: base + '/json', dataType: 'text' });
    assert.equal(text.res.data, '{"ok":true,"list":[1,2]}');
  });

  it('returns an ArrayBuffer of the context for responseType arraybuffer', async () => {
    const mp = newMp();
    const r = await callWx(mp, 'request', { url: base + '/bytes', responseType: 'arraybuffer' });
    assert.ok(r.res.data instanceof mp.evaluate('ArrayBuffer'));
    assert.deepEqual(Array.from(new Uint8Array(r.res.data)), [1, 2, 3, 255]);
  });

  it('encodes data the WeChat way', async () => {
    const mp = newMp();
    const get = await callWx(mp, 'request', { url: base + '/echo?x=1', data: { a: 'b c', n: 2 } });
    assert.equal(get.res.data.method, 'GET');
    assert.equal(get.res.data.url, '/echo?x=1&a=b%20c&n=2');
    assert.equal(get.res.data.headers['content-type'], 'application/json');
    assert.match(get.res.data.headers.referer, /^https:\/\/servicewechat\.com\/wxapp123\//);

    const post = await callWx(mp, 'request', {
      url: base + '/echo', method: 'post', data: { a: [1, { b: null }] }, header: { 'X-Mixed-Case': 'v', Referer: 'https://evil' },
    });
    assert.equal(post.res.data.method, 'POST');
    assert.equal(post.res.data.body, '{"a":[1,{"b":null}]}');
    assert.ok(post.res.data.rawHeaders.includes('X-Mixed-Case'), 'header keys as given');
    assert.match(post.res.data.headers.referer, /servicewechat\.com/);

    const form = await callWx(mp, 'request', {
      url: base + '/echo', method: 'POST', data: { a: 1, b: 'x&y' }, header: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.res.data.body, 'a=1&b=x%26y');

    const raw = await callWx(mp, 'request', { url: base + '/echo', method: 'PUT', data: 'raw text', header: { 'content-type': 'text/plain' } });
    assert.equal(raw.res.data.method, 'PUT');
    assert.equal(raw.res.data.body, 'raw text');
    assert.equal(raw.res.data.headers['content-type'], 'text/plain');
  });

  it('fails with request:fail when the server drops the connection', async () => {
    const mp = newMp();
    const r = await callWx(mp, 'request', { url: base + '/drop' });
    assert.equal(r.ok, false);
    assert.match(r.res.errMsg, /^request:fail /);
    const mid = await callWx(mp, 'request', { url: base + '/drop-mid-body' });
    assert.equal(mid.ok, false);
    assert.match(mid.res.errMsg, /^request:fail /);
  });

  it('fails with request:fail when nothing listens', async () => {
    const s = http.createServer();
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = s.address().port;
    await new Promise((resolve) => s.close(resolve));
    const r = await callWx(newMp(), 'request', { url: 'http://127.0.0.1:' + port + '/x' });
    assert.equal(r.ok, false);
    assert.match(r.res.errMsg, /^request:fail .*ECONNREFUSED/);
  });

  it('times out with request:fail timeout (option and default)', async () => {
    const t0 = Date.now();
    const r = await callWx(newMp(), 'request', { url: base + '/slow', timeout: 150 });
    assert.equal(r.ok, false);
    assert.equal(r.res.errMsg, 'request:fail timeout');
    assert.ok(Date.now() - t0 >= 140);
    const d = await callWx(newMp({ requestTimeoutDefault: 100 }), 'request', { url: base + '/slow' });
    assert.equal(d.res.errMsg, 'request:fail timeout');
  });

  it('aborts, reports headers, and does not return a promise', async () => {
    const mp = newMp();
    const p = new Promise((resolve) => {
      const task = mp.wx.request({ url: base + '/slow', fail: resolve });
      setTimeout(() => task.abort(), 20);
    });
    assert.equal((await p).errMsg, 'request:fail abort');

    const headers = await new Promise((resolve) => {
      const task = mp.wx.request({ url: base + '/json' });
      task.onHeadersReceived((h) => resolve(h.header));
    });
    assert.equal(headers['Content-Type'], 'application/json');

    const task = mp.wx.request({ url: base + '/json' });
    assert.equal(typeof task.then, 'undefined', 'wx.request returns a RequestTask, never a Promise');
    const bad = await callWx(mp, 'request', { url: 'not a url' });
    assert.match(bad.res.errMsg, /^request:fail invalid url/);
  });
});

describe('wx.login, randomness, info', () => {
  it('logs in with callbacks and with a promise', async () => {
    const mp = newMp();
    const r = await callWx(mp, 'login', {});
    assert.deepEqual(plain(r.res), { code: 'code-for-wxapp123', errMsg: 'login:ok' });
    assert.equal(r.sync, false);
    const viaPromise = await mp.wx.login();
    assert.equal(viaPromise.code, 'code-for-wxapp123');
    assert.equal(mp.evaluate('(function (p) { return p instanceof Promise; })')(mp.wx.login()), true);
  });

  it('reports login failures as login:fail', async () => {
    const mp = newMp({ login: async () => { throw new Error('emulator down'); } });
    const r = await callWx(mp, 'login', {});
    assert.equal(r.ok, false);
    assert.equal(r.res.errMsg, 'login:fail emulator down');
    await assert.rejects(mp.wx.login(), (e) => e.errMsg === 'login:fail emulator down');
  });

  it('gives random bytes as a context ArrayBuffer', async () => {
    const mp = newMp();
    const r = await callWx(mp, 'getRandomValues', { length: 16 });
    assert.ok(r.res.randomValues instanceof mp.evaluate('ArrayBuffer'));
    assert.equal(r.res.randomValues.byteLength, 16);
    const p = await mp.wx.getRandomValues({ length: 4 });
    assert.equal(p.randomValues.byteLength, 4);
    const fixed = newMp({ getRandomValues: (n) => new Uint8Array(n).fill(7) });
    assert.deepEqual(Array.from(new Uint8Array((await fixed.wx.getRandomValues({ length: 3 })).randomValues)), [7, 7, 7]);
    await assert.rejects(mp.wx.getRandomValues({}), (e) => /^getRandomValues:fail/.test(e.errMsg));
  });

  it('describes the system and the account', () => {
    const mp = newMp();
    assert.equal(mp.wx.getSystemInfoSync().platform, 'ios');
    assert.equal(mp.wx.getSystemInfoSync().SDKVersion, '3.7.0');
    assert.deepEqual(plain(mp.wx.getAccountInfoSync()), { miniProgram: { appId: 'wxapp123', envVersion: 'develop', version: '' } });
  });
});

/** A predicate evaluated inside the context: `inCtx(mp, 'v instanceof ArrayBuffer')(value)`. */
const inCtx = (mp, expr) => mp.evaluate('(function (v) { return ' + expr + '; })');

/**
 * start(callback) makes a wx call whose callback is `callback`; checks that it ran as a
 * macrotask: after the call returned and after a microtask queued right behind the call.
 */
async function assertMacrotask(start) {
  const order = [];
  await new Promise((resolve) => {
    start(() => {
      order.push('callback');
      resolve();
    });
    order.push('returned');
    Promise.resolve().then(() => order.push('microtask'));
  });
  assert.deepEqual(order, ['returned', 'microtask', 'callback']);
}

// Splits a multipart/form-data body into its parts ({ name, filename, type, content: Buffer }).
function parseMultipart(body, contentType) {
  const boundary = /boundary=(.+)$/.exec(contentType)[1];
  const delimiter = Buffer.from('--' + boundary);
  assert.equal(body.subarray(body.length - delimiter.length - 4).toString(), '--' + boundary + '--\r\n', 'closing delimiter');
  const parts = [];
  for (let pos = body.indexOf(delimiter); ;) {
    const next = body.indexOf(delimiter, pos + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(pos + delimiter.length + 2, next - 2); // CRLF after, CRLF before
    const headEnd = chunk.indexOf('\r\n\r\n');
    const head = chunk.subarray(0, headEnd).toString('utf8');
    parts.push({
      head,
      name: /\bname="([^"]*)"/.exec(head)[1],
      filename: (/\bfilename="([^"]*)"/.exec(head) || [])[1],
      type: (/^Content-Type: (.*)$/im.exec(head) || [])[1],
      content: chunk.subarray(headEnd + 4),
    });
    pos = next;
  }
  return parts;
}

describe('wx.getRandomValues', () => {
  it('calls back as a macrotask with a context ArrayBuffer of `length` random bytes', async () => {
    const mp = newMp();
    await assertMacrotask((cb) => mp.wx.getRandomValues({ length: 8, success: cb }));
    const r = await callWx(mp, 'getRandomValues', { length: 32 });
    assert.equal(r.ok, true);
    assert.equal(r.sync, false);
    assert.equal(r.res.errMsg, 'getRandomValues:ok');
    assert.equal(inCtx(mp, 'v instanceof Object && v.randomValues instanceof ArrayBuffer')(r.res), true);
    assert.equal(r.res.randomValues.byteLength, 32);
    const again = await mp.wx.getRandomValues({ length: 32 });
    assert.notDeepEqual(Array.from(new Uint8Array(again.randomValues)), Array.from(new Uint8Array(r.res.randomValues)));
    assert.equal(inCtx(mp, 'v instanceof Promise')(mp.wx.getRandomValues({ length: 1 })), true, 'a context Promise without callbacks');
    assert.equal((await mp.wx.getRandomValues({ length: 1048576 })).randomValues.byteLength, 1048576, 'the documented maximum');
  });

  it('fails for a length that is not an integer 1..1048576', async () => {
    const mp = newMp();
    for (const length of [undefined, '16', 0, -1, 1.5, 1048577, NaN]) {
      const r = await callWx(mp, 'getRandomValues', { length });
      assert.equal(r.ok, false, String(length));
      assert.equal(r.sync, false);
      assert.match(r.res.errMsg, /^getRandomValues:fail /);
      assert.equal(inCtx(mp, 'v instanceof Object')(r.res), true);
    }
    assert.equal((await callWx(mp, 'getRandomValues', {})).res.errMsg,
      'getRandomValues:fail parameter error: parameter.length should be Number instead of Undefined;');
    const rejection = await mp.wx.getRandomValues({ length: 0 }).catch((e) => e);
    assert.match(rejection.errMsg, /^getRandomValues:fail invalid length 0/);
  });

  it('uses the randomValues function for deterministic bytes, and fails on a wrong answer', async () => {
    let asked = null;
    const mp = newMp({ randomValues: (n) => { asked = n; return Uint8Array.from({ length: n }, (_, i) => i); } });
    const r = await mp.wx.getRandomValues({ length: 5 });
    assert.equal(asked, 5);
    assert.deepEqual(Array.from(new Uint8Array(r.randomValues)), [0, 1, 2, 3, 4]);
    assert.ok(r.randomValues instanceof mp.evaluate('ArrayBuffer'));
    const short = newMp({ randomValues: () => new Uint8Array(2) });
    await assert.rejects(short.wx.getRandomValues({ length: 3 }), (e) => /returned 2 bytes, not 3/.test(e.errMsg));
  });

  it('is absent with randomValues: false (a base library before 2.15.0)', () => {
    const mp = newMp({ randomValues: false });
    assert.equal(mp.evaluate('typeof wx.getRandomValues'), 'undefined');
    assert.equal(mp.evaluate("'getRandomValues' in wx"), false);
    assert.equal(newMp({ randomValues: true }).evaluate('typeof wx.getRandomValues'), 'function');
    assert.throws(() => newMp({ randomValues: 'yes' }), /randomValues must be/);
  });
});

describe('wx.chooseMedia / wx.chooseImage', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);

  it('chooseMedia gives the chosen image as a temp file, in the context realm, as a macrotask', async () => {
    const asked = [];
    const mp = newMp({ chooseImage: async (request) => { asked.push(request); return { bytes: PNG }; } });
    await assertMacrotask((cb) => mp.wx.chooseMedia({ count: 1, mediaType: ['image'], success: cb }));
    const r = await callWx(mp, 'chooseMedia', { count: 1, mediaType: ['image'], sourceType: ['album'] });
    assert.equal(r.ok, true);
    assert.equal(r.sync, false);
    assert.deepEqual(asked[1], { api: 'chooseMedia', count: 1, mediaType: ['image'], sourceType: ['album'], sizeType: ['original', 'compressed'] });
    assert.equal(r.res.errMsg, 'chooseMedia:ok');
    assert.equal(r.res.type, 'image');
    assert.equal(r.res.tempFiles.length, 1);
    const file = r.res.tempFiles[0];
    assert.match(file.tempFilePath, /^wxfile:\/\/tmp_[0-9a-f]{32}\.png$/, 'a phone-style temp path');
    assert.equal(file.size, PNG.length);
    assert.equal(file.fileType, 'image');
    assert.deepEqual(mp.files.get(file.tempFilePath), PNG);
    assert.equal(inCtx(mp, 'v instanceof Object && v.tempFiles instanceof Array && v.tempFiles[0] instanceof Object')(r.res), true);
    const viaPromise = await mp.wx.chooseMedia({ count: 1, mediaType: ['image'] });
    assert.notEqual(viaPromise.tempFiles[0].tempFilePath, file.tempFilePath, 'a new temp path per pick');
  });

  it('keeps a given path, names files after `name`, and makes DevTools paths with tempPathStyle http', async () => {
    const given = newMp({ chooseImage: async () => ({ path: 'http://tmp/given.png', bytes: 'abc' }) });
    assert.equal((await given.wx.chooseMedia({ mediaType: ['image'] })).tempFiles[0].tempFilePath, 'http://tmp/given.png');
    assert.equal(given.files.get('http://tmp/given.png').toString(), 'abc');
    const named = newMp({ chooseImage: async () => ({ bytes: PNG, name: 'photo.JPG' }) });
    assert.match((await named.wx.chooseImage({})).tempFilePaths[0], /^wxfile:\/\/tmp_[0-9a-f]{32}\.jpg$/);
    const devtools = newMp({ tempPathStyle: 'http', chooseImage: async () => ({ bytes: PNG }) });
    assert.match((await devtools.wx.chooseMedia({})).tempFiles[0].tempFilePath, /^http:\/\/tmp\/[0-9a-f]{32}\.png$/);
    assert.throws(() => newMp({ tempPathStyle: 'ftp' }), /tempPathStyle/);
  });

  it('chooseImage gives tempFilePaths and tempFiles [{ path, size }], several files up to count', async () => {
    const mp = newMp({ chooseImage: async () => [{ bytes: PNG }, { bytes: Buffer.from('xy'), name: 'b.gif' }] });
    const r = await callWx(mp, 'chooseImage', { count: 2 });
    assert.equal(r.ok, true);
    assert.equal(r.sync, false);
    assert.equal(r.res.errMsg, 'chooseImage:ok');
    assert.equal(r.res.tempFilePaths.length, 2);
    assert.deepEqual(plain(r.res.tempFiles), [
      { path: r.res.tempFilePaths[0], size: PNG.length },
      { path: r.res.tempFilePaths[1], size: 2 },
    ]);
    assert.match(r.res.tempFilePaths[1], /\.gif$/);
    assert.equal(inCtx(mp, 'v.tempFilePaths instanceof Array && v.tempFiles[1] instanceof Object')(r.res), true);
    const tooMany = await callWx(mp, 'chooseImage', { count: 1 });
    assert.equal(tooMany.ok, false);
    assert.match(tooMany.res.errMsg, /^chooseImage:fail sandbox: chooseImage gave 2 files, more than count 1/);
  });

  it('fails with "<api>:fail cancel" when the user cancels (null)', async () => {
    const mp = newMp({ chooseImage: async () => null });
    const media = await callWx(mp, 'chooseMedia', { count: 1, mediaType: ['image'] });
    assert.equal(media.ok, false);
    assert.equal(media.sync, false);
    assert.deepEqual(plain(media.res), { errMsg: 'chooseMedia:fail cancel' });
    assert.equal(inCtx(mp, 'v instanceof Object')(media.res), true);
    const image = await callWx(mp, 'chooseImage', { count: 1 });
    assert.deepEqual(plain(image.res), { errMsg: 'chooseImage:fail cancel' });
    await assert.rejects(mp.wx.chooseMedia({}), (e) => e.errMsg === 'chooseMedia:fail cancel');
    await assertMacrotask((cb) => mp.wx.chooseImage({ fail: cb }));
    assert.equal(mp.files.size, 0, 'nothing chosen, no file');
  });

  it('reports other failures: { fail, errno } answers, a throwing hook, no hook, video only, a bad count', async () => {
    const privacy = newMp({ chooseImage: async () => ({ fail: 'privacy permission is not authorized', errno: 104 }) });
    assert.deepEqual(plain((await callWx(privacy, 'chooseMedia', {})).res),
      { errMsg: 'chooseMedia:fail privacy permission is not authorized', errno: 104 });
    const throwing = newMp({ chooseImage: async () => { throw new Error('camera broken'); } });
    assert.equal((await callWx(throwing, 'chooseImage', {})).res.errMsg, 'chooseImage:fail camera broken');
    const none = newMp();
    assert.match((await callWx(none, 'chooseMedia', {})).res.errMsg, /^chooseMedia:fail sandbox: no chooseImage function/);
    const mp = newMp({ chooseImage: async () => ({ bytes: PNG }) });
    assert.match((await callWx(mp, 'chooseMedia', { mediaType: ['video'] })).res.errMsg, /^chooseMedia:fail sandbox: only images/);
    assert.match((await callWx(mp, 'chooseImage', { count: 0 })).res.errMsg, /^chooseImage:fail parameter error: count/);
    assert.equal((await callWx(mp, 'chooseMedia', { mediaType: ['mix'] })).ok, true);
  });

  it('has no chooseMedia with chooseMedia: false (a base library before 2.10.0); chooseImage stays', async () => {
    const mp = newMp({ chooseMedia: false, chooseImage: async () => ({ bytes: PNG }) });
    assert.equal(mp.evaluate('typeof wx.chooseMedia'), 'undefined');
    assert.equal(mp.evaluate('typeof wx.chooseImage'), 'function');
    assert.equal((await mp.wx.chooseImage({ count: 1 })).tempFiles[0].size, PNG.length);
  });

  it('mp.addFile puts a file (e.g. a chooseAvatar temp path) into the file system', () => {
    const mp = newMp();
    assert.equal(mp.addFile('http://tmp/avatar.png', PNG), 'http://tmp/avatar.png');
    const view = new Uint8Array([1, 2, 3]);
    mp.addFile('wxfile://tmp_a.png', view.subarray(1));
    view[1] = 9;
    assert.deepEqual(Array.from(mp.files.get('wxfile://tmp_a.png')), [2, 3], 'a copy of the bytes');
    mp.addFile('wxfile://tmp_b.png', mp.evaluate('new Uint8Array([5]).buffer'));
    assert.deepEqual(Array.from(mp.files.get('wxfile://tmp_b.png')), [5], 'context ArrayBuffers work');
    assert.throws(() => mp.addFile('', PNG), /non-empty string/);
    assert.throws(() => mp.addFile('wxfile://x', 5), /bytes must be/);
  });
});

describe('wx.uploadFile', () => {
  const BYTES = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0xff, 0xfe, 0x2d, 0x2d]);

  it('POSTs multipart/form-data with the file under `name`; success gives the body as text', async () => {
    const hooked = [];
    const mp = newMp({ onRequest: (o, info) => hooked.push([info.api, o.name]) });
    mp.addFile('http://tmp/avatar.png', BYTES);
    const r = await callWx(mp, 'uploadFile', {
      url: base + '/upload?folder=avatar',
      filePath: 'http://tmp/avatar.png',
      name: 'file',
      header: { 'X-Mixed-Case': 'v', 'Content-Type': 'application/json', Referer: 'https://evil' },
      formData: { user: 'test', n: 2, o: { a: 1 } },
    });
    assert.equal(r.ok, true);
    assert.equal(r.sync, false);
    assert.equal(r.res.statusCode, 200);
    assert.equal(r.res.errMsg, 'uploadFile:ok');
    assert.equal(typeof r.res.data, 'string', 'data is text even when it is JSON');
    assert.equal(inCtx(mp, 'v instanceof Object')(r.res), true);
    assert.deepEqual(hooked, [['uploadFile', 'file']]);

    const seen = JSON.parse(r.res.data);
    assert.equal(seen.method, 'POST');
    assert.match(seen.headers['content-type'], /^multipart\/form-data; boundary=\S+$/, 'always multipart');
    assert.match(seen.headers.referer, /^https:\/\/servicewechat\.com\/wxapp123\//);
    assert.ok(seen.rawHeaders.includes('X-Mixed-Case'), 'header keys as given');
    const body = Buffer.from(seen.body, 'base64');
    assert.equal(Number(seen.headers['content-length']), body.length);
    const parts = parseMultipart(body, seen.headers['content-type']);
    assert.deepEqual(parts.map((p) => [p.name, p.filename, p.content.toString()]).slice(0, 3),
      [['user', undefined, 'test'], ['n', undefined, '2'], ['o', undefined, '{"a":1}']]);
    const filePart = parts[3];
    assert.equal(filePart.name, 'file');
    assert.equal(filePart.filename, 'avatar.png');
    assert.equal(filePart.type, 'image/png');
    assert.deepEqual(filePart.content, BYTES, 'the file bytes, unchanged');

    assert.equal(mp.uploads.length, 1);
    const logged = mp.uploads[0];
    assert.equal(logged.url, base + '/upload?folder=avatar');
    assert.equal(logged.name, 'file');
    assert.equal(logged.fileName, 'avatar.png');
    assert.deepEqual(logged.bytes, BYTES);
    assert.deepEqual(logged.formData, { user: 'test', n: '2', o: '{"a":1}' });
    assert.match(logged.header['Content-Type'], /^multipart\/form-data; boundary=/);
    assert.equal(mp.requests.length, 0, 'no longer in flight');
  });

  it('uploads what chooseMedia chose (phone temp path), and succeeds for any status', async () => {
    const mp = newMp({ chooseImage: async () => ({ bytes: BYTES }) });
    const chosen = await mp.wx.chooseMedia({ count: 1, mediaType: ['image'] });
    const path0 = chosen.tempFiles[0].tempFilePath;
    const ok = await callWx(mp, 'uploadFile', { url: base + '/upload', filePath: path0, name: 'img' });
    const seen = JSON.parse(ok.res.data);
    const part = parseMultipart(Buffer.from(seen.body, 'base64'), seen.headers['content-type'])[0];
    assert.equal(part.name, 'img');
    assert.equal(part.filename, path0.replace('wxfile://', ''));
    assert.deepEqual(part.content, BYTES);
    const r500 = await callWx(mp, 'uploadFile', { url: base + '/text500', filePath: path0, name: 'img' });
    assert.equal(r500.ok, true);
    assert.equal(r500.res.statusCode, 500);
    assert.equal(r500.res.data, 'internal error');
    const r404 = await callWx(mp, 'uploadFile', { url: base + '/nowhere', filePath: path0, name: 'img' });
    assert.deepEqual(plain(r404.res), { data: 'not found', statusCode: 404, errMsg: 'uploadFile:ok' });
  });

  it('returns an UploadTask (never a Promise), calls back as a macrotask, reports progress and headers', async () => {
    const mp = newMp();
    mp.addFile('wxfile://tmp_x.png', BYTES);
    await assertMacrotask((cb) => mp.wx.uploadFile({ url: base + '/upload', filePath: 'wxfile://tmp_x.png', name: 'f', success: cb }));
    const task = mp.wx.uploadFile({ url: base + '/upload', filePath: 'wxfile://tmp_x.png', name: 'f' });
    assert.equal(typeof task.then, 'undefined', 'wx.uploadFile has no Promise style');
    for (const k of ['abort', 'onProgressUpdate', 'offProgressUpdate', 'onHeadersReceived', 'offHeadersReceived']) {
      assert.equal(typeof task[k], 'function', k);
    }
    assert.equal(inCtx(mp, 'v instanceof Object && v.abort instanceof Function')(task), true);
    const [progress, headers] = await Promise.all([
      new Promise((resolve) => task.onProgressUpdate(resolve)),
      new Promise((resolve) => task.onHeadersReceived(resolve)),
    ]);
    assert.equal(progress.progress, 100);
    assert.equal(progress.totalBytesSent, progress.totalBytesExpectedToSend);
    assert.ok(progress.totalBytesSent > BYTES.length);
    assert.equal(headers.header['X-Upload'], 'seen');
    assert.equal(inCtx(mp, 'v instanceof Object && v.header instanceof Object')(headers), true);
  });

  it('fails with "uploadFile:fail file not found" for a path that is not a file of the mini program', async () => {
    const mp = newMp();
    for (const filePath of ['wxfile://tmp_missing.png', 'http://tmp/missing.png', '/pages/index/index.js']) {
      const r = await callWx(mp, 'uploadFile', { url: base + '/upload', filePath, name: 'file' });
      assert.equal(r.ok, false);
      assert.equal(r.sync, false);
      assert.deepEqual(plain(r.res), { errMsg: 'uploadFile:fail file not found' });
      assert.equal(inCtx(mp, 'v instanceof Object')(r.res), true);
    }
    assert.equal(mp.uploads.length, 0, 'nothing sent');
    mp.addFile('wxfile://tmp_a.png', BYTES);
    const noName = await callWx(mp, 'uploadFile', { url: base + '/upload', filePath: 'wxfile://tmp_a.png' });
    assert.equal(noName.res.errMsg, 'uploadFile:fail parameter error: parameter.name should be String instead of Undefined;');
    const badUrl = await callWx(mp, 'uploadFile', { url: '/relative', filePath: 'wxfile://tmp_a.png', name: 'f' });
    assert.match(badUrl.res.errMsg, /^uploadFile:fail invalid url/);
  });

  it('fails with uploadFile:fail on connection errors, timeouts and abort()', async () => {
    const mp = newMp();
    mp.addFile('wxfile://tmp_a.png', BYTES);
    const o = { filePath: 'wxfile://tmp_a.png', name: 'file' };
    const s = http.createServer();
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = s.address().port;
    await new Promise((resolve) => s.close(resolve));
    const refused = await callWx(mp, 'uploadFile', Object.assign({ url: 'http://127.0.0.1:' + port + '/upload' }, o));
    assert.equal(refused.ok, false);
    assert.match(refused.res.errMsg, /^uploadFile:fail .*ECONNREFUSED/);
    const dropped = await callWx(mp, 'uploadFile', Object.assign({ url: base + '/drop' }, o));
    assert.match(dropped.res.errMsg, /^uploadFile:fail /);

    const t0 = Date.now();
    const slow = await callWx(mp, 'uploadFile', Object.assign({ url: base + '/slow', timeout: 120 }, o));
    assert.equal(slow.res.errMsg, 'uploadFile:fail timeout');
    assert.ok(Date.now() - t0 >= 110);
    const byDefault = newMp({ requestTimeoutDefault: 100 });
    byDefault.addFile('wxfile://tmp_a.png', BYTES);
    assert.equal((await callWx(byDefault, 'uploadFile', Object.assign({ url: base + '/slow' }, o))).res.errMsg, 'uploadFile:fail timeout');

    const aborted = await new Promise((resolve) => {
      const task = mp.wx.uploadFile(Object.assign({ url: base + '/slow', fail: resolve }, o));
      setTimeout(() => task.abort(), 20);
    });
    assert.equal(aborted.errMsg, 'uploadFile:fail abort');
    assert.equal(mp.requests.length, 0);
  });

  it('close() drops an upload in flight without calling back', async () => {
    const mp = newMp();
    mp.addFile('wxfile://tmp_a.png', BYTES);
    let called = false;
    mp.wx.uploadFile({ url: base + '/slow', filePath: 'wxfile://tmp_a.png', name: 'file', complete: () => { called = true; } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(mp.requests.length, 1);
    assert.equal(mp.requests[0].api, 'uploadFile');
    mp.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(called, false);
  });
});

describe('storage', () => {
  it('stores deep copies, returns "" when absent, needs string keys', () => {
    const mp = newMp();
    const wx = mp.wx;
    const value = { a: [1, 2], s: 'x' };
    wx.setStorageSync('k', value);
    value.a.push(3);
    const got = wx.getStorageSync('k');
    assert.deepEqual(plain(got), { a: [1, 2], s: 'x' });
    assert.notEqual(wx.getStorageSync('k'), got, 'a new object each time');
    assert.equal(mp.evaluate('(function (v) { return v instanceof Object && v.a instanceof Array; })')(got), true);
    assert.equal(wx.getStorageSync('missing'), '');
    wx.setStorageSync('str', 'text');
    assert.equal(wx.getStorageSync('str'), 'text');
    assert.throws(() => wx.setStorageSync(1, 'x'), /parameter\.key should be String/);
    assert.deepEqual(plain(wx.getStorageInfoSync().keys), ['k', 'str']);
    wx.removeStorageSync('str');
    assert.equal(wx.getStorageSync('str'), '');
    wx.clearStorageSync();
    assert.equal(mp.storage.size, 0);
  });

  it('has async variants with WeChat errors', async () => {
    const mp = newMp();
    const set = await callWx(mp, 'setStorage', { key: 'a', data: { n: 1 } });
    assert.equal(set.ok, true);
    assert.equal(set.sync, false);
    const get = await callWx(mp, 'getStorage', { key: 'a' });
    assert.deepEqual(plain(get.res), { data: { n: 1 }, errMsg: 'getStorage:ok' });
    const missing = await callWx(mp, 'getStorage', { key: 'nope' });
    assert.equal(missing.ok, false);
    assert.equal(missing.res.errMsg, 'getStorage:fail data not found');
    await assert.rejects(mp.wx.getStorage({ key: 'nope' }), (e) => e.errMsg === 'getStorage:fail data not found');
    assert.equal((await mp.wx.getStorage({ key: 'a' })).data.n, 1);
    await mp.wx.removeStorage({ key: 'a' });
    assert.equal(mp.wx.getStorageSync('a'), '');
  });

  it('persists across two MiniPrograms sharing one Map (a restart)', () => {
    const storage = new Map();
    const first = newMp({ storage });
    first.wx.setStorageSync('session', { token: 't1', user: { id: 'u1' } });
    first.close();
    const second = newMp({ storage });
    assert.deepEqual(plain(second.wx.getStorageSync('session')), { token: 't1', user: { id: 'u1' } });
    assert.equal(newMp().wx.getStorageSync('session'), '', 'a fresh Map is empty');
  });
});

describe('App and Page', () => {
  it('runs the app, loads a page, and setData works with paths', async () => {
    const mp = newMp();
    const app = mp.runApp();
    assert.equal(app.globalData.launches, 1);
    assert.equal(app.globalData.path, 'pages/index/index');
    assert.equal(mp.getApp(), app);
    const page = mp.loadPage('pages/index/index', { id: '7' });
    assert.equal(page.loaded, true);
    assert.equal(page.shown, 1);
    assert.equal(page.data.query, '7');
    assert.equal(page.data.app, 1);
    page.increment();
    assert.equal(page.data.count, 2);
    const { increment } = page;
    increment();
    assert.equal(page.data.count, 3, 'methods are bound to the page');
    let cbSync = true;
    const cb = new Promise((resolve) => page.setData({ 'nested.list[1]': 20, 'nested.name': 'b', 'deep.x': 1, 'arr[0].y': 2 }, resolve));
    cbSync = false;
    await cb;
    assert.equal(cbSync, false);
    assert.deepEqual(plain(page.data.nested), { list: [1, 20, 3], name: 'b' });
    assert.deepEqual(plain(page.data.deep), { x: 1 });
    assert.deepEqual(plain(page.data.arr), [{ y: 2 }]);
    const again = mp.loadPage('/pages/index/index');
    assert.equal(again.data.count, 1, 'each instance gets a fresh copy of the definition data');
    assert.equal(mp.context.getCurrentPages().length, 2);
    assert.equal(mp.runApp(), app, 'the app launches once');
  });

  it('awaits async lifecycle methods with loadPageAsync, and requires Page()', async () => {
    const mp = newMp();
    mp.require('/pages/async/index.js');
    assert.ok(mp.pageDefinitions.has('pages/async/index'), 'Page() registers for the file that calls it');
    const page = await mp.loadPageAsync('pages/async/index');
    assert.equal(page.data.v, 42);
    assert.throws(() => mp.loadPage('pages/nopage/index'), /did not call Page\(\)/);
    assert.throws(() => mp.loadPage('pages/none/index'), /no page file/);
  });
});
