'use strict';
// One test per error code: each code the core can give (its `errorCodes()`, from the Rust
// enum) is reached through the public API of the BUILT package, in the strict WeChat sandbox
// against the emulator. A code without a way here fails the first test, so a new code comes
// with its test.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { rejection, assertCodedError } = require('./assertions');
const { useHarness, settled } = require('./harness');
const { miniprogramDir } = require('./code-package');

const h = useHarness();
const PASSWORD = 'Passw0rd!';

/** A logged-in client of a fresh launch (`launch` options as the harness takes them). */
async function loggedIn(launch = {}, options = {}) {
  const mp = h.launch(launch);
  const genauth = h.client(mp, options);
  await genauth.loginByCode(h.emulator.mintCode(h.WX_APP, launch.person || 'alice'));
  await settled();
  return { mp, genauth };
}

/** Rejects with a GraphQL error of GenAuth's `code` for the next GraphQL request. */
function graphqlError(code, message) {
  h.emulator.injectFault({
    path: '/graphql/v2',
    kind: 'answer',
    status: 200,
    body: { errors: [{ message: { code, message, data: null } }], data: null },
  });
}

/** code → how to reach it: resolves the error. */
const WAYS = {
  INVALID_OPTIONS: () => rejection(h.client(h.launch(), { appid: 'typo' }).ready()),
  INVALID_ARGUMENT: () => rejection(h.client(h.launch()).loginByEmail('not an email', PASSWORD)),
  NOT_LOGGED_IN: () => rejection(h.client(h.launch()).updateProfile({ nickname: 'x' })),
  SESSION_EXPIRED: async () => {
    const { genauth } = await loggedIn();
    h.emulator.setClockOffset(16 * 24 * 3600 * 1000); // past the 15-day token
    return rejection(genauth.updateProfile({ nickname: 'x' }));
  },
  WX_CODE_INVALID: () => rejection(h.client(h.launch()).loginByCode('not-a-real-code')),
  WX_CODE_USED: async () => {
    const code = h.emulator.mintCode(h.WX_APP, 'bob');
    await h.client(h.launch()).loginByCode(code);
    return rejection(h.client(h.launch()).loginByCode(code));
  },
  WX_RATE_LIMITED: () => {
    h.emulator.injectFault({
      path: '/connections/social/wechat-miniprogram/auth',
      kind: 'answer',
      status: 200,
      body: { code: 45011, message: 'api minute-quota reach limit', data: null },
    });
    return rejection(h.client(h.launch()).loginByCode(h.emulator.mintCode(h.WX_APP, 'carl')));
  },
  WX_LOGIN_FAILED: async () => {
    const mp = h.launch({ onLogin: () => {} });
    mp.wx.login = (o) => setTimeout(() => o.fail({ errMsg: 'login:fail network error' }));
    return rejection(h.client(mp).loginByCode());
  },
  WX_PHONE_DENIED: () => rejection(h.client(h.launch()).loginByPhone({ errMsg: 'getPhoneNumber:fail user deny' })),
  WX_PRIVACY_DENIED: () =>
    rejection(h.client(h.launch()).getPhone({ errMsg: 'getPhoneNumber:fail privacy permission is not authorized', errno: 104 })),
  WX_PHONE_FAILED: () => rejection(h.client(h.launch()).getPhone({ errMsg: 'getPhoneNumber:fail no permission', errno: 102 })),
  WX_CODE_NOT_READY: async () => {
    // wx.login fails at start, so the client has no code from before the tap.
    const mp = h.launch();
    mp.wx.login = (o) => setTimeout(() => o.fail({ errMsg: 'login:fail offline' }));
    const genauth = h.client(mp);
    await genauth.ready();
    await settled();
    return rejection(genauth.loginByPhone({ errMsg: 'getPhoneNumber:ok', iv: 'aXY=', encryptedData: 'ZW5j' }));
  },
  STORAGE_FAILED: () => {
    const mp = h.launch();
    mp.wx.setStorageSync = () => {
      throw new Error('setStorageSync:fail exceed storage max size 10MB');
    };
    return rejection(h.client(mp).loginByCode(h.emulator.mintCode(h.WX_APP, 'dora')));
  },
  USER_NOT_FOUND: () => rejection(h.client(h.launch()).loginByEmail('nobody@example.com', PASSWORD)),
  WRONG_PASSWORD: () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    return rejection(h.client(h.launch()).loginByEmail('pat@example.com', 'wrong-password'));
  },
  USER_EXISTS: () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    return rejection(h.client(h.launch()).registerByEmail('pat@example.com', PASSWORD));
  },
  PHONE_TAKEN: async () => {
    h.emulator.seedUser({ phone: '13800000009' });
    const { genauth } = await loggedIn();
    await genauth.sendSmsCode('13800000009');
    return rejection(genauth.bindPhone('13800000009', h.emulator.lastSmsCode('13800000009')));
  },
  EMAIL_TAKEN: async () => {
    h.emulator.seedUser({ email: 'taken@example.com', password: PASSWORD });
    const { genauth } = await loggedIn();
    await genauth.sendEmail('taken@example.com', 'VERIFY_EMAIL');
    return rejection(genauth.bindEmail('taken@example.com', h.emulator.lastEmailCode('taken@example.com')));
  },
  VERIFY_CODE_INVALID: async () => {
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode('13800000001');
    const code = h.emulator.lastSmsCode('13800000001');
    return rejection(genauth.loginByPhoneCode('13800000001', code === '000000' ? '111111' : '000000'));
  },
  VERIFY_CODE_EXPIRED: async () => {
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode('13800000002');
    h.emulator.setClockOffset(6 * 60 * 1000);
    return rejection(genauth.loginByPhoneCode('13800000002', h.emulator.lastSmsCode('13800000002')));
  },
  CAPTCHA_REQUIRED: () => {
    graphqlError(2000, '请输入图形验证码');
    return rejection(h.client(h.launch(), { publicKey: h.emulator.publicKey }).loginByEmail('pat@example.com', PASSWORD));
  },
  SERVER_REJECTED: () => {
    graphqlError(2999, '未知错误');
    return rejection(h.client(h.launch()).checkPasswordStrength('abc'));
  },
  LOGGED_OUT_LOCALLY: async () => {
    const { genauth } = await loggedIn();
    h.emulator.injectFault({ path: '/api/v2/logout', kind: 'drop' });
    return rejection(genauth.logout());
  },
  CANCELLED: async () => {
    const { genauth } = await loggedIn({ chooseImage: async () => null });
    return rejection(genauth.updateAvatar());
  },
  // No wx.getRandomValues (an old base library) and no platform crypto: nothing is sent.
  ENCRYPTION_FAILED: () =>
    rejection(h.client(h.launch({ randomValues: false }), { publicKey: h.emulator.publicKey }).loginByEmail('pat@example.com', PASSWORD)),
  NETWORK_ERROR: () => {
    h.emulator.injectFault({ path: '/api/v2/sms/send', kind: 'drop' });
    return rejection(h.client(h.launch()).sendSmsCode('13800000003'));
  },
  TIMEOUT: () => {
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'delay', delayMs: 1000 });
    return rejection(h.client(h.launch(), { timeout: 200 }).checkPasswordStrength('abc'));
  },
  SERVER_ERROR: () => {
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'http500html' });
    return rejection(h.client(h.launch()).checkPasswordStrength('abc'));
  },
  RATE_LIMITED: () => {
    h.emulator.injectFault({ path: '/api/v2/sms/send', kind: 'answer', status: 429, body: 'Too Many Requests' });
    return rejection(h.client(h.launch()).sendSmsCode('13800000004'));
  },
  INVALID_RESPONSE: () => {
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'invalidJson' });
    return rejection(h.client(h.launch()).checkPasswordStrength('abc'));
  },
  WASM_LOAD_FAILED: () => rejection(h.client(h.launch(), { wasmPath: '/nowhere/core.wasm.br' }).ready()),
  INTERNAL: async () => {
    // A real trap: the test build's trap switch (recovery.test.js has the rest).
    const mp = h.launchTrap();
    const genauth = h.client(mp);
    await genauth.ready();
    (await mp.require('/miniprogram_npm/genauth-wxapp-sdk/loader.js').loadCore()).trapSwitch('prepare');
    return rejection(genauth.getToken());
  },
};

test('every code the core can give has a way here', async () => {
  const { errorCodes } = await require(path.join(miniprogramDir(), 'loader.js')).loadCore();
  assert.deepEqual(Object.keys(WAYS).sort(), [...errorCodes()].sort());
});

for (const [code, way] of Object.entries(WAYS)) {
  test(`${code} through the public API`, async () => {
    const error = await way();
    assertCodedError(error, code);
    assert.equal(error.name, 'GenAuthError');
  });
}
