'use strict';
// What the framework tests (taro.test.js, uni-app.test.js) share: installing a sample of
// examples/ with the built package of pkg/, building it once per set of inputs (cached in
// .cache/<name>/), pointing a copy of the build at the emulator, and running it in the strict
// WeChat sandbox (tests/sandbox). Each test file keeps what is its framework's own: how to
// build, how to read the page, how to tap.
const assert = require('node:assert/strict');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { createMiniProgram } = require('../sandbox');

const REPO = path.resolve(__dirname, '..', '..');
const PKG = path.join(REPO, 'pkg');
const PKG_DIST = path.join(PKG, 'miniprogram_dist');
/** Where the SDK loads its wasm from when the client is given no `wasmPath` (js-shim/loader.js). */
const DEFAULT_WASM_PATH = '/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br';
/** What a sample is built with as its GenAuth host; `pointAt()` puts the emulator's URL there. */
const HOST_PLACEHOLDER = 'http://genauth-host.invalid';
/** A temp build folder of another run younger than this is left alone when pruning. */
const STALE_TMP_MS = 60 * 60 * 1000;

// ----------------------------------------------------------------------------------------------
// Hashing

/** The hex sha256 of the parts (strings or Buffers), each followed by a NUL. */
function sha256(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/**
 * Every file under `dir`: relative paths with `/`, sorted. Entries (folders or files) whose name
 * is in `skip` are left out at any depth.
 */
function listFiles(dir, skip = []) {
  const skipped = new Set(skip);
  const out = [];
  (function walk(rel) {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (skipped.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  })('');
  return out.sort();
}

/** The hex sha256 of `files` of `dir` (names and contents). */
function hashFiles(dir, files) {
  const h = crypto.createHash('sha256');
  for (const file of files) {
    h.update(`${file}\0`);
    h.update(fs.readFileSync(path.join(dir, file)));
    h.update('\0');
  }
  return h.digest('hex');
}

/** The hex sha256 of the tree under `dir`, without the names in `skip` (see `listFiles`). */
function hashTree(dir, skip = []) {
  return hashFiles(dir, listFiles(dir, skip));
}

// ----------------------------------------------------------------------------------------------
// Child processes

/**
 * Runs a command to its end (killed after `timeoutMs`). Resolves `{ output, ms }`; rejects with
 * an Error holding the exit status and the last 20,000 characters of its stdout + stderr.
 */
function run(command, args, { cwd, env = childEnv(), timeoutMs = 15 * 60 * 1000 } = {}) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-20000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Date.now() - started;
      if (code === 0) resolve({ output, ms });
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed (${signal || `exit ${code}`}) after ${seconds(ms)}:\n${output}`));
    });
  });
}

/**
 * The environment for child processes: this one's, plus `extra`, without NODE_TEST_CONTEXT (a
 * node:test child would report to this run) and NODE_ENV (npm ci would skip devDependencies).
 */
function childEnv(extra = {}) {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.NODE_ENV;
  return { ...env, ...extra };
}

/** `ms` as "12.3 s". */
function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ----------------------------------------------------------------------------------------------
// Install

/** The files of a sample whose content decides what `npm ci` installs (those that exist). */
const INSTALL_INPUTS = ['package.json', 'package-lock.json', '.npmrc'];

/** The stamp of a sample's install inputs (stored in node_modules/.genauth-install-stamp). */
function installStamp(sample) {
  const h = crypto.createHash('sha256');
  for (const file of INSTALL_INPUTS) {
    if (!fs.existsSync(path.join(sample, file))) continue;
    h.update(`sample/${file}\0`);
    h.update(fs.readFileSync(path.join(sample, file)));
    h.update('\0');
  }
  return h.digest('hex');
}

/**
 * `npm ci` in `sample`, unless node_modules was installed from these very install inputs (the
 * stamp matches) and the files of `needs` (paths relative to the sample) are there. Resolves
 * `{ installed, ms }`.
 */
async function installSample(sample, { npmArgs = [], needs = [] } = {}) {
  const stampFile = path.join(sample, 'node_modules', '.genauth-install-stamp');
  const stamp = installStamp(sample);
  const upToDate = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === stamp
    && needs.every((f) => fs.existsSync(path.join(sample, f)));
  if (upToDate) return { installed: false, ms: 0 };
  pkgFiles(); // pkg/ must be built (and may be a file: dependency of the sample)
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { ms } = await run(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error', ...npmArgs], {
    cwd: sample,
    env: childEnv({ npm_config_update_notifier: 'false' }),
  });
  fs.writeFileSync(stampFile, stamp);
  return { installed: true, ms };
}

/**
 * The files a registry install of pkg/ holds: package.json and what its `files` lists (relative
 * to pkg/, sorted). Throws when pkg/ is not built.
 */
function pkgFiles() {
  if (!fs.existsSync(path.join(PKG_DIST, 'core.wasm.br'))) {
    throw new Error('pkg/miniprogram_dist is missing: run ./build.sh first');
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'));
  const files = new Set(['package.json']);
  for (const entry of manifest.files || []) {
    const full = path.join(PKG, entry);
    if (!fs.existsSync(full)) continue;
    if (fs.statSync(full).isDirectory()) for (const f of listFiles(full)) files.add(`${entry}/${f}`);
    else files.add(entry);
  }
  return [...files].sort();
}

/** node_modules/genauth-wxapp-sdk of `sample` made what a registry install of pkg/ would be now. */
function copyPackageIn(sample) {
  const target = path.join(sample, 'node_modules', 'genauth-wxapp-sdk');
  fs.rmSync(target, { recursive: true, force: true });
  for (const file of pkgFiles()) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.copyFileSync(path.join(PKG, file), path.join(target, file));
  }
}

// ----------------------------------------------------------------------------------------------
// Build cache

/**
 * The build of `sample` for the current inputs, from .cache/<name>/build-<key>/ or made now.
 * The key hashes `recipe` (change it whenever the way of building changes), the sample's files
 * (without the names in `skip`, see `listFiles`) and the package files of pkg/. On a miss:
 * `npm ci` if needed (`install`: options of `installSample`), pkg/ copied in, then
 * `build(tmp)` must write the mini program (with its app.json) into `tmp`, a new folder under
 * .cache/<name>/, which is renamed to the key's folder; other builds are removed then.
 * Resolves `{ out, built, ms, install }`.
 */
async function cachedBuild({ name, sample, recipe, skip = [], install = {}, build }) {
  const cache = path.join(REPO, '.cache', name);
  const key = sha256(recipe, hashTree(sample, skip), hashFiles(PKG, pkgFiles())).slice(0, 24);
  const out = path.join(cache, `build-${key}`);
  if (fs.existsSync(path.join(out, 'app.json'))) return { out, built: false, ms: 0, install: { installed: false, ms: 0 } };

  const installed = await installSample(sample, install);
  copyPackageIn(sample);
  fs.mkdirSync(cache, { recursive: true });
  const tmp = path.join(cache, `tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  const started = Date.now();
  try {
    await build(tmp);
    assert.ok(fs.existsSync(path.join(tmp, 'app.json')), `the ${name} build wrote no app.json into ${tmp}`);
    try {
      fs.renameSync(tmp, out);
    } catch (e) {
      // Another run finished the same build first: use that one.
      if (!fs.existsSync(path.join(out, 'app.json'))) throw e;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const ms = Date.now() - started;
  // Builds of other inputs are of no further use; so are temp folders of runs long gone.
  for (const entry of fs.readdirSync(cache)) {
    const full = path.join(cache, entry);
    if (full === out) continue;
    if (/^tmp-/.test(entry) && Date.now() - fs.statSync(full).mtimeMs < STALE_TMP_MS) continue;
    fs.rmSync(full, { recursive: true, force: true });
  }
  return { out, built: true, ms, install: installed };
}

/** A line for t.diagnostic() about a `cachedBuild()` result. */
function describeBuild(result) {
  if (!result.built) return `cached build reused: ${path.relative(REPO, result.out)}`;
  const install = result.install.installed ? `after npm ci in ${seconds(result.install.ms)}` : 'node_modules up to date';
  return `built in ${seconds(result.ms)} (${install}): ${path.relative(REPO, result.out)}`;
}

// ----------------------------------------------------------------------------------------------
// Runs

const copies = [];
const programs = [];

/**
 * A copy of the build `out` in a new temp folder, pointed at `host`: HOST_PLACEHOLDER, which
 * must occur exactly once in the whole output, replaced. Resolves `{ root, file }`, `file` the
 * output file that held it. The copy is removed by `cleanup()`.
 */
function pointAt(out, host) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `genauth-${path.basename(path.dirname(out))}-`));
  copies.push(root);
  fs.cpSync(out, root, { recursive: true });
  const needle = Buffer.from(HOST_PLACEHOLDER);
  const hits = [];
  for (const file of listFiles(root)) {
    const bytes = fs.readFileSync(path.join(root, file));
    for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) hits.push(file);
  }
  assert.equal(hits.length, 1, `${HOST_PLACEHOLDER} occurs exactly once in the build (found in: ${hits.join(', ') || 'none'})`);
  const [file] = hits;
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  fs.writeFileSync(path.join(root, file), text.replace(HOST_PLACEHOLDER, host));
  return { root, file };
}

/**
 * The mini program at `root` in the strict WeChat sandbox: every file must parse as ES2017
 * (`syntaxCheck: 'all'`, a framework's output is bundled), `login()` backs wx.login, storage
 * starts empty. `mp.wasmPaths` records each path the SDK hands WXWebAssembly.instantiate (the
 * sandbox then checks and loads that file of `root`). Closed by `cleanup()`.
 */
function launch(root, { wechatAppId, login }) {
  const mp = createMiniProgram({ root, wechatAppId, storage: new Map(), syntaxCheck: 'all', login });
  programs.push(mp);
  mp.wasmPaths = [];
  const wxwasm = mp.context.WXWebAssembly;
  const instantiate = wxwasm.instantiate;
  wxwasm.instantiate = function (wasmPath, imports) {
    mp.wasmPaths.push(wasmPath);
    return instantiate.call(this, wasmPath, imports);
  };
  return mp;
}

/** Closes the launched mini programs. */
function closePrograms() {
  while (programs.length) programs.pop().close();
}

/** Closes the launched mini programs and removes the copies of `pointAt()`. */
function cleanup() {
  closePrograms();
  while (copies.length) fs.rmSync(copies.pop(), { recursive: true, force: true });
}

/** Resolves the first truthy value of `check()` (polled every 20 ms); rejects after `timeoutMs`. */
async function waitFor(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds(timeoutMs)} waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The requests the emulator saw, as "METHOD /path, …" (for assertion messages). */
function requestsSeen(emulator) {
  return emulator.requests.map((r) => `${r.method} ${r.path}`).join(', ');
}

module.exports = {
  REPO,
  PKG,
  PKG_DIST,
  DEFAULT_WASM_PATH,
  HOST_PLACEHOLDER,
  sha256,
  listFiles,
  hashFiles,
  hashTree,
  run,
  childEnv,
  seconds,
  installSample,
  pkgFiles,
  copyPackageIn,
  cachedBuild,
  describeBuild,
  pointAt,
  launch,
  closePrograms,
  cleanup,
  waitFor,
  requestsSeen,
};
