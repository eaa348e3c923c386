'use strict';
// Runs the built package on JavaScriptCore (`jsc`, the iOS WeChat engine), with or without JIT.
// See README.md in this folder. Node side of the bridge that bootstrap.js speaks.

const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const https = require('https');
const os = require('os');
const path = require('path');
const zlib = require('zlib');

const JSC = process.env.JSC || '/usr/bin/jsc';
const BOOTSTRAP = path.join(__dirname, 'bootstrap.js');
const MEASURE_SCENARIO = path.join(__dirname, 'measure.js');
const DEFAULT_PACKAGE_DIR = path.resolve(__dirname, '../../pkg/miniprogram_dist');
const PACKAGE_FILES = ['index.js', 'loader.js', 'wx.js', 'utf8.js', 'core.js', 'core.wasm.br'];
const MAIN_WECHAT_APP_ID = 'wx1234567890abcdef';
const EMULATOR_METHODS = ['injectFault', 'clearFaults', 'users', 'mintCode', 'encryptFor', 'setClockOffset'];

let runCounter = 0;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Fails with a clear message when /usr/bin/jsc (Debian: libjavascriptcoregtk-4.0-bin) is missing. */
function checkJsc() {
  try {
    fs.accessSync(JSC, fs.constants.X_OK);
  } catch (e) {
    throw new Error(
      `${JSC} not found: install JavaScriptCore's shell (as root: apt-get update && apt-get install -y libjavascriptcoregtk-4.0-bin)`
    );
  }
}

/**
 * Copies the package folder to `dest`, so that a rebuild of pkg/ during the run cannot mix two
 * builds. Files that are briefly missing (a rebuild in progress) are waited for, up to 30 s.
 */
async function snapshotPackage(packageDir, dest) {
  fs.mkdirSync(dest, { recursive: true });
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const names = fs.readdirSync(packageDir);
      const missing = PACKAGE_FILES.filter((name) => !names.includes(name));
      if (missing.length) throw Object.assign(new Error(`${packageDir} lacks ${missing.join(', ')}`), { code: 'ENOENT' });
      for (const name of names) {
        const from = path.join(packageDir, name);
        if (fs.statSync(from).isFile()) fs.copyFileSync(from, path.join(dest, name));
      }
      return;
    } catch (e) {
      if (e.code !== 'ENOENT' || Date.now() > deadline) throw e;
      await sleep(500);
    }
  }
}

/**
 * One real HTTP exchange for `api` (`request`, `uploadFile`), answered the way WeChat reports
 * it: `{statusCode, data: <body text>, header}` for any status, `{fail: '<api>:fail …'}`
 * otherwise (a bad url, a connection error, no answer within `options.timeout`). `build(url)`
 * gives the `{method, headers, body}` to send (`body` null for none).
 */
function exchange(api, options, build) {
  return new Promise((resolve) => {
    let settled = false;
    let timer = null;
    const finish = (answer) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(answer);
    };
    let url;
    try {
      url = new URL(options.url);
    } catch (e) {
      return finish({ fail: `${api}:fail invalid url "${options.url}"` });
    }
    const { method, headers, body } = build(url);
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => finish({ statusCode: res.statusCode, data: Buffer.concat(chunks).toString('utf8'), header: res.headers }));
      res.on('error', (e) => finish({ fail: `${api}:fail ${e.message}` }));
    });
    req.on('error', (e) => finish({ fail: `${api}:fail ${e.message}` }));
    const timeout = typeof options.timeout === 'number' ? options.timeout : 60000;
    timer = setTimeout(() => {
      finish({ fail: `${api}:fail timeout` });
      req.destroy();
    }, timeout);
    req.end(body === null ? undefined : body);
  });
}

/** Node side of `wx.request`: the body as WeChat encodes it (JSON, or a query for GET). */
function performRequest(options) {
  return exchange('request', options, (url) => {
    const method = String(options.method || 'GET').toUpperCase();
    const headers = Object.assign({}, options.header || {});
    if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    let body = null;
    const data = options.data;
    if (data !== undefined && data !== null) {
      if (method === 'GET' && typeof data === 'object') {
        for (const key of Object.keys(data)) url.searchParams.append(key, String(data[key]));
      } else {
        body = typeof data === 'string' ? data : JSON.stringify(data);
      }
    }
    if (body !== null) headers['content-length'] = Buffer.byteLength(body);
    return { method, headers, body };
  });
}

/**
 * Node side of `wx.uploadFile`: a multipart/form-data POST (the formData fields, then the
 * file under `name`, its bytes sent from jsc as hex).
 */
function performUpload(options) {
  return exchange('uploadFile', options, () => {
    const quote = (text) => '"' + String(text).replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A') + '"';
    const boundary = '----WeChatJscFormBoundary' + Math.random().toString(16).slice(2);
    const ext = (/\.([A-Za-z0-9]+)$/.exec(options.fileName) || [])[1];
    const types = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };
    const parts = [];
    for (const [k, v] of Object.entries(options.formData || {})) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quote(k)}\r\n\r\n${v}\r\n`));
    }
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quote(options.name)}; filename=${quote(options.fileName)}\r\n`
      + `Content-Type: ${types[String(ext).toLowerCase()] || 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.from(options.bytesHex, 'hex'));
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const body = Buffer.concat(parts);
    // The page's headers, except the ones WeChat sets itself: the body is always multipart.
    const headers = {};
    for (const [k, v] of Object.entries(options.header || {})) {
      if (!['content-type', 'content-length', 'referer'].includes(k.toLowerCase())) headers[k] = String(v);
    }
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    headers['content-length'] = body.length;
    return { method: 'POST', headers, body };
  });
}

/** JSON for jsc's readline, which decodes Latin-1: everything past ASCII goes \u-escaped. */
function asciiJson(value) {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Runs one scenario file inside jsc.
 *
 * @param {object} options
 * @param {boolean} options.jit false runs jsc with --useJIT=false (JS and wasm interpreted)
 * @param {string} options.scenario path of the scenario .js file
 * @param {string} [options.packageDir] the package's WeChat folder (pkg/miniprogram_dist)
 * @param {string} [options.root] instead of packageDir: a whole code package (the package in
 *   miniprogram_npm/genauth-wxapp-sdk/, mounted at `/` with everything else in it, e.g. the
 *   Babel helpers WeChat's compiler adds at the root)
 * @param {object} options.emulator a started emulator (tests/emulator)
 * @param {object} [options.params] handed to the scenario as `harness.config.params`
 * @param {number} [options.timeoutMs] kills jsc after this long (default 60 s)
 * @returns {Promise<{passed: boolean, checks: Array<{name, pass, details}>, error: object|null,
 *   result: any, logs: Array<{level, text}>, output: string[], jit: boolean, scenario: string}>}
 *   resolves once the scenario reported (passed or not); rejects when jsc exits or crashes
 *   without a report, with its exit status and stderr.
 */
async function runScenario({ jit, scenario, packageDir = DEFAULT_PACKAGE_DIR, root, emulator, params, timeoutMs = 60000 }) {
  checkJsc();
  if (typeof jit !== 'boolean') throw new TypeError('runScenario: jit must be true or false');
  if (!emulator || typeof emulator.mintCode !== 'function') throw new TypeError('runScenario: emulator (a started tests/emulator) is required');
  const scenarioPath = path.resolve(scenario);
  if (!fs.existsSync(scenarioPath)) throw new Error(`runScenario: no scenario at ${scenarioPath}`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-jsc-'));
  try {
    let pkgCopy = path.join(tmp, 'pkg');
    let rootCopy = null;
    const moduleDir = path.join(tmp, 'modules');
    fs.mkdirSync(moduleDir);
    if (root) {
      rootCopy = path.join(tmp, 'root');
      fs.cpSync(root, rootCopy, { recursive: true });
      pkgCopy = path.join(rootCopy, 'miniprogram_npm', 'genauth-wxapp-sdk');
    } else {
      await snapshotPackage(packageDir, pkgCopy);
    }
    runCounter += 1;
    const runId = `${jit ? 'jit' : 'nojit'}-${process.pid}-${runCounter}-${Date.now().toString(36)}`;
    const marker = `@@genauth-jsc-bridge:${runId}@@`;
    const logMarker = `@@genauth-jsc-log:${runId}@@`;
    const config = {
      marker,
      logMarker,
      runId,
      jit,
      packageDir: pkgCopy,
      rootDir: rootCopy,
      scenarioDir: path.dirname(scenarioPath),
      scenarioFile: path.basename(scenarioPath),
      moduleDir,
      emulatorUrl: emulator.url,
      wechatAppId: MAIN_WECHAT_APP_ID,
      params: params || {},
    };
    return await drive({ jit, config, emulator, tmp, pkgCopy, timeoutMs, scenarioPath });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function drive({ jit, config, emulator, tmp, pkgCopy, timeoutMs, scenarioPath }) {
  return new Promise((resolve, reject) => {
    const args = (jit ? [] : ['--useJIT=false']).concat([BOOTSTRAP, '--', JSON.stringify(config)]);
    const child = spawn(JSC, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const output = [];
    const logs = [];
    let stderr = '';
    let report = null;
    let pending = '';
    let queue = Promise.resolve();
    let killedForTime = false;
    const wasmFiles = new Map();

    const timer = setTimeout(() => {
      killedForTime = true;
      child.kill('SIGKILL');
    }, timeoutMs);

    const answer = (id, ok, valueOrError) => {
      const line = ok ? { id, ok: true, value: valueOrError === undefined ? null : valueOrError } : { id, ok: false, error: String(valueOrError) };
      if (!child.stdin.destroyed) child.stdin.write(asciiJson(line) + '\n');
    };

    const handlers = {
      request: (args) => performRequest(args),
      uploadFile: (args) => performUpload(args),
      login: (args) => ({ code: emulator.mintCode(args.appid, args.person) }),
      emulator: (args) => {
        if (!EMULATOR_METHODS.includes(args.method)) throw new Error(`emulator.${args.method} is not available to scenarios`);
        const value = emulator[args.method].apply(emulator, args.args || []);
        return value === undefined ? null : value;
      },
      wasmFile: (args) => {
        // WeChat decodes the .br itself; jsc cannot, so the parent does and hands over a file.
        const name = String(args.file);
        if (!/^[\w.-]+\.wasm(\.br)?$/.test(name)) throw new Error(`not a wasm file of the package: ${name}`);
        if (!wasmFiles.has(name)) {
          let bytes = fs.readFileSync(path.join(pkgCopy, name));
          if (name.endsWith('.br')) bytes = zlib.brotliDecompressSync(bytes);
          const file = path.join(tmp, name.replace(/\.br$/, ''));
          fs.writeFileSync(file, bytes);
          wasmFiles.set(name, file);
        }
        return wasmFiles.get(name);
      },
      log: (args) => {
        logs.push(args);
        return null;
      },
      done: (args) => {
        report = args;
        return null;
      },
    };

    const onLine = (line) => {
      if (line.startsWith(config.logMarker)) {
        try {
          logs.push(JSON.parse(line.slice(config.logMarker.length)));
        } catch (e) {
          logs.push({ level: 'raw', text: line });
        }
        return;
      }
      if (!line.startsWith(config.marker)) {
        output.push(line);
        return;
      }
      let call;
      try {
        call = JSON.parse(line.slice(config.marker.length));
      } catch (e) {
        output.push(line);
        return;
      }
      // jsc blocks on each call, so calls arrive one at a time; the queue keeps them in order anyway.
      queue = queue.then(async () => {
        const handler = handlers[call.op];
        if (!handler) return answer(call.id, false, `unknown host call ${call.op}`);
        try {
          answer(call.id, true, await handler(call.args));
        } catch (e) {
          answer(call.id, false, (e && e.message) || e);
        }
      });
    };

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let index;
      while ((index = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, index);
        pending = pending.slice(index + 1);
        onLine(line);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.on('error', () => {}); // jsc may exit before reading its last answer
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pending) onLine(pending);
      queue.then(() => {
        const name = path.basename(scenarioPath);
        if (report) {
          const checks = report.checks || [];
          resolve({
            scenario: name,
            jit,
            passed: !report.error && checks.length > 0 && checks.every((c) => c.pass),
            checks,
            error: report.error,
            result: report.result,
            logs,
            output,
            stderr,
          });
          return;
        }
        const why = killedForTime ? `timed out after ${timeoutMs} ms` : `exited with ${signal ? 'signal ' + signal : 'status ' + code}`;
        const tail = output.slice(-20).join('\n');
        reject(
          new Error(
            `jsc (${jit ? 'JIT' : 'no JIT'}) ${why} before ${name} reported\n--- stderr ---\n${stderr.trim()}\n--- stdout (last lines) ---\n${tail}` +
              (logs.length ? `\n--- console ---\n${logs.map((l) => `[${l.level}] ${l.text}`).join('\n')}` : '')
          )
        );
      });
    });
  });
}

/** Formats the failed checks (and the error) of a scenario result for an assertion message. */
function describeFailures(result) {
  const lines = [];
  if (result.error) lines.push(`scenario error: ${result.error.message}\n${result.error.stack || ''}`);
  for (const check of result.checks) {
    if (!check.pass) lines.push(`FAILED: ${check.name}${check.details ? ' — ' + check.details : ''}`);
  }
  if (!result.checks.length) lines.push('the scenario reported no checks');
  if (result.logs.length) lines.push('console:\n' + result.logs.map((l) => `  [${l.level}] ${l.text}`).join('\n'));
  return lines.join('\n');
}

/**
 * Measures the package inside jsc: start-up (first `require` + `new AuthenticationClient` +
 * `loginByCode(code)` until the first request reaches `wx.request`, wasm instantiation included)
 * and calls per second of `loginByCode(code)` and `getCurrentUser()` with a `wx.request` that
 * answers at once (a microtask) from responses captured from the emulator in the same run.
 *
 * @param {{jit: boolean, packageDir?: string, iterations?: number, emulator?: object}} options
 *   without `emulator`, one is started (and closed) for the run
 * @returns {Promise<{startupMs: number, loginByCodePerSec: number, getCurrentUserPerSec: number}>}
 */
async function measureInJsc({ jit, packageDir = DEFAULT_PACKAGE_DIR, iterations = 200, emulator } = {}) {
  let ownEmulator = null;
  if (!emulator) {
    const { startEmulator } = require('../emulator');
    ownEmulator = await startEmulator();
    emulator = ownEmulator;
  }
  try {
    const result = await runScenario({ jit, scenario: MEASURE_SCENARIO, packageDir, emulator, params: { iterations }, timeoutMs: 300000 });
    if (!result.passed) throw new Error(`measureInJsc (${jit ? 'JIT' : 'no JIT'}) failed:\n${describeFailures(result)}`);
    return result.result;
  } finally {
    if (ownEmulator) await ownEmulator.close();
  }
}

module.exports = { runScenario, measureInJsc, describeFailures, checkJsc, JSC, DEFAULT_PACKAGE_DIR };
