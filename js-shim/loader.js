'use strict';
/**
 * Loads the Rust core (wasm) once per mini program.
 *
 * - WeChat (phones and DevTools): `WXWebAssembly.instantiate(path)`, where `path` is the
 *   `.wasm.br` inside the code package. After "build npm" it is
 *   `/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br`; the `wasmPath` option overrides it.
 * - Node (users' unit tests): the same `.wasm.br`, read from disk and Brotli-decompressed.
 *
 * `core.js` is wasm-bindgen's `no-modules` glue wrapped by build.sh in a factory taking
 * `(WebAssembly, TextEncoder, TextDecoder)`, so neither global has to exist.
 */

var createBindings = require('./core.js');
var utf8 = require('./utf8.js');

var WASM_FILE = 'core.wasm.br';
var DEFAULT_WASM_PATH = '/miniprogram_npm/genauth-wxapp-sdk/' + WASM_FILE;

var loading = null;
/** Counts the instances given up on (after a trap): a client on an older one starts again. */
var generation = 0;

/** How long loading the core may take before it counts as failed (and is tried again). */
var LOAD_TIMEOUT_MS = 30000;

/** `promise`, or a rejection after `ms` if it has not settled by then. */
function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () {
      reject(new Error('loading the wasm took longer than ' + ms + ' ms'));
    }, ms);
    promise.then(
      function (value) {
        clearTimeout(timer);
        resolve(value);
      },
      function (error) {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

/**
 * The wasm-bindgen bindings (`{ Core, memory }`), loaded on first use and shared afterwards.
 * A failed load is forgotten, so the next call tries again.
 * @param {string} [wasmPath]
 * @returns {Promise<{Core: Function, memory: WebAssembly.Memory}>}
 */
function loadCore(wasmPath) {
  if (!loading) {
    // A synchronous throw (an odd host) becomes a rejection like any failed load.
    var started = new Promise(function (resolve) {
      resolve(instantiate(wasmPath));
    });
    loading = withTimeout(started, LOAD_TIMEOUT_MS);
    loading.catch(function () {
      loading = null;
    });
  }
  return loading;
}

function instantiate(wasmPath) {
  if (typeof WXWebAssembly !== 'undefined') {
    return instantiateInWeChat(wasmPath || DEFAULT_WASM_PATH);
  }
  if (isNode()) {
    return instantiateInNode(wasmPath);
  }
  return Promise.reject(new Error('WXWebAssembly is not available (WeChat base library 2.14.0 or later is required)'));
}

/** A package path; an object, so that the glue hands it to `instantiate` untouched. */
function WasmPath(path) {
  this.path = path;
}

function instantiateInWeChat(path) {
  var adapter = {
    instantiate: function (ref, imports) {
      return instantiatePath(ref.path, imports).then(function (result) {
        // Some base libraries resolve to {instance, module}, others to the Instance.
        return result && result.instance ? result : { instance: result, module: undefined };
      });
    },
    // The glue tests `instanceof WebAssembly.Instance`; results are already pairs.
    Instance: function Instance() {},
    Module: function Module() {}
  };
  var bindings = createBindings(adapter, utf8.TextEncoder, utf8.TextDecoder);
  return bindings({ module_or_path: new WasmPath(path) }).then(function (exports) {
    bindings.memory = exports.memory;
    return bindings;
  });
}

/**
 * `WXWebAssembly.instantiate(path)`. Both `/a/b.wasm.br` and `a/b.wasm.br` are code-package
 * paths, and which form every base library takes is not documented: if the absolute form is
 * refused, the relative one is tried once before giving up (with the first error).
 */
function instantiatePath(path, imports) {
  return WXWebAssembly.instantiate(path, imports).then(null, function (error) {
    if (path.charAt(0) !== '/') throw error;
    return WXWebAssembly.instantiate(path.slice(1), imports).then(null, function () {
      throw error;
    });
  });
}

function isNode() {
  return (
    typeof process !== 'undefined' &&
    process.versions != null &&
    typeof process.versions.node === 'string'
  );
}

function instantiateInNode(wasmPath) {
  return new Promise(function (resolve) {
    // Node built-ins, fetched so that WeChat's dependency analysis does not look for them.
    var load = module['req' + 'uire'].bind(module);
    var fs = load('fs');
    var zlib = load('zlib');
    var path = load('path');
    var file = wasmPath || path.join(__dirname, WASM_FILE);
    var bytes = fs.readFileSync(file);
    if (/\.br$/.test(file)) {
      bytes = zlib.brotliDecompressSync(bytes);
    }
    var bindings = createBindings(WebAssembly, utf8.TextEncoder, utf8.TextDecoder);
    bindings.memory = bindings.initSync({ module: bytes }).memory;
    resolve(bindings);
  });
}

/**
 * Gives up on the loaded instance (it trapped: its memory may be in any state); the next
 * `loadCore` instantiates the module afresh. Sessions live in wx storage, so none is lost.
 */
function discard() {
  loading = null;
  generation += 1;
}

/** The number of instances given up on so far. */
function currentGeneration() {
  return generation;
}

module.exports = {
  loadCore: loadCore,
  discard: discard,
  generation: currentGeneration,
  DEFAULT_WASM_PATH: DEFAULT_WASM_PATH,
  WASM_FILE: WASM_FILE
};
