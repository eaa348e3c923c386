'use strict';
// The example mini program (examples/miniprogram), walked page by page as `./build.sh demo`
// walks it (examples/run-demo.js): the BUILT package in the strict WeChat sandbox against the
// emulator. Each page's outcome is checked here, on top of the walk's own checks; a page that
// stops doing its job must fail the walk, and the command must exit non-zero then.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { walkDemo, DemoFailure } = require('../../examples/run-demo');

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'miniprogram');
const PHONE = '13800000000';

let walk;
let cli;
const scratch = [];

/** Runs `node examples/run-demo.js` (with `env`): `{ status, stdout, stderr }`. */
function runDemoCommand(env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'examples', 'run-demo.js')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A copy of the example with `file` changed by `edit(text)`. */
function brokenExample(file, edit) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'genauth-example-'));
  scratch.push(dir);
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[\\/](node_modules|miniprogram_npm)$/.test(src) });
  const target = path.join(dir, file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the break did not change ${file}`);
  fs.writeFileSync(target, after);
  return dir;
}

function linesOf(page) {
  return walk.lines.filter((line) => line.startsWith(`${page} `));
}

before(async () => {
  // The command runs in a child while the walk runs here.
  const command = runDemoCommand();
  walk = await walkDemo();
  cli = await command;
});

after(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

test('index: the silent login at launch logs the WeChat user in, without a tap', () => {
  const { account } = walk;
  const { user } = walk.index;
  assert.equal(user.id, account.id);
  assert.equal(user.openid, account.openid);
  assert.match(linesOf('index')[0], new RegExp(`silent login at launch.*${account.id}`));
  assert.deepEqual(linesOf('index').slice(1), ['index    requests: POST /connections/social/wechat-miniprogram/auth']);
});

test('phone: a declined tap shows nothing; the allowed tap binds the phone to the same account', () => {
  assert.equal(walk.phone.user.phone, PHONE);
  assert.equal(walk.phone.user.id, walk.account.id);
  assert.equal(walk.phone.error, '');
  assert.equal(linesOf('phone').length, 2);
  assert.match(linesOf('phone')[1], new RegExp(`phone bound: ${PHONE} → user ${walk.account.id}`));
});

test('profile: the chosen avatar is uploaded, the nickname and the custom fields are saved', () => {
  const { user: { photo, nickname }, fields } = walk.profile;
  const { udv } = walk;
  assert.match(photo, /^http:\/\/127\.0\.0\.1:\d+\/files\/avatar\/[0-9a-f]{24}\.png$/);
  assert.equal(nickname, '小红', 'the nickname of the retried save');
  assert.deepEqual(
    fields.map(({ key, type, label, text }) => ({ key, type, label, text })),
    [
      { key: 'school', type: 'STRING', label: '学校', text: '清华大学' },
      { key: 'age', type: 'NUMBER', label: '年龄', text: '20' },
    ],
  );
  assert.deepEqual(udv, { school: '清华大学', age: '20' }, 'GenAuth holds them typed (age as a number)');
  assert.match(linesOf('profile')[0], /avatar uploaded → photo \/files\/avatar\/.*nickname saved: 小明 \("昵称已保存"\)/);
  assert.match(linesOf('profile')[1], /custom fields set: 学校 = 清华大学, 年龄 = 20/);
});

test("errors: the page shows the SDK's message in the user's language, with a retry hint only when retrying may help", () => {
  assert.equal(walk.errors.zh, '服务器错误: HTTP 500，请稍后重试');
  assert.equal(walk.errors.en, 'Network request failed: request:fail socket hang up. Please try again later.');
  assert.match(walk.errors.privacy, /^The user has not accepted the privacy agreement/);
  assert.doesNotMatch(walk.errors.privacy, /try again/);
  for (const text of Object.values(walk.errors)) assert.doesNotMatch(text, /\[object|GenAuthError|^Error/);
  assert.equal(linesOf('errors').length, 3);
});

test('logout: the page shows the login button again, also when GenAuth cannot be told', () => {
  assert.equal(walk.logout.zh.user, null);
  assert.equal(walk.logout.zh.error, '');
  assert.equal(walk.logout.en.user, null);
  assert.equal(walk.logout.en.error, '');
  assert.match(linesOf('logout')[0], /GenAuth refuses the old token/);
  assert.match(linesOf('logout')[1], /LOGGED_OUT_LOCALLY/);
});

test('the output: one or two lines per page, no token', () => {
  for (const page of ['index', 'phone', 'profile', 'errors', 'logout']) {
    assert.ok(linesOf(page).length >= 1 && linesOf(page).length <= 3, page);
  }
  for (const line of walk.lines) assert.doesNotMatch(line, /eyJ[\w-]+\.[\w-]+/, 'a JWT was printed');
});

test('`node examples/run-demo.js` prints the walk and exits 0', () => {
  assert.equal(cli.status, 0, cli.stderr);
  const printed = cli.stdout.split('\n');
  for (const page of ['index', 'phone', 'profile', 'errors', 'logout']) {
    assert.ok(printed.some((line) => line.startsWith(`${page} `)), `no ${page} line:\n${cli.stdout}`);
  }
  assert.match(cli.stdout, /every page did what it should\n$/);
});

test('a page that stops doing its job fails the walk', async () => {
  const broken = [
    ['pages/profile/profile.js', (s) => s.replace('await app.genauth.setUdfValue(changes);', ''), /custom fields/],
    ['pages/index/index.js', (s) => s.replace('return this.run(() => app.genauth.loginByCode());\n  },\n\n  // Back', 'return undefined;\n  },\n\n  // Back'), /silent login|no user/],
    ['i18n.js', (s) => s.replace("'，请稍后重试'", "''"), /errors: zh_CN/],
  ];
  await Promise.all(
    broken.map(([file, edit, message]) =>
      assert.rejects(walkDemo({ example: brokenExample(file, edit) }), (error) => {
        assert.ok(error instanceof DemoFailure, `${file}: ${error && error.stack}`);
        assert.match(error.message, message, file);
        return true;
      }),
    ),
  );
});
