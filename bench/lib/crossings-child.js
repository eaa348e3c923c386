'use strict';
// Item 5: how many times one call of each public method of OUR SDK crosses between JS and wasm,
// on the instrumented copy of the package (lib/jsc.js `instrumentedCopy`: core.js hands its
// glue factory to ./bench-hook.js), with lib/profiler.js counting, whatever the names:
// - Core calls: the methods of the classes the glue exports (constructor, prepare, complete,
//   ...), this design's unit ("one prepare and one complete per network round trip");
// - raw export calls: every call of a wasm export, the glue's own helpers included (allocation
//   and freeing of strings, the stack pointer, ...);
// - import calls: the other way, every call wasm makes of a JS import of the glue (building or
//   reading JS values).
// Prints one JSON document.
//
//   node crossings-child.js <instrumented package dir> <fixtures.json>

const path = require('path');
const { createWx, requireAsInWeChat, readJson, APP_ID, HOST } = require('./common');
const { createProfiler, glueHook } = require('./profiler');
const { EMAIL, PASSWORD } = require('./fixtures');

const sdkDir = path.resolve(process.argv[2]);
const fixturesFile = process.argv[3];
const mock = createWx(readJson(fixturesFile));
global.wx = mock.wx;
mock.useStore('ours');

const prof = createProfiler(() => 0); // counts only
const state = {};
require(path.join(sdkDir, 'bench-hook.js')).factory = glueHook(prof, state, { timeImports: true, constructors: true });

function counts() {
  const byName = prof.snapshot().byName;
  const out = { core: 0, coreBy: {}, raw: 0, rawBy: {}, imports: 0, importsBy: {} };
  for (const [name, s] of Object.entries(byName).sort((a, b) => a[1].first - b[1].first)) {
    if (s.kind === 'core') {
      out.core += s.calls;
      out.coreBy[name.replace(/^\w+\./, '')] = s.calls;
    } else if (s.kind === 'wasm') {
      out.raw += s.calls;
      out.rawBy[name.replace(/^wasm /, '')] = s.calls;
    } else if (s.kind === 'import') {
      out.imports += s.calls;
      out.importsBy[name.replace(/^import /, '')] = s.calls;
    }
  }
  return out;
}

async function main() {
  const { AuthenticationClient } = requireAsInWeChat(sdkDir);
  const rows = [];
  const totals = { rawBy: {}, importsBy: {} };
  async function measure(method, fn) {
    prof.reset();
    const requests = mock.counters.requests;
    const randoms = mock.counters.randoms;
    const value = await fn();
    const c = counts();
    for (const k of ['rawBy', 'importsBy']) for (const [n, v] of Object.entries(c[k])) totals[k][n] = (totals[k][n] || 0) + v;
    rows.push({
      method,
      coreCalls: c.core,
      coreCallsByMethod: c.coreBy,
      rawExportCalls: c.raw,
      importCalls: c.imports,
      roundTrips: mock.counters.requests - requests,
      wxGetRandomValues: mock.counters.randoms - randoms,
      resolved: value === undefined ? 'undefined' : value === null ? 'null' : typeof value,
    });
  }
  let client;
  await measure('new AuthenticationClient + ready()', () => {
    client = new AuthenticationClient({ appId: APP_ID, host: HOST });
    // ready() where the shim has it; otherwise the first call below pays the load.
    return typeof client.ready === 'function' ? client.ready() : undefined;
  });
  if (!state.factoryCalls) throw new Error('the glue factory was not reached through core.js (is core.js still `module.exports = createBindings`?)');
  await measure('loginByCode(code)', () => client.loginByCode('bench-crossing-code'));
  await measure('getCurrentUser()', () => client.getCurrentUser());
  await measure('checkLoginStatus()', () => client.checkLoginStatus());
  await measure('getToken()', () => client.getToken());
  await measure('logout()', () => client.logout());
  await measure('getToken() logged out', () => client.getToken());
  await measure('getCurrentUser() logged out', () => client.getCurrentUser());
  await measure('loginByEmail(email, password), first (fetches the key)', () => client.loginByEmail(EMAIL, PASSWORD));
  await measure('loginByEmail(email, password)', () => client.loginByEmail(EMAIL, PASSWORD));
  await measure('updateProfile({nickname})', () => client.updateProfile({ nickname: 'bench-crossing' }));
  process.stdout.write(JSON.stringify({ rows, wrapped: state.wrapped, rawByExport: totals.rawBy, importsByName: totals.importsBy }) + '\n');
}

main().catch((error) => {
  process.stderr.write('crossings bench failed: ' + (error && (error.stack || JSON.stringify(error))) + '\n');
  process.exit(1);
});
