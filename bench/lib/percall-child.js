'use strict';
// Item 3: calls per second of each method, both SDKs in this one process, alternating
// (ours then peer, `rounds` times), after a warm-up. Every call is awaited before the next;
// `wx.request` answers on the next turn of the event loop from canned bodies (lib/common.js).
// Prints one JSON document.
//
//   node percall-child.js <ours dir> <peer dir> <fixtures.json> [rounds] [batchMs]

const { performance } = require('perf_hooks');
const { createWx, requireAsInWeChat, readJson, percentile, APP_ID, HOST } = require('./common');
const { EMAIL, PASSWORD } = require('./fixtures');

const [oursDir, peerDir, fixturesFile] = process.argv.slice(2, 5);
const ROUNDS = Number(process.argv[5] || 5);
const BATCH_MS = Number(process.argv[6] || 250); // target duration of one batch of the slower SDK
const WARMUP = 1500;
const FRESH_CLIENTS = 20; // first loginByEmail of a new client (fetches the key), code warm

const mock = createWx(readJson(fixturesFile));
global.wx = mock.wx;

const sdks = [
  { name: 'ours', dir: oursDir },
  { name: 'peer', dir: peerDir },
];

/** One "call" of each measured operation; the SDK is logged in before and after each. */
const OPS = {
  loginByCode: (c, i) => c.loginByCode('bench-code-' + i),
  getCurrentUser: (c) => c.getCurrentUser(),
  checkLoginStatus: (c) => c.checkLoginStatus(),
  'logout+loginByCode': (c, i) => c.logout().then(() => c.loginByCode('bench-relogin-' + i)),
  // The password key is cached by then (fetched by the first call, timed apart below).
  loginByEmail: (c) => c.loginByEmail(EMAIL, PASSWORD),
  updateProfile: (c, i) => c.updateProfile({ nickname: 'bench-' + (i & 7) }),
};

async function batch(sdk, op, n) {
  mock.useStore(sdk.name);
  const fn = OPS[op];
  const client = sdk.client;
  const before = mock.counters.requests;
  const randoms = mock.counters.randoms;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(client, i);
  const ms = performance.now() - t0;
  return { n, ms, perSec: (n * 1000) / ms, requests: mock.counters.requests - before, wxGetRandomValues: mock.counters.randoms - randoms };
}

async function main() {
  for (const sdk of sdks) {
    mock.useStore(sdk.name);
    const { AuthenticationClient } = requireAsInWeChat(sdk.dir);
    sdk.client = new AuthenticationClient({ appId: APP_ID, host: HOST });
    const user = await sdk.client.loginByCode('bench-first-code');
    if (!user || typeof user.id !== 'string') throw new Error(sdk.name + ': loginByCode did not resolve a user: ' + JSON.stringify(user));
    const current = await sdk.client.getCurrentUser();
    if (!current || current.id !== user.id) throw new Error(sdk.name + ': getCurrentUser did not resolve the user: ' + JSON.stringify(current));
    // The first password login of this client: GET .well-known (the key), then the login.
    const randomsBefore = mock.counters.randoms;
    const requestsBefore = mock.counters.requests;
    const t0 = performance.now();
    const emailUser = await sdk.client.loginByEmail(EMAIL, PASSWORD);
    const firstMs = performance.now() - t0;
    if (!emailUser || emailUser.email !== EMAIL) throw new Error(sdk.name + ': loginByEmail did not resolve the e-mail user: ' + JSON.stringify(emailUser));
    const firstLoginByEmail = { ms: firstMs, requests: mock.counters.requests - requestsBefore, wxGetRandomValues: mock.counters.randoms - randomsBefore };
    const updated = await sdk.client.updateProfile({ nickname: 'bench-0' });
    if (!updated || updated.id !== emailUser.id) throw new Error(sdk.name + ': updateProfile did not resolve the user: ' + JSON.stringify(updated));
    sdk.sample = { loginByCode: Object.keys(user).length, checkLoginStatus: await sdk.client.checkLoginStatus(), firstLoginByEmail };
    sdk.AuthenticationClient = AuthenticationClient;
  }
  const results = {};
  for (const op of Object.keys(OPS)) {
    // Warm-up, which also sizes the batches: N calls take about BATCH_MS on the slower SDK.
    let slowest = 0;
    for (const sdk of sdks) {
      const w = await batch(sdk, op, WARMUP);
      slowest = Math.max(slowest, w.ms / WARMUP);
    }
    const n = Math.max(200, Math.min(50000, Math.round(BATCH_MS / slowest)));
    const rounds = { ours: [], peer: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const sdk of sdks) rounds[sdk.name].push(await batch(sdk, op, n));
    }
    results[op] = { n, rounds };
  }
  // The first loginByEmail of fresh clients (the key fetched, then the login), code warm;
  // ours is ready() first, so that the wasm start is not in it.
  const firstCall = {};
  for (const sdk of sdks) {
    mock.useStore(sdk.name);
    const ms = [];
    let randoms = 0;
    for (let k = 0; k < FRESH_CLIENTS; k++) {
      const client = new sdk.AuthenticationClient({ appId: APP_ID, host: HOST });
      if (typeof client.ready === 'function') await client.ready();
      const r0 = mock.counters.randoms;
      const t0 = performance.now();
      await client.loginByEmail(EMAIL, PASSWORD);
      ms.push(performance.now() - t0);
      randoms += mock.counters.randoms - r0;
    }
    firstCall[sdk.name] = { clients: FRESH_CLIENTS, medianMs: percentile(ms, 50), p10Ms: percentile(ms, 10), p90Ms: percentile(ms, 90), wxGetRandomValuesPerCall: randoms / FRESH_CLIENTS };
  }
  process.stdout.write(
    JSON.stringify({ warmup: WARMUP, roundsPerOp: ROUNDS, batchMs: BATCH_MS, results, firstLoginByEmail: firstCall, samples: { ours: sdks[0].sample, peer: sdks[1].sample } }) + '\n'
  );
}

main().catch((error) => {
  process.stderr.write('per-call bench failed: ' + (error && (error.stack || JSON.stringify(error))) + '\n');
  process.exit(1);
});
