'use strict';
// The set-up the package test files share: one emulator and one code package per file, a
// fresh emulator state per test, mini programs (app launches) closed after each test.
// `useHarness()` registers the node:test hooks of the calling file and returns the helpers.
const { before, after, beforeEach, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { startEmulator } = require('../emulator');
const { createMiniProgram } = require('../sandbox');
const { makeCodePackage, makeTrapCodePackage } = require('./code-package');
const { watchSecrets, recordingConsole, scanConsole, scanned } = require('./assertions');

const APP_ID = 'GEN_AUTH_APP_ID';
const WX_APP = 'wx1234567890abcdef';
const TOKEN_KEY = `genauth:${APP_ID}:token`;
const USER_KEY = `genauth:${APP_ID}:user`;

/** Lets the wx callbacks the last call scheduled run (they are macrotasks). */
function settled(ms = 20) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The operation name of a GraphQL body: the word after `query` / `mutation`. */
function operationOf(query) {
  const m = /^\s*(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query || '');
  return m ? m[1] : null;
}

/** A value of the sandbox realm as plain JSON data of this realm (for deepEqual). */
function plain(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function useHarness() {
  const h = {
    APP_ID,
    WX_APP,
    TOKEN_KEY,
    USER_KEY,
    emulator: null,
    root: null,
    trapRoot: null,
    programs: [],
    settled,
    operationOf,
  };

  before(async () => {
    h.emulator = await startEmulator();
    watchSecrets(() => h.emulator.secrets());
    h.root = makeCodePackage();
  });

  after(async () => {
    process.stdout.write(`# secret scan: ${scanned.errors} errors and ${scanned.consoleLines} console lines checked against up to ${scanned.secrets} secrets\n`);
    await h.emulator.close();
    fs.rmSync(h.root, { recursive: true, force: true });
    if (h.trapRoot) fs.rmSync(h.trapRoot, { recursive: true, force: true });
  });

  beforeEach(() => h.emulator.reset());

  afterEach(() => {
    while (h.programs.length) h.programs.pop().close();
    // Whatever the mini programs printed holds no secret the emulator handed out.
    scanConsole();
  });

  /**
   * A mini program (one app launch) whose wx.login returns codes for `person`. `onLogin(code)`
   * sees every code the wx.login hook minted, in order.
   */
  h.launch = function launch({ person = 'alice', storage, wechatAppId = WX_APP, codeRoot = h.root, onLogin, ...rest } = {}) {
    const mp = createMiniProgram({
      root: codeRoot,
      wechatAppId,
      storage,
      console: recordingConsole(),
      login: async (appid) => {
        const code = h.emulator.mintCode(appid, person);
        if (onLogin) onLogin(code);
        return code;
      },
      ...rest,
    });
    h.programs.push(mp);
    return mp;
  };

  /** A launch of the trap build's code package (made once per file): `loadCore().trapSwitch`. */
  h.launchTrap = function launchTrap(options = {}) {
    if (!h.trapRoot) h.trapRoot = makeTrapCodePackage();
    return h.launch({ codeRoot: h.trapRoot, ...options });
  };

  /** A client of the default app on `mp`, pointed at the emulator. */
  h.client = function client(mp, options = {}) {
    const { AuthenticationClient } = mp.require('genauth-wxapp-sdk');
    return new AuthenticationClient({ appId: APP_ID, host: h.emulator.url, ...options });
  };

  /** What wx.getStorageSync(key) would return (the sandbox keeps values serialised). */
  h.storedValue = function storedValue(mp, key) {
    return mp.storage.has(key) ? JSON.parse(mp.storage.get(key)) : '';
  };

  /** The session this SDK keeps: the token (a string) and the user (an object). */
  h.storedSession = function storedSession(mp) {
    return { token: h.storedValue(mp, TOKEN_KEY), user: h.storedValue(mp, USER_KEY) };
  };

  /** Everything in wx storage, as WeChat keeps it. */
  h.snapshot = function snapshot(mp) {
    return JSON.stringify([...mp.storage.entries()].sort());
  };

  /** The GraphQL requests sent so far: `{operation, query, variables, headers}`. */
  h.graphql = function graphql(operation) {
    const list = h.emulator.requests
      .filter((r) => r.path === '/graphql/v2')
      .map((r) => {
        const body = JSON.parse(r.body);
        return { operation: operationOf(body.query), query: body.query, variables: body.variables, headers: r.headers, request: r };
      });
    return operation ? list.filter((g) => g.operation === operation) : list;
  };

  /** The one GraphQL request of `operation` (fails unless exactly one was sent). */
  h.onlyGraphql = function onlyGraphql(operation) {
    const list = h.graphql(operation);
    assert.equal(list.length, 1, `one ${operation} request (saw ${h.graphql().map((g) => g.operation).join(', ') || 'none'})`);
    return list[0];
  };

  /** The requests to `path` (REST). */
  h.rest = function rest(path) {
    return h.emulator.requests.filter((r) => r.path === path);
  };

  /** Requests sent after `mark` (an index into emulator.requests). */
  h.since = function since(mark) {
    return h.emulator.requests.slice(mark);
  };

  /**
   * A logged-in client: a WeChat login of `person` on a new launch (or `mp`). Resolves
   * `{mp, genauth, user}`. The emulator's request log is cleared afterwards unless `keepLog`.
   */
  h.loggedIn = async function loggedIn({ person = 'alice', mp, options, keepLog = false, ...launchOptions } = {}) {
    const program = mp || h.launch({ person, ...launchOptions });
    const genauth = h.client(program, options);
    const user = await genauth.loginByCode(h.emulator.mintCode(WX_APP, person));
    await settled();
    if (!keepLog) h.emulator.requests.length = 0;
    return { mp: program, genauth, user };
  };

  /**
   * A seeded password account logged in with loginByEmail. Resolves `{mp, genauth, user, seed}`.
   */
  h.passwordUser = async function passwordUser(fields = {}, { mp, options, keepLog = false, ...launchOptions } = {}) {
    const seed = h.emulator.seedUser({ email: 'pat@example.com', password: 'Passw0rd!', ...fields });
    const program = mp || h.launch(launchOptions);
    const genauth = h.client(program, options);
    const user = await genauth.loginByEmail(seed.email, fields.password || 'Passw0rd!');
    await settled();
    if (!keepLog) h.emulator.requests.length = 0;
    return { mp: program, genauth, user, seed };
  };

  /** The emulator's record of user `id`. */
  h.record = function record(id) {
    return h.emulator.users().find((u) => u.id === id);
  };

  return h;
}

module.exports = { useHarness, operationOf, settled, plain, APP_ID, WX_APP, TOKEN_KEY, USER_KEY };
