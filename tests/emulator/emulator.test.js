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
let clockMs = 0; // the emulator clock offset set by advance()

test.before(async () => {
  emu = await startEmulator();
});
test.after(() => emu.close());
test.beforeEach(() => {
  emu.reset();
  clockMs = 0;
});

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

// --- password encryption as JSEncrypt does it (wire doc §2.5) -----------------------------------

const MODULUS_BYTES = 256;

function nonzeroBytes(length) {
  const bytes = crypto.randomBytes(length);
  for (let i = 0; i < bytes.length; i += 1) while (bytes[i] === 0) bytes[i] = crypto.randomBytes(1)[0];
  return bytes;
}

/** Raw RSA of a full-length block (no padding added by OpenSSL), so tests control the block. */
function rsaRaw(block, publicKey) {
  return crypto.publicEncrypt({ key: publicKey || emu.publicKey, padding: crypto.constants.RSA_NO_PADDING }, block);
}

/** The PKCS#1 v1.5 type-2 block of `text`. */
function pkcs1Block(text) {
  const message = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from([0, 2]), nonzeroBytes(MODULUS_BYTES - 3 - message.length), Buffer.from([0]), message]);
}

/** JSEncrypt's output: base64 of the ciphertext without its leading zero bytes. */
function jsencrypt(text, publicKey) {
  const cipher = rsaRaw(pkcs1Block(text), publicKey);
  let start = 0;
  while (cipher[start] === 0) start += 1;
  return cipher.subarray(start).toString('base64');
}

// --- GraphQL operations by name (the emulator routes on the name after query / mutation) -------

function op(kind, name, variables, token, appId) {
  return gql(kind + ' ' + name + ' { ' + name + ' { id } }', variables, token, appId);
}

const mutation = (name, variables, token, appId) => op('mutation', name, variables, token, appId);
const query = (name, variables, token, appId) => op('query', name, variables, token, appId);

/** The `data[field]` of a GraphQL answer that must have no errors. */
function dataOf(res, field) {
  assert.equal(res.json.errors, undefined, JSON.stringify(res.json));
  return res.json.data[field];
}

/** The error {code, message} of a GraphQL answer that must fail. */
function errorOf(res) {
  assert.ok(res.json.errors, 'expected an error: ' + JSON.stringify(res.json));
  assert.equal(res.json.data, null);
  const { code, message } = res.json.errors[0].message;
  return { code, message };
}

function codeOf(res) {
  return errorOf(res).code;
}

function loginByEmail(email, password, extra) {
  return mutation('loginByEmail', { input: Object.assign({ email, password: jsencrypt(password), autoRegister: false }, extra) });
}

async function sessionFor(email, password) {
  const user = dataOf(await loginByEmail(email, password), 'loginByEmail');
  assert.ok(user.token);
  return user;
}

/** A 6-digit code that is not `code`. */
function wrongCode(code) {
  return code === '000000' ? '000001' : '000000';
}

async function smsCode(phone, phoneCountryCode) {
  const res = await post('/api/v2/sms/send', phoneCountryCode ? { phone, phoneCountryCode } : { phone });
  assert.deepEqual(res.json, { code: 200, message: '发送成功' });
  return emu.lastSmsCode(phone, phoneCountryCode);
}

async function emailCode(email, scene) {
  const res = await mutation('sendEmail', { email, scene });
  assert.deepEqual(dataOf(res, 'sendEmail'), { code: 200, message: '发送成功' });
  return emu.lastEmailCode(email, scene);
}

/** Moves the emulator clock forward by `ms` (on top of the current offset). */
function advance(ms) {
  clockMs += ms;
  emu.setClockOffset(clockMs);
}

function getMe(urlPath, token) {
  return request('GET', urlPath, { headers: appHeaders(APP, token) });
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
  const unsupported = await gql('mutation loginBySubAccount($account: String!, $password: String!) { loginBySubAccount(account: $account, password: $password) { id } }', {});
  assert.deepEqual(unsupported.json.errors[0].message, { code: 500, message: 'unsupported operation loginBySubAccount', data: null });
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

// --- password encryption ---------------------------------------------------------------------

test('.well-known serves the SPKI public key; decryptPassword reads JSEncrypt output, left-padded', async () => {
  const res = await request('GET', '/api/v2/.well-known', { headers: appHeaders(APP) });
  assert.deepEqual(res.json, { code: 200, message: '获取成功', data: { publicKey: emu.publicKey } });
  assert.match(emu.publicKey, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
  const key = crypto.createPublicKey(emu.publicKey);
  assert.equal(key.asymmetricKeyType, 'rsa');
  assert.equal(key.asymmetricKeyDetails.modulusLength, 2048);
  // Also without an app header, and through the admin route.
  assert.equal((await request('GET', '/api/v2/.well-known')).json.data.publicKey, emu.publicKey);
  assert.deepEqual((await request('GET', '/__emulator/public-key')).json, { publicKey: emu.publicKey });

  assert.equal(emu.decryptPassword(jsencrypt('passw0rd 密码')), 'passw0rd 密码');
  // A ciphertext whose first byte is 0: JSEncrypt sends 255 bytes or fewer; the emulator pads.
  let short;
  for (let i = 0; i < 20000 && !short; i += 1) {
    const cipher = rsaRaw(pkcs1Block('short-one'));
    if (cipher[0] === 0) short = cipher.subarray(1).toString('base64');
  }
  assert.ok(short, 'no ciphertext with a leading zero byte found');
  assert.ok(Buffer.from(short, 'base64').length < MODULUS_BYTES);
  assert.equal(emu.decryptPassword(short), 'short-one');
  assert.deepEqual((await adminPost('/decrypt-password', { password: short })).json, { password: 'short-one' });
});

test('decryptPassword refuses anything that is not PKCS#1 v1.5 under the emulator key', async () => {
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
  const badType = pkcs1Block('secret');
  badType[1] = 1; // block type 1 (signature padding)
  const shortPadding = Buffer.concat([Buffer.from([0, 2]), nonzeroBytes(4), Buffer.from([0]), Buffer.alloc(MODULUS_BYTES - 7, 0x41)]);
  const noSeparator = Buffer.concat([Buffer.from([0, 2]), nonzeroBytes(MODULUS_BYTES - 2)]);
  const badUtf8 = Buffer.concat([Buffer.from([0, 2]), nonzeroBytes(MODULUS_BYTES - 5), Buffer.from([0, 0xff, 0xfe])]);
  const cases = {
    'plaintext': 'secret',
    'JSEncrypt failure': 'false',
    'other key': jsencrypt('secret', other),
    'block type 1': rsaRaw(badType).toString('base64'),
    'padding < 8 bytes': rsaRaw(shortPadding).toString('base64'),
    'no separator': rsaRaw(noSeparator).toString('base64'),
    'not UTF-8': rsaRaw(badUtf8).toString('base64'),
    'too long': crypto.randomBytes(MODULUS_BYTES + 1).toString('base64'),
    'above the modulus': Buffer.alloc(MODULUS_BYTES, 0xff).toString('base64'),
    'empty': '',
    'not base64': '***',
  };
  for (const [name, value] of Object.entries(cases)) {
    assert.throws(() => emu.decryptPassword(value), /解密客户端密码出错/, name);
  }
  emu.seedUser({ email: 'alice@example.com', password: 'secret' });
  for (const [name, value] of Object.entries(cases)) {
    if (value === '') continue; // an empty password is a missing parameter
    const res = await mutation('loginByEmail', { input: { email: 'alice@example.com', password: value } });
    assert.deepEqual(errorOf(res), { code: 2016, message: '解密客户端密码出错' }, name);
  }
  assert.equal((await adminPost('/decrypt-password', { password: 'false' })).status, 400);
});

test('rsaPrivateKey option: the emulator uses the given key', async () => {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const own = await startEmulator({ rsaPrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) });
  try {
    assert.equal(own.publicKey, publicKey.export({ type: 'spki', format: 'pem' }));
    assert.equal(own.decryptPassword(jsencrypt('mine', own.publicKey)), 'mine');
    assert.throws(() => own.decryptPassword(jsencrypt('mine')), /解密客户端密码出错/);
  } finally {
    await own.close();
  }
  await assert.rejects(startEmulator({ rsaPrivateKey: 'not a key' }));
});

// --- accounts: password login ----------------------------------------------------------------

test('seedUser stores a salted hash; loginByEmail logs in with a fresh token and no password', async () => {
  const seeded = emu.seedUser({ email: 'Alice@Example.com', username: 'alice', phone: '13800000001', password: 'secret1', nickname: 'Alice' });
  assert.match(seeded.id, /^[0-9a-f]{24}$/);
  assert.equal(seeded.email, 'alice@example.com');
  assert.match(seeded.password, /^scrypt\$/);
  assert.ok(!seeded.password.includes('secret1'));
  assert.equal(seeded.token, null);
  assert.deepEqual(seeded.registerSource, ['import:manual']);
  // Two users with the same password get different hashes.
  assert.notEqual(emu.seedUser({ email: 'bob@example.com', password: 'secret1' }).password, seeded.password);

  const user = dataOf(await loginByEmail('ALICE@example.com', 'secret1', { clientIp: '10.0.0.9' }), 'loginByEmail');
  assert.equal(user.id, seeded.id);
  assert.equal(user.password, null);
  assert.equal(user.nickname, 'Alice');
  assert.equal(user.loginsCount, 1);
  assert.equal(user.lastIP, '10.0.0.9');
  assert.equal(decodeJwt(user.token).payload.sub, seeded.id);
  assert.equal(dataOf(await gql(USER_QUERY, {}, user.token), 'user').id, seeded.id);

  assert.deepEqual(errorOf(await loginByEmail('alice@example.com', 'wrong')), { code: 2006, message: '密码不正确' });
  assert.deepEqual(errorOf(await loginByEmail('nobody@example.com', 'secret1')), { code: 2004, message: '用户不存在' });
  assert.deepEqual(errorOf(await loginByEmail('not-an-email', 'secret1')), { code: 2003, message: '邮箱格式不正确' });
  assert.equal(codeOf(await mutation('loginByEmail', { input: { email: 'alice@example.com' } })), 2231);
  assert.equal(codeOf(await mutation('loginByEmail', {})), 2231);
  assert.equal(codeOf(await mutation('loginByEmail', { input: { email: 'alice@example.com', password: jsencrypt('secret1'), bogus: 1 } })), 400);

  assert.throws(() => emu.seedUser({ email: 'alice@example.com' }), /email already used/);
  assert.throws(() => emu.seedUser({ username: 'alice' }), /username already used/);
  assert.throws(() => emu.seedUser({ phone: '13800000001' }), /phone already used/);
  assert.throws(() => emu.seedUser({ shoeSize: 42 }), /unknown field/);
  assert.throws(() => emu.seedUser({ email: 'nope' }), /bad email/);
});

test('loginByEmail with autoRegister creates the account; loginByUsername and loginByPhonePassword', async () => {
  const created = dataOf(await loginByEmail('new@example.com', 'pw123456', { autoRegister: true }), 'loginByEmail');
  assert.equal(created.email, 'new@example.com');
  assert.deepEqual(created.registerSource, ['basic:email']);
  assert.ok(created.token);
  assert.equal(dataOf(await loginByEmail('new@example.com', 'pw123456'), 'loginByEmail').id, created.id);
  assert.equal(codeOf(await loginByEmail('new@example.com', 'other', { autoRegister: true })), 2006);

  emu.seedUser({ username: 'carol', phone: '13800000002', password: 'carol-pw' });
  const byName = await mutation('loginByUsername', { input: { username: 'carol', password: jsencrypt('carol-pw') } });
  assert.equal(dataOf(byName, 'loginByUsername').username, 'carol');
  assert.equal(codeOf(await mutation('loginByUsername', { input: { username: 'carol', password: jsencrypt('nope') } })), 2006);
  assert.equal(codeOf(await mutation('loginByUsername', { input: { username: 'dave', password: jsencrypt('carol-pw') } })), 2004);
  const byPhone = await mutation('loginByPhonePassword', { input: { phone: '13800000002', password: jsencrypt('carol-pw') } });
  assert.equal(dataOf(byPhone, 'loginByPhonePassword').phone, '13800000002');
  assert.equal(codeOf(await mutation('loginByPhonePassword', { input: { phone: '13800000002', password: jsencrypt('x') } })), 2006);
  assert.equal(codeOf(await mutation('loginByPhonePassword', { input: { phone: '13900000000', password: jsencrypt('x') } })), 2004);

  // A WeChat account has no password: a password login to it fails.
  const wx = await login('alice');
  await mutation('bindEmail', { email: 'wx@example.com', emailCode: await emailCode('wx@example.com', 'VERIFY_EMAIL') }, wx.token);
  assert.equal(codeOf(await loginByEmail('wx@example.com', 'anything')), 2006);
  assert.equal(codeOf(await loginByEmail('wx@example.com', '')), 2006);
});

test('login params (customData) set user-defined values; unknown keys and bad JSON are refused', async () => {
  emu.seedUser({ email: 'alice@example.com', password: 'secret1' });
  const params = JSON.stringify([{ key: 'age', value: 30 }, { key: 'school', value: 'MIT' }]);
  const user = dataOf(await loginByEmail('alice@example.com', 'secret1', { params, context: '{"from":"test"}' }), 'loginByEmail');
  const values = dataOf(await query('udv', { targetType: 'USER', targetId: user.id }, user.token), 'udv');
  assert.deepEqual(values, [
    { key: 'school', dataType: 'STRING', value: 'MIT', label: '学校' },
    { key: 'age', dataType: 'NUMBER', value: '30', label: '年龄' },
  ]);
  assert.equal(codeOf(await loginByEmail('alice@example.com', 'secret1', { params: JSON.stringify([{ key: 'nope', value: 1 }]) })), 400);
  assert.equal(codeOf(await loginByEmail('alice@example.com', 'secret1', { params: '{not json' })), 400);
  assert.equal(codeOf(await loginByEmail('alice@example.com', 'secret1', { context: '{not json' })), 400);
});

// --- registration ----------------------------------------------------------------------------

test('registerByEmail: no session by default, forceLogin or generateToken give a token; duplicates 2026', async () => {
  const register = (email, options) =>
    mutation('registerByEmail', { input: Object.assign({ email, password: jsencrypt('pw-123456'), profile: {}, forceLogin: false, generateToken: false }, options) });
  const plain = dataOf(await register('a@example.com'), 'registerByEmail');
  assert.match(plain.id, /^[0-9a-f]{24}$/);
  assert.equal(plain.token, null);
  assert.equal(plain.loginsCount, 0);
  assert.equal(plain.emailVerified, false);
  assert.equal(plain.password, null);
  assert.deepEqual(plain.registerSource, ['basic:email']);
  assert.equal(dataOf(await loginByEmail('a@example.com', 'pw-123456'), 'loginByEmail').id, plain.id);

  const forced = dataOf(await register('b@example.com', { forceLogin: true }), 'registerByEmail');
  assert.equal(forced.loginsCount, 1);
  assert.equal(dataOf(await gql(USER_QUERY, {}, forced.token), 'user').id, forced.id);
  const withToken = dataOf(await register('c@example.com', { generateToken: true }), 'registerByEmail');
  assert.equal(withToken.loginsCount, 0);
  assert.equal(dataOf(await gql(USER_QUERY, {}, withToken.token), 'user').id, withToken.id);

  assert.deepEqual(errorOf(await register('A@example.com')), { code: 2026, message: '用户已存在' });
  assert.equal(codeOf(await register('bad-email')), 2003);
  assert.equal(codeOf(await register('d@example.com', { password: 'plaintext' })), 2016);
  assert.equal(emu.users().length, 3);
});

test('registerByEmail applies the profile and its udf; registerByUsername refuses a taken username (2034)', async () => {
  const profile = { nickname: 'Dora', company: 'ACME', ip: '10.1.1.1', udf: [{ key: 'vip', value: 'true' }] };
  const dora = dataOf(await mutation('registerByEmail', { input: { email: 'dora@example.com', password: jsencrypt('pw'), profile, generateToken: true } }), 'registerByEmail');
  assert.equal(dora.nickname, 'Dora');
  assert.equal(dora.company, 'ACME');
  assert.equal(dora.lastIP, '10.1.1.1');
  assert.deepEqual(dataOf(await query('udv', { targetType: 'USER', targetId: dora.id }, dora.token), 'udv'), [
    { key: 'vip', dataType: 'BOOLEAN', value: 'true', label: '是否 VIP' },
  ]);
  assert.equal(codeOf(await mutation('registerByEmail', { input: { email: 'e@example.com', password: jsencrypt('pw'), profile: { shoe: '42' } } })), 400);
  assert.equal(codeOf(await mutation('registerByEmail', { input: { email: 'e@example.com', password: jsencrypt('pw'), profile: { udf: [{ key: 'age', value: '"old"' }] } } })), 400);

  const byName = await mutation('registerByUsername', { input: { username: 'eve', password: jsencrypt('pw'), generateToken: true } });
  const eve = dataOf(byName, 'registerByUsername');
  assert.equal(eve.username, 'eve');
  assert.deepEqual(eve.registerSource, ['basic:username-password']);
  assert.ok(eve.token);
  assert.deepEqual(errorOf(await mutation('registerByUsername', { input: { username: 'eve', password: jsencrypt('pw') } })), { code: 2034, message: '用户名已存在' });
  // A username given in an e-mail registration's profile must be free too.
  const clash = await mutation('registerByEmail', { input: { email: 'f@example.com', password: jsencrypt('pw'), profile: { username: 'eve' } } });
  assert.equal(codeOf(clash), 2034);
});

// --- verification codes ----------------------------------------------------------------------

test('sms/send issues a 6-digit code (no data in the answer); a resend within 60 s is 2100', async () => {
  const res = await post('/api/v2/sms/send', { phone: '13800000003' });
  assert.deepEqual(res.json, { code: 200, message: '发送成功' });
  assert.ok(!('data' in res.json));
  const first = emu.lastSmsCode('13800000003');
  assert.match(first, /^\d{6}$/);
  assert.deepEqual((await request('GET', '/__emulator/sms-code?phone=13800000003')).json, { code: first });

  assert.deepEqual((await post('/api/v2/sms/send', { phone: '13800000003' })).json, { code: 2100, message: '发送过于频繁，请稍候再试', data: null });
  assert.equal(emu.lastSmsCode('13800000003'), first);
  // Another country code is another target.
  assert.equal((await post('/api/v2/sms/send', { phone: '13800000003', phoneCountryCode: '+852' })).json.code, 200);
  assert.match(emu.lastSmsCode('13800000003', '+852'), /^\d{6}$/);
  advance(61 * 1000);
  assert.equal((await post('/api/v2/sms/send', { phone: '13800000003' })).json.code, 200);

  assert.deepEqual((await post('/api/v2/sms/send', {})).json, { code: 2231, message: '请求参数不全', data: null });
  assert.deepEqual((await post('/api/v2/sms/send', { phone: '1' }, 'NO_SUCH_APP')).json, { code: 2224, message: '应用不存在', data: null });
  assert.equal(emu.lastSmsCode('19999999999'), null);
});

test('loginByPhoneCode: right code logs in once; wrong 2001, used 2300, expired 2300, unknown phone 2004', async () => {
  const seeded = emu.seedUser({ phone: '13800000004' });
  const loginWith = (code, extra) => mutation('loginByPhoneCode', { input: Object.assign({ phone: '13800000004', code }, extra) });
  assert.deepEqual(errorOf(await loginWith('123456')), { code: 2001, message: '验证码错误' }); // nothing sent yet

  const code = await smsCode('13800000004');
  assert.deepEqual(errorOf(await loginWith(wrongCode(code))), { code: 2001, message: '验证码错误' });
  const user = dataOf(await loginWith(code), 'loginByPhoneCode');
  assert.equal(user.id, seeded.id);
  assert.ok(user.token);
  assert.deepEqual(errorOf(await loginWith(code)), { code: 2300, message: '验证码已过期' });

  advance(61 * 1000);
  const stale = await smsCode('13800000004');
  advance(5 * 60 * 1000 + 1000);
  assert.deepEqual(errorOf(await loginWith(stale)), { code: 2300, message: '验证码已过期' });

  // Another country code's code does not log in a +86 number.
  const hk = await smsCode('13800000004', '+852');
  assert.equal(codeOf(await loginWith(hk)), 2300);
  assert.equal(dataOf(await loginWith(hk, { phoneCountryCode: '+852' }), 'loginByPhoneCode').id, seeded.id);

  // Unknown phone: 2004 and the code is kept; with autoRegister the account is created.
  const fresh = await smsCode('13900000005');
  const unknown = () => mutation('loginByPhoneCode', { input: { phone: '13900000005', code: fresh } });
  assert.deepEqual(errorOf(await unknown()), { code: 2004, message: '用户不存在' });
  const created = dataOf(await mutation('loginByPhoneCode', { input: { phone: '13900000005', code: fresh, autoRegister: true } }), 'loginByPhoneCode');
  assert.equal(created.phone, '13900000005');
  assert.equal(created.phoneVerified, true);
  assert.deepEqual(created.registerSource, ['basic:phone-code']);
});

test('registerByPhoneCode: with and without password; duplicate phone 2026; the code is single use', async () => {
  const code = await smsCode('13800000006');
  const input = { phone: '13800000006', code, password: jsencrypt('phone-pw'), profile: { nickname: 'P' }, forceLogin: true };
  const user = dataOf(await mutation('registerByPhoneCode', { input }), 'registerByPhoneCode');
  assert.equal(user.phone, '13800000006');
  assert.equal(user.nickname, 'P');
  assert.ok(user.token);
  assert.equal(dataOf(await mutation('loginByPhonePassword', { input: { phone: '13800000006', password: jsencrypt('phone-pw') } }), 'loginByPhonePassword').id, user.id);
  assert.deepEqual(errorOf(await mutation('registerByPhoneCode', { input })), { code: 2026, message: '用户已存在' });

  const other = await smsCode('13800000007');
  const noPassword = dataOf(await mutation('registerByPhoneCode', { input: { phone: '13800000007', code: other } }), 'registerByPhoneCode');
  assert.equal(noPassword.token, null);
  assert.equal(emu.users().find((u) => u.id === noPassword.id).password, null);
  emu.reset();
  // A bad password (2016) does not use the code up; a code is only good for its own phone (2001).
  const again = await smsCode('13800000007');
  assert.equal(codeOf(await mutation('registerByPhoneCode', { input: { phone: '13800000007', code: again, password: 'plain' } })), 2016);
  assert.equal(dataOf(await mutation('registerByPhoneCode', { input: { phone: '13800000007', code: again } }), 'registerByPhoneCode').phone, '13800000007');
  assert.equal(codeOf(await mutation('registerByPhoneCode', { input: { phone: '13800000008', code: again } })), 2001);
});

test('sendEmail: a code per (email, scene); bad scene 400, bad email 2003, RESET_PASSWORD of nobody 2004, resend 2100', async () => {
  emu.seedUser({ email: 'alice@example.com', password: 'old-pw' });
  const reset = await emailCode('alice@example.com', 'RESET_PASSWORD');
  assert.match(reset, /^\d{6}$/);
  const verify = await emailCode('ALICE@example.com', 'VERIFY_EMAIL');
  assert.equal(emu.lastEmailCode('alice@example.com', 'VERIFY_EMAIL'), verify);
  assert.equal(emu.lastEmailCode('alice@example.com', 'RESET_PASSWORD'), reset);
  assert.equal(emu.lastEmailCode('alice@example.com'), verify); // the latest of any scene
  assert.deepEqual((await request('GET', '/__emulator/email-code?email=alice@example.com&scene=RESET_PASSWORD')).json, { code: reset });
  assert.equal(emu.lastEmailCode('nobody@example.com'), null);
  assert.throws(() => emu.lastEmailCode('alice@example.com', 'NOPE'), /scene/);

  assert.deepEqual(errorOf(await mutation('sendEmail', { email: 'alice@example.com', scene: 'VERIFY_EMAIL' })), { code: 2100, message: '发送过于频繁，请稍候再试' });
  assert.equal(codeOf(await mutation('sendEmail', { email: 'alice@example.com', scene: 'LOGIN' })), 400);
  assert.equal(codeOf(await mutation('sendEmail', { email: 'nope', scene: 'VERIFY_EMAIL' })), 2003);
  assert.equal(codeOf(await mutation('sendEmail', { email: 'bob@example.com', scene: 'RESET_PASSWORD' })), 2004);
  assert.equal(codeOf(await mutation('sendEmail', { email: 'bob@example.com' })), 2231);
  assert.equal(codeOf(await mutation('sendEmail', { email: 'bob@example.com', scene: 'VERIFY_EMAIL' }, undefined, 'NO_SUCH_APP')), 2224);
});

test('resetPassword by email and by phone code; codes are single use and per scene', async () => {
  emu.seedUser({ email: 'alice@example.com', phone: '13800000009', password: 'old-pw' });
  const verifyCode = await emailCode('alice@example.com', 'VERIFY_EMAIL');
  const byWrongScene = await mutation('resetPassword', { email: 'alice@example.com', code: verifyCode, newPassword: jsencrypt('new-pw') });
  assert.equal(codeOf(byWrongScene), 2001);

  const code = await emailCode('alice@example.com', 'RESET_PASSWORD');
  assert.equal(codeOf(await mutation('resetPassword', { email: 'alice@example.com', code, newPassword: 'plain' })), 2016);
  const done = await mutation('resetPassword', { email: 'alice@example.com', code, newPassword: jsencrypt('new-pw') });
  assert.deepEqual(dataOf(done, 'resetPassword'), { code: 200, message: '重置密码成功' });
  assert.equal(codeOf(await loginByEmail('alice@example.com', 'old-pw')), 2006);
  await sessionFor('alice@example.com', 'new-pw');
  assert.equal(codeOf(await mutation('resetPassword', { email: 'alice@example.com', code, newPassword: jsencrypt('x') })), 2300);

  const sms = await smsCode('13800000009');
  const byPhone = await mutation('resetPassword', { phone: '13800000009', code: sms, newPassword: jsencrypt('phone-new') });
  assert.deepEqual(dataOf(byPhone, 'resetPassword'), { code: 200, message: '重置密码成功' });
  await sessionFor('alice@example.com', 'phone-new');

  assert.equal(codeOf(await mutation('resetPassword', { phone: '13900000000', code: '123456', newPassword: jsencrypt('x') })), 2004);
  assert.equal(codeOf(await mutation('resetPassword', { code: '123456', newPassword: jsencrypt('x') })), 2231);
  assert.equal(codeOf(await mutation('resetPassword', { phone: '1', email: 'a@b.cn', code: '123456', newPassword: jsencrypt('x') })), 2231);
});

test('checkPasswordStrength: 6+ characters with a letter and a digit', async () => {
  const check = async (password) => dataOf(await query('checkPasswordStrength', { password }), 'checkPasswordStrength');
  assert.deepEqual(await check('abc123'), { valid: true, message: '密码验证成功' });
  assert.deepEqual(await check('ab1'), { valid: false, message: '密码长度不能少于 6 位' });
  assert.deepEqual(await check('abcdefgh'), { valid: false, message: '密码必须同时包含字母和数字' });
  assert.deepEqual(await check('12345678'), { valid: false, message: '密码必须同时包含字母和数字' });
  assert.equal(codeOf(await query('checkPasswordStrength', {})), 2231);
});

// --- the logged-in account -------------------------------------------------------------------

const UPDATE_USER = 'mutation updateUser($id: String, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id token nickname } }';

test('updateUser changes the profile and returns a fresh token; another id 1001; email/phone/password refused', async () => {
  emu.seedUser({ email: 'alice@example.com', phone: '13800000010', username: 'alice', password: 'pw' });
  emu.seedUser({ username: 'bob' });
  const alice = await sessionFor('alice@example.com', 'pw');
  const updated = dataOf(await gql(UPDATE_USER, { id: alice.id, input: { nickname: 'Al', photo: 'https://x/y.png', gender: 'F', emailVerified: true } }, alice.token), 'updateUser');
  assert.equal(updated.nickname, 'Al');
  assert.equal(updated.photo, 'https://x/y.png');
  assert.equal(updated.emailVerified, true);
  assert.notEqual(updated.token, alice.token);
  assert.equal(dataOf(await gql(USER_QUERY, {}, updated.token), 'user').id, alice.id);
  // Without id: the token's user. Same email / phone as now: allowed.
  assert.equal(dataOf(await gql(UPDATE_USER, { input: { company: 'ACME', email: 'ALICE@example.com', phone: '13800000010' } }, alice.token), 'updateUser').company, 'ACME');

  const bob = emu.users().find((u) => u.username === 'bob');
  assert.deepEqual(errorOf(await gql(UPDATE_USER, { id: bob.id, input: { nickname: 'x' } }, alice.token)), { code: 1001, message: '无权限' });
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { email: 'new@example.com' } }, alice.token)), 2225);
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { phone: '13900000000' } }, alice.token)), 2226);
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { password: 'x' } }, alice.token)), 2019);
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { username: 'bob' } }, alice.token)), 2034);
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { shoeSize: '42' } }, alice.token)), 400);
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { loginsCount: 'many' } }, alice.token)), 400);
  assert.equal(codeOf(await gql(UPDATE_USER, {}, alice.token)), 2231);
  assert.deepEqual(errorOf(await gql(UPDATE_USER, { input: { nickname: 'x' } })), { code: 2020, message: '尚未登录，无访问权限' });
  advance(1296000 * 1000 + 1000);
  assert.deepEqual(errorOf(await gql(UPDATE_USER, { input: { nickname: 'x' } }, alice.token)), { code: 2206, message: '登录信息已过期' });
});

test('a token of another user pool is invalid (2020)', async () => {
  emu.addApp({ appId: 'POOL2_APP', userPoolId: 'pool-2', wechatAppId: 'wxpool2', subject: 'subject-2' });
  const other = await login('alice', 'POOL2_APP', 'wxpool2');
  assert.equal(codeOf(await gql(UPDATE_USER, { input: { nickname: 'x' } }, other.token)), 2020);
  assert.equal((await getMe('/api/v2/users/me/orgs', other.token)).json.code, 2020);
  assert.equal(dataOf(await gql(UPDATE_USER, { input: { nickname: 'x' } }, other.token, 'POOL2_APP'), 'updateUser').nickname, 'x');
});

test('updatePassword: old password required (2201) and checked (2203); a WeChat user sets one without', async () => {
  emu.seedUser({ email: 'alice@example.com', password: 'old-pw' });
  const alice = await sessionFor('alice@example.com', 'old-pw');
  const change = (variables, token) => mutation('updatePassword', variables, token === undefined ? alice.token : token);
  assert.deepEqual(errorOf(await change({ newPassword: jsencrypt('new-pw') })), { code: 2201, message: '请输入原始密码' });
  assert.deepEqual(errorOf(await change({ newPassword: jsencrypt('new-pw'), oldPassword: jsencrypt('wrong') })), { code: 2203, message: '原始密码错误' });
  assert.equal(codeOf(await change({ newPassword: 'plain', oldPassword: jsencrypt('old-pw') })), 2016);
  assert.equal(codeOf(await change({ newPassword: jsencrypt('new-pw'), oldPassword: 'plain' })), 2016);
  const user = dataOf(await change({ newPassword: jsencrypt('new-pw'), oldPassword: jsencrypt('old-pw') }), 'updatePassword');
  assert.equal(user.id, alice.id);
  assert.ok(user.token);
  assert.equal(codeOf(await loginByEmail('alice@example.com', 'old-pw')), 2006);
  await sessionFor('alice@example.com', 'new-pw');
  assert.equal(codeOf(await change({ newPassword: jsencrypt('x') }, '')), 2020);

  const wx = await login('wechat-person');
  assert.equal(dataOf(await change({ newPassword: jsencrypt('first-pw') }, wx.token), 'updatePassword').id, wx.id);
  assert.match(emu.users().find((u) => u.id === wx.id).password, /^scrypt\$/);
});

test('bindPhone / updatePhone / unbindPhone with SMS codes', async () => {
  emu.seedUser({ phone: '13800000011' });
  const wx = await login('alice');
  const bind = (phone, phoneCode) => mutation('bindPhone', { phone, phoneCode }, wx.token);
  assert.equal(codeOf(await bind('13800000011', await smsCode('13800000011'))), 2035); // another user's phone
  assert.equal(codeOf(await bind('13800000012', '000000')), 2001);
  const bound = dataOf(await bind('13800000012', await smsCode('13800000012')), 'bindPhone');
  assert.equal(bound.phone, '13800000012');
  assert.equal(bound.phoneVerified, true);
  assert.ok(bound.token);
  assert.deepEqual(errorOf(await bind('13800000013', '123456')), { code: 2035, message: '用户已绑定手机号' });

  const update = (variables) => mutation('updatePhone', variables, wx.token);
  advance(61 * 1000);
  assert.equal(codeOf(await update({ phone: '13800000012', phoneCode: '123456' })), 2230);
  assert.equal(codeOf(await update({ phone: '13800000011', phoneCode: await smsCode('13800000011') })), 2035);
  const newCode = await smsCode('13800000013');
  assert.equal(codeOf(await update({ phone: '13800000013', phoneCode: newCode, oldPhone: '13800000099', oldPhoneCode: '1' })), 2038);
  assert.equal(codeOf(await update({ phone: '13800000013', phoneCode: newCode, oldPhone: '13800000012' })), 2231);
  const oldCode = await smsCode('13800000012');
  assert.equal(codeOf(await update({ phone: '13800000013', phoneCode: newCode, oldPhone: '13800000012', oldPhoneCode: wrongCode(oldCode) })), 2001);
  const updated = dataOf(await update({ phone: '13800000013', phoneCode: newCode, oldPhone: '13800000012', oldPhoneCode: oldCode }), 'updatePhone');
  assert.equal(updated.phone, '13800000013');

  const unbound = dataOf(await mutation('unbindPhone', {}, wx.token), 'unbindPhone');
  assert.equal(unbound.phone, null);
  assert.equal(unbound.phoneVerified, false);
  assert.deepEqual(errorOf(await mutation('unbindPhone', {}, wx.token)), { code: 400, message: '用户未绑定手机号' });
  assert.equal(codeOf(await update({ phone: '13800000014', phoneCode: '1' })), 400);

  // A phone-only account cannot drop its phone.
  const phoneOnly = dataOf(await mutation('loginByPhoneCode', { input: { phone: '13800000011', code: emu.lastSmsCode('13800000011') } }), 'loginByPhoneCode');
  assert.deepEqual(errorOf(await mutation('unbindPhone', {}, phoneOnly.token)), { code: 2217, message: '只有一种登录方式，不能解绑' });
});

test('bindEmail / updateEmail / unbindEmail with e-mail codes', async () => {
  emu.seedUser({ email: 'taken@example.com', password: 'pw' });
  const wx = await login('alice');
  const bind = (email, emailCodeValue) => mutation('bindEmail', { email, emailCode: emailCodeValue }, wx.token);
  assert.equal(codeOf(await bind('taken@example.com', await emailCode('taken@example.com', 'VERIFY_EMAIL'))), 2200);
  assert.equal(codeOf(await bind('bad', '1')), 2003);
  const resetCode = await emailCode('taken@example.com', 'RESET_PASSWORD');
  assert.equal(codeOf(await bind('mine@example.com', resetCode)), 2001);
  const bound = dataOf(await bind('Mine@example.com', await emailCode('mine@example.com', 'CHANGE_EMAIL')), 'bindEmail');
  assert.equal(bound.email, 'mine@example.com');
  assert.equal(bound.emailVerified, true);
  assert.deepEqual(errorOf(await bind('other@example.com', '1')), { code: 2200, message: '用户已绑定邮箱' });

  const update = (variables) => mutation('updateEmail', variables, wx.token);
  assert.equal(codeOf(await update({ email: 'MINE@example.com', emailCode: '1' })), 2229);
  assert.equal(codeOf(await update({ email: 'taken@example.com', emailCode: '1' })), 2200);
  const newCode = await emailCode('next@example.com', 'CHANGE_EMAIL');
  assert.equal(codeOf(await update({ email: 'next@example.com', emailCode: newCode, oldEmail: 'wrong@example.com', oldEmailCode: '1' })), 2037);
  advance(61 * 1000);
  const oldCode = await emailCode('mine@example.com', 'CHANGE_EMAIL');
  const updated = dataOf(await update({ email: 'next@example.com', emailCode: newCode, oldEmail: 'mine@example.com', oldEmailCode: oldCode }), 'updateEmail');
  assert.equal(updated.email, 'next@example.com');
  assert.equal(codeOf(await update({ email: 'again@example.com', emailCode: newCode })), 2001); // nothing sent to again@

  const unbound = dataOf(await mutation('unbindEmail', {}, wx.token), 'unbindEmail');
  assert.equal(unbound.email, null);
  assert.deepEqual(errorOf(await mutation('unbindEmail', {}, wx.token)), { code: 2219, message: '用户未绑定邮箱' });
  assert.equal(codeOf(await update({ email: 'x@example.com', emailCode: '1' })), 2219);

  // An e-mail + password account cannot drop its e-mail.
  const only = await sessionFor('taken@example.com', 'pw');
  assert.equal(codeOf(await mutation('unbindEmail', {}, only.token)), 2217);
});

test('refreshToken: a new token for the session user; another id 1001', async () => {
  const alice = await login('alice');
  advance(5000);
  const refreshed = dataOf(await mutation('refreshToken', {}, alice.token), 'refreshToken');
  assert.deepEqual(Object.keys(refreshed).sort(), ['exp', 'iat', 'token']);
  assert.notEqual(refreshed.token, alice.token);
  const { payload } = decodeJwt(refreshed.token);
  assert.equal(payload.sub, alice.id);
  assert.equal(payload.iat, refreshed.iat);
  assert.equal(payload.exp, refreshed.exp);
  assert.ok(refreshed.iat > decodeJwt(alice.token).payload.iat);
  assert.equal(dataOf(await gql(USER_QUERY, {}, refreshed.token), 'user').id, alice.id);
  const bob = await login('bob');
  assert.equal(codeOf(await mutation('refreshToken', { id: bob.id }, alice.token)), 1001);
  assert.equal(dataOf(await mutation('refreshToken', { id: alice.id }, alice.token), 'refreshToken').exp > 0, true);
  assert.equal(codeOf(await mutation('refreshToken', {})), 2020);
});

test('getUserRoles and listUserAuthorizedResources: seeded lists, filters, null user, 1001', async () => {
  const alice = await login('alice');
  const bob = await login('bob');
  const roles = emu.seedRoles(alice.id, [{ code: 'admin' }, { code: 'editor', namespace: 'cms', description: 'Edits' }]);
  assert.equal(roles.length, 2);
  assert.equal(roles[0].namespace, 'default');
  assert.match(roles[0].id, /^[0-9a-f]{24}$/);
  const rolesOf = async (variables, token) => (await query('getUserRoles', variables, token === undefined ? alice.token : token)).json;
  const all = (await rolesOf({ id: alice.id })).data.user.roles;
  assert.equal(all.totalCount, 2);
  assert.deepEqual(all.list.map((role) => role.code), ['admin', 'editor']);
  assert.deepEqual((await rolesOf({ id: alice.id, namespace: 'cms' })).data.user.roles.list.map((role) => [role.code, role.description]), [['editor', 'Edits']]);
  assert.deepEqual((await rolesOf({ id: 'no-such-user' })).data, { user: null });
  assert.equal((await rolesOf({ id: bob.id })).errors[0].message.code, 1001);
  assert.deepEqual((await rolesOf({ id: bob.id }, bob.token)).data.user.roles, { totalCount: 0, list: [] });

  emu.seedResources(alice.id, [
    { code: 'book:1', actions: ['book:read'] },
    { code: '/api/orders', type: 'API', actions: ['GET', 'POST'], namespace: 'shop' },
    { code: 'menu:home', type: 'MENU' },
  ]);
  const resources = async (variables) => (await query('listUserAuthorizedResources', Object.assign({ id: alice.id }, variables), alice.token)).json;
  assert.deepEqual((await resources({})).data.user.authorizedResources.list, [
    { code: 'book:1', type: 'DATA', actions: ['book:read'] },
    { code: '/api/orders', type: 'API', actions: ['GET', 'POST'] },
    { code: 'menu:home', type: 'MENU', actions: ['*'] },
  ]);
  assert.deepEqual((await resources({ namespace: 'shop' })).data.user.authorizedResources, { totalCount: 1, list: [{ code: '/api/orders', type: 'API', actions: ['GET', 'POST'] }] });
  assert.equal((await resources({ resourceType: 'MENU' })).data.user.authorizedResources.list[0].code, 'menu:home');
  assert.equal((await resources({ resourceType: 'FILE' })).errors[0].message.code, 400);
  assert.deepEqual((await query('listUserAuthorizedResources', { id: 'nobody' }, alice.token)).json.data, { user: null });
  assert.equal(codeOf(await query('listUserAuthorizedResources', { id: alice.id })), 2020);

  assert.throws(() => emu.seedRoles('nobody', []), /no user/);
  assert.throws(() => emu.seedRoles(alice.id, [{}]), /code/);
  assert.throws(() => emu.seedResources(alice.id, [{ code: 'x', type: 'FILE' }]), /type/);
});

test('udv / setUdv / removeUdv / setUdvBatch: string values by dataType; undefined key and bad values 400', async () => {
  const alice = await login('alice');
  const target = { targetType: 'USER', targetId: alice.id };
  const call = (name, variables, kind) => (kind === 'query' ? query : mutation)(name, Object.assign({}, target, variables), alice.token);
  assert.deepEqual(dataOf(await call('udv', {}, 'query'), 'udv'), []);

  const afterSet = dataOf(await call('setUdv', { key: 'age', value: JSON.stringify(30) }), 'setUdv');
  assert.deepEqual(afterSet, [{ key: 'age', dataType: 'NUMBER', value: '30', label: '年龄' }]);
  await call('setUdv', { key: 'school', value: JSON.stringify('MIT') });
  const batch = dataOf(
    await call('setUdvBatch', { udvList: [{ key: 'vip', value: 'true' }, { key: 'preferences', value: '{"theme":"dark"}' }, { key: 'birthday', value: '946684800000' }] }),
    'setUdvBatch'
  );
  assert.deepEqual(batch.map((item) => [item.key, item.value]), [
    ['school', 'MIT'],
    ['age', '30'],
    ['vip', 'true'],
    ['birthday', '946684800000'],
    ['preferences', '{"theme":"dark"}'],
  ]);
  assert.deepEqual(dataOf(await call('removeUdv', { key: 'age' }), 'removeUdv').map((item) => item.key), ['school', 'vip', 'birthday', 'preferences']);
  assert.deepEqual(dataOf(await call('udv', {}, 'query'), 'udv').length, 4);

  assert.deepEqual(errorOf(await call('setUdv', { key: 'shoeSize', value: '42' })), { code: 400, message: '自定义字段 shoeSize 不存在' });
  assert.equal(codeOf(await call('setUdv', { key: 'age', value: '"thirty"' })), 400);
  assert.equal(codeOf(await call('setUdv', { key: 'vip', value: '"yes"' })), 400);
  assert.equal(codeOf(await call('setUdv', { key: 'preferences', value: '[1' })), 400);
  assert.equal(codeOf(await call('removeUdv', { key: 'shoeSize' })), 400);
  // A batch is all or nothing.
  assert.equal(codeOf(await call('setUdvBatch', { udvList: [{ key: 'school', value: '"x"' }, { key: 'nope', value: '1' }] })), 400);
  assert.equal(dataOf(await call('udv', {}, 'query'), 'udv')[0].value, 'MIT');
  assert.equal(codeOf(await call('setUdv', { key: 'age' })), 2231);

  const bob = await login('bob');
  assert.equal(codeOf(await query('udv', { targetType: 'USER', targetId: bob.id }, alice.token)), 1001);
  assert.equal(codeOf(await query('udv', { targetType: 'ROLE', targetId: alice.id }, alice.token)), 1001);
  assert.equal(codeOf(await query('udv', { targetType: 'TEAM', targetId: alice.id }, alice.token)), 400);
  assert.equal(codeOf(await query('udv', target)), 2020);

  // defineUdf adds a field; values of the other pool are not visible.
  assert.deepEqual(emu.defineUdf({ key: 'nickname2', label: 'Second name' }), { key: 'nickname2', dataType: 'STRING', label: 'Second name' });
  assert.equal(dataOf(await call('setUdv', { key: 'nickname2', value: '"Al"' }), 'setUdv').find((item) => item.key === 'nickname2').label, 'Second name');
  assert.deepEqual(emu.udfs().map((udf) => udf.key), ['school', 'age', 'vip', 'birthday', 'preferences', 'nickname2']);
  assert.deepEqual(emu.udfs('pool-other').map((udf) => udf.key), ['school', 'age', 'vip', 'birthday', 'preferences']);
  assert.throws(() => emu.defineUdf({ key: 'x', dataType: 'DATE' }), /dataType/);
  emu.reset();
  assert.equal(emu.udfs().length, 5);
});

// --- REST: users/me/*, link, upload ----------------------------------------------------------

test('users/me/orgs and users/me/applications/allowed: seeded or default lists; paging; no session 2020', async () => {
  const alice = await login('alice');
  assert.deepEqual((await getMe('/api/v2/users/me/orgs', alice.token)).json, { code: 200, message: '获取成功', data: [] });
  const orgs = emu.seedOrgs(alice.id, [[{ id: 'org1', name: 'ACME' }, { name: 'R&D', code: 'rd' }]]);
  assert.equal(orgs[0][1].orgId, 'org1');
  const fetched = (await getMe('/api/v2/users/me/orgs', alice.token)).json.data;
  assert.deepEqual(fetched, orgs);
  assert.deepEqual(fetched[0].map((node) => node.name), ['ACME', 'R&D']);

  // By default: every app of the user's pool (apps added by earlier tests survive reset()).
  const poolApps = (await request('GET', '/__emulator/apps')).json.filter((app) => app.userPoolId === 'pool-default').map((app) => app.appId);
  const apps = (await getMe('/api/v2/users/me/applications/allowed?page=1&limit=10', alice.token)).json.data;
  assert.equal(apps.totalCount, poolApps.length);
  assert.deepEqual(apps.list.map((app) => app.id), poolApps.slice(0, 10));
  assert.deepEqual(poolApps.slice(0, 2), [APP, OTHER_APP]);
  assert.deepEqual(Object.keys(apps.list[0]).sort(), ['createdAt', 'description', 'domain', 'id', 'logo', 'name', 'protocol', 'updatedAt']);
  emu.seedApplications(alice.id, [1, 2, 3].map((n) => ({ id: 'app' + n, name: 'App ' + n })));
  const page2 = (await getMe('/api/v2/users/me/applications/allowed?page=2&limit=2', alice.token)).json.data;
  assert.deepEqual(page2.totalCount, 3);
  assert.deepEqual(page2.list.map((app) => [app.id, app.name, app.protocol]), [['app3', 'App 3', 'oidc']]);
  assert.equal((await getMe('/api/v2/users/me/applications/allowed', alice.token)).json.data.list.length, 3);
  assert.equal((await getMe('/api/v2/users/me/applications/allowed?page=0', alice.token)).json.code, 2231);
  emu.seedApplications(alice.id, null);
  assert.equal((await getMe('/api/v2/users/me/applications/allowed', alice.token)).json.data.totalCount, poolApps.length);

  for (const urlPath of ['/api/v2/users/me/orgs', '/api/v2/users/me/applications/allowed', '/api/v2/users/me/security-level']) {
    assert.deepEqual((await getMe(urlPath)).json, { code: 2020, message: '尚未登录，无访问权限', data: null }, urlPath);
    assert.equal((await request('GET', urlPath, { headers: appHeaders('NO_SUCH_APP', alice.token) })).json.code, 2224);
  }
  assert.throws(() => emu.seedOrgs(alice.id, [[]]), /non-empty/);
  assert.throws(() => emu.seedApplications(alice.id, [{ id: 'x' }]), /name/);
});

test('users/me/security-level is derived from the user', async () => {
  const wx = await login('alice');
  const level = async (token) => (await getMe('/api/v2/users/me/security-level', token)).json.data;
  assert.deepEqual(await level(wx.token), { score: 0, email: false, phone: false, password: false, passwordSecurityLevel: null, mfa: false });
  emu.seedUser({ email: 'strong@example.com', phone: '13800000020', password: 'Str0ngPassword' });
  const strong = await sessionFor('strong@example.com', 'Str0ngPassword');
  assert.deepEqual(await level(strong.token), { score: 80, email: true, phone: true, password: true, passwordSecurityLevel: 3, mfa: false });
  await mutation('updatePassword', { newPassword: jsencrypt('abc12345'), oldPassword: jsencrypt('Str0ngPassword') }, strong.token);
  assert.deepEqual(await level(strong.token), { score: 70, email: true, phone: true, password: true, passwordSecurityLevel: 2, mfa: false });
});

test('users/link moves the social identity into the primary account; users/unlink removes it', async () => {
  emu.seedUser({ email: 'alice@example.com', password: 'pw' });
  const primary = await sessionFor('alice@example.com', 'pw');
  const social = await login('alice-wechat');
  const link = (body) => post('/api/v2/users/link', body);

  assert.deepEqual((await link({ primaryUserToken: primary.token, secondaryUserToken: 'bad' })).json, { code: 2020, message: '尚未登录，无访问权限', data: null });
  assert.equal((await link({ primaryUserToken: primary.token })).json.code, 2231);
  assert.equal((await link({ primaryUserToken: primary.token, secondaryUserToken: primary.token })).json.code, 2215);
  emu.seedUser({ email: 'b@example.com', password: 'pw' });
  const plainSecondary = await sessionFor('b@example.com', 'pw');
  assert.deepEqual((await link({ primaryUserToken: primary.token, secondaryUserToken: plainSecondary.token })).json, { code: 400, message: '副账号没有社交登录身份', data: null });

  assert.deepEqual((await link({ primaryUserToken: primary.token, secondaryUserToken: social.token })).json, { code: 200, message: '绑定成功', data: null });
  const merged = emu.users().find((u) => u.id === primary.id);
  assert.equal(merged.openid, wechat.openidFor(WX, 'alice-wechat'));
  assert.equal(merged.identities.length, 1);
  assert.equal(emu.users().some((u) => u.id === social.id), false);
  assert.equal(codeOf(await gql(USER_QUERY, {}, social.token)), 2020); // the secondary account is gone
  assert.equal((await login('alice-wechat')).id, primary.id); // WeChat now logs into the primary account

  // A second identity of the same mini program is 2213; one of another mini program links.
  const sameConnection = await login('someone-else');
  assert.equal((await link({ primaryUserToken: primary.token, secondaryUserToken: sameConnection.token })).json.code, 2213);
  const otherMiniProgram = await login('dave', OTHER_APP, OTHER_WX);
  assert.equal((await link({ primaryUserToken: primary.token, secondaryUserToken: otherMiniProgram.token })).json.code, 200);
  assert.equal(emu.users().find((u) => u.id === primary.id).identities.length, 2);

  const unlink = (body) => post('/api/v2/users/unlink', body);
  assert.equal((await unlink({ primaryUserToken: primary.token, provider: 'github' })).json.code, 2216);
  assert.deepEqual((await unlink({ primaryUserToken: primary.token, provider: 'wechat-miniprogram' })).json, { code: 200, message: '解绑成功', data: null });
  const after = emu.users().find((u) => u.id === primary.id);
  assert.deepEqual([after.identities, after.openid, after.unionid], [[], null, null]);
  assert.equal((await unlink({ primaryUserToken: primary.token })).json.code, 2231);

  // The identity is the only login method of a WeChat account.
  const wxOnly = await login('carol');
  assert.equal((await unlink({ primaryUserToken: wxOnly.token, provider: 'wechat-miniprogram' })).json.code, 2217);
  assert.equal((await post('/api/v2/users/unlink', { primaryUserToken: wxOnly.token, provider: 'wechat-miniprogram' }, 'NO_SUCH_APP')).json.code, 2224);
  advance(1296000 * 1000 + 1000);
  assert.equal((await unlink({ primaryUserToken: wxOnly.token, provider: 'wechat-miniprogram' })).json.code, 2206);
});

function multipartBody(boundary, parts) {
  const chunks = [];
  for (const part of parts) {
    let head = '--' + boundary + '\r\nContent-Disposition: form-data; name="' + part.name + '"';
    if (part.filename) head += '; filename="' + part.filename + '"';
    head += '\r\n';
    if (part.contentType) head += 'Content-Type: ' + part.contentType + '\r\n';
    chunks.push(Buffer.from(head + '\r\n'), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from('--' + boundary + '--\r\n'));
  return Buffer.concat(chunks);
}

function rawPost(urlPath, contentType, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(emu.url + urlPath, { method: 'POST', agent: false, headers: { 'content-type': contentType } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function getBytes(url) {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], data: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

test('upload: multipart file field -> {key, url} (no auth); the url serves the bytes; no file is an error', async () => {
  const image = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(300), Buffer.from('\r\n--x')]);
  const boundary = '----wxupload' + crypto.randomBytes(6).toString('hex');
  const body = multipartBody(boundary, [
    { name: 'note', data: 'hello' },
    { name: 'file', filename: 'tmp_abc.PNG', contentType: 'image/png', data: image },
  ]);
  const res = await rawPost('/api/v2/upload?folder=avatar', 'multipart/form-data; boundary=' + boundary, body);
  assert.equal(res.code, 200);
  assert.equal(res.message, '上传成功');
  assert.match(res.data.key, /^avatar\/[0-9a-f]{24}\.png$/);
  assert.equal(res.data.url, emu.url + '/files/' + res.data.key);
  const served = await getBytes(res.data.url);
  assert.equal(served.status, 200);
  assert.equal(served.type, 'image/png');
  assert.deepEqual(served.data, image);
  assert.equal((await getBytes(emu.url + '/files/avatar/nope.png')).status, 404);

  // The url is what updateUser then stores as the photo.
  const alice = await login('alice');
  assert.equal(dataOf(await gql(UPDATE_USER, { id: alice.id, input: { photo: res.data.url } }, alice.token), 'updateUser').photo, res.data.url);

  const noFile = multipartBody(boundary, [{ name: 'note', data: 'hello' }]);
  assert.deepEqual(await rawPost('/api/v2/upload?folder=avatar', 'multipart/form-data; boundary=' + boundary, noFile), { code: 2231, message: '请求参数不全', data: null });
  const notFileField = multipartBody(boundary, [{ name: 'image', filename: 'a.png', data: 'x' }]);
  assert.equal((await rawPost('/api/v2/upload?folder=avatar', 'multipart/form-data; boundary=' + boundary, notFileField)).code, 2231);
  assert.deepEqual(await rawPost('/api/v2/upload?folder=avatar', 'application/json', '{}'), { code: 400, message: '请求体不是合法的 multipart/form-data', data: null });
  const truncated = body.subarray(0, body.length - 10);
  assert.equal((await rawPost('/api/v2/upload?folder=avatar', 'multipart/form-data; boundary=' + boundary, truncated)).code, 400);
  assert.equal((await rawPost('/api/v2/upload?folder=..', 'multipart/form-data; boundary=' + boundary, body)).code, 2231);
  const quoted = await rawPost('/api/v2/upload', 'multipart/form-data; boundary="' + boundary + '"', body);
  assert.match(quoted.data.key, /^default\//);
});

// --- admin HTTP API for accounts ---------------------------------------------------------------

test('admin API: users, udfs, roles, resources, orgs, applications', async () => {
  const seeded = (await adminPost('/users', { email: 'admin-made@example.com', password: 'pw', nickname: 'N' })).json;
  assert.equal(seeded.email, 'admin-made@example.com');
  assert.equal((await adminPost('/users', { email: 'admin-made@example.com' })).status, 400);
  await sessionFor('admin-made@example.com', 'pw');

  assert.deepEqual((await adminPost('/udfs', { key: 'score', dataType: 'NUMBER', label: 'Score' })).json, { key: 'score', dataType: 'NUMBER', label: 'Score' });
  assert.ok((await request('GET', '/__emulator/udfs')).json.some((udf) => udf.key === 'score'));
  assert.equal((await request('GET', '/__emulator/udfs?userPoolId=pool-x')).json.length, 5);
  assert.equal((await adminPost('/udfs', { dataType: 'NUMBER' })).status, 400);

  assert.equal((await adminPost('/roles', { userId: seeded.id, roles: [{ code: 'r1' }] })).json[0].code, 'r1');
  assert.equal((await adminPost('/resources', { userId: seeded.id, resources: [{ code: 'x' }] })).json[0].type, 'DATA');
  assert.equal((await adminPost('/orgs', { userId: seeded.id, orgs: [[{ name: 'O' }]] })).json[0][0].name, 'O');
  assert.equal((await adminPost('/applications', { userId: seeded.id, applications: [{ id: 'a', name: 'A' }] })).json[0].id, 'a');
  assert.equal((await adminPost('/roles', { userId: 'nobody', roles: [] })).status, 400);
  const record = emu.users()[0];
  assert.deepEqual([record.roles.length, record.resources.length, record.orgs.length, record.applications.length], [1, 1, 1, 1]);

  assert.deepEqual((await request('GET', '/__emulator/sms-code?phone=13800000000')).json, { code: null });
  assert.equal((await request('GET', '/__emulator/email-code?email=a@b.cn&scene=BAD')).status, 400);
  assert.equal(emu.requests.length, 1); // only the GraphQL login is logged
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
