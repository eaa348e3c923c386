'use strict';
// The shim's UTF-8 fallback (used on phones, which lack TextEncoder/TextDecoder) must agree
// with the real ones byte for byte, including on invalid input.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { miniprogramDir } = require('./code-package');

const { Utf8Encoder, Utf8Decoder } = require(path.join(miniprogramDir(), 'utf8.js'));
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const samples = [
  '',
  'plain ascii',
  '中文 русский ελληνικά 😀🧧 a\u0000b',
  'x'.repeat(20000) + '中' + 'y'.repeat(9000),
  'é'.repeat(5000),
  '\ud800 lone high, lone low \udc00, pair \ud83d\ude00',
  '\ufeffwith a BOM',
];

test('encodes like TextEncoder (lone surrogates become U+FFFD)', () => {
  for (const text of samples) {
    assert.deepEqual(Buffer.from(new Utf8Encoder().encode(text)), Buffer.from(encoder.encode(text)));
  }
});

test('encodeInto fills what fits and reports read/written like TextEncoder', () => {
  for (const text of samples) {
    for (const size of [0, 1, 2, 3, 7, 64]) {
      const ours = new Uint8Array(size);
      const theirs = new Uint8Array(size);
      assert.deepEqual(new Utf8Encoder().encodeInto(text, ours), encoder.encodeInto(text, theirs), text.slice(0, 9));
      assert.deepEqual(ours, theirs);
    }
  }
});

test('decodes like TextDecoder, also invalid and truncated sequences', () => {
  for (const text of samples) {
    const bytes = encoder.encode(text);
    assert.equal(new Utf8Decoder('utf-8', { ignoreBOM: true }).decode(bytes), decoder.decode(bytes));
  }
  const invalid = [
    [0x61, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0x62, 0xff, 0x80],
    [0xed, 0xa0, 0x80], // an encoded surrogate
    [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
    [0xc0, 0xaf], // overlong
    [0xe0, 0x80, 0xaf],
    [0xf0, 0x9f],
  ];
  for (const bytes of invalid) {
    const input = Uint8Array.from(bytes);
    assert.equal(new Utf8Decoder().decode(input), decoder.decode(input), bytes.join(','));
  }
  // Random bytes, a few thousand times.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let round = 0; round < 2000; round++) {
    const input = Uint8Array.from({ length: round % 40 }, next);
    assert.equal(new Utf8Decoder().decode(input), decoder.decode(input), input.join(','));
  }
  assert.equal(new Utf8Decoder().decode(), '');
});

test('a BOM is dropped unless ignoreBOM, as TextDecoder does', () => {
  const bytes = encoder.encode('\ufeffhi');
  assert.equal(new Utf8Decoder().decode(bytes), new TextDecoder().decode(bytes));
  assert.equal(new Utf8Decoder('utf-8', { ignoreBOM: true }).decode(bytes), '\ufeffhi');
  assert.throws(() => new Utf8Decoder('latin1'), RangeError);
});

test('decodes the window a view covers, from any realm, like TextDecoder', () => {
  const vm = require('vm');
  const text = 'ab中😀cd';
  const inner = encoder.encode(text);
  // The text between other bytes, so a decoder that reads the whole buffer shows.
  const whole = Uint8Array.from([0x7a, 0x7a, 0x7a, ...inner, 0xff, 0x79]);
  const window = whole.subarray(3, 3 + inner.length);
  const crossRealm = vm.runInNewContext(`new Uint8Array([${Array.from(whole).join(',')}])`);
  assert.equal(crossRealm instanceof Uint8Array, false, 'the vm array is from another realm');
  const inputs = {
    'a subarray': window,
    'a subarray of a subarray': whole.subarray(1).subarray(2, 2 + inner.length),
    'a DataView': new DataView(whole.buffer, 3, inner.length),
    'a Uint16Array over the bytes': new Uint16Array(Uint8Array.from([...inner, 0x21]).buffer, 0, (inner.length + 1) / 2),
    'a Buffer slice': Buffer.from(whole).subarray(3, 3 + inner.length),
    'an ArrayBuffer': whole.buffer.slice(3, 3 + inner.length),
    'an ArrayBuffer from another realm': vm.runInNewContext(`new Uint8Array([${Array.from(inner).join(',')}]).buffer`),
    'a Uint8Array from another realm': crossRealm,
    'a subarray from another realm': crossRealm.subarray(3, 3 + inner.length),
    'a DataView from another realm': vm.runInNewContext('new DataView(a.buffer, 3, n)', { a: crossRealm, n: inner.length }),
    'an empty subarray': whole.subarray(4, 4),
  };
  for (const [name, input] of Object.entries(inputs)) {
    const expected = decoder.decode(input);
    assert.equal(new Utf8Decoder('utf-8', { ignoreBOM: true }).decode(input), expected, name);
    assert.equal(new Utf8Decoder().decode(input), new TextDecoder().decode(input), name);
  }
  assert.equal(new Utf8Decoder().decode(window), text);
  assert.equal(new Utf8Decoder().decode(crossRealm.subarray(3, 3 + inner.length)), text);
});

test('decode rejects what is not bytes, as TextDecoder does', () => {
  for (const input of [null, 'abc', [104, 105], 5, {}]) {
    assert.throws(() => decoder.decode(input), TypeError);
    assert.throws(() => new Utf8Decoder().decode(input), TypeError, String(input));
  }
});
