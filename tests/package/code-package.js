'use strict';
// Lays out a mini-program code package the way WeChat DevTools leaves it after "build npm":
// the project's files, plus pkg/'s `miniprogram` folder copied to
// miniprogram_npm/genauth-wxapp-sdk/. Used by the package tests and the demo.
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const PKG = path.join(ROOT, 'pkg');

/** The built package's `miniprogram` folder (fails clearly when build.sh has not run). */
function miniprogramDir() {
  const manifest = path.join(PKG, 'package.json');
  if (!fs.existsSync(manifest)) {
    throw new Error('pkg/ is missing: run ./build.sh first');
  }
  const { miniprogram } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  return path.join(PKG, miniprogram);
}

/**
 * Makes a code package in a new temp folder and returns its path.
 * @param {object} [options]
 * @param {string} [options.project] a mini-program project folder to copy (default: none)
 * @param {Object<string,string>} [options.files] extra files (path → text) to write
 * @param {string} [options.packageDir] the folder to install as the npm package
 */
function makeCodePackage(options = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-mp-'));
  if (options.project) {
    fs.cpSync(options.project, root, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|miniprogram_npm)$/.test(src),
    });
  }
  const target = path.join(root, 'miniprogram_npm', 'genauth-wxapp-sdk');
  fs.cpSync(options.packageDir || miniprogramDir(), target, { recursive: true });
  for (const [file, text] of Object.entries(options.files || {})) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

/** The `miniprogram` folder of the trap build (`./build.sh test` or `./build.sh trap`). */
const TRAP_DIST = path.join(ROOT, 'target', 'pkg-trap', 'miniprogram_dist');

/**
 * A code package with the trap build of the SDK: the shipped package plus the test-only
 * `trapSwitch(point)` of the bindings (src/wasm.rs). Fails clearly when it was not built.
 */
function makeTrapCodePackage() {
  if (!fs.existsSync(path.join(TRAP_DIST, 'core.wasm.br'))) {
    throw new Error('target/pkg-trap/ is missing: `./build.sh test` (or `./build.sh trap`) builds it');
  }
  return makeCodePackage({ packageDir: TRAP_DIST });
}

module.exports = { ROOT, PKG, TRAP_DIST, miniprogramDir, makeCodePackage, makeTrapCodePackage };
