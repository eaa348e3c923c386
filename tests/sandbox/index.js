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
  'process', 'Buffer', 'require', 'window', 'self', 'queueMicrotask', 'structuredClone',
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
const RANDOM_VALUES_LIMIT = 1048576; // wx.getRandomValues: "最大 1048576" (its doc)
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

/** The type name WeChat's parameter errors use: "... should be String instead of Undefined;". */
function typeName(value) {
  if (value === null) return 'Null';
  if (typeof value === 'object') return 'Object';
  return (typeof value).replace(/^./, (c) => c.toUpperCase());
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
  const tempPathStyle = options.tempPathStyle || 'wxfile';
  if (tempPathStyle !== 'wxfile' && tempPathStyle !== 'http') {
    throw new Error("createMiniProgram: tempPathStyle must be 'wxfile' (phones) or 'http' (DevTools)");
  }
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
    uploads: [],
    files: new Map(),
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
  // Network helpers shared by wx.request and wx.uploadFile

  const USER_AGENT = 'Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 '
    + '(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x18003237) NetType/WIFI Language/zh_CN miniProgram';

  /**
   * The headers WeChat sends: the page's `header` keys as given (minus Referer, which WeChat
   * forbids and sets itself, and minus `skip(lowerCaseKey)`), then Referer and a User-Agent.
   */
  function outgoingHeaders(given, skip) {
    const headers = {};
    given = given && typeof given === 'object' ? given : {};
    for (const k of Object.keys(given)) {
      const lower = k.toLowerCase();
      if (lower === 'referer' || given[k] === undefined || (skip && skip(lower))) continue;
      headers[k] = String(given[k]);
    }
    headers.Referer = 'https://servicewechat.com/' + wechatAppId + '/0/page-frame.html';
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['User-Agent'] = USER_AGENT;
    return headers;
  }

  /** The response headers with the server's spelling (repeats joined by ','), and its cookies. */
  function responseHeaders(res) {
    const header = {};
    const cookies = [];
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      const k = res.rawHeaders[i];
      const v = res.rawHeaders[i + 1];
      if (k.toLowerCase() === 'set-cookie') cookies.push(v);
      header[k] = Object.prototype.hasOwnProperty.call(header, k) ? header[k] + ',' + v : v;
    }
    return { header, cookies };
  }

  /** Adds `on<Event>(listener)` / `off<Event>(listener?)` to a task; returns the listener list. */
  function taskEvent(task, event) {
    const listeners = [];
    task['on' + event] = fn(function (listener) {
      if (typeof listener === 'function') listeners.push(listener);
    }, 'on' + event);
    task['off' + event] = fn(function (listener) {
      if (listener === undefined) listeners.length = 0;
      const i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    }, 'off' + event);
    return listeners;
  }

  /** Call every listener later (a macrotask) with a context copy of `value`. */
  function emit(listeners, value) {
    if (!listeners.length) return;
    later(() => {
      for (const l of listeners.slice()) l(toCtx(value));
    });
  }

  // ------------------------------------------------------------------------------------------
  // wx.request: real HTTP

  const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

  /**
   * What wx.request and wx.uploadFile share: the task (with abort), settling once (the
   * callbacks as macrotasks), and, once the Node request `req` exists, `start(req,
   * timeout)`: the timeout, the connection errors, and the entry close() drops without
   * calling back.
   */
  function beginTask(o, api) {
    if (typeof options.onRequest === 'function') options.onRequest(o, { api });
    let done = false;
    let req = null;
    let timer = null;
    const entry = { api, abort: null };
    const task = realm.object();
    const finish = (ok, result) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      const i = mp.requests.indexOf(entry);
      if (i >= 0) mp.requests.splice(i, 1);
      deliver(o, ok, toCtx(result));
    };
    const failWith = (reason) => finish(false, { errMsg: api + ':fail ' + reason });
    task.abort = fn(function abort() {
      if (done) return;
      if (req) req.destroy();
      failWith('abort');
    }, 'abort');
    const start = (started, timeout) => {
      req = started;
      entry.abort = () => {
        done = true;
        if (timer) clearTimeout(timer);
        req.destroy();
      };
      mp.requests.push(entry);
      timer = setTimeout(() => {
        if (done) return;
        req.destroy();
        failWith('timeout');
      }, timeout);
      req.on('error', (e) => failWith(e && e.message ? e.message : String(e)));
    };
    return { task, finish, failWith, start, settled: () => done };
  }

  function request(o) {
    o = o || {};
    const { task, finish, failWith, start } = beginTask(o, 'request');
    const headersListeners = taskEvent(task, 'HeadersReceived');

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

    // Headers as given, content-type defaults to JSON.
    const headers = outgoingHeaders(o.header);
    let contentTypeKey = Object.keys(headers).find((k) => k.toLowerCase() === 'content-type');
    if (!contentTypeKey) {
      contentTypeKey = 'content-type';
      headers[contentTypeKey] = 'application/json';
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
    let req;
    const lib = parsed.protocol === 'https:' ? https : http;
    try {
      req = lib.request(parsed, { method, headers, agent: false });
    } catch (e) {
      later(() => failWith(e.message));
      return task;
    }
    start(req, timeout);
    req.on('response', (res) => {
      const { header, cookies } = responseHeaders(res);
      emit(headersListeners, { header, cookies });
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
      throw ctxError(api + ':fail parameter error: parameter.key should be String instead of ' + typeName(key) + ';');
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

  // wx.getRandomValues (base library 2.15.0): `length` an integer, at most 1048576 (its doc).
  // options.randomValues: false removes it (an older base library), a function makes the bytes.
  const randomSource = options.randomValues !== undefined ? options.randomValues : options.getRandomValues;
  if (randomSource !== undefined && randomSource !== true && randomSource !== false && typeof randomSource !== 'function') {
    throw new Error('createMiniProgram: randomValues must be true, false or a function (length) => bytes');
  }
  const getRandomValues = asyncApi('getRandomValues', (o, done) => {
    const length = o.length;
    if (typeof length !== 'number') {
      done(false, { errMsg: 'getRandomValues:fail parameter error: parameter.length should be Number instead of ' + typeName(length) + ';' });
      return;
    }
    if (!(length > 0) || length > RANDOM_VALUES_LIMIT || Math.floor(length) !== length) {
      done(false, { errMsg: 'getRandomValues:fail invalid length ' + length + ' (sandbox: an integer 1..' + RANDOM_VALUES_LIMIT + ')' });
      return;
    }
    try {
      const bytes = typeof randomSource === 'function' ? randomSource(length) : nodeCrypto.randomBytes(length);
      if (!(bytes instanceof ArrayBuffer) && !ArrayBuffer.isView(bytes)) throw new Error('the randomValues function returned no bytes');
      if (bytes.byteLength !== length) throw new Error('the randomValues function returned ' + bytes.byteLength + ' bytes, not ' + length);
      done(true, { randomValues: bytes, errMsg: 'getRandomValues:ok' }); // toCtx copies into a context ArrayBuffer
    } catch (e) {
      done(false, { errMsg: 'getRandomValues:fail ' + e.message });
    }
  });

  // ------------------------------------------------------------------------------------------
  // Files of the mini program (temp files): what chooseMedia / chooseImage make, and mp.addFile
  // (e.g. the temp path `open-type="chooseAvatar"` hands to the page). wx.uploadFile reads them.

  const files = mp.files; // path -> Buffer

  /** Any byte-ish value as a fresh Buffer (strings are UTF-8). */
  function toBuffer(bytes, what) {
    if (typeof bytes === 'string') return Buffer.from(bytes, 'utf8');
    if (bytes instanceof CtxArrayBuffer || bytes instanceof ArrayBuffer) return Buffer.from(new Uint8Array(bytes));
    if (ArrayBuffer.isView(bytes)) return Buffer.from(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    throw new Error(what + ': bytes must be a Buffer, a typed array, an ArrayBuffer or a string');
  }

  /** A new temp path in the style of the device: `wxfile://tmp_<hex>.png` or `http://tmp/<hex>.png`. */
  function newTempPath(name) {
    const m = /\.([A-Za-z0-9]{1,8})$/.exec(name || '');
    const ext = m ? m[1].toLowerCase() : 'png';
    const id = nodeCrypto.randomBytes(16).toString('hex');
    return tempPathStyle === 'http' ? 'http://tmp/' + id + '.' + ext : 'wxfile://tmp_' + id + '.' + ext;
  }

  function addFile(filePath, bytes) {
    if (typeof filePath !== 'string' || filePath === '') throw new Error('mp.addFile: path must be a non-empty string');
    files.set(filePath, toBuffer(bytes, 'mp.addFile'));
    return filePath;
  }

  // ------------------------------------------------------------------------------------------
  // wx.chooseMedia (base library 2.10.0) and wx.chooseImage: the "user" is options.chooseImage.

  /**
   * Ask options.chooseImage (the user at the picker) for images. done(ok, result) with the
   * chosen files as [{ path, size }] registered in mp.files, or a fail result.
   */
  function pick(api, request, done) {
    const fail = (reason, errno) => done(false, errno === undefined
      ? { errMsg: api + ':fail ' + reason }
      : { errMsg: api + ':fail ' + reason, errno });
    if (typeof options.chooseImage !== 'function') {
      fail('sandbox: no chooseImage function given to createMiniProgram');
      return;
    }
    Promise.resolve()
      .then(() => options.chooseImage(request))
      .then((answer) => {
        if (answer === null || answer === undefined) return fail('cancel');
        if (answer && typeof answer.fail === 'string') return fail(answer.fail, answer.errno);
        const list = Array.isArray(answer) ? answer : [answer];
        if (list.length === 0) return fail('cancel');
        if (list.length > request.count) {
          throw new Error('sandbox: chooseImage gave ' + list.length + ' files, more than count ' + request.count);
        }
        const chosen = list.map((item) => {
          if (!item || item.bytes === undefined) throw new Error('sandbox: chooseImage must give { path?, bytes, name? }');
          const filePath = typeof item.path === 'string' && item.path ? item.path : newTempPath(item.name);
          addFile(filePath, item.bytes);
          return { path: filePath, size: files.get(filePath).length };
        });
        done(true, chosen);
      })
      .catch((e) => fail(e && e.message ? e.message : String(e)));
  }

  /** count: an integer 1..20 (WeChat's limit since base library 2.25.0), default 9. */
  function pickCount(api, count, done) {
    if (count === undefined) return 9;
    if (typeof count !== 'number' || !(count >= 1) || Math.floor(count) !== count) {
      done(false, { errMsg: api + ':fail parameter error: count should be a positive integer, got ' + String(count) });
      return null;
    }
    return Math.min(count, 20);
  }

  const chooseMedia = asyncApi('chooseMedia', (o, done) => {
    const count = pickCount('chooseMedia', o.count, done);
    if (count === null) return;
    const mediaType = Array.isArray(o.mediaType) ? Array.from(o.mediaType) : ['image', 'video'];
    if (mediaType.indexOf('image') < 0 && mediaType.indexOf('mix') < 0) {
      done(false, { errMsg: 'chooseMedia:fail sandbox: only images can be chosen, mediaType is ' + JSON.stringify(mediaType) });
      return;
    }
    const request = {
      api: 'chooseMedia',
      count,
      mediaType,
      sourceType: Array.isArray(o.sourceType) ? Array.from(o.sourceType) : ['album', 'camera'],
      sizeType: Array.isArray(o.sizeType) ? Array.from(o.sizeType) : ['original', 'compressed'],
    };
    pick('chooseMedia', request, (ok, chosen) => done(ok, ok
      ? {
        tempFiles: chosen.map((f) => ({ tempFilePath: f.path, size: f.size, fileType: 'image' })),
        type: 'image',
        errMsg: 'chooseMedia:ok',
      }
      : chosen));
  });

  const chooseImage = asyncApi('chooseImage', (o, done) => {
    const count = pickCount('chooseImage', o.count, done);
    if (count === null) return;
    const request = {
      api: 'chooseImage',
      count,
      mediaType: ['image'],
      sourceType: Array.isArray(o.sourceType) ? Array.from(o.sourceType) : ['album', 'camera'],
      sizeType: Array.isArray(o.sizeType) ? Array.from(o.sizeType) : ['original', 'compressed'],
    };
    pick('chooseImage', request, (ok, chosen) => done(ok, ok
      ? {
        tempFilePaths: chosen.map((f) => f.path),
        tempFiles: chosen.map((f) => ({ path: f.path, size: f.size })),
        errMsg: 'chooseImage:ok',
      }
      : chosen));
  });

  // ------------------------------------------------------------------------------------------
  // wx.uploadFile: a real multipart/form-data POST of a file of mp.files

  const MIME_TYPES = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic' };

  /** Quote a form-data name / filename the way browsers do (", CR and LF percent-encoded). */
  function formQuote(text) {
    return '"' + String(text).replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A') + '"';
  }

  /** The multipart body: the formData fields, then the file under `name`. */
  function multipartBody(boundary, formData, name, fileName, contentType, bytes) {
    const parts = [];
    const fields = {};
    if (formData && typeof formData === 'object') {
      for (const k of Object.keys(formData)) {
        const v = formData[k];
        if (v === undefined) continue;
        // UNCONFIRMED how WeChat sends non-strings; objects go as JSON so they stay readable.
        fields[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
        parts.push(Buffer.from('--' + boundary + '\r\nContent-Disposition: form-data; name=' + formQuote(k)
          + '\r\n\r\n' + fields[k] + '\r\n', 'utf8'));
      }
    }
    parts.push(Buffer.from('--' + boundary + '\r\nContent-Disposition: form-data; name=' + formQuote(name)
      + '; filename=' + formQuote(fileName) + '\r\nContent-Type: ' + contentType + '\r\n\r\n', 'utf8'));
    parts.push(bytes);
    parts.push(Buffer.from('\r\n--' + boundary + '--\r\n', 'utf8'));
    return { body: Buffer.concat(parts), fields };
  }

  function uploadFile(o) {
    o = o || {};
    const { task, finish, failWith, start, settled } = beginTask(o, 'uploadFile');
    const failLater = (reason) => {
      later(() => failWith(reason));
      return task;
    };
    const progressListeners = taskEvent(task, 'ProgressUpdate');
    const headersListeners = taskEvent(task, 'HeadersReceived');

    const url = o.url;
    const timeout = typeof o.timeout === 'number' && o.timeout > 0 ? o.timeout : requestTimeoutDefault;
    if (!isHttpUrl(url)) return failLater('invalid url "' + url + '"');
    if (typeof o.filePath !== 'string') {
      return failLater('parameter error: parameter.filePath should be String instead of ' + typeName(o.filePath) + ';');
    }
    if (typeof o.name !== 'string' || o.name === '') {
      return failLater('parameter error: parameter.name should be String instead of ' + typeName(o.name) + ';');
    }
    const bytes = files.get(o.filePath);
    if (!bytes) return failLater('file not found');

    const fileName = o.filePath.replace(/^.*[/\\]/, '');
    const ext = (/\.([A-Za-z0-9]+)$/.exec(fileName) || [])[1];
    // UNCONFIRMED which Content-Type phones give the file part; the sandbox derives it from the name.
    const contentType = MIME_TYPES[String(ext).toLowerCase()] || 'application/octet-stream';
    const boundary = '----WeChatSandboxFormBoundary' + nodeCrypto.randomBytes(12).toString('hex');
    const { body, fields } = multipartBody(boundary, o.formData, o.name, fileName, contentType, bytes);
    // WeChat makes the content-type multipart/form-data whatever the page says.
    const headers = outgoingHeaders(o.header, (k) => k === 'content-type' || k === 'content-length');
    headers['Content-Type'] = 'multipart/form-data; boundary=' + boundary;
    headers['Content-Length'] = String(body.length);

    let parsed;
    try {
      parsed = new URL(url);
    } catch (e) {
      return failLater('invalid url "' + url + '"');
    }
    const lib = parsed.protocol === 'https:' ? https : http;
    let req;
    try {
      req = lib.request(parsed, { method: 'POST', headers, agent: false });
    } catch (e) {
      return failLater(e.message);
    }
    mp.uploads.push({
      url,
      name: o.name,
      filePath: o.filePath,
      fileName,
      contentType,
      bytes: Buffer.from(bytes),
      formData: fields,
      header: Object.assign({}, headers),
    });
    start(req, timeout);
    req.on('response', (res) => {
      emit(headersListeners, { header: responseHeaders(res).header });
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', (e) => failWith(e && e.message ? e.message : String(e)));
      res.on('close', () => {
        if (!res.complete) failWith('socket hang up');
      });
      // data is always the body as text (wx.uploadFile never parses JSON), for any status.
      res.on('end', () => finish(true, {
        data: Buffer.concat(chunks).toString('utf8'),
        statusCode: res.statusCode,
        errMsg: 'uploadFile:ok',
      }));
    });
    req.end(body, () => {
      if (!settled()) emit(progressListeners, { progress: 100, totalBytesSent: body.length, totalBytesExpectedToSend: body.length });
    });
    return task;
  }

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
    chooseMedia,
    chooseImage,
    uploadFile: fn(uploadFile, 'uploadFile'),
    getSystemInfoSync,
    getSystemInfo,
    getAccountInfoSync,
    showToast: uiApi('showToast'),
    hideToast: uiApi('hideToast'),
    showLoading: uiApi('showLoading'),
    hideLoading: uiApi('hideLoading'),
    showModal: uiApi('showModal', { confirm: true, cancel: false }),
  });
  // Older base libraries lack some APIs: these options remove them (`typeof wx.x === 'undefined'`).
  if (randomSource === false) delete wx.getRandomValues;
  if (options.chooseMedia === false) delete wx.chooseMedia;
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
  // WeChat's logic layer has a writable `global` object (uni-app's vendor.js does
  // `wx.createApp = global.createApp = ...` when it loads). It is a plain object of the context,
  // NOT globalThis: code that needs `global.X` to be a real global variable still fails here,
  // the conservative reading (what WeChat's `global` is beyond that is not documented).
  globals.global = realm.object();
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
  /** Put a file into the mini program's file system (e.g. a chooseAvatar temp path); returns path. */
  mp.addFile = addFile;
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
