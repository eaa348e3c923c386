'use strict';
// Package tests: the BUILT package (pkg/), loaded into the strict WeChat sandbox, with
// wx.request going over real HTTP to the emulator. Every public method end to end.
const { test, describe, before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { startEmulator } = require('../emulator');
const { createMiniProgram } = require('../sandbox');
const { makeCodePackage, miniprogramDir, PKG } = require('./code-package');
const { rejection, assertCodedError, assertNoSecret, watchSecrets, scanned, recordingConsole, scanConsole } = require('./assertions');

const APP_ID = 'GEN_AUTH_APP_ID';
const WX_APP = 'wx1234567890abcdef';
const OTHER_APP_ID = 'GEN_AUTH_OTHER_APP';
const OTHER_WX_APP = 'wxfedcba0987654321';
const TOKEN_KEY = `genauth:${APP_ID}:token`;
const USER_KEY = `genauth:${APP_ID}:user`;

let emulator;
let root;
const programs = [];

before(async () => {
  emulator = await startEmulator();
  watchSecrets(() => emulator.secrets());
  root = makeCodePackage();
});

after(async () => {
  process.stdout.write(`# secret scan: ${scanned.errors} errors and ${scanned.consoleLines} console lines checked against up to ${scanned.secrets} secrets\n`);
  await emulator.close();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(() => emulator.reset());

afterEach(() => {
  while (programs.length) programs.pop().close();
  scanConsole();
});

/**
 * A mini program (one app launch) whose wx.login returns codes for `person`.
 * Share `storage` between two of them to play an app restart.
 */
function launch({ person = 'alice', storage, wechatAppId = WX_APP, codeRoot = root, ...rest } = {}) {
  const mp = createMiniProgram({
    root: codeRoot,
    wechatAppId,
    storage,
    console: recordingConsole(),
    login: async (appid) => emulator.mintCode(appid, person),
    ...rest,
  });
  programs.push(mp);
  return mp;
}

/** Lets the wx callbacks the last call scheduled run (they are macrotasks). */
function settled() {
  return new Promise((resolve) => setTimeout(resolve, 20));
}

function client(mp, options = {}) {
  const { AuthenticationClient } = mp.require('genauth-wxapp-sdk');
  return new AuthenticationClient({ appId: APP_ID, host: emulator.url, ...options });
}

/** What wx.getStorageSync(key) would return (the sandbox keeps values serialised). */
function storedValue(mp, key) {
  return mp.storage.has(key) ? JSON.parse(mp.storage.get(key)) : '';
}

/** The session this SDK keeps: the token (a string) and the user (an object). */
function storedSession(mp) {
  return { token: storedValue(mp, TOKEN_KEY), user: storedValue(mp, USER_KEY) };
}

/** Everything in wx storage, as WeChat keeps it. */
function snapshot(mp) {
  return JSON.stringify([...mp.storage.entries()].sort());
}

describe('loginByCode and the account rules', () => {
  test('a first login creates the account and stores the session', async () => {
    const mp = launch();
    const genauth = client(mp);
    const code = emulator.mintCode(WX_APP, 'alice');
    const user = await genauth.loginByCode(code);
    assert.equal(emulator.users().length, 1);
    assert.equal(user.id, emulator.users()[0].id);
    assert.equal(typeof user.token, 'string');
    assert.equal(await genauth.getToken(), user.token);
    const stored = storedSession(mp);
    assert.equal(stored.token, user.token);
    assert.equal(typeof stored.token, 'string');
    assert.equal(stored.user.id, user.id, 'the user is stored as an object');
    assert.deepEqual(stored.user, JSON.parse(JSON.stringify(user)));

    // The request on the wire is authing-wxapp-sdk's.
    const [request] = emulator.requests;
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/connections/social/wechat-miniprogram/auth');
    assert.deepEqual(JSON.parse(request.body), { code });
    assert.equal(request.headers['x-authing-app-id'], APP_ID);
    assert.equal(request.headers['x-authing-request-from'], 'wxapp');
    assert.match(request.headers['x-authing-sdk-version'], /^wxapp:\d+\.\d+\.\d+/);
    assert.match(request.headers['content-type'], /^application\/json/);
  });

  test('a second login with a fresh code returns the same account', async () => {
    const genauth = client(launch());
    const first = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const second = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    assert.equal(second.id, first.id);
    assert.notEqual(second.token, first.token);
    assert.equal(await genauth.getToken(), second.token);
    assert.equal(emulator.users().length, 1);
    // Another person gets another account.
    const bob = await genauth.loginByCode(emulator.mintCode(WX_APP, 'bob'));
    assert.notEqual(bob.id, first.id);
  });

  test('a unionid known from another WeChat app returns that account', async () => {
    const other = client(launch({ wechatAppId: OTHER_WX_APP }), { appId: OTHER_APP_ID });
    const there = await other.loginByCode(emulator.mintCode(OTHER_WX_APP, 'carol'));
    const here = await client(launch()).loginByCode(emulator.mintCode(WX_APP, 'carol'));
    assert.equal(here.id, there.id);
    assert.equal(here.unionid, there.unionid);
    assert.equal(emulator.users().length, 1);
  });

  test('without a code, loginByCode calls wx.login itself', async () => {
    const genauth = client(launch({ person: 'dave' }));
    const user = await genauth.loginByCode();
    assert.equal(emulator.users()[0].id, user.id);
    // The whole wx.login result is accepted too.
    const again = await genauth.loginByCode({ code: emulator.mintCode(WX_APP, 'dave'), errMsg: 'login:ok' });
    assert.equal(again.id, user.id);
  });

  test('concurrent code-less logins share one wx.login and one request', async () => {
    let logins = 0;
    const genauth = client(
      launch({ login: async (appid) => (logins++, emulator.mintCode(appid, 'erin')) }),
    );
    const [a, b] = await Promise.all([genauth.loginByCode(), genauth.loginByCode()]);
    assert.equal(a.id, b.id);
    assert.equal(emulator.requests.length, 1);
    // One wx.login for both calls, besides the spare codes the client keeps for a
    // getPhoneNumber tap (one at start, one after the login used wx.login).
    await settled();
    assert.equal(logins, 3);
  });

  test('a stale code the SDK fetched itself is replaced once', async () => {
    const used = emulator.mintCode(WX_APP, 'frank');
    await client(launch()).loginByCode(used); // consumes it
    let logins = 0;
    const genauth = client(
      // wx.login #0 is the spare code the client takes at start; #1 is the login's.
      launch({ login: async (appid) => (logins++ === 1 ? used : emulator.mintCode(appid, 'frank')) }),
    );
    const user = await genauth.loginByCode();
    assert.equal(user.id, emulator.users()[0].id);
    // The spare at start, the stale code, one fresh code, then the next spare.
    await settled();
    assert.equal(logins, 4);
  });

  test('a reused or unknown code rejects with a stable code and stores nothing', async () => {
    const mp = launch();
    const genauth = client(mp);
    const code = emulator.mintCode(WX_APP, 'alice');
    await client(launch()).loginByCode(code);
    const reused = await rejection(genauth.loginByCode(code));
    assertCodedError(reused, 'WX_CODE_USED');
    const { GenAuthError } = mp.require('genauth-wxapp-sdk');
    assert.ok(reused instanceof GenAuthError);
    assert.equal(reused.name, 'GenAuthError');
    assert.equal(reused.serverCode, 40163);
    const unknown = await rejection(genauth.loginByCode('not-a-real-code'));
    assertCodedError(unknown, 'WX_CODE_INVALID');
    assert.equal(unknown.serverCode, 40029);
    assert.equal(mp.storage.size, 0);
    assert.equal(await genauth.getToken(), null);
  });

  test('user info from rawData or encryptedData reaches the account', async () => {
    const genauth = client(launch());
    const rawData = JSON.stringify({ nickName: '小红', avatarUrl: 'https://img/x.png', gender: 2 });
    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'gina'), { rawData });
    assert.equal(user.nickname, '小红');
    const code = emulator.mintCode(WX_APP, 'hank');
    const { iv, encryptedData } = emulator.encryptFor(code, { nickName: 'Hank', avatarUrl: 'https://img/h.png' });
    const hank = await genauth.loginByCode(code, { iv, encryptedData });
    assert.equal(hank.nickname, 'Hank');
    assert.deepEqual(Object.keys(JSON.parse(emulator.requests[1].body)).sort(), ['code', 'encryptedData', 'iv']);
  });

  test('bad arguments reject before any request', async () => {
    const genauth = client(launch());
    const cases = [
      [genauth.loginByCode(''), 'INVALID_ARGUMENT'],
      [genauth.loginByCode(42), 'INVALID_ARGUMENT'],
      [genauth.loginByCode('c', { iv: 'only-iv' }), 'INVALID_ARGUMENT'],
      [genauth.loginByCode('c', { rawData: 'not json' }), 'INVALID_ARGUMENT'],
      [genauth.loginByCode('c', { unknownOption: 1 }), 'INVALID_ARGUMENT'],
      [genauth.loginByCode('c', 'iv'), 'INVALID_ARGUMENT'],
      [genauth.checkLoginStatus(7), 'INVALID_ARGUMENT'],
    ];
    for (const [promise, code] of cases) assertCodedError(await rejection(promise), code);
    assert.equal(emulator.requests.length, 0);
  });
});

test('the secret scan sees what the emulator handed out (and would catch a leak)', async () => {
  const user = await client(launch()).loginByCode(emulator.mintCode(WX_APP, 'probe'));
  const secrets = emulator.secrets();
  assert.ok(secrets.includes(user.token), 'the token is watched');
  assert.throws(() => assertNoSecret('oops ' + user.token, 'probe'), /repeats a secret/);
});

describe('the session', () => {
  test('survives a new AuthenticationClient (page reload) and an app restart', async () => {
    const storage = new Map();
    const first = launch({ storage });
    const user = await client(first).loginByCode(emulator.mintCode(WX_APP, 'alice'));
    // Same launch, another page's client.
    assert.equal(await client(first).getToken(), user.token);
    // A new launch (cold start) with the same storage.
    const restarted = client(launch({ storage }));
    assert.equal(await restarted.getToken(), user.token);
    const current = await restarted.getCurrentUser();
    assert.equal(current.id, user.id);
  });

  test('two clients of one app always see the session the other left', async () => {
    const mp = launch();
    const a = client(mp);
    const b = client(mp);
    assert.equal(await b.getToken(), null);
    const first = await a.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    assert.equal(await b.getToken(), first.token);
    assert.equal(await b.getToken(), first.token, 'unchanged storage, asked twice');
    await a.logout();
    assert.equal(await b.getToken(), null);
    assert.equal(await b.getCurrentUser(), null);
    const second = await b.loginByCode(emulator.mintCode(WX_APP, 'bob'));
    assert.equal(await a.getToken(), second.token);
    assert.equal((await a.getCurrentUser()).id, second.id);
    // Storage changed behind both clients' backs (e.g. another SDK, or wx.clearStorage).
    mp.wx.clearStorageSync();
    assert.equal(await a.getToken(), null);
    assert.equal(await b.getCurrentUser(), null);
  });

  test('getCurrentUser and checkLoginStatus after login', async () => {
    const mp = launch();
    const genauth = client(mp);
    assert.equal(await genauth.getCurrentUser(), null, 'nobody is logged in yet');
    const status0 = await genauth.checkLoginStatus();
    assert.equal(status0.status, false);
    assert.equal(emulator.requests.length, 0, 'answered without a request');

    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const current = await genauth.getCurrentUser();
    assert.equal(current.id, user.id);
    assert.ok(Array.isArray(current.identities));
    const gql = emulator.requests[1];
    assert.equal(gql.path, '/graphql/v2');
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    assert.match(JSON.parse(gql.body).query, /^query user\(\$id: String\)/);
    // The stored copy follows the server (user and the token it returned).
    assert.equal(storedSession(mp).token, current.token);
    assert.equal(storedSession(mp).user.loginsCount, current.loginsCount);

    const status = await genauth.checkLoginStatus();
    assert.equal(status.status, true);
    assert.equal(status.code, 200);
    assert.equal(status.data.id, user.id);
    assert.equal(typeof status.exp, 'number');

    const byToken = await client(launch()).checkLoginStatus(current.token);
    assert.equal(byToken.status, true);
    const bogus = await genauth.checkLoginStatus('a.b.c');
    assert.equal(bogus.status, false);
  });

  test('logout ends the session on GenAuth and on the device', async () => {
    const mp = launch();
    const genauth = client(mp);
    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    await genauth.logout();
    assert.equal(await genauth.getToken(), null);
    assert.equal(await genauth.getCurrentUser(), null);
    assert.equal(mp.storage.size, 0);
    const logout = emulator.requests.find((r) => r.path === '/api/v2/logout');
    assert.equal(logout.method, 'GET');
    assert.equal(logout.query.app_id, APP_ID);
    assert.equal(logout.headers.authorization, `Bearer ${user.token}`);
    // GenAuth no longer accepts the old token.
    const status = await genauth.checkLoginStatus(user.token);
    assert.equal(status.status, false);
    // Logging out again is harmless.
    await genauth.logout();
  });

  test('the token option and a bare appId string', async () => {
    const user = await client(launch()).loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const mp = launch();
    const withToken = client(mp, { token: user.token });
    assert.equal((await withToken.getCurrentUser()).id, user.id);

    const { AuthenticationClient } = launch().require('genauth-wxapp-sdk');
    const bare = new AuthenticationClient(APP_ID);
    await bare.ready();
    assert.equal(await bare.getToken(), null);
  });

  test('adopts the session authing-wxapp-sdk left behind, once', async () => {
    const user = await client(launch()).loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const legacyUser = { ...user };
    const storage = new Map([
      ['_authing_token', JSON.stringify(user.token)],
      ['_authing_user', JSON.stringify(legacyUser)],
    ]);
    const mp = launch({ storage });
    const genauth = client(mp);
    assert.equal(await genauth.getToken(), user.token);
    assert.equal((await genauth.getCurrentUser()).id, user.id);
    await genauth.logout();
    assert.equal(mp.storage.size, 0, 'the legacy keys go too, so they are not adopted again');
    assert.equal(await client(launch({ storage })).getToken(), null);
  });

  test('a take-over that storage refuses still signs the user in for this launch, and is tried again at the next', async () => {
    const user = await client(launch()).loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const storage = new Map([['_authing_token', JSON.stringify(user.token)]]);
    const full = launch({ storage });
    full.wx.setStorageSync = () => {
      throw new Error('setStorageSync:fail exceed storage max size 10MB');
    };
    const refused = client(full);
    await refused.ready();
    // Held in memory (start-up reports nothing: there is no call to reject).
    assert.equal(await refused.getToken(), user.token);
    assert.equal(storage.has(TOKEN_KEY), false);
    assert.equal(await client(launch({ storage })).getToken(), user.token, 'adopted on the next start');
    assert.equal(storedValue(programs[programs.length - 1], TOKEN_KEY), user.token, 'and stored this time');
  });
});

describe('calls that overlap and answers that arrive late', () => {
  test('a call refused locally never brings back a stale token (two clients, one storage)', async () => {
    const mp = launch();
    const a = client(mp);
    const b = client(mp);
    const alice = await a.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const bob = await b.loginByCode(emulator.mintCode(WX_APP, 'bob'));
    assertCodedError(await rejection(a.checkLoginStatus(7)), 'INVALID_ARGUMENT');
    assert.equal(await a.getToken(), bob.token, "A sees bob's session, the one storage holds");
    const current = await a.getCurrentUser();
    assert.equal(current.id, bob.id);
    assert.notEqual(current.id, alice.id);
    assert.equal(storedSession(mp).user.id, bob.id, 'alice is never written over bob');
    // login → logout → a refused call: the logged-out token stays gone.
    await a.logout();
    assertCodedError(await rejection(a.checkLoginStatus(7)), 'INVALID_ARGUMENT');
    assert.equal(await a.getToken(), null);
    assert.equal(await b.getToken(), null);
    assert.equal(storedValue(mp, TOKEN_KEY), '');
  });

  test('a burst of 100 mixed calls answered in any order: storage holds what the last-started session change says', async () => {
    const mp = launch();
    const genauth = client(mp);
    await genauth.loginByCode(emulator.mintCode(WX_APP, 'p0'));
    let seed = 20261201;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // Every request waits 0–120 ms, so answers come back in another order than asked.
    for (const faultPath of ['/connections/social/wechat-miniprogram/auth', '/graphql/v2', '/api/v2/logout']) {
      for (let i = 0; i < 100; i++) {
        emulator.injectFault({ path: faultPath, kind: 'delay', delayMs: Math.floor(random() * 120), times: 1 });
      }
    }
    const calls = [];
    for (let i = 0; i < 100; i++) {
      const r = random();
      if (r < 0.3) {
        calls.push({ change: 'login', run: genauth.loginByCode(emulator.mintCode(WX_APP, 'p' + (i % 5))) });
      } else if (r < 0.45) {
        calls.push({ change: 'logout', run: genauth.logout() });
      } else if (r < 0.65) {
        calls.push({ run: genauth.getCurrentUser() });
      } else if (r < 0.8) {
        calls.push({ run: genauth.checkLoginStatus() });
      } else if (r < 0.9) {
        calls.push({ run: genauth.updateProfile({ nickname: 'n' + i }) });
      } else {
        calls.push({ run: genauth.getToken() });
      }
    }
    let timer;
    const hung = new Promise((resolve) => {
      timer = setTimeout(() => resolve('hung'), 15000);
    });
    const outcomes = await Promise.race([
      Promise.all(calls.map((call) => call.run.then((value) => ({ value }), (error) => ({ error })))),
      hung,
    ]);
    clearTimeout(timer);
    assert.notEqual(outcomes, 'hung', 'every call settles');
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.error) assert.ok(['NOT_LOGGED_IN', 'SESSION_EXPIRED'].includes(outcome.error.code), `call ${i}: ${outcome.error.code}`);
    }
    // The session change started last decides, however late the answers came.
    let expected;
    calls.forEach((call, i) => {
      if (call.change === 'login' && outcomes[i].value) expected = outcomes[i].value.id;
      if (call.change === 'logout' && !outcomes[i].error) expected = null;
    });
    const stored = storedValue(mp, TOKEN_KEY);
    if (expected === null) {
      assert.equal(stored, '', 'the last session change was a logout');
      assert.equal(await genauth.getToken(), null);
    } else {
      assert.equal(storedSession(mp).user.id, expected, 'the last login started stands');
      assert.equal((await genauth.getCurrentUser()).id, expected);
    }
  });

  test('a logout answered after a newer login does not wipe the new session', async () => {
    const mp = launch();
    const genauth = client(mp);
    await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    emulator.injectFault({ path: '/api/v2/logout', kind: 'delay', delayMs: 400, times: 1 });
    const logout = genauth.logout();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const bob = await genauth.loginByCode(emulator.mintCode(WX_APP, 'bob'));
    await logout;
    assert.equal(await genauth.getToken(), bob.token, 'the login called after the logout stands');
    assert.equal(storedSession(mp).user.id, bob.id);
  });

  test('a getCurrentUser sent before a re-login does not put the older session back', async () => {
    const mp = launch();
    const genauth = client(mp);
    const alice = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    emulator.injectFault({ path: '/graphql/v2', kind: 'delay', delayMs: 400, times: 1 });
    const late = genauth.getCurrentUser();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const bob = await genauth.loginByCode(emulator.mintCode(WX_APP, 'bob'));
    const answered = await late;
    assert.equal(answered.id, alice.id, 'the late call still gets its own answer');
    assert.equal(await genauth.getToken(), bob.token);
    assert.equal(storedSession(mp).user.id, bob.id);
  });

  test('a login answered after a later logout does not log the user back in', async () => {
    const mp = launch();
    const genauth = client(mp);
    await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    emulator.injectFault({ path: '/connections/social/wechat-miniprogram/auth', kind: 'delay', delayMs: 400, times: 1 });
    const login = genauth.loginByCode(emulator.mintCode(WX_APP, 'bob'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await genauth.logout();
    const bob = await login;
    assert.ok(bob.id, 'the login itself succeeded');
    assert.equal(await genauth.getToken(), null, 'but the logout, called later, stands');
    assert.equal(storedValue(mp, TOKEN_KEY), '');
  });

  test('an app that clears storage has logged the user out', async () => {
    const mp = launch();
    const genauth = client(mp);
    await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    mp.wx.clearStorageSync();
    assert.equal(await genauth.getToken(), null);
    assert.equal(await genauth.getCurrentUser(), null);
  });
});

describe('failures', () => {
  const faults = [
    ['http500html', 'SERVER_ERROR'],
    ['invalidJson', 'INVALID_RESPONSE'],
    ['drop', 'NETWORK_ERROR'],
  ];

  for (const [kind, code] of faults) {
    test(`${kind} rejects with ${code} and leaves a valid session untouched`, async () => {
      const mp = launch();
      const genauth = client(mp);
      const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
      const stored = snapshot(mp);
      const calls = [
        ['/connections/social/wechat-miniprogram/auth', () => genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'))],
        ['/graphql/v2', () => genauth.getCurrentUser()],
        ['/graphql/v2', () => genauth.checkLoginStatus()],
      ];
      for (const [faultPath, call] of calls) {
        emulator.injectFault({ path: faultPath, kind });
        const error = await rejection(call());
        assertCodedError(error, code);
        assert.ok(!error.message.includes(user.token), 'no token in messages');
        assert.equal(snapshot(mp), stored, `${faultPath}: the session is untouched`);
      }
      assert.equal(await genauth.getToken(), user.token);
      assert.equal((await genauth.getCurrentUser()).id, user.id, 'still works afterwards');
    });
  }

  for (const [kind] of faults) {
    test(`logout with ${kind}: the session ends on the device, rejecting LOGGED_OUT_LOCALLY`, async () => {
      const mp = launch();
      const genauth = client(mp);
      const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
      emulator.injectFault({ path: '/api/v2/logout', kind });
      const error = await rejection(genauth.logout());
      assertCodedError(error, 'LOGGED_OUT_LOCALLY');
      assert.ok(!error.message.includes(user.token), 'no token in messages');
      assert.equal(await genauth.getToken(), null, 'nobody is logged in on the device');
      assert.equal(mp.storage.get(TOKEN_KEY), undefined);
      assert.equal(mp.storage.get(USER_KEY), undefined);
    });
  }

  test("WeChat's timeout is read from errno where it gives one, else from the message's words", async () => {
    const cases = [
      [{ errMsg: 'request:fail', errno: 600003 }, 'TIMEOUT'],
      [{ errMsg: 'request:fail', errno: 5 }, 'TIMEOUT'],
      [{ errMsg: 'request:fail timeout' }, 'TIMEOUT'],
      [{ errMsg: 'request:fail time out' }, 'TIMEOUT'],
      [{ errMsg: 'request:fail socket timed out' }, 'TIMEOUT'],
      [{ errMsg: 'request:fail 请求超时' }, 'TIMEOUT'],
      [{ errMsg: 'request:fail ssl hand shake error', errno: 600001 }, 'NETWORK_ERROR'],
    ];
    for (const [failure, code] of cases) {
      const mp = launch();
      mp.wx.request = (o) => {
        setTimeout(() => o.fail(failure));
        return { abort() {} };
      };
      assertCodedError(await rejection(client(mp).loginByCode(emulator.mintCode(WX_APP, 'tim'))), code);
    }
  });

  test('an answer over 1 MiB is refused by its length (INVALID_RESPONSE); the session stays', async () => {
    const mp = launch();
    const genauth = client(mp);
    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'olga'));
    const huge = { data: { user: { id: user.id, token: user.token, padding: 'x'.repeat(1100000) } } };
    emulator.injectFault({ path: '/graphql/v2', kind: 'answer', status: 200, body: huge });
    const error = await rejection(genauth.getCurrentUser());
    assertCodedError(error, 'INVALID_RESPONSE');
    assert.match(error.message, /1 MiB/);
    assert.equal(await genauth.getToken(), user.token);
  });

  test('a slow server rejects with TIMEOUT after the configured timeout', async () => {
    const mp = launch();
    const genauth = client(mp, { timeout: 300 });
    await genauth.loginByCode(emulator.mintCode(WX_APP, 'alice'));
    const stored = snapshot(mp);
    emulator.injectFault({ path: '/graphql/v2', kind: 'delay', delayMs: 2000 });
    const started = Date.now();
    const error = await rejection(genauth.getCurrentUser());
    assertCodedError(error, 'TIMEOUT');
    assert.ok(Date.now() - started < 1800, 'did not wait for the server');
    assert.equal(snapshot(mp), stored);
  });

  test('an unreachable server rejects with NETWORK_ERROR', async () => {
    const genauth = client(launch(), { host: 'http://127.0.0.1:9' });
    assertCodedError(await rejection(genauth.loginByCode('code')), 'NETWORK_ERROR');
  });

  test('wx.login failing rejects with WX_LOGIN_FAILED', async () => {
    const genauth = client(launch({ login: async () => { throw new Error('no network'); } }));
    assertCodedError(await rejection(genauth.loginByCode()), 'WX_LOGIN_FAILED');
  });

  test('invalid options reject every call with INVALID_OPTIONS', async () => {
    const mp = launch();
    const { AuthenticationClient } = mp.require('genauth-wxapp-sdk');
    const cases = [
      [{}, /appId: 必须提供/],
      [{ appId: 'a\nb' }, /appId: 含有控制字符/],
      [{ appId: APP_ID, host: 'http://example.com' }, /https/],
      [{ appId: APP_ID, appid: 'typo' }, /appid: 未知参数/],
      [{ appId: APP_ID, onError: 'log' }, /onError: 应为函数/],
      [{ appId: APP_ID, publicKey: 'not a key' }, /publicKey: 应为PEM/],
      [{ appId: APP_ID, lang: 'fr' }, /lang/],
      [{ appId: APP_ID, timeout: -1 }, /timeout/],
    ];
    for (const [options, why] of cases) {
      const genauth = new AuthenticationClient(options);
      const error = await rejection(genauth.ready());
      assertCodedError(error, 'INVALID_OPTIONS');
      assert.match(error.message, why);
      assertCodedError(await rejection(genauth.loginByCode('c')), 'INVALID_OPTIONS');
    }
    assert.equal(emulator.requests.length, 0);
  });

  test('messages follow lang', async () => {
    const genauth = client(launch(), { lang: 'en-US' });
    const error = await rejection(genauth.loginByCode('not-a-real-code'));
    assert.match(error.message, /^The wx\.login code is invalid/);
    const zh = await rejection(client(launch()).loginByCode('not-a-real-code'));
    assert.match(zh.message, /^微信登录凭证/);
    assert.equal(emulator.requests[0].headers['x-authing-lang'], 'en-US');
  });
});

describe('loading on a phone', () => {
  test('the wasm passes the sandbox: MVP + mutable-globals, no exported global, path-only load', async () => {
    // Both result shapes of WXWebAssembly.instantiate.
    for (const instantiateResult of ['pair', 'instance']) {
      const genauth = client(launch({ instantiateResult }));
      await genauth.ready();
    }
    const dist = fs.readdirSync(miniprogramDir());
    assert.ok(dist.includes('core.wasm.br'));
    assert.ok(!dist.some((f) => f.endsWith('.wasm')), 'no raw .wasm is shipped');
    const manifest = JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8'));
    for (const field of ['main', 'types', 'files', 'miniprogram']) assert.ok(manifest[field], field);
  });

  test('a failed load is not remembered: the next call loads the core again', async () => {
    const copy = fs.mkdtempSync(path.join(require('os').tmpdir(), 'genauth-noload-'));
    try {
      fs.cpSync(root, copy, { recursive: true });
      const wasm = path.join(copy, 'miniprogram_npm', 'genauth-wxapp-sdk', 'core.wasm.br');
      const bytes = fs.readFileSync(wasm);
      fs.rmSync(wasm);
      const genauth = client(launch({ codeRoot: copy }));
      assertCodedError(await rejection(genauth.loginByCode(emulator.mintCode(WX_APP, 'hugo'))), 'WASM_LOAD_FAILED');
      assertCodedError(await rejection(genauth.ready()), 'WASM_LOAD_FAILED');
      fs.writeFileSync(wasm, bytes); // e.g. a flaky read on the phone
      const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'hugo'));
      assert.equal(typeof user.id, 'string');
      await genauth.ready();
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test('a WXWebAssembly.instantiate that throws instead of rejecting: the constructor still does not throw', async () => {
    const mp = launch();
    const original = mp.context.WXWebAssembly.instantiate;
    mp.context.WXWebAssembly.instantiate = () => {
      throw new Error('instantiate: broken base library');
    };
    let genauth;
    assert.doesNotThrow(() => (genauth = client(mp)));
    const error = await rejection(genauth.ready());
    assertCodedError(error, 'WASM_LOAD_FAILED');
    assert.match(error.message, /broken base library/);
    mp.context.WXWebAssembly.instantiate = original;
    assert.equal(typeof (await genauth.loginByCode(emulator.mintCode(WX_APP, 'kim'))).id, 'string', 'loaded on the next call');
  });

  test('a wx.login that never answers gives up after the timeout (WX_LOGIN_FAILED)', async () => {
    const genauth = client(launch({ login: () => new Promise(() => {}) }), { timeout: 300 });
    await genauth.ready();
    const started = Date.now();
    const error = await rejection(genauth.loginByCode());
    assertCodedError(error, 'WX_LOGIN_FAILED');
    assert.match(error.message, /timeout/);
    assert.ok(Date.now() - started < 2000, 'not much later than the timeout');
    assert.equal(emulator.requests.length, 0);
  });

  test('growing wasm memory leaves later calls intact; a user storage refuses is not kept stale', async () => {
    const mp = launch();
    const genauth = client(mp);
    await genauth.ready();
    const { loadCore } = mp.require('/miniprogram_npm/genauth-wxapp-sdk/loader.js');
    const { memory } = await loadCore();
    const nickname = '大'.repeat(8) + '😀';
    const rawData = JSON.stringify({ nickName: nickname });
    const user = await genauth.loginByCode(emulator.mintCode(WX_APP, 'gwen'), { rawData });
    assert.equal(user.nickname, nickname);
    // Arguments and answers are not copied into wasm, so no call grows the memory by
    // much; grow it by 3 MB from outside, as a long session would, and go on.
    const before = memory.buffer.byteLength;
    memory.grow(48);
    assert.ok(memory.buffer.byteLength >= before + 3000000, 'the memory grew');
    // WeChat keeps at most 1 MB per key: a user copy it refuses is removed, not left
    // holding an older user, and the call still succeeds.
    const setStorageSync = mp.wx.setStorageSync;
    mp.wx.setStorageSync = (key, value) => {
      if (key === USER_KEY) throw new Error('setStorageSync:fail exceed max size per key 1MB');
      return setStorageSync(key, value);
    };
    const again = await genauth.getCurrentUser();
    mp.wx.setStorageSync = setStorageSync;
    assert.equal(again.id, user.id);
    assert.equal(again.nickname, nickname);
    assert.equal(await genauth.getToken(), again.token);
    assert.equal(storedValue(mp, TOKEN_KEY), again.token);
    assert.equal(storedValue(mp, USER_KEY), '');
    assert.equal((await genauth.checkLoginStatus()).status, true);
  });

  test('a runtime that only takes package paths without the leading slash still loads', async () => {
    const mp = launch();
    const original = mp.context.WXWebAssembly.instantiate;
    const seen = [];
    mp.context.WXWebAssembly.instantiate = (path, imports) => {
      seen.push(path);
      if (path.startsWith('/')) return Promise.reject(new Error(`not found: ${path}`));
      return original(path, imports);
    };
    const user = await client(mp).loginByCode(emulator.mintCode(WX_APP, 'ivy'));
    assert.ok(user.id);
    assert.deepEqual(seen, [
      '/miniprogram_npm/genauth-wxapp-sdk/core.wasm.br',
      'miniprogram_npm/genauth-wxapp-sdk/core.wasm.br',
    ]);
  });

  test('wasmPath points at a .wasm.br elsewhere in the code package', async () => {
    const codeRoot = makeCodePackage({
      files: { 'assets/genauth.wasm.br': fs.readFileSync(path.join(miniprogramDir(), 'core.wasm.br')) },
    });
    fs.rmSync(path.join(codeRoot, 'miniprogram_npm/genauth-wxapp-sdk/core.wasm.br'));
    try {
      const mp = launch({ codeRoot });
      const moved = client(mp, { wasmPath: '/assets/genauth.wasm.br' });
      const user = await moved.loginByCode(emulator.mintCode(WX_APP, 'alice'));
      assert.ok(user.id);
      const lost = client(launch({ codeRoot }));
      const error = await rejection(lost.ready());
      assertCodedError(error, 'WASM_LOAD_FAILED');
    } finally {
      fs.rmSync(codeRoot, { recursive: true, force: true });
    }
  });

  test('the sandbox fails a build that exports a global or ships post-ES2017 syntax', async () => {
    const broken = fs.mkdtempSync(path.join(require('os').tmpdir(), 'genauth-broken-'));
    try {
      // A wasm exporting a global in place of the core.
      const withGlobal = makeCodePackage();
      const { bytesWithGlobal } = exportedGlobalModule();
      fs.writeFileSync(
        path.join(withGlobal, 'miniprogram_npm/genauth-wxapp-sdk/core.wasm.br'),
        zlib.brotliCompressSync(bytesWithGlobal),
      );
      const error = await rejection(client(launch({ codeRoot: withGlobal })).ready());
      assertCodedError(error, 'WASM_LOAD_FAILED');
      assert.match(error.message, /exports a global/);
      fs.rmSync(withGlobal, { recursive: true, force: true });

      // A wasm using a post-MVP instruction (sign extension) in place of the core.
      const postMvp = makeCodePackage();
      fs.writeFileSync(
        path.join(postMvp, 'miniprogram_npm/genauth-wxapp-sdk/core.wasm.br'),
        zlib.brotliCompressSync(signExtModule()),
      );
      const featureError = await rejection(client(launch({ codeRoot: postMvp })).ready());
      assertCodedError(featureError, 'WASM_LOAD_FAILED');
      assert.match(featureError.message, /sign-ext/);
      fs.rmSync(postMvp, { recursive: true, force: true });

      // Optional chaining in a shipped file.
      const modern = makeCodePackage();
      const index = path.join(modern, 'miniprogram_npm/genauth-wxapp-sdk/index.js');
      fs.appendFileSync(index, '\nvar probe = module?.exports;\n');
      assert.throws(() => launch({ codeRoot: modern }).require('genauth-wxapp-sdk'), /Unexpected token/);
      fs.rmSync(modern, { recursive: true, force: true });
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  test('works in Node too (for users\' own unit tests), with a mocked wx', async () => {
    const store = new Map();
    const http = require('http');
    global.wx = {
      login: ({ success }) => setTimeout(() => success({ code: emulator.mintCode(WX_APP, 'node') })),
      request(o) {
        const url = new URL(o.url);
        const req = http.request(
          { host: url.hostname, port: url.port, path: url.pathname + url.search, method: o.method, headers: o.header },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c) => (body += c));
            res.on('end', () => {
              let data = body;
              if (o.dataType === 'json') {
                try {
                  data = JSON.parse(body);
                } catch (e) {
                  // WeChat hands over the text when it is not JSON.
                }
              }
              o.success({ statusCode: res.statusCode, data, header: res.headers });
            });
          },
        );
        req.on('error', (e) => o.fail({ errMsg: `request:fail ${e.message}` }));
        req.end(typeof o.data === 'string' || o.data === undefined ? o.data : JSON.stringify(o.data));
        return { abort: () => req.destroy() };
      },
      getStorageSync: (k) => (store.has(k) ? store.get(k) : ''),
      setStorageSync: (k, v) => store.set(k, v),
      removeStorageSync: (k) => store.delete(k),
    };
    try {
      const { AuthenticationClient } = require(PKG);
      const genauth = new AuthenticationClient({ appId: APP_ID, host: emulator.url });
      const user = await genauth.loginByCode();
      assert.ok(user instanceof Object && user.id);
      assert.equal((await genauth.getCurrentUser()).id, user.id);
    } finally {
      delete global.wx;
    }
  });
});

/** A minimal wasm module whose one function uses `i32.extend8_s` (sign extension). */
function signExtModule() {
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
    0x03, 0x02, 0x01, 0x00, // one function of type 0
    0x0a, 0x07, 0x01, 0x05, 0x00, 0x41, 0x00, 0xc0, 0x0b, // i32.const 0; i32.extend8_s; end
  ]);
  new WebAssembly.Module(bytes); // V8 accepts it; only the sandbox's MVP rule rejects it
  return Buffer.from(bytes);
}

/** A minimal wasm module exporting an immutable i32 global named `__abort_handler`. */
function exportedGlobalModule() {
  const bytes = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
    0x06, 0x06, 0x01, 0x7f, 0x00, 0x41, 0x00, 0x0b, // global section: i32 const 0
    0x07, 0x13, 0x01, 0x0f, ...Buffer.from('__abort_handler'), 0x03, 0x00, // export global 0
  ]);
  new WebAssembly.Module(bytes); // well-formed, so only the sandbox's rule rejects it
  return { bytesWithGlobal: Buffer.from(bytes) };
}
