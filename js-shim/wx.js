'use strict';
/**
 * The few `wx` APIs the SDK uses, as promises. No protocol knowledge lives here: requests
 * arrive fully built from the core, and their answers go back to it as text.
 */

var utf8 = require('./utf8.js');

function api() {
  if (typeof wx === 'undefined') {
    throw new Error('wx is not available: run inside a WeChat mini program (or define a wx mock)');
  }
  return wx;
}

/**
 * Sends a request the core built (`{method, url, header, data, timeout}`).
 * Resolves `{status, body}` for any HTTP status, the body as bytes (the core reads them as
 * they are: no JSON parsing by WeChat, no string to copy character by character);
 * rejects `{kind: 'timeout'|'network', detail}` when no answer arrives.
 * @param {{method: string, url: string, header: Object, data?: string, timeout: number}} request
 * @returns {Promise<{status: number, body: Uint8Array}>}
 */
function request(request) {
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
    var options = {
      url: request.url,
      method: request.method,
      header: request.header,
      timeout: request.timeout,
      dataType: 'text',
      responseType: 'arraybuffer',
      success: function (res) {
        finish(resolve, { status: res.statusCode, body: bodyBytes(res.data) });
      },
      fail: function (err) {
        var detail = (err && err.errMsg) || 'request:fail';
        finish(reject, { kind: /timeout|timed out/i.test(detail) ? 'timeout' : 'network', detail: detail });
      }
    };
    if (request.data !== undefined) options.data = request.data;
    try {
      task = api().request(options);
    } catch (e) {
      finish(reject, { kind: 'network', detail: String((e && e.message) || e) });
      return;
    }
    // A backstop for base libraries that ignore `timeout` (unless it already answered).
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
      finish(reject, { kind: 'timeout', detail: 'request:fail timeout' });
    }, request.timeout + 50);
  });
}

/** The body as bytes, whatever shape the runtime handed it over in. */
function bodyBytes(data) {
  var kind = Object.prototype.toString.call(data);
  if (kind === '[object ArrayBuffer]') return new Uint8Array(data);
  if (kind === '[object Uint8Array]') return data;
  if (data === undefined || data === null) data = '';
  // Runtimes that ignore responseType give text, or even parsed JSON.
  if (typeof data !== 'string') data = JSON.stringify(data);
  return new utf8.TextEncoder().encode(data);
}

/**
 * Calls `wx.login` and resolves the code.
 * @returns {Promise<string>} rejects with the errMsg text
 */
function login() {
  return new Promise(function (resolve, reject) {
    try {
      api().login({
        success: function (res) {
          if (res && typeof res.code === 'string' && res.code) resolve(res.code);
          else reject((res && res.errMsg) || 'login:fail no code');
        },
        fail: function (err) {
          reject((err && err.errMsg) || 'login:fail');
        }
      });
    } catch (e) {
      reject(String((e && e.message) || e));
    }
  });
}

/**
 * Reads a storage key as text (`undefined` when absent). Objects (as `authing-wxapp-sdk`
 * stores its user) come back as JSON text.
 * @param {string} key
 * @returns {string|undefined}
 */
function readStorage(key) {
  var value;
  try {
    value = api().getStorageSync(key);
  } catch (e) {
    return undefined;
  }
  if (value === '' || value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Makes the core's storage writes (`value: null` removes the key; `valueIsResult` stores the
 * call's result). A `cache` write that fails removes its key instead (a stale copy would be
 * worse than none); any other failure throws its errMsg text.
 * @param {Array<{key: string, value?: *, valueIsResult?: boolean, cache?: boolean}>} writes
 * @param {*} result the call's result value
 */
function writeStorage(writes, result) {
  for (var i = 0; i < writes.length; i++) {
    var write = writes[i];
    var value = write.valueIsResult ? result : write.value;
    try {
      if (value === null || value === undefined) api().removeStorageSync(write.key);
      else api().setStorageSync(write.key, value);
    } catch (e) {
      if (!write.cache) throw String((e && (e.errMsg || e.message)) || e);
      try {
        api().removeStorageSync(write.key);
      } catch (ignored) {
        // Nothing more can be done for a cache entry.
      }
    }
  }
}

module.exports = { request: request, login: login, readStorage: readStorage, writeStorage: writeStorage };
