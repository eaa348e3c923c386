'use strict';
// Item 5: how many times one call of each public method of OUR SDK crosses from JS into wasm.
// Two counts:
// - Core calls: the wasm-bindgen `Core` methods (constructor, prepare, complete, failed, start,
//   storageKeys, hostFailure, ...), wrapped on `bindings.Core` before any client exists; this is
//   the design's unit ("one prepare and one complete per network round trip").
// - raw export calls: every call of a wasm export, the glue's own helpers included
//   (__wbindgen_malloc / realloc / free for strings, ...), counted by handing the glue a
//   WebAssembly whose Instance wraps each exported function.
// Prints one JSON document.
//
//   node crossings-child.js <ours dir> <fixtures.json>

const path = require('path');
const { createWx, requireAsInWeChat, readJson, APP_ID, HOST } = require('./common');

const [sdkDir, fixturesFile] = process.argv.slice(2, 4);
const mock = createWx(readJson(fixturesFile));
global.wx = mock.wx;
mock.useStore('ours');

const raw = { total: 0, byExport: {} };
const RealWebAssembly = WebAssembly;
const CountingWebAssembly = Object.create(RealWebAssembly);
CountingWebAssembly.Instance = function Instance(module, imports) {
  const instance = new RealWebAssembly.Instance(module, imports);
  const exports = {};
  for (const name of Object.keys(instance.exports)) {
    const value = instance.exports[name];
    if (typeof value !== 'function') {
      exports[name] = value;
      continue;
    }
    exports[name] = function () {
      raw.total++;
      raw.byExport[name] = (raw.byExport[name] || 0) + 1;
      return value.apply(this, arguments);
    };
  }
  return { exports };
};
global.WebAssembly = CountingWebAssembly;

const core = { total: 0, byMethod: {} };
function countCore(name) {
  core.total++;
  core.byMethod[name] = (core.byMethod[name] || 0) + 1;
}

async function main() {
  const bindings = await require(path.join(sdkDir, 'loader.js')).loadCore();
  global.WebAssembly = RealWebAssembly;
  const proto = bindings.Core.prototype;
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (name === 'constructor' || name.startsWith('__')) continue;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (typeof descriptor.value !== 'function') continue;
    const original = descriptor.value;
    proto[name] = function () {
      countCore(name);
      return original.apply(this, arguments);
    };
  }
  const OriginalCore = bindings.Core;
  bindings.Core = new Proxy(OriginalCore, {
    construct(target, args, newTarget) {
      countCore('new Core');
      return Reflect.construct(target, args, newTarget);
    },
  });

  const { AuthenticationClient } = requireAsInWeChat(sdkDir);
  const rows = [];
  async function measure(method, fn) {
    const before = { core: core.total, coreBy: Object.assign({}, core.byMethod), raw: raw.total, requests: mock.counters.requests };
    const value = await fn();
    const by = {};
    for (const [k, v] of Object.entries(core.byMethod)) if (v !== (before.coreBy[k] || 0)) by[k] = v - (before.coreBy[k] || 0);
    rows.push({
      method,
      coreCalls: core.total - before.core,
      coreCallsByMethod: by,
      rawExportCalls: raw.total - before.raw,
      roundTrips: mock.counters.requests - before.requests,
      resolved: value === undefined ? 'undefined' : value === null ? 'null' : typeof value,
    });
  }
  let client;
  await measure('new AuthenticationClient + ready()', () => {
    client = new AuthenticationClient({ appId: APP_ID, host: HOST });
    return client.ready();
  });
  await measure('loginByCode(code)', () => client.loginByCode('bench-crossing-code'));
  await measure('getCurrentUser()', () => client.getCurrentUser());
  await measure('checkLoginStatus()', () => client.checkLoginStatus());
  await measure('getToken()', () => client.getToken());
  await measure('logout()', () => client.logout());
  await measure('getToken() logged out', () => client.getToken());
  await measure('getCurrentUser() logged out', () => client.getCurrentUser());
  process.stdout.write(JSON.stringify({ rows, rawByExport: raw.byExport }) + '\n');
}

main().catch((error) => {
  process.stderr.write('crossings bench failed: ' + (error && (error.stack || JSON.stringify(error))) + '\n');
  process.exit(1);
});
