'use strict';
// Package tests of what a page written for authing-wxapp-sdk v4 relies on: the onError option,
// the v4 options this SDK accepts and ignores, unknown options refused by name, every method
// failing cleanly on bad options, and a v4 page module that runs unchanged after its require
// line. The BUILT package in the strict WeChat sandbox, real HTTP to the emulator.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { rejection, assertCodedError } = require('./assertions');
const { useHarness, plain } = require('./harness');
const { makeCodePackage } = require('./code-package');

const h = useHarness();
const PASSWORD = 'Passw0rd!';

/** The v4 options that are accepted and have no effect, with v4-style values. */
const IGNORED_V4_OPTIONS = {
  protocol: 'oidc',
  secret: 'app-secret-never-sent',
  redirectUri: 'https://example.com/callback',
  tokenEndPointAuthMethod: 'client_secret_post',
  introspectionEndPointAuthMethod: 'client_secret_basic',
  revocationEndPointAuthMethod: 'none',
  requestFrom: 'web',
  encryptFunction: async () => {
    throw new Error('encryptFunction must not be called');
  },
  domain: 'never-used.example.com',
  websocketHost: 'wss://never-used.example.com',
};

describe('onError', () => {
  test('is called with GenAuth\'s numeric code (2006) and the call still rejects with the GenAuthError', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const calls = [];
    const mp = h.launch();
    const { GenAuthError } = mp.require('genauth-wxapp-sdk');
    const genauth = h.client(mp, { onError: (...args) => calls.push(args) });
    const error = await rejection(genauth.loginByEmail('pat@example.com', 'wrong-pass1'));
    assert.ok(error instanceof GenAuthError);
    assertCodedError(error, 'WRONG_PASSWORD');
    assert.equal(error.serverCode, 2006);
    assert.equal(calls.length, 1);
    const [code, message, data] = calls[0];
    assert.strictEqual(code, 2006, 'the numeric code, as v4 passed it');
    assert.equal(message, error.message);
    assert.deepEqual(data, error.data === undefined ? null : error.data, 'the server\'s data, else null');
    // Not called for a call that succeeds.
    await genauth.loginByEmail('pat@example.com', PASSWORD);
    assert.equal(calls.length, 1);
  });

  test('WeChat\'s code is numeric too (40029); network and server failures pass 500, as v4 did', async () => {
    const calls = [];
    const genauth = h.client(h.launch(), { onError: (code) => calls.push(code) });
    assertCodedError(await rejection(genauth.loginByCode('not-a-real-code')), 'WX_CODE_INVALID');
    h.emulator.injectFault({ path: '/api/v2/sms/send', kind: 'drop' });
    assertCodedError(await rejection(genauth.sendSmsCode('13800000001')), 'NETWORK_ERROR');
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'http500html' });
    assertCodedError(await rejection(genauth.checkPasswordStrength('abc')), 'SERVER_ERROR');
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'invalidJson' });
    assertCodedError(await rejection(genauth.checkPasswordStrength('abc')), 'INVALID_RESPONSE');
    assert.deepEqual(calls, [40029, 500, 500, 500]);
  });

  test('what onError throws or returns does not change the rejection', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const thrower = h.client(h.launch(), {
      onError: () => {
        throw { code: 2006, message: 'v4 default onError threw this' };
      },
    });
    const thrown = await rejection(thrower.loginByEmail('pat@example.com', 'wrong-pass1'));
    assertCodedError(thrown, 'WRONG_PASSWORD');
    const returner = h.client(h.launch(), { onError: () => ({ recovered: true }) });
    assertCodedError(await rejection(returner.loginByEmail('pat@example.com', 'wrong-pass1')), 'WRONG_PASSWORD');
  });

  test('is not called for a call refused before anything was sent', async () => {
    const calls = [];
    const genauth = h.client(h.launch(), { onError: (...args) => calls.push(args) });
    assertCodedError(await rejection(genauth.loginByEmail(42, PASSWORD)), 'INVALID_ARGUMENT');
    assertCodedError(await rejection(genauth.getSecurityLevel()), 'NOT_LOGGED_IN');
    assertCodedError(await rejection(genauth.sendEmail('pat@example.com', 'BAD')), 'INVALID_ARGUMENT');
    assert.equal(h.emulator.requests.length, 0);
    assert.deepEqual(calls, []);
  });
});

describe('options', () => {
  test('the ignored v4 options are accepted and change nothing on the wire', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const mp = h.launch();
    const genauth = h.client(mp, IGNORED_V4_OPTIONS);
    await genauth.ready();
    const user = await genauth.loginByEmail('pat@example.com', PASSWORD);
    assert.ok(user.id);
    assert.equal(h.storedSession(mp).token, user.token);
    await genauth.getCurrentUser();
    assert.ok(h.emulator.requests.length >= 3, 'the requests went to host (the emulator), not to domain');
    for (const request of h.emulator.requests) {
      assert.equal(request.headers['x-authing-request-from'], 'wxapp', 'requestFrom is ignored');
      assert.equal(request.headers.host, new URL(h.emulator.url).host);
      const everything = JSON.stringify(request);
      assert.ok(!everything.includes('app-secret-never-sent'), 'the secret is never sent');
      assert.ok(!everything.includes('never-used.example.com'));
      assert.ok(!everything.includes('client_secret'));
    }
    assert.equal(h.emulator.decryptPassword(h.onlyGraphql('loginByEmail').variables.input.password), PASSWORD, 'the SDK encrypted it itself');
    // Each one alone, too.
    for (const [key, value] of Object.entries(IGNORED_V4_OPTIONS)) {
      await h.client(h.launch(), { [key]: value }).ready();
    }
  });

  test('an unknown option is refused by name (INVALID_OPTIONS), e.g. v4\'s httpClient', async () => {
    const mp = h.launch();
    const { AuthenticationClient } = mp.require('genauth-wxapp-sdk');
    for (const name of ['httpClient', 'graphqlClient', 'tokenProvider', 'appSecret', 'hosts']) {
      const genauth = new AuthenticationClient({ appId: h.APP_ID, host: h.emulator.url, [name]: {} });
      const error = await rejection(genauth.ready());
      assertCodedError(error, 'INVALID_OPTIONS');
      assert.match(error.message, new RegExp(`${name}: `), error.message);
    }
    assert.equal(h.emulator.requests.length, 0);
  });

  test('with invalid options every method rejects INVALID_OPTIONS and sends nothing; computedPasswordSecurityLevel still works', async () => {
    const mp = h.launch({ chooseImage: async () => ({ bytes: 'png' }) });
    const sdk = mp.require('genauth-wxapp-sdk');
    const genauth = new sdk.AuthenticationClient({ appId: h.APP_ID, host: h.emulator.url, httpClient: {} });
    const args = {
      loginByCode: ['code'],
      getPhone: ['code', 'iv', 'data'],
      loginByPhone: [{ errMsg: 'getPhoneNumber:ok', iv: 'iv', encryptedData: 'data' }],
      updateAvatar: [],
      loginByEmail: ['pat@example.com', PASSWORD],
      loginByUsername: ['pat', PASSWORD],
      loginByPhoneCode: ['13800000001', '123456'],
      loginByPhonePassword: ['13800000001', PASSWORD],
      registerByEmail: ['pat@example.com', PASSWORD],
      registerByUsername: ['pat', PASSWORD],
      registerByPhoneCode: ['13800000001', '123456'],
      sendSmsCode: ['13800000001'],
      sendEmail: ['pat@example.com', 'VERIFY_EMAIL'],
      resetPasswordByPhoneCode: ['13800000001', '123456', PASSWORD],
      resetPasswordByEmailCode: ['pat@example.com', '123456', PASSWORD],
      checkPasswordStrength: [PASSWORD],
      getCurrentUser: [],
      checkLoginStatus: [],
      logout: [],
      getToken: [],
      updateProfile: [{ nickname: 'x' }],
      updatePassword: [PASSWORD],
      updatePhone: ['13800000001', '123456'],
      updateEmail: ['pat@example.com', '123456'],
      bindPhone: ['13800000001', '123456'],
      unbindPhone: [],
      bindEmail: ['pat@example.com', '123456'],
      unbindEmail: [],
      linkAccount: [{ primaryUserToken: 'a', secondaryUserToken: 'b' }],
      unLinkAccount: [{ primaryUserToken: 'a', provider: 'wechat-miniprogram' }],
      refreshToken: [],
      listOrgs: [],
      listApplications: [],
      listAuthorizedResources: ['default'],
      getSecurityLevel: [],
      hasRole: ['admin'],
      listUdv: [],
      setUdv: ['age', 1],
      removeUdv: ['age'],
      getUdfValue: [],
      setUdfValue: [{ age: 1 }],
      removeUdfValue: ['age'],
    };
    assert.deepEqual([...sdk.METHODS].sort(), Object.keys(args).sort(), 'this test lists every method');
    for (const name of sdk.METHODS) {
      const error = await rejection(genauth[name](...args[name]));
      assertCodedError(error, 'INVALID_OPTIONS');
      assert.ok(error instanceof sdk.GenAuthError, name);
    }
    assert.equal(genauth.computedPasswordSecurityLevel('Abcdefgh1234'), 3);
    await h.settled();
    assert.equal(h.emulator.requests.length, 0);
    assert.equal(mp.uploads.length, 0);
    assert.equal(mp.storage.size, 0);
  });
});

// A page written for authing-wxapp-sdk 4.x: only the require line differs. It keeps a
// wx.login code from onShow for the getPhoneNumber button, as v4's documentation says.
const V4_PAGE = `
const { AuthenticationClient } = require('genauth-wxapp-sdk'); // was: require('authing-wxapp-sdk')

const authing = new AuthenticationClient({
  appId: 'GEN_AUTH_APP_ID',
  host: '__HOST__',
  onError: function (code, message) {
    wx.showToast({ title: message, icon: 'none' });
  },
});

Page({
  data: { user: null, error: null, errorCode: null, level: 0, strength: null, phone: null, udf: {}, loggedIn: false },

  onShow() {
    const page = this;
    wx.login({
      success(res) {
        page.code = res.code;
      },
    });
  },

  async login(e) {
    const { email, password } = e.detail.value;
    try {
      const user = await authing.loginByEmail(email, password);
      this.setData({ user: user, error: null });
    } catch (err) {
      this.setData({ error: err.message, errorCode: err.code });
    }
  },

  onPasswordInput(e) {
    this.setData({ level: authing.computedPasswordSecurityLevel(e.detail.value) });
  },

  checkStrength(password) {
    return authing.checkPasswordStrength(password).then((res) => this.setData({ strength: res }));
  },

  async readPhone(e) {
    const { iv, encryptedData } = e.detail;
    const phone = await authing.getPhone(this.code, iv, encryptedData);
    this.setData({ phone: phone.phoneNumber });
  },

  async getPhoneNumber(e) {
    const { iv, encryptedData } = e.detail;
    const user = await authing.loginByPhone(this.code, iv, encryptedData);
    this.setData({ user: user });
  },

  async saveProfile(e) {
    const user = await authing.updateProfile({ nickname: e.detail.value.nickname });
    this.setData({ user: user });
  },

  async saveCustomData() {
    await authing.setUdfValue({ age: 18, vip: true });
    const udf = await authing.getUdfValue();
    this.setData({ udf: udf });
  },

  async refresh() {
    const user = await authing.getCurrentUser();
    const status = await authing.checkLoginStatus();
    this.setData({ user: user, loggedIn: status.status });
  },

  async signOut() {
    await authing.logout();
    this.setData({ user: null, loggedIn: false });
  },
});
`;

describe('a page written for authing-wxapp-sdk v4', () => {
  let codeRoot;
  before(() => {
    codeRoot = makeCodePackage({
      files: {
        'app.json': JSON.stringify({ pages: ['pages/account/account'] }),
        'app.js': 'App({ globalData: {} });\n',
        'pages/account/account.js': V4_PAGE.replace('__HOST__', h.emulator.url),
      },
    });
  });
  after(() => fs.rmSync(codeRoot, { recursive: true, force: true }));

  test('runs unchanged: login, password checks, phone, profile, custom fields, session', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const mp = h.launch({ codeRoot, person: 'v4-user' });
    const page = await mp.loadPageAsync('pages/account/account');
    await h.settled();
    assert.equal(typeof page.code, 'string', 'onShow kept a wx.login code');

    // A failed login shows GenAuth's message through onError, and the page's catch gets it.
    await page.login({ detail: { value: { email: 'pat@example.com', password: 'wrong-pass1' } } });
    assert.equal(page.data.errorCode, 'WRONG_PASSWORD');
    assert.ok(page.data.error.length > 0);
    assert.ok(mp.ui.some((call) => JSON.stringify(call).includes(page.data.error)), 'the toast of onError');

    await page.login({ detail: { value: { email: 'pat@example.com', password: PASSWORD } } });
    assert.equal(page.data.error, null);
    assert.equal(page.data.user.email, 'pat@example.com');

    page.onPasswordInput({ detail: { value: 'abc' } });
    assert.strictEqual(page.data.level, 1, 'synchronous, as in v4');
    page.onPasswordInput({ detail: { value: 'Abcdefgh1234' } });
    assert.strictEqual(page.data.level, 3);
    await page.checkStrength('abc123');
    assert.equal(page.data.strength.valid, true);

    // getPhone then loginByPhone with the code from onShow (a fresh one after each use).
    const phone = { phoneNumber: '13800000007', purePhoneNumber: '13800000007', countryCode: '86' };
    await page.readPhone({ detail: { errMsg: 'getPhoneNumber:ok', ...h.emulator.encryptFor(page.code, phone) } });
    assert.equal(page.data.phone, '13800000007');
    page.onShow();
    await h.settled();
    await page.getPhoneNumber({ detail: { errMsg: 'getPhoneNumber:ok', ...h.emulator.encryptFor(page.code, phone) } });
    assert.equal(page.data.user.phone, '13800000007');

    await page.saveProfile({ detail: { value: { nickname: 'V4 Fan' } } });
    assert.equal(page.data.user.nickname, 'V4 Fan');
    await page.saveCustomData();
    assert.deepEqual(plain(page.data.udf), { age: 18, vip: true });

    await page.refresh();
    assert.equal(page.data.user.nickname, 'V4 Fan');
    assert.equal(page.data.loggedIn, true);
    await page.signOut();
    assert.equal(page.data.user, null);
    assert.equal(mp.storage.size, 0);
    await page.refresh();
    assert.equal(page.data.user, null, 'getCurrentUser resolves null when logged out, as in v4');
    assert.equal(page.data.loggedIn, false);
  });
});
