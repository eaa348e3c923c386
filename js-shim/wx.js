'use strict';
/**
 * The few `wx` APIs the SDK uses, as promises. No protocol knowledge lives here: requests
 * arrive fully built from the core, and their answers go back to it as WeChat gave them.
 */

function api() {
  if (typeof wx === 'undefined') {
    throw new Error('wx is not available: run inside a WeChat mini program (or define a wx mock)');
  }
  return wx;
}

/**
 * Sends a request the core built (`head`: `{method, url, header, timeout}`; `data`: the body,
 * if any), asking WeChat to parse the answer (`dataType: 'json'`: the runtime's native JSON
 * parser, once).
 * Resolves `{status, data, header}` for any HTTP status (`data` is the parsed body, or its
 * text when it is not JSON); rejects `{kind: 'timeout'|'network', detail}` when no answer
 * arrives.
 * @param {{method: string, url: string, header: Object, timeout: number}} request
 * @param {Object} [data]
 * @returns {Promise<{status: number, data: *, header: Object}>}
 */
function request(request, data) {
  return taskCall('request', request.timeout, function (success, fail) {
    var options = {
      url: request.url,
      method: request.method,
      // A copy: WeChat may add its defaults to the object it is given.
      header: Object.assign({}, request.header),
      timeout: request.timeout,
      dataType: 'json',
      responseType: 'text',
      success: function (res) {
        success({ status: res.statusCode, data: res.data, header: res.header });
      },
      fail: fail
    };
    if (data !== undefined) options.data = data;
    return api().request(options);
  });
}

/**
 * Runs a wx callback API (`wx.request`, `wx.uploadFile`, `wx.login`: `start(success, fail)`
 * calls it and returns its task, if any) as a promise that settles once: with its answer,
 * with its failure `{kind: 'timeout'|'file'|'network', detail}`, or with a timeout after
 * `timeoutMs` (a backstop for base libraries that ignore `timeout`, unless it already
 * answered), aborting the task.
 */
function taskCall(name, timeoutMs, start) {
  return new Promise(function (resolve, reject) {
    var settled = false;
    var timer = null;
    var task = null;
    function finish(action, value) {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      action(value);
    }
    var success = function (value) {
      finish(resolve, value);
    };
    var fail = function (err) {
      var detail = (err && err.errMsg) || name + ':fail';
      finish(reject, { kind: failureKind(err, detail), detail: detail });
    };
    try {
      task = start(success, fail);
    } catch (e) {
      finish(reject, { kind: 'network', detail: String((e && e.message) || e) });
      return;
    }
    if (settled) return;
    timer = setTimeout(function () {
      timer = null;
      if (task && typeof task.abort === 'function') {
        try {
          task.abort();
        } catch (e) {
          // The task may already be finished; the answer is the timeout either way.
        }
      }
      finish(reject, { kind: 'timeout', detail: name + ':fail timeout' });
    }, timeoutMs + 50);
  });
}

/**
 * What a failed task was: `timeout` (WeChat's errno where the base library gives one, else the
 * message's words), `file` (an upload's file is not there: a stale temp path, not worth a
 * retry) or `network`.
 */
function failureKind(err, detail) {
  if (err && (err.errno === 5 || err.errno === 600003)) return 'timeout';
  if (/time ?out|timed out|\u8d85\u65f6/i.test(detail)) return 'timeout';
  if (/file not (found|exist)|no such file|\u6587\u4ef6\u4e0d\u5b58\u5728/i.test(detail)) return 'file';
  return 'network';
}

/** How long a spare `wx.login` code is offered (WeChat's codes work 5 minutes). */
var SPARE_LIFETIME_MS = 280000;

/**
 * The spare `wx.login` code: one taken ahead of time, so the getPhoneNumber button's
 * handler never has to call `wx.login` (which may rotate the session key the phone number
 * was encrypted with). `{code, at, seq}`; `at` is when `wx.login` was called. A spare is only
 * good while no later `wx.login` was made by the SDK (`seq`).
 */
var spare = null;
var spareFlight = null;
var loginSeq = 0;
/** Whether a new spare is wanted: at start, and after one was used or made stale. */
var spareWanted = true;

/**
 * Calls `wx.login` and resolves the code; gives up after `timeoutMs` (default 10 s).
 * @param {number} [timeoutMs]
 * @returns {Promise<string>} rejects with the errMsg text
 */
function login(timeoutMs) {
  loginSeq += 1;
  spareWanted = true;
  return callLogin(timeoutMs);
}

/** How long `wx.login` may take before the SDK gives up on it, unless told otherwise. */
var LOGIN_TIMEOUT_MS = 10000;

function callLogin(timeoutMs) {
  var limit = timeoutMs > 0 ? timeoutMs : LOGIN_TIMEOUT_MS;
  return taskCall('login', limit, function (success, fail) {
    api().login({
      timeout: limit,
      success: function (res) {
        if (res && typeof res.code === 'string' && res.code) success(res.code);
        else fail({ errMsg: (res && res.errMsg) || 'login:fail no code' });
      },
      fail: fail
    });
  }).then(null, function (failure) {
    throw failure.detail;
  });
}

/**
 * Values storage refused to keep (its quota full, the 1 MB per key), held here in their
 * place until a later write of the key succeeds: the session goes on working in memory for
 * as long as the mini program runs. Shared by every client, as storage is. `''` stands for
 * a removal storage refused.
 */
var held = {};

function isHeld(key) {
  return Object.prototype.hasOwnProperty.call(held, key);
}

/**
 * Reads a storage key as WeChat holds it (`''` when absent), or what is held in its place:
 * `{value}`, or `{failed: true, detail}` when reading threw (which is not the same as
 * nothing stored).
 * @param {string} key
 * @returns {{value: *, failed?: boolean, detail?: string}}
 */
function readStorage(key) {
  if (isHeld(key)) return { value: held[key] };
  try {
    return { value: api().getStorageSync(key) };
  } catch (e) {
    return { value: undefined, failed: true, detail: errorText(e) };
  }
}

function errorText(e) {
  return String((e && (e.errMsg || e.message)) || e);
}

/**
 * Makes the core's storage writes, each `[key, value, cache]` (`value` undefined removes the
 * key). A write storage refuses is held in memory instead, and what storage still has under
 * the key is removed (an older session or user must not come back at the next launch).
 * Returns the `errMsg` of the first refused write that is not a `cache` (a cache entry
 * refused is not worth a failure), or undefined.
 * @param {Array<Array>} writes
 * @returns {string|undefined}
 */
function writeStorage(writes) {
  var refused;
  for (var i = 0; i < writes.length; i++) {
    var key = writes[i][0];
    var value = writes[i][1];
    try {
      if (value === undefined) api().removeStorageSync(key);
      else api().setStorageSync(key, value);
      delete held[key];
    } catch (e) {
      held[key] = value === undefined ? '' : value;
      if (!writes[i][2] && refused === undefined) refused = errorText(e);
      try {
        if (value !== undefined) api().removeStorageSync(key);
      } catch (ignored) {
        // What is held in memory is read first; the next launch finds this older value.
      }
    }
  }
  return refused;
}

/**
 * Takes the spare code if it was obtained before `before` (ms) and is still good:
 * `{code, at}`, or undefined. Waits for a spare being fetched (it was asked for earlier).
 * @returns {Promise<{code: string, at: number}|undefined>}
 */
function spareCode(before) {
  var wait = spareFlight || Promise.resolve();
  return wait.then(function () {
    var taken = takeSpare(before);
    // None at hand: get one now, for the next tap.
    if (!taken) spareWanted = true;
    return taken ? { code: taken.code, at: taken.at } : undefined;
  });
}

function takeSpare(before) {
  var found = spare;
  if (!found || found.seq !== loginSeq || found.at > before || before - found.at >= SPARE_LIFETIME_MS) return null;
  spare = null;
  spareWanted = true;
  return found;
}

/**
 * Gets a new spare code if one is wanted (at start, after one was used) and none is at hand
 * or on its way. A failed `wx.login` is not retried until a code is used again. Never
 * rejects.
 */
function refreshSpare() {
  if (!spareWanted || spareFlight) return;
  spareWanted = false;
  if (spare && spare.seq === loginSeq && Date.now() - spare.at < SPARE_LIFETIME_MS) return;
  var at = Date.now();
  loginSeq += 1;
  var seq = loginSeq;
  spareFlight = callLogin().then(
    function (code) {
      spareFlight = null;
      if (seq === loginSeq) spare = { code: code, at: at, seq: seq };
    },
    function () {
      spareFlight = null;
    }
  );
}

/**
 * `length` random bytes from `wx.getRandomValues` (in WeChat), else the platform's
 * `crypto.getRandomValues` (Node, browsers); never `Math.random`.
 * @param {number} length
 * @returns {Promise<Uint8Array>} rejects `{kind: 'random', detail}`
 */
function randomBytes(length) {
  return new Promise(function (resolve, reject) {
    var fail = function (detail) {
      reject({ kind: 'random', detail: detail });
    };
    if (typeof wx !== 'undefined' && typeof wx.getRandomValues === 'function') {
      try {
        wx.getRandomValues({
          length: length,
          success: function (res) {
            var bytes = res && res.randomValues;
            if (bytes && bytes.byteLength === length) resolve(new Uint8Array(bytes));
            else fail('getRandomValues:fail no bytes');
          },
          fail: function (err) {
            fail((err && err.errMsg) || 'getRandomValues:fail');
          }
        });
      } catch (e) {
        fail(String((e && e.message) || e));
      }
      return;
    }
    var platform = typeof crypto !== 'undefined' ? crypto : undefined;
    if (platform && typeof platform.getRandomValues === 'function') {
      resolve(platform.getRandomValues(new Uint8Array(length)));
      return;
    }
    fail('wx.getRandomValues is not available (base library too old)');
  });
}

/**
 * The user chooses one image: `wx.chooseMedia` where the base library has it, else
 * `wx.chooseImage`. Resolves its temp path; rejects `{kind: 'cancel', detail}`.
 * @returns {Promise<string>}
 */
function chooseImage() {
  return new Promise(function (resolve, reject) {
    var fail = function (err) {
      reject({ kind: 'cancel', detail: (err && err.errMsg) || 'chooseImage:fail' });
    };
    try {
      if (typeof api().chooseMedia === 'function') {
        api().chooseMedia({
          count: 1,
          mediaType: ['image'],
          success: function (res) {
            var file = res && res.tempFiles && res.tempFiles[0];
            if (file && file.tempFilePath) resolve(file.tempFilePath);
            else fail({ errMsg: 'chooseMedia:fail no file' });
          },
          fail: fail
        });
      } else {
        api().chooseImage({
          count: 1,
          success: function (res) {
            var path = res && res.tempFilePaths && res.tempFilePaths[0];
            if (path) resolve(path);
            else fail({ errMsg: 'chooseImage:fail no file' });
          },
          fail: fail
        });
      }
    } catch (e) {
      fail({ errMsg: String((e && e.message) || e) });
    }
  });
}

/** How long an upload may take before the SDK gives up on it. */
var UPLOAD_TIMEOUT_MS = 60000;

/**
 * `wx.uploadFile` of `filePath` to `url` (multipart field `file`, no headers, as
 * `authing-wxapp-sdk`). Resolves `{status, data}` (`data`: the answer's text) for any HTTP
 * status; rejects `{kind: 'timeout'|'network', detail}`.
 * @returns {Promise<{status: number, data: string}>}
 */
function uploadFile(url, filePath) {
  return taskCall('uploadFile', UPLOAD_TIMEOUT_MS, function (success, fail) {
    return api().uploadFile({
      url: url,
      filePath: filePath,
      name: 'file',
      timeout: UPLOAD_TIMEOUT_MS,
      success: function (res) {
        success({ status: res.statusCode, data: res.data });
      },
      fail: fail
    });
  });
}

module.exports = {
  request: request,
  login: login,
  spareCode: spareCode,
  refreshSpare: refreshSpare,
  randomBytes: randomBytes,
  chooseImage: chooseImage,
  uploadFile: uploadFile,
  readStorage: readStorage,
  writeStorage: writeStorage
};
