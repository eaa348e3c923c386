'use strict';
// What the shipped wasm holds, by part: splits a module built with names (see bench/wasm-size.md
// for the build) into its code and data sections, groups the function bodies by the crate or
// module their names give, and Brotli-compresses (quality 11, as build.sh) each group alone.
// Groups compress better together than alone, so the Brotli column does not add up to the
// module's; it says which part weighs what. Node built-ins only.
//
//   node bench/lib/wasm-sections.js <module.wasm>      (prints one JSON document)

const fs = require('fs');
const zlib = require('zlib');

function brotli(bytes) {
  const { BROTLI_PARAM_QUALITY, BROTLI_PARAM_SIZE_HINT } = zlib.constants;
  return zlib.brotliCompressSync(bytes, { params: { [BROTLI_PARAM_QUALITY]: 11, [BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length;
}

/** The part a function belongs to, from its (mangled-then-demangled) name. */
function partOf(name) {
  if (!name) return 'unnamed';
  if (name.includes('crypto_bigint')) return 'crypto-bigint';
  const m = /genauth_wxapp_sdk\[[0-9a-f]+\]::([a-z_]+)/.exec(name);
  if (m) {
    if (m[1] === 'rsa') return 'sdk::rsa';
    if (m[1] === 'engine') return 'sdk::engine';
    if (m[1] === 'ops') return 'sdk::ops';
    if (m[1] === 'wasm' || m[1] === 'host') return 'boundary: sdk::wasm, sdk::host';
    return 'sdk: args, options, error, jwt, protocol, session, out';
  }
  if (/^core_|^__wbindgen|^__wbg|wasm_bindgen|js_sys/.test(name)) return 'boundary: wasm-bindgen glue and the Core exports';
  return 'std: core, alloc, dlmalloc, compiler_builtins';
}

function parse(buf) {
  let p = 8; // magic and version
  const leb = () => {
    let result = 0;
    let shift = 0;
    let byte;
    do {
      byte = buf[p++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const skipLimits = () => {
    const flags = leb();
    leb();
    if (flags & 1) leb();
  };
  const sections = [];
  while (p < buf.length) {
    const id = buf[p++];
    const size = leb();
    sections.push({ id, start: p, size });
    p += size;
  }
  let importedFunctions = 0;
  const bodies = [];
  const data = [];
  const names = {};
  for (const s of sections) {
    p = s.start;
    if (s.id === 2) {
      // imports: module, name, kind, description
      for (let i = leb(); i > 0; i--) {
        for (let k = 0; k < 2; k++) {
          const length = leb(); // read before `p +=` takes p's value
          p += length;
        }
        const kind = buf[p++];
        if (kind === 0) {
          leb();
          importedFunctions++;
        } else if (kind === 1) {
          p++;
          skipLimits();
        } else if (kind === 2) skipLimits();
        else if (kind === 3) p += 2;
      }
    } else if (s.id === 10) {
      for (let i = leb(); i > 0; i--) {
        const size = leb();
        bodies.push(buf.subarray(p, p + size));
        p += size;
      }
    } else if (s.id === 11) {
      for (let i = leb(); i > 0; i--) {
        const flags = leb();
        if (flags === 2) leb();
        if (flags !== 1) {
          while (buf[p] !== 0x0b) p++; // the offset expression, up to its `end`
          p++;
        }
        const size = leb();
        data.push(buf.subarray(p, p + size));
        p += size;
      }
    } else if (s.id === 0) {
      const length = leb();
      const name = buf.subarray(p, p + length).toString();
      p += length;
      if (name !== 'name') continue;
      const end = s.start + s.size;
      while (p < end) {
        const sub = buf[p++];
        const size = leb();
        const next = p + size;
        if (sub === 1) {
          for (let i = leb(); i > 0; i--) {
            const index = leb();
            const l = leb();
            names[index] = buf.subarray(p, p + l).toString();
            p += l;
          }
        }
        p = next;
      }
    }
  }
  return { importedFunctions, bodies, data, names };
}

function main() {
  const buf = fs.readFileSync(process.argv[2]);
  const { importedFunctions, bodies, data, names } = parse(buf);
  const groups = {};
  bodies.forEach((body, i) => {
    const part = partOf(names[importedFunctions + i]);
    (groups[part] = groups[part] || []).push(body);
  });
  const code = Buffer.concat(bodies);
  const strings = Buffer.concat(data);
  const out = { module: buf.length, moduleBrotli: brotli(buf), functions: bodies.length, code: code.length, codeBrotli: brotli(code), data: strings.length, dataBrotli: brotli(strings), parts: {} };
  for (const [part, list] of Object.entries(groups).sort((a, b) => a[0].localeCompare(b[0]))) {
    const joined = Buffer.concat(list);
    out.parts[part] = { functions: list.length, bytes: joined.length, brotliAlone: brotli(joined) };
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}

main();
