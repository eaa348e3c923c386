'use strict';
// Package tests of the WeChat page methods: getPhone and loginByPhone (authing-wxapp-sdk's
// three strings and the getPhoneNumber button's e.detail, with the spare wx.login code the
// client takes before the tap) and updateAvatar (wx.chooseMedia / wx.chooseImage / a path,
// wx.uploadFile, then updateUser). The BUILT package in the strict sandbox, real HTTP.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const http = require('http');
const { rejection, assertCodedError } = require('./assertions');
const { useHarness, plain } = require('./harness');

const h = useHarness();
const PHONE = { phoneNumber: '13800000007', purePhoneNumber: '13800000007', countryCode: '86' };
const GETPHONE = '/connections/social/wechat-miniprogram/getphone';
const AUTH_BY_PHONE = '/connections/social/wechat-miniprogram/auth-by-phone';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

/** The openid the emulator gives `person` in the default WeChat app. */
function openidOf(person) {
  return 'o' + crypto.createHash('sha256').update(`${h.WX_APP}:${person}`).digest('base64url').slice(0, 27);
}

/**
 * A launch whose wx.login hook records every code it mints with the phase the test is in
 * ('before' the tap, 'during' the call, 'after' it), and a client on it whose start-up spare
 * code has been fetched. `person(phase)` chooses whose code is minted.
 */
async function tapPage({ person = () => 'alice', failLogin = () => false, options, ...launchOptions } = {}) {
  const state = { phase: 'before', minted: [], hookCalls: 0 };
  const mp = h.launch({
    ...launchOptions,
    login: async (appid) => {
      state.hookCalls += 1;
      if (failLogin(state)) throw new Error('system error');
      const code = h.emulator.mintCode(appid, person(state.phase));
      state.minted.push({ code, phase: state.phase });
      return code;
    },
  });
  const genauth = h.client(mp, options);
  await genauth.ready();
  await h.settled();
  /** Runs one call as a tap: codes minted until it settles count as 'during'. */
  state.tap = async (call) => {
    state.phase = 'during';
    const promise = call();
    // Attached before the test's own await, so the phase turns as the call settles.
    promise.then(() => (state.phase = 'after'), () => (state.phase = 'after'));
    try {
      return await promise;
    } finally {
      await h.settled();
      state.phase = 'before';
    }
  };
  state.during = () => state.minted.filter((m) => m.phase === 'during');
  state.latest = () => state.minted[state.minted.length - 1].code;
  return { mp, genauth, state };
}

/** The getPhoneNumber button's e.detail for the phone, encrypted for `code`'s session key. */
function okDetail(code, phone = PHONE) {
  const { iv, encryptedData } = h.emulator.encryptFor(code, phone);
  return { errMsg: 'getPhoneNumber:ok', iv, encryptedData, code: 'dynamic-phone-code-unused', cloudID: 'cloud-id-unused' };
}

const FAILED_DETAILS = [
  [{ errMsg: 'getPhoneNumber:fail user deny' }, 'WX_PHONE_DENIED'],
  [{ errMsg: 'getPhoneNumber:fail:user deny' }, 'WX_PHONE_DENIED'],
  [{ errMsg: 'getPhoneNumber:fail privacy permission is not authorized', errno: 104 }, 'WX_PRIVACY_DENIED'],
  [{ errMsg: 'getPhoneNumber:fail no permission', errno: 102 }, 'WX_PHONE_FAILED'],
  [{ errMsg: 'getPhoneNumber:fail system error' }, 'WX_PHONE_FAILED'],
];

describe('getPhone', () => {
  test('v4 form: a wx.login code from before the tap, iv and encryptedData → the phone; stores nothing', async () => {
    const mp = h.launch({ person: 'gina' });
    const genauth = h.client(mp);
    const { code } = await mp.wx.login(); // the page's own wx.login, e.g. in onShow
    const { iv, encryptedData } = h.emulator.encryptFor(code, PHONE);
    const phone = await genauth.getPhone(code, iv, encryptedData);
    assert.deepEqual(plain(phone), {
      countryCode: '86',
      phoneNumber: '13800000007',
      purePhoneNumber: '13800000007',
      openid: openidOf('gina'),
      unionid: phone.unionid,
    });
    assert.match(phone.unionid, /^u/);
    const [request] = h.rest(GETPHONE);
    assert.equal(request.method, 'POST');
    assert.deepEqual(JSON.parse(request.body), { code, iv, encryptedData });
    assert.equal(request.headers['x-authing-app-id'], h.APP_ID);
    assert.equal(request.headers.authorization, undefined);
    assert.equal(h.emulator.requests.length, 1);
    await h.settled();
    assert.equal(h.storedValue(mp, h.TOKEN_KEY), '', 'no session');
    assert.equal(h.storedValue(mp, h.USER_KEY), '');
    assert.equal(await genauth.getToken(), null, 'nobody is logged in');
    assert.equal(h.emulator.users().length, 0, 'no account made');
  });

  test('e.detail form: the spare code taken at start is used, no wx.login happens during the call', async () => {
    const { mp, genauth, state } = await tapPage({
      // A code minted after the tap belongs to someone else: using it would give another openid.
      person: (phase) => (phase === 'before' ? 'alice' : 'mallory'),
    });
    assert.equal(state.minted.length, 1, 'the client took one spare code at start');
    const spare = state.minted[0].code;
    const phone = await state.tap(() => genauth.getPhone(okDetail(spare)));
    assert.equal(phone.phoneNumber, '13800000007');
    assert.equal(phone.openid, openidOf('alice'));
    assert.deepEqual(state.during(), [], 'no wx.login during the call');
    const [request] = h.rest(GETPHONE);
    const body = JSON.parse(request.body);
    assert.deepEqual(Object.keys(body).sort(), ['code', 'encryptedData', 'iv'], 'only the v4 fields are sent');
    assert.equal(body.code, spare);
    assert.equal(h.storedValue(mp, h.TOKEN_KEY), '');
    assert.equal(h.emulator.users().length, 0);
    // A new spare is taken after the call, and the next tap uses it.
    assert.equal(state.minted.length, 2, 'a new spare after the call');
    assert.equal(state.minted[1].phase, 'after');
    const next = state.minted[1].code;
    await state.tap(() => genauth.getPhone(okDetail(next)));
    assert.equal(JSON.parse(h.rest(GETPHONE)[1].body).code, next);
  });

  test('getPhone with a session leaves the session as it was', async () => {
    const { mp, genauth, state } = await tapPage({ person: () => 'hank' });
    const user = await genauth.loginByCode(h.emulator.mintCode(h.WX_APP, 'hank'));
    await h.settled();
    const before = h.snapshot(mp);
    const phone = await state.tap(() => genauth.getPhone(okDetail(state.latest())));
    assert.equal(phone.openid, user.openid);
    assert.equal(h.snapshot(mp), before, 'nothing stored');
    assert.equal(h.record(user.id).phone, null, 'nothing bound');
  });

  for (const [detail, code] of FAILED_DETAILS) {
    test(`getPhone(e.detail) with ${JSON.stringify(detail)} → ${code}, nothing sent`, async () => {
      const { mp, genauth, state } = await tapPage();
      const error = await rejection(state.tap(() => genauth.getPhone(detail)));
      assertCodedError(error, code);
      assert.equal(h.emulator.requests.length, 0, 'nothing sent');
      assert.equal(mp.storage.size, 0);
    });
  }

  test('v4 form: a used code → WX_CODE_USED (40163), a ciphertext for another code → SERVER_REJECTED', async () => {
    const mp = h.launch();
    const genauth = h.client(mp);
    const { code } = await mp.wx.login();
    const { iv, encryptedData } = h.emulator.encryptFor(code, PHONE);
    await genauth.getPhone(code, iv, encryptedData);
    const used = await rejection(genauth.getPhone(code, iv, encryptedData));
    assertCodedError(used, 'WX_CODE_USED');
    assert.equal(used.serverCode, 40163);
    const { code: other } = await mp.wx.login();
    const mismatch = await rejection(genauth.getPhone(other, iv, encryptedData));
    assertCodedError(mismatch, 'SERVER_REJECTED');
    assert.equal(mismatch.serverCode, 400);
    assert.equal(mp.storage.size, 0);
  });

  test('bad arguments → INVALID_ARGUMENT before any request', async () => {
    const { genauth, state } = await tapPage();
    const cases = [
      () => genauth.getPhone(),
      () => genauth.getPhone('code', 'iv'),
      () => genauth.getPhone('code', 'iv', 42),
      () => genauth.getPhone('', 'iv', 'data'),
      () => genauth.getPhone({ iv: 'iv', encryptedData: 'data' }),
      () => genauth.getPhone({ errMsg: 'getPhoneNumber:ok', iv: 'iv' }),
      () => genauth.loginByPhone('code', 'iv'),
      () => genauth.loginByPhone({ errMsg: 'getPhoneNumber:ok', encryptedData: 'data' }),
      () => genauth.loginByPhone(42),
    ];
    for (const call of cases) assertCodedError(await rejection(state.tap(call)), 'INVALID_ARGUMENT');
    assert.equal(h.emulator.requests.length, 0);
  });
});

describe('loginByPhone', () => {
  test('e.detail form: a new phone is bound to the WeChat account; the session is stored; no wx.login in the call', async () => {
    const { mp, genauth, state } = await tapPage({ person: (phase) => (phase === 'before' ? 'ivy' : 'mallory') });
    const spare = state.minted[0].code;
    const user = await state.tap(() => genauth.loginByPhone(okDetail(spare)));
    assert.equal(user.phone, '13800000007');
    assert.equal(user.openid, openidOf('ivy'));
    assert.equal(typeof user.token, 'string');
    assert.deepEqual(state.during(), [], 'no wx.login during the call');
    const [request] = h.rest(AUTH_BY_PHONE);
    assert.equal(request.method, 'POST');
    const body = JSON.parse(request.body);
    assert.deepEqual(Object.keys(body).sort(), ['code', 'encryptedData', 'iv']);
    assert.equal(body.code, spare, 'the code taken before the tap');
    assert.equal(h.emulator.requests.length, 1, 'one request, no wx.login retry');
    const stored = h.storedSession(mp);
    assert.equal(stored.token, user.token);
    assert.equal(stored.user.id, user.id);
    assert.equal(stored.user.phone, '13800000007');
    assert.equal(await genauth.getToken(), user.token);
    assert.equal(h.emulator.users().length, 1);
  });

  test('a phone of an existing account logs into that account', async () => {
    const seed = h.emulator.seedUser({ phone: '13800000007', email: 'owner@example.com', password: 'Passw0rd!' });
    const { mp, genauth, state } = await tapPage({ person: () => 'jack' });
    const user = await state.tap(() => genauth.loginByPhone(okDetail(state.minted[0].code)));
    assert.equal(user.id, seed.id);
    assert.equal(user.email, 'owner@example.com');
    assert.equal(h.emulator.users().length, 1, 'no second account');
    assert.ok(h.record(seed.id).identities.some((i) => i.openid === openidOf('jack')), 'the WeChat identity is attached');
    assert.equal(h.storedSession(mp).user.id, seed.id);
  });

  test('v4 form: loginByPhone(code, iv, encryptedData) with the page\'s own wx.login code', async () => {
    const mp = h.launch({ person: 'kate' });
    const genauth = h.client(mp);
    const { code } = await mp.wx.login();
    const { iv, encryptedData } = h.emulator.encryptFor(code, PHONE);
    const user = await genauth.loginByPhone(code, iv, encryptedData);
    assert.equal(user.phone, '13800000007');
    assert.deepEqual(JSON.parse(h.rest(AUTH_BY_PHONE)[0].body), { code, iv, encryptedData });
    assert.equal(h.storedSession(mp).token, user.token);
    const used = await rejection(genauth.loginByPhone(code, iv, encryptedData));
    assertCodedError(used, 'WX_CODE_USED');
    assert.equal(h.storedSession(mp).token, user.token, 'a failed login keeps the session');
  });

  test('after a code-less loginByCode the tap uses the spare taken after that login', async () => {
    const { genauth, state } = await tapPage({ person: () => 'liam' });
    await genauth.loginByCode(); // the SDK's own wx.login: it may rotate the session key
    await h.settled();
    const afterLogin = state.latest();
    assert.notEqual(afterLogin, state.minted[0].code);
    const user = await state.tap(() => genauth.loginByPhone(okDetail(afterLogin)));
    assert.equal(user.phone, '13800000007');
    assert.equal(JSON.parse(h.rest(AUTH_BY_PHONE)[0].body).code, afterLogin);
  });

  for (const [detail, code] of FAILED_DETAILS) {
    test(`loginByPhone(e.detail) with ${JSON.stringify(detail)} → ${code}, nothing sent, the session stays`, async () => {
      const { mp, genauth, state } = await tapPage({ person: () => 'mia' });
      await genauth.loginByCode(h.emulator.mintCode(h.WX_APP, 'mia'));
      await h.settled();
      h.emulator.requests.length = 0;
      const before = h.snapshot(mp);
      const error = await rejection(state.tap(() => genauth.loginByPhone(detail)));
      assertCodedError(error, code);
      assert.equal(h.emulator.requests.length, 0, 'nothing sent');
      assert.equal(h.snapshot(mp), before);
    });
  }

  test('a declined tap does not use up the spare: the next tap uses it', async () => {
    const { genauth, state } = await tapPage();
    const spare = state.minted[0].code;
    assertCodedError(await rejection(state.tap(() => genauth.loginByPhone({ errMsg: 'getPhoneNumber:fail user deny' }))), 'WX_PHONE_DENIED');
    const user = await state.tap(() => genauth.loginByPhone(okDetail(spare)));
    assert.equal(user.phone, '13800000007');
    assert.equal(JSON.parse(h.rest(AUTH_BY_PHONE)[0].body).code, spare);
  });

  test('no spare code (wx.login failed at start) → WX_CODE_NOT_READY, nothing sent; the client gets one: tap again', async () => {
    const { mp, genauth, state } = await tapPage({ failLogin: (s) => s.hookCalls === 1 });
    assert.equal(state.hookCalls, 1, 'the start-up wx.login was tried');
    assert.equal(state.minted.length, 0);
    const detail = { errMsg: 'getPhoneNumber:ok', iv: 'AAAAAAAAAAAAAAAAAAAAAA==', encryptedData: 'AAAA' };
    const error = await rejection(state.tap(() => genauth.loginByPhone(detail)));
    assertCodedError(error, 'WX_CODE_NOT_READY');
    assert.equal(h.emulator.requests.length, 0, 'nothing sent');
    assert.deepEqual(state.minted.map((m) => m.phase), ['after'], 'a spare is fetched once the call has failed');
    const user = await state.tap(() => genauth.loginByPhone(okDetail(state.minted[0].code)));
    assert.equal(user.phone, '13800000007');
    assert.equal(h.storedSession(mp).token, user.token);
    // getPhone says the same.
    const noSpare = await tapPage({ failLogin: () => true });
    assertCodedError(await rejection(noSpare.state.tap(() => noSpare.genauth.getPhone(detail))), 'WX_CODE_NOT_READY');
    assert.equal(h.rest(GETPHONE).length, 0);
  });

  test('a spare older than WeChat\'s 5 minutes is not used: WX_CODE_NOT_READY, then a fresh spare', async () => {
    const { mp, genauth, state } = await tapPage();
    const old = state.minted[0].code;
    // The phone's clock moves on 4 min 50 s (the context's Date is the SDK's clock).
    mp.evaluate('(function () { var now = Date.now; Date.now = function () { return now() + 290000; }; })()');
    const error = await rejection(state.tap(() => genauth.loginByPhone(okDetail(old))));
    assertCodedError(error, 'WX_CODE_NOT_READY');
    assert.equal(h.emulator.requests.length, 0);
    assert.equal(state.minted.length, 2, 'a fresh spare was taken after the call');
    assert.equal(state.minted[1].phase, 'after');
    const user = await state.tap(() => genauth.loginByPhone(okDetail(state.minted[1].code)));
    assert.equal(user.phone, '13800000007');
  });

  test('a tap GenAuth rejects still uses up the spare: a new one is taken for the next tap', async () => {
    const { genauth, state } = await tapPage();
    const spare = state.minted[0].code;
    // Encrypted for another code's session key: GenAuth cannot decrypt it.
    const { code: other } = await h.launch().wx.login();
    const error = await rejection(state.tap(() => genauth.loginByPhone(okDetail(other))));
    assertCodedError(error, 'SERVER_REJECTED');
    assert.equal(error.serverCode, 400);
    assert.equal(JSON.parse(h.rest(AUTH_BY_PHONE)[0].body).code, spare);
    assert.equal(state.minted.length, 2);
    const next = state.minted[1].code;
    const user = await state.tap(() => genauth.loginByPhone(okDetail(next)));
    assert.equal(JSON.parse(h.rest(AUTH_BY_PHONE)[1].body).code, next);
    assert.equal(user.phone, '13800000007');
  });

  test('two taps at once: one spare, so the second is WX_CODE_NOT_READY or waits; never a code from during the call', async () => {
    const { genauth, state } = await tapPage({ person: (phase) => (phase === 'before' ? 'nina' : 'mallory') });
    const spare = state.minted[0].code;
    const detail = okDetail(spare);
    state.phase = 'during';
    const results = await Promise.allSettled([genauth.loginByPhone(detail), genauth.loginByPhone(detail)]);
    state.phase = 'after';
    const ok = results.filter((r) => r.status === 'fulfilled');
    assert.ok(ok.length >= 1, 'one tap logs in');
    for (const r of results.filter((x) => x.status === 'rejected')) {
      assert.ok(['WX_CODE_NOT_READY', 'WX_CODE_USED'].includes(r.reason.code), r.reason.code);
    }
    for (const request of h.rest(AUTH_BY_PHONE)) assert.equal(JSON.parse(request.body).code, spare);
  });
});

describe('updateAvatar', () => {
  test('with a path (chooseAvatar): uploaded as field `file` without Authorization, then photo set and stored', async () => {
    const { mp, genauth, user } = await h.loggedIn({ person: 'olga' });
    const path = mp.addFile('wxfile://tmp_5f2c1a0b9d8e7f6a5b4c3d2e1f0a9b8c.png', PNG);
    const updated = await genauth.updateAvatar(path);
    assert.equal(updated.id, user.id);
    assert.ok(updated.photo.startsWith(`${h.emulator.url}/files/avatar/`), updated.photo);
    assert.equal(mp.uploads.length, 1);
    const [upload] = mp.uploads;
    assert.equal(upload.url, `${h.emulator.url}/api/v2/upload?folder=avatar`);
    assert.equal(upload.name, 'file');
    assert.equal(upload.filePath, path);
    assert.ok(upload.bytes.equals(PNG));
    assert.deepEqual(upload.formData, {});
    assert.ok(!Object.keys(upload.header).some((k) => k.toLowerCase() === 'authorization'), 'no Authorization header');
    const [sent] = h.rest('/api/v2/upload');
    assert.equal(sent.method, 'POST');
    assert.equal(sent.query.folder, 'avatar');
    assert.equal(sent.headers.authorization, undefined);
    // Then updateUser with the URL the upload answered.
    const gql = h.onlyGraphql('updateUser');
    assert.match(gql.query, /^mutation updateUser\(\$id: String, \$input: UpdateUserInput!\)/);
    assert.deepEqual(gql.variables, { id: user.id, input: { photo: updated.photo } });
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    assert.ok(h.emulator.requests.indexOf(sent) < h.emulator.requests.indexOf(gql.request), 'upload first');
    assert.equal(h.record(user.id).photo, updated.photo);
    const stored = h.storedSession(mp);
    assert.equal(stored.user.photo, updated.photo, 'the stored user copy is updated');
    assert.equal(typeof stored.token, 'string');
    // The URL serves the bytes.
    const served = await new Promise((resolve, reject) => {
      http.get(updated.photo, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    assert.ok(served.equals(PNG));
  });

  test('without a path the user picks with wx.chooseMedia (one image)', async () => {
    const requests = [];
    const { mp, genauth } = await h.loggedIn({
      person: 'pete',
      chooseImage: async (request) => (requests.push(request), { bytes: PNG, name: 'me.jpg' }),
    });
    const updated = await genauth.updateAvatar();
    assert.equal(requests.length, 1);
    assert.equal(requests[0].api, 'chooseMedia');
    assert.equal(requests[0].count, 1);
    assert.deepEqual(requests[0].mediaType, ['image']);
    assert.equal(mp.uploads.length, 1);
    assert.match(mp.uploads[0].filePath, /^wxfile:\/\/tmp_[0-9a-f]{32}\.jpg$/);
    assert.ok(mp.uploads[0].bytes.equals(PNG));
    assert.match(updated.photo, /\/files\/avatar\/[0-9a-f]{24}\.jpg$/);
    assert.equal(h.storedSession(mp).user.photo, updated.photo);
  });

  test('without wx.chooseMedia (base library < 2.10.0) it uses wx.chooseImage; DevTools-style temp paths work', async () => {
    const requests = [];
    const { mp, genauth } = await h.loggedIn({
      person: 'quinn',
      chooseMedia: false,
      tempPathStyle: 'http',
      chooseImage: async (request) => (requests.push(request), { bytes: PNG }),
    });
    assert.equal(mp.evaluate('typeof wx.chooseMedia'), 'undefined');
    const updated = await genauth.updateAvatar();
    assert.equal(requests.length, 1);
    assert.equal(requests[0].api, 'chooseImage');
    assert.equal(requests[0].count, 1);
    assert.match(mp.uploads[0].filePath, /^http:\/\/tmp\/[0-9a-f]{32}\.png$/);
    assert.equal(h.storedSession(mp).user.photo, updated.photo);
  });

  for (const chooseMedia of [true, false]) {
    test(`closing the picker (${chooseMedia ? 'chooseMedia' : 'chooseImage'}) → CANCELLED, nothing sent`, async () => {
      const { mp, genauth } = await h.loggedIn({ person: 'rose', chooseMedia, chooseImage: async () => null });
      const before = h.snapshot(mp);
      const error = await rejection(genauth.updateAvatar());
      assertCodedError(error, 'CANCELLED');
      assert.equal(mp.uploads.length, 0);
      assert.equal(h.emulator.requests.length, 0);
      assert.equal(h.snapshot(mp), before);
    });
  }

  test('not logged in → NOT_LOGGED_IN: no picker, no upload, no request', async () => {
    let picked = 0;
    const mp = h.launch({ chooseImage: async () => (picked++, { bytes: PNG }) });
    const genauth = h.client(mp);
    for (const args of [[], [mp.addFile('wxfile://tmp_0123456789abcdef0123456789abcdef.png', PNG)]]) {
      const error = await rejection(genauth.updateAvatar(...args));
      assertCodedError(error, 'NOT_LOGGED_IN');
    }
    assert.equal(picked, 0);
    assert.equal(mp.uploads.length, 0);
    assert.equal(h.emulator.requests.length, 0);
  });

  test('an upload that fails rejects and sends no updateUser; the session stays', async () => {
    const { mp, genauth, user } = await h.loggedIn({ person: 'sam' });
    const before = h.snapshot(mp);
    // A temp path that is gone (stale): the argument is wrong, trying again will not help.
    const missing = await rejection(genauth.updateAvatar('wxfile://tmp_not_there.png'));
    assertCodedError(missing, 'INVALID_ARGUMENT');
    assert.match(missing.message, /file not found/);
    h.emulator.injectFault({ path: '/api/v2/upload', kind: 'drop' });
    const path = mp.addFile('wxfile://tmp_ffffffffffffffffffffffffffffffff.png', PNG);
    assertCodedError(await rejection(genauth.updateAvatar(path)), 'NETWORK_ERROR');
    h.emulator.injectFault({ path: '/api/v2/upload', kind: 'http500html' });
    assertCodedError(await rejection(genauth.updateAvatar(path)), 'SERVER_ERROR');
    h.emulator.injectFault({ path: '/api/v2/upload', kind: 'invalidJson' });
    assertCodedError(await rejection(genauth.updateAvatar(path)), 'INVALID_RESPONSE');
    assert.equal(h.graphql('updateUser').length, 0);
    assert.equal(h.snapshot(mp), before);
    assert.equal(await genauth.getToken(), user.token);
  });

  test('bad arguments → INVALID_ARGUMENT', async () => {
    const { mp, genauth } = await h.loggedIn({ person: 'tom' });
    for (const value of ['', 42, {}]) assertCodedError(await rejection(genauth.updateAvatar(value)), 'INVALID_ARGUMENT');
    assert.equal(mp.uploads.length, 0);
    assert.equal(h.emulator.requests.length, 0);
  });

  test('the upload goes to host, updateUser to appHost', async () => {
    const appHost = h.emulator.url.replace('127.0.0.1', 'localhost');
    const { mp, genauth } = await h.loggedIn({ person: 'uma', options: { appHost } });
    const path = mp.addFile('wxfile://tmp_eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.png', PNG);
    await genauth.updateAvatar(path);
    assert.ok(mp.uploads[0].url.startsWith(`${h.emulator.url}/api/v2/upload`));
    assert.equal(h.rest('/api/v2/upload')[0].headers.host, new URL(h.emulator.url).host);
    assert.equal(h.onlyGraphql('updateUser').headers.host, new URL(appHost).host);
  });
});
