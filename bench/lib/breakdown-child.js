'use strict';
// Item 7 (Node): where one call of OUR SDK spends its time, on the instrumented copy of the
// package (lib/jsc.js `instrumentedCopy`: core.js hands its glue factory to ./bench-hook.js):
// the wasm-bindgen methods, raw wasm exports, TextEncoder/TextDecoder, JSON.parse/stringify and
// the host's wx functions, each timed by lib/profiler.js. Same fake wx as the other children.
// Prints one JSON document.
//
//   node breakdown-child.js <instrumented package dir> <fixtures.json> [calls per round] [warmup] [rounds]

const path = require('path');
const { performance } = require('perf_hooks');
const { createWx, requireAsInWeChat, readJson, APP_ID, HOST } = require('./common');
const { createProfiler, glueHook } = require('./profiler');
const { EMAIL, PASSWORD } = require('./fixtures');

const sdkDir = path.resolve(process.argv[2]);
const fixturesFile = process.argv[3];
const CALLS = Number(process.argv[4] || 3000);
const WARMUP = Number(process.argv[5] || 1500);
const ROUNDS = Number(process.argv[6] || 3);

const prof = createProfiler(() => performance.now());
const state = {};
let hook = null;
try {
  hook = require(path.join(sdkDir, 'bench-hook.js'));
  hook.factory = glueHook(prof, state);
} catch (e) {
  hook = null;
}
prof.setEnabled(false);

const mock = createWx(readJson(fixturesFile), { hostWork: (name, fn) => prof.wrap('wx.' + name, 'wx', fn)() });
global.wx = mock.wx;
mock.useStore('ours');
prof.wrapJson(JSON);
prof.wrapWx(mock.wx, ['request', 'getStorageSync', 'setStorageSync', 'removeStorageSync', 'login', 'getRandomValues']);

const OPS = {
  loginByCode: (c, i) => c.loginByCode('bench-code-' + i),
  getCurrentUser: (c) => c.getCurrentUser(),
  checkLoginStatus: (c) => c.checkLoginStatus(),
  loginByEmail: (c) => c.loginByEmail(EMAIL, PASSWORD),
  updateProfile: (c, i) => c.updateProfile({ nickname: 'bench-' + (i & 7) }),
};
/** Fewer calls of the methods that cost about a millisecond (the RSA of loginByEmail). */
const SHARE = { loginByEmail: 10 };

async function main() {
  const { AuthenticationClient } = requireAsInWeChat(sdkDir);
  const client = new AuthenticationClient({ appId: APP_ID, host: HOST });
  const user = await client.loginByCode('bench-first-code');
  if (!user || typeof user.id !== 'string') throw new Error('loginByCode did not resolve a user: ' + JSON.stringify(user));
  // The password key fetched once, outside the timed rounds (as in the per-call figures).
  const emailUser = await client.loginByEmail(EMAIL, PASSWORD);
  if (!emailUser || emailUser.email !== EMAIL) throw new Error('loginByEmail did not resolve the e-mail user: ' + JSON.stringify(emailUser));
  prof.setEnabled(true);
  const calibration = prof.calibrate(40000);
  prof.setEnabled(false);
  const out = { sdk: 'ours', hooked: !!(hook && state.factoryCalls), wrapped: state.wrapped || [], frameMs: calibration.frameMs, insideMs: calibration.insideMs, ops: {} };
  let offset = 0;
  for (const [op, fn] of Object.entries(OPS)) {
    const share = SHARE[op] || 1;
    const calls = Math.max(20, Math.round(CALLS / share));
    const warmup = Math.round(WARMUP / share);
    for (let i = 0; i < warmup; i++) await fn(client, offset++);
    // Rounds, and the median one kept: a pause of the machine spoils one round, not the figure.
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      prof.reset();
      prof.setEnabled(true);
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) await fn(client, offset++);
      const ms = performance.now() - t0;
      prof.setEnabled(false);
      rounds.push({ calls, ms, stats: prof.snapshot() });
    }
    const pick = rounds.slice().sort((a, b) => a.ms - b.ms)[Math.floor((ROUNDS - 1) / 2)];
    out.ops[op] = Object.assign(pick, { roundsMs: rounds.map((x) => x.ms) });
  }
  prof.restore();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((error) => {
  process.stderr.write('breakdown bench failed: ' + (error && (error.stack || JSON.stringify(error))) + '\n');
  process.exit(1);
});
