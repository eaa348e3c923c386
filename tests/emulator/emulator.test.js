'use strict';
// node --test tests/emulator/*.test.js — the emulator itself, over real HTTP.

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const crypto = require('crypto');
const path = require('path');
const { spawn } = require('child_process');
const { startEmulator } = require('./index');
const wechat = require('./wechat');

const APP = 'GEN_AUTH_APP_ID';
const OTHER_APP = 'GEN_AUTH_OTHER_APP';
const WX = 'wx1234567890abcdef';
const OTHER_WX = 'wxfedcba0987654321';
const AUTH = '/connections/social/wechat-miniprogram/auth';
const AUTH_BY_PHONE = '/connections/social/wechat-miniprogram/auth-by-phone';
const GET_PHONE = '/connections/social/wechat-miniprogram/getphone';
const USER_QUERY = 'query user($id: String) { user(id: $id) { id token identities { openid } } }';
const CHECK_QUERY = 'query checkLoginStatus($token: String) { checkLoginStatus(token: $token) { code message status exp iat data { id userPoolId arn } } }';
const PHONE = { phoneNumber: '13800000000', purePhoneNumber: '13800000000', countryCode: '86' };

let emu;

test.before(async () => {
  emu = await startEmulator();
});
test.after(() => emu.close());
test.beforeEach(() => emu.reset());

// --- HTTP helpers --------------------------------------------------------------------------

function request(method, urlPath, options) {
  const opts = options || {};
  return new Promise((resolve, reject) => {
    const headers = Object.assign({}, opts.headers);
    let body;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] = headers['content-type'] || 'application/json;charset=utf-8';
    }
    const req = http.request(emu.url + urlPath, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try {
          json = JSON.parse(text);
        } catch (e) {
          json = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function appHeaders(appId, token) {
  const headers = { 'x-authing-app-id': appId, 'x-authing-request-from': 'wxapp', 'x-authing-sdk-version': 'wxapp:4.2.0' };
  if (token) headers.authorization = 'Bearer ' + token;
  return headers;
}

function post(urlPath, body, appId, token) {
  return request('POST', urlPath, { body, headers: appHeaders(appId === undefined ? APP : appId, token) });
}

function gql(query, variables, token, appId) {
  return post('/graphql/v2', { query, variables: variables || {} }, appId, token);
}

async function login(person, appId, wechatAppId) {
  const res = await post(AUTH, { code: emu.mintCode(wechatAppId || WX, person) }, appId || APP);
  assert.equal(res.json.code, 200, JSON.stringify(res.json));
  return res.json.data;
}

function decodeJwt(token) {
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  return { header: JSON.parse(Buffer.from(parts[0], 'base64url')), payload: JSON.parse(Buffer.from(parts[1], 'base64url')) };
}

function adminPost(urlPath, body) {
  return request('POST', '/__emulator' + urlPath, { body });
}

// --- WeChat side ---------------------------------------------------------------------------

test('jscode2session answers openid/session_key/unionid, then 40163, and 40029 for bad codes', async () => {
  const code = emu.mintCode(WX, 'alice');
  assert.match(code, /^[A-Za-z0-9_-]{32}$/);
  const q = (appid, jsCode) => '/sns/jscode2session?appid=' + appid + '&secret=s&js_code=' + jsCode + '&grant_type=authorization_code';

  const ok = await request('GET', q(WX, code));
  assert.equal(ok.status, 200);
  const expectedOpenid = 'o' + crypto.createHash('sha256').update(WX + ':alice').digest('base64url').slice(0, 27);
  const expectedUnionid = 'u' + crypto.createHash('sha256').update('subject-default:alice').digest('base64url').slice(0, 27);
  assert.deepEqual(Object.keys(ok.json).sort(), ['openid', 'session_key', 'unionid']);
  assert.equal(ok.json.openid, expectedOpenid);
  assert.equal(ok.json.unionid, expectedUnionid);
  assert.equal(Buffer.from(ok.json.session_key, 'base64').length, 16);

  assert.deepEqual((await request('GET', q(WX, code))).json, { errcode: 40163, errmsg: 'code been used' });
  assert.deepEqual((await request('GET', q(WX, 'nonsense'))).json, { errcode: 40029, errmsg: 'invalid code' });
  const otherAppCode = emu.mintCode(OTHER_WX, 'alice');
  assert.deepEqual((await request('GET', q(WX, otherAppCode))).json, { errcode: 40029, errmsg: 'invalid code' });

  const stale = emu.mintCode(WX, 'alice');
  emu.setClockOffset(5 * 60 * 1000 + 1000);
  assert.deepEqual((await request('GET', q(WX, stale))).json, { errcode: 40029, errmsg: 'invalid code' });
});

test('each wx.login gives a new code and a new session key; encryptFor uses it', async () => {
  const first = emu.mintCode(WX, 'alice');
  const second = emu.mintCode(WX, 'alice');
  assert.notEqual(first, second);
  const keys = [];
  for (const code of [first, second]) {
    const res = await request('GET', '/sns/jscode2session?appid=' + WX + '&js_code=' + code);
    keys.push(res.json.session_key);
    const sealed = emu.encryptFor(code, { hello: 'world' });
    const decipher = crypto.createDecipheriv('aes-128-cbc', Buffer.from(res.json.session_key, 'base64'), Buffer.from(sealed.iv, 'base64'));
    const plain = JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.encryptedData, 'base64')), decipher.final()]).toString());
    assert.equal(plain.hello, 'world');
    assert.equal(plain.watermark.appid, WX);
    assert.ok(Math.abs(plain.watermark.timestamp - Date.now() / 1000) < 5);
  }
  assert.notEqual(keys[0], keys[1]);
  assert.throws(() => emu.encryptFor('no-such-code', {}), /unknown code/);
});

// --- login -----------------------------------------------------------------------------------

test('login creates a user; a fresh code logs the same person into the same user', async () => {
  const first = await login('alice');
  assert.match(first.id, /^[0-9a-f]{24}$/);
  assert.equal(first.userPoolId, 'pool-default');
  assert.equal(first.openid, wechat.openidFor(WX, 'alice'));
  assert.equal(first.unionid, wechat.unionidFor('subject-default', 'alice'));
  assert.deepEqual(first.registerSource, ['social:wechat-miniprogram']);
  assert.equal(first.password, null);
  assert.equal(first.nickname, null);
  assert.equal(first.loginsCount, 1);
  assert.ok(first.token);
  assert.equal(new Date(first.tokenExpiredAt).getTime(), decodeJwt(first.token).payload.exp * 1000);
  for (const field of ['createdAt', 'updatedAt', 'lastLogin', 'signedUp']) {
    assert.equal(new Date(first[field]).toISOString(), first[field]);
  }

  const second = await login('alice');
  assert.equal(second.id, first.id);
  assert.equal(second.loginsCount, 2);
  assert.notEqual(second.token, first.token);
  const bob = await login('bob');
  assert.notEqual(bob.id, first.id);
  assert.equal(emu.users().length, 2);
});

test('the same person through another WeChat app of the same subject gets the same account', async () => {
  const viaApp = await login('alice', APP, WX);
  const viaOther = await login('alice', OTHER_APP, OTHER_WX);
  assert.equal(viaOther.id, viaApp.id);
  const [record] = emu.users();
  assert.deepEqual(record.identities.map((identity) => identity.openid).sort(), [wechat.openidFor(WX, 'alice'), wechat.openidFor(OTHER_WX, 'alice')].sort());

  // A different subject is a different unionid, hence a different account.
  emu.addApp({ appId: 'THIRD', userPoolId: 'pool-default', wechatAppId: 'wxthird', subject: 'subject-other' });
  const viaThird = await login('alice', 'THIRD', 'wxthird');
  assert.notEqual(viaThird.id, viaApp.id);
});

test('login takes the profile from rawData', async () => {
  const rawData = JSON.stringify({ nickName: 'Alice', avatarUrl: 'https://example.com/a.png', gender: 2, city: 'Hangzhou', province: 'Zhejiang', country: 'China', language: 'zh_CN' });
  const res = await post(AUTH, { code: emu.mintCode(WX, 'alice'), rawData });
  assert.equal(res.json.code, 200);
  assert.equal(res.json.message, '登录成功');
  const user = res.json.data;
  assert.equal(user.nickname, 'Alice');
  assert.equal(user.photo, 'https://example.com/a.png');
  assert.equal(user.gender, 'F');
  assert.deepEqual([user.city, user.province, user.country], ['Hangzhou', 'Zhejiang', 'China']);
});

test('login decrypts the profile from iv + encryptedData and rejects a bad watermark or ciphertext', async () => {
  const code = emu.mintCode(WX, 'alice');
  const sealed = emu.encryptFor(code, { nickName: 'Alice', avatarUrl: 'https://example.com/a.png', gender: 1, city: 'Shenzhen' });
  const res = await post(AUTH, Object.assign({ code }, sealed));
  assert.equal(res.json.code, 200);
  assert.equal(res.json.data.nickname, 'Alice');
  assert.equal(res.json.data.gender, 'M');
  assert.equal(res.json.data.city, 'Shenzhen');

  const badCode = emu.mintCode(WX, 'bob');
  const badSealed = emu.encryptFor(badCode, { nickName: 'Bob', watermark: { appid: OTHER_WX, timestamp: 1 } });
  const bad = await post(AUTH, Object.assign({ code: badCode }, badSealed));
  assert.deepEqual(bad.json, { code: 400, message: '解密失败', data: null });

  const garbageCode = emu.mintCode(WX, 'bob');
  const garbage = await post(AUTH, { code: garbageCode, iv: crypto.randomBytes(16).toString('base64'), encryptedData: crypto.randomBytes(32).toString('base64') });
  assert.deepEqual(garbage.json, { code: 400, message: '解密失败', data: null });
  assert.equal(emu.users().length, 1);
});

test('login errors: reused code, code of another WeChat app, missing code, unknown app', async () => {
  const code = emu.mintCode(WX, 'alice');
  await login('alice');
  assert.equal((await post(AUTH, { code })).json.code, 200);
  assert.deepEqual((await post(AUTH, { code })).json, { code: 40163, message: 'code been used', data: null });
  assert.deepEqual((await post(AUTH, { code: emu.mintCode(OTHER_WX, 'alice') })).json, { code: 40029, message: 'invalid code', data: null });
  assert.deepEqual((await post(AUTH, { code: 'made-up' })).json, { code: 40029, message: 'invalid code', data: null });
  assert.deepEqual((await post(AUTH, {})).json, { code: 2231, message: '请求参数不全', data: null });

  const fresh = emu.mintCode(WX, 'alice');
  for (const appId of ['NO_SUCH_APP', '']) {
    const res = await post(AUTH, { code: fresh }, appId);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { code: 2224, message: '应用不存在', data: null });
  }
  // The unknown-app answers did not consume the code.
  assert.equal((await post(AUTH, { code: fresh })).json.code, 200);
});

// --- phone ---------------------------------------------------------------------------------

test('getphone decrypts the phone without touching accounts', async () => {
  const code = emu.mintCode(WX, 'alice');
  const res = await post(GET_PHONE, Object.assign({ code }, emu.encryptFor(code, PHONE)));
  assert.equal(res.json.code, 200);
  assert.deepEqual(res.json.data, {
    countryCode: '86',
    phoneNumber: '13800000000',
    purePhoneNumber: '13800000000',
    openid: wechat.openidFor(WX, 'alice'),
    unionid: wechat.unionidFor('subject-default', 'alice'),
  });
  assert.equal(emu.users().length, 0);
  assert.deepEqual((await post(GET_PHONE, { code })).json, { code: 2231, message: '请求参数不全', data: null });
});

test('auth-by-phone sets the phone on the WeChat account, or returns the account owning the phone', async () => {
  const alice = await login('alice');
  const code = emu.mintCode(WX, 'alice');
  const res = await post(AUTH_BY_PHONE, Object.assign({ code }, emu.encryptFor(code, PHONE)));
  assert.equal(res.json.code, 200);
  assert.equal(res.json.data.id, alice.id);
  assert.equal(res.json.data.phone, '13800000000');
  assert.equal(res.json.data.phoneVerified, true);

  // bob's WeChat authorises alice's phone: he gets alice's account, now with his identity attached.
  const bobCode = emu.mintCode(OTHER_WX, 'bob');
  const bob = await post(AUTH_BY_PHONE, Object.assign({ code: bobCode }, emu.encryptFor(bobCode, PHONE)), OTHER_APP);
  assert.equal(bob.json.data.id, alice.id);
  const record = emu.users().find((user) => user.id === alice.id);
  assert.ok(record.identities.some((identity) => identity.openid === wechat.openidFor(OTHER_WX, 'bob')));

  // A new person with a new phone: a new account with that phone.
  const carolCode = emu.mintCode(WX, 'carol');
  const carol = await post(AUTH_BY_PHONE, Object.assign({ code: carolCode }, emu.encryptFor(carolCode, { phoneNumber: '13900000000', purePhoneNumber: '13900000000', countryCode: '86' })));
  assert.notEqual(carol.json.data.id, alice.id);
  assert.equal(carol.json.data.phone, '13900000000');
  assert.equal(emu.users().length, 2);
});

// --- GraphQL -------------------------------------------------------------------------------

test('user query: with a token returns the user with identities and a fresh token; without, 2020', async () => {
  const alice = await login('alice');
  const res = await gql(USER_QUERY, {}, alice.token);
  assert.equal(res.status, 200);
  const user = res.json.data.user;
  assert.equal(user.id, alice.id);
  assert.notEqual(user.token, alice.token);
  assert.deepEqual(user.identities, [
    {
      openid: alice.openid,
      userIdInIdp: alice.unionid,
      userId: alice.id,
      connectionId: user.identities[0].connectionId,
      isSocial: true,
      provider: 'wechat-miniprogram',
      userPoolId: 'pool-default',
    },
  ]);
  assert.match(user.identities[0].connectionId, /^[0-9a-f]{24}$/);

  // A bare token (no "Bearer ") works too.
  const bare = await request('POST', '/graphql/v2', { body: { query: USER_QUERY }, headers: { 'x-authing-app-id': APP, authorization: alice.token } });
  assert.equal(bare.json.data.user.id, alice.id);

  const notLoggedIn = { errors: [{ message: { code: 2020, message: '尚未登录，无访问权限', data: null }, locations: [], extensions: {} }], data: null };
  assert.deepEqual((await gql(USER_QUERY, {})).json, notLoggedIn);
  assert.deepEqual((await gql(USER_QUERY, {}, alice.token + 'x')).json, notLoggedIn);

  emu.setClockOffset(1296000 * 1000 + 1000);
  const expired = await gql(USER_QUERY, {}, alice.token);
  assert.equal(expired.json.errors[0].message.code, 2206);
  assert.equal(expired.json.errors[0].message.message, '登录信息已过期');
});

test('checkLoginStatus: valid (variable or header), expired, invalid', async () => {
  const alice = await login('alice');
  const { payload } = decodeJwt(alice.token);
  const expected = { code: 200, message: '已登录', status: true, exp: payload.exp, iat: payload.iat, data: { id: alice.id, userPoolId: 'pool-default', arn: null } };
  assert.deepEqual((await gql(CHECK_QUERY, { token: alice.token })).json, { data: { checkLoginStatus: expected } });
  assert.deepEqual((await gql(CHECK_QUERY, {}, alice.token)).json, { data: { checkLoginStatus: expected } });

  const wrong = { code: 2207, message: '登录信息有误', status: false, exp: null, iat: null, data: null };
  assert.deepEqual((await gql(CHECK_QUERY, { token: 'not.a.jwt' })).json.data.checkLoginStatus, wrong);
  assert.deepEqual((await gql(CHECK_QUERY, {})).json.data.checkLoginStatus, wrong);

  emu.setClockOffset(1296000 * 1000 + 1000);
  assert.deepEqual((await gql(CHECK_QUERY, { token: alice.token })).json.data.checkLoginStatus, {
    code: 2206, message: '登录信息已过期', status: false, exp: null, iat: null, data: null,
  });
});

test('GraphQL: unknown app and unsupported operations are errors', async () => {
  const alice = await login('alice');
  const unknownApp = await gql(USER_QUERY, {}, alice.token, 'NO_SUCH_APP');
  assert.deepEqual(unknownApp.json.errors[0].message, { code: 2224, message: '应用不存在', data: null });
  assert.equal(unknownApp.json.data, null);
  const unsupported = await gql('mutation loginByEmail($input: LoginByEmailInput!) { loginByEmail(input: $input) { id } }', {});
  assert.deepEqual(unsupported.json.errors[0].message, { code: 500, message: 'unsupported operation loginByEmail', data: null });
});

test('logout revokes the token', async () => {
  const alice = await login('alice');
  const other = await login('alice'); // a second session of the same user stays valid
  const out = await request('GET', '/api/v2/logout?app_id=' + APP, { headers: appHeaders(APP, alice.token) });
  assert.deepEqual(out.json, { code: 200, message: '退出成功', data: null });
  assert.equal((await gql(USER_QUERY, {}, alice.token)).json.errors[0].message.code, 2020);
  assert.equal((await gql(CHECK_QUERY, { token: alice.token })).json.data.checkLoginStatus.code, 2207);
  assert.equal((await gql(USER_QUERY, {}, other.token)).json.data.user.id, alice.id);
  const again = await request('GET', '/api/v2/logout?app_id=' + APP, { headers: appHeaders(APP, alice.token) });
  assert.deepEqual(again.json, { code: 2020, message: '尚未登录', data: null });
});

test('the token is an HS256 JWT with sub, aud, iat, exp, iss and data', async () => {
  const alice = await login('alice');
  const { header, payload } = decodeJwt(alice.token);
  assert.equal(header.alg, 'HS256');
  assert.equal(payload.sub, alice.id);
  assert.equal(payload.aud, APP);
  assert.equal(payload.iss, emu.url + '/oidc');
  assert.equal(payload.exp - payload.iat, 1296000);
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 5);
  assert.deepEqual(payload.data, { type: 'user', id: alice.id, userPoolId: 'pool-default', appId: APP });
});

test('tokenTtlSeconds and extra apps are options', async () => {
  const app = { appId: 'MINE', userPoolId: 'pool-mine', wechatAppId: 'wxmine', subject: 'subject-mine' };
  const own = await startEmulator({ tokenTtlSeconds: 60, apps: [app] });
  try {
    const code = own.mintCode('wxmine', 'alice');
    const res = await new Promise((resolve, reject) => {
      const req = http.request(own.url + AUTH, { method: 'POST', agent: false, headers: { 'x-authing-app-id': 'MINE', 'content-type': 'application/json' } }, (r) => {
        let text = '';
        r.on('data', (c) => (text += c));
        r.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ code }));
    });
    assert.equal(res.data.userPoolId, 'pool-mine');
    const { payload } = decodeJwt(res.data.token);
    assert.equal(payload.exp - payload.iat, 60);
    assert.equal(res.data.unionid, wechat.unionidFor('subject-mine', 'alice'));
  } finally {
    await own.close();
  }
});

// --- routing ---------------------------------------------------------------------------------

test('unknown paths and wrong methods are 404 text', async () => {
  for (const [method, urlPath] of [['GET', '/nope'], ['GET', AUTH], ['GET', '/graphql/v2'], ['POST', '/api/v2/logout']]) {
    const res = await request(method, urlPath);
    assert.equal(res.status, 404, method + ' ' + urlPath);
    assert.match(res.headers['content-type'], /^text\/plain/);
    assert.equal(res.text, 'Not Found');
  }
});

test('every non-admin request is logged with method, path, query, lower-cased headers and raw body', async () => {
  const code = emu.mintCode(WX, 'alice');
  await request('POST', AUTH + '?x=1', { body: '{"code":"' + code + '"}', headers: { 'X-Authing-App-Id': APP } });
  await request('GET', '/nope');
  await adminPost('/wx/login', { appid: WX, person: 'bob' });
  assert.equal(emu.requests.length, 2);
  const [first, second] = emu.requests;
  assert.equal(first.method, 'POST');
  assert.equal(first.path, AUTH);
  assert.deepEqual(first.query, { x: '1' });
  assert.equal(first.headers['x-authing-app-id'], APP);
  assert.equal(first.body, '{"code":"' + code + '"}');
  assert.equal(second.path, '/nope');
  assert.deepEqual((await request('GET', '/__emulator/requests')).json, emu.requests);
});

// --- faults ----------------------------------------------------------------------------------

test('fault http500html: HTML 500, and the code is not consumed', async () => {
  emu.injectFault({ path: AUTH, kind: 'http500html' });
  const code = emu.mintCode(WX, 'alice');
  const res = await post(AUTH, { code });
  assert.equal(res.status, 500);
  assert.match(res.headers['content-type'], /^text\/html/);
  assert.match(res.text, /<html>/);
  const ok = await post(AUTH, { code });
  assert.equal(ok.json.code, 200);
  assert.equal(emu.requests.length, 2);
});

test('fault invalidJson: a truncated JSON body with status 200', async () => {
  emu.injectFault({ path: '/graphql/v2', method: 'post', kind: 'invalidJson', times: 2 });
  for (let i = 0; i < 2; i += 1) {
    const res = await gql(CHECK_QUERY, {});
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^application\/json/);
    assert.equal(res.text, '{"code":200,"data":{"id":');
    assert.equal(res.json, undefined);
  }
  assert.equal((await gql(CHECK_QUERY, {})).json.data.checkLoginStatus.code, 2207);
});

test('fault drop: the client sees a socket error and the code is not consumed', async () => {
  emu.injectFault({ path: AUTH, kind: 'drop' });
  const code = emu.mintCode(WX, 'alice');
  await assert.rejects(post(AUTH, { code }), (err) => /ECONNRESET|socket hang up/.test(err.code + ' ' + err.message));
  assert.equal(emu.requests.length, 1);
  assert.equal((await post(AUTH, { code })).json.code, 200);
});

test('fault delay: answers normally after the delay', async () => {
  emu.injectFault({ path: '/sns/jscode2session', kind: 'delay', delayMs: 300 });
  const code = emu.mintCode(WX, 'alice');
  const started = Date.now();
  const res = await request('GET', '/sns/jscode2session?appid=' + WX + '&js_code=' + code);
  assert.ok(Date.now() - started >= 290, 'answered too early');
  assert.equal(res.json.openid, wechat.openidFor(WX, 'alice'));
  const quick = Date.now();
  await request('GET', '/sns/jscode2session?appid=' + WX + '&js_code=' + code);
  assert.ok(Date.now() - quick < 250, 'the fault should have been used up');
});

test('faults: method filter, times 0 until cleared, and bad specs are refused', async () => {
  emu.injectFault({ path: '/api/v2/logout', method: 'POST', kind: 'http500html', times: 0 });
  assert.equal((await request('GET', '/api/v2/logout?app_id=' + APP, { headers: appHeaders(APP) })).json.code, 2020);
  emu.injectFault({ path: '/nope', kind: 'http500html', times: 0 });
  for (let i = 0; i < 3; i += 1) assert.equal((await request('GET', '/nope')).status, 500);
  emu.clearFaults();
  assert.equal((await request('GET', '/nope')).status, 404);
  assert.throws(() => emu.injectFault({ path: '/x', kind: 'explode' }), /kind/);
  assert.throws(() => emu.injectFault({ path: '/x', kind: 'delay' }), /delayMs/);
});

// --- admin HTTP API --------------------------------------------------------------------------

test('admin API: wx/login, wx/encrypt, faults, users, apps, clock, reset', async () => {
  const { code } = (await adminPost('/wx/login', { appid: WX, person: 'alice' })).json;
  const sealed = (await adminPost('/wx/encrypt', { code, data: { nickName: 'Alice' } })).json;
  assert.ok(sealed.encryptedData && sealed.iv);
  assert.equal((await post(AUTH, Object.assign({ code }, sealed))).json.data.nickname, 'Alice');
  const users = (await request('GET', '/__emulator/users')).json;
  assert.equal(users.length, 1);
  assert.equal(users[0].nickname, 'Alice');
  assert.equal((await adminPost('/wx/encrypt', { code: 'nope', data: {} })).status, 400);
  assert.equal((await adminPost('/wx/login', { appid: WX })).status, 400);

  assert.equal((await adminPost('/faults', { path: '/nope', kind: 'http500html' })).status, 200);
  assert.equal((await adminPost('/faults', { path: '/nope', kind: 'bogus' })).status, 400);
  assert.equal((await request('DELETE', '/__emulator/faults')).status, 200);
  assert.equal((await request('GET', '/nope')).status, 404);
  // Admin calls are never faulted.
  emu.injectFault({ path: '/__emulator/users', kind: 'drop', times: 0 });
  assert.equal((await request('GET', '/__emulator/users')).status, 200);

  assert.equal((await adminPost('/apps', { appId: 'NEW', userPoolId: 'pool-new', wechatAppId: 'wxnew', subject: 's' })).status, 200);
  assert.equal((await adminPost('/apps', { appId: 'BROKEN' })).status, 400);
  const newCode = (await adminPost('/wx/login', { appid: 'wxnew', person: 'alice' })).json.code;
  assert.equal((await post(AUTH, { code: newCode }, 'NEW')).json.data.userPoolId, 'pool-new');

  const alice = await login('alice');
  assert.deepEqual((await adminPost('/clock', { offsetMs: 1296000 * 1000 + 1000 })).json, { ok: true, offsetMs: 1296001000 });
  assert.equal((await gql(CHECK_QUERY, { token: alice.token })).json.data.checkLoginStatus.code, 2206);

  assert.equal((await adminPost('/reset')).status, 200);
  assert.equal(emu.users().length, 0);
  assert.equal(emu.requests.length, 0);
  assert.equal((await gql(CHECK_QUERY, { token: alice.token })).json.data.checkLoginStatus.code, 2207);
  assert.equal((await post(AUTH, { code: emu.mintCode('wxnew', 'bob') }, 'NEW')).json.code, 200); // apps survive
  assert.equal((await request('GET', '/__emulator/nope')).status, 404);
});

test('cli.js prints one line and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const line = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.indexOf('\n') >= 0) resolve(out);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error('cli exited early with ' + code)));
  });
  const match = /^genauth emulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(line);
  assert.ok(match, JSON.stringify(line));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const res = await new Promise((resolve, reject) => {
    http.get(match[1] + '/nope', { agent: false }, (r) => {
      r.resume();
      r.on('end', () => resolve(r.statusCode));
    }).on('error', reject);
  });
  assert.equal(res, 404);
  child.kill('SIGTERM');
  assert.deepEqual(await exited, { code: 0, signal: null });
  assert.equal(out, line);
});
