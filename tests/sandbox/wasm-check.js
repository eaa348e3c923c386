'use strict';
// Checks that a wasm module only uses what WeChat's WXWebAssembly is known to accept on old
// phones: the MVP feature set plus mutable-globals, and no exported Global (iOS).
//
// Two layers:
// 1. binaryen (the same validator `wasm-opt --strip-target-features --mvp-features
//    --enable-mutable-globals` runs): the target_features custom section is removed first (it
//    would otherwise switch features back on), the module is read, its feature set is forced to
//    exactly MVP | MutableGlobals, and `validate()` runs. When it fails, each post-MVP feature is
//    removed in turn from a "everything allowed" set to name the features the module needs.
// 2. A byte scan of the parts binaryen does not keep after reading: the type section (binaryen
//    drops unused types, so an unused multi-value or externref type would slip through) and
//    section ids MVP does not know (12 data count = bulk memory, 13 tag = exception handling).
//
// Exported globals are found with the host's WebAssembly.Module.exports().

let binaryenPromise = null;
function loadBinaryen() {
  if (!binaryenPromise) binaryenPromise = import('binaryen').then((m) => m.default || m);
  return binaryenPromise;
}

// Post-MVP features binaryen knows, with the names wasm-opt / rustc use for them.
const FEATURE_NAMES = [
  ['SignExt', 'sign-ext'],
  ['BulkMemory', 'bulk-memory'],
  ['BulkMemoryOpt', 'bulk-memory (memory.copy/memory.fill)'],
  ['NontrappingFPToInt', 'nontrapping-float-to-int'],
  ['Multivalue', 'multivalue'],
  ['ReferenceTypes', 'reference-types'],
  ['SIMD128', 'simd128'],
  ['RelaxedSIMD', 'relaxed-simd'],
  ['Atomics', 'threads (atomics)'],
  ['ExceptionHandling', 'exception-handling'],
  ['TailCall', 'tail-call'],
  ['GC', 'gc'],
  ['Memory64', 'memory64'],
  ['MultiMemory', 'multi-memory'],
  ['ExtendedConst', 'extended-const'],
  ['Strings', 'strings'],
  ['StackSwitching', 'stack-switching'],
  ['SharedEverything', 'shared-everything'],
  ['FP16', 'fp16'],
  ['CallIndirectOverlong', 'call-indirect-overlong'],
  ['CustomPageSizes', 'custom-page-sizes'],
  ['WideArithmetic', 'wide-arithmetic'],
];

// Features that cannot be enabled without the key feature (transitively listed).
const FEATURE_DEPENDENTS = {
  BulkMemoryOpt: ['BulkMemory'],
  SIMD128: ['RelaxedSIMD', 'FP16'],
  ReferenceTypes: ['GC', 'Strings', 'StackSwitching', 'ExceptionHandling'],
  GC: ['Strings', 'StackSwitching'],
  Atomics: ['SharedEverything'],
};

function nameOf(key) {
  const hit = FEATURE_NAMES.find(([k]) => k === key);
  return hit ? hit[1] : key;
}

// ---------------------------------------------------------------------------------------------
// Byte-level helpers

function readUleb(bytes, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new Error('truncated LEB128');
    const b = bytes[pos++];
    result += (b & 0x7f) * Math.pow(2, shift);
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

/** Split a binary into sections: [{ id, start, end, payloadStart, name? }]. */
function sections(bytes) {
  const out = [];
  let pos = 8;
  while (pos < bytes.length) {
    const start = pos;
    const id = bytes[pos++];
    let size;
    [size, pos] = readUleb(bytes, pos);
    const payloadStart = pos;
    const end = pos + size;
    if (end > bytes.length) throw new Error('section runs past the end of the module');
    const sec = { id, start, end, payloadStart };
    if (id === 0) {
      let nameLen;
      let p;
      [nameLen, p] = readUleb(bytes, payloadStart);
      sec.name = Buffer.from(bytes.subarray(p, p + nameLen)).toString('utf8');
    }
    out.push(sec);
    pos = end;
  }
  return out;
}

/** The module without its `target_features` custom section (what --strip-target-features does). */
function stripTargetFeatures(bytes) {
  const parts = [bytes.subarray(0, 8)];
  for (const s of sections(bytes)) {
    if (s.id === 0 && s.name === 'target_features') continue;
    parts.push(bytes.subarray(s.start, s.end));
  }
  return Uint8Array.from(Buffer.concat(parts.map((p) => Buffer.from(p))));
}

const MVP_VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c]);
const VALTYPE_FEATURE = { 0x7b: 'simd128 (v128)', 0x70: 'reference-types (funcref value)', 0x6f: 'reference-types (externref)' };

/** Problems binaryen cannot see after reading (it drops unused types). */
function scanBytes(bytes) {
  const problems = [];
  for (const s of sections(bytes)) {
    if (s.id === 12) problems.push('bulk-memory (data count section)');
    else if (s.id === 13) problems.push('exception-handling (tag section)');
    else if (s.id > 13) problems.push('unknown section id ' + s.id);
    if (s.id !== 1) continue;
    let pos = s.payloadStart;
    let count;
    [count, pos] = readUleb(bytes, pos);
    for (let i = 0; i < count; i++) {
      const form = bytes[pos++];
      if (form !== 0x60) {
        problems.push('gc (type form 0x' + form.toString(16) + ' in the type section)');
        return problems;
      }
      let n;
      [n, pos] = readUleb(bytes, pos);
      for (let j = 0; j < n; j++) {
        const t = bytes[pos++];
        if (!MVP_VALTYPES.has(t)) problems.push((VALTYPE_FEATURE[t] || 'value type 0x' + t.toString(16)) + ' in type ' + i);
      }
      [n, pos] = readUleb(bytes, pos);
      if (n > 1) problems.push('multivalue (type ' + i + ' has ' + n + ' results)');
      for (let j = 0; j < n; j++) {
        const t = bytes[pos++];
        if (!MVP_VALTYPES.has(t)) problems.push((VALTYPE_FEATURE[t] || 'value type 0x' + t.toString(16)) + ' in type ' + i);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// binaryen validation

/** Run fn while capturing what binaryen prints to stderr (its validator reports there). */
function captureStderr(fn) {
  const original = process.stderr.write;
  let text = '';
  process.stderr.write = function (chunk) {
    text += String(chunk);
    return true;
  };
  try {
    return { value: fn(), text };
  } finally {
    process.stderr.write = original;
  }
}

function binaryenCheck(binaryen, strippedBytes) {
  const F = binaryen.Features;
  const allowed = F.MVP | F.MutableGlobals;
  const module = binaryen.readBinary(strippedBytes, F.All);
  try {
    const validateWith = (features) => {
      module.setFeatures(features);
      return captureStderr(() => module.validate());
    };
    const strict = validateWith(allowed);
    if (strict.value) return [];
    const known = FEATURE_NAMES.filter(([k]) => typeof F[k] === 'number');
    const everything = known.reduce((acc, [k]) => acc | F[k], allowed);
    // Removing a feature also removes the features that depend on it (binaryen asserts on
    // e.g. bulk-memory without bulk-memory-opt, and gc needs reference-types).
    const removalMask = (key) => {
      let mask = F[key];
      for (const dep of FEATURE_DEPENDENTS[key] || []) if (typeof F[dep] === 'number') mask |= F[dep];
      return mask;
    };
    const needed = [];
    if (validateWith(everything).value) {
      for (const [key, name] of known) {
        if (!validateWith(everything & ~removalMask(key)).value) needed.push(name);
      }
      // A feature is only reported when no feature that depends on it is reported too.
      for (const [key, name] of known) {
        const deps = FEATURE_DEPENDENTS[key] || [];
        if (needed.includes(name) && deps.some((d) => needed.includes(nameOf(d)))) needed.splice(needed.indexOf(name), 1);
      }
    }
    const lines = strict.text.split('\n');
    const at = lines.findIndex((l) => /wasm-validator error/.test(l));
    const firstError = at < 0 ? '' : (lines[at].replace(/,\s*on\s*$/, '') + (lines[at + 1] ? ' on ' + lines[at + 1].trim() : '')).trim();
    const hints = Array.from(new Set((strict.text.match(/\[--enable-[a-z0-9-]+\]/g) || [])));
    let what = needed.length ? needed.join(', ') : hints.join(' ') || 'unknown';
    if (!needed.length && !hints.length && !firstError) what = 'unknown (binaryen validation failed)';
    return ['post-MVP feature ' + what + (firstError ? ' — ' + firstError : '')];
  } finally {
    module.dispose();
  }
}

const cache = new Map();

/**
 * Check a wasm binary against what WeChat phones accept.
 * Resolves to { ok, problems: string[], exportedGlobals: string[] }.
 * `problems` entries start with "post-MVP feature" or "exports a global:".
 */
async function checkWasm(bytes) {
  bytes = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const key = require('crypto').createHash('sha256').update(bytes).digest('hex');
  if (cache.has(key)) return cache.get(key);
  const module = new WebAssembly.Module(bytes); // throws CompileError on malformed input
  const exportedGlobals = WebAssembly.Module.exports(module).filter((e) => e.kind === 'global').map((e) => e.name);
  const stripped = stripTargetFeatures(bytes);
  const problems = [];
  for (const p of scanBytes(stripped)) problems.push('post-MVP feature ' + p);
  const binaryen = await loadBinaryen();
  for (const p of binaryenCheck(binaryen, stripped)) problems.push(p);
  for (const name of exportedGlobals) problems.push('exports a global: ' + name);
  const result = { ok: problems.length === 0, problems, exportedGlobals, module };
  cache.set(key, result);
  return result;
}

module.exports = { checkWasm, stripTargetFeatures, sections };
