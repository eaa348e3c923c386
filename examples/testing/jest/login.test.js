'use strict';
// The same checks with jest. Run: npx jest --rootDir examples/testing/jest
const { startEmulator, createMockWx } = require('genauth-wxapp-sdk/testing');

let emu;
let genauth;

beforeAll(async () => {
  emu = await startEmulator();
  global.wx = createMockWx({ emulator: emu });
  const { AuthenticationClient } = require('genauth-wxapp-sdk');
  genauth = new AuthenticationClient({ appId: emu.appId, host: emu.url });
});

afterAll(async () => {
  wx.mock.close();
  await emu.close();
});

test('silent login, then a password login of a seeded account', async () => {
  const wechat = await genauth.loginByCode();
  expect(wechat.openid).toBeTruthy();
  emu.seedUser({ email: 'bob@example.com', password: 'Passw0rd!' });
  const bob = await genauth.loginByEmail('bob@example.com', 'Passw0rd!');
  expect(bob.email).toBe('bob@example.com');
  expect(bob.id).not.toBe(wechat.id);
});

test('login with an SMS code', async () => {
  emu.seedUser({ phone: '13900000000' });
  await genauth.sendSmsCode('13900000000');
  const user = await genauth.loginByPhoneCode('13900000000', emu.lastSmsCode('13900000000'));
  expect(user.phone).toBe('13900000000');
});

test('a dropped connection is NETWORK_ERROR with a message in the client language', async () => {
  const english = new (require('genauth-wxapp-sdk').AuthenticationClient)({ appId: emu.appId, host: emu.url, lang: 'en-US' });
  emu.fault({ kind: 'drop' });
  await expect(english.loginByCode()).rejects.toMatchObject({ code: 'NETWORK_ERROR', retryable: true });
});
