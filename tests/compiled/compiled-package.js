'use strict';
// The code package WeChat actually ships: examples/miniprogram with the SDK installed from a
// snapshot of pkg/, run through WeChat's own compiler (miniprogram-ci: "build npm", then the
// compile an upload does, with DevTools' default settings). See compile.js for the compile
// itself (a child process) and compiled.test.js for what is checked on the result.
//
// Results are cached under .cache/compiled/<sha256 of every input>/ (the project tree as given
// to the compiler, compile.js, the miniprogram-ci version and the installed dependency tree):
// any change to pkg/, the example or the compiler makes a new key, so a cached result cannot be
// stale. COMPILED_CACHE=0 compiles afresh (and stores nothing); COMPILED_PKG=<dir> compiles
// another build of the package than pkg/.
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = path.join(ROOT, 'pkg');
const EXAMPLE = path.join(ROOT, 'examples', 'miniprogram');
const COMPILE_SCRIPT = path.join(__dirname, 'compile.js');
const CACHE_DIR = path.join(ROOT, '.cache', 'compiled');
const CACHE_KEEP = 8;
const SDK = 'genauth-wxapp-sdk';
const SDK_DIR = `miniprogram_npm/${SDK}`;
const UNUSED_PROBE = 'unreferenced-probe.js';
// build.sh writes the wasm last: with the entry point, the mark of a finished pkg/.
const PACKAGE_FILES = ['index.js', 'core.wasm.br'];

/** DevTools' defaults for a new project, plus "filter unused files" (what an upload ships). */
const SETTINGS = { es6: true, enhance: true, minified: true, ignoreUploadUnusedFiles: true };

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Relative paths of every file under `dir`, sorted, with `/` separators. */
function listFiles(dir, base = dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(full, base, out);
    else if (entry.isFile()) out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** sha256 over the paths and bytes of every file under `dir` (and any extra strings). */
function hashTree(dir, extra = []) {
  const hash = crypto.createHash('sha256');
  for (const item of extra) hash.update(`extra\0${item}\0`);
  for (const rel of listFiles(dir)) {
    const bytes = fs.readFileSync(path.join(dir, rel));
    hash.update(`${rel}\0${bytes.length}\0`).update(bytes);
  }
  return hash.digest('hex');
}

/**
 * Copies pkg/ to a new temp dir, so a rebuild of pkg/ during the run (others rebuild it) cannot
 * mix two builds: the tree is hashed before and after the copy and copied again if it moved.
 * Waits (up to 60 s) while a rebuild has left it incomplete.
 * @returns {string} the copy (holds package.json and miniprogram_dist/)
 */
async function snapshotPkg(pkgDir = process.env.COMPILED_PKG || PKG) {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-compiled-pkg-'));
  const deadline = Date.now() + 60000;
  for (;;) {
    let problem = null;
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      const dist = path.join(pkgDir, manifest.miniprogram || 'miniprogram_dist');
      const missing = PACKAGE_FILES.filter((name) => !fs.existsSync(path.join(dist, name)));
      if (missing.length) throw Object.assign(new Error(`${dist} lacks ${missing.join(', ')}`), { code: 'ENOENT' });
      const before = hashTree(pkgDir);
      fs.rmSync(dest, { recursive: true, force: true });
      fs.cpSync(pkgDir, dest, { recursive: true });
      if (hashTree(pkgDir) === before && hashTree(dest) === before) return dest;
      problem = new Error('pkg/ changed while it was copied');
    } catch (error) {
      if (error.code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
      problem = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`pkg/ is missing or incomplete (run ./build.sh first): ${problem.message}`);
    }
    await sleep(500);
  }
}

/**
 * Lays out the mini-program project the compiler gets: the example, its project.config.json
 * settings set to SETTINGS, its package.json depending on the SDK's version, and the SDK
 * installed in node_modules/ as `npm install` leaves it (the package's `files`, copied), plus
 * UNUSED_PROBE.
 * `mutate(projectDir)` may change it before the compile (the deliberate breaks).
 */
function layoutProject(pkgSnapshot, mutate) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-compiled-project-'));
  fs.cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|miniprogram_npm)$/.test(src),
  });
  const configPath = path.join(dir, 'project.config.json');
  const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  config.setting = { ...config.setting, ...SETTINGS };
  fs.writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgSnapshot, 'package.json'), 'utf8'));
  const appManifestPath = path.join(dir, 'package.json');
  const appManifest = JSON.parse(fs.readFileSync(appManifestPath, 'utf8'));
  appManifest.dependencies = { ...appManifest.dependencies, [SDK]: manifest.version };
  fs.writeFileSync(appManifestPath, JSON.stringify(appManifest, null, 2) + '\n');
  const installed = path.join(dir, 'node_modules', SDK);
  fs.mkdirSync(installed, { recursive: true });
  for (const entry of ['package.json', 'README.md', ...(manifest.files || [manifest.miniprogram])]) {
    const from = path.join(pkgSnapshot, entry);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(installed, entry), { recursive: true });
  }
  // A script nothing requires: the unused-file filter drops it, which shows the filter ran
  // (it drops unreferenced .js only; other files, the .wasm.br too, are kept as they are).
  fs.writeFileSync(path.join(dir, UNUSED_PROBE), "module.exports = 'dropped by the unused-file filter';\n");
  if (mutate) mutate(dir);
  return dir;
}

/** Runs compile.js over [projectDir, outDir] pairs in one child process (it exits itself). */
function runCompiler(pairs, timeoutMs) {
  // miniprogram-ci leaves an empty md5-named folder per project in its working directory.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-compiler-cwd-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMPILE_SCRIPT, ...pairs.flat()], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      fs.rmSync(scratch, { recursive: true, force: true });
      if (code === 0) return resolve(log);
      reject(new Error(`miniprogram-ci (compile.js) ${signal ? `was killed (${signal}; timeout ${timeoutMs} ms)` : `exited with ${code}`}\n${log.slice(-4000)}`));
    });
  });
}

/** Keeps the CACHE_KEEP most recently used results. */
function pruneCache() {
  let entries;
  try {
    entries = fs.readdirSync(CACHE_DIR).filter((name) => /^[0-9a-f]{64}\.json$/.test(name));
  } catch (error) {
    return;
  }
  for (const name of fs.readdirSync(CACHE_DIR)) {
    // Left by a run that was killed while storing.
    const full = path.join(CACHE_DIR, name);
    if (name.startsWith('staging-') && Date.now() - fs.statSync(full).mtimeMs > 600000) fs.rmSync(full, { recursive: true, force: true });
  }
  const byAge = entries
    .map((name) => ({ key: name.slice(0, 64), mtime: fs.statSync(path.join(CACHE_DIR, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { key } of byAge.slice(CACHE_KEEP)) {
    fs.rmSync(path.join(CACHE_DIR, `${key}.json`), { force: true });
    fs.rmSync(path.join(CACHE_DIR, key), { recursive: true, force: true });
  }
}

/** The installed compiler, for the cache key: its version and the installed tree's lock. */
function compilerIdentity() {
  const version = JSON.parse(fs.readFileSync(require.resolve('miniprogram-ci/package.json'), 'utf8')).version;
  const installed = [path.join(ROOT, 'node_modules', '.package-lock.json'), path.join(ROOT, 'package-lock.json')].find((f) => fs.existsSync(f));
  const lock = installed ? crypto.createHash('sha256').update(fs.readFileSync(installed)).digest('hex') : 'no lock';
  return `miniprogram-ci ${version}, lock ${lock}`;
}

/**
 * The compiled code packages of the example for a pkg/ snapshot, one per variant: from the
 * cache when the same inputs were compiled before, the others compiled now (in one child).
 * @param {object} options
 * @param {string} options.pkgSnapshot from snapshotPkg()
 * @param {Array<{mutate?: (projectDir: string) => void}>} [options.variants] each changes the
 *   laid-out project before its compile (the deliberate breaks); default: one, unchanged
 * @param {boolean} [options.cache] default true (COMPILED_CACHE=0 turns it off)
 * @param {number} [options.timeoutMs] default 240000
 * @returns {Promise<Array<{dir: string, key: string, cached: boolean, ms: number,
 *   compileMs: number, phases: object, files: string[], packNpmWarnings: any, projectDir: string}>>}
 *   each `dir` a fresh copy, the caller's to change; removeCompiled() cleans up
 */
async function compileExamples({ pkgSnapshot, variants = [{}], cache = process.env.COMPILED_CACHE !== '0', timeoutMs = 240000 }) {
  const started = Date.now();
  const identity = [compilerIdentity(), fs.readFileSync(COMPILE_SCRIPT, 'utf8')];
  const jobs = variants.map(({ mutate }) => {
    const projectDir = layoutProject(pkgSnapshot, mutate);
    const key = hashTree(projectDir, identity);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-compiled-'));
    const cached = path.join(CACHE_DIR, key);
    const hit = cache && fs.existsSync(`${cached}.json`) && fs.existsSync(cached);
    return { projectDir, key, work, dir: path.join(work, 'code'), cached, hit };
  });
  const misses = jobs.filter((job) => !job.hit);
  if (misses.length) await runCompiler(misses.map((job) => [job.projectDir, job.dir]), timeoutMs);
  const elapsed = Date.now() - started;
  return jobs.map((job) => {
    if (job.hit) {
      fs.cpSync(job.cached, job.dir, { recursive: true });
      fs.copyFileSync(`${job.cached}.json`, `${job.dir}.json`);
      const now = new Date();
      fs.utimesSync(`${job.cached}.json`, now, now);
    } else if (cache) {
      store(job);
    }
    const report = JSON.parse(fs.readFileSync(`${job.dir}.json`, 'utf8'));
    return {
      dir: job.dir,
      work: job.work,
      projectDir: job.projectDir,
      key: job.key,
      cached: job.hit,
      ms: elapsed,
      compileMs: report.ms,
      phases: report.phases,
      files: report.files,
      packNpmWarnings: report.packNpmWarnings,
    };
  });
}

/** Stores a fresh result under its key (atomically: a rename; a concurrent run may win). */
function store(job) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const staging = fs.mkdtempSync(path.join(CACHE_DIR, 'staging-'));
  try {
    fs.cpSync(job.dir, path.join(staging, 'code'), { recursive: true });
    fs.copyFileSync(`${job.dir}.json`, path.join(staging, 'code.json'));
    try {
      fs.renameSync(path.join(staging, 'code'), job.cached);
    } catch (error) {
      // Another run stored the same key first: same inputs, same result.
      if (!['EEXIST', 'ENOTEMPTY'].includes(error.code)) throw error;
    }
    // The .json last: its presence marks a complete entry.
    fs.renameSync(path.join(staging, 'code.json'), `${job.cached}.json`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  pruneCache();
}

/** Removes what compileExamples() made for one result. */
function removeCompiled(compiled) {
  if (!compiled) return;
  fs.rmSync(compiled.work, { recursive: true, force: true });
  fs.rmSync(compiled.projectDir, { recursive: true, force: true });
}

module.exports = {
  ROOT,
  PKG,
  EXAMPLE,
  SDK,
  SDK_DIR,
  SETTINGS,
  UNUSED_PROBE,
  CACHE_DIR,
  listFiles,
  hashTree,
  snapshotPkg,
  layoutProject,
  compileExamples,
  removeCompiled,
};
