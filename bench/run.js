#!/usr/bin/env node
'use strict';
// One command that measures genauth-wxapp-sdk (this repository's pkg/) against
// authing-wxapp-sdk 4.3.22-alpha.7 (npm): size after WeChat's "build npm", start-up, per-call
// cost, memory, JS→wasm crossings, where one call of ours goes, and (when tests/jsc/runner.js
// and jsc are there) both SDKs in JavaScriptCore with and without JIT.
//
//   node bench/run.js        (from the repository root; see bench/README.md)
//
// Writes bench/results.json, bench/ratios.svg and BENCHMARKS.md. Times are reported, never
// asserted. Exit status: 0 = done; 1 = our core.wasm.br did not survive packNpm intact (or a raw
// .wasm was shipped); 2 = a measurement could not run (see its error).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const common = require('./lib/common');
const { makeFixtures } = require('./lib/fixtures');
const report = require('./lib/report');
const jsc = require('./lib/jsc');

const { BENCH_DIR, REPO_DIR, WORK_DIR, PKG_DIR, OURS, PEER, PEER_VERSION } = common;
const COMMAND = 'node bench/run.js';

// Sizes of the runs, chosen to keep the whole bench well under 5 minutes on 2 cores.
const STARTUP_RUNS = 30; // fresh processes per SDK, shipped build
const STARTUP_RUNS_NODE_MODULES = 15; // fresh processes per SDK, npm node_modules (information)
const PERCALL_ROUNDS = 5;
const PERCALL_BATCH_MS = 300;
const MEMORY_CALLS = 100000;
// JavaScriptCore: jsc processes per SDK and mode (each: one start-up sample, `rounds` rounds per
// method of about `batchMs`), and the breakdown of ours without JIT.
const JSC_SIZES = {
  processes: 5,
  noJit: { warmup: 20, rounds: 2, batchMs: 200, minN: 20, maxN: 20000, timeoutMs: 120000 },
  jit: { warmup: 300, rounds: 2, batchMs: 150, minN: 100, maxN: 50000, timeoutMs: 120000 },
  breakdown: { warmup: 20, calls: 40, rounds: 5, calibration: 4000, timeoutMs: 120000 },
};
const JSC_TIMEOUT_MS = 420000;
const BREAKDOWN_NODE = { calls: 600, warmup: 1500, rounds: 5 };

const t0 = Date.now();
function log(line) {
  process.stderr.write('[bench ' + ((Date.now() - t0) / 1000).toFixed(1).padStart(5) + ' s] ' + line + '\n');
}

const errors = [];
function failed(what, error) {
  const message = String((error && (error.stderrText || error.message)) || error).trim();
  errors.push({ what, message });
  log(what + ' FAILED: ' + message.split('\n').slice(0, 12).join('\n    '));
}

// ---------------------------------------------------------------------------------------------
// Dependencies: bench/node_modules only, installed when missing.

function installed(name, version) {
  try {
    const pj = common.readJson(path.join(BENCH_DIR, 'node_modules', name, 'package.json'));
    return version ? pj.version === version : true;
  } catch (e) {
    return false;
  }
}

function ensureDependencies() {
  const wanted = common.readJson(path.join(BENCH_DIR, 'package.json')).dependencies;
  const missing = Object.keys(wanted).filter((name) => !installed(name, wanted[name]));
  if (!missing.length) return;
  const lock = fs.existsSync(path.join(BENCH_DIR, 'package-lock.json'));
  const args = [lock ? 'ci' : 'install', '--prefix', BENCH_DIR, '--no-audit', '--no-fund'];
  log('installing ' + missing.join(', ') + ' into bench/node_modules: npm ' + args.join(' '));
  execFileSync('npm', args, { cwd: BENCH_DIR, stdio: ['ignore', 'ignore', 'inherit'] });
}

// ---------------------------------------------------------------------------------------------
// Child processes

const LIB = path.join(BENCH_DIR, 'lib');

function runChild(script, args, nodeArgs) {
  try {
    const out = execFileSync(process.execPath, (nodeArgs || []).concat([path.join(LIB, script)], args), {
      cwd: BENCH_DIR,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = out.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  } catch (error) {
    if (error.stderr) error.stderrText = String(error.stderr) + String(error.stdout || '');
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Machine

function machine() {
  let cpuModel = (os.cpus()[0] && os.cpus()[0].model) || 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch (e) {
    // Not Linux: os.cpus() it is.
  }
  return {
    cpuModel,
    cores: os.cpus().length,
    node: process.version,
    v8: process.versions.v8,
    platform: os.platform() + '/' + os.arch(),
    release: os.release(),
    totalMemory: os.totalmem(),
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements

async function measureWeight() {
  const { measureWeight: run } = require('./lib/weight');
  return run(log);
}

function measureStartup(pairs, runs) {
  const samples = { ours: [], peer: [] };
  const fixtures = path.join(WORK_DIR, 'fixtures.json');
  for (let i = 0; i < runs; i++) {
    // Alternate which SDK goes first, so that drift in the machine affects both alike.
    const order = i % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
    for (const name of order) samples[name].push(runChild('startup-child.js', [pairs[name], fixtures]));
  }
  const out = {};
  for (const name of ['ours', 'peer']) {
    const first = samples[name].map((x) => x.firstRequestMs);
    out[name] = {
      dir: path.relative(REPO_DIR, pairs[name]),
      summary: common.summary(first),
      requireMs: common.summary(samples[name].map((x) => x.requireMs)),
      samples: samples[name],
    };
  }
  return out;
}

function measurePerCall(dirs) {
  const raw = runChild('percall-child.js', [dirs.ours, dirs.peer, path.join(WORK_DIR, 'fixtures.json'), String(PERCALL_ROUNDS), String(PERCALL_BATCH_MS)]);
  const summary = {};
  for (const [op, v] of Object.entries(raw.results)) {
    const ours = common.percentile(v.rounds.ours.map((x) => x.perSec), 50);
    const peer = common.percentile(v.rounds.peer.map((x) => x.perSec), 50);
    summary[op] = {
      n: v.n,
      rounds: v.rounds.ours.length,
      ours,
      peer,
      ratio: ours / peer,
      oursMicrosPerCall: 1e6 / ours,
      peerMicrosPerCall: 1e6 / peer,
      requestsPerCall: { ours: v.rounds.ours[0].requests / v.n, peer: v.rounds.peer[0].requests / v.n },
      wxGetRandomValuesPerCall: { ours: v.rounds.ours[0].wxGetRandomValues / v.n, peer: v.rounds.peer[0].wxGetRandomValues / v.n },
    };
  }
  return Object.assign({ summary }, raw);
}

function measureMemory(dirs) {
  const fixtures = path.join(WORK_DIR, 'fixtures.json');
  const out = {};
  for (const name of ['ours', 'peer']) {
    log('memory: ' + name + ', ' + MEMORY_CALLS.toLocaleString('en-US') + ' calls');
    out[name] = runChild('memory-child.js', [name, dirs[name], fixtures, String(MEMORY_CALLS)], ['--expose-gc']);
  }
  return out;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(what + ' timed out after ' + ms / 1000 + ' s')), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

function jscVersion() {
  try {
    const v = execFileSync('dpkg-query', ['-W', '-f=${Version}', 'libjavascriptcoregtk-4.0-bin'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return v ? 'jsc of libjavascriptcoregtk-4.0-bin ' + v : null;
  } catch (e) {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const r = { command: COMMAND, date: new Date().toISOString(), machine: machine(), notes: [] };
  log('machine: ' + r.machine.cpuModel + ', ' + r.machine.cores + ' cores, Node ' + r.machine.node);
  ensureDependencies();
  r.versions = {
    ours: common.readJson(path.join(PKG_DIR, 'package.json')).version,
    peer: PEER_VERSION,
    miniprogramCi: common.readJson(path.join(BENCH_DIR, 'node_modules', 'miniprogram-ci', 'package.json')).version,
  };
  fs.mkdirSync(WORK_DIR, { recursive: true });

  const fixtures = await makeFixtures();
  common.writeJson(path.join(WORK_DIR, 'fixtures.json'), fixtures);
  r.fixtures = { source: fixtures.source, bytes: Object.fromEntries(Object.entries(fixtures).filter(([k]) => k !== 'source').map(([k, v]) => [k, Buffer.byteLength(v)])) };
  log('canned bodies from ' + fixtures.source);

  // 1. Weight, and the core.wasm.br check.
  log('weight: two mini programs, npm install, miniprogram-ci packNpm');
  const { RUN_DIR, MP_DIR } = require('./lib/weight');
  try {
    const w = await measureWeight();
    r.weight = { ours: w.ours, peer: w.peer };
    r.wasmCheck = w.wasm;
  } catch (error) {
    failed('weight (packNpm)', error);
    r.wasmCheck = { ok: false, problems: ['the weight step failed before the check: ' + String(error.message || error).split('\n')[0]] };
  }
  // What runs below: the packNpm output (what WeChat ships), or the package itself as a fallback.
  const shipped = {
    ours: path.join(RUN_DIR, 'ours', 'node_modules', OURS),
    peer: path.join(RUN_DIR, 'peer', 'node_modules', PEER),
  };
  if (!fs.existsSync(path.join(shipped.ours, 'index.js'))) {
    shipped.ours = path.join(PKG_DIR, 'miniprogram_dist');
    r.notes.push('Our packNpm output was not available: the runtime figures use pkg/miniprogram_dist directly.');
  }
  if (!fs.existsSync(path.join(shipped.peer, 'index.js'))) {
    shipped.peer = path.join(BENCH_DIR, 'node_modules', PEER);
    r.notes.push("The peer's packNpm output was not available: its runtime figures use bench/node_modules/authing-wxapp-sdk.");
  }
  r.runtimeDirs = { ours: path.relative(REPO_DIR, shipped.ours), peer: path.relative(REPO_DIR, shipped.peer) };
  // Ours once more, with core.js handing its glue factory to the bench (nothing else changed):
  // what the memory, crossings and breakdown children look inside through.
  const instrumented = jsc.INSTRUMENTED_DIR;
  r.instrumentedCopy = Object.assign({ dir: path.relative(REPO_DIR, instrumented) }, jsc.instrumentedCopy(shipped.ours, instrumented));

  // 2. Start-up.
  try {
    log('start-up: ' + STARTUP_RUNS + ' fresh processes per SDK (shipped build)');
    r.startup = { shipped: measureStartup(shipped, STARTUP_RUNS) };
    const nm = { ours: path.join(MP_DIR, 'ours', 'node_modules', OURS), peer: path.join(MP_DIR, 'peer', 'node_modules', PEER) };
    if (fs.existsSync(nm.ours) && fs.existsSync(nm.peer)) {
      log('start-up: ' + STARTUP_RUNS_NODE_MODULES + ' fresh processes per SDK (npm node_modules)');
      r.startup.nodeModules = measureStartup(nm, STARTUP_RUNS_NODE_MODULES);
    }
  } catch (error) {
    failed('start-up', error);
  }

  // 3. Per-call cost.
  try {
    log('per call: ' + PERCALL_ROUNDS + ' alternating rounds per method, one process');
    r.perCall = measurePerCall(shipped);
  } catch (error) {
    failed('per-call', error);
  }

  // 4. Memory.
  try {
    r.memory = measureMemory({ ours: instrumented, peer: shipped.peer });
  } catch (error) {
    failed('memory', error);
  }

  // 5. Crossings.
  try {
    log('JS→wasm crossings per method');
    r.crossings = runChild('crossings-child.js', [instrumented, path.join(WORK_DIR, 'fixtures.json')]);
  } catch (error) {
    failed('crossings', error);
  }

  // 6. Where one call of ours goes, in Node (an instrumented copy of the shipped package).
  try {
    log('breakdown of one call of ours in Node (instrumented copy)');
    r.breakdown = runChild('breakdown-child.js', [instrumented, path.join(WORK_DIR, 'fixtures.json'), String(BREAKDOWN_NODE.calls), String(BREAKDOWN_NODE.warmup), String(BREAKDOWN_NODE.rounds)]);
  } catch (error) {
    r.breakdown = { error: String((error && (error.stderrText || error.message)) || error).trim() };
    log('breakdown (Node) failed: ' + r.breakdown.error.split('\n')[0]);
  }

  // 7. JavaScriptCore: both SDKs, with and without JIT, and the breakdown without JIT.
  try {
    const peerPackageDir = fs.existsSync(path.join(MP_DIR, 'peer', 'node_modules', PEER, 'package.json'))
      ? path.join(MP_DIR, 'peer', 'node_modules', PEER)
      : path.join(BENCH_DIR, 'node_modules', PEER);
    r.jsc = await withTimeout(jsc.measureJsc({ oursDir: shipped.ours, peerPackageDir, fixtures, sizes: JSC_SIZES, log }), JSC_TIMEOUT_MS, 'JavaScriptCore');
    if (r.jsc.available) r.jsc.jscVersion = jscVersion();
    else log('JavaScriptCore: ' + r.jsc.note);
    for (const [key, label] of [['noJit', 'without JIT'], ['jit', 'with JIT']]) {
      for (const sdk of ['ours', 'peer']) {
        const x = r.jsc[key] && r.jsc[key][sdk];
        if (x && x.error) failed('JavaScriptCore ' + label + ' (' + sdk + ')', x.error);
      }
    }
    for (const sdk of ['ours', 'peer']) {
      const x = r.jsc.key1024 && r.jsc.key1024[sdk];
      if (x && x.error) log('JavaScriptCore, 1024-bit key (' + sdk + ', information) failed: ' + x.error.split('\n')[0]);
    }
    if (r.jsc.breakdown && r.jsc.breakdown.error) log('breakdown (JavaScriptCore) failed: ' + r.jsc.breakdown.error.split('\n')[0]);
  } catch (error) {
    r.jsc = { available: false, note: 'n/a: ' + error.message };
    log('JavaScriptCore: ' + r.jsc.note);
  }

  r.notes.push(...methodNotes(r));
  r.errors = errors;
  r.rows = report.buildRows(r);
  r.elapsedSeconds = (Date.now() - t0) / 1000;

  common.writeJson(path.join(BENCH_DIR, 'results.json'), r);
  fs.writeFileSync(path.join(BENCH_DIR, 'ratios.svg'), report.svgChart(r.rows, 'genauth-wxapp-sdk vs authing-wxapp-sdk ' + PEER_VERSION));
  fs.writeFileSync(path.join(REPO_DIR, 'BENCHMARKS.md'), report.markdown(r, r.rows));

  process.stdout.write('\n' + report.terminalReport(r, r.rows) + '\n\n');
  process.stdout.write('Machine: ' + r.machine.cpuModel + ', ' + r.machine.cores + ' cores, Node ' + r.machine.node + '; ' + r.date + '; ' + r.elapsedSeconds.toFixed(0) + ' s\n');
  process.stdout.write('Wrote bench/results.json, bench/ratios.svg, BENCHMARKS.md\n');

  if (!r.wasmCheck || !r.wasmCheck.ok) {
    process.stdout.write('\nFAILED: core.wasm.br after packNpm: ' + ((r.wasmCheck && r.wasmCheck.problems.join('; ')) || 'not checked') + '\n');
    process.exitCode = 1;
  } else if (errors.length) {
    process.stdout.write('\nIncomplete: ' + errors.map((e) => e.what).join(', ') + ' could not run (see above and results.json "errors").\n');
    process.exitCode = 2;
  }
}

function methodNotes(r) {
  const notes = [
    'Each SDK is measured as WeChat ships it: the `miniprogram_npm/` that miniprogram-ci `packNpm` produced, copied to a `node_modules/` folder so Node can `require` it. Ours is copied verbatim (its `miniprogram` field); the peer has no `miniprogram` field, so packNpm bundles it and each of its dependencies into one `index.js` per package (plus a `.map`).',
    'Sizes count every file under `miniprogram_npm/` except source maps, which WeChat leaves out of the code-package size; gzip is `gzip -9` of each file alone, summed (`.wasm.br` is already Brotli and barely shrinks).',
    'The canned `wx` (bench/lib/common.js) answers `wx.request` on the next turn of the event loop (`setImmediate`) for both SDKs, from the same routes (bench/lib/route.js). Like WeChat, it hands the body as bytes for `responseType: \'arraybuffer\'`, as text when `dataType` is not `json`, and as a freshly parsed object otherwise (the peer passes no `dataType`, and WeChat\'s default is `json`); storage keeps serialized copies, as WeChat does. Both SDKs therefore pay for the same JSON work, in the SDK (ours) or in the host (peer).',
    'The peer in Node: its HTTP client `wx-axios` picks the Node `http` adapter whenever `Object.prototype.toString.call(process)` is `[object process]`, and `wx.request` otherwise. During `require` only, the bench sets `process[Symbol.toStringTag]` to another value, for both SDKs, so the peer takes its WeChat path; nothing else of `wx` is needed beyond `request`, `login`, `getStorageSync`, `setStorageSync` and `removeStorageSync` (and, for ours, `getRandomValues`).',
    'Start-up: a fresh Node process per sample, SDKs alternating; the clock starts just before `require` and stops inside `wx.request` when `loginByCode(code)` hands over its first request (ours: reading, Brotli-decompressing, compiling and instantiating the wasm included). Node\'s own start is not included.',
    'Per call in Node: both SDKs in one process, each logged in; per method a warm-up of 1,500 calls each, then ' + PERCALL_ROUNDS + ' rounds alternating ours then peer, each round N awaited calls (N sized so that a round of the slower SDK lasts about ' + PERCALL_BATCH_MS + ' ms); the figure is the median round, as µs per call (`logout+loginByCode`: per pair). The headline is the geometric mean of `loginByCode` and `getCurrentUser`, in Node and in JavaScriptCore alike.',
    'In JavaScriptCore: the peer is bundled from the npm install that packNpm read (`bench/work/mp/peer/node_modules`) rather than taken from the packNpm output, whose packages find each other through WeChat\'s module table; the bundle holds every module the peer requires (Node built-ins stay unresolved `require` calls, reached only on Node code paths) and is smaller than what packNpm ships (which also carries packages nothing requires, jsencrypt for one), so if anything the peer\'s jsc start-up is on the light side. The harness gives both SDKs the same globals (`wx`, `WXWebAssembly`, timers, `console`), nothing else; the peer needs no more. Start-up is timed from just before the first `require` in a fresh jsc process to the first `wx.request`; the harness writes each module to a temporary file and `load`s it, for both. Our `.wasm.br` is decompressed by the parent before the clock starts (jsc has no Brotli; WeChat decodes it natively); compiling and instantiating it are timed. A process of the peer alone passes every harness check but "the package loaded its wasm", which the bench does not ask of it.',
    'The breakdowns time an instrumented copy of ours (bench/work/instrumented/): in Node ' + BREAKDOWN_NODE.rounds + ' rounds of ' + BREAKDOWN_NODE.calls.toLocaleString('en-US') + ' calls per method after ' + BREAKDOWN_NODE.warmup.toLocaleString('en-US') + ' warm-up calls (a tenth of both for loginByEmail), in jsc without JIT ' + JSC_SIZES.breakdown.rounds + ' rounds of ' + JSC_SIZES.breakdown.calls + ' after ' + JSC_SIZES.breakdown.warmup + '; the median round is shown. Wrapping costs time, most in Node where a call is short: read the parts as shares of the instrumented call.',
    'Memory: one process per SDK with `--expose-gc`; `heapUsed` after four `gc()` calls, after a warm-up of 2,000 calls and after ' + MEMORY_CALLS.toLocaleString('en-US') + ' more (loginByCode and getCurrentUser alternating); the wasm memory (`memory.buffer.byteLength` of the instance the glue made, seen through the instrumented copy) is also sampled every 10,000 calls.',
  ];
  notes.push(passwordNote(r));
  if (r.weight && r.weight.peer && r.weight.peer.files) {
    const names = r.weight.peer.files.filter((f) => f.path.endsWith('/index.js')).map((f) => f.path.split('/')[0]);
    notes.push('packNpm output of the peer: ' + names.join(', ') + ' (' + report.fmtBytes(r.weight.peer.mapBytes) + ' of source maps besides). Of ours: ' + r.weight.ours.files.map((f) => f.path.split('/').pop() + ' ' + report.fmtBytes(f.bytes)).join(', ') + '.');
  }
  if (r.perCall && r.perCall.summary) {
    const parts = Object.entries(r.perCall.summary).map(([op, v]) => op + ' ' + Math.round(v.ours).toLocaleString('en-US') + ' vs ' + Math.round(v.peer).toLocaleString('en-US'));
    notes.push('The same Node per-call figures as calls per second (ours vs peer): ' + parts.join('; ') + '.');
  }
  if (r.jsc && r.jsc.peerBundle && r.jsc.peerBundle.externalsLeft.length) {
    notes.push('Node built-ins left as `require` calls in the peer bundle (never reached in jsc): ' + r.jsc.peerBundle.externalsLeft.join(', ') + '.');
  }
  return notes;
}

/** How loginByEmail and updateProfile are measured: the key, the random bytes, what is timed. */
function passwordNote(r) {
  const pc = r.perCall && r.perCall.summary;
  const perCall = (where, x) => (x && x.wxGetRandomValuesPerCall ? where + ' ' + x.wxGetRandomValuesPerCall.ours + ' per call' : null);
  const jscOurs = r.jsc && r.jsc.noJit && r.jsc.noJit.ours && r.jsc.noJit.ours.ops && r.jsc.noJit.ours.ops.loginByEmail;
  const counted = [perCall('Node', pc && pc.loginByEmail), jscOurs ? 'jsc ' + jscOurs.wxGetRandomValuesPerCall + ' per call' : null].filter(Boolean).join(', ');
  return (
    '`loginByEmail(email, password)` and `updateProfile({nickname})`: GraphQL `loginByEmail` answers a user with a token, `updateUser` a user (both recorded from the emulator, for an e-mail user it seeded), and `GET /api/v2/.well-known` `{code: 200, data: {publicKey}}` with the repository\'s **2048-bit** test key (tests/fixtures/test-rsa-public.pem). GenAuth\'s own key may be 1024-bit (SPKI starting "MIGf"), which costs less to use: 2048 is the conservative case (one row of the JavaScriptCore table times loginByEmail with a fresh 1024-bit key, for information). ' +
    'Both SDKs fetch the key once per client (the peer through its PublicKeyManager, ours in the core); the timed calls are the steady state, key cached, and the first call of a client (the fetch included) is timed apart. The peer builds a JSEncrypt and parses the PEM on every call (its `encryptFunction`); ours reads the key once per client. ' +
    'Random bytes for the padding: ours asks `wx.getRandomValues` (in Node the fake `wx`\'s, bytes from Node\'s `crypto.getRandomValues`, answered on the next turn of the event loop; in jsc the harness\'s seeded generator, answered on a microtask' +
    (counted ? '; counted: ' + counted : '') +
    '); the peer\'s JSEncrypt never calls it: it seeds its own generator (Arcfour) from `Math.random`, its `window` being an empty object.'
  );
}

main().catch((error) => {
  process.stderr.write('bench failed: ' + (error && (error.stack || error)) + '\n');
  process.exitCode = 2;
});
