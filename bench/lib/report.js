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

function fmtRatio(r) {
  if (r === null || r === undefined || !Number.isFinite(r)) return 'n/a';
  return (r < 0.1 ? r.toFixed(3) : r.toFixed(2)) + '×';
}

// ---------------------------------------------------------------------------------------------
// Rows

/**
 * Each row: {measure, ours, peer, ratio, target, status, chart?}; `ratio` is ours/peer of the
 * raw figure; `chart` = {label, value, target} where value is "how many times better ours is"
 * (higher is better), so that every bar reads the same way.
 */
function buildRows(r) {
  const rows = [];
  const w = r.weight;
  if (w && w.ours && !w.ours.error) {
    const peerOk = w.peer && !w.peer.error;
    rows.push({
      measure: 'Size in miniprogram_npm/ after packNpm (files, .map excluded)',
      ours: fmtBytes(w.ours.bytes) + ' (' + w.ours.fileCount + ' files)',
      peer: peerOk ? fmtBytes(w.peer.bytes) + ' (' + w.peer.fileCount + ' files)' : 'n/a',
      ratio: peerOk ? (w.ours.bytes / w.peer.bytes).toFixed(4) + '×' : 'n/a',
      target: '≤ 0.05× (a twentieth)',
      status: peerOk ? (w.ours.bytes * 20 <= w.peer.bytes ? 'met' : 'missed') : 'n/a',
      chart: peerOk ? { label: 'size (peer ÷ ours)', value: w.peer.bytes / w.ours.bytes, target: 20 } : null,
    });
    rows.push({
      measure: '↳ same, gzip -9 of each file, summed',
      ours: fmtBytes(w.ours.gzipBytes),
      peer: peerOk ? fmtBytes(w.peer.gzipBytes) : 'n/a',
      ratio: peerOk ? fmtRatio(w.ours.gzipBytes / w.peer.gzipBytes) : 'n/a',
      target: '—',
      status: '—',
      chart: peerOk ? { label: 'gzip size (peer ÷ ours)', value: w.peer.gzipBytes / w.ours.gzipBytes, target: null } : null,
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
      measure: 'Start-up: require → first wx.request, ms (median [p10–p90], ' + o.n + ' fresh processes)',
      ours: fmtMs(o.median) + ' [' + fmtMs(o.p10) + '–' + fmtMs(o.p90) + ']',
      peer: fmtMs(p.median) + ' [' + fmtMs(p.p10) + '–' + fmtMs(p.p90) + ']',
      ratio: fmtRatio(ratio),
      target: '≤ 1×',
      status: ratio <= 1 ? 'met' : 'missed',
      chart: { label: 'start-up (peer ms ÷ ours ms)', value: p.median / o.median, target: 1 },
    });
  }
  if (s && s.nodeModules) {
    const o = s.nodeModules.ours.summary;
    const p = s.nodeModules.peer.summary;
    rows.push({
      measure: '↳ same, loaded from npm node_modules/ (Node unit tests; info)',
      ours: fmtMs(o.median) + ' [' + fmtMs(o.p10) + '–' + fmtMs(o.p90) + ']',
      peer: fmtMs(p.median) + ' [' + fmtMs(p.p10) + '–' + fmtMs(p.p90) + ']',
      ratio: fmtRatio(o.median / p.median),
      target: '—',
      status: '—',
    });
  }
  if (r.perCall && r.perCall.summary) {
    for (const [op, v] of Object.entries(r.perCall.summary)) {
      const unit = op.includes('+') ? 'pairs/s' : 'calls/s';
      rows.push({
        measure: 'Per call: ' + op + ', ' + unit + ' (median of ' + v.rounds + ' rounds × ' + fmtInt(v.n) + ')',
        ours: fmtInt(v.ours),
        peer: fmtInt(v.peer),
        ratio: fmtRatio(v.ratio),
        target: '≥ 2×',
        status: v.ratio >= 2 ? 'met' : 'missed',
        chart: { label: op + ' (ours/s ÷ peer/s)', value: v.ratio, target: 2 },
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
    for (const row of r.crossings.rows) {
      if (/^new /.test(row.method)) continue;
      worst = Math.max(worst, row.coreCalls / Math.max(1, row.roundTrips));
    }
    rows.push({
      measure: 'JS→wasm Core calls per network round trip (worst public method; table below)',
      ours: String(worst),
      peer: '— (no wasm)',
      ratio: '—',
      target: '≤ 2',
      status: worst <= 2 ? 'met' : 'missed',
    });
  }
  return rows;
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
    String(row.rawExportCalls),
  ]);
}
const CROSS_HEAD = ['Method (ours)', 'Core calls', 'which', 'wx.request round trips', 'raw wasm export calls'];

function jscBody(r) {
  const node = r.perCall && r.perCall.summary;
  const nodeStart = r.startup && r.startup.shipped ? r.startup.shipped.ours.summary.median : null;
  const col = (x) => (x && !x.error ? x : null);
  const off = col(r.jsc && r.jsc.noJit);
  const on = col(r.jsc && r.jsc.jit);
  const v = (x, k, f) => (x ? f(x[k]) : 'n/a');
  return [
    ['start-up, ms (require → first wx.request)', fmtMs(nodeStart), v(on, 'startupMs', fmtMs), v(off, 'startupMs', fmtMs)],
    ['loginByCode, calls/s', node ? fmtInt(node.loginByCode.ours) : 'n/a', v(on, 'loginByCodePerSec', fmtInt), v(off, 'loginByCodePerSec', fmtInt)],
    ['getCurrentUser, calls/s', node ? fmtInt(node.getCurrentUser.ours) : 'n/a', v(on, 'getCurrentUserPerSec', fmtInt), v(off, 'getCurrentUserPerSec', fmtInt)],
  ];
}
const JSC_HEAD = ['ours on', 'Node (V8)', 'JSC, JIT', 'JSC --useJIT=false (as iOS WeChat runs wasm)'];

function terminalReport(r, rows) {
  const out = [];
  out.push(textTable(HEAD, rows.map(cells)));
  if (r.crossings && r.crossings.rows) out.push('', textTable(CROSS_HEAD, crossingsBody(r.crossings)));
  out.push('', textTable(JSC_HEAD, jscBody(r)));
  if (r.jsc && r.jsc.note) out.push('JSC: ' + r.jsc.note);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// SVG chart of the ratios (log scale, 1× in the middle)

function escXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function svgChart(rows, title) {
  const items = rows.filter((r) => r.chart && Number.isFinite(r.chart.value) && r.chart.value > 0).map((r) => Object.assign({ status: r.status }, r.chart));
  const labelW = 270;
  const plotW = 440;
  const rightPad = 90;
  const rowH = 34;
  const top = 58;
  const width = labelW + plotW + rightPad;
  const height = top + items.length * rowH + 56;
  const values = items.map((i) => i.value).concat(items.map((i) => i.target || 1), [1]);
  // Room beyond the extreme bars for their value labels.
  let lo = Math.floor(Math.log2(Math.min.apply(null, values)) - 0.6);
  let hi = Math.ceil(Math.log2(Math.max.apply(null, values)) + 0.6);
  lo = Math.min(lo, -2);
  hi = Math.max(hi, 2);
  const x = (v) => labelW + ((Math.log2(v) - lo) / (hi - lo)) * plotW;
  const s = [];
  s.push('<svg xmlns="http://www.w3.org/2000/svg" width="' + width + '" height="' + height + '" viewBox="0 0 ' + width + ' ' + height + '" font-family="Helvetica, Arial, sans-serif" font-size="12">');
  s.push('<rect width="100%" height="100%" fill="#ffffff"/>');
  s.push('<text x="' + width / 2 + '" y="22" text-anchor="middle" font-size="15" font-weight="bold">' + escXml(title) + '</text>');
  s.push('<text x="' + width / 2 + '" y="40" text-anchor="middle" fill="#555">how many times better genauth-wxapp-sdk is than authing-wxapp-sdk (log scale; right of 1× = better; dashes = target)</text>');
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
    const color = it.target === null ? '#7f8c8d' : it.value >= it.target ? '#2e8b57' : '#c0392b';
    s.push('<text x="' + (labelW - 8) + '" y="' + (mid + 4) + '" text-anchor="end">' + escXml(it.label) + '</text>');
    s.push('<rect x="' + Math.min(x0, x1).toFixed(1) + '" y="' + (y + 8) + '" width="' + Math.max(1, Math.abs(x1 - x0)).toFixed(1) + '" height="' + (rowH - 16) + '" fill="' + color + '"/>');
    const valueText = fmtRatio(it.value);
    const tx = x1 >= x0 ? x1 + 5 : x1 - 5;
    s.push('<text x="' + tx.toFixed(1) + '" y="' + (mid + 4) + '" text-anchor="' + (x1 >= x0 ? 'start' : 'end') + '" fill="' + color + '" font-weight="bold">' + valueText + '</text>');
    if (it.target !== null) {
      const xt = x(it.target).toFixed(1);
      s.push('<line x1="' + xt + '" y1="' + (y + 3) + '" x2="' + xt + '" y2="' + (y + rowH - 3) + '" stroke="#000" stroke-width="2" stroke-dasharray="4,3"/>');
      s.push('<text x="' + (labelW + plotW + rightPad - 6) + '" y="' + (mid + 4) + '" text-anchor="end" fill="#555">target ≥ ' + it.target + '×</text>');
    }
  });
  s.push('<text x="' + (labelW + plotW / 2) + '" y="' + (plotBottom + 36) + '" text-anchor="middle" fill="#555">green: target met · red: missed · grey: no target (information)</text>');
  s.push('</svg>');
  return s.join('\n') + '\n';
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
  out.push('Generated by `' + r.command + '` (from the repository root) on ' + r.date + '. Raw figures: `bench/results.json`; method: [bench/README.md](bench/README.md).');
  out.push('');
  out.push('**Machine:** ' + m.cpuModel + ', ' + m.cores + ' cores, ' + m.platform + ' ' + m.release + ', Node ' + m.node + ' (V8 ' + m.v8 + ').');
  out.push('**Compared:** genauth-wxapp-sdk ' + r.versions.ours + ' (this repository, `npm pack` of `pkg/`) and authing-wxapp-sdk ' + r.versions.peer + ' (npm), each as WeChat\'s own "build npm" (miniprogram-ci ' + r.versions.miniprogramCi + ' `packNpm`) ships it. Canned responses: ' + r.fixtures.source + '.');
  out.push('');
  out.push(markdownTable(HEAD, rows.map(cells)));
  out.push('');
  out.push('![Ratios: how many times better ours is, against the targets](bench/ratios.svg)');
  out.push('');
  if (r.crossings && r.crossings.rows) {
    out.push('## JS→wasm crossings per public method');
    out.push('');
    out.push('"Core calls" are calls of the wasm-bindgen `Core` class (the design allows one `prepare` and one `complete` per network round trip); "raw wasm export calls" also count the glue\'s helpers (string allocation and freeing).');
    out.push('');
    out.push(markdownTable(CROSS_HEAD, crossingsBody(r.crossings)));
    out.push('');
  }
  out.push('## On JavaScriptCore (the iOS engine)');
  out.push('');
  out.push('Ours only, through `tests/jsc/runner.js` `measureInJsc` (its own harness: a microtask `wx.request` with answers captured from the emulator, ' + (r.jsc && r.jsc.iterations ? fmtInt(r.jsc.iterations.jit) + ' timed calls per method with JIT, ' + fmtInt(r.jsc.iterations.noJit) + ' without' : 'not run') + '), beside the Node figures above.');
  out.push('');
  out.push(markdownTable(JSC_HEAD, jscBody(r)));
  if (r.jsc && r.jsc.note) out.push('', r.jsc.note);
  out.push('');
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

module.exports = { buildRows, terminalReport, svgChart, markdown, fmtBytes, fmtMs, fmtInt, fmtRatio };
