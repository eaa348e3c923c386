'use strict';
// A strict, WeChat-faithful mini-program logic layer for Node tests.
// See README.md in this folder for what it enforces and why.

const vm = require('vm');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const http = require('http');
const https = require('https');
const nodeCrypto = require('crypto');
const acorn = require('acorn');
const { checkWasm } = require('./wasm-check');

/** Globals a phone's logic layer does not have; the sandbox makes sure they are absent. */
const ABSENT_GLOBALS = [
  'WebAssembly', 'TextEncoder', 'TextDecoder', 'fetch', 'URL', 'URLSearchParams', 'crypto',
  'process', 'Buffer', 'require', 'global', 'window', 'self', 'queueMicrotask', 'structuredClone',
  'atob', 'btoa', 'performance', 'setImmediate', 'clearImmediate', 'Request', 'Response', 'Headers',
  'XMLHttpRequest', 'WebSocket', 'document', 'navigator', 'location', 'module', 'exports',
  '__filename', '__dirname', 'AbortController', 'Blob', 'MessageChannel', 'EventTarget',
];

/** The parameters WeChat's `define(path, function(...){...})` wrapper gives every module. */
const WRAPPER_PARAMS = [
  'require', 'module', 'exports', 'window', 'document', 'frames', 'self', 'location', 'navigator',
  'localStorage', 'history', 'Caches', 'screen', 'alert', 'confirm', 'prompt', 'fetch',
  'XMLHttpRequest', 'WebSocket', 'Reporter', 'webkit', 'WeixinJSCore',
];

const STORAGE_ENTRY_LIMIT = 1024 * 1024; // 1 MB per key
const STORAGE_TOTAL_LIMIT = 10 * 1024 * 1024; // 10 MB per mini program
const NOT_A_PATH = 'WebAssembly.instantiate: not support wxfile: or http: path';

// Runs inside the context once: helpers that create context-realm values.
const REALM_HELPERS = `(function () {
  'use strict';
  return {
    wrap: function (f, name) {
      var w = function () { return f.apply(this, arguments); };
      Object.defineProperty(w, 'name', { value: name });
      return w;
    },
    parse: function (text) { return JSON.parse(text); },
    object: function () { return {}; },
    array: function () { return []; },
    arrayBuffer: function (n) { return new ArrayBuffer(n); },
    error: function (message, kind) { return new (kind ? globalThis[kind] : Error)(message); },
    promise: function (executor) { return new Promise(executor); }
  };
})()`;

// WeChat allows exactly one string-compiled function, new Function('return this') (DOC-JS);
// everything else fails because the context forbids code generation from strings.
const FUNCTION_EXCEPTION = `(function (OriginalFunction) {
  var returnThis = function () { return function () { return this; }; };
  function make(args) {
    if (args.length === 1 && /^\\s*return\\s+this\\s*;?\\s*$/.test(String(args[0]))) return returnThis();
    return Reflect.construct(OriginalFunction, args);
  }
  var F = new Proxy(OriginalFunction, {
    apply: function (target, thisArg, args) { return make(args); },
    construct: function (target, args) { return make(args); }
  });
  Object.defineProperty(globalThis, 'Function', { value: F, writable: true, configurable: true, enumerable: false });
})(Function)`;

function isHttpUrl(url) {
  return typeof url === 'string' && /^https?:\/\/[^/\s]+/i.test(url);
}

function toQueryString(data) {
  return Object.keys(data)
    .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(data[k]))
    .join('&');
}

/**
 * Create a fresh mini program (one app launch).
 * @param {object} options see README.md
 */
function createMiniProgram(options) {
  options = options || {};
  if (!options.root) throw new Error('createMiniProgram: options.root is required');
  const root = path.resolve(options.root);
  const wechatAppId = options.wechatAppId || 'wx0000000000000000';
  const storage = options.storage || new Map();
  const requestTimeoutDefault = options.requestTimeoutDefault || 60000;
  const instantiateResult = options.instantiateResult || 'pair';
  const syntaxCheck = options.syntaxCheck || 'npm';
  const hostConsole = options.console || console;
  if (instantiateResult !== 'pair' && instantiateResult !== 'instance') {
    throw new Error("createMiniProgram: instantiateResult must be 'pair' or 'instance'");
  }

  // ------------------------------------------------------------------------------------------
  // The context

  const context = vm.createContext({}, {
    name: 'wechat-logic-layer',
    codeGeneration: { strings: false, wasm: false },
  });
  vm.runInContext('delete globalThis.WebAssembly;', context);
  vm.runInContext(FUNCTION_EXCEPTION, context);
  const realm = vm.runInContext(REALM_HELPERS, context);
  const CtxArrayBuffer = vm.runInContext('ArrayBuffer', context);

  const mp = {
    root,
    wechatAppId,
    context,
    storage,
    modules: new Map(),
    pageDefinitions: new Map(),
    components: new Map(),
    pages: null,
    app: undefined,
    requests: [],
    ui: [],
    closed: false,
  };

  function ctxError(message, kind) {
    return realm.error(message, kind);
  }
  function fn(f, name) {
    return realm.wrap(f, name || f.name || 'anonymous');
  }

  /** Deep-copy a host value into the context realm (JSON-like values, ArrayBuffers, views). */
  function toCtx(value) {
    if (value === null || typeof value !== 'object') {
      return typeof value === 'function' ? fn(value) : value;
    }
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const src = value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      const ab = realm.arrayBuffer(src.length);
      new Uint8Array(ab).set(src);
      return ab;
    }
    if (Array.isArray(value)) {
      const arr = realm.array();
      for (const v of value) arr.push(toCtx(v));
      return arr;
    }
    const obj = realm.object();
    for (const k of Object.keys(value)) obj[k] = toCtx(value[k]);
    return obj;
  }

  /** A JSON round trip through the context's JSON (deep copy, context realm). */
  function jsonCopy(value) {
    if (value === undefined) return undefined;
    return realm.parse(JSON.stringify(value));
  }

  // ------------------------------------------------------------------------------------------
  // Timers: numeric ids like WeChat, tracked so close() can clear them.

  const timers = new Map();
  let nextTimerId = 1;
  function addTimer(kind, callback, ms, args) {
    if (typeof callback !== 'function') {
      throw ctxError('set' + kind + ': the callback must be a function (strings would be eval)', 'TypeError');
    }
    const id = nextTimerId++;
    const run = () => {
      if (kind === 'Timeout') timers.delete(id);
      callback.apply(undefined, args);
    };
    const handle = kind === 'Timeout' ? setTimeout(run, ms) : setInterval(run, ms);
    timers.set(id, { kind, handle });
    return id;
  }
  function clearTimer(id) {
    const t = timers.get(id);
    if (!t) return;
    if (t.kind === 'Timeout') clearTimeout(t.handle);
    else clearInterval(t.handle);
    timers.delete(id);
  }
  /** Run host work later, as a macrotask (WeChat callbacks never run synchronously). */
  function later(work) {
    if (mp.closed) return;
    const id = nextTimerId++;
    const handle = setTimeout(() => {
      timers.delete(id);
      work();
    }, 0);
    timers.set(id, { kind: 'Timeout', handle });
  }

  // ------------------------------------------------------------------------------------------
  // wx API plumbing: callback style, or a promise when no callback is given.

  function hasCallbacks(o) {
    return !!o && (typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function');
  }

  function deliver(o, ok, result) {
    later(() => {
      if (ok && typeof o.success === 'function') o.success(result);
      if (!ok && typeof o.fail === 'function') o.fail(result);
      if (typeof o.complete === 'function') o.complete(result);
    });
  }

  /**
   * impl(o, done) where done(ok, hostResultObject). Result objects are converted to the
   * context realm. Returns a context Promise when o has no callbacks.
   */
  function asyncApi(name, impl) {
    return fn(function (o) {
      o = o || {};
      if (hasCallbacks(o)) {
        let settled = false;
        impl(o, (ok, result) => {
          if (settled) return;
          settled = true;
          deliver(o, ok, toCtx(result));
        });
        return undefined;
      }
      return realm.promise(fn((resolve, reject) => {
        let settled = false;
        impl(o, (ok, result) => {
          if (settled) return;
          settled = true;
          later(() => (ok ? resolve : reject)(toCtx(result)));
        });
      }));
    }, name);
  }

  // ------------------------------------------------------------------------------------------
  // wx.login

  let sessionValid = false;
  const login = asyncApi('login', (o, done) => {
    let timer = null;
    if (typeof o.timeout === 'number' && o.timeout > 0) {
      timer = setTimeout(() => done(false, { errMsg: 'login:fail timeout' }), o.timeout);
    }
    const finish = (ok, res) => {
      if (timer) clearTimeout(timer);
      done(ok, res);
    };
    if (typeof options.login !== 'function') {
      finish(false, { errMsg: 'login:fail no login function given to createMiniProgram' });
      return;
    }
    Promise.resolve()
      .then(() => options.login(wechatAppId))
      .then((code) => {
        if (typeof code !== 'string' || !code) throw new Error('login function returned no code');
        sessionValid = true;
        finish(true, { code, errMsg: 'login:ok' });
      })
      .catch((e) => finish(false, { errMsg: 'login:fail ' + (e && e.message ? e.message : String(e)) }));
  });

  const checkSession = asyncApi('checkSession', (o, done) => {
    if (sessionValid) done(true, { errMsg: 'checkSession:ok' });
    else done(false, { errMsg: 'checkSession:fail session time out, need relogin' });
  });

  // ------------------------------------------------------------------------------------------
  // wx.request: real HTTP

  const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

  function request(o) {
    o = o || {};
    if (typeof options.onRequest === 'function') options.onRequest(o);
    const headersListeners = [];
    let settled = false;
    let req = null;
    let timer = null;
    const entry = { abort: null };

    const task = realm.object();
    const finish = (ok, result) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      const i = mp.requests.indexOf(entry);
      if (i >= 0) mp.requests.splice(i, 1);
      deliver(o, ok, toCtx(result));
    };
    const failWith = (reason) => finish(false, { errMsg: 'request:fail ' + reason });

    task.abort = fn(function abort() {
      if (settled) return;
      if (req) req.destroy();
      failWith('abort');
    }, 'abort');
    task.onHeadersReceived = fn(function onHeadersReceived(listener) {
      if (typeof listener === 'function') headersListeners.push(listener);
    }, 'onHeadersReceived');
    task.offHeadersReceived = fn(function offHeadersReceived(listener) {
      if (listener === undefined) headersListeners.length = 0;
      const i = headersListeners.indexOf(listener);
      if (i >= 0) headersListeners.splice(i, 1);
    }, 'offHeadersReceived');

    const url0 = o.url;
    const method = String(o.method || 'GET').toUpperCase();
    const dataType = o.dataType === undefined ? 'json' : o.dataType;
    const responseType = o.responseType || 'text';
    const timeout = typeof o.timeout === 'number' && o.timeout > 0 ? o.timeout : requestTimeoutDefault;
    if (!isHttpUrl(url0)) {
      later(() => failWith('invalid url "' + url0 + '"'));
      return task;
    }
    if (METHODS.indexOf(method) < 0) {
      later(() => failWith('invalid method "' + o.method + '"'));
      return task;
    }

    // Headers as given (WeChat forbids Referer and sets it itself), content-type defaults to JSON.
    const headers = {};
    let contentTypeKey = null;
    const given = o.header && typeof o.header === 'object' ? o.header : {};
    for (const k of Object.keys(given)) {
      if (k.toLowerCase() === 'referer') continue;
      if (given[k] === undefined) continue;
      headers[k] = String(given[k]);
      if (k.toLowerCase() === 'content-type') contentTypeKey = k;
    }
    if (!contentTypeKey) {
      contentTypeKey = 'content-type';
      headers[contentTypeKey] = 'application/json';
    }
    headers.Referer = 'https://servicewechat.com/' + wechatAppId + '/0/page-frame.html';
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) {
      headers['User-Agent'] = 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 '
        + '(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN miniProgram';
    }

    // Body / query string, as the WeChat docs describe.
    let url = url0;
    let body = null;
    const data = o.data;
    if (data !== undefined && data !== null) {
      const isBinary = data instanceof CtxArrayBuffer || data instanceof ArrayBuffer;
      if (method === 'GET') {
        const qs = typeof data === 'string' ? data : (isBinary ? '' : toQueryString(data));
        if (qs) url += (url.indexOf('?') >= 0 ? '&' : '?') + qs;
      } else if (typeof data === 'string') {
        body = Buffer.from(data, 'utf8');
      } else if (isBinary) {
        body = Buffer.from(new Uint8Array(data));
      } else if (/application\/x-www-form-urlencoded/i.test(headers[contentTypeKey])) {
        body = Buffer.from(toQueryString(data), 'utf8');
      } else {
        body = Buffer.from(JSON.stringify(data), 'utf8');
      }
    }
    if (body) headers['Content-Length'] = String(body.length);

    let parsed;
    try {
      parsed = new URL(url);
    } catch (e) {
      later(() => failWith('invalid url "' + url0 + '"'));
      return task;
    }
    const lib = parsed.protocol === 'https:' ? https : http;
    try {
      req = lib.request(parsed, { method, headers, agent: false });
    } catch (e) {
      later(() => failWith(e.message));
      return task;
    }
    // close() drops in-flight requests without calling back.
    entry.abort = () => {
      settled = true;
      if (timer) clearTimeout(timer);
      req.destroy();
    };
    mp.requests.push(entry);
    timer = setTimeout(() => {
      if (settled) return;
      req.destroy();
      failWith('timeout');
    }, timeout);
    req.on('error', (e) => failWith(e && e.message ? e.message : String(e)));
    req.on('response', (res) => {
      const header = {};
      const cookies = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) {
        const k = res.rawHeaders[i];
        const v = res.rawHeaders[i + 1];
        if (k.toLowerCase() === 'set-cookie') cookies.push(v);
        header[k] = Object.prototype.hasOwnProperty.call(header, k) ? header[k] + ',' + v : v;
      }
      if (headersListeners.length) {
        later(() => {
          for (const l of headersListeners.slice()) l(toCtx({ header, cookies }));
        });
      }
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => failWith(e && e.message ? e.message : String(e)));
      // A connection dropped mid-body: 'error' (ECONNRESET / aborted), and 'close' as a safety net.
      res.on('close', () => {
        if (!res.complete) failWith('socket hang up');
      });
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        let payload;
        if (responseType === 'arraybuffer') {
          payload = buf;
        } else {
          payload = buf.toString('utf8');
          if (dataType === 'json') {
            try {
              payload = JSON.parse(payload.replace(/^\uFEFF/, ''));
            } catch (e) {
              // WeChat hands back the raw string when the body is not JSON.
            }
          }
        }
        finish(true, { data: payload, statusCode: res.statusCode, header, cookies, errMsg: 'request:ok' });
      });
    });
    req.end(body || undefined);
    return task;
  }

  // ------------------------------------------------------------------------------------------
  // Storage: values kept as JSON text in the Map, so two MiniPrograms can share it.

  function serialize(api, key, data) {
    if (typeof key !== 'string') {
      throw ctxError(api + ':fail parameter error: parameter.key should be String instead of '
        + (key === null ? 'Null' : typeof key === 'object' ? 'Object' : (typeof key).replace(/^./, (c) => c.toUpperCase())) + ';');
    }
    if (key === '') throw ctxError(api + ':fail parameter error: parameter.key should not be empty');
    let text;
    if (data === undefined) text = 'undefined';
    else {
      try {
        text = JSON.stringify(data);
      } catch (e) {
        throw ctxError(api + ':fail data can not be serialized: ' + e.message);
      }
      if (text === undefined) text = 'undefined'; // functions, symbols
    }
    if (text.length > STORAGE_ENTRY_LIMIT) throw ctxError(api + ':fail entry size limit reached');
    let total = text.length + key.length;
    for (const [k, v] of storage) if (k !== key) total += k.length + v.length;
    if (total > STORAGE_TOTAL_LIMIT) throw ctxError(api + ':fail exceed storage max size 10Mb');
    return text;
  }
  function deserialize(text) {
    return text === 'undefined' ? undefined : realm.parse(text);
  }
  function storageInfo() {
    let size = 0;
    for (const [k, v] of storage) size += k.length + v.length;
    return { keys: Array.from(storage.keys()), currentSize: Math.ceil(size / 1024), limitSize: STORAGE_TOTAL_LIMIT / 1024 };
  }

  const setStorageSync = fn(function setStorageSync(key, data) {
    storage.set(key, serialize('setStorageSync', key, data));
  });
  const getStorageSync = fn(function getStorageSync(key) {
    if (typeof key !== 'string') throw ctxError('getStorageSync:fail parameter error: parameter.key should be String');
    return storage.has(key) ? deserialize(storage.get(key)) : '';
  });
  const removeStorageSync = fn(function removeStorageSync(key) {
    if (typeof key !== 'string') throw ctxError('removeStorageSync:fail parameter error: parameter.key should be String');
    storage.delete(key);
  });
  const clearStorageSync = fn(function clearStorageSync() {
    storage.clear();
  });
  const getStorageInfoSync = fn(function getStorageInfoSync() {
    return toCtx(storageInfo());
  });

  // The async variants return their data through the context (so objects stay context objects).
  function storageAsync(name, impl) {
    return fn(function (o) {
      o = o || {};
      let outcome;
      try {
        outcome = { ok: true, result: impl(o) };
      } catch (e) {
        const m = /:fail (.*)$/.exec(e && e.message ? e.message : '');
        outcome = { ok: false, result: { errMsg: name + ':fail ' + (m ? m[1] : String(e && e.message)) } };
      }
      if (outcome.ok && outcome.result && outcome.result.fail) {
        outcome = { ok: false, result: { errMsg: name + ':fail ' + outcome.result.fail } };
      }
      const res = realm.object();
      for (const k of Object.keys(outcome.result)) res[k] = outcome.result[k];
      if (hasCallbacks(o)) {
        deliver(o, outcome.ok, res);
        return undefined;
      }
      return realm.promise(fn((resolve, reject) => later(() => (outcome.ok ? resolve : reject)(res))));
    }, name);
  }
  const setStorage = storageAsync('setStorage', (o) => {
    storage.set(o.key, serialize('setStorage', o.key, o.data));
    return { errMsg: 'setStorage:ok' };
  });
  const getStorage = storageAsync('getStorage', (o) => {
    if (typeof o.key !== 'string') return { fail: 'parameter error: parameter.key should be String' };
    if (!storage.has(o.key)) return { fail: 'data not found' };
    return { data: deserialize(storage.get(o.key)), errMsg: 'getStorage:ok' };
  });
  const removeStorage = storageAsync('removeStorage', (o) => {
    if (typeof o.key !== 'string') return { fail: 'parameter error: parameter.key should be String' };
    storage.delete(o.key);
    return { errMsg: 'removeStorage:ok' };
  });
  const clearStorage = storageAsync('clearStorage', () => {
    storage.clear();
    return { errMsg: 'clearStorage:ok' };
  });
  const getStorageInfo = storageAsync('getStorageInfo', () => Object.assign(toCtx(storageInfo()), { errMsg: 'getStorageInfo:ok' }));

  // ------------------------------------------------------------------------------------------
  // Randomness, system and account info

  const getRandomValues = asyncApi('getRandomValues', (o, done) => {
    const length = o.length;
    if (typeof length !== 'number' || !(length > 0) || length > 1048576 || Math.floor(length) !== length) {
      done(false, { errMsg: 'getRandomValues:fail invalid length' });
      return;
    }
    try {
      const bytes = options.getRandomValues ? options.getRandomValues(length) : nodeCrypto.randomBytes(length);
      if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) throw new Error('getRandomValues override returned no bytes');
      if (bytes.byteLength !== length) throw new Error('getRandomValues override returned ' + bytes.byteLength + ' bytes, not ' + length);
      done(true, { randomValues: bytes, errMsg: 'getRandomValues:ok' }); // toCtx copies into a context ArrayBuffer
    } catch (e) {
      done(false, { errMsg: 'getRandomValues:fail ' + e.message });
    }
  });

  const systemInfo = Object.assign({
    brand: 'iPhone',
    model: 'iPhone 12 <iPhone13,2>',
    pixelRatio: 3,
    screenWidth: 390,
    screenHeight: 844,
    windowWidth: 390,
    windowHeight: 763,
    statusBarHeight: 47,
    language: 'zh_CN',
    version: '8.0.50',
    system: 'iOS 16.0',
    platform: 'ios',
    fontSizeSetting: 17,
    SDKVersion: '3.7.0',
    benchmarkLevel: -1,
    deviceOrientation: 'portrait',
  }, options.systemInfo || {});
  const getSystemInfoSync = fn(function getSystemInfoSync() {
    return toCtx(systemInfo);
  });
  const getSystemInfo = asyncApi('getSystemInfo', (o, done) => done(true, Object.assign({}, systemInfo, { errMsg: 'getSystemInfo:ok' })));
  const getAccountInfoSync = fn(function getAccountInfoSync() {
    return toCtx({ miniProgram: { appId: wechatAppId, envVersion: 'develop', version: '' } });
  });

  // UI calls are recorded in mp.ui (tests may look at them); they succeed.
  function uiApi(name, result) {
    return asyncApi(name, (o, done) => {
      mp.ui.push({ api: name, options: o });
      done(true, Object.assign({ errMsg: name + ':ok' }, result || {}));
    });
  }

  const wx = realm.object();
  Object.assign(wx, {
    login,
    checkSession,
    request: fn(request, 'request'),
    setStorageSync,
    getStorageSync,
    removeStorageSync,
    clearStorageSync,
    getStorageInfoSync,
    setStorage,
    getStorage,
    removeStorage,
    clearStorage,
    getStorageInfo,
    getRandomValues,
    getSystemInfoSync,
    getSystemInfo,
    getAccountInfoSync,
    showToast: uiApi('showToast'),
    hideToast: uiApi('hideToast'),
    showLoading: uiApi('showLoading'),
    hideLoading: uiApi('hideLoading'),
    showModal: uiApi('showModal', { confirm: true, cancel: false }),
  });
  if (options.wx) {
    for (const k of Object.keys(options.wx)) {
      wx[k] = typeof options.wx[k] === 'function' ? fn(options.wx[k], k) : options.wx[k];
    }
  }

  // ------------------------------------------------------------------------------------------
  // WXWebAssembly

  function wasmReject(message) {
    return realm.promise(fn((resolve, reject) => reject(ctxError(message))));
  }

  const WXWebAssembly = realm.object();
  WXWebAssembly.instantiate = fn(function instantiate(wasmPath, imports) {
    if (typeof wasmPath !== 'string') {
      const what = wasmPath === null ? 'null' : (wasmPath && wasmPath.constructor && wasmPath.constructor.name) || typeof wasmPath;
      return wasmReject(NOT_A_PATH + ' (sandbox: the first argument must be a code-package path string, got ' + what + ')');
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(wasmPath)) {
      return wasmReject(NOT_A_PATH + ' (sandbox: got "' + wasmPath + '")');
    }
    if (/^\.\.?\//.test(wasmPath)) {
      return wasmReject('WebAssembly.instantiate: relative path "' + wasmPath
        + '" (sandbox: paths relative to the calling module are UNCONFIRMED on WeChat; use a code-package path)');
    }
    if (!/\.wasm(\.br)?$/.test(wasmPath)) {
      return wasmReject('WebAssembly.instantiate: only .wasm and .wasm.br files are supported, got "' + wasmPath + '"');
    }
    const pkgPath = path.posix.normalize('/' + wasmPath.replace(/^\/+/, ''));
    const file = path.join(root, pkgPath);
    if (pkgPath.indexOf('/../') >= 0 || !file.startsWith(root + path.sep)) {
      return wasmReject('WebAssembly.instantiate: path "' + wasmPath + '" is outside the code package');
    }
    let bytes;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      return wasmReject('WebAssembly.instantiate: file not found in the code package: "' + wasmPath + '" (' + pkgPath + ')');
    }
    if (pkgPath.endsWith('.br')) {
      try {
        bytes = zlib.brotliDecompressSync(bytes);
      } catch (e) {
        return wasmReject('WebAssembly.instantiate: Brotli decode of "' + wasmPath + '" failed: ' + e.message);
      }
    }
    if (bytes.length < 8) return wasmReject('WebAssembly.instantiate: expected a module of at least 8 bytes (' + wasmPath + ')');
    if (bytes[0] !== 0x00 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
      return wasmReject('WebAssembly.instantiate: expected magic word 00 61 73 6d, found '
        + Array.from(bytes.subarray(0, 4)).map((b) => b.toString(16).padStart(2, '0')).join(' ') + ' (' + wasmPath + ')');
    }
    const work = (async () => {
      const check = await checkWasm(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (!check.ok) {
        throw ctxError('WebAssembly.instantiate: ' + pkgPath + ': ' + check.problems.join('; '));
      }
      const instance = await WebAssembly.instantiate(check.module, imports);
      if (instantiateResult === 'instance') return instance;
      const pair = realm.object();
      pair.instance = instance;
      pair.module = check.module;
      return pair;
    })();
    return realm.promise(fn((resolve, reject) => {
      work.then((v) => later(() => resolve(v)), (e) => later(() => reject(e)));
    }));
  }, 'instantiate');
  for (const k of ['Memory', 'Table', 'Global', 'Instance', 'Module', 'CompileError', 'LinkError', 'RuntimeError']) {
    WXWebAssembly[k] = WebAssembly[k];
  }

  // ------------------------------------------------------------------------------------------
  // Modules

  function isFile(p) {
    try {
      return fs.statSync(path.join(root, p)).isFile();
    } catch (e) {
      return false;
    }
  }
  function isDir(p) {
    try {
      return fs.statSync(path.join(root, p)).isDirectory();
    } catch (e) {
      return false;
    }
  }

  /** The package path of the file `p` names (p is already a normalized package path), or null. */
  function resolveFile(p) {
    if (isFile(p)) return p; // any extension; resolve() then refuses what is not .js / .json
    if (isFile(p + '.js')) return p + '.js';
    if (isDir(p) && isFile(path.posix.join(p, 'index.js'))) return path.posix.join(p, 'index.js');
    return null;
  }

  function notDefined(request, from, extra) {
    return ctxError("module '" + request + "' is not defined, require args is '" + request + "'"
      + (from ? ' (required from ' + from + ')' : '') + (extra ? ': ' + extra : ''));
  }

  function resolve(request, fromFile) {
    if (typeof request !== 'string' || request === '') throw notDefined(String(request), fromFile);
    const fromDir = fromFile ? path.posix.dirname(fromFile) : '/';
    let found = null;
    if (request.startsWith('./') || request.startsWith('../')) {
      found = resolveFile(path.posix.normalize(path.posix.join(fromDir, request)));
    } else if (request.startsWith('/')) {
      found = resolveFile(path.posix.normalize(request));
    } else {
      // npm: the nearest miniprogram_npm up the directory tree, then (like WeChat) a path
      // relative to the requiring file.
      for (let dir = fromDir; ; dir = path.posix.dirname(dir)) {
        const candidate = path.posix.join(dir, 'miniprogram_npm', request);
        found = resolveFile(candidate);
        if (found) break;
        if (dir === '/') break;
      }
      if (!found) found = resolveFile(path.posix.normalize(path.posix.join(fromDir, request)));
    }
    if (found && path.posix.normalize(found).startsWith('/..')) found = null;
    if (!found) throw notDefined(request, fromFile);
    if (!/\.(js|json)$/.test(found)) throw notDefined(request, fromFile, 'only .js and .json files can be required');
    return found;
  }

  function checkSyntax(pkgPath, source) {
    const wanted = syntaxCheck === 'all' || (syntaxCheck === 'npm' && pkgPath.indexOf('/miniprogram_npm/') >= 0);
    if (!wanted) return;
    try {
      acorn.parse(source, { ecmaVersion: 2017, sourceType: 'script', allowReturnOutsideFunction: true });
    } catch (e) {
      const lineText = source.split(/\r?\n/)[(e.loc ? e.loc.line : 1) - 1] || '';
      let start = e.pos;
      if (/^[.?]/.test(source.charAt(start)) && source.charAt(start - 1) === '?') start -= 1; // '?.' / '??'
      const token = source.slice(start, Math.max(e.raisedAt || 0, e.pos + 1)).split(/\r?\n/)[0];
      const col = e.loc ? e.loc.column : 0;
      const excerpt = (col > 60 ? '…' : '') + lineText.slice(Math.max(0, col - 60), col + 60).trim();
      throw ctxError('parse js file (' + pkgPath + ') failed: ' + e.message.replace(/\s*\(\d+:\d+\)$/, '')
        + ' at line ' + (e.loc ? e.loc.line : '?') + ', column ' + (e.loc ? e.loc.column + 1 : '?')
        + ", token '" + token + "' in: " + excerpt
        + ' (WeChat build npm accepts ES2017 syntax only)', 'SyntaxError');
    }
  }

  const moduleStack = [];
  function loadModule(pkgPath) {
    const cached = mp.modules.get(pkgPath);
    if (cached) return cached.exports;
    const file = path.join(root, pkgPath);
    const source = fs.readFileSync(file, 'utf8');
    const module = realm.object();
    module.exports = realm.object();
    mp.modules.set(pkgPath, module);
    try {
      if (pkgPath.endsWith('.json')) {
        try {
          module.exports = realm.parse(source);
        } catch (e) {
          throw ctxError('parse json file (' + pkgPath + ') failed: ' + e.message, 'SyntaxError');
        }
        return module.exports;
      }
      checkSyntax(pkgPath, source);
      const prefix = '(function(' + WRAPPER_PARAMS.join(', ') + '){"use strict";';
      const script = new vm.Script(prefix + source + '\n})', {
        filename: pkgPath,
        columnOffset: -prefix.length,
      });
      const define = script.runInContext(context);
      const localRequire = fn(function require(request) {
        return loadModule(resolve(request, pkgPath));
      });
      // Only require, module and exports are given; window, self, fetch, ... are undefined.
      moduleStack.push(pkgPath);
      try {
        define.call(undefined, localRequire, module, module.exports);
      } finally {
        moduleStack.pop();
      }
    } catch (e) {
      mp.modules.delete(pkgPath);
      throw e;
    }
    return module.exports;
  }

  // ------------------------------------------------------------------------------------------
  // App / Page / Component

  // Page() / Component() register for the file whose code is running (like WeChat's define()).
  const currentRoute = () => (moduleStack.length
    ? moduleStack[moduleStack.length - 1].replace(/^\//, '').replace(/\.js$/, '')
    : '__unknown__');
  mp.pages = realm.array();

  const App = fn(function App(definition) {
    if (mp.app) throw ctxError('App() has already been called');
    mp.app = definition || realm.object();
  });
  const Page = fn(function Page(definition) {
    const route = currentRoute();
    mp.pageDefinitions.set(route, definition || realm.object());
  });
  const Component = fn(function Component(definition) {
    mp.components.set(currentRoute(), definition);
  });
  const getApp = fn(function getApp() {
    return mp.app;
  });
  const getCurrentPages = fn(function getCurrentPages() {
    return mp.pages.slice();
  });

  // ------------------------------------------------------------------------------------------
  // Globals

  const hostTimer = (name, f) => fn(f, name);
  const globals = {
    wx,
    WXWebAssembly,
    App,
    Page,
    Component,
    getApp,
    getCurrentPages,
    setTimeout: hostTimer('setTimeout', (cb, ms, ...args) => addTimer('Timeout', cb, ms, args)),
    clearTimeout: hostTimer('clearTimeout', clearTimer),
    setInterval: hostTimer('setInterval', (cb, ms, ...args) => addTimer('Interval', cb, ms, args)),
    clearInterval: hostTimer('clearInterval', clearTimer),
  };
  const ctxConsole = realm.object();
  for (const k of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'group', 'groupEnd', 'table', 'time', 'timeEnd', 'assert', 'dir']) {
    const target = typeof hostConsole[k] === 'function' ? hostConsole[k].bind(hostConsole) : () => {};
    ctxConsole[k] = fn(target, k);
  }
  globals.console = ctxConsole;
  for (const k of Object.keys(globals)) {
    Object.defineProperty(context, k, { value: globals[k], writable: true, configurable: true, enumerable: false });
  }

  // ------------------------------------------------------------------------------------------
  // The MiniProgram object

  function parsePath(key) {
    const parts = [];
    String(key).replace(/[^.[\]]+|\[(\d+)\]/g, (m, index) => {
      parts.push(index !== undefined ? Number(index) : m);
      return m;
    });
    return parts;
  }

  function setDataOn(page, patch, callback) {
    if (patch === null || typeof patch !== 'object') throw ctxError('setData: data must be an object');
    for (const key of Object.keys(patch)) {
      const value = patch[key];
      const parts = parsePath(key);
      if (parts.length <= 1) {
        page.data[key] = value;
        continue;
      }
      let target = page.data;
      for (let i = 0; i < parts.length - 1; i++) {
        const p = parts[i];
        if (target[p] === null || typeof target[p] !== 'object') {
          target[p] = typeof parts[i + 1] === 'number' ? realm.array() : realm.object();
        }
        target = target[p];
      }
      target[parts[parts.length - 1]] = value;
    }
    if (typeof callback === 'function') later(() => callback.call(page));
  }

  function runApp() {
    if (mp.appLaunched) return mp.app;
    mp.appLaunched = true;
    let appJson = {};
    if (isFile('/app.json')) {
      try {
        appJson = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
      } catch (e) {
        throw new Error('app.json is not valid JSON: ' + e.message);
      }
    }
    mp.appJson = appJson;
    if (isFile('/app.js')) loadModule('/app.js');
    if (mp.app) {
      const launch = toCtx({ path: (appJson.pages && appJson.pages[0]) || '', query: {}, scene: 1001, referrerInfo: {} });
      if (typeof mp.app.onLaunch === 'function') mp.app.onLaunch(launch);
      if (typeof mp.app.onShow === 'function') mp.app.onShow(launch);
    }
    return mp.app;
  }

  function createPage(route, query) {
    route = String(route).replace(/^\/+/, '').replace(/\.js$/, '');
    runApp();
    if (!mp.pageDefinitions.has(route)) {
      const pkgPath = '/' + route + '.js';
      if (!isFile(pkgPath)) throw new Error('loadPage: no page file ' + pkgPath);
      loadModule(pkgPath);
      if (!mp.pageDefinitions.has(route)) throw new Error('loadPage: ' + pkgPath + ' did not call Page()');
    }
    const definition = mp.pageDefinitions.get(route);
    const page = realm.object();
    for (const k of Object.keys(definition)) {
      if (k === 'data') continue;
      const v = definition[k];
      page[k] = typeof v === 'function' ? v.bind(page) : v;
    }
    page.data = jsonCopy(definition.data || {}) || realm.object();
    page.route = route;
    page.options = toCtx(query || {});
    page.setData = fn(function setData(patch, callback) {
      setDataOn(page, patch, callback);
    }, 'setData');
    mp.pages.push(page);
    const results = [];
    results.push(typeof page.onLoad === 'function' ? page.onLoad(page.options) : undefined);
    results.push(typeof page.onShow === 'function' ? page.onShow() : undefined);
    return { page, results };
  }

  mp.wx = wx;
  /** require() from the package root: '/a/b.js', './a/b', or an npm name. */
  mp.require = (request) => loadModule(resolve(request, null));
  mp.runApp = runApp;
  mp.getApp = () => mp.app;
  mp.loadPage = (route, query) => createPage(route, query).page;
  /** Like loadPage, but waits for promises onLoad / onShow return (async lifecycle methods). */
  mp.loadPageAsync = async (route, query) => {
    const { page, results } = createPage(route, query);
    await Promise.all(results);
    return page;
  };
  /** Evaluate a script in the context (the test's "console" on the phone). */
  mp.evaluate = (code) => vm.runInContext(String(code), context);
  mp.toContext = toCtx;
  /** Clear timers, drop in-flight requests without calling back. */
  mp.close = () => {
    mp.closed = true;
    for (const [, t] of timers) {
      if (t.kind === 'Timeout') clearTimeout(t.handle);
      else clearInterval(t.handle);
    }
    timers.clear();
    for (const r of mp.requests.slice()) r.abort();
    mp.requests.length = 0;
  };
  return mp;
}

module.exports = { createMiniProgram, ABSENT_GLOBALS, WRAPPER_PARAMS, checkWasm };
