'use strict';
/**
 * A mock `wx` for Node tests, driven by the emulator: what the SDK uses (request,
 * uploadFile, login, storage, getRandomValues, chooseMedia/chooseImage, getSystemInfoSync)
 * and what a page commonly calls (showToast, showModal, showLoading, hideLoading), with
 * WeChat's callback conventions (success / fail / complete, called later, never inside the
 * call; `errMsg` like `request:fail timeout`). Node only: it is not in the `miniprogram`
 * folder and never reaches a code package.
 */
const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');
const nodeCrypto = require('crypto');

/** WeChat keeps at most 1 MB per key and 10 MB per mini program. */
const STORAGE_ENTRY_LIMIT = 1024 * 1024;
const STORAGE_TOTAL_LIMIT = 10 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 60000;

/** A 1×1 PNG, what chooseMedia picks unless told otherwise. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
);

/** Calls success/fail and complete as WeChat does: later, with `result`. */
function deliver(options, ok, result) {
  setTimeout(() => {
    const callback = ok ? options.success : options.fail;
    if (typeof callback === 'function') callback(result);
    if (typeof options.complete === 'function') options.complete(result);
  }, 0);
}

function toQueryString(data) {
  return Object.keys(data)
    .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(data[k]))
    .join('&');
}

function lowerCaseHeaders(raw) {
  const header = {};
  for (const [name, value] of Object.entries(raw)) header[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return header;
}

/**
 * Creates a mock `wx`.
 * @param {object} options
 * @param {object} options.emulator what `startEmulator()` resolved (codes are minted by it)
 * @param {string} [options.person='alice'] who `wx.login` logs in (see `setPerson`)
 * @param {Map<string,string>} [options.storage] storage to start from (key → JSON text);
 *   share one between two mocks to play an app restart
 * @param {string} [options.language='zh_CN'] `getSystemInfoSync().language`
 * @param {string|Buffer} [options.image] what chooseMedia/chooseImage pick (a file path or bytes)
 */
function createMockWx(options) {
  options = options || {};
  const emulator = options.emulator;
  if (!emulator || typeof emulator.mintCode !== 'function') {
    throw new TypeError('createMockWx: options.emulator is required (what startEmulator() resolved)');
  }
  let person = options.person || 'alice';
  const loginPlan = [];
  const choosePlan = [];
  const storage = options.storage || new Map();
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-mock-wx-'));
  const tasks = new Set();
  let lastCode = null;
  let tempFiles = 0;

  function tempFile(bytes, ext) {
    tempFiles += 1;
    const file = path.join(tempDir, `tmp_${tempFiles}${ext}`);
    fs.writeFileSync(file, bytes);
    return file;
  }

  function pickedImage() {
    const image = options.image;
    if (Buffer.isBuffer(image)) return tempFile(image, '.png');
    if (typeof image === 'string') return tempFile(fs.readFileSync(image), path.extname(image) || '.png');
    return tempFile(PIXEL_PNG, '.png');
  }

  // ---- network -------------------------------------------------------------------------

  /** One HTTP exchange: the task with abort(), a timeout, the callbacks once. */
  function exchange(api, o, url, init, body, read) {
    let done = false;
    let req = null;
    let timer = null;
    const finish = (ok, result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      tasks.delete(task);
      deliver(o, ok, result);
    };
    const fail = (reason, errno) => finish(false, errno === undefined ? { errMsg: `${api}:fail ${reason}` } : { errMsg: `${api}:fail ${reason}`, errno });
    const task = {
      abort() {
        if (req) req.destroy();
        fail('abort');
      },
    };
    tasks.add(task);
    let parsed;
    try {
      parsed = new URL(url);
    } catch (error) {
      fail(`invalid url "${url}"`);
      return task;
    }
    const lib = parsed.protocol === 'https:' ? https : http;
    req = lib.request(parsed, { agent: false, ...init });
    const timeout = typeof o.timeout === 'number' && o.timeout > 0 ? o.timeout : DEFAULT_TIMEOUT_MS;
    timer = setTimeout(() => {
      req.destroy();
      fail('timeout', 5);
    }, timeout);
    req.on('error', (error) => fail(error && error.message ? error.message : String(error)));
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', (error) => fail(error && error.message ? error.message : String(error)));
      res.on('close', () => {
        if (!res.complete) fail('socket hang up');
      });
      res.on('end', () => {
        finish(true, read(res, Buffer.concat(chunks)));
      });
    });
    req.end(body || undefined);
    return task;
  }

  function request(o) {
    o = o || {};
    const method = String(o.method || 'GET').toUpperCase();
    const header = Object.assign({}, o.header || {});
    if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['content-type'] = 'application/json';
    let url = o.url;
    let body = null;
    if (o.data !== undefined && o.data !== null) {
      if (method === 'GET') {
        const qs = typeof o.data === 'string' ? o.data : toQueryString(o.data);
        if (qs) url += (url.indexOf('?') >= 0 ? '&' : '?') + qs;
      } else if (typeof o.data === 'string') {
        body = Buffer.from(o.data, 'utf8');
      } else if (o.data instanceof ArrayBuffer) {
        body = Buffer.from(new Uint8Array(o.data));
      } else {
        body = Buffer.from(JSON.stringify(o.data), 'utf8');
      }
    }
    if (body) header['content-length'] = String(body.length);
    const dataType = o.dataType === undefined ? 'json' : o.dataType;
    return exchange('request', o, url, { method, headers: header }, body, (res, bytes) => {
      let data;
      if (o.responseType === 'arraybuffer') {
        data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
      } else {
        data = bytes.toString('utf8');
        if (dataType === 'json') {
          try {
            data = JSON.parse(data);
          } catch (ignored) {
            // WeChat hands over the text when it is not JSON.
          }
        }
      }
      return { statusCode: res.statusCode, data, header: lowerCaseHeaders(res.headers), cookies: [], errMsg: 'request:ok' };
    });
  }

  function uploadFile(o) {
    o = o || {};
    let file;
    try {
      file = fs.readFileSync(o.filePath);
    } catch (error) {
      const task = { abort() {} };
      deliver(o, false, { errMsg: `uploadFile:fail file not found: ${o.filePath}` });
      return task;
    }
    const boundary = '----genauthmockwx' + nodeCrypto.randomBytes(8).toString('hex');
    const parts = [];
    for (const [name, value] of Object.entries(o.formData || {})) {
      parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
    const filename = path.basename(o.filePath);
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${o.name || 'file'}"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`));
    parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
    const body = Buffer.concat(parts);
    const headers = Object.assign({}, o.header || {}, { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) });
    return exchange('uploadFile', o, o.url, { method: 'POST', headers }, body, (res, bytes) => ({
      statusCode: res.statusCode,
      data: bytes.toString('utf8'),
      header: lowerCaseHeaders(res.headers),
      errMsg: 'uploadFile:ok',
    }));
  }

  // ---- wx.login ------------------------------------------------------------------------

  function login(o) {
    o = o || {};
    const next = loginPlan.length ? loginPlan.shift() : { person };
    if (next.fail) {
      deliver(o, false, { errMsg: `login:fail ${next.fail}` });
      return;
    }
    if (next.never) return;
    lastCode = next.code || emulator.mintCode(next.person || person);
    deliver(o, true, { code: lastCode, errMsg: 'login:ok' });
  }

  // ---- storage -------------------------------------------------------------------------

  function usedBytes() {
    let total = 0;
    for (const [key, text] of storage) total += key.length + text.length;
    return total;
  }

  function setStorageSync(key, value) {
    if (typeof key !== 'string' || key === '') throw new Error('setStorageSync:fail parameter error: parameter.key should be String instead of ' + typeof key + ';');
    const text = JSON.stringify(value === undefined ? '' : value);
    if (text.length > STORAGE_ENTRY_LIMIT) throw new Error('setStorageSync:fail exceed max size per key 1MB');
    const before = storage.has(key) ? key.length + storage.get(key).length : 0;
    if (usedBytes() - before + key.length + text.length > STORAGE_TOTAL_LIMIT) throw new Error('setStorageSync:fail exceed storage max size 10MB');
    storage.set(key, text);
  }

  function getStorageSync(key) {
    return storage.has(key) ? JSON.parse(storage.get(key)) : '';
  }

  function removeStorageSync(key) {
    storage.delete(key);
  }

  function clearStorageSync() {
    storage.clear();
  }

  function getStorageInfoSync() {
    return { keys: Array.from(storage.keys()), currentSize: Math.ceil(usedBytes() / 1024), limitSize: STORAGE_TOTAL_LIMIT / 1024 };
  }

  /** An async storage API from its sync twin: `{key, data}` in, `{data}` out. */
  function async(name, run) {
    return (o) => {
      o = o || {};
      try {
        deliver(o, true, Object.assign({ errMsg: `${name}:ok` }, run(o)));
      } catch (error) {
        deliver(o, false, { errMsg: String(error.message).replace(/Sync:/, ':') });
      }
    };
  }

  // ---- the rest ------------------------------------------------------------------------

  function getRandomValues(o) {
    o = o || {};
    const length = o.length;
    if (!Number.isInteger(length) || length <= 0 || length > 1048576) {
      deliver(o, false, { errMsg: 'getRandomValues:fail invalid length' });
      return;
    }
    const bytes = nodeCrypto.randomBytes(length);
    deliver(o, true, { randomValues: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + length), errMsg: 'getRandomValues:ok' });
  }

  function choose(api, shape) {
    return (o) => {
      o = o || {};
      const next = choosePlan.length ? choosePlan.shift() : {};
      if (next.cancel) {
        deliver(o, false, { errMsg: `${api}:fail cancel` });
        return;
      }
      const file = pickedImage();
      deliver(o, true, Object.assign({ errMsg: `${api}:ok` }, shape(file, fs.statSync(file).size)));
    };
  }

  const ui = [];
  const uiApi = (name, result) => (o) => {
    o = o || {};
    ui.push({ api: name, options: Object.assign({}, o) });
    deliver(o, true, Object.assign({ errMsg: `${name}:ok` }, result || {}));
  };

  const systemInfo = {
    brand: 'devtools',
    model: 'iPhone 13',
    pixelRatio: 3,
    screenWidth: 390,
    screenHeight: 844,
    windowWidth: 390,
    windowHeight: 844,
    language: options.language || 'zh_CN',
    version: '8.0.50',
    system: 'iOS 16.0',
    platform: 'ios',
    SDKVersion: '3.7.0',
  };

  const wx = {
    request,
    uploadFile,
    login,
    setStorageSync,
    getStorageSync,
    removeStorageSync,
    clearStorageSync,
    getStorageInfoSync,
    setStorage: async('setStorage', (o) => (setStorageSync(o.key, o.data), {})),
    getStorage: async('getStorage', (o) => {
      if (!storage.has(o.key)) throw new Error('getStorageSync:fail data not found');
      return { data: getStorageSync(o.key) };
    }),
    removeStorage: async('removeStorage', (o) => (removeStorageSync(o.key), {})),
    clearStorage: async('clearStorage', () => (clearStorageSync(), {})),
    getStorageInfo: async('getStorageInfo', () => getStorageInfoSync()),
    getRandomValues,
    chooseMedia: choose('chooseMedia', (file, size) => ({ type: 'image', tempFiles: [{ tempFilePath: file, size, fileType: 'image' }] })),
    chooseImage: choose('chooseImage', (file, size) => ({ tempFilePaths: [file], tempFiles: [{ path: file, size }] })),
    getSystemInfoSync: () => Object.assign({}, systemInfo),
    getSystemInfo: (o) => deliver(o || {}, true, Object.assign({ errMsg: 'getSystemInfo:ok' }, systemInfo)),
    showToast: uiApi('showToast'),
    hideToast: uiApi('hideToast'),
    showLoading: uiApi('showLoading'),
    hideLoading: uiApi('hideLoading'),
    showModal: uiApi('showModal', { confirm: true, cancel: false }),
  };

  // The test's controls: not WeChat APIs, so they live under `mock` (out of the SDK's way).
  wx.mock = {
    /** Storage as WeChat keeps it: key → JSON text. */
    storage,
    /** The UI calls made (showToast, showModal, ...): `{api, options}`. */
    ui,
    /** From now on `wx.login` logs in `name` (any string: the same name is the same person). */
    setPerson(name) {
      person = String(name);
    },
    /**
     * What the next `wx.login` calls do, in order: `{person}`, `{code}`, `{fail: 'reason'}`
     * (`login:fail reason`) or `{never: true}` (no answer). After the plan, `setPerson`'s.
     */
    planLogin(...answers) {
      loginPlan.push(...answers);
    },
    /** The next chooseMedia/chooseImage calls: `{cancel: true}` (the user closes the picker) or `{}`. */
    planChoose(...answers) {
      choosePlan.push(...answers);
    },
    /** The code the last `wx.login` returned (the SDK takes one at start for the phone button). */
    lastCode() {
      return lastCode;
    },
    /**
     * The `e.detail` of a getPhoneNumber button tapped now: `phone` encrypted for the session
     * of the last `wx.login` code, as WeChat does; `{deny: true}` → the user refused.
     */
    phoneNumberDetail(phone, { deny = false, countryCode = '86' } = {}) {
      if (deny) return { errMsg: 'getPhoneNumber:fail user deny' };
      if (!lastCode) throw new Error('phoneNumberDetail: no wx.login code yet (create the AuthenticationClient first)');
      return Object.assign({ errMsg: 'getPhoneNumber:ok' }, emulator.encryptPhone(lastCode, phone, countryCode));
    },
    /** Requests and uploads in flight now. */
    inFlight() {
      return tasks.size;
    },
    /** Aborts what is in flight and removes the temp files. */
    close() {
      for (const task of Array.from(tasks)) task.abort();
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
  return wx;
}

module.exports = { createMockWx };
