'use strict';
// The canned response bodies: recorded once per run from the project's emulator
// (tests/emulator: a real user record and a real HS256 JWT), or hand-made if it is absent.

const crypto = require('crypto');
const path = require('path');
const { REPO_DIR, APP_ID, WECHAT_APP_ID } = require('./common');

async function fromEmulator() {
  const { startEmulator } = require(path.join(REPO_DIR, 'tests', 'emulator'));
  const emu = await startEmulator();
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
    for (const [name, text] of Object.entries({ login, user, checkLoginStatus })) {
      const value = JSON.parse(text);
      if ((name === 'login' && value.code !== 200) || (name !== 'login' && !value.data)) {
        throw new Error('emulator answered ' + name + ' with ' + text);
      }
    }
    return { source: 'emulator (tests/emulator)', login, user, checkLoginStatus, logout };
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
  };
}

async function makeFixtures() {
  try {
    return await fromEmulator();
  } catch (error) {
    process.stderr.write('bench: emulator fixtures failed (' + error.message + '); using hand-made bodies\n');
    return handMade();
  }
}

module.exports = { makeFixtures };
