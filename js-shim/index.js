'use strict';
/**
 * genauth-wxapp-sdk: GenAuth authentication for WeChat mini programs.
 *
 *   const { AuthenticationClient } = require('genauth-wxapp-sdk');
 *   const genauth = new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID' });
 *   const user = await genauth.loginByCode();   // calls wx.login itself
 *
 * This file is the thin public face: it moves requests the Rust core built to `wx.request`,
 * answers back to the core, and the core's storage writes to wx storage. All knowledge of
 * GenAuth (URLs, bodies, envelopes, error codes, the session format) lives in the core.
 */

var loader = require('./loader.js');
var wxApi = require('./wx.js');

var VERSION = '__VERSION__';

/** A value storage never returns: the core has not been given a stored token yet. */
var NOTHING_PASSED = {};

/**
 * The error every failed call rejects with: an `Error` with a stable `code` (see
 * `index.d.ts` for the list), a message in the client's language, and `serverCode` when
 * GenAuth or WeChat sent a code of its own.
 * @param {{code: string, message: string, serverCode?: number}} detail
 */
function GenAuthError(detail) {
  var error = new Error(detail.message);
  error.name = 'GenAuthError';
  error.code = detail.code;
  if (typeof detail.serverCode === 'number') error.serverCode = detail.serverCode;
  Object.setPrototypeOf(error, GenAuthError.prototype);
  return error;
}
GenAuthError.prototype = Object.create(Error.prototype, {
  constructor: { value: GenAuthError, writable: true, configurable: true }
});
GenAuthError.prototype.name = 'GenAuthError';

/** An error raised before the core could load (its messages live in the core). */
function loadError(lang, cause) {
  var why = String((cause && cause.message) || cause);
  return GenAuthError({
    code: 'WASM_LOAD_FAILED',
    message: (lang === 'en-US' ? 'Loading the GenAuth core failed: ' : 'GenAuth 核心模块加载失败: ') + why
  });
}

/**
 * A GenAuth client for one application.
 *
 * @param {string|Object} options the app id, or
 *   `{appId, host?, appHost?, userPoolId?, timeout?, lang?, token?, wasmPath?}`
 */
function AuthenticationClient(options) {
  if (!(this instanceof AuthenticationClient)) {
    throw new TypeError("AuthenticationClient must be called with 'new'");
  }
  var coreOptions = typeof options === 'string' ? { appId: options } : Object.assign({}, options);
  var wasmPath = coreOptions.wasmPath;
  delete coreOptions.wasmPath;
  var lang = coreOptions.lang;
  this._pendingLogin = null;
  this._sessionKey = null;
  // What the core was last given as the stored token; nothing yet (no stored value is this).
  this._lastSession = NOTHING_PASSED;
  var self = this;
  this._ready = loader
    .loadCore(wasmPath)
    .then(
      function (bindings) {
        var core;
        try {
          core = new bindings.Core(toJson(coreOptions));
        } catch (thrown) {
          throw toError(typeof thrown === 'string' ? JSON.parse(thrown) : thrown);
        }
        var keys = JSON.parse(core.storageKeys());
        self._sessionKey = keys[0];
        var start = core.start(
          wxApi.readStorage(keys[0]),
          wxApi.readStorage(keys[1]),
          wxApi.readStorage(keys[2]),
          Date.now()
        );
        try {
          settle(core, JSON.parse(start));
        } catch (e) {
          // Taking over the old SDK's session is best effort: if storage refuses it, the
          // client still works (logged out) and the next start tries again.
        }
        return core;
      },
      function (cause) {
        throw loadError(lang, cause);
      }
    );
  // Errors surface through each method; do not report this promise as unhandled.
  this._ready.catch(function () {});
}

/**
 * Resolves once the core is loaded and the options are valid; rejects with the reason
 * otherwise (`INVALID_OPTIONS`, `WASM_LOAD_FAILED`). Calling it is optional.
 * @returns {Promise<void>}
 */
AuthenticationClient.prototype.ready = function () {
  return this._ready.then(function () {});
};

/**
 * Logs in with WeChat. Without `code`, calls `wx.login` itself (and, if WeChat rejects that
 * code, once more with a fresh one). A first login creates the account; a user who signed in
 * through another WeChat app of the same subject (same unionid) gets that account back.
 * @param {string} [code] a `wx.login` code (or the whole `wx.login` result)
 * @param {{iv?: string, encryptedData?: string, rawData?: string}} [options] user info
 *   from `wx.getUserProfile` / `open-type="getUserInfo"`
 * @returns {Promise<Object>} the GenAuth user
 */
AuthenticationClient.prototype.loginByCode = function (code, options) {
  var self = this;
  if (code && typeof code === 'object' && typeof code.code === 'string') {
    code = code.code;
  }
  var ownCode = code === undefined || code === null;
  if (!ownCode) {
    return this._run('loginByCode', loginArgs(code, options));
  }
  // Concurrent calls without a code share one login.
  if (this._pendingLogin && options === undefined) return this._pendingLogin;
  var attempt = function (retried) {
    return self._ready
      .then(function (core) {
        return wxApi.login().then(null, function (errMsg) {
          throw toError(JSON.parse(core.hostFailure('wxLogin', String(errMsg))));
        });
      })
      .then(function (freshCode) {
        return self._run('loginByCode', loginArgs(freshCode, options));
      })
      .then(null, function (error) {
        var stale = error && (error.code === 'WX_CODE_USED' || error.code === 'WX_CODE_INVALID');
        if (stale && !retried) return attempt(true);
        throw error;
      });
  };
  var login = attempt(false);
  if (options === undefined) {
    this._pendingLogin = login;
    var clear = function () {
      if (self._pendingLogin === login) self._pendingLogin = null;
    };
    login.then(clear, clear);
  }
  return login;
};

function loginArgs(code, options) {
  if (options === undefined || options === null) return { code: code };
  if (typeof options !== 'object') return options; // the core reports the wrong type
  var args = Object.assign({}, options);
  args.code = code;
  return args;
}

/**
 * Fetches the logged-in user from GenAuth and refreshes the stored copy.
 * @returns {Promise<Object|null>} the user, or `null` when nobody is logged in
 */
AuthenticationClient.prototype.getCurrentUser = function () {
  return this._run('getCurrentUser');
};

/**
 * Asks GenAuth whether a token (default: the session's) is valid.
 * @param {string} [token]
 * @returns {Promise<{code: number, message: string, status: boolean, exp: number|null, iat: number|null, data: Object|null}>}
 */
AuthenticationClient.prototype.checkLoginStatus = function (token) {
  return this._run('checkLoginStatus', token === undefined ? undefined : { token: token });
};

/**
 * Logs out on GenAuth and clears the session on the device. A network failure keeps the
 * session (and rejects); a token GenAuth no longer knows is simply cleared.
 * @returns {Promise<void>}
 */
AuthenticationClient.prototype.logout = function () {
  return this._run('logout').then(function () {});
};

/**
 * The stored token, or `null` when nobody is logged in.
 * @returns {Promise<string|null>}
 */
AuthenticationClient.prototype.getToken = function () {
  return this._run('getToken');
};

/**
 * One operation: prepare → (wx.request → complete) → settle. Two crossings into the core
 * per round trip; values cross as JSON text (see src/wasm.rs).
 */
AuthenticationClient.prototype._run = function (op, args) {
  var self = this;
  return this._ready.then(function (core) {
    var json = args === undefined ? undefined : toJson(args);
    var stored = self._readSession();
    var step = JSON.parse(core.prepare(op, json, stored.value, stored.same));
    if (!step.request) return settle(core, step);
    return wxApi.request(step.request).then(
      function (response) {
        // The token as it is now (another call may have changed it), when the core reads it;
        // otherwise "unchanged", which leaves the core's copy as it is.
        var now = step.completeReadsSession ? self._readSession() : { value: undefined, same: true };
        var outcome = core.complete(op, now.value, now.same, response.status, response.body);
        return settle(core, JSON.parse(outcome));
      },
      function (failure) {
        return settle(core, JSON.parse(core.failed(op, failure.kind, failure.detail)));
      }
    );
  });
};

/**
 * The stored token for the core: `{value, same}`, where `same` says storage still holds
 * what the core was given last, so the text need not cross into wasm again.
 */
AuthenticationClient.prototype._readSession = function () {
  var value = wxApi.readStorage(this._sessionKey);
  // Read and handed to the core in the same turn, so the two copies never drift apart.
  var same = value === this._lastSession;
  this._lastSession = value;
  return { value: same ? undefined : value, same: same };
};

/** Makes the outcome's storage writes, then resolves its value or throws its error. */
function settle(core, outcome) {
  if (outcome.store) {
    try {
      wxApi.writeStorage(outcome.store, outcome.value);
    } catch (errMsg) {
      throw toError(JSON.parse(core.hostFailure('storage', String(errMsg))));
    }
  }
  if (!outcome.ok) throw toError(outcome);
  return outcome.value;
}

/**
 * JSON text of an argument. Functions become a placeholder string rather than vanishing, so
 * the core names an option it does not know (`onError`, say) instead of ignoring it; what
 * JSON cannot express at all reaches the core as a string, which it reports.
 */
function toJson(value) {
  try {
    // A replacer slows JSON.stringify down for every key: only use it when needed (options
    // and arguments are flat objects).
    var text = JSON.stringify(value, hasFunction(value) ? markFunction : undefined);
    return text === undefined ? 'null' : text;
  } catch (e) {
    return JSON.stringify(String(e && e.message));
  }
}

function hasFunction(value) {
  if (!value || typeof value !== 'object') return false;
  for (var key in value) {
    if (Object.prototype.hasOwnProperty.call(value, key) && typeof value[key] === 'function') return true;
  }
  return false;
}

function markFunction(key, item) {
  return typeof item === 'function' ? '[function]' : item;
}

function toError(outcome) {
  if (outcome && outcome.error) return GenAuthError(outcome.error);
  if (outcome instanceof Error) return outcome;
  return GenAuthError({ code: 'INVALID_RESPONSE', message: String(outcome) });
}

module.exports = {
  AuthenticationClient: AuthenticationClient,
  GenAuthError: GenAuthError,
  VERSION: VERSION
};
