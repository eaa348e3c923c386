'use strict';
// Recovery: real wasm traps (the test build's trap switch, target/pkg-trap/), a storage that
// refuses the session (held in memory), and a console the SDK never writes to. The built
// packages in the strict WeChat sandbox, real HTTP to the emulator.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { rejection, assertCodedError, scanConsole, recordingConsole } = require('./assertions');
const { useHarness } = require('./harness');
const { TRAP_DIST, miniprogramDir } = require('./code-package');

const h = useHarness();
const QUOTA = 'setStorageSync:fail exceed storage max size 10MB';

describe('a real trap in the core (test build with the trap switch)', () => {
  const launchTrap = h.launchTrap;
  const loaderOf = (mp) => mp.require('/miniprogram_npm/genauth-wxapp-sdk/loader.js');

  test('the shipped package has no trap switch; the test build differs from it only by that', async () => {
    const shipped = fs.readFileSync(path.join(miniprogramDir(), 'core.js'), 'utf8');
    assert.doesNotMatch(shipped, /trapSwitch/);
    const mp = h.launch();
    await h.client(mp).ready();
    assert.equal(typeof (await loaderOf(mp).loadCore()).trapSwitch, 'undefined');
    const trap = launchTrap();
    await h.client(trap).ready();
    assert.equal(typeof (await loaderOf(trap).loadCore()).trapSwitch, 'function');
    const shippedFiles = fs.readdirSync(miniprogramDir()).sort();
    assert.deepEqual(fs.readdirSync(TRAP_DIST).sort(), shippedFiles);
    for (const file of shippedFiles.filter((name) => !/^core\./.test(name))) {
      assert.equal(fs.readFileSync(path.join(TRAP_DIST, file), 'utf8'), fs.readFileSync(path.join(miniprogramDir(), file), 'utf8'), file);
    }
  });

  for (const [point, call] of [
    ['prepare', (c) => c.getCurrentUser()],
    ['oom', (c) => c.getCurrentUser()],
    ['complete', (c) => c.getCurrentUser()],
  ]) {
    test(`a trap at ${point} rejects that call INTERNAL; the next call of every client runs on a fresh instance, session intact`, async () => {
      const mp = launchTrap();
      const a = h.client(mp);
      const b = h.client(mp, { lang: 'en-US' });
      const user = await a.loginByCode(h.emulator.mintCode(h.WX_APP, 'ivan'));
      const before = h.snapshot(mp);
      const loader = loaderOf(mp);
      const bindings = await loader.loadCore();
      bindings.trapSwitch(point);
      const error = await rejection(call(a));
      assertCodedError(error, 'INTERNAL');
      assert.match(error.message, /unreachable/i, 'a real RuntimeError from the engine');
      assert.equal(h.snapshot(mp), before, 'storage untouched');
      // Both clients go on, on a new instance, with the session storage kept.
      assert.equal((await b.getCurrentUser()).id, user.id);
      assert.equal((await a.getCurrentUser()).id, user.id);
      assert.ok((await a.getToken()) === h.storedSession(mp).token && h.storedSession(mp).token, 'the stored session');
      assert.notEqual(await loader.loadCore(), bindings, 'a fresh instance');
    });
  }

  test('a trap while other calls are in flight: every call settles, and the next ones work', async () => {
    const mp = launchTrap();
    const a = h.client(mp);
    const b = h.client(mp);
    const user = await a.loginByCode(h.emulator.mintCode(h.WX_APP, 'jo'));
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'delay', delayMs: 150, times: 0 });
    const loader = loaderOf(mp);
    const bindings = await loader.loadCore();
    const calls = [a.getCurrentUser(), b.getCurrentUser(), a.checkLoginStatus(), b.listUdv()];
    await h.settled(50);
    bindings.trapSwitch('complete');
    const results = await Promise.allSettled(calls);
    h.emulator.clearFaults();
    const failed = results.filter((r) => r.status === 'rejected');
    assert.ok(failed.length >= 1, 'the call whose answer trapped rejects');
    for (const r of failed) assertCodedError(r.reason, 'INTERNAL');
    assert.equal((await b.getCurrentUser()).id, user.id);
    assert.equal((await a.checkLoginStatus()).status, true);
    assert.equal(h.storedSession(mp).token, await b.getToken());
  });

  test('a password login that runs out of memory rejects INTERNAL and the password is never sent', async () => {
    const seed = h.emulator.seedUser({ email: 'oom@example.com', password: 'Passw0rd!' });
    const mp = launchTrap();
    const genauth = h.client(mp);
    await genauth.ready();
    (await loaderOf(mp).loadCore()).trapSwitch('oom');
    assertCodedError(await rejection(genauth.loginByEmail(seed.email, 'Passw0rd!')), 'INTERNAL');
    assert.equal(h.emulator.requests.length, 0);
    const user = await genauth.loginByEmail(seed.email, 'Passw0rd!');
    assert.equal(user.email, seed.email);
  });
});

describe('storage that refuses the session: held in memory, reported, never an older session back', () => {
  /** Makes mp's setStorageSync (or removeStorageSync) throw until the returned function is called. */
  function refuse(mp, which = 'setStorageSync', message = QUOTA) {
    const original = mp.wx[which];
    mp.wx[which] = () => {
      throw new Error(message);
    };
    return () => {
      mp.wx[which] = original;
    };
  }

  test('a login storage cannot keep rejects STORAGE_FAILED; the session works in memory, for every client', async () => {
    const { mp, genauth, user: first } = await h.loggedIn({ person: 'hana' });
    const other = h.client(mp, { lang: 'en-US' });
    const restore = refuse(mp);
    let error;
    try {
      error = await rejection(other.loginByPhoneCode(...(await phoneCode('13800000001'))));
    } finally {
      restore();
    }
    assertCodedError(error, 'STORAGE_FAILED');
    assert.match(error.message, /exceed storage max size/);
    assert.match(error.message, /kept in memory until the mini program closes/);
    assert.equal(error.data, undefined, 'nothing of the session (its token is a secret)');
    // The older session is gone from storage: a restart would not bring it back.
    assert.equal(h.storedSession(mp).token, '');
    assert.equal(await h.client(h.launch({ storage: mp.storage })).getToken(), null);
    // The new session is the one in effect, for both clients of the app.
    const held = await genauth.getToken();
    assert.notEqual(held, first.token);
    h.emulator.requests.length = 0;
    const current = await genauth.getCurrentUser();
    assert.notEqual(current.id, first.id);
    assert.equal(current.phone, '13800000001');
    assert.ok(h.onlyGraphql('user').headers.authorization === `Bearer ${held}`, 'sent with the held token');
  });

  test('the next session write storage takes ends the in-memory hold', async () => {
    const { mp, genauth } = await h.loggedIn({ person: 'ines' });
    const restore = refuse(mp);
    const error = await rejection(genauth.loginByCode(h.emulator.mintCode(h.WX_APP, 'ines')));
    restore();
    assertCodedError(error, 'STORAGE_FAILED');
    assert.match(error.message, /登录状态暂存于内存/);
    const again = await genauth.refreshToken();
    assert.equal(h.storedSession(mp).token, again.token, 'stored again');
    assert.equal(await h.client(h.launch({ storage: mp.storage })).getToken(), again.token, 'and survives a restart');
  });

  test('a logout storage cannot record still logs out (in memory) and says so', async () => {
    const { mp, genauth } = await h.loggedIn({ person: 'jun' });
    const restore = refuse(mp, 'removeStorageSync', 'removeStorageSync:fail io error');
    let error;
    try {
      error = await rejection(genauth.logout());
    } finally {
      restore();
    }
    assertCodedError(error, 'STORAGE_FAILED');
    assert.equal(error.data, undefined);
    assert.equal(await genauth.getToken(), null);
    assert.equal((await genauth.checkLoginStatus()).status, false);
    assertCodedError(await rejection(genauth.getSecurityLevel()), 'NOT_LOGGED_IN');
  });

  test('a user copy storage refuses does not fail the call, and the call still reads it back', async () => {
    const { mp, genauth, user } = await h.loggedIn({ person: 'kai' });
    const setStorageSync = mp.wx.setStorageSync;
    mp.wx.setStorageSync = (key, value) => {
      if (key === h.USER_KEY) throw new Error('setStorageSync:fail exceed max size per key 1MB');
      return setStorageSync(key, value);
    };
    const updated = await genauth.updateProfile({ nickname: 'Kai 2' });
    mp.wx.setStorageSync = setStorageSync;
    assert.equal(updated.nickname, 'Kai 2');
    assert.equal(h.storedValue(mp, h.USER_KEY), '', 'no stale copy left in storage');
    assert.equal(h.storedSession(mp).token, updated.token);
    assert.notEqual(updated.token, undefined);
    assert.equal(user.id, updated.id);
  });

  /** Sends an SMS code to `phone` and returns the login arguments. */
  async function phoneCode(phone) {
    h.emulator.seedUser({ phone, password: 'Passw0rd!' });
    const mp = h.launch();
    await h.client(mp).sendSmsCode(phone);
    return [phone, h.emulator.lastSmsCode(phone)];
  }
});

test('the SDK writes nothing to the console, whatever happens', async () => {
  scanConsole();
  const mp = h.launch();
  const genauth = h.client(mp);
  await genauth.loginByCode(h.emulator.mintCode(h.WX_APP, 'lena'));
  await genauth.getCurrentUser();
  assertCodedError(await rejection(genauth.updateProfile({ nickname: 7 })), 'INVALID_ARGUMENT');
  h.emulator.injectFault({ path: '/graphql/v2', kind: 'drop', times: 1 });
  assertCodedError(await rejection(genauth.getCurrentUser()), 'NETWORK_ERROR');
  h.emulator.injectFault({ path: '/graphql/v2', kind: 'http500html', times: 1 });
  assertCodedError(await rejection(genauth.listUdv()), 'SERVER_ERROR');
  assertCodedError(await rejection(genauth.loginByEmail('nobody@example.com', 'wrong-Passw0rd')), 'USER_NOT_FOUND');
  await genauth.logout();
  assert.deepEqual(scanConsole(), []);
  // The scan every test file runs after each test would catch a secret on the console.
  recordingConsole().warn('token:', h.emulator.secrets()[0]);
  assert.throws(() => scanConsole(), /a console line repeats a secret/);
});
