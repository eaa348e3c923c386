// Runs inside JavaScriptCore's `jsc` shell (ES2017 only): a WeChat logic layer for one
// scenario. Started by runner.js as `jsc [--useJIT=false] bootstrap.js -- '<config JSON>'`.
//
// - A CommonJS loader that wraps every file the way WeChat does (`define(path, function (require,
//   module, exports, window, document, ... ) {"use strict"; ...})`), resolving
//   `genauth-wxapp-sdk` to /miniprogram_npm/genauth-wxapp-sdk/index.js (mapped to the package
//   folder) and the scenario to /pages/scenario/<file>. jsc has no eval we want to expose, so each
//   wrapped file is written to a temp file with jsc's `writeFile` and evaluated with `load`.
// - A host bridge: one line `<marker>{"id","op","args"}` on stdout per host call, answered by one
//   line `{"id","ok","value"|"error"}` read with `readline()` (jsc blocks meanwhile). Both lines
//   are pure ASCII: jsc's readline decodes its input as Latin-1, so non-ASCII is \u-escaped.
// - The phone's globals: `wx` (request, login, storage, getRandomValues from a seeded generator,
//   chooseMedia/chooseImage answered from a plan, uploadFile over the bridge), `WXWebAssembly` (path-only, built on
//   jsc's WebAssembly, which is then deleted), `setTimeout`/`clearTimeout`/`setInterval`/
//   `clearInterval` (jsc has only an uncancellable setTimeout), a minimal `console`. The jsc
//   shell's own globals (print, readFile, load, ...) are removed, and eval/new Function are
//   forbidden (WeChat allows only `new Function('return this')`).
(function (argv) {
  'use strict';

  // ---- the jsc shell, captured before its globals are removed --------------------------------
  var shell = {
    print: print,
    readline: readline,
    readFile: readFile,
    writeFile: writeFile,
    load: load,
    quit: quit,
    preciseTime: preciseTime,
    setTimeout: setTimeout,
    jscOptions: jscOptions,
    setUnhandledRejectionCallback: setUnhandledRejectionCallback
  };
  var NativeWebAssembly = WebAssembly;
  var config = JSON.parse(argv[0]);

  // ---- bridge ---------------------------------------------------------------------------------
  function ascii(text) {
    return text.replace(/[\u007f-\uffff]/g, function (c) {
      return '\\u' + ('0000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  var callSeq = 0;
  var bridgeClosed = false;
  /** Synchronous host call: the Node parent performs `op` and answers with one line. */
  function host(op, args) {
    if (bridgeClosed) throw new Error('host bridge is closed (scenario already reported)');
    callSeq += 1;
    var id = callSeq;
    shell.print(config.marker + ascii(JSON.stringify({ id: id, op: op, args: args === undefined ? null : args })));
    var line = shell.readline();
    if (typeof line !== 'string' || line === '') {
      bridgeClosed = true;
      throw new Error('host bridge closed while waiting for the answer to ' + op);
    }
    var answer = JSON.parse(line);
    if (answer.id !== id) throw new Error('host bridge out of step: sent ' + id + ', got ' + answer.id);
    if (!answer.ok) throw new Error('host ' + op + ' failed: ' + answer.error);
    return answer.value;
  }
  function logLine(level, text) {
    shell.print(config.logMarker + ascii(JSON.stringify({ level: level, text: text })));
  }
  function show(value) {
    var text = showFull(value);
    return text.length > 1500 ? text.slice(0, 1500) + '... (' + text.length + ' chars)' : text;
  }
  function showFull(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return String(value.stack ? value + '\n' + value.stack : value);
    try {
      var json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch (e) {
      return String(value);
    }
  }
  function errorInfo(error) {
    if (!error || typeof error !== 'object') return { message: String(error) };
    return {
      name: error.name,
      message: String(error.message),
      code: error.code,
      serverCode: error.serverCode,
      stack: typeof error.stack === 'string' ? error.stack : undefined
    };
  }

  // ---- timers (jsc: setTimeout only, returns undefined, cannot be cancelled) -------------------
  var uncaught = [];
  var timers = {};
  var nextTimerId = 1;
  function runGuarded(fn, args) {
    try {
      fn.apply(undefined, args);
    } catch (e) {
      // WeChat reports it to App.onError and keeps running; so do we (and the scenario fails).
      uncaught.push(errorInfo(e));
      logLine('error', 'uncaught error in a timer callback: ' + show(e));
    }
  }
  function schedule(id, fn, delay, args, repeat) {
    shell.setTimeout(function () {
      if (!timers[id]) return;
      if (!repeat) delete timers[id];
      runGuarded(fn, args);
      if (repeat && timers[id]) schedule(id, fn, delay, args, repeat);
    }, delay);
  }
  function startTimer(fn, delay, extra, repeat) {
    if (typeof fn !== 'function') throw new TypeError('setTimeout/setInterval needs a function');
    var id = nextTimerId++;
    timers[id] = true;
    var ms = Number(delay);
    schedule(id, fn, ms > 0 ? ms : 0, Array.prototype.slice.call(extra, 2), repeat);
    return id;
  }
  var timerGlobals = {
    setTimeout: function setTimeout(fn, delay) {
      return startTimer(fn, delay, arguments, false);
    },
    clearTimeout: function clearTimeout(id) {
      delete timers[id];
    },
    setInterval: function setInterval(fn, delay) {
      return startTimer(fn, delay, arguments, true);
    },
    clearInterval: function clearInterval(id) {
      delete timers[id];
    }
  };
  var later = timerGlobals.setTimeout;

  // ---- wx -------------------------------------------------------------------------------------
  var loginIdentity = { appid: config.wechatAppId, person: 'jsc-default-' + config.runId };
  var loginPlan = []; // answers for the next wx.login calls: {code} or {fail}, before the real ones
  var storageFailure = null; // when set, storage writes throw this errMsg
  var counts = { login: 0, request: 0, getRandomValues: 0, chooseMedia: 0, chooseImage: 0, uploadFile: 0 };
  // Where wx.request sends requests: the bridge by default; measure.js swaps in canned answers.
  var transport = function (options) {
    return host('request', options);
  };
  var deliver = 'timer'; // 'timer' (setTimeout 0, as WeChat) or 'microtask'
  var encoded = new Map();
  /** UTF-8 bytes of a text as a fresh ArrayBuffer (cached per distinct text). */
  function bytesOf(text) {
    var cached = encoded.get(text);
    if (!cached) {
      var out = [];
      for (var i = 0; i < text.length; i++) {
        var c = text.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
          var d = text.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
          }
        }
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      cached = Uint8Array.from(out);
      if (encoded.size > 64) encoded.clear();
      encoded.set(text, cached);
    }
    return cached.slice().buffer;
  }

  function callLater(fn) {
    if (deliver === 'microtask') Promise.resolve().then(fn);
    else later(fn, 0);
  }
  function callbacks(options, ok, result) {
    var which = ok ? options.success : options.fail;
    if (typeof which === 'function') which(result);
    if (typeof options.complete === 'function') options.complete(result);
  }
  /**
   * An async wx API in WeChat's two styles: callbacks, or a Promise when none is given.
   * impl(options) answers synchronously {ok, result}; the answer is delivered later (callLater).
   */
  function asyncWx(name, impl) {
    return function (options) {
      options = options || {};
      var promised = !options.success && !options.fail && !options.complete;
      counts[name] += 1;
      var answer;
      try {
        answer = impl(options);
      } catch (e) {
        var message = e && e.message ? e.message : String(e);
        answer = fail(message.indexOf(name + ':fail') === 0 ? message : name + ':fail ' + message);
      }
      if (!promised) {
        callLater(function () {
          callbacks(options, answer.ok, answer.result);
        });
        return undefined;
      }
      return new Promise(function (resolve, reject) {
        callLater(function () {
          (answer.ok ? resolve : reject)(answer.result);
        });
      });
    };
  }
  function fail(errMsg, errno) {
    var result = { errMsg: errMsg };
    if (errno !== undefined) result.errno = errno;
    return { ok: false, result: result };
  }
  function typeName(value) {
    if (value === null) return 'Null';
    if (typeof value === 'object') return 'Object';
    return (typeof value).replace(/^./, function (c) {
      return c.toUpperCase();
    });
  }
  /** Bytes given as an array of numbers, a typed array, an ArrayBuffer or a string (UTF-8). */
  function toBytes(bytes, what) {
    if (typeof bytes === 'string') return new Uint8Array(bytesOf(bytes));
    if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
    if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (Array.isArray(bytes)) return Uint8Array.from(bytes);
    throw new Error(what + ': bytes must be an array of numbers, a typed array, an ArrayBuffer or a string');
  }

  // wx.getRandomValues: deterministic bytes from a seeded generator (mulberry32; NOT
  // cryptographic), the same sequence in every run unless harness.seedRandom / setRandomValues.
  var RANDOM_VALUES_LIMIT = 1048576; // "最大 1048576" (the wx.getRandomValues doc)
  var randomState = 0x2545f491;
  var randomSource = null; // harness.setRandomValues(fn): fn(length) -> bytes
  function seededBytes(length) {
    var out = new Uint8Array(length);
    for (var i = 0; i < length; i++) {
      randomState = (randomState + 0x6d2b79f5) | 0;
      var t = Math.imul(randomState ^ (randomState >>> 15), 1 | randomState);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      out[i] = (t ^ (t >>> 14)) & 0xff;
    }
    return out;
  }

  // Files of the mini program (temp paths such as wxfile://tmp_1.png): what chooseMedia /
  // chooseImage chose and harness.addFile added; wx.uploadFile sends them.
  var files = {}; // '$' + path -> Uint8Array
  var tempFileSeq = 0;
  var choosePlan = []; // answers for the next chooseMedia/chooseImage calls (harness.planChooseImage)
  var uploads = []; // what wx.uploadFile sent (harness.uploads)
  function addFile(path, bytes) {
    if (typeof path !== 'string' || path === '') throw new Error('addFile: path must be a non-empty string');
    files['$' + path] = toBytes(bytes, 'addFile');
    return path;
  }
  /** The next planned pick: [{path, size}], or a fail answer (null in the plan: the user cancelled). */
  function pick(api, count) {
    if (!choosePlan.length) return fail(api + ':fail jsc harness: no chooseImage answer planned (harness.planChooseImage)');
    var answer = choosePlan.shift();
    if (answer === null || answer === undefined) return fail(api + ':fail cancel');
    if (typeof answer.fail === 'string') return fail(api + ':fail ' + answer.fail, answer.errno);
    var list = Array.isArray(answer) ? answer : [answer];
    if (list.length > count) return fail(api + ':fail jsc harness: ' + list.length + ' files planned, more than count ' + count);
    for (var i = 0; i < list.length; i++) {
      if (!list[i] || list[i].bytes === undefined) return fail(api + ':fail jsc harness: a planned file needs bytes ({path?, bytes, name?})');
    }
    return {
      ok: true,
      result: list.map(function (item) {
        tempFileSeq += 1;
        var ext = /\.([A-Za-z0-9]{1,8})$/.exec(item.name || '');
        var path = item.path || 'wxfile://tmp_' + config.runId.replace(/[^\w]/g, '') + '_' + tempFileSeq + '.' + (ext ? ext[1].toLowerCase() : 'png');
        addFile(path, item.bytes);
        return { path: path, size: files['$' + path].length };
      })
    };
  }
  function pickCount(api, count) {
    if (count === undefined) return 9;
    if (typeof count !== 'number' || !(count >= 1) || Math.floor(count) !== count) {
      throw new Error(api + ':fail parameter error: count should be a positive integer, got ' + String(count));
    }
    return Math.min(count, 20);
  }
  function hex(bytes) {
    var out = '';
    for (var i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return out;
  }

  var storage = {};
  function storageKey(key) {
    if (typeof key !== 'string' || key === '') throw new Error('getStorageSync:fail parameter error: key should be String instead of ' + typeof key);
    return '$' + key;
  }
  var wx = {
    request: function (options) {
      options = options || {};
      var aborted = false;
      var sent = {
        url: options.url,
        method: String(options.method || 'GET').toUpperCase(),
        header: options.header || {},
        data: options.data,
        timeout: typeof options.timeout === 'number' ? options.timeout : 60000,
        dataType: options.dataType || 'json',
        responseType: options.responseType || 'text'
      };
      var answer;
      counts.request += 1;
      if (typeof sent.url !== 'string' || !/^https?:\/\//i.test(sent.url)) {
        answer = { fail: 'request:fail invalid url "' + sent.url + '"' };
      } else if (sent.responseType !== 'text' && sent.responseType !== 'arraybuffer') {
        answer = { fail: 'request:fail responseType ' + sent.responseType + ' is not supported by the jsc harness' };
      } else {
        answer = transport(sent);
      }
      callLater(function () {
        if (aborted) return callbacks(options, false, { errMsg: 'request:fail abort' });
        if (answer.fail) return callbacks(options, false, { errMsg: answer.fail });
        var data = answer.data;
        if (sent.responseType === 'arraybuffer') {
          // WeChat hands the body over as bytes made natively; the harness encodes the text
          // once per distinct answer so that timed loops do not measure its own JS encoder.
          data = bytesOf(typeof data === 'string' ? data : JSON.stringify(data));
        } else if (sent.dataType === 'json' && typeof data === 'string') {
          try {
            data = JSON.parse(data);
          } catch (e) {
            // WeChat leaves a body that is not JSON as text.
          }
        }
        callbacks(options, true, { statusCode: answer.statusCode, data: data, header: answer.header || {}, cookies: [], errMsg: 'request:ok' });
      });
      return {
        abort: function () {
          aborted = true;
        },
        onHeadersReceived: function () {},
        offHeadersReceived: function () {}
      };
    },
    login: function (options) {
      var promised = !options || (!options.success && !options.fail && !options.complete);
      var run = function (resolve, reject) {
        var result;
        var ok = true;
        counts.login += 1;
        try {
          var planned = loginPlan.shift();
          if (planned && planned.fail) throw new Error(planned.fail);
          result = { code: planned ? planned.code : host('login', loginIdentity).code, errMsg: 'login:ok' };
        } catch (e) {
          ok = false;
          result = { errMsg: /^login:fail/.test(e.message) ? e.message : 'login:fail ' + e.message };
        }
        callLater(function () {
          if (options) callbacks(options, ok, result);
          if (resolve) (ok ? resolve : reject)(result);
        });
      };
      if (promised) return new Promise(run);
      run(null, null);
      return undefined;
    },
    getStorageSync: function (key) {
      var k = storageKey(key);
      // WeChat stores a serialised copy and hands back a fresh one; '' when absent.
      return Object.prototype.hasOwnProperty.call(storage, k) ? JSON.parse(storage[k]).v : '';
    },
    setStorageSync: function (key, value) {
      var k = storageKey(key);
      if (value === undefined) throw new Error('setStorageSync:fail parameter error: data should not be undefined');
      if (storageFailure) throw new Error(storageFailure);
      storage[k] = JSON.stringify({ v: value });
    },
    removeStorageSync: function (key) {
      var k = storageKey(key);
      if (storageFailure) throw new Error(storageFailure.replace('setStorageSync', 'removeStorageSync'));
      delete storage[k];
    },
    clearStorageSync: function () {
      storage = {};
    },
    getStorageInfoSync: function () {
      return {
        keys: Object.keys(storage).map(function (k) {
          return k.slice(1);
        }),
        currentSize: 0,
        limitSize: 10240
      };
    },
    getRandomValues: asyncWx('getRandomValues', function (options) {
      var length = options.length;
      if (typeof length !== 'number') {
        return fail('getRandomValues:fail parameter error: parameter.length should be Number instead of ' + typeName(length) + ';');
      }
      if (!(length > 0) || length > RANDOM_VALUES_LIMIT || Math.floor(length) !== length) {
        return fail('getRandomValues:fail invalid length ' + length + ' (an integer 1..' + RANDOM_VALUES_LIMIT + ')');
      }
      var bytes = randomSource ? toBytes(randomSource(length), 'setRandomValues') : seededBytes(length);
      if (bytes.length !== length) throw new Error('the setRandomValues function gave ' + bytes.length + ' bytes, not ' + length);
      return { ok: true, result: { randomValues: bytes.buffer, errMsg: 'getRandomValues:ok' } };
    }),
    chooseMedia: asyncWx('chooseMedia', function (options) {
      var count = pickCount('chooseMedia', options.count);
      var mediaType = Array.isArray(options.mediaType) ? options.mediaType : ['image', 'video'];
      if (mediaType.indexOf('image') < 0 && mediaType.indexOf('mix') < 0) {
        return fail('chooseMedia:fail jsc harness: only images can be chosen, mediaType is ' + JSON.stringify(mediaType));
      }
      var picked = pick('chooseMedia', count);
      if (!picked.ok) return picked;
      return {
        ok: true,
        result: {
          tempFiles: picked.result.map(function (f) {
            return { tempFilePath: f.path, size: f.size, fileType: 'image' };
          }),
          type: 'image',
          errMsg: 'chooseMedia:ok'
        }
      };
    }),
    chooseImage: asyncWx('chooseImage', function (options) {
      var picked = pick('chooseImage', pickCount('chooseImage', options.count));
      if (!picked.ok) return picked;
      return {
        ok: true,
        result: {
          tempFilePaths: picked.result.map(function (f) {
            return f.path;
          }),
          tempFiles: picked.result,
          errMsg: 'chooseImage:ok'
        }
      };
    }),
    // Always returns an UploadTask (wx.uploadFile has no Promise style); the parent does the
    // multipart POST (real HTTP, like request). The answer's data is the body as text.
    uploadFile: function (options) {
      options = options || {};
      counts.uploadFile += 1;
      var aborted = false;
      var answer;
      var bytes = typeof options.filePath === 'string' ? files['$' + options.filePath] : undefined;
      if (typeof options.url !== 'string' || !/^https?:\/\//i.test(options.url)) {
        answer = { fail: 'uploadFile:fail invalid url "' + options.url + '"' };
      } else if (typeof options.filePath !== 'string') {
        answer = { fail: 'uploadFile:fail parameter error: parameter.filePath should be String instead of ' + typeName(options.filePath) + ';' };
      } else if (typeof options.name !== 'string' || options.name === '') {
        answer = { fail: 'uploadFile:fail parameter error: parameter.name should be String instead of ' + typeName(options.name) + ';' };
      } else if (!bytes) {
        answer = { fail: 'uploadFile:fail file not found' };
      } else {
        var formData = {};
        Object.keys(options.formData || {}).forEach(function (k) {
          var v = options.formData[k];
          if (v !== undefined) formData[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
        });
        var sent = {
          url: options.url,
          header: options.header || {},
          formData: formData,
          name: options.name,
          filePath: options.filePath,
          fileName: options.filePath.replace(/^.*[\/\\]/, ''),
          timeout: typeof options.timeout === 'number' ? options.timeout : 60000
        };
        uploads.push({ url: sent.url, header: sent.header, formData: formData, name: sent.name, filePath: sent.filePath, fileName: sent.fileName, size: bytes.length });
        sent.bytesHex = hex(bytes);
        answer = host('uploadFile', sent);
      }
      callLater(function () {
        if (aborted) return callbacks(options, false, { errMsg: 'uploadFile:fail abort' });
        if (answer.fail) return callbacks(options, false, { errMsg: answer.fail });
        callbacks(options, true, { data: answer.data, statusCode: answer.statusCode, errMsg: 'uploadFile:ok' });
      });
      return {
        abort: function () {
          aborted = true;
        },
        onProgressUpdate: function () {},
        offProgressUpdate: function () {},
        onHeadersReceived: function () {},
        offHeadersReceived: function () {}
      };
    }
  };

  // ---- WXWebAssembly ----------------------------------------------------------------------------
  var PACKAGE_ROOT = '/miniprogram_npm/genauth-wxapp-sdk/';
  var wasmFiles = {}; // package path -> decompressed temp file (prefetch fills it early)
  function wasmTempFile(path) {
    if (!wasmFiles[path]) wasmFiles[path] = host('wasmFile', { file: path.slice(PACKAGE_ROOT.length) });
    return wasmFiles[path];
  }
  var instantiateCalls = [];
  var wasmResultShape = 'pair'; // 'pair': {instance, module}; 'instance': the Instance (other base libraries)
  var WXWebAssembly = {
    instantiate: function (path, imports) {
      instantiateCalls.push(typeof path === 'string' ? path : Object.prototype.toString.call(path));
      return new Promise(function (resolve) {
        if (typeof path !== 'string' || /^(wxfile|https?):/i.test(path)) {
          // What phones answer for bytes, wxfile: or http: arguments.
          throw new Error('WebAssembly.instantiate: not support wxfile: or http: path');
        }
        var normal = path.charAt(0) === '/' ? path : '/' + path;
        if (normal.indexOf(PACKAGE_ROOT) !== 0 || normal.indexOf('/../') >= 0 || !/\.wasm(\.br)?$/.test(normal)) {
          throw new Error('WXWebAssembly.instantiate: ' + path + ' is not a wasm file of the code package');
        }
        var bytes = shell.readFile(wasmTempFile(normal), 'binary');
        resolve(
          NativeWebAssembly.instantiate(bytes, imports).then(function (result) {
            var globals = NativeWebAssembly.Module.exports(result.module).filter(function (e) {
              return e.kind === 'global';
            });
            if (globals.length) {
              // iOS WeChat does not support exported Globals (DOC-WASM).
              throw new Error('WXWebAssembly (iOS): exported Global is not supported: ' + globals.map(function (g) {
                return g.name;
              }).join(', '));
            }
            return wasmResultShape === 'instance' ? result.instance : { instance: result.instance, module: result.module };
          })
        );
      });
    },
    Memory: NativeWebAssembly.Memory,
    Table: NativeWebAssembly.Table,
    Global: NativeWebAssembly.Global
  };

  // ---- module loader ----------------------------------------------------------------------------
  var WRAPPER_PARAMS = [
    'require', 'module', 'exports', 'window', 'document', 'frames', 'self', 'location', 'navigator',
    'localStorage', 'history', 'Caches', 'screen', 'alert', 'confirm', 'prompt', 'fetch',
    'XMLHttpRequest', 'WebSocket', 'Reporter', 'webkit', 'WeixinJSCore'
  ];
  var SCENARIO_ROOT = '/pages/scenario/';
  var MOUNTS = [
    { virtual: PACKAGE_ROOT, disk: config.packageDir + '/' },
    { virtual: SCENARIO_ROOT, disk: config.scenarioDir + '/' }
  ];
  // A whole code package (runner option `root`): everything else, e.g. /@babel/runtime/helpers/.
  if (config.rootDir) MOUNTS.push({ virtual: '/', disk: config.rootDir + '/' });
  var cache = {};
  var builtins = {}; // harness modules, visible to scenario files only
  var wrappedFiles = 0;

  function normalize(path) {
    var out = [];
    path.split('/').forEach(function (part) {
      if (part === '' || part === '.') return;
      if (part === '..') out.pop();
      else out.push(part);
    });
    return '/' + out.join('/');
  }
  function resolve(from, request) {
    if (typeof request !== 'string' || request === '') throw new Error('require args must be a non-empty string');
    var path;
    if (request === 'genauth-wxapp-sdk') path = PACKAGE_ROOT + 'index.js';
    else if (request.charAt(0) === '/') path = request;
    else if (request.indexOf('./') === 0 || request.indexOf('../') === 0) path = from.slice(0, from.lastIndexOf('/') + 1) + request;
    else path = '/miniprogram_npm/' + request + (request.indexOf('/') < 0 ? '/index.js' : '');
    path = normalize(path);
    if (!/\.js$/.test(path)) path += '.js';
    return path;
  }
  function diskPath(virtual) {
    for (var i = 0; i < MOUNTS.length; i++) {
      if (virtual.indexOf(MOUNTS[i].virtual) === 0) return MOUNTS[i].disk + virtual.slice(MOUNTS[i].virtual.length);
    }
    return null;
  }
  function compile(virtual, text) {
    wrappedFiles += 1;
    // One line of wrapper head, so line numbers in stack traces match the file's own.
    var wrapped = '(function (' + WRAPPER_PARAMS.join(', ') + ') {"use strict";' + text + '\n})';
    var file = config.moduleDir + '/' + wrappedFiles + virtual.replace(/\//g, '__');
    shell.writeFile(file, wrapped);
    return shell.load(file);
  }
  function makeRequire(from) {
    return function require(request) {
      if (Object.prototype.hasOwnProperty.call(builtins, request) && from.indexOf(SCENARIO_ROOT) === 0) {
        return builtins[request];
      }
      var virtual = resolve(from, request);
      if (cache[virtual]) return cache[virtual].exports;
      var disk = diskPath(virtual);
      var text = null;
      if (disk !== null) {
        try {
          text = shell.readFile(disk);
        } catch (e) {
          text = null;
        }
      }
      if (text === null) {
        // WeChat's own wording.
        throw new Error("module '" + virtual.slice(1) + "' is not defined, require args is '" + request + "'");
      }
      var module = { id: virtual, exports: {} };
      cache[virtual] = module;
      try {
        var fn;
        try {
          fn = compile(virtual, text);
        } catch (e) {
          if (e instanceof SyntaxError) e.message = virtual + (e.line ? ':' + e.line : '') + ': ' + e.message;
          throw e;
        }
        fn.call(undefined, makeRequire(virtual), module, module.exports);
      } catch (e) {
        delete cache[virtual];
        throw e;
      }
      return module.exports;
    };
  }

  // ---- the harness module scenarios require ('jsc-harness') ---------------------------------------
  var checks = [];
  /** Checks the harness adds to every scenario (environment, hygiene). */
  function autoCheck(check) {
    check.auto = true;
    checks.push(check);
  }
  var unhandled = [];
  var reported = false;
  var options = shell.jscOptions();
  var harness = {
    mode: { jit: !!options.useJIT, useJIT: !!options.useJIT, useBBQJIT: !!options.useBBQJIT, useOMGJIT: !!options.useOMGJIT, useDFGJIT: !!options.useDFGJIT },
    config: {
      host: config.emulatorUrl,
      appId: 'GEN_AUTH_APP_ID',
      wechatAppId: config.wechatAppId,
      otherAppId: 'GEN_AUTH_OTHER_APP',
      otherWechatAppId: 'wxfedcba0987654321',
      runId: config.runId,
      params: config.params || {}
    },
    /** A person name unique to this run (the emulator is shared by the runs of a test file). */
    person: function (name) {
      return name + '-' + config.runId;
    },
    /** Who `wx.login` logs in from now on (and in which WeChat app). */
    loginAs: function (person, wechatAppId) {
      loginIdentity = { appid: wechatAppId || config.wechatAppId, person: person };
    },
    emulator: {
      injectFault: function (spec) {
        return host('emulator', { method: 'injectFault', args: [spec] });
      },
      clearFaults: function () {
        return host('emulator', { method: 'clearFaults', args: [] });
      },
      users: function () {
        return host('emulator', { method: 'users', args: [] });
      },
      mintCode: function (wechatAppId, person) {
        return host('emulator', { method: 'mintCode', args: [wechatAppId, person] });
      },
      encryptFor: function (code, data) {
        return host('emulator', { method: 'encryptFor', args: [code, data] });
      },
      /** Moves the emulator's clock (token expiry); put it back to 0 before the scenario ends. */
      setClockOffset: function (ms) {
        return host('emulator', { method: 'setClockOffset', args: [ms] });
      }
    },
    /** The wx storage of this "phone": survives new AuthenticationClients (a page reload). */
    storage: {
      keys: function () {
        return wx.getStorageInfoSync().keys;
      },
      get: function (key) {
        return wx.getStorageSync(key);
      },
      set: function (key, value) {
        wx.setStorageSync(key, value);
      },
      remove: function (key) {
        wx.removeStorageSync(key);
      },
      /** From now on every write throws `errMsg` (null: writes work again). */
      failWrites: function (errMsg) {
        storageFailure = errMsg || null;
      }
    },
    /** The next wx.login calls answer these, in order: `{code: '...'}` or `{fail: 'login:fail ...'}`. */
    planLogin: function (answers) {
      loginPlan = loginPlan.concat(answers);
    },
    /** What WXWebAssembly.instantiate resolves to: 'pair' ({instance, module}) or 'instance'. */
    setWasmResultShape: function (shape) {
      wasmResultShape = shape;
    },
    /** The paths the package passed to WXWebAssembly.instantiate so far. */
    instantiateCalls: function () {
      return instantiateCalls.slice();
    },
    /** How often the package called wx.login, wx.request, getRandomValues, chooseMedia, chooseImage, uploadFile. */
    counts: function () {
      return JSON.parse(JSON.stringify(counts));
    },
    /** Removes a wx API, as an older base library lacks it (e.g. 'getRandomValues' < 2.15.0, 'chooseMedia' < 2.10.0). */
    removeWx: function (name) {
      delete wx[name];
    },
    /** Restarts the seeded generator behind wx.getRandomValues. */
    seedRandom: function (seed) {
      randomState = seed | 0;
    },
    /** wx.getRandomValues answers fn(length) (bytes) from now on; null: the seeded generator again. */
    setRandomValues: function (fn) {
      randomSource = typeof fn === 'function' ? fn : null;
    },
    /**
     * The next chooseMedia/chooseImage calls answer these, in order: `{path?, bytes, name?}` (or
     * an array of them), `null` (the user cancelled: '<api>:fail cancel'), or `{fail, errno?}`.
     */
    planChooseImage: function (answers) {
      choosePlan = choosePlan.concat(answers);
    },
    /** Puts a file into the mini program's files (e.g. a chooseAvatar temp path); returns the path. */
    addFile: function (path, bytes) {
      return addFile(path, bytes);
    },
    /** What wx.uploadFile sent so far: [{url, header, formData, name, filePath, fileName, size}]. */
    uploads: function () {
      return JSON.parse(JSON.stringify(uploads));
    },
    log: function () {
      logLine('log', Array.prototype.map.call(arguments, show).join(' '));
    },
    check: function (name, pass, details) {
      checks.push({ name: String(name), pass: !!pass, details: details === undefined ? null : show(details) });
      return !!pass;
    },
    checkEqual: function (name, actual, expected) {
      return harness.check(name, actual === expected, { actual: actual, expected: expected });
    },
    /** Awaits `promise` and checks that it rejects with an Error whose `code` is `code`. */
    rejectsWith: function (name, promise, code) {
      return Promise.resolve(promise).then(
        function (value) {
          harness.check(name, false, { expected: 'rejection with code ' + code, resolved: value });
          return null;
        },
        function (error) {
          harness.check(name, error instanceof Error && error.code === code, {
            expectedCode: code,
            error: errorInfo(error)
          });
          return error;
        }
      );
    },
    errorInfo: errorInfo,
    now: function () {
      return shell.preciseTime() * 1000;
    },
    // For measure.js: swap how wx.request is answered.
    setTransport: function (fn) {
      transport = fn;
    },
    hostRequest: function (options) {
      return host('request', options);
    },
    setDelivery: function (mode) {
      deliver = mode;
    },
    prefetchWasm: function () {
      wasmTempFile(PACKAGE_ROOT + 'core.wasm.br');
    },
    /** Runs the scenario body and reports its checks to the runner. */
    run: function (main) {
      Promise.resolve()
        .then(main)
        .then(
          function (result) {
            report(null, result);
          },
          function (error) {
            report(error, undefined);
          }
        );
    }
  };
  builtins['jsc-harness'] = harness;

  function report(error, result) {
    if (reported) return;
    reported = true;
    autoCheck({ name: 'no uncaught errors in callbacks', pass: uncaught.length === 0, details: show(uncaught) });
    autoCheck({ name: 'no unhandled promise rejections', pass: unhandled.length === 0, details: show(unhandled) });
    autoCheck({ name: 'the package loaded its wasm through WXWebAssembly.instantiate(path)', pass: instantiateCalls.length > 0 || !!error, details: show(instantiateCalls) });
    host('done', { checks: checks, error: error ? errorInfo(error) : null, result: result === undefined ? null : result });
    bridgeClosed = true;
    // Cancelled timers still sit in jsc's loop (it cannot cancel them): leave now.
    shell.quit();
  }

  shell.setUnhandledRejectionCallback(function (promise, reason) {
    unhandled.push(errorInfo(reason));
  });

  // ---- the phone's global object ------------------------------------------------------------------
  var SHELL_GLOBALS = (
    'print printErr debug describe describeArray gc fullGC edenGC read run runString load loadString ' +
    'readFile readline writeFile write openFile quit abort preciseTime performance jscOptions jscStack ' +
    'setTimeout sleepSeconds drainMicrotasks setUnhandledRejectionCallback asyncTestStart asyncTestPassed ' +
    'callerSourceOrigin createGlobalObject checkSyntax checkModuleSyntax checkScriptSyntax atob btoa ' +
    'arguments $ $262 $agent MemoryFootprint WebAssemblyMemoryMode addressOf asDoubleNumber ' +
    'callerIsBBQOrOMGCompiled createHeapBigInt createNonRopeNonAtomString createWebAssemblyMemoryWithMode ' +
    'disableRichSourceInfo disassembleBase64 dropAllLocks dumpTypesForAllVariables effectful42 ' +
    'ensureArrayStorage failNextNewCodeBlock fiatInt52 finalizationRegistryDeadCount ' +
    'finalizationRegistryLiveCount flashHeapAccess gcHeapSize generateHeapSnapshot ' +
    'generateHeapSnapshotForGCDebugging getRandomSeed hasCustomProperties heapCapacity is32BitPlatform ' +
    'isBigInt32 isFinalTier isHeapBigInt isInt32 isPureNaN isRope makeMasquerader mallocInALoop ' +
    'maxArguments memoryUsageStatistics neverInlineFunction noDFG noFTL noInline noOSRExitFuzzing ' +
    'numberOfDFGCompiles optimizeNextInvocation platformSupportsSamplingProfiler predictInt32 prettyPrint ' +
    'releaseWeakRefs reoptimizationRetryCount resetMemoryPeak resetSuperSamplerState ' +
    'samplingProfilerStackTraces setRandomSeed startSamplingProfiler testLoopCount totalCompileTime ' +
    'transferArrayBuffer useBigInt32 waitForReport waiterListSize wasmTestLoopCount console WebAssembly'
  ).split(' ');
  var notRemoved = SHELL_GLOBALS.filter(function (name) {
    delete globalThis[name];
    return typeof globalThis[name] !== 'undefined';
  });

  function define(name, value) {
    Object.defineProperty(globalThis, name, { value: value, writable: true, configurable: true, enumerable: false });
  }
  define('wx', wx);
  define('WXWebAssembly', WXWebAssembly);
  Object.keys(timerGlobals).forEach(function (name) {
    define(name, timerGlobals[name]);
  });
  function consoleMethod(level) {
    return function () {
      logLine(level, Array.prototype.map.call(arguments, show).join(' '));
    };
  }
  define('console', {
    log: consoleMethod('log'),
    info: consoleMethod('info'),
    debug: consoleMethod('debug'),
    warn: consoleMethod('warn'),
    error: consoleMethod('error')
  });

  // eval and code from strings are forbidden in WeChat, except new Function('return this').
  define('eval', function forbiddenEval() {
    throw new EvalError('eval is not allowed in WeChat mini programs');
  });
  var OriginalFunction = Function;
  function makeFunction(args) {
    if (args.length === 1 && /^\s*return\s+this\s*;?\s*$/.test(String(args[0]))) {
      return function () {
        return this;
      };
    }
    throw new EvalError('new Function is not allowed in WeChat mini programs');
  }
  var ForbiddenFunction = new Proxy(OriginalFunction, {
    apply: function (target, thisArg, args) {
      return makeFunction(args);
    },
    construct: function (target, args) {
      return makeFunction(args);
    }
  });
  define('Function', ForbiddenFunction);
  [OriginalFunction.prototype, Object.getPrototypeOf(async function () {}), Object.getPrototypeOf(function* () {})].forEach(function (proto) {
    Object.defineProperty(proto, 'constructor', { value: ForbiddenFunction, writable: true, configurable: true, enumerable: false });
  });

  // What a phone lacks must be absent here too.
  var ABSENT = ['WebAssembly', 'TextEncoder', 'TextDecoder', 'URL', 'fetch', 'crypto', 'window', 'self', 'document', 'process', 'require', 'module', 'print', 'readFile', 'load'];
  ABSENT.forEach(function (name) {
    var absent = typeof globalThis[name] === 'undefined';
    autoCheck({ name: 'global ' + name + ' is absent (as on a phone)', pass: absent, details: absent ? null : typeof globalThis[name] });
  });
  autoCheck({ name: 'jsc shell globals removed', pass: notRemoved.length === 0, details: notRemoved.length ? notRemoved.join(' ') : null });
  var wantJit = !!config.jit;
  autoCheck({
    name: 'jsc runs ' + (wantJit ? 'with JIT' : 'without JIT (--useJIT=false)'),
    pass: harness.mode.useJIT === wantJit && (wantJit || (!harness.mode.useBBQJIT && !harness.mode.useOMGJIT && !harness.mode.useDFGJIT)),
    details: harness.mode
  });

  // ---- run the scenario ---------------------------------------------------------------------------
  try {
    makeRequire(SCENARIO_ROOT + '__main__.js')('./' + config.scenarioFile);
  } catch (e) {
    report(e, undefined);
  }
})(arguments);
