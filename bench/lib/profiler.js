'use strict';
// Where one call of our SDK spends its time, found by wrapping what it calls: the wasm-bindgen
// classes and functions the glue factory returns (whatever their names), the raw wasm exports
// (and imports, on request), the TextEncoder/TextDecoder handed to the glue,
// JSON.parse/JSON.stringify, and the host's `wx` functions. Each wrapped call is a frame on a stack; its own time ("self", its
// children excluded) goes to its kind, and to the outermost frame it ran under ("root"), so that
// JSON.parse inside wx.getStorageSync counts as host time, not as the shim's.
//
// ES2017 and no Node API: the same file runs in Node (breakdown-child.js) and inside
// JavaScriptCore (jsc-scenario.js). It never depends on the names of the SDK's internals:
// it is handed the glue factory's arguments and result through a hook that the bench appends
// to a copy of `core.js` (see lib/jsc.js `instrumentedCopy`).

/**
 * @param {function(): number} now milliseconds (performance.now, or jsc's preciseTime × 1000)
 */
function createProfiler(now) {
  var stack = [];
  var byRoot = {}; // root name -> {calls, total, kinds: {kind: self ms}, in, out}
  var byName = {}; // frame name -> {kind, calls, self, total, in, out}
  var frames = 0;
  var sequence = 0; // order of first calls since the last reset
  var sizingOutside = 0; // time spent sizing values after outermost frames
  var enabled = true;

  function rootStat(name) {
    var s = byRoot[name];
    if (!s) s = byRoot[name] = { calls: 0, total: 0, kinds: {}, framesByKind: {}, childrenByKind: {}, frames: 0, sizing: 0, charsIn: 0, bytesIn: 0, charsOut: 0, bytesOut: 0 };
    return s;
  }
  function nameStat(name, kind) {
    var s = byName[name];
    if (!s) s = byName[name] = { kind: kind, calls: 0, self: 0, total: 0, charsIn: 0, bytesIn: 0, charsOut: 0, first: 0 };
    return s;
  }

  /**
   * Wraps `fn`: calls are frames named `name` of kind `kind`; `measure(args, result, stat)`
   * may add sizes to the frame's statistics.
   */
  function wrap(name, kind, fn, measure) {
    var ns = nameStat(name, kind);
    var wrapped = function () {
      if (!enabled) return fn.apply(this, arguments);
      if (ns.calls === 0) ns.first = ++sequence;
      var frame = { name: name, kind: kind, start: 0, child: 0, root: stack.length ? stack[0].name : name };
      stack.push(frame);
      frames++;
      var result;
      frame.start = now();
      try {
        result = fn.apply(this, arguments);
        return result;
      } finally {
        var end = now();
        stack.pop();
        var total = end - frame.start;
        var self = total - frame.child;
        ns.calls++;
        ns.self += self;
        ns.total += total;
        var rs = rootStat(frame.root);
        rs.kinds[kind] = (rs.kinds[kind] || 0) + self;
        rs.framesByKind[kind] = (rs.framesByKind[kind] || 0) + 1;
        rs.frames++;
        if (stack.length) {
          var parent = stack[stack.length - 1];
          parent.child += total;
          rs.childrenByKind[parent.kind] = (rs.childrenByKind[parent.kind] || 0) + 1;
        } else {
          rs.calls++;
          rs.total += total;
        }
        if (measure) {
          // Sizing is bookkeeping: its time is kept out of every frame and of the rest.
          var m0 = now();
          try {
            measure(arguments, result, ns, stack.length ? null : rs);
          } catch (e) {
            // Sizes are information only.
          }
          var spent = now() - m0;
          if (stack.length) {
            stack[stack.length - 1].child += spent;
            rs.sizing += spent;
          } else {
            sizingOutside += spent;
          }
        }
      }
    };
    return wrapped;
  }

  /** Sizes of the values crossing into a wasm-bindgen method (strings, bytes) and out of it. */
  /** Chars of the strings and bytes of the buffers in `value`, down to `depth` levels of objects. */
  function sizeOf(value, depth, acc) {
    if (typeof value === 'string') acc.chars += value.length;
    else if (value && typeof value === 'object') {
      if (typeof value.byteLength === 'number') acc.bytes += value.byteLength;
      else if (depth > 0) {
        var keys = Object.keys(value);
        for (var i = 0; i < keys.length; i++) sizeOf(value[keys[i]], depth - 1, acc);
      }
    }
    return acc;
  }

  /**
   * Sizes of the values crossing into a wasm-bindgen method and out of it: strings (chars) and
   * buffers (bytes), arguments and result, two levels into objects and arrays.
   */
  function crossingSizes(args, result, ns, rs) {
    var inAcc = { chars: 0, bytes: 0 };
    for (var i = 0; i < args.length; i++) sizeOf(args[i], 2, inAcc);
    var outAcc = sizeOf(result, 2, { chars: 0, bytes: 0 });
    ns.charsIn += inAcc.chars;
    ns.bytesIn += inAcc.bytes;
    ns.charsOut += outAcc.chars;
    ns.bytesOut = (ns.bytesOut || 0) + outAcc.bytes;
    if (rs) {
      rs.charsIn += inAcc.chars;
      rs.bytesIn += inAcc.bytes;
      rs.charsOut += outAcc.chars;
      rs.bytesOut += outAcc.bytes;
    }
  }

  /**
   * Wraps, in place, every class and function the wasm-bindgen glue exported on `bindings`:
   * each class's prototype methods (`Core.prepare`, ...) and each plain function. Returns the
   * names wrapped.
   */
  function wrapBindings(bindings, constructors) {
    var names = [];
    if (!bindings || (typeof bindings !== 'object' && typeof bindings !== 'function')) return names;
    Object.getOwnPropertyNames(bindings).forEach(function (key) {
      if (key === 'initSync' || key === 'memory' || key.indexOf('__') === 0 || key === 'length' || key === 'name' || key === 'prototype') return;
      var value;
      try {
        value = bindings[key];
      } catch (e) {
        return;
      }
      if (typeof value !== 'function') return;
      var proto = value.prototype;
      var methods = proto
        ? Object.getOwnPropertyNames(proto).filter(function (m) {
            if (m === 'constructor' || m.indexOf('__') === 0) return false;
            var d = Object.getOwnPropertyDescriptor(proto, m);
            return d && typeof d.value === 'function';
          })
        : [];
      if (methods.length) {
        methods.forEach(function (m) {
          proto[m] = wrap(key + '.' + m, 'core', proto[m], crossingSizes);
          names.push(key + '.' + m);
        });
        if (constructors && typeof Proxy === 'function') {
          // `new Core(...)` as a frame too (statics and instanceof pass through the proxy).
          var construct = wrap(key + '.new ' + key, 'core', function (target, args, newTarget) {
            return Reflect.construct(target, args, newTarget);
          });
          try {
            bindings[key] = new Proxy(value, {
              construct: function (target, args, newTarget) {
                return construct(target, args, newTarget);
              }
            });
            names.push('new ' + key);
          } catch (e) {
            // Read-only: constructions are not counted.
          }
        }
      } else {
        try {
          bindings[key] = wrap(key, 'core', value, crossingSizes);
          names.push(key);
        } catch (e) {
          // Read-only: left alone.
        }
      }
    });
    return names;
  }

  /** Raw wasm exports (functions) wrapped as kind 'wasm'; memory, tables pass through. */
  function wrapExports(exports) {
    var out = {};
    Object.keys(exports).forEach(function (name) {
      var value = exports[name];
      out[name] = typeof value === 'function' ? wrap('wasm ' + name, 'wasm', value) : value;
    });
    return out;
  }

  /** The imports the glue hands to wasm (JS called from wasm), wrapped as kind 'import'. */
  function wrapImports(imports) {
    if (!imports || typeof imports !== 'object') return imports;
    var out = {};
    Object.keys(imports).forEach(function (ns) {
      var space = imports[ns];
      if (!space || typeof space !== 'object') {
        out[ns] = space;
        return;
      }
      var copy = {};
      Object.keys(space).forEach(function (name) {
        var value = space[name];
        copy[name] = typeof value === 'function' ? wrap('import ' + name, 'import', value) : value;
      });
      out[ns] = copy;
    });
    return out;
  }

  function wrapInstance(instance) {
    if (!instance || !instance.exports) return instance;
    return { exports: wrapExports(instance.exports) };
  }

  /**
   * A stand-in for the `WebAssembly` argument of the glue factory (the real one in Node, the
   * shim's WXWebAssembly adapter in WeChat): same behaviour, exports wrapped, and imports too
   * when `timeImports` (a boundary that crosses by many small imports makes the wrapping cost
   * more than the calls: the bench counts imports in the crossings run instead).
   */
  function wrapWebAssembly(W, timeImports) {
    if (!W || typeof W !== 'object') return W;
    var imp = timeImports ? wrapImports : function (imports) {
      return imports;
    };
    var out = Object.create(W);
    if (typeof W.Instance === 'function') {
      var RealInstance = W.Instance;
      out.Instance = function Instance(module, imports) {
        return wrapInstance(new RealInstance(module, imp(imports)));
      };
    }
    if (typeof W.instantiate === 'function') {
      var realInstantiate = W.instantiate;
      out.instantiate = function (source, imports) {
        return Promise.resolve(realInstantiate.call(W, source, imp(imports))).then(function (result) {
          if (result && result.instance) return { instance: wrapInstance(result.instance), module: result.module };
          if (result && result.exports) return { instance: wrapInstance(result), module: undefined };
          return result;
        });
      };
    }
    return out;
  }

  /** A TextEncoder/TextDecoder class whose instances time encode/encodeInto/decode. */
  function wrapCoder(C, label) {
    if (typeof C !== 'function') return C;
    var sizes = {
      encode: function (args, result, ns, rs) {
        ns.charsIn += String(args[0] === undefined ? '' : args[0]).length;
        ns.charsOut += result ? result.length : 0;
      },
      encodeInto: function (args, result, ns) {
        ns.charsIn += String(args[0]).length;
        ns.charsOut += result ? result.written : 0;
      },
      decode: function (args, result, ns) {
        var a = args[0];
        ns.bytesIn += a && typeof a.byteLength === 'number' ? a.byteLength : 0;
        ns.charsOut += typeof result === 'string' ? result.length : 0;
      }
    };
    function Wrapped(label0, options) {
      var inner = arguments.length === 0 ? new C() : arguments.length === 1 ? new C(label0) : new C(label0, options);
      var self = this;
      ['encode', 'encodeInto', 'decode'].forEach(function (m) {
        if (typeof inner[m] === 'function') self[m] = wrap(label + '.' + m, 'text', inner[m].bind(inner), sizes[m]);
      });
      ['encoding', 'fatal', 'ignoreBOM'].forEach(function (k) {
        if (k in inner) self[k] = inner[k];
      });
    }
    return Wrapped;
  }

  /** Wraps JSON.parse / JSON.stringify of this realm (restore() puts them back). */
  var restores = [];
  function wrapJson(JSONObject) {
    ['parse', 'stringify'].forEach(function (m) {
      var original = JSONObject[m];
      JSONObject[m] = wrap('JSON.' + m, 'json', original, function (args, result, ns) {
        if (m === 'parse') ns.charsIn += typeof args[0] === 'string' ? args[0].length : 0;
        else ns.charsOut += typeof result === 'string' ? result.length : 0;
      });
      restores.push(function () {
        JSONObject[m] = original;
      });
    });
  }

  /** Wraps the host's `wx` functions named (as kind 'wx'). */
  function wrapWx(wx, names) {
    names.forEach(function (m) {
      var original = wx[m];
      if (typeof original !== 'function') return;
      wx[m] = wrap('wx.' + m, 'wx', original);
      restores.push(function () {
        wx[m] = original;
      });
    });
  }

  /**
   * The cost of one frame: an empty function wrapped, against the same function bare
   * (`frameMs`), and the part of it that falls between the two clock readings, which the frame
   * itself records (`insideMs`); the rest is recorded by its parent.
   */
  function calibrate(n) {
    var bare = function (x) {
      return x;
    };
    // Five batches, the median kept: one pause of the machine does not make the figure.
    var batches = [];
    for (var k = 0; k < 5; k++) {
      var wrapped = wrap('calibration', 'calibration', bare);
      var stat = byName.calibration;
      var i;
      var t0 = now();
      for (i = 0; i < n; i++) bare(i);
      var t1 = now();
      for (i = 0; i < n; i++) wrapped(i);
      var t2 = now();
      batches.push({ frame: Math.max(0, (t2 - t1 - (t1 - t0)) / n), inside: stat.total / n });
      delete byName.calibration;
      delete byRoot.calibration;
      frames -= n;
    }
    deadNames.calibration = true;
    batches.sort(function (a, b) {
      return a.frame - b.frame;
    });
    var mid = batches[2];
    return { frameMs: mid.frame, insideMs: Math.min(mid.frame, mid.inside) };
  }

  // Each wrapper keeps its own statistics object: reset() zeroes them rather than replacing.
  var deadNames = {};
  function reset() {
    byRoot = {};
    Object.keys(byName).forEach(function (name) {
      var s = byName[name];
      s.calls = s.self = s.total = s.charsIn = s.bytesIn = s.charsOut = s.bytesOut = s.first = 0;
    });
    frames = 0;
    sequence = 0;
    sizingOutside = 0;
  }

  function snapshot() {
    var names = {};
    Object.keys(byName).forEach(function (name) {
      if (byName[name].calls && !deadNames[name]) names[name] = byName[name];
    });
    return { byRoot: JSON.parse(JSON.stringify(byRoot)), byName: JSON.parse(JSON.stringify(names)), frames: frames, sizingOutside: sizingOutside };
  }

  return {
    wrap: wrap,
    wrapBindings: wrapBindings,
    wrapWebAssembly: wrapWebAssembly,
    wrapCoder: wrapCoder,
    wrapJson: wrapJson,
    wrapWx: wrapWx,
    calibrate: calibrate,
    reset: reset,
    /** Statistics so far; JSON.parse/stringify are the originals while it copies. */
    snapshot: function () {
      var was = enabled;
      enabled = false;
      try {
        return snapshot();
      } finally {
        enabled = was;
      }
    },
    setEnabled: function (on) {
      enabled = !!on;
    },
    restore: function () {
      while (restores.length) restores.pop()();
    },
    depth: function () {
      return stack.length;
    }
  };
}

/**
 * The hook the instrumented copy of `core.js` calls instead of the glue factory: runs the
 * factory with wrapped arguments and wraps what it returns. `state` records what was found.
 */
function glueHook(profiler, state, options) {
  var timeImports = !!(options && options.timeImports);
  return function (factory, self, args) {
    state.factoryCalls = (state.factoryCalls || 0) + 1;
    var list = Array.prototype.slice.call(args);
    if (list.length > 0) list[0] = profiler.wrapWebAssembly(list[0], timeImports);
    if (list.length > 1) list[1] = profiler.wrapCoder(list[1], 'TextEncoder');
    if (list.length > 2) list[2] = profiler.wrapCoder(list[2], 'TextDecoder');
    var bindings = factory.apply(self, list);
    state.wrapped = (state.wrapped || []).concat(profiler.wrapBindings(bindings, options && options.constructors));
    return bindings;
  };
}

module.exports = { createProfiler: createProfiler, glueHook: glueHook };
