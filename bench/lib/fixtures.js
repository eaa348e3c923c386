'use strict';
// The canned response bodies: recorded once per run from the project's emulator
// (tests/emulator: a real user record and a real HS256 JWT), or hand-made if it is absent.
// The password public key (`GET /api/v2/.well-known`) is the repository's 2048-bit test key
// (tests/fixtures/test-rsa-public.pem): GenAuth's own key may be 1024-bit (SPKI "MIGf..."), so
// 2048 is the conservative case for the cost of encrypting a password.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { REPO_DIR, APP_ID, WECHAT_APP_ID } = require('./common');

const TEST_KEY_DIR = path.join(REPO_DIR, 'tests', 'fixtures');
/** The e-mail user of loginByEmail and updateProfile (seeded in the emulator). */
const EMAIL = 'bench@example.com';
const PASSWORD = 'bench-Passw0rd';

/** JSEncrypt's output: RSA PKCS#1 v1.5 of the UTF-8 text, base64. */
function encryptPassword(text, publicKey) {
  return crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(text, 'utf8')).toString('base64');
}

async function fromEmulator() {
  const { startEmulator } = require(path.join(REPO_DIR, 'tests', 'emulator'));
  const emu = await startEmulator({ rsaPrivateKey: fs.readFileSync(path.join(TEST_KEY_DIR, 'test-rsa-private.pem'), 'utf8') });
  try {
    const headers = { 'content-type': 'application/json', 'x-authing-app-id': APP_ID };
    const post = async (p, body, token) => {
      const h = Object.assign({}, headers, token ? { authorization: 'Bearer ' + token } : {});
      const res = await fetch(emu.url + p, { method: 'POST', headers: h, body: JSON.stringify(body) });
      return res.text();
    };
    const code = emu.mintCode(WECHAT_APP_ID, 'bench-user');
    const login = await post('/connections/social/wechat-miniprogram/auth', { code });
    const token = JSON.parse(login).data.token;
    const user = await post('/graphql/v2', { query: 'query user($id: String) { user(id: $id) { id token } }', variables: {} }, token);
    const checkLoginStatus = await post(
      '/graphql/v2',
      { query: 'query checkLoginStatus($token: String) { checkLoginStatus(token: $token) { code message status exp iat data { id userPoolId arn } } }', variables: {} },
      token
    );
    const res = await fetch(emu.url + '/api/v2/logout?app_id=' + APP_ID, {
      headers: Object.assign({}, headers, { authorization: 'Bearer ' + token }),
    });
    const logout = await res.text();
    // The password logins: the key, one e-mail user, its login and a profile update.
    const wellKnown = await (await fetch(emu.url + '/api/v2/.well-known', { headers })).text();
    const publicKey = JSON.parse(wellKnown).data.publicKey;
    if (publicKey.trim() !== fs.readFileSync(path.join(TEST_KEY_DIR, 'test-rsa-public.pem'), 'utf8').trim()) throw new Error('the emulator does not serve the test key');
    emu.seedUser({ email: EMAIL, password: PASSWORD, nickname: 'bench' });
    const loginByEmail = await post('/graphql/v2', {
      query: 'mutation loginByEmail($input: LoginByEmailInput!) { loginByEmail(input: $input) { id token } }',
      variables: { input: { email: EMAIL, password: encryptPassword(PASSWORD, publicKey), autoRegister: false } },
    });
    const emailToken = JSON.parse(loginByEmail).data.loginByEmail.token;
    const emailUserId = JSON.parse(loginByEmail).data.loginByEmail.id;
    const updateUser = await post(
      '/graphql/v2',
      { query: 'mutation updateUser($id: String, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id token } }', variables: { id: emailUserId, input: { nickname: 'bench-updated' } } },
      emailToken
    );
    for (const [name, text] of Object.entries({ login, user, checkLoginStatus, wellKnown, loginByEmail, updateUser })) {
      const value = JSON.parse(text);
      if (((name === 'login' || name === 'wellKnown') && value.code !== 200) || (name !== 'login' && name !== 'wellKnown' && (!value.data || value.errors))) {
        throw new Error('emulator answered ' + name + ' with ' + text);
      }
    }
    return { source: 'emulator (tests/emulator)', login, user, checkLoginStatus, logout, wellKnown, loginByEmail, updateUser };
  } finally {
    await emu.close();
  }
}

function b64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function handMade() {
  const now = Math.floor(Date.now() / 1000);
  const id = 'bench' + crypto.randomBytes(10).toString('hex');
  const payload = { sub: id, aud: APP_ID, iat: now, exp: now + 1296000, iss: 'https://core.authing.cn/oidc', jti: crypto.randomUUID(), data: { type: 'user', id, userPoolId: 'pool-default', appId: APP_ID } };
  const unsigned = b64url({ alg: 'HS256', typ: 'JWT' }) + '.' + b64url(payload);
  const token = unsigned + '.' + crypto.createHmac('sha256', 'bench').update(unsigned).digest('base64url');
  const user = { id, userPoolId: 'pool-default', username: null, email: null, phone: null, nickname: null, photo: null, openid: 'obench', unionid: 'ubench', token, tokenExpiredAt: new Date((now + 1296000) * 1000).toISOString(), loginsCount: 1, createdAt: new Date().toISOString() };
  return {
    source: 'hand-made (emulator unavailable)',
    login: JSON.stringify({ code: 200, message: '登录成功', data: user }),
    user: JSON.stringify({ data: { user } }),
    checkLoginStatus: JSON.stringify({ data: { checkLoginStatus: { code: 200, message: '已登录', status: true, exp: payload.exp, iat: now, data: { id, userPoolId: 'pool-default', arn: null } } } }),
    logout: JSON.stringify({ code: 200, message: '退出成功', data: null }),
    wellKnown: JSON.stringify({ code: 200, message: '获取成功', data: { publicKey: fs.readFileSync(path.join(TEST_KEY_DIR, 'test-rsa-public.pem'), 'utf8') } }),
    loginByEmail: JSON.stringify({ data: { loginByEmail: Object.assign({}, user, { email: EMAIL, emailVerified: false }) } }),
    updateUser: JSON.stringify({ data: { updateUser: Object.assign({}, user, { email: EMAIL, emailVerified: false, nickname: 'bench-updated' }) } }),
  };
}

/**
 * The `.well-known` answer with a fresh 1024-bit key, the size GenAuth's own key may have: for
 * the information row on what a smaller key costs (the login answers do not depend on it).
 */
function wellKnown1024() {
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
  return JSON.stringify({ code: 200, message: '获取成功', data: { publicKey: publicKey.export({ type: 'spki', format: 'pem' }) } });
}

async function makeFixtures() {
  let bodies;
  try {
    bodies = await fromEmulator();
  } catch (error) {
    process.stderr.write('bench: emulator fixtures failed (' + error.message + '); using hand-made bodies\n');
    bodies = handMade();
  }
  bodies.wellKnown1024 = wellKnown1024();
  return bodies;
}

module.exports = { makeFixtures, EMAIL, PASSWORD };
