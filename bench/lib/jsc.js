'use strict';
// Item 6: both SDKs inside JavaScriptCore (`jsc`, the iOS engine), with and without JIT,
// through tests/jsc/runner.js `runScenario` (its WeChat-like logic layer: define()-wrapped
// modules, `wx`, `WXWebAssembly`, no WebAssembly/TextEncoder/process globals). The bench brings
// its own scenario (lib/jsc-scenario.js), the canned bodies, and the peer bundled into one file
// by esbuild (it ships as several packNpm bundles that find each other through WeChat's
// module table, which jsc's harness does not have). Everything is written to bench/work/jsc/.
//
// One SDK per jsc process: a process gives one start-up sample and `rounds` timed rounds per
// method; processes alternate ours/peer. Then one more process of ours without JIT, on an
// instrumented copy of the package, for the per-method breakdown (lib/profiler.js).

const fs = require('fs');
const path = require('path');
const { builtinModules } = require('module');
const { REPO_DIR, BENCH_DIR, WORK_DIR, APP_ID, HOST, percentile, summary } = require('./common');
const { EMAIL, PASSWORD } = require('./fixtures');

const JSC_DIR = path.join(WORK_DIR, 'jsc');
const INSTRUMENTED_DIR = path.join(WORK_DIR, 'instrumented', 'genauth-wxapp-sdk');
const PEER_BUNDLE = 'authing-wxapp-sdk.js';
const RUNNER = path.join(REPO_DIR, 'tests', 'jsc', 'runner.js');

/** The runner, or why it cannot be used. */
function loadRunner() {
  if (!fs.existsSync(RUNNER)) return { note: 'n/a: tests/jsc/runner.js does not exist' };
  let runner;
  try {
    runner = require(RUNNER);
  } catch (error) {
    return { note: 'n/a: tests/jsc/runner.js failed to load: ' + error.message };
  }
  if (typeof runner.runScenario !== 'function') return { note: 'n/a: tests/jsc/runner.js does not export runScenario' };
  try {
    if (typeof runner.checkJsc === 'function') runner.checkJsc();
  } catch (error) {
    return { note: 'n/a: ' + error.message.split('\n')[0] };
  }
  return { runner };
}

/**
 * The peer as one CommonJS file: esbuild bundles the npm package (the same install packNpm
 * read) with every dependency; Node's built-ins stay `require` calls, reached only on the
 * Node code paths (axios' http adapter), as in WeChat. No definitions, no polyfills.
 */
function bundlePeer(peerPackageDir, outFile) {
  const esbuild = require(path.join(BENCH_DIR, 'node_modules', 'esbuild'));
  const entry = require.resolve(peerPackageDir);
  const external = builtinModules.concat(builtinModules.map((m) => 'node:' + m));
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    target: 'es2017',
    platform: 'neutral',
    mainFields: ['main'], // packNpm reads `miniprogram`, then `main`; none of these has the former
    external,
    outfile: outFile,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const inputs = Object.keys(result.metafile.inputs);
  return {
    esbuild: esbuild.version,
    options: "--bundle --format=cjs --target=es2017 --platform=neutral --main-fields=main --external:<Node built-ins>",
    entry: path.relative(REPO_DIR, entry),
    bytes: fs.statSync(outFile).size,
    modules: inputs.length,
    warnings: result.warnings.map((w) => w.text),
    externalsLeft: [...new Set((fs.readFileSync(outFile, 'utf8').match(/\brequire\("([^"]+)"\)/g) || []).map((s) => s.slice(9, -2)))].sort(),
  };
}

/**
 * A copy of our package whose core.js hands its glue factory to ./bench-hook.js: the only
 * change, appended, so that the profiler sees the factory's arguments and result whatever the
 * glue and the shim look like inside.
 */
function instrumentedCopy(fromDir, toDir) {
  fs.rmSync(toDir, { recursive: true, force: true });
  fs.mkdirSync(toDir, { recursive: true });
  for (const name of fs.readdirSync(fromDir)) {
    const from = path.join(fromDir, name);
    if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(toDir, name));
  }
  const core = path.join(toDir, 'core.js');
  if (!fs.existsSync(core)) return { hooked: false, note: 'the package has no core.js' };
  fs.appendFileSync(
    core,
    "\n;(function(){var f=module.exports;if(typeof f!=='function')return;var hook=require('./bench-hook.js');" +
      'module.exports=function(){return hook.factory(f,this,arguments)}})();\n'
  );
  fs.writeFileSync(path.join(toDir, 'bench-hook.js'), "'use strict';module.exports={factory:function(f,self,args){return f.apply(self,args)}};\n");
  return { hooked: true };
}

/** bench/work/jsc/: the scenario, its helpers, the canned bodies and the peer bundle. */
function prepare({ fixtures, peerPackageDir }) {
  fs.rmSync(JSC_DIR, { recursive: true, force: true });
  fs.mkdirSync(JSC_DIR, { recursive: true });
  for (const file of ['jsc-scenario.js', 'route.js', 'profiler.js']) fs.copyFileSync(path.join(__dirname, file), path.join(JSC_DIR, file));
  const bodies = {};
  for (const key of ['login', 'user', 'checkLoginStatus', 'logout', 'wellKnown', 'loginByEmail', 'updateUser']) bodies[key] = fixtures[key];
  // jsc's readFile decodes UTF-8, so the bodies stay byte for byte what Node's fake wx serves.
  fs.writeFileSync(path.join(JSC_DIR, 'fixtures.js'), 'module.exports = ' + JSON.stringify(bodies, null, 1) + ';\n');
  return bundlePeer(peerPackageDir, path.join(JSC_DIR, PEER_BUNDLE));
}

// The auto-check a process of the peer alone cannot pass: it has no wasm.
const WASM_CHECK = /WXWebAssembly\.instantiate/;

async function runOne(runner, { jit, sdk, packageDir, params, timeoutMs }) {
  // The runner wants an emulator; every answer here is canned, so a stand-in that refuses.
  const emulator = {
    url: HOST,
    mintCode() {
      throw new Error('the bench answers from canned bodies');
    },
  };
  const result = await runner.runScenario({
    jit,
    scenario: path.join(JSC_DIR, 'jsc-scenario.js'),
    packageDir,
    emulator,
    params: Object.assign({ sdk, appId: APP_ID, host: HOST, email: EMAIL, password: PASSWORD }, params),
    timeoutMs,
  });
  const failed = result.checks.filter((c) => !c.pass && !(sdk === 'peer' && c.auto && WASM_CHECK.test(c.name)));
  if (result.error || failed.length || !result.result) {
    const lines = [];
    if (result.error) lines.push('scenario error: ' + result.error.message + '\n' + (result.error.stack || ''));
    for (const c of failed) lines.push('FAILED: ' + c.name + (c.details ? ' — ' + c.details : ''));
    for (const l of result.logs.slice(-10)) lines.push('[' + l.level + '] ' + l.text);
    throw new Error('jsc (' + (jit ? 'JIT' : 'no JIT') + ', ' + sdk + ') failed:\n' + lines.join('\n'));
  }
  return result.result;
}

function summarize(samples) {
  const out = { processes: samples.length, startup: summary(samples.map((s) => s.startupMs)), requireMs: summary(samples.map((s) => s.requireMs)), ops: {} };
  for (const op of Object.keys(samples[0].ops)) {
    const rounds = [].concat(...samples.map((s) => s.ops[op].rounds));
    const micros = rounds.map((r) => (r.ms * 1000) / r.n);
    out.ops[op] = {
      rounds: rounds.length,
      n: rounds[0].n,
      microsPerCall: percentile(micros, 50),
      microsP10: percentile(micros, 10),
      microsP90: percentile(micros, 90),
      perSec: 1e6 / percentile(micros, 50),
      requestsPerCall: rounds[0].requests / rounds[0].n,
      wxGetRandomValuesPerCall: rounds[0].wxGetRandomValues / rounds[0].n,
    };
  }
  const first = samples.map((s) => s.firstLoginByEmail).filter(Boolean);
  if (first.length) {
    out.firstLoginByEmail = Object.assign(summary(first.map((f) => f.ms)), { requests: first[0].requests, wxGetRandomValues: first[0].wxGetRandomValues });
  }
  return out;
}

/**
 * @param {object} o
 * @param {string} o.oursDir our shipped package folder (packNpm output)
 * @param {string} o.peerPackageDir the peer's npm package (its node_modules holds its deps)
 * @param {object} o.fixtures the canned bodies
 * @param {object} o.sizes {processes, jit: {warmup, rounds, batchMs}, noJit: {...}, breakdown: {...}}
 * @param {function} o.log
 */
async function measureJsc({ oursDir, peerPackageDir, fixtures, sizes, log }) {
  const { runner, note } = loadRunner();
  if (!runner) return { available: false, note };
  const out = { available: true, sizes, packageDir: path.relative(REPO_DIR, oursDir) };
  out.peerBundle = prepare({ fixtures, peerPackageDir });
  log('JavaScriptCore: peer bundled by esbuild ' + out.peerBundle.esbuild + ' into ' + path.relative(REPO_DIR, path.join(JSC_DIR, PEER_BUNDLE)) + ' (' + out.peerBundle.bytes + ' B, ' + out.peerBundle.modules + ' modules)');
  for (const [key, jit] of [['noJit', false], ['jit', true]]) {
    const s = sizes[key];
    const samples = { ours: [], peer: [] };
    const errors = {};
    log('JavaScriptCore, ' + (jit ? 'JIT' : 'no JIT') + ': ' + sizes.processes + ' processes per SDK, alternating');
    for (let i = 0; i < sizes.processes; i++) {
      const order = i % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
      for (const sdk of order) {
        if (errors[sdk]) continue; // one failure is enough: the other SDK goes on
        const params = { mode: 'time', warmup: s.warmup, rounds: s.rounds, batchMs: s.batchMs, minN: s.minN, maxN: s.maxN };
        try {
          samples[sdk].push(await runOne(runner, { jit, sdk, packageDir: oursDir, params, timeoutMs: s.timeoutMs }));
        } catch (error) {
          errors[sdk] = String(error.message || error);
          log('JavaScriptCore, ' + (jit ? 'JIT' : 'no JIT') + ', ' + sdk + ' failed: ' + errors[sdk].split('\n').slice(0, 3).join(' | '));
        }
      }
    }
    out[key] = { samples };
    for (const sdk of ['ours', 'peer']) {
      out[key][sdk] = errors[sdk] ? { error: errors[sdk] } : summarize(samples[sdk]);
      if (errors[sdk]) out.note = (out.note ? out.note + '; ' : '') + sdk + ', ' + (jit ? 'JIT' : 'no JIT') + ': ' + errors[sdk].split('\n').slice(0, 2).join(' ');
    }
  }
  // Information: loginByEmail without JIT with a 1024-bit key (GenAuth's may be one), one
  // process per SDK.
  if (fixtures.wellKnown1024) {
    const s = sizes.noJit;
    out.key1024 = {};
    log('JavaScriptCore, no JIT: loginByEmail with a 1024-bit key, 1 process per SDK');
    for (const sdk of ['ours', 'peer']) {
      const params = { mode: 'time', ops: ['loginByEmail'], wellKnown: fixtures.wellKnown1024, warmup: s.warmup, rounds: s.rounds, batchMs: s.batchMs, minN: s.minN, maxN: s.maxN };
      try {
        out.key1024[sdk] = summarize([await runOne(runner, { jit: false, sdk, packageDir: oursDir, params, timeoutMs: s.timeoutMs })]);
      } catch (error) {
        out.key1024[sdk] = { error: String(error.message || error) };
      }
    }
  }
  // The breakdown of ours without JIT.
  try {
    const copy = instrumentedCopy(oursDir, INSTRUMENTED_DIR);
    log('JavaScriptCore, no JIT: breakdown of ours (instrumented copy)');
    const b = sizes.breakdown;
    const params = { mode: 'breakdown', warmup: b.warmup, calls: b.calls, rounds: b.rounds, calibration: b.calibration };
    out.breakdown = Object.assign({ copy }, await runOne(runner, { jit: false, sdk: 'ours', packageDir: INSTRUMENTED_DIR, params, timeoutMs: b.timeoutMs }));
  } catch (error) {
    out.breakdown = { error: String(error.message || error) };
  }
  return out;
}

module.exports = { measureJsc, instrumentedCopy, bundlePeer, INSTRUMENTED_DIR, JSC_DIR };
