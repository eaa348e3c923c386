'use strict';
// index.d.ts, checked by the TypeScript compiler (node_modules/.bin/tsc) against pkg/index.d.ts:
// - types-usage.ts: a typical usage compiles under --strict, and misuse does not (each
//   misuse marked with @ts-expect-error, which fails if it compiles);
// - examples/typescript: a TypeScript mini program, with WeChat's own typings
//   (miniprogram-api-typings), compiles under --strict with no error;
// - examples/typescript/misuse.ts: every line marked `// misuse: …` has an error and no other
//   line has one, so a misuse that starts to compile fails the test;
// - testing/index.d.ts (the testing kit): testing-usage.ts compiles, testing-misuse.ts's marked
//   lines do not.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { ROOT, PKG } = require('./code-package');

const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const TYPINGS = path.join(PKG, 'index.d.ts');
const EXAMPLE = path.join(ROOT, 'examples', 'typescript');
const MISUSE = path.join(EXAMPLE, 'misuse.ts');
const TESTING_TYPINGS = path.join(PKG, 'testing', 'index.d.ts');
const TESTING_USAGE = path.join(__dirname, 'testing-usage.ts');
const TESTING_MISUSE = path.join(__dirname, 'testing-misuse.ts');

/**
 * Starts tsc on `config` (written to a scratch tsconfig.json) with `args`. The three runs
 * start together (each test awaits its own), so they share the machine's cores.
 * @returns {Promise<{ status: number, output: string }>} tsc's exit status and output; never
 *   rejects (a tsc that could not start has status -1)
 */
function tsc(config, args = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-types-'));
  const file = path.join(dir, 'tsconfig.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return new Promise((resolve) => {
    execFile(
      TSC,
      ['-p', file, '--pretty', 'false', ...args],
      { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        fs.rmSync(dir, { recursive: true, force: true });
        const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ status, output: `${stdout}${stderr}${error && status === -1 ? error.message : ''}` });
      },
    );
  });
}

/**
 * The errors in tsc's output (`file(line,col): error TS…: message`, continuation lines
 * indented). An error without a place (a config problem) fails the test.
 * @returns {Array<{ file: string, line: number, text: string }>}
 */
function errors(output) {
  const found = [];
  for (const line of output.split('\n')) {
    const m = /^(.+)\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
    if (m) {
      found.push({ file: path.resolve(ROOT, m[1]), line: Number(m[2]), text: m[4] });
    } else if (/\berror TS\d+/.test(line) && !/^\s/.test(line)) {
      assert.fail(`tsc failed without a place:\n${output}`);
    }
  }
  return found;
}

/** A config for the example's tsconfig.json, with the package's typings taken from pkg/. */
function exampleConfig(compilerOptions = {}, files = {}) {
  return {
    extends: path.join(EXAMPLE, 'tsconfig.json'),
    compilerOptions: {
      // The scratch config is outside the repository: find WeChat's typings in its node_modules.
      typeRoots: [path.join(ROOT, 'node_modules')],
      paths: { 'genauth-wxapp-sdk': [TYPINGS] },
      ...compilerOptions,
    },
    ...files,
  };
}

/** A strict config for `files` alone (no @types), the package's typings from pkg/. */
function plainConfig(files) {
  return {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: 'es2017',
      module: 'commonjs',
      moduleResolution: 'node',
      paths: { 'genauth-wxapp-sdk': [TYPINGS], 'genauth-wxapp-sdk/testing': [TESTING_TYPINGS] },
      types: [],
    },
    files,
  };
}

// The tsc runs, started at once.
const runs = {
  usage: tsc(plainConfig([path.join(__dirname, 'types-usage.ts')])),
  example: tsc(exampleConfig(), ['--strict', '--noEmit', '--listFiles']),
  // The example's settings, without the unused-variable checks: a misuse must fail for what
  // it misuses, not because its result is unused. WeChat's typings and index.d.ts are
  // checked by the example's run.
  misuse: tsc(
    exampleConfig(
      { noUnusedLocals: false, noUnusedParameters: false, skipLibCheck: true },
      { files: [MISUSE], include: [] },
    ),
    ['--strict', '--noEmit'],
  ),
  // The testing kit's typings: a typical use and its misuses in one run.
  testing: tsc(plainConfig([TESTING_USAGE, TESTING_MISUSE])),
};

/**
 * Checks that in `file` every line marked with a trailing `// misuse: <what>` has an error in
 * `found` and no other line has one; at least `least` lines are marked.
 */
function assertMisuses(file, found, output, least) {
  const byLine = new Map();
  for (const e of found.filter((e) => e.file === file)) byLine.set(e.line, [...(byLine.get(e.line) || []), e.text]);
  const name = path.basename(file);
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const marked = new Map();
  lines.forEach((text, i) => {
    const m = /^\s*[^\s/].*\/\/ misuse: (\S.*)$/.exec(text);
    if (m) marked.set(i + 1, m[1]);
  });
  assert.ok(marked.size >= least, `only ${marked.size} misuses are marked in ${name}`);
  const problems = [];
  for (const [line, what] of marked) {
    if (!byLine.has(line)) problems.push(`${name}:${line} compiles (misuse: ${what}): ${lines[line - 1].trim()}`);
  }
  for (const [line, texts] of byLine) {
    if (!marked.has(line)) problems.push(`${name}:${line} is not a marked misuse but has: ${texts.join(' / ')}`);
  }
  assert.deepEqual(problems, [], `\n${problems.join('\n')}\n\ntsc said:\n${output}`);
}

test('index.d.ts type-checks a typical usage and rejects misuse', async () => {
  const { status, output } = await runs.usage;
  assert.equal(status, 0, `tsc failed:\n${output}`);
});

test('examples/typescript compiles under --strict with WeChat typings, with no error', async () => {
  const { status, output } = await runs.example;
  assert.deepEqual(errors(output), [], `tsc failed:\n${output}`);
  assert.equal(status, 0, output);
  // It compiled what it should: the pages, WeChat's typings and pkg/index.d.ts (not misuse.ts).
  const files = new Set(output.split('\n').map((line) => path.resolve(ROOT, line.trim())));
  for (const file of [
    path.join(EXAMPLE, 'app.ts'),
    path.join(EXAMPLE, 'pages', 'login', 'login.ts'),
    path.join(EXAMPLE, 'pages', 'profile', 'profile.ts'),
    path.join(ROOT, 'node_modules', 'miniprogram-api-typings', 'index.d.ts'),
    TYPINGS,
  ]) {
    assert.ok(files.has(file), `${path.relative(ROOT, file)} was not compiled:\n${output}`);
  }
  assert.ok(!files.has(MISUSE), 'misuse.ts is part of the example');
});

test('examples/typescript/misuse.ts: every marked misuse is an error, and nothing else is', async () => {
  const { status, output } = await runs.misuse;
  assert.notEqual(status, 0, `misuse.ts compiled:\n${output}`);

  const found = errors(output);
  const elsewhere = found.filter((e) => e.file !== MISUSE);
  assert.deepEqual(elsewhere, [], `errors outside misuse.ts:\n${output}`);
  assertMisuses(MISUSE, found, output, 12);
});

test('testing/index.d.ts: a typical test compiles under --strict, and every marked misuse is an error', async () => {
  const { output } = await runs.testing;
  const found = errors(output);
  assert.deepEqual(found.filter((e) => e.file !== TESTING_MISUSE), [], `errors outside testing-misuse.ts:\n${output}`);
  assertMisuses(TESTING_MISUSE, found, output, 10);
});
