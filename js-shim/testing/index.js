'use strict';
/**
 * genauth-wxapp-sdk/testing: test your own login pages offline, in Node.
 *
 *   const { startEmulator, createMockWx } = require('genauth-wxapp-sdk/testing');
 *   const emu = await startEmulator();
 *   global.wx = createMockWx({ emulator: emu });
 *   const { AuthenticationClient } = require('genauth-wxapp-sdk');
 *   const genauth = new AuthenticationClient({ appId: emu.appId, host: emu.url });
 *   const user = await genauth.loginByCode();
 *
 * The emulator plays GenAuth's servers and WeChat's server side on 127.0.0.1 (the same one
 * the SDK's own tests run against); the mock `wx` speaks to it. Node only: this folder is
 * outside the package's `miniprogram` folder and never reaches a code package.
 */
const { startEmulator: startServer } = require('../../tests/emulator');
const { createMockWx } = require('./mock-wx');

/** The application every emulator has: its GenAuth app id and its WeChat app id. */
const APP_ID = 'GEN_AUTH_APP_ID';
const WECHAT_APP_ID = 'wx1234567890abcdef';

/**
 * Starts an emulator on 127.0.0.1 (a free port unless `port` is given).
 * @param {{port?: number, tokenTtlSeconds?: number, verifyCodeTtlSeconds?: number}} [options]
 * @returns {Promise<object>} see testing.d.ts (`Emulator`)
 */
async function startEmulator(options) {
  options = options || {};
  const server = await startServer({
    port: options.port || 0,
    tokenTtlSeconds: options.tokenTtlSeconds,
    verifyCodeTtlSeconds: options.verifyCodeTtlSeconds,
  });
  const copy = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
  return {
    url: server.url,
    appId: APP_ID,
    wechatAppId: WECHAT_APP_ID,
    close: () => server.close(),
    mintCode: (person) => server.mintCode(WECHAT_APP_ID, String(person === undefined ? 'alice' : person)),
    encryptPhone: (code, phone, countryCode) =>
      server.encryptFor(code, { phoneNumber: phone, purePhoneNumber: phone, countryCode: countryCode || '86' }),
    seedUser: (fields) => server.seedUser(fields),
    users: () => server.users(),
    lastSmsCode: (phone, phoneCountryCode) => server.lastSmsCode(phone, phoneCountryCode),
    lastEmailCode: (email, scene) => server.lastEmailCode(email, scene),
    defineUdf: (field) => server.defineUdf(field),
    requests: () => copy(server.requests),
    /**
     * The next `times` requests (default 1; 0 = until cleared) to `path` (default: any) fail
     * with `kind`: `http500`, `invalidJson`, `drop`, `delay` (`delayMs`), `answer`
     * (`status`, `body`).
     */
    fault: (spec) => {
      spec = spec || {};
      // `http500` is the kit's name for the emulator's `http500html`; it checks the rest.
      const kind = spec.kind === 'http500' ? 'http500html' : spec.kind;
      server.injectFault(Object.assign({}, spec, { kind, path: spec.path || '*' }));
    },
    clearFaults: () => server.clearFaults(),
    reset: () => server.reset(),
    /** The full emulator (its README in the SDK's repository lists everything). */
    server,
  };
}

module.exports = { startEmulator, createMockWx, APP_ID, WECHAT_APP_ID };
