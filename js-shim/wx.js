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
      // A copy: WeChat may add its defaults to the object it is given.
      header: Object.assign({}, request.header),
      timeout: request.timeout,
      dataType: 'json',
      responseType: 'text',
      success: function (res) {
        finish(resolve, { status: res.statusCode, data: res.data, header: res.header });
      },
      fail: function (err) {
        var detail = (err && err.errMsg) || 'request:fail';
        finish(reject, { kind: isTimeout(err, detail) ? 'timeout' : 'network', detail: detail });
      }
    };
    if (data !== undefined) options.data = data;
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

/** WeChat's timeout: its errno where the base library gives one, else the message's words. */
function isTimeout(err, detail) {
  if (err && (err.errno === 5 || err.errno === 600003)) return true;
  return /time ?out|timed out|\u8d85\u65f6/i.test(detail);
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
 * Reads a storage key as WeChat holds it (`''` when absent): `{value}`, or `{failed: true,
 * detail}` when reading threw (which is not the same as nothing stored).
 * @param {string} key
 * @returns {{value: *, failed?: boolean, detail?: string}}
 */
function readStorage(key) {
  try {
    return { value: api().getStorageSync(key) };
  } catch (e) {
    return { value: undefined, failed: true, detail: String((e && (e.errMsg || e.message)) || e) };
  }
}

/**
 * Makes the core's storage writes, each `[key, value, cache]` (`value` undefined removes the
 * key). A `cache` write that fails removes its key instead (a stale copy would be worse than
 * none); any other failure throws its errMsg text.
 * @param {Array<Array>} writes
 */
function writeStorage(writes) {
  for (var i = 0; i < writes.length; i++) {
    var key = writes[i][0];
    var value = writes[i][1];
    try {
      if (value === undefined) api().removeStorageSync(key);
      else api().setStorageSync(key, value);
    } catch (e) {
      if (!writes[i][2]) throw String((e && (e.errMsg || e.message)) || e);
      try {
        api().removeStorageSync(key);
      } catch (ignored) {
        // Nothing more can be done for a cache entry.
      }
    }
  }
}

module.exports = { request: request, login: login, readStorage: readStorage, writeStorage: writeStorage };
