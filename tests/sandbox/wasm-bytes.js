'use strict';
// A tiny WebAssembly binary encoder for test fixtures (no toolchain needed).
// Only what the sandbox tests use: types, imports, functions, tables, memories,
// globals, exports, code and custom sections.

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s) {
  const bytes = Array.from(Buffer.from(s, 'utf8'));
  return uleb(bytes.length).concat(bytes);
}

function vec(items) {
  return uleb(items.length).concat(...items);
}

function section(id, payload) {
  return [id].concat(uleb(payload.length), payload);
}

const T = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, funcref: 0x70, externref: 0x6f };
const KIND = { func: 0, table: 1, memory: 2, global: 3 };

/**
 * Build a module. spec = {
 *   types: [{ params: ['i32'], results: ['i32'] }],
 *   imports: [{ module, name, kind: 'func', type } | { ..., kind: 'global', valtype, mutable }],
 *   funcs: [{ type, locals: [], body: [bytes] }],
 *   tables: [{ reftype: 'funcref', min }],
 *   memories: [{ min, max }],
 *   globals: [{ valtype: 'i32', mutable: true, init: 0 }],
 *   exports: [{ name, kind: 'func', index }],
 *   targetFeatures: ['mutable-globals', 'sign-ext'],
 * }
 */
function buildModule(spec) {
  let out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const push = (bytes) => { out = out.concat(bytes); };
  if (spec.types && spec.types.length) {
    push(section(1, vec(spec.types.map((t) => [0x60].concat(
      vec((t.params || []).map((p) => [T[p]])),
      vec((t.results || []).map((r) => [T[r]])))))));
  }
  if (spec.imports && spec.imports.length) {
    push(section(2, vec(spec.imports.map((im) => {
      const head = str(im.module).concat(str(im.name), [KIND[im.kind]]);
      if (im.kind === 'func') return head.concat(uleb(im.type));
      if (im.kind === 'global') return head.concat([T[im.valtype], im.mutable ? 1 : 0]);
      if (im.kind === 'memory') return head.concat([0x00], uleb(im.min));
      throw new Error('unsupported import kind ' + im.kind);
    }))));
  }
  if (spec.funcs && spec.funcs.length) {
    push(section(3, vec(spec.funcs.map((f) => uleb(f.type)))));
  }
  if (spec.tables && spec.tables.length) {
    push(section(4, vec(spec.tables.map((t) => [T[t.reftype || 'funcref'], 0x00].concat(uleb(t.min || 0))))));
  }
  if (spec.memories && spec.memories.length) {
    push(section(5, vec(spec.memories.map((m) => (m.max === undefined
      ? [0x00].concat(uleb(m.min))
      : [0x01].concat(uleb(m.min), uleb(m.max)))))));
  }
  if (spec.globals && spec.globals.length) {
    push(section(6, vec(spec.globals.map((g) => {
      const op = { i32: 0x41, i64: 0x42 }[g.valtype || 'i32'];
      return [T[g.valtype || 'i32'], g.mutable ? 1 : 0, op].concat(sleb(g.init || 0), [0x0b]);
    }))));
  }
  if (spec.exports && spec.exports.length) {
    push(section(7, vec(spec.exports.map((e) => str(e.name).concat([KIND[e.kind]], uleb(e.index))))));
  }
  if (spec.funcs && spec.funcs.length) {
    push(section(10, vec(spec.funcs.map((f) => {
      const locals = vec((f.locals || []).map((l) => uleb(1).concat([T[l]])));
      const body = locals.concat(f.body, [0x0b]);
      return uleb(body.length).concat(body);
    }))));
  }
  if (spec.targetFeatures) {
    const payload = str('target_features').concat(vec(spec.targetFeatures.map((f) => [0x2b].concat(str(f)))));
    push(section(0, payload));
  }
  return Uint8Array.from(out);
}

// Opcodes used by the fixtures.
const OP = {
  localGet: (i) => [0x20].concat(uleb(i)),
  i32Const: (n) => [0x41].concat(sleb(n)),
  i32Add: [0x6a],
  drop: [0x1a],
  i32Extend8S: [0xc0], // sign-ext proposal
  memoryCopy: [0xfc, 0x0a, 0x00, 0x00], // bulk-memory proposal
  memoryFill: [0xfc, 0x0b, 0x00], // bulk-memory proposal
  i32TruncSatF32S: [0xfc, 0x00], // nontrapping-fptoint proposal
  f32Const0: [0x43, 0, 0, 0, 0],
  globalGet: (i) => [0x23].concat(uleb(i)),
  globalSet: (i) => [0x24].concat(uleb(i)),
};

module.exports = { buildModule, OP, uleb };
