'use strict';
/**
 * genauth-wxapp-sdk: GenAuth authentication for WeChat mini programs.
 *
 *   const { AuthenticationClient } = require('genauth-wxapp-sdk');
 *   const genauth = new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID' });
 *   const user = await genauth.loginByCode();   // calls wx.login itself
 *
 * This file is the thin public face. Every method is one entry of the Rust core's operation
 * table, run the same way: `prepare` gives a request to send (or something to get first, or
 * the outcome), the answer goes back with `complete`, and the outcome's storage writes are
 * made here. All knowledge of GenAuth (URLs, bodies, envelopes, error codes, the session
 * rules) lives in the core; this file names no envelope field.
 */

var loader = require('./loader.js');
var wxApi = require('./wx.js');

var VERSION = '__VERSION__';

/**
 * The public methods, in the order of the core's operation table. A package test checks
 * this list against the table, `index.d.ts` and the README.
 */
var METHODS = [
  'loginByCode',
  'getPhone',
  'loginByPhone',
  'updateAvatar',
  'loginByEmail',
  'loginByUsername',
  'loginByPhoneCode',
  'loginByPhonePassword',
  'registerByEmail',
  'registerByUsername',
  'registerByPhoneCode',
  'sendSmsCode',
  'sendEmail',
  'resetPasswordByPhoneCode',
  'resetPasswordByEmailCode',
  'checkPasswordStrength',
  'getCurrentUser',
  'checkLoginStatus',
  'logout',
  'getToken',
  'updateProfile',
  'updatePassword',
  'updatePhone',
  'updateEmail',
  'bindPhone',
  'unbindPhone',
  'bindEmail',
  'unbindEmail',
  'linkAccount',
  'unLinkAccount',
  'refreshToken',
  'listOrgs',
  'listApplications',
  'listAuthorizedResources',
  'getSecurityLevel',
  'hasRole',
  'listUdv',
  'setUdv',
  'removeUdv',
  'getUdfValue',
  'setUdfValue',
  'removeUdfValue'
];

/**
 * The error every failed call rejects with: an `Error` with a stable `code` (see
 * `index.d.ts` for the list), a message in the client's language, `serverCode` when GenAuth
 * or WeChat sent a code of its own, and `data` when the server sent any.
 * @param {{code: string, message: string, serverCode?: number, data?: *}} detail
 */
function GenAuthError(detail) {
  var error = new Error(detail.message);
  error.name = 'GenAuthError';
  error.code = detail.code;
  // The network's, the server's and the rate limits' failures may succeed later unchanged.
  error.retryable = detail.retryable === true;
  if (typeof detail.serverCode === 'number') error.serverCode = detail.serverCode;
  if (detail.data !== undefined) error.data = detail.data;
  Object.setPrototypeOf(error, GenAuthError.prototype);
  return error;
}
GenAuthError.prototype = Object.create(Error.prototype, {
  constructor: { value: GenAuthError, writable: true, configurable: true }
});
GenAuthError.prototype.name = 'GenAuthError';

function english(lang) {
  return lang === 'en-US';
}

/** An error raised before the core could load (the core is not there to word it). */
function loadError(lang, cause) {
  var why = String((cause && cause.message) || cause).slice(0, 200);
  return GenAuthError({
    code: 'WASM_LOAD_FAILED',
    message: (english(lang) ? 'Loading the GenAuth core failed: ' : 'GenAuth 核心模块加载失败: ') + why
  });
}

/** A method called on something that is not an AuthenticationClient. */
function misuse(name) {
  return GenAuthError({
    code: 'INVALID_ARGUMENT',
    message: 'Invalid argument: ' + name + ' must be called on an AuthenticationClient (this: expected an AuthenticationClient)'
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
  var coreOptions = typeof options === 'string' ? { appId: options } : options;
  var wasmPath;
  var lang;
  var onError = null;
  if (coreOptions !== null && typeof coreOptions === 'object') {
    wasmPath = coreOptions.wasmPath;
    lang = coreOptions.lang;
    if (typeof coreOptions.onError === 'function') onError = coreOptions.onError;
    if (wasmPath !== undefined) coreOptions = without(coreOptions, 'wasmPath');
  }
  this._tokenKey = null;
  this._flights = {};
  this._gets = [];
  this._lang = lang;
  this._onError = onError;
  // wx.login gives up after the same time as a request (the core checks the option).
  this._timeout = coreOptions && typeof coreOptions.timeout === 'number' ? coreOptions.timeout : 0;
  this._start = function () {
    return start(self, wasmPath, coreOptions, lang);
  };
  var self = this;
  this._ready = this._start();
}

/**
 * Loads the core and starts the client (reads the session keys, seeds or adopts a session,
 * takes a spare wx.login code). Resolves the core; rejects `INVALID_OPTIONS` or
 * `WASM_LOAD_FAILED`.
 */
function start(client, wasmPath, coreOptions, lang) {
  client._generation = loader.generation();
  var ready = loader.loadCore(wasmPath).then(
    function (bindings) {
      var core;
      try {
        core = new bindings.Core(coreOptions);
      } catch (thrown) {
        throw toError(thrown);
      }
      var keys = core.storageKeys();
      client._tokenKey = keys[0];
      var token = wxApi.readStorage(keys[0]);
      var legacyToken = wxApi.readStorage(keys[1]);
      var legacyUser = wxApi.readStorage(keys[2]);
      var failed = token.failed || legacyToken.failed || legacyUser.failed;
      try {
        settle(client, core, core.start(token.value, legacyToken.value, legacyUser.value, failed, Date.now()));
      } catch (e) {
        // Seeding or taking over a session is best effort: if storage refuses it, the
        // client still works (logged out) and the next start tries again.
      }
      // A wx.login code taken now, before any tap on a getPhoneNumber button.
      wxApi.refreshSpare();
      return core;
    },
    function (cause) {
      throw loadError(lang, cause);
    }
  );
  // Errors surface through each method; do not report this promise as unhandled.
  ready.catch(function () {});
  return ready;
}

/**
 * The core, loading it again if the last load failed (a failed load is not remembered: the
 * next call tries again; invalid options are final).
 */
AuthenticationClient.prototype._core = function () {
  var self = this;
  // The instance this client's core lives in was given up on (a trap): start on a new one.
  if (this._generation !== loader.generation()) this._ready = this._start();
  var ready = this._ready;
  return ready.then(null, function (error) {
    if (!error || error.code !== 'WASM_LOAD_FAILED') throw error;
    // The first call to see this failure starts again; calls at the same time join it.
    if (self._ready === ready) self._ready = self._start();
    return self._ready;
  });
};

/** A copy of `object`'s own keys without `key` (the caller's object is not touched). */
function without(object, key) {
  var copy = {};
  for (var name in object) {
    if (name !== key && Object.prototype.hasOwnProperty.call(object, name)) copy[name] = object[name];
  }
  return copy;
}

/**
 * Resolves once the core is loaded and the options are valid; rejects with the reason
 * otherwise (`INVALID_OPTIONS`, `WASM_LOAD_FAILED`). Calling it is optional.
 * @returns {Promise<void>}
 */
AuthenticationClient.prototype.ready = function () {
  return this._core().then(function () {});
};

METHODS.forEach(function (name, index) {
  AuthenticationClient.prototype[name] = function () {
    if (!(this instanceof AuthenticationClient)) return Promise.reject(misuse(name));
    var call = this._call(index, Array.prototype.slice.call(arguments));
    // A wx.login code for the next getPhoneNumber tap, after this call (never during it).
    call.then(wxApi.refreshSpare, wxApi.refreshSpare);
    return call;
  };
});

/**
 * `onError(code, message, data)` as `authing-wxapp-sdk` called it, with the code the core
 * chose (`onErrorCode`: the server's, or 500 when GenAuth did not answer; absent for what
 * the SDK refused itself). What the hook returns or throws does not change the rejection.
 */
function report(client, detail) {
  if (!client._onError || detail.onErrorCode === undefined) return;
  try {
    client._onError(detail.onErrorCode, detail.message, detail.data === undefined ? null : detail.data);
  } catch (ignored) {
    // The hook's own failure must not replace the error the caller is about to get.
  }
}

var HIGH = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[^]{12,}$/;
var MIDDLE = /^(?=.*[a-zA-Z])(?=.*\d)[^]{8,}$/;

/**
 * How strong a password looks, locally and synchronously, as `authing-wxapp-sdk` rated it:
 * 3 (12+ characters with lower and upper case letters and digits), 2 (8+ with letters and
 * digits), else 1. Throws a `GenAuthError` (`INVALID_ARGUMENT`) for anything but a string.
 * @param {string} password
 * @returns {1|2|3}
 */
AuthenticationClient.prototype.computedPasswordSecurityLevel = function (password) {
  if (typeof password !== 'string') {
    var zh = !(this instanceof AuthenticationClient) || !english(this._lang);
    throw GenAuthError({
      code: 'INVALID_ARGUMENT',
      message: zh ? '参数无效: password: 应为字符串' : 'Invalid argument: password: expected a string'
    });
  }
  if (HIGH.test(password)) return 3;
  if (MIDDLE.test(password)) return 2;
  return 1;
};

/** What storage holds under the token key now (read before a call and after each answer). */
AuthenticationClient.prototype._stored = function () {
  return wxApi.readStorage(this._tokenKey).value;
};

/**
 * One call of the operation table (entry `index`, the position in METHODS): prepare, then
 * drive its steps to the outcome. Calls
 * the core marks as shareable (e.g. `loginByCode()` without a code) share one flight.
 *
 * Steps are arrays (fewer calls into wasm to build than objects): `[ok, value|error, store]`
 * (the outcome: `ok` a boolean), `[id, need, key, share]` (`need` a string: get it first),
 * or `[id, head, data, share]` (send `head` `{method, url, header, timeout}` with `data`).
 */
AuthenticationClient.prototype._call = function (index, args) {
  var self = this;
  return this._run(index, args).then(null, function (error) {
    if (error instanceof GenAuthError) throw error;
    // Not an outcome of the core: the core itself failed (a wasm trap: out of memory, a
    // bug). This call rejects INTERNAL; the instance is given up on, and the next call
    // works on a fresh one, with the session (kept in wx storage) intact.
    if (self._generation === loader.generation()) loader.discard();
    throw GenAuthError({
      code: 'INTERNAL',
      message:
        (english(self._lang) ? 'Internal SDK error: the core failed (' : 'SDK 内部错误: 核心模块出错 (') +
        String((error && error.message) || error).slice(0, 120) +
        ')'
    });
  });
};

/** `_call` without the trap guard. */
AuthenticationClient.prototype._run = function (index, args) {
  var self = this;
  return this._core().then(function (core) {
    var step = core.prepare(index, args.length, args[0], args[1], args[2], args[3], args[4], self._stored(), Date.now());
    var share = typeof step[0] === 'boolean' ? undefined : step[3];
    if (share === undefined) return drive(self, core, step);
    var existing = self._flights[share];
    if (existing) {
      core.cancel(step[0]);
      return existing;
    }
    var flight = drive(self, core, step);
    self._flights[share] = flight;
    var clear = function () {
      if (self._flights[share] === flight) delete self._flights[share];
    };
    flight.then(clear, clear);
    return flight;
  });
};

/** Runs steps until the outcome: a request to send, something to get, or the end. */
function drive(client, core, step, started) {
  if (started === undefined) started = Date.now();
  return new Promise(function (resolve) {
    if (typeof step[0] === 'boolean') {
      resolve(settle(client, core, step));
      return;
    }
    var id = step[0];
    var failed = function (failure) {
      return drive(client, core, core.failed(id, failure.kind, failure.detail, client._stored()), started);
    };
    if (typeof step[1] === 'string') {
      resolve(
        provide(client, step[1], step[2], started).then(function (value) {
          return drive(client, core, core.supply(id, value, Date.now()), started);
        }, failed)
      );
      return;
    }
    resolve(
      send(client, step[1], step[2]).then(function (res) {
        return drive(client, core, core.complete(id, res.status, res.data, res.header, client._stored(), Date.now()), started);
      }, failed)
    );
  });
}

/**
 * Sends a request; identical GETs in flight (the same head object from the core, which keeps
 * heads per operation and token) share one `wx.request`, e.g. the public-key fetch of
 * concurrent password logins.
 */
function send(client, head, data) {
  if (data !== undefined || head.method !== 'GET') return wxApi.request(head, data);
  var gets = client._gets;
  for (var i = 0; i < gets.length; i++) {
    if (gets[i].head === head) return gets[i].answer;
  }
  var entry = { head: head, answer: wxApi.request(head) };
  gets.push(entry);
  var done = function () {
    var at = gets.indexOf(entry);
    if (at >= 0) gets.splice(at, 1);
  };
  entry.answer.then(done, done);
  return entry.answer;
}

/**
 * Gets what a step needs from WeChat: a fresh `wx.login` code, a stored value, random
 * bytes, the code taken before this call (`started`), an image, an upload.
 */
function provide(client, need, key, started) {
  switch (need) {
    case 'wxLogin':
      return wxApi.login(client._timeout).then(null, function (errMsg) {
        throw { kind: 'wxLogin', detail: String(errMsg) };
      });
    case 'random':
      return wxApi.randomBytes(key);
    case 'spareCode':
      return wxApi.spareCode(started);
    case 'chooseImage':
      return wxApi.chooseImage();
    case 'upload':
      return wxApi.uploadFile(key[0], key[1]);
    default:
      return new Promise(function (resolve, reject) {
        var read = wxApi.readStorage(key);
        if (read.failed) reject({ kind: 'storage', detail: read.detail });
        else resolve(read.value);
      });
  }
}

/**
 * Makes the outcome's storage writes, then returns its value or throws its error (telling
 * `onError` first). A session
 * write storage refused rejects `STORAGE_FAILED`, and the session is held in memory: it is
 * in effect (getCurrentUser, getToken) until the mini program closes.
 */
function settle(client, core, outcome) {
  var refused = outcome[2] ? wxApi.writeStorage(outcome[2]) : undefined;
  if (refused !== undefined) throw GenAuthError(core.hostError('held', refused));
  if (outcome[0]) return outcome[1];
  report(client, outcome[1]);
  throw toError(outcome);
}

/** The error of an outcome `[false, error]` (what the core throws, too). */
function toError(outcome) {
  if (Array.isArray(outcome) && outcome[0] === false) return GenAuthError(outcome[1]);
  if (outcome instanceof Error) return outcome;
  return GenAuthError({ code: 'INTERNAL', message: String(outcome).slice(0, 200) });
}

module.exports = {
  AuthenticationClient: AuthenticationClient,
  GenAuthError: GenAuthError,
  METHODS: METHODS,
  VERSION: VERSION
};
