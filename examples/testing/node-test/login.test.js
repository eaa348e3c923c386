'use strict';
// A login page's logic tested offline with node:test: the emulator plays GenAuth and WeChat,
// the mock wx talks to it. Run: node --test examples/testing/node-test/
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startEmulator, createMockWx } = require('genauth-wxapp-sdk/testing');

let emu;
let genauth;

before(async () => {
  emu = await startEmulator();
  global.wx = createMockWx({ emulator: emu });
  const { AuthenticationClient } = require('genauth-wxapp-sdk');
  genauth = new AuthenticationClient({ appId: emu.appId, host: emu.url });
});

after(async () => {
  wx.mock.close();
  await emu.close();
});

test('silent login: the same WeChat user gets the same account', async () => {
  wx.mock.setPerson('alice');
  const first = await genauth.loginByCode();
  const again = await genauth.loginByCode();
  assert.equal(again.id, first.id);
  assert.equal(await genauth.getToken(), again.token);
});

test('phone login with the getPhoneNumber button', async () => {
  const user = await genauth.loginByPhone(wx.mock.phoneNumberDetail('13800000000'));
  assert.equal(user.phone, '13800000000');
});

test('the user refusing the phone number is WX_PHONE_DENIED, and nothing is sent', async () => {
  const sent = emu.requests().length;
  await assert.rejects(genauth.loginByPhone(wx.mock.phoneNumberDetail('13800000000', { deny: true })), { code: 'WX_PHONE_DENIED' });
  assert.equal(emu.requests().length, sent);
});

test('profile: nickname', async () => {
  const user = await genauth.updateProfile({ nickname: 'Alice' });
  assert.equal(user.nickname, 'Alice');
});

test('a failing server is SERVER_ERROR, retryable, and the session stays', async () => {
  const token = await genauth.getToken();
  emu.fault({ kind: 'http500' });
  await assert.rejects(genauth.getCurrentUser(), { code: 'SERVER_ERROR', retryable: true });
  assert.equal(await genauth.getToken(), token);
});
