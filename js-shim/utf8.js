'use strict';
/**
 * UTF-8 TextEncoder / TextDecoder for runtimes that lack them (WeChat on phones, where
 * DevTools has them and so hides the gap). Only what the wasm-bindgen glue uses:
 * `new TextEncoder().encode(s)`, `.encodeInto(s, view)`, and
 * `new TextDecoder('utf-8', {ignoreBOM: true}).decode(bytes)`.
 * The globals are preferred wherever they exist (see the exports below).
 */

/** Encodes a JS string to UTF-8; lone surrogates become U+FFFD, as TextEncoder does. */
function Utf8Encoder() {}

Utf8Encoder.prototype.encode = function (input) {
  var text = input === undefined ? '' : String(input);
  var out = new Uint8Array(text.length * 3);
  var written = encodeInto(text, out).written;
  return out.slice(0, written);
};

Utf8Encoder.prototype.encodeInto = function (input, view) {
  return encodeInto(String(input), view);
};

function encodeInto(text, view) {
  var length = text.length;
  var capacity = view.length;
  var read = 0;
  var at = 0;
  while (read < length) {
    var code = text.charCodeAt(read);
    var units = 1;
    if (code >= 0xd800 && code <= 0xdfff) {
      var next = read + 1 < length ? text.charCodeAt(read + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        units = 2;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x80) {
      if (at + 1 > capacity) break;
      view[at++] = code;
    } else if (code < 0x800) {
      if (at + 2 > capacity) break;
      view[at++] = 0xc0 | (code >> 6);
      view[at++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      if (at + 3 > capacity) break;
      view[at++] = 0xe0 | (code >> 12);
      view[at++] = 0x80 | ((code >> 6) & 0x3f);
      view[at++] = 0x80 | (code & 0x3f);
    } else {
      if (at + 4 > capacity) break;
      view[at++] = 0xf0 | (code >> 18);
      view[at++] = 0x80 | ((code >> 12) & 0x3f);
      view[at++] = 0x80 | ((code >> 6) & 0x3f);
      view[at++] = 0x80 | (code & 0x3f);
    }
    read += units;
  }
  return { read: read, written: at };
}

/** The longest run handed to one `String.fromCharCode.apply` (argument-count limits). */
var ASCII_CHUNK = 8192;

/** Decodes UTF-8; invalid sequences become U+FFFD, as TextDecoder (non-fatal) does. */
function Utf8Decoder(label, options) {
  var name = label === undefined ? 'utf-8' : String(label).toLowerCase();
  if (name !== 'utf-8' && name !== 'utf8') {
    throw new RangeError('Only utf-8 is supported');
  }
  this.ignoreBOM = !!(options && options.ignoreBOM);
}

Utf8Decoder.prototype.decode = function (input) {
  if (input === undefined) return '';
  var bytes = toBytes(input);
  var length = bytes.length;
  var i = 0;
  if (!this.ignoreBOM && length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    i = 3;
  }
  var chunks = [];
  var units = [];
  while (i < length) {
    var b0 = bytes[i];
    if (b0 < 0x80) {
      // A run of ASCII becomes a string in one native call: without a JIT (iOS) a
      // per-byte loop costs far more.
      var end = i + 1;
      while (end < length && bytes[end] < 0x80 && end - i < ASCII_CHUNK) end++;
      if (units.length) {
        chunks.push(String.fromCharCode.apply(null, units));
        units = [];
      }
      chunks.push(String.fromCharCode.apply(null, bytes.subarray(i, end)));
      i = end;
      continue;
    }
    var code = 0xfffd;
    var size = 1;
    if (b0 < 0x80) {
      code = b0;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      if (isCont(bytes[i + 1])) {
        code = ((b0 & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
        size = 2;
      }
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      var lo3 = b0 === 0xe0 ? 0xa0 : 0x80;
      var hi3 = b0 === 0xed ? 0x9f : 0xbf;
      if (inRange(bytes[i + 1], lo3, hi3)) {
        if (isCont(bytes[i + 2])) {
          code = ((b0 & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
          size = 3;
        } else {
          size = 2;
        }
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      var lo4 = b0 === 0xf0 ? 0x90 : 0x80;
      var hi4 = b0 === 0xf4 ? 0x8f : 0xbf;
      if (inRange(bytes[i + 1], lo4, hi4)) {
        if (isCont(bytes[i + 2])) {
          if (isCont(bytes[i + 3])) {
            code =
              ((b0 & 0x07) << 18) |
              ((bytes[i + 1] & 0x3f) << 12) |
              ((bytes[i + 2] & 0x3f) << 6) |
              (bytes[i + 3] & 0x3f);
            size = 4;
          } else {
            size = 3;
          }
        } else {
          size = 2;
        }
      }
    }
    i += size;
    if (code > 0xffff) {
      code -= 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      units.push(code);
    }
    if (units.length >= 4096) {
      chunks.push(String.fromCharCode.apply(null, units));
      units = [];
    }
  }
  chunks.push(String.fromCharCode.apply(null, units));
  return chunks.join('');
};

/**
 * The bytes a BufferSource covers, without copying: a view's own window (byteOffset and
 * byteLength, not its whole buffer), any typed array or DataView, from any realm (a `vm`
 * context or another frame has its own Uint8Array, so instanceof is no test), or a whole
 * ArrayBuffer. Anything else is a TypeError, as TextDecoder throws.
 */
function toBytes(input) {
  if (input instanceof Uint8Array) return input;
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  var tag = Object.prototype.toString.call(input);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') return new Uint8Array(input);
  throw new TypeError('decode: input must be an ArrayBuffer or an ArrayBufferView');
}

function isCont(byte) {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

function inRange(byte, lo, hi) {
  return byte !== undefined && byte >= lo && byte <= hi;
}

/* The runtime's own classes where it has them (Node, DevTools), these elsewhere. */
var hasNative = typeof TextEncoder === 'function' && typeof TextDecoder === 'function';

module.exports = {
  Utf8Encoder: Utf8Encoder,
  Utf8Decoder: Utf8Decoder,
  TextEncoder: hasNative ? TextEncoder : Utf8Encoder,
  TextDecoder: hasNative ? TextDecoder : Utf8Decoder
};
