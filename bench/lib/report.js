'use strict';
const fs = require('fs');
const path = require('path');
// Turns the figures into the rows of the comparison table, the terminal table, BENCHMARKS.md and
// the SVG chart of the ratios (written by hand as text).

// ---------------------------------------------------------------------------------------------
// Formatting

function fmtBytes(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return 'n/a';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a < 1024) return sign + a + ' B';
  if (a < 1024 * 1024) return sign + (a / 1024).toFixed(1) + ' KiB';
  return sign + (a / 1024 / 1024).toFixed(2) + ' MiB';
}

function fmtSignedBytes(n) {
  if (n === null || n === undefined) return 'n/a';
  return (n >= 0 ? '+' : '') + fmtBytes(n);
}

function fmtInt(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return 'n/a';
  return Math.round(n).toLocaleString('en-US');
}

function fmtMs(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return 'n/a';
  return n < 10 ? n.toFixed(2) : n.toFixed(1);
}

/** `median [p10–p90]` of a summary, in ms. */
function fmtSpread(summary) {
  return fmtMs(summary.median) + ' [' + fmtMs(summary.p10) + '–' + fmtMs(summary.p90) + ']';
}

function fmtRatio(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return 'n/a';
  return (r < 0.1 ? r.toFixed(3) : r.toFixed(2)) + '×';
}

// ---------------------------------------------------------------------------------------------
// Targets and rows
//
// Every ratio is ours/peer of a cost (bytes, milliseconds, microseconds per call): smaller is
// better, and a target is met when the ratio is at most the target.

const TARGETS = {
  weight: 1 / 20, // bytes after packNpm: a twentieth of the peer's 1,293,460 B
  startupNode: 0.3,
  perCallNode: 0.5,
  startupJscNoJit: 0.3,
  perCallJscNoJit: 1,
};
const PEER_WEIGHT_REFERENCE = 1293460;

function geomean(values) {
  if (!values.length || values.some((v) => !(v > 0))) return NaN;
  return Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
}

/** The methods whose geometric mean is the per-call headline, as in the targets. */
const MEAN_OPS = ['loginByCode', 'getCurrentUser'];

/**
 * Methods with a per-call target of their own in JavaScriptCore without JIT (issue 8: "the
 * engine's per-call targets hold for the new methods too"); the headline stays the mean above.
 */
const OWN_TARGET_OPS = ['loginByEmail', 'updateProfile'];

/** What a method's per-call row measures beyond its name. */
const OP_NOTES = {
  loginByEmail: '(RSA-2048 password, key cached)',
  updateProfile: '({nickname})',
};

function fmtMicros(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return 'n/a';
  return n < 100 ? n.toFixed(1) : fmtInt(n);
}

function fmtTarget(t) {
  return '≤ ' + (t < 0.1 ? t.toFixed(2) : String(t)) + '×';
}

function status(ratio, target) {
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio <= target ? 'met' : 'missed';
}

/** Node per-call summary → {op: {ours, peer}} in µs per call. */
function nodeMicros(r) {
  const out = {};
  if (!r.perCall || !r.perCall.summary) return out;
  for (const [op, v] of Object.entries(r.perCall.summary)) out[op] = { ours: v.oursMicrosPerCall, peer: v.peerMicrosPerCall, n: v.n, rounds: v.rounds };
  return out;
}

/** A JSC mode's summaries, {ours, peer}, each null where it failed; null when both did. */
function jscMode(r, key) {
  const m = r.jsc && r.jsc[key];
  if (!m || m.error) return null;
  const ok = (x) => (x && !x.error && x.startup ? x : null);
  const out = { ours: ok(m.ours), peer: ok(m.peer) };
  return out.ours || out.peer ? out : null;
}

/**
 * Each row: {measure, ours, peer, ratio, target, status, chart?}; `ratio` is ours/peer of the
 * cost; `chart` = {label, value: ours/peer, target} (smaller is better, like the table).
 */
function buildRows(r) {
  const rows = [];
  const w = r.weight;
  if (w && w.ours && !w.ours.error) {
    const peerOk = w.peer && !w.peer.error;
    const ratio = peerOk ? w.ours.bytes / w.peer.bytes : NaN;
    rows.push({
      measure: 'Size in miniprogram_npm/ after packNpm, bytes (files, .map excluded)',
      ours: fmtBytes(w.ours.bytes) + ' (' + fmtInt(w.ours.bytes) + ' B, ' + w.ours.fileCount + ' files)',
      peer: peerOk ? fmtBytes(w.peer.bytes) + ' (' + fmtInt(w.peer.bytes) + ' B, ' + w.peer.fileCount + ' files)' : 'n/a',
      ratio: peerOk ? ratio.toFixed(4) + '×' : 'n/a',
      target: '≤ 0.05× (1/20 of ' + fmtInt(PEER_WEIGHT_REFERENCE) + ' B = ' + fmtInt(Math.floor(PEER_WEIGHT_REFERENCE * TARGETS.weight)) + ' B)',
      status: peerOk ? (w.ours.bytes * 20 <= w.peer.bytes ? 'met' : 'missed') : 'n/a',
      chart: peerOk ? { label: 'size after packNpm', value: ratio, target: TARGETS.weight } : null,
    });
    rows.push({
      measure: '↳ same, gzip -9 of each file, summed',
      ours: fmtBytes(w.ours.gzipBytes),
      peer: peerOk ? fmtBytes(w.peer.gzipBytes) : 'n/a',
      ratio: peerOk ? fmtRatio(w.ours.gzipBytes / w.peer.gzipBytes) : 'n/a',
      target: '—',
      status: '—',
      chart: peerOk ? { label: 'gzip size (info)', value: w.ours.gzipBytes / w.peer.gzipBytes, target: null } : null,
    });
  }
  if (r.wasmCheck) {
    rows.push({
      measure: 'core.wasm.br at /miniprogram_npm/genauth-wxapp-sdk/ after packNpm',
      ours: r.wasmCheck.ok ? 'present, identical to pkg/, no raw .wasm' : 'FAILED: ' + r.wasmCheck.problems.join('; '),
      peer: '—',
      ratio: '—',
      target: 'present + identical',
      status: r.wasmCheck.ok ? 'met' : 'MISSED',
    });
  }
  const s = r.startup;
  if (s && s.shipped) {
    const o = s.shipped.ours.summary;
    const p = s.shipped.peer.summary;
    const ratio = o.median / p.median;
    rows.push({
      measure: 'Node start-up: require → first wx.request, ms (median [p10–p90], ' + o.n + ' fresh processes)',
      ours: fmtSpread(o),
      peer: fmtSpread(p),
      ratio: fmtRatio(ratio),
      target: fmtTarget(TARGETS.startupNode),
      status: status(ratio, TARGETS.startupNode),
      chart: { label: 'Node start-up', value: ratio, target: TARGETS.startupNode },
    });
  }
  if (s && s.nodeModules) {
    const o = s.nodeModules.ours.summary;
    const p = s.nodeModules.peer.summary;
    rows.push({
      measure: '↳ same, loaded from npm node_modules/ (Node unit tests; info)',
      ours: fmtSpread(o),
      peer: fmtSpread(p),
      ratio: fmtRatio(o.median / p.median),
      target: '—',
      status: '—',
    });
  }
  const node = nodeMicros(r);
  for (const [op, v] of Object.entries(node)) {
    const ratio = v.ours / v.peer;
    const pair = op.includes('+');
    rows.push({
      measure: 'Node per call: ' + op + (OP_NOTES[op] ? ' ' + OP_NOTES[op] : '') + ', µs per ' + (pair ? 'pair' : 'call') + ' (median of ' + v.rounds + ' rounds × ' + fmtInt(v.n) + ')',
      ours: fmtMicros(v.ours),
      peer: fmtMicros(v.peer),
      ratio: fmtRatio(ratio),
      target: fmtTarget(TARGETS.perCallNode),
      status: status(ratio, TARGETS.perCallNode),
      chart: { label: 'Node ' + op, value: ratio, target: TARGETS.perCallNode },
    });
  }
  const first = r.perCall && r.perCall.firstLoginByEmail;
  if (first && first.ours && first.peer) {
    rows.push({
      measure: 'Node: the first loginByEmail of a new client (GET .well-known, then the login; code warm), ms (median [p10–p90] of ' + first.ours.clients + ' clients; info)',
      ours: fmtMs(first.ours.medianMs) + ' [' + fmtMs(first.ours.p10Ms) + '–' + fmtMs(first.ours.p90Ms) + ']',
      peer: fmtMs(first.peer.medianMs) + ' [' + fmtMs(first.peer.p10Ms) + '–' + fmtMs(first.peer.p90Ms) + ']',
      ratio: fmtRatio(first.ours.medianMs / first.peer.medianMs),
      target: '—',
      status: '—',
    });
  }
  if (MEAN_OPS.every((op) => node[op])) {
    const o = geomean(MEAN_OPS.map((op) => node[op].ours));
    const p = geomean(MEAN_OPS.map((op) => node[op].peer));
    rows.push({
      measure: 'Node per call: geometric mean of loginByCode and getCurrentUser, µs',
      ours: fmtMicros(o),
      peer: fmtMicros(p),
      ratio: fmtRatio(o / p),
      target: fmtTarget(TARGETS.perCallNode),
      status: status(o / p, TARGETS.perCallNode),
    });
  }
  const noJit = jscMode(r, 'noJit');
  if (noJit && noJit.ours && noJit.peer) {
    const o = noJit.ours.startup;
    const p = noJit.peer.startup;
    const ratio = o.median / p.median;
    rows.push({
      measure: 'JSC without JIT, start-up: require → first wx.request, ms (median [p10–p90], ' + o.n + ' jsc processes)',
      ours: fmtSpread(o),
      peer: fmtSpread(p),
      ratio: fmtRatio(ratio),
      target: fmtTarget(TARGETS.startupJscNoJit),
      status: status(ratio, TARGETS.startupJscNoJit),
      chart: { label: 'JSC no-JIT start-up', value: ratio, target: TARGETS.startupJscNoJit },
    });
    const mean = jscMean(noJit);
    if (mean) {
      rows.push({
        measure: 'JSC without JIT, per call: geometric mean of loginByCode and getCurrentUser, µs (table below)',
        ours: fmtMicros(mean.ours),
        peer: fmtMicros(mean.peer),
        ratio: fmtRatio(mean.ratio),
        target: fmtTarget(TARGETS.perCallJscNoJit),
        status: status(mean.ratio, TARGETS.perCallJscNoJit),
        chart: { label: 'JSC no-JIT per call (mean)', value: mean.ratio, target: TARGETS.perCallJscNoJit },
      });
    }
    for (const op of OWN_TARGET_OPS) {
      const o = noJit.ours.ops[op];
      const p = noJit.peer.ops[op];
      if (!o || !p) continue;
      const ratio = o.microsPerCall / p.microsPerCall;
      rows.push({
        measure: 'JSC without JIT, per call: ' + op + (OP_NOTES[op] ? ' ' + OP_NOTES[op] : '') + ', µs (table below)',
        ours: fmtMicros(o.microsPerCall),
        peer: fmtMicros(p.microsPerCall),
        ratio: fmtRatio(ratio),
        target: fmtTarget(TARGETS.perCallJscNoJit),
        status: status(ratio, TARGETS.perCallJscNoJit),
        chart: { label: 'JSC no-JIT ' + op, value: ratio, target: TARGETS.perCallJscNoJit },
      });
    }
  }
  const m = r.memory;
  if (m && m.ours) {
    rows.push({
      measure: 'wasm linear memory: after warm-up → after ' + fmtInt(m.ours.calls) + ' calls',
      ours: fmtBytes(m.ours.afterWarmup.wasm) + ' → ' + fmtBytes(m.ours.after.wasm) + ' (' + fmtSignedBytes(m.ours.wasmGrowth) + ', max ' + fmtBytes(m.ours.wasmMax) + ')',
      peer: '— (no wasm)',
      ratio: '—',
      target: '+0 B',
      status: m.ours.wasmGrowth === 0 && m.ours.wasmMax === m.ours.afterWarmup.wasm ? 'met' : 'missed',
    });
    rows.push({
      measure: 'JS heap after gc(): after warm-up → after ' + fmtInt(m.ours.calls) + ' calls',
      ours: fmtBytes(m.ours.afterWarmup.heap) + ' → ' + fmtBytes(m.ours.after.heap) + ' (' + fmtSignedBytes(m.ours.heapGrowth) + ')',
      peer: m.peer ? fmtBytes(m.peer.afterWarmup.heap) + ' → ' + fmtBytes(m.peer.after.heap) + ' (' + fmtSignedBytes(m.peer.heapGrowth) + ')' : 'n/a',
      ratio: '—',
      target: 'growth < 1 MiB',
      status: m.ours.heapGrowth < 1024 * 1024 ? 'met' : 'missed',
    });
  }
  if (r.crossings && r.crossings.rows) {
    // The public methods; the one-time construction (new Core + storageKeys + start) is listed
    // in the crossings table but is not a method call.
    let worst = 0;
    let worstMethod = '';
    for (const row of r.crossings.rows) {
      if (/^new /.test(row.method)) continue;
      const per = row.coreCalls / Math.max(1, row.roundTrips);
      if (per > worst) {
        worst = per;
        worstMethod = row.method;
      }
    }
    rows.push({
      measure: 'JS→wasm Core calls per network round trip (worst public method' + (worst > 2 ? ': ' + worstMethod : '') + '; table below)',
      ours: String(worst),
      peer: '— (no wasm)',
      ratio: '—',
      target: '≤ 2',
      status: worst <= 2 ? 'met' : 'missed',
    });
  }
  return rows;
}

function jscMean(mode) {
  if (!mode.ours || !mode.peer || !MEAN_OPS.every((op) => mode.ours.ops[op] && mode.peer.ops[op])) return null;
  const ours = geomean(MEAN_OPS.map((op) => mode.ours.ops[op].microsPerCall));
  const peer = geomean(MEAN_OPS.map((op) => mode.peer.ops[op].microsPerCall));
  return { ours, peer, ratio: ours / peer };
}

// ---------------------------------------------------------------------------------------------
// JavaScriptCore: both SDKs, with and without JIT

const JSC_HEAD = ['Measure (JavaScriptCore)', 'no JIT: ours', 'no JIT: peer', 'ours/peer', 'target', 'result', 'JIT: ours', 'JIT: peer', 'ours/peer'];

function jscBody(r) {
  const off = jscMode(r, 'noJit');
  const on = jscMode(r, 'jit');
  if (!off && !on) return [];
  const any = [off, on].filter(Boolean).map((m) => m.ours || m.peer)[0];
  const body = [];
  const spread = (x) => fmtSpread(x);
  /** [ours, peer, ours/peer] of one figure of a mode; `pick(side)` → number or summary. */
  const trio = (mode, pick, fmt) => {
    const get = (side) => (mode && mode[side] ? pick(mode[side]) : undefined);
    const o = get('ours');
    const p = get('peer');
    const val = (x) => (x && typeof x === 'object' ? x.median : x);
    const ratio = o !== undefined && p !== undefined ? val(o) / val(p) : NaN;
    return [o === undefined ? 'n/a' : fmt(o), p === undefined ? 'n/a' : fmt(p), fmtRatio(ratio)];
  };
  const ratioOf = (mode, pick) => (mode && mode.ours && mode.peer ? pick(mode.ours) / pick(mode.peer) : NaN);
  const startRatio = ratioOf(off, (x) => x.startup.median);
  body.push(
    ['start-up: require → first wx.request, ms (median [p10–p90], ' + any.startup.n + ' processes)'].concat(
      trio(off, (x) => x.startup, spread),
      [fmtTarget(TARGETS.startupJscNoJit), status(startRatio, TARGETS.startupJscNoJit)],
      trio(on, (x) => x.startup, spread)
    )
  );
  body.push(['↳ of which require (module load; info)'].concat(trio(off, (x) => x.requireMs, (x) => fmtMs(x.median)), ['—', '—'], trio(on, (x) => x.requireMs, (x) => fmtMs(x.median))));
  for (const op of Object.keys(any.ops)) {
    const pick = (x) => (x.ops[op] ? x.ops[op].microsPerCall : undefined);
    const own = OWN_TARGET_OPS.indexOf(op) >= 0;
    const ratio = ratioOf(off, pick);
    const target = MEAN_OPS.indexOf(op) >= 0 ? ['(mean below)', '—'] : own ? [fmtTarget(TARGETS.perCallJscNoJit), status(ratio, TARGETS.perCallJscNoJit)] : ['—', '—'];
    body.push([op + (OP_NOTES[op] ? ' ' + OP_NOTES[op] : '') + ', µs per call (median of ' + any.ops[op].rounds + ' rounds)'].concat(trio(off, pick, fmtMicros), target, trio(on, pick, fmtMicros)));
  }
  const k = r.jsc.key1024;
  if (k && ((k.ours && k.ours.ops) || (k.peer && k.peer.ops))) {
    const mode = { ours: k.ours && k.ours.ops ? k.ours : null, peer: k.peer && k.peer.ops ? k.peer : null };
    const pick = (x) => (x.ops.loginByEmail ? x.ops.loginByEmail.microsPerCall : undefined);
    body.push(['↳ loginByEmail with a 1024-bit key instead (info; 1 process per SDK), µs per call'].concat(trio(mode, pick, fmtMicros), ['—', '—'], ['—', '—', '—']));
  }
  if (any.firstLoginByEmail) {
    const pick = (x) => x.firstLoginByEmail;
    body.push(['the first loginByEmail of the process (GET .well-known, then the login; code cold), ms (median [p10–p90]; info)'].concat(trio(off, pick, spread), ['—', '—'], trio(on, pick, spread)));
  }
  const mean = (mode) => {
    const x = mode && jscMean(mode);
    return x ? [fmtMicros(x.ours), fmtMicros(x.peer), fmtRatio(x.ratio)] : ['n/a', 'n/a', 'n/a'];
  };
  const offMean = off && jscMean(off);
  body.push(
    ['per call: geometric mean of loginByCode and getCurrentUser, µs'].concat(
      mean(off),
      [fmtTarget(TARGETS.perCallJscNoJit), offMean ? status(offMean.ratio, TARGETS.perCallJscNoJit) : 'n/a'],
      mean(on)
    )
  );
  return body;
}

// ---------------------------------------------------------------------------------------------
// Breakdown of one call of ours (lib/profiler.js)

const OPS_ORDER = ['loginByCode', 'getCurrentUser', 'checkLoginStatus', 'loginByEmail', 'updateProfile'];

/**
 * Rows of the breakdown: per method, µs per call of each part. The profiler's own cost
 * (`frameMs` per wrapped call, measured on an empty function) is taken out of each frame's
 * parent and shown on a row of its own.
 */
function breakdownBody(b, uninstrumented, importCalls) {
  const ops = OPS_ORDER.filter((op) => b.ops[op]);
  const per = {};
  const rootNames = new Set();
  for (const op of ops) {
    const v = b.ops[op];
    const N = v.calls;
    // A frame costs `o`: `oIn` between its own clock readings (its self time), the rest in its
    // parent's (or, for an outermost frame, outside every frame).
    const o = b.frameMs;
    const oIn = b.insideMs === undefined ? 0 : b.insideMs;
    const oOut = o - oIn;
    const roots = {};
    let rootCalls = 0;
    let rootTotals = 0;
    let sizing = v.stats.sizingOutside || 0;
    for (const [name, st] of Object.entries(v.stats.byRoot)) {
      const kind = (v.stats.byName[name] && v.stats.byName[name].kind) || 'other';
      const kinds = {};
      for (const [k, self] of Object.entries(st.kinds)) {
        const framesOfKind = (st.framesByKind && st.framesByKind[k]) || 0;
        const childrenOfKind = st.childrenByKind ? st.childrenByKind[k] || 0 : k === kind ? st.frames - st.calls : 0;
        kinds[k] = Math.max(0, self - framesOfKind * oIn - childrenOfKind * oOut);
      }
      const inclusive = Math.max(0, st.total - st.frames * oIn - (st.frames - st.calls) * oOut - (st.sizing || 0));
      roots[name] = { kind, calls: st.calls / N, micros: (inclusive * 1000) / N, kinds: mapValues(kinds, (x) => (x * 1000) / N), charsIn: st.charsIn / N, bytesIn: st.bytesIn / N, charsOut: st.charsOut / N, bytesOut: (st.bytesOut || 0) / N };
      sizing += st.sizing || 0;
      rootCalls += st.calls;
      rootTotals += st.total;
      rootNames.add(name);
    }
    const instrumented = (v.ms * 1000) / N;
    const overhead = ((v.stats.frames * o + sizing) * 1000) / N;
    const rest = instrumented - (rootTotals * 1000) / N - (rootCalls * oOut * 1000) / N - ((v.stats.sizingOutside || 0) * 1000) / N;
    const text = {};
    for (const [name, st] of Object.entries(v.stats.byName)) if (st.kind === 'text') text[name] = { calls: st.calls / N, charsIn: st.charsIn / N, bytesIn: st.bytesIn / N, charsOut: st.charsOut / N };
    per[op] = { instrumented, overhead, frames: v.stats.frames / N, rest, roots, text, uninstrumented: uninstrumented && uninstrumented[op] };
  }
  const rows = [];
  const cell = (op, f) => {
    const x = per[op];
    return x ? f(x) : 'n/a';
  };
  const mu = (n) => (Number.isFinite(n) ? fmtMicros(n) : 'n/a');
  const times = (c) => (Math.abs(c - 1) < 1e-9 ? '' : ' ×' + (Number.isInteger(c) ? c : c.toFixed(1)));
  rows.push(['one call, as timed above (not instrumented)'].concat(ops.map((op) => cell(op, (x) => mu(x.uninstrumented)))));
  rows.push(['one call, instrumented'].concat(ops.map((op) => cell(op, (x) => mu(x.instrumented)))));
  rows.push(['↳ the instrumentation itself (wrapped calls × ' + fmtMicros(b.frameMs * 1000) + ' µs, and sizing the values)'].concat(ops.map((op) => cell(op, (x) => mu(x.overhead) + ' (' + x.frames.toFixed(0) + ' calls)'))));
  const kindOrder = { core: 0, json: 1, wx: 2 };
  const names = [...rootNames].sort((a, c) => {
    const ka = kindOf(per, a);
    const kc = kindOf(per, c);
    return (kindOrder[ka] === undefined ? 9 : kindOrder[ka]) - (kindOrder[kc] === undefined ? 9 : kindOrder[kc]) || a.localeCompare(c);
  });
  const wxNames = names.filter((n) => kindOf(per, n) === 'wx');
  for (const name of names) {
    const kind = kindOf(per, name);
    if (kind === 'wx') continue;
    const label = kind === 'core' ? '`' + name + '` (wasm-bindgen, whole call)' : kind === 'json' ? '`' + name + '` by the shim' : '`' + name + '`';
    rows.push([label].concat(ops.map((op) => cell(op, (x) => (x.roots[name] ? mu(x.roots[name].micros) + times(x.roots[name].calls) : '—')))));
    if (kind !== 'core') continue;
    const sub = (title, k) => {
      if (!ops.some((op) => per[op].roots[name] && per[op].roots[name].kinds[k] > 0)) return;
      rows.push(['  ↳ ' + title].concat(ops.map((op) => cell(op, (x) => (x.roots[name] ? mu(x.roots[name].kinds[k] || 0) : '—')))));
    };
    sub('inside wasm exports, with the JS imports they call', 'wasm');
    sub('JS called from wasm (imports)', 'import');
    sub('TextEncoder / TextDecoder', 'text');
    sub('glue JS: strings copied into wasm, memory views, wrappers', 'core');
    const size = (chars, bytes) => fmtInt(chars) + ' chars' + (bytes ? ' + ' + fmtInt(bytes) + ' B' : '');
    rows.push(
      ['  ↳ what it was handed → what it returned (strings and buffers, 2 levels into objects)'].concat(
        ops.map((op) => cell(op, (x) => (x.roots[name] ? size(x.roots[name].charsIn, x.roots[name].bytesIn) + ' → ' + size(x.roots[name].charsOut, x.roots[name].bytesOut) : '—')))
      )
    );
  }
  if (wxNames.length) {
    rows.push(
      ['host `wx`: ' + wxNames.map((n) => '`' + n.replace(/^wx\./, '') + '`').join(', ') + ' (the fake; native on a phone)'].concat(
        ops.map((op) => cell(op, (x) => mu(wxNames.reduce((a, n) => a + (x.roots[n] ? x.roots[n].micros : 0), 0))))
      )
    );
  }
  rows.push(['rest: shim JS, promises, the answer\'s delivery'].concat(ops.map((op) => cell(op, (x) => mu(x.rest)))));
  if (importCalls && ops.some((op) => importCalls[op] !== undefined)) {
    rows.push(['(wasm→JS import calls per call, from the crossings table; their time is inside wasm above)'].concat(ops.map((op) => (importCalls[op] === undefined ? 'n/a' : String(importCalls[op])))));
  }
  const textNames = [...new Set(ops.flatMap((op) => Object.keys(per[op].text)))].sort();
  for (const t of textNames) {
    rows.push(
      ['(string crossings: `' + t + '` calls, in → out per call)'].concat(
        ops.map((op) =>
          cell(op, (x) => {
            const s = x.text[t];
            if (!s) return '—';
            const input = /decode/.test(t) ? fmtInt(s.bytesIn) + ' B' : fmtInt(s.charsIn) + ' chars';
            const output = /decode/.test(t) ? fmtInt(s.charsOut) + ' chars' : fmtInt(s.charsOut) + ' B';
            return s.calls.toFixed(0) + ': ' + input + ' → ' + output;
          })
        )
      )
    );
  }
  return { head: ['µs per call (ours)'].concat(ops), rows };
}

function kindOf(per, name) {
  for (const x of Object.values(per)) if (x.roots[name]) return x.roots[name].kind;
  return 'other';
}

function mapValues(o, f) {
  const out = {};
  for (const [k, v] of Object.entries(o)) out[k] = f(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Text tables

const HEAD = ['Measure', 'genauth-wxapp-sdk (ours)', 'authing-wxapp-sdk (peer)', 'ours/peer', 'target', 'result'];

function cells(row) {
  return [row.measure, row.ours, row.peer, row.ratio, row.target, row.status];
}

function textTable(head, body) {
  const width = head.map((h, i) => Math.max(strlen(h), ...body.map((b) => strlen(b[i]))));
  const line = (cols) => cols.map((c, i) => c + ' '.repeat(width[i] - strlen(c))).join(' | ');
  return [line(head), width.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}

/** Display width: the arrows, dashes and × used here are one column wide. */
function strlen(s) {
  return [...String(s)].length;
}

function markdownTable(head, body) {
  const esc = (c) => String(c).replace(/\|/g, '\\|');
  return [
    '| ' + head.map(esc).join(' | ') + ' |',
    '|' + head.map(() => '---').join('|') + '|',
    ...body.map((b) => '| ' + b.map(esc).join(' | ') + ' |'),
  ].join('\n');
}

function crossingsBody(c) {
  return c.rows.map((row) => [
    row.method,
    String(row.coreCalls),
    Object.entries(row.coreCallsByMethod).map(([k, v]) => (v > 1 ? k + '×' + v : k)).join(' + ') || '—',
    String(row.roundTrips),
    row.wxGetRandomValues === undefined ? 'n/a' : String(row.wxGetRandomValues),
    String(row.rawExportCalls),
    row.importCalls === undefined ? 'n/a' : String(row.importCalls),
  ]);
}
const CROSS_HEAD = ['Method (ours)', 'Core calls', 'which', 'wx.request round trips', 'wx.getRandomValues calls', 'raw wasm export calls', 'wasm→JS import calls'];

/** The uninstrumented µs per call of ours that a breakdown is compared with. */
function breakdownReference(r, where) {
  const out = {};
  if (where === 'node') {
    for (const [op, v] of Object.entries(nodeMicros(r))) out[op] = v.ours;
  } else {
    const m = jscMode(r, 'noJit');
    if (m && m.ours) for (const [op, v] of Object.entries(m.ours.ops)) out[op] = v.microsPerCall;
  }
  return out;
}

/** Import calls per public method, from the crossings run: {loginByCode: n, ...}. */
function importCallsByOp(r) {
  const out = {};
  if (!r.crossings || !r.crossings.rows) return out;
  for (const row of r.crossings.rows) {
    const m = /^(\w+)\([^)]*\)$/.exec(row.method);
    if (m && row.importCalls !== undefined) out[m[1]] = row.importCalls;
  }
  return out;
}

/** The two breakdowns that ran: [{title, b, reference, imports}]. */
function breakdowns(r) {
  const list = [];
  const ok = (b) => b && !b.error && b.ops && Object.keys(b.ops).length;
  const imports = importCallsByOp(r);
  if (ok(r.breakdown)) list.push({ key: 'node', title: 'Node (V8)', b: r.breakdown, reference: breakdownReference(r, 'node'), imports });
  if (r.jsc && ok(r.jsc.breakdown)) list.push({ key: 'jsc', title: 'JavaScriptCore without JIT', b: r.jsc.breakdown, reference: breakdownReference(r, 'jsc'), imports });
  return list;
}

function terminalReport(r, rows) {
  const out = [];
  out.push(textTable(HEAD, rows.map(cells)));
  if (r.crossings && r.crossings.rows) out.push('', textTable(CROSS_HEAD, crossingsBody(r.crossings)));
  const jsc = jscBody(r);
  if (jsc.length) out.push('', textTable(JSC_HEAD, jsc));
  if (r.jsc && r.jsc.note) out.push('JSC: ' + r.jsc.note);
  for (const x of breakdowns(r)) {
    const t = breakdownBody(x.b, x.reference, x.imports);
    out.push('', 'Breakdown of one call of ours, ' + x.title + ':', textTable(t.head, t.rows));
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// SVG chart of the ratios ours/peer (log scale, 1× in the middle, left = ours costs less)

function escXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function svgChart(rows, title) {
  const items = rows.filter((r) => r.chart && Number.isFinite(r.chart.value) && r.chart.value > 0).map((r) => Object.assign({ status: r.status }, r.chart));
  const labelW = 230;
  const plotW = 470;
  const rightPad = 90;
  const rowH = 30;
  const top = 58;
  const width = labelW + plotW + rightPad;
  const height = top + items.length * rowH + 56;
  const values = items.map((i) => i.value).concat(items.map((i) => i.target || 1), [1]);
  // Room beyond the extreme bars for their value labels.
  let lo = Math.floor(Math.log2(Math.min.apply(null, values)) - 1.2);
  let hi = Math.ceil(Math.log2(Math.max.apply(null, values)) + 0.6);
  lo = Math.min(lo, -2);
  hi = Math.max(hi, 2);
  const x = (v) => labelW + ((Math.log2(v) - lo) / (hi - lo)) * plotW;
  const s = [];
  s.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + ' ' + height + '" font-family="Helvetica, Arial, sans-serif" font-size="12">');
  s.push('<rect width="100%" height="100%" fill="#ffffff"/>');
  s.push('<text x="' + width / 2 + '" y="22" text-anchor="middle" font-size="15" font-weight="bold">' + escXml(title) + '</text>');
  s.push('<text x="' + width / 2 + '" y="40" text-anchor="middle" fill="#555">cost of genauth-wxapp-sdk ÷ cost of authing-wxapp-sdk (log scale; left of 1× = ours costs less; dashes = target)</text>');
  const plotBottom = top + items.length * rowH;
  for (let e = lo; e <= hi; e++) {
    const v = Math.pow(2, e);
    const xx = x(v).toFixed(1);
    s.push('<line x1="' + xx + '" y1="' + (top - 4) + '" x2="' + xx + '" y2="' + plotBottom + '" stroke="' + (e === 0 ? '#333' : '#ddd') + '" stroke-width="' + (e === 0 ? 1.5 : 1) + '"/>');
    const label = v >= 1 ? v + '×' : '1/' + 1 / v + '×';
    s.push('<text x="' + xx + '" y="' + (plotBottom + 16) + '" text-anchor="middle" fill="#555">' + label + '</text>');
  }
  items.forEach((it, i) => {
    const y = top + i * rowH;
    const mid = y + rowH / 2;
    const x0 = x(1);
    const x1 = x(it.value);
    const color = it.target === null ? '#7f8c8d' : it.value <= it.target ? '#2e8b57' : '#c0392b';
    s.push('<text x="' + (labelW - 8) + '" y="' + (mid + 4) + '" text-anchor="end">' + escXml(it.label) + '</text>');
    s.push('<rect x="' + Math.min(x0, x1).toFixed(1) + '" y="' + (y + 7) + '" width="' + Math.max(1, Math.abs(x1 - x0)).toFixed(1) + '" height="' + (rowH - 14) + '" fill="' + color + '"/>');
    const valueText = fmtRatio(it.value);
    const tx = x1 >= x0 ? x1 + 5 : x1 - 5;
    s.push('<text x="' + tx.toFixed(1) + '" y="' + (mid + 4) + '" text-anchor="' + (x1 >= x0 ? 'start' : 'end') + '" fill="' + color + '" font-weight="bold">' + valueText + '</text>');
    if (it.target !== null) {
      const xt = x(it.target).toFixed(1);
      s.push('<line x1="' + xt + '" y1="' + (y + 3) + '" x2="' + xt + '" y2="' + (y + rowH - 3) + '" stroke="#000" stroke-width="2" stroke-dasharray="4,3"/>');
      s.push('<text x="' + (labelW + plotW + rightPad - 6) + '" y="' + (mid + 4) + '" text-anchor="end" fill="#555">target ' + escXml(fmtTarget(it.target)) + '</text>');
    }
  });
  s.push('<text x="' + (labelW + plotW / 2) + '" y="' + (plotBottom + 36) + '" text-anchor="middle" fill="#555">green: target met · red: missed · grey: no target (information)</text>');
  s.push('</svg>');
  return s.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// What the wasm holds (bench/wasm-size.md: a `twiggy top` of a build with names, made by hand,
// since the bench builds nothing). Its `<!-- core.wasm.br: N B -->` line names the size of the
// shipped core.wasm.br of the tree it was made from; a run whose core.wasm.br differs says so.

function wasmSizeSection(r) {
  const file = path.join(__dirname, '..', 'wasm-size.md');
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8').trim();
  const out = [text, ''];
  const recorded = /<!--\s*core\.wasm\.br:\s*([\d,]+)\s*B\s*-->/.exec(text);
  const shipped = r.weight && r.weight.ours && r.weight.ours.files ? r.weight.ours.files.find((f) => /core\.wasm\.br$/.test(f.path)) : null;
  if (recorded && shipped) {
    const then = Number(recorded[1].replace(/,/g, ''));
    out.push(
      then === shipped.bytes
        ? '(The breakdown above is of the same core.wasm.br as this run: ' + fmtInt(then) + ' B.)'
        : '**The breakdown above is of another build** (its core.wasm.br was ' + fmtInt(then) + ' B; this run shipped ' + fmtInt(shipped.bytes) + ' B): make it again (see bench/wasm-size.md).'
    );
    out.push('');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// BENCHMARKS.md

function markdown(r, rows) {
  const m = r.machine;
  const out = [];
  out.push('# Benchmarks: genauth-wxapp-sdk vs authing-wxapp-sdk');
  out.push('');
  out.push('<!-- Generated by `node bench/run.js`; do not edit by hand: run the bench again. -->');
  out.push('');
  out.push('Generated by `' + r.command + '` (from the repository root) on ' + r.date + ' in ' + Math.round(r.elapsedSeconds || 0) + ' s. Raw figures: `bench/results.json`; method: [bench/README.md](bench/README.md).');
  out.push('');
  out.push('**Machine:** ' + m.cpuModel + ', ' + m.cores + ' cores, ' + m.platform + ' ' + m.release + ', Node ' + m.node + ' (V8 ' + m.v8 + ')' + (r.jsc && r.jsc.jscVersion ? ', ' + r.jsc.jscVersion : '') + '.');
  out.push('**Compared:** genauth-wxapp-sdk ' + r.versions.ours + ' (this repository, `npm pack` of `pkg/`) and authing-wxapp-sdk ' + r.versions.peer + ' (npm), each as WeChat\'s own "build npm" (miniprogram-ci ' + r.versions.miniprogramCi + ' `packNpm`) ships it. Canned responses: ' + r.fixtures.source + '.');
  out.push('');
  out.push('Every ratio is **ours/peer of a cost** (bytes, milliseconds, microseconds per call): smaller is better, and a target is met when the ratio is at most the target.');
  out.push('');
  out.push(markdownTable(HEAD, rows.map(cells)));
  out.push('');
  out.push('![Ratios ours/peer of each cost, against the targets](bench/ratios.svg)');
  out.push('');
  out.push('## On JavaScriptCore (the iOS engine)');
  out.push('');
  const jsc = jscBody(r);
  if (jsc.length) {
    const z = r.jsc.sizes;
    out.push(
      'Both SDKs inside `jsc` through `tests/jsc/runner.js` `runScenario` (a WeChat-like logic layer: `define()`-wrapped modules, `wx`, `WXWebAssembly`; no `WebAssembly`, `TextEncoder`, `process` or `window` globals), with `--useJIT=false` (JS and wasm interpreted, as iOS WeChat runs wasm) and with JIT. ' +
        'One SDK per jsc process, ' + z.processes + ' processes per SDK and mode, alternating; each gives one start-up sample and ' + z.noJit.rounds + ' timed rounds per method (about ' + z.noJit.batchMs + ' ms each without JIT, ' + z.jit.batchMs + ' ms with, after ' + z.noJit.warmup + ' / ' + z.jit.warmup + ' warm-up calls). ' +
        '`wx.request` answers on a microtask from the same canned bodies as in Node. The peer runs as one file bundled by esbuild ' + r.jsc.peerBundle.esbuild + ' (`' + r.jsc.peerBundle.options + '`, ' + fmtBytes(r.jsc.peerBundle.bytes) + ', ' + r.jsc.peerBundle.modules + ' modules): with no `process` its HTTP client takes its `wx.request` path, and it needed nothing beyond what the harness gives both.'
    );
    out.push('');
    out.push(markdownTable(JSC_HEAD, jsc));
  } else {
    out.push('n/a' + (r.jsc && r.jsc.note ? ': ' + r.jsc.note : ''));
  }
  if (jsc.length && r.jsc.note) out.push('', r.jsc.note);
  out.push('');
  const bds = breakdowns(r);
  if (bds.length || (r.jsc && r.jsc.breakdown && r.jsc.breakdown.error) || (r.breakdown && r.breakdown.error)) {
    out.push('## Where one call of ours goes');
    out.push('');
    out.push(
      'An instrumented copy of our package (its `core.js` hands the wasm-bindgen glue factory `createBindings(WebAssembly, TextEncoder, TextDecoder)` to the bench, nothing else changed) times, as a stack of frames, every method of the classes and every function the glue exports (found at run time), every raw wasm export, the `TextEncoder`/`TextDecoder` handed to the glue, `JSON.parse`/`JSON.stringify` (those called inside `wx` count as host time), and the `wx` functions. The JS imports wasm calls back are not wrapped (there can be hundreds per call, and wrapping would cost more than they do): their time is inside the wasm rows, their number in the crossings table. ' +
        'Each part is its own time, what it called excluded; the cost of the wrapping, measured on an empty function, is taken out of each frame and shown on its own row. Strings crossing: the glue copies a string into wasm itself (the glue-JS row), encoding with `TextEncoder` only past the first non-ASCII character, and reads strings out with `TextDecoder`.'
    );
    out.push('');
    for (const x of bds) {
      const t = breakdownBody(x.b, x.reference, x.imports);
      const first = x.b.ops[Object.keys(x.b.ops)[0]];
      out.push('**' + x.title + '** (the median of ' + (first.roundsMs ? first.roundsMs.length : 1) + ' rounds of ' + fmtInt(first.calls) + ' calls per method after a warm-up; wrapped: ' + x.b.wrapped.map((n) => '`' + n + '`').join(', ') + ')');
      out.push('');
      out.push(markdownTable(t.head, t.rows));
      out.push('');
    }
    if (r.breakdown && r.breakdown.error) out.push('Node breakdown: n/a: ' + r.breakdown.error.split('\n')[0], '');
    if (r.jsc && r.jsc.breakdown && r.jsc.breakdown.error) out.push('JavaScriptCore breakdown: n/a: ' + r.jsc.breakdown.error.split('\n')[0], '');
  }
  if (r.crossings && r.crossings.rows) {
    out.push('## JS→wasm crossings per public method');
    out.push('');
    out.push('"Core calls" are calls of the wasm-bindgen `Core` class (the design allows one `prepare` and one `complete` per network round trip); "raw wasm export calls" also count the glue\'s helpers (string allocation and freeing); "wasm→JS import calls" go the other way: the glue functions wasm calls to build or read JS values (counted in Node; the same code runs in every engine).');
    out.push('');
    out.push(markdownTable(CROSS_HEAD, crossingsBody(r.crossings)));
    out.push('');
  }
  out.push(...wasmSizeSection(r));
  out.push('## Notes');
  out.push('');
  for (const note of r.notes) out.push('- ' + note);
  out.push('');
  // The hand-written analysis (profiles, before/after figures of fixes) is kept beside the
  // generator, so a new run keeps it.
  const analysis = path.join(__dirname, '..', 'analysis.md');
  if (fs.existsSync(analysis)) {
    out.push(fs.readFileSync(analysis, 'utf8').trim());
    out.push('');
  }
  return out.join('\n');
}

module.exports = { buildRows, terminalReport, svgChart, markdown, breakdownBody, fmtBytes, fmtMs, fmtInt, fmtRatio, fmtMicros, geomean, TARGETS };
