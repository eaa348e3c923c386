'use strict';
// The build's JS tools (js-shim/build/): esbuild's lowering to ES2017 with the flags the
// build uses (the constructs the old hand-written lowering miscompiled), the memory-view
// patch of the glue, and the shipped files as ES2017.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const acorn = require('acorn');
const { minify } = require('../../js-shim/build/minify');
const { renewViewsOnGrowth, dropScriptUrlGuess } = require('../../js-shim/build/patch-glue');
const { miniprogramDir } = require('./code-package');

const parses2017 = (code) => acorn.parse(code, { ecmaVersion: 2017, sourceType: 'script' });

/** Runs `source` as a CommonJS module in a fresh context; returns its exports. */
function run(source) {
  const module = { exports: {} };
  vm.runInNewContext(source, { module, exports: module.exports });
  return module.exports;
}

test('optional chaining lowered to ES2017 keeps `this` and evaluates like the original', () => {
  const source = `'use strict';
    const o = { n: 7, m() { return this === o ? this.n : 'lost this'; } };
    const none = null;
    const a = { k: 'by key', nested: { f() { return this.tag; }, tag: 'nested this' } };
    const key = 'k';
    let calls = 0;
    const index = () => { calls++; return key; };
    module.exports = {
      call: o.m?.(),
      callOnNothing: none?.m(),
      optionalCall: o.missing?.(),
      deepCall: a?.nested.f(),
      deepOptionalCall: a.nested?.f?.(),
      index: a?.[key],
      indexNamedO: ((o) => a?.[o])('k'), // the old lowering's own parameter was named o
      indexOnNothing: none?.[index()],
      indexEvaluatedOnce: a?.[index()],
      calls: () => calls,
      chain: a?.nested?.tag,
      nullish: none ?? 'default',
      zero: 0 ?? 'default',
      caught: (() => { try { throw 1; } catch { return 'caught'; } })(),
    };`;
  const lowered = minify(source);
  assert.doesNotThrow(() => parses2017(lowered), lowered);
  assert.doesNotMatch(lowered, /\?\.|\?\?/);
  const expected = {
    call: 7,
    callOnNothing: undefined,
    optionalCall: undefined,
    deepCall: 'nested this',
    deepOptionalCall: 'nested this',
    index: 'by key',
    indexNamedO: 'by key',
    indexOnNothing: undefined,
    indexEvaluatedOnce: 'by key',
    chain: 'nested this',
    nullish: 'default',
    zero: 0,
    caught: 'caught',
  };
  for (const [label, code] of [['original', source], ['lowered', lowered]]) {
    const { calls, ...values } = run(code);
    assert.deepEqual(values, expected, label);
    assert.equal(calls(), 1, `${label}: index() runs once, and not on null`);
  }
});

test('the memory-view patch rewrites both checks and fails when the glue changed', () => {
  const glue = [
    'if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {}',
    'if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || (cachedDataViewMemory0.buffer.detached === undefined && cachedDataViewMemory0.buffer !== wasm.memory.buffer)) {}',
  ].join('\n');
  const patched = renewViewsOnGrowth(glue);
  assert.match(patched, /cachedUint8ArrayMemory0\.buffer !== wasm\.memory\.buffer/);
  assert.match(patched, /cachedDataViewMemory0 === null \|\| cachedDataViewMemory0\.buffer !== wasm\.memory\.buffer\)/);
  assert.doesNotMatch(patched, /byteLength === 0|detached/);
  assert.throws(() => renewViewsOnGrowth('cachedUint8ArrayMemory0.length === 0'), /glue changed/);
});

test("the glue's document.currentScript guess is removed, and the patch fails when the glue changed", () => {
  const glue = "let script_src;\n    if (typeof document !== 'undefined' && document.currentScript !== null) {\n        script_src = new URL(document.currentScript.src, location.href).toString();\n    }\n    next();";
  assert.equal(dropScriptUrlGuess(glue), 'let script_src;\n    next();');
  assert.throws(() => dropScriptUrlGuess('let script_src;'), /glue changed/);
});

test('the shipped glue loads under a bundler-provided document without currentScript (Taro)', () => {
  // Taro's webpack plugin gives every bundled file its own DOM `document` (no currentScript),
  // `location` and `URL`: the glue must not look at them.
  const dir = miniprogramDir();
  const source = fs.readFileSync(path.join(dir, 'core.js'), 'utf8');
  assert.doesNotMatch(source, /currentScript|\bdocument\b|\blocation\b/);
  const context = { module: { exports: {} }, document: {}, location: {}, URL: undefined };
  vm.runInNewContext(source, context, { filename: 'core.js' });
  const utf8 = require(path.join(dir, 'utf8.js'));
  const bindings = context.module.exports({ Instance: function Instance() {}, Module: function Module() {} }, utf8.TextEncoder, utf8.TextDecoder);
  assert.equal(typeof bindings, 'function');
});

test('every shipped file parses as ES2017, with the names the loader requires', () => {
  const dir = miniprogramDir();
  const names = fs.readdirSync(dir).sort();
  assert.deepEqual(names, ['core.js', 'core.wasm.br', 'index.js', 'loader.js', 'utf8.js', 'wx.js']);
  for (const name of names.filter((n) => n.endsWith('.js'))) {
    const code = fs.readFileSync(path.join(dir, name), 'utf8');
    assert.doesNotThrow(() => parses2017(code), `${name} is not ES2017`);
    assert.match(code, /^(\/\*![^\n]*\*\/\n)?"use strict";/, `${name} starts in strict mode`);
  }
  const glue = fs.readFileSync(path.join(dir, 'core.js'), 'utf8');
  assert.doesNotMatch(glue, /byteLength\s*===?\s*0/, 'the memory-view patch ran on core.js');
});
