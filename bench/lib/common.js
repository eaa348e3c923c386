'use strict';
// Shared by the bench's parent process and its child processes: paths, statistics, the canned
// `wx` both SDKs talk to, and how each SDK is loaded.

const fs = require('fs');
const path = require('path');
const { webcrypto } = require('crypto');
const { route: routeRequest } = require('./route');

const BENCH_DIR = path.resolve(__dirname, '..');
const REPO_DIR = path.resolve(BENCH_DIR, '..');
const WORK_DIR = path.join(BENCH_DIR, 'work');
const PKG_DIR = path.join(REPO_DIR, 'pkg');

const APP_ID = 'GEN_AUTH_APP_ID';
const HOST = 'https://core.authing.cn';
const WECHAT_APP_ID = 'wx1234567890abcdef';

const OURS = 'genauth-wxapp-sdk';
const PEER = 'authing-wxapp-sdk';
const PEER_VERSION = '4.3.22-alpha.7';

// ---------------------------------------------------------------------------------------------
// Statistics

function sorted(values) {
  return values.slice().sort((a, b) => a - b);
}

/** Percentile with linear interpolation between closest ranks (p in 0..100). */
function percentile(values, p) {
  if (!values.length) return NaN;
  const s = sorted(values);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
}

function summary(values) {
  return {
    n: values.length,
    median: percentile(values, 50),
    p10: percentile(values, 10),
    p90: percentile(values, 90),
    min: Math.min.apply(null, values),
    max: Math.max.apply(null, values),
  };
}

// ---------------------------------------------------------------------------------------------
// The canned `wx`

/**
 * A `wx` that answers every request on the next turn of the event loop (`setImmediate`, the same
 * for both SDKs) from canned body texts, like WeChat would:
 * - `dataType` 'json' (WeChat's default, what `authing-wxapp-sdk` gets as it passes none): `res.data`
 *   is the body parsed (a fresh object each time, as WeChat parses each answer);
 *   any other `dataType`: `res.data` is the body text; `responseType: 'arraybuffer'` (ours asks
 *   for it): an ArrayBuffer of the body.
 * - storage keeps values the way WeChat does (serialized, so a read returns a copy; '' when absent).
 *   `useStore(name)` switches between independent storages (one per SDK in the same process).
 * - `getRandomValues({length, success})` (WeChat's, base library 2.15.0+, what ours draws the
 *   password padding from): bytes from Node's `crypto.getRandomValues`, answered on the next
 *   turn of the event loop like the other asynchronous wx APIs. The peer never calls it
 *   (JSEncrypt seeds its own generator from `Math.random`).
 *
 * @param {{login: string, user: string, checkLoginStatus: string, logout: string}} bodies
 * @param {{hostWork?: function(string, function): any}} [hooks] `hostWork(name, fn)` runs the
 *   host's own work done outside a wx call (making `res.data` for a response), so that the
 *   breakdown can count it as host time
 */
function createWx(bodies, hooks) {
  const hostWork = (hooks && hooks.hostWork) || ((name, fn) => fn());
  const stores = new Map();
  let store = new Map();
  const counters = { requests: 0, logins: 0, randoms: 0 };
  let onRequest = null;
  let codeSeq = 0;

  const route = (options) => routeRequest(bodies, options);

  const encoded = new Map();
  const bytesOf = (text) => {
    if (!encoded.has(text)) encoded.set(text, Buffer.from(text, 'utf8'));
    const bytes = encoded.get(text);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  };

  const wx = {
    request(options) {
      counters.requests++;
      if (onRequest) onRequest(options);
      const text = route(options);
      const dataType = options.dataType === undefined ? 'json' : options.dataType;
      const binary = options.responseType === 'arraybuffer';
      setImmediate(() => {
        if (text === null) {
          const res = { statusCode: 404, data: 'Not Found', header: { 'content-type': 'text/plain' }, errMsg: 'request:ok' };
          if (options.success) options.success(res);
        } else {
          // responseType 'arraybuffer': WeChat makes the bytes natively; here they are encoded
          // once per canned body and copied per response.
          const data = hostWork('request (response data)', () => (binary ? bytesOf(text) : dataType === 'json' ? JSON.parse(text) : text));
          const res = { statusCode: 200, data, header: { 'content-type': 'application/json; charset=utf-8' }, cookies: [], errMsg: 'request:ok' };
          if (options.success) options.success(res);
        }
        if (options.complete) options.complete({});
      });
      return { abort() {} };
    },
    login(options) {
      counters.logins++;
      codeSeq++;
      setImmediate(() => {
        if (options.success) options.success({ code: 'bench-code-' + codeSeq, errMsg: 'login:ok' });
      });
    },
    getRandomValues(options) {
      counters.randoms++;
      const bytes = webcrypto.getRandomValues(new Uint8Array(options.length));
      setImmediate(() => {
        if (options.success) options.success({ randomValues: bytes.buffer, errMsg: 'getRandomValues:ok' });
        if (options.complete) options.complete({});
      });
    },
    getStorageSync(key) {
      const raw = store.get(key);
      return raw === undefined ? '' : JSON.parse(raw).v;
    },
    setStorageSync(key, value) {
      store.set(key, JSON.stringify({ v: value }));
    },
    removeStorageSync(key) {
      store.delete(key);
    },
  };

  return {
    wx,
    counters,
    /** Switches to the storage named `name` (created empty on first use). */
    useStore(name) {
      if (!stores.has(name)) stores.set(name, new Map());
      store = stores.get(name);
    },
    /** Calls `fn(options)` synchronously inside every `wx.request` (null to stop). */
    onRequest(fn) {
      onRequest = fn;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Loading an SDK

/**
 * Requires an SDK the way WeChat runs it. `wx-axios` (the peer's HTTP client) picks its Node
 * `http` adapter whenever `Object.prototype.toString.call(process)` is '[object process]', and
 * its `wx.request` adapter otherwise; in a mini program there is no `process`. So, during the
 * `require` only, `process[Symbol.toStringTag]` is changed, for both SDKs alike (ours does not
 * look at it; it detects Node through `process.versions.node` to read its `.wasm.br` from disk).
 */
function requireAsInWeChat(dir) {
  const before = process[Symbol.toStringTag];
  process[Symbol.toStringTag] = 'WeChatAppService';
  try {
    return require(dir);
  } finally {
    process[Symbol.toStringTag] = before;
  }
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Runs `fn` until it does not throw ENOENT (the package may be rebuilt under the bench). */
function retryMissing(fn, what, timeoutMs) {
  const deadline = Date.now() + (timeoutMs || 60000);
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (error && error.code === 'ENOENT' && Date.now() < deadline) {
        process.stderr.write('bench: ' + what + ' is missing (package being rebuilt?), retrying...\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
        continue;
      }
      throw error;
    }
  }
}

module.exports = {
  BENCH_DIR,
  REPO_DIR,
  WORK_DIR,
  PKG_DIR,
  APP_ID,
  HOST,
  WECHAT_APP_ID,
  OURS,
  PEER,
  PEER_VERSION,
  percentile,
  summary,
  createWx,
  requireAsInWeChat,
  readJson,
  writeJson,
  retryMissing,
};
