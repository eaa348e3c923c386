'use strict';
// A component test with miniprogram-simulate (WeChat's component test tool) and jest: the
// component renders, the tap logs in against the emulator, the nickname shows.
const path = require('path');
const simulate = require('miniprogram-simulate');
const { startEmulator, createMockWx } = require('genauth-wxapp-sdk/testing');
const config = require('./config.js');

let emu;
let card;

beforeAll(async () => {
  emu = await startEmulator();
  global.wx = createMockWx({ emulator: emu, person: 'carol' });
  config.appId = emu.appId;
  config.host = emu.url;
  card = simulate.load(path.join(__dirname, 'components/login-card/index'));
});

afterAll(async () => {
  wx.mock.close();
  await emu.close();
});

/** Waits until `check()` is true (the tap's login is asynchronous). */
async function until(check) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

test('tapping 微信登录 signs in and shows the user', async () => {
  const view = simulate.render(card);
  view.attach(document.createElement('parent-wrapper'));
  const logins = [];
  view.addEventListener('login', (event) => logins.push(event.detail.id));
  view.querySelector('.login').dispatchEvent('tap');
  await until(() => logins.length === 1);
  expect(view.querySelector('.user').dom.textContent).toBe('微信用户');
  expect(emu.users().some((u) => u.id === logins[0])).toBe(true);
});

test('a server failure shows the SDK message', async () => {
  emu.fault({ kind: 'http500', times: 0 });
  const view = simulate.render(card);
  view.attach(document.createElement('parent-wrapper'));
  view.querySelector('.login').dispatchEvent('tap');
  await until(() => view.data.error !== '');
  emu.clearFaults();
  expect(view.querySelector('.error').dom.textContent).toMatch(/^服务器错误/);
  expect(view.querySelector('.user')).toBeUndefined();
});
