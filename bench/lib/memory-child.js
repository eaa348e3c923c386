'use strict';
// Item 4: memory of one SDK (one per process, run with --expose-gc): wasm linear memory (ours)
// and the JS heap after `gc()`, after a warm-up and after `calls` more calls (loginByCode and
// getCurrentUser alternating). Prints one JSON document.
//
//   node --expose-gc memory-child.js <ours|peer> <sdk dir> <fixtures.json> [calls]
//   (ours: the instrumented copy, see watchMemory)

const path = require('path');
const { createWx, requireAsInWeChat, readJson, APP_ID, HOST } = require('./common');

const which = process.argv[2];
const sdkDir = path.resolve(process.argv[3]);
const fixturesFile = process.argv[4];
const CALLS = Number(process.argv[5] || 100000);
const WARMUP = 2000;

if (typeof global.gc !== 'function') {
  process.stderr.write('run with node --expose-gc\n');
  process.exit(1);
}

const mock = createWx(readJson(fixturesFile));
global.wx = mock.wx;
mock.useStore(which);

function heap() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

async function calls(client, n, offset) {
  for (let i = 0; i < n; i++) {
    if ((i & 1) === 0) await client.loginByCode('bench-mem-' + (offset + i));
    else await client.getCurrentUser();
  }
}

/**
 * Ours runs from the instrumented copy (core.js hands its glue factory to ./bench-hook.js):
 * the hook hands the glue its own WebAssembly, whose instances are seen on the way, so the wasm
 * memory is found whatever the shim and the loader look like inside.
 */
let memory = null;
function watchMemory() {
  const hook = require(path.join(sdkDir, 'bench-hook.js'));
  const seen = (instance) => {
    const m = instance && instance.exports && instance.exports.memory;
    if (m && m.buffer) memory = m;
    return instance;
  };
  hook.factory = (factory, self, args) => {
    const list = Array.from(args);
    const W = list[0];
    const watched = Object.create(W);
    if (typeof W.Instance === 'function') {
      watched.Instance = function Instance(module, imports) {
        return seen(new W.Instance(module, imports));
      };
    }
    if (typeof W.instantiate === 'function') {
      watched.instantiate = (source, imports) =>
        Promise.resolve(W.instantiate(source, imports)).then((result) => {
          seen(result && result.instance ? result.instance : result);
          return result;
        });
    }
    list[0] = watched;
    return factory.apply(self, list);
  };
}

async function main() {
  if (which === 'ours') watchMemory();
  const { AuthenticationClient } = requireAsInWeChat(sdkDir);
  const wasmBytes = () => (memory ? memory.buffer.byteLength : null);
  const client = new AuthenticationClient({ appId: APP_ID, host: HOST });
  const wasmAtLoad = (await client.loginByCode('bench-mem-first'), wasmBytes());
  if (which === 'ours' && !memory) throw new Error('the wasm memory was not seen through core.js (is core.js still `module.exports = createBindings`?)');
  await calls(client, WARMUP, 0);
  const afterWarmup = { wasm: wasmBytes(), heap: heap() };
  const t0 = Date.now();
  // The wasm memory is sampled throughout, so that a growth undone later would still show.
  let wasmMax = afterWarmup.wasm;
  for (let done = 0; done < CALLS; done += 10000) {
    await calls(client, Math.min(10000, CALLS - done), WARMUP + done);
    if (memory) wasmMax = Math.max(wasmMax, wasmBytes());
  }
  const ms = Date.now() - t0;
  const after = { wasm: wasmBytes(), heap: heap() };
  process.stdout.write(
    JSON.stringify({
      sdk: which,
      warmupCalls: WARMUP,
      calls: CALLS,
      ms,
      wasmAtFirstLogin: wasmAtLoad,
      afterWarmup,
      after,
      wasmMax,
      wasmGrowth: memory ? after.wasm - afterWarmup.wasm : null,
      heapGrowth: after.heap - afterWarmup.heap,
      requests: mock.counters.requests,
    }) + '\n'
  );
}

main().catch((error) => {
  process.stderr.write('memory bench failed: ' + (error && (error.stack || JSON.stringify(error))) + '\n');
  process.exit(1);
});
