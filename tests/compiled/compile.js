'use strict';
// Child process: WeChat's own compiler (miniprogram-ci) over one mini-program project, offline.
//
//   node compile.js <projectDir> <outDir> [<projectDir> <outDir> ...]
//
// (several projects in one process, one after the other: loading miniprogram-ci takes ~2.5 s,
// and one compile at a time keeps the second core for the rest of the tests.)
// Each <projectDir> holds the project (project.config.json, app.json, pages, package.json) and
// node_modules/<the SDK>. This runs "build npm" (ci.packNpm → miniprogram_npm/) and then the
// compile an upload does (ci.getCompiledResult, the settings of project.config.json: Babel,
// minification, unused-file filtering), and writes every file of the result under <outDir>,
// plus <outDir>.json: { files, packNpmWarnings, ms }.
//
// Offline: the project-attribute request (signed with the private key, sent to WeChat) is
// answered with miniprogram-ci's own DefaultProjectAttr, which is what it falls back to when
// WeChat answers with an error. Every outgoing HTTP request is refused: the list of file
// extensions a package may ship (/wxa/ci/getwhiteextlist) then comes from miniprogram-ci's
// built-in list, as it does on a machine without network (that list has .br and .wasm), so the
// result does not depend on what a server says today. Any other request fails the compile, so a
// new network dependency of the compiler shows here instead of hanging. The compiler's worker
// processes keep this one alive for minutes after the result, hence the explicit exit.
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const path = require('path');

const args = process.argv.slice(2);
if (!args.length || args.length % 2) {
  console.error('usage: node compile.js <projectDir> <outDir> [<projectDir> <outDir> ...]');
  process.exit(2);
}

// Requests whose failure miniprogram-ci answers with a built-in default.
const FALLS_BACK = [/\/wxa\/ci\/getwhiteextlist(\?|$)/];
const attempts = [];
for (const lib of [http, https]) {
  for (const name of ['request', 'get']) {
    lib[name] = function refused(target) {
      const where = typeof target === 'string' ? target : (target && (target.href || target.hostname || target.host)) || '?';
      attempts.push(String(where));
      throw new Error(`compile.js: miniprogram-ci tried to reach the network (${where}); it must run offline`);
    };
  }
}

async function main() {
  const loadStarted = Date.now();
  // miniprogram-ci prints banners and progress on stdout: keep them on stderr, so a test
  // that fails shows them, and stdout stays ours.
  console.log = console.info = (...parts) => console.error(...parts);
  const ci = require('miniprogram-ci');
  const { DefaultProjectAttr } = require('miniprogram-ci/dist/config/config');
  const load = Date.now() - loadStarted;
  for (let i = 0; i < args.length; i += 2) {
    await compile(ci, DefaultProjectAttr, args[i], args[i + 1], i === 0 ? load : 0);
  }
}

async function compile(ci, DefaultProjectAttr, projectDir, outDir, load) {
  const started = Date.now();
  const phases = { load };
  let mark = started;
  const phase = (name) => {
    phases[name] = Date.now() - mark;
    mark = Date.now();
  };
  const config = JSON.parse(fs.readFileSync(path.join(projectDir, 'project.config.json'), 'utf8'));
  const keyPath = path.join(projectDir, 'private.dummy.key');
  if (!fs.existsSync(keyPath)) {
    // Nothing is signed offline, but ci.Project wants a key.
    const key = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    fs.writeFileSync(keyPath, key.export({ type: 'pkcs1', format: 'pem' }));
  }
  const project = new ci.Project({
    appid: config.appid,
    type: 'miniProgram',
    projectPath: projectDir,
    privateKeyPath: keyPath,
    ignores: ['node_modules/**/*', 'private.dummy.key'],
    attr: async () => JSON.parse(JSON.stringify(DefaultProjectAttr)),
  });
  const packNpmWarnings = await ci.packNpm(project, { reporter: () => {} });
  phase('packNpm');
  const result = await ci.getCompiledResult({ project, setting: { useProjectConfig: true }, threads: 1 });
  phase('compile');
  fs.rmSync(outDir, { recursive: true, force: true });
  const files = Object.keys(result).sort();
  for (const name of files) {
    const target = path.join(outDir, name);
    if (!target.startsWith(path.resolve(outDir) + path.sep)) throw new Error(`compiled file outside the package: ${name}`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, result[name]);
  }
  fs.writeFileSync(
    `${outDir}.json`,
    JSON.stringify({ files, packNpmWarnings, networkAttempts: attempts, ms: Date.now() - started + load, phases }, null, 2),
  );
}

main().then(
  () => {
    const unexpected = attempts.filter((url) => !FALLS_BACK.some((re) => re.test(url)));
    if (unexpected.length) console.error(`compile.js: unexpected network requests: ${unexpected.join(', ')}`);
    process.exit(unexpected.length ? 3 : 0);
  },
  (error) => {
    console.error(error && error.stack ? error.stack : error);
    process.exit(1);
  },
);
