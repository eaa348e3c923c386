'use strict';
// Item 1: the weight of each SDK in a mini program, after WeChat's own "build npm"
// (miniprogram-ci packNpm), and the check that our `.wasm.br` survives it byte for byte.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { BENCH_DIR, WORK_DIR, PKG_DIR, WECHAT_APP_ID, OURS, PEER, PEER_VERSION, retryMissing } = require('./common');

const MP_DIR = path.join(WORK_DIR, 'mp');
const RUN_DIR = path.join(WORK_DIR, 'run');
const WASM_BR = 'core.wasm.br';

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `npm pack` of pkg/ into bench/work/, retried while the package is being rebuilt. */
function packOurs() {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  for (const f of fs.readdirSync(WORK_DIR)) if (f.endsWith('.tgz')) fs.unlinkSync(path.join(WORK_DIR, f));
  return retryMissing(
    () => {
      const wasmHash = sha256(path.join(PKG_DIR, 'miniprogram_dist', WASM_BR)); // ENOENT -> retry
      const out = npm(['pack', PKG_DIR, '--pack-destination', WORK_DIR, '--json'], WORK_DIR);
      const info = JSON.parse(out)[0];
      return { tarball: path.join(WORK_DIR, info.filename), version: info.version, wasmHashAtPack: wasmHash, tarballBytes: fs.statSync(path.join(WORK_DIR, info.filename)).size };
    },
    'pkg/miniprogram_dist/' + WASM_BR
  );
}

/** A minimal mini-program project (miniprogramRoot = project root) depending on one SDK. */
function writeProject(dir, depName, depSpec) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'pages', 'index'), { recursive: true });
  const files = {
    'project.config.json': JSON.stringify({ appid: WECHAT_APP_ID, projectname: 'bench-' + depName, compileType: 'miniprogram', setting: { es6: false, minified: false, urlCheck: false } }, null, 2),
    'app.json': JSON.stringify({ pages: ['pages/index/index'] }, null, 2),
    'app.js': 'App({});\n',
    'sitemap.json': JSON.stringify({ rules: [{ action: 'allow', page: '*' }] }),
    'pages/index/index.js':
      "var AuthenticationClient = require('" + depName + "').AuthenticationClient;\n" +
      "var client = new AuthenticationClient({ appId: 'GEN_AUTH_APP_ID' });\n" +
      'Page({ onLoad: function () { wx.login({ success: function (r) { client.loginByCode(r.code); } }); } });\n',
    'pages/index/index.json': '{}',
    'pages/index/index.wxml': '<view>bench</view>\n',
    'package.json': JSON.stringify({ name: 'bench-miniprogram', private: true, dependencies: { [depName]: depSpec } }, null, 2),
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text + (text.endsWith('\n') ? '' : '\n'));
  // A dummy key: packNpm never signs anything, but ci.Project wants the file.
  const key = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' });
  fs.writeFileSync(path.join(dir, 'private.dummy.key'), key);
}

async function packNpm(dir) {
  // miniprogram-ci logs banners on stdout; keep the terminal for the bench's own lines.
  const log = console.log;
  console.log = () => {};
  try {
    const ci = require(path.join(BENCH_DIR, 'node_modules', 'miniprogram-ci'));
    return await packNpmWith(ci, dir);
  } finally {
    console.log = log;
  }
}

async function packNpmWith(ci, dir) {
  const project = new ci.Project({
    appid: WECHAT_APP_ID,
    type: 'miniProgram',
    projectPath: dir,
    privateKeyPath: path.join(dir, 'private.dummy.key'),
    ignores: ['node_modules/**/*'],
  });
  let report = null;
  const warnings = await ci.packNpm(project, { reporter: (r) => (report = r) });
  return { warnings, report };
}

function walk(dir, base, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else out.push(path.relative(base, full));
  }
  return out;
}

/**
 * Bytes under miniprogram_npm/. Source maps do not count toward the code-package size
 * (WeChat's Source Map documentation), so the headline figures leave `.map` files out;
 * gzip = sum of each file gzipped alone (level 9).
 */
function measureDir(npmDir) {
  const files = walk(npmDir, npmDir, []).sort().map((rel) => {
    const bytes = fs.readFileSync(path.join(npmDir, rel));
    return { path: rel, bytes: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
  });
  const counted = files.filter((f) => !f.path.endsWith('.map'));
  const sum = (list, k) => list.reduce((a, f) => a + f[k], 0);
  return {
    files,
    fileCount: counted.length,
    bytes: sum(counted, 'bytes'),
    gzipBytes: sum(counted, 'gzip'),
    mapBytes: sum(files, 'bytes') - sum(counted, 'bytes'),
    bytesWithMaps: sum(files, 'bytes'),
  };
}

function copyDir(from, to) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

async function buildOne(name, depName, depSpec) {
  const dir = path.join(MP_DIR, name);
  writeProject(dir, depName, depSpec);
  const t0 = Date.now();
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], dir);
  const installMs = Date.now() - t0;
  const t1 = Date.now();
  const { warnings, report } = await packNpm(dir);
  const packNpmMs = Date.now() - t1;
  const npmDir = path.join(dir, 'miniprogram_npm');
  if (!fs.existsSync(npmDir)) throw new Error('packNpm produced no miniprogram_npm/ for ' + depName);
  const sizes = measureDir(npmDir);
  // What the mini program runs, loadable by Node: miniprogram_npm/ copied as node_modules/.
  copyDir(npmDir, path.join(RUN_DIR, name, 'node_modules'));
  return Object.assign({ projectDir: dir, installMs, packNpmMs, packNpmWarnings: warnings, packNpmReport: report }, sizes);
}

/** Checks our `.wasm.br` after packNpm: present at the default path, identical to pkg's, no raw .wasm. */
function checkWasm(ours, packed) {
  const shipped = path.join(ours.projectDir, 'miniprogram_npm', OURS, WASM_BR);
  const problems = [];
  let shippedHash = null;
  let pkgHash = null;
  if (!fs.existsSync(shipped)) problems.push('/miniprogram_npm/' + OURS + '/' + WASM_BR + ' is missing after packNpm');
  else shippedHash = sha256(shipped);
  try {
    pkgHash = sha256(path.join(PKG_DIR, 'miniprogram_dist', WASM_BR));
  } catch (e) {
    pkgHash = null;
  }
  const rebuilt = pkgHash !== packed.wasmHashAtPack;
  if (shippedHash && shippedHash !== packed.wasmHashAtPack) problems.push('the shipped ' + WASM_BR + ' differs from the one in pkg/ (sha256 ' + shippedHash + ' vs ' + packed.wasmHashAtPack + ')');
  const rawWasm = ours.files.filter((f) => f.path.endsWith('.wasm'));
  if (rawWasm.length) problems.push('raw .wasm shipped: ' + rawWasm.map((f) => f.path).join(', '));
  return {
    ok: problems.length === 0,
    problems,
    path: '/miniprogram_npm/' + OURS + '/' + WASM_BR,
    shippedSha256: shippedHash,
    pkgSha256: packed.wasmHashAtPack,
    pkgRebuiltDuringBench: rebuilt,
    rawWasmFiles: rawWasm.map((f) => f.path),
  };
}

async function measureWeight(log) {
  for (let attempt = 1; ; attempt++) {
    const packed = packOurs();
    log('npm pack pkg/ -> ' + path.relative(BENCH_DIR, packed.tarball) + ' (' + packed.tarballBytes + ' B)');
    const ours = await buildOne('ours', OURS, 'file:' + packed.tarball);
    log('ours: npm install ' + ours.installMs + ' ms, packNpm ' + ours.packNpmMs + ' ms, ' + ours.fileCount + ' files');
    const wasm = checkWasm(ours, packed);
    if (!wasm.ok && wasm.pkgRebuiltDuringBench && attempt < 3) {
      log('pkg/ was rebuilt during the weight step; once more');
      continue;
    }
    let peer;
    try {
      peer = await buildOne('peer', PEER, PEER_VERSION);
      log('peer: npm install ' + peer.installMs + ' ms, packNpm ' + peer.packNpmMs + ' ms, ' + peer.fileCount + ' files (+ ' + (peer.files.length - peer.fileCount) + ' .map)');
    } catch (error) {
      peer = { error: String(error.message || error) };
      log('peer mini program failed: ' + peer.error);
    }
    return { ours: Object.assign({ tarball: path.basename(packed.tarball), tarballBytes: packed.tarballBytes, version: packed.version }, ours), peer, wasm };
  }
}

module.exports = { measureWeight, checkWasm, RUN_DIR, MP_DIR };
