'use strict';
// Item 2, one sample: in this fresh process, the time from just before `require(<sdk>)` to the
// moment `loginByCode(code)` hands its request to `wx.request` (for ours: wasm read, Brotli
// decompression, compile and instantiation included). Prints one JSON line and exits.
//
//   node startup-child.js <sdk dir> <fixtures.json>

const { performance } = require('perf_hooks');
const { createWx, requireAsInWeChat, readJson, APP_ID, HOST } = require('./common');

const sdkDir = process.argv[2];
const fixtures = readJson(process.argv[3]);
const mock = createWx(fixtures);
global.wx = mock.wx;

let tRequired = 0;
let tConstructed = 0;
let t0 = 0;
mock.onRequest((options) => {
  const t = performance.now();
  process.stdout.write(
    JSON.stringify({ firstRequestMs: t - t0, requireMs: tRequired - t0, constructMs: tConstructed - tRequired, url: options.url }) + '\n'
  );
  process.exit(0);
});

t0 = performance.now();
const { AuthenticationClient } = requireAsInWeChat(sdkDir);
tRequired = performance.now();
const client = new AuthenticationClient({ appId: APP_ID, host: HOST });
tConstructed = performance.now();
client.loginByCode('bench-startup-code').catch((error) => {
  process.stderr.write('loginByCode failed before any request: ' + (error && (error.stack || error.message || JSON.stringify(error))) + '\n');
  process.exit(1);
});
