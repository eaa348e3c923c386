'use strict';
// Package tests of the GenAuth account logins and registrations, verification codes, password
// resets and password checks: the BUILT package in the strict WeChat sandbox, real HTTP to the
// emulator. The password fields must travel RSA-encrypted (the emulator decrypts them).
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('crypto');
const { rejection, assertCodedError } = require('./assertions');
const { useHarness, plain } = require('./harness');

const h = useHarness();
const PASSWORD = 'Passw0rd!';
const FIVE_MINUTES = 5 * 60 * 1000;

/** Asserts an (enc) field: base64 RSA ciphertext of `plain` under the emulator's key. */
function assertEncrypted(field, plain, what = 'password') {
  assert.equal(typeof field, 'string', `${what} is a string`);
  assert.notEqual(field, plain, `${what} is not sent in plain text`);
  assert.match(field, /^[A-Za-z0-9+/]+={0,2}$/, `${what} is base64`);
  const bytes = Buffer.from(field, 'base64').length;
  assert.ok(bytes > 200 && bytes <= 256, `${what}: a 2048-bit RSA block (${bytes} bytes)`);
  assert.equal(h.emulator.decryptPassword(field), plain, `${what} decrypts to the password`);
}

/** No request body of the log holds `text` (a password must never be sent as is). */
function assertNowhereOnTheWire(text) {
  for (const request of h.emulator.requests) {
    assert.ok(!request.body.includes(text), `${request.path}: the plain password is not in the body`);
    assert.ok(!JSON.stringify(request.query).includes(text), `${request.path}: nor in the query`);
  }
}

function assertNoAuthorization(request) {
  assert.equal(request.headers.authorization, undefined, `${request.path}: no Authorization header`);
}

function assertAppHeaders(request) {
  assert.equal(request.headers['x-authing-app-id'], h.APP_ID);
  assert.equal(request.headers['x-authing-request-from'], 'wxapp');
  assert.match(request.headers['x-authing-sdk-version'], /^wxapp:\d+\.\d+\.\d+/);
}

const PASSWORD_LOGINS = [
  // method, input field, seed field, value, registerSource after autoRegister
  ['loginByEmail', 'email', 'pat@example.com', 'basic:email'],
  ['loginByUsername', 'username', 'pat', 'basic:username-password'],
  ['loginByPhonePassword', 'phone', '13800000001', 'basic:phone-password'],
];

describe('password logins (loginByEmail, loginByUsername, loginByPhonePassword)', () => {
  for (const [method, field, value] of PASSWORD_LOGINS) {
    test(`${method}: a seeded user logs in, the session is stored, the password is RSA ciphertext`, async () => {
      const seed = h.emulator.seedUser({ [field]: value, password: PASSWORD });
      const mp = h.launch();
      const genauth = h.client(mp);
      const user = await genauth[method](value, PASSWORD);
      assert.equal(user.id, seed.id);
      assert.equal(user[field], value);
      assert.equal(typeof user.token, 'string');
      assert.equal(user.password, undefined, 'no password field reaches the page');
      const stored = h.storedSession(mp);
      assert.equal(stored.token, user.token);
      assert.equal(stored.user.id, seed.id);
      assert.ok(!('password' in stored.user), 'no password field is stored');
      assert.equal(await genauth.getToken(), user.token);

      const gql = h.onlyGraphql(method);
      assert.match(gql.query, new RegExp(`^mutation ${method}\\(\\$input: ${method[0].toUpperCase()}${method.slice(1)}Input!\\)`));
      const { input } = gql.variables;
      assert.deepEqual(Object.keys(gql.variables), ['input']);
      assert.equal(input[field], value);
      assert.equal(input.autoRegister, false, 'autoRegister defaults to false');
      assert.equal(input.params, null);
      assert.equal(input.context, null);
      assertEncrypted(input.password, PASSWORD);
      assertNowhereOnTheWire(PASSWORD);
      assertNoAuthorization(gql.request);
      assertAppHeaders(gql.request);
      assert.equal(gql.request.method, 'POST');
      assert.match(gql.request.headers['content-type'], /^application\/json/);
    });

    test(`${method}: a wrong password rejects WRONG_PASSWORD (2006), an unknown user USER_NOT_FOUND (2004)`, async () => {
      h.emulator.seedUser({ [field]: value, password: PASSWORD });
      const mp = h.launch();
      const genauth = h.client(mp);
      const wrong = await rejection(genauth[method](value, 'not-the-password1'));
      assertCodedError(wrong, 'WRONG_PASSWORD');
      assert.equal(wrong.serverCode, 2006);
      const { GenAuthError } = mp.require('genauth-wxapp-sdk');
      assert.ok(wrong instanceof GenAuthError);
      assert.ok(!wrong.message.includes('not-the-password1'), 'the message does not repeat the password');
      const unknownValue = field === 'phone' ? '13900000009' : field === 'email' ? 'nobody@example.com' : 'nobody';
      const unknown = await rejection(genauth[method](unknownValue, PASSWORD));
      assertCodedError(unknown, 'USER_NOT_FOUND');
      assert.equal(unknown.serverCode, 2004);
      assert.equal(h.storedValue(mp, h.TOKEN_KEY), '', 'nothing stored');
      assert.equal(h.storedValue(mp, h.USER_KEY), '');
      assert.equal(await genauth.getToken(), null);
    });
  }

  for (const [method, field, value, source] of PASSWORD_LOGINS) {
    test(`${method}: autoRegister creates the account and logs it in`, async () => {
      const mp = h.launch();
      const genauth = h.client(mp);
      const user = await genauth[method](value, PASSWORD, { autoRegister: true });
      const [record] = h.emulator.users();
      assert.equal(h.emulator.users().length, 1);
      assert.equal(record.id, user.id);
      assert.equal(record[field], value);
      assert.deepEqual(record.registerSource, [source]);
      assert.equal(h.onlyGraphql(method).variables.input.autoRegister, true);
      assert.equal(h.storedSession(mp).token, user.token);
      // The password it was created with works.
      const again = await h.client(h.launch())[method](value, PASSWORD);
      assert.equal(again.id, user.id);
    });
  }

  test('login options reach the wire: customData as params JSON, context JSON, clientIp, captchaCode', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const genauth = h.client(h.launch());
    const user = await genauth.loginByEmail('pat@example.com', PASSWORD, {
      customData: { age: 30, school: 'MIT' },
      context: { source: 'mini' },
      clientIp: '10.1.2.3',
      captchaCode: 'x7k2',
    });
    const { input } = h.onlyGraphql('loginByEmail').variables;
    assert.equal(input.params, JSON.stringify([{ key: 'age', value: 30 }, { key: 'school', value: 'MIT' }]));
    assert.equal(input.context, JSON.stringify({ source: 'mini' }));
    assert.equal(input.clientIp, '10.1.2.3');
    assert.equal(input.captchaCode, 'x7k2');
    const record = h.record(user.id);
    assert.equal(record.lastIP, '10.1.2.3');
    assert.equal(record.udv.age, '30');
    // The older params form is sent as given.
    await genauth.loginByEmail('pat@example.com', PASSWORD, { params: [{ key: 'school', value: 'PKU' }] });
    const [, second] = h.graphql('loginByEmail');
    assert.equal(second.variables.input.params, JSON.stringify([{ key: 'school', value: 'PKU' }]));
  });

  test('a non-ASCII password is encrypted as UTF-8; one too long → rejected, nothing sent', async () => {
    const unicode = '密码Pässw0rd😀';
    h.emulator.seedUser({ email: 'pat@example.com', password: unicode });
    const genauth = h.client(h.launch());
    const user = await genauth.loginByEmail('pat@example.com', unicode);
    assert.ok(user.id);
    assertEncrypted(h.onlyGraphql('loginByEmail').variables.input.password, unicode);
    // Up to 128 characters are taken.
    const longest = 'a1'.repeat(64);
    h.emulator.seedUser({ username: 'longpw', password: longest });
    assert.ok((await genauth.loginByUsername('longpw', longest)).id, '128 characters');
    const mark = h.graphql().length;
    assertCodedError(await rejection(genauth.loginByUsername('longpw', longest + 'x')), 'INVALID_ARGUMENT');
    // 62 emoji: under 128 characters but 248 UTF-8 bytes, more than 2048-bit RSA takes (245).
    const error = await rejection(genauth.loginByUsername('longpw', '😀'.repeat(62)));
    assert.ok(['ENCRYPTION_FAILED', 'INVALID_ARGUMENT'].includes(error.code), error.code);
    assert.equal(h.graphql().length, mark, 'nothing sent');
  });

  test('a login sends no Authorization header even while a session exists', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const { genauth } = await h.loggedIn({ person: 'wendy' });
    await genauth.loginByEmail('pat@example.com', PASSWORD);
    assertNoAuthorization(h.onlyGraphql('loginByEmail').request);
  });

  test('password calls go to appHost (key, GraphQL, SMS) with x-authing-userpool-id; loginByCode stays on host', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const appHost = h.emulator.url.replace('127.0.0.1', 'localhost');
    const mp = h.launch();
    const genauth = h.client(mp, { appHost, userPoolId: 'pool-default' });
    await genauth.loginByEmail('pat@example.com', PASSWORD);
    await genauth.sendSmsCode('13800000001');
    await genauth.loginByCode(h.emulator.mintCode(h.WX_APP, 'alice'));
    const hostOf = (request) => request.headers.host;
    assert.equal(hostOf(h.rest('/api/v2/.well-known')[0]), new URL(appHost).host);
    assert.equal(hostOf(h.onlyGraphql('loginByEmail').request), new URL(appHost).host);
    assert.equal(hostOf(h.rest('/api/v2/sms/send')[0]), new URL(appHost).host);
    assert.equal(hostOf(h.rest('/connections/social/wechat-miniprogram/auth')[0]), new URL(h.emulator.url).host);
    for (const request of h.emulator.requests) {
      assert.equal(request.headers['x-authing-userpool-id'], 'pool-default', request.path);
    }
  });

  test('bad arguments reject INVALID_ARGUMENT before any request', async () => {
    const genauth = h.client(h.launch());
    const cases = [
      genauth.loginByEmail(42, PASSWORD),
      genauth.loginByEmail('pat@example.com'),
      genauth.loginByUsername('pat', 12345678),
      genauth.loginByPhonePassword('13800000001', PASSWORD, { autoRegister: 'yes' }),
      genauth.loginByEmail('pat@example.com', PASSWORD, { unknownOption: true }),
      genauth.loginByPhoneCode('13800000001'),
      genauth.registerByEmail('pat@example.com'),
      genauth.registerByUsername('pat', PASSWORD, 'not a profile'),
      genauth.registerByPhoneCode('13800000001', 42),
      genauth.sendSmsCode(13800000001),
      genauth.sendEmail('pat@example.com'),
      genauth.resetPasswordByPhoneCode('13800000001', '123456'),
      genauth.resetPasswordByEmailCode('pat@example.com', 123456, PASSWORD),
      genauth.checkPasswordStrength(undefined),
    ];
    for (const promise of cases) assertCodedError(await rejection(promise), 'INVALID_ARGUMENT');
    assert.equal(h.emulator.requests.length, 0);
  });
});

describe('the password key and the random bytes', () => {
  test('without the publicKey option the key is fetched once per client from .well-known', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const mp = h.launch();
    const genauth = h.client(mp);
    await genauth.loginByEmail('pat@example.com', PASSWORD);
    await genauth.loginByEmail('pat@example.com', PASSWORD);
    const wellKnown = h.rest('/api/v2/.well-known');
    assert.equal(wellKnown.length, 1, 'two logins, one .well-known request');
    assert.equal(wellKnown[0].method, 'GET');
    assertNoAuthorization(wellKnown[0]);
    assert.equal(h.graphql('loginByEmail').length, 2);
    assert.ok(
      h.emulator.requests.indexOf(wellKnown[0]) < h.emulator.requests.indexOf(h.graphql('loginByEmail')[0].request),
      'the key is fetched before the first login is sent',
    );
  });

  test('concurrent logins of a fresh client fetch the key once', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const genauth = h.client(h.launch());
    await Promise.all([genauth.loginByEmail('pat@example.com', PASSWORD), genauth.loginByEmail('pat@example.com', PASSWORD)]);
    assert.equal(h.rest('/api/v2/.well-known').length, 1);
    assert.equal(h.graphql('loginByEmail').length, 2);
  });

  test('the publicKey option skips .well-known', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const mp = h.launch();
    const genauth = h.client(mp, { publicKey: h.emulator.publicKey });
    const user = await genauth.loginByEmail('pat@example.com', PASSWORD);
    assert.ok(user.id);
    assert.equal(h.rest('/api/v2/.well-known').length, 0);
    assertEncrypted(h.onlyGraphql('loginByEmail').variables.input.password, PASSWORD);
  });

  test('a publicKey that is not the server\'s is used as given: the server cannot decrypt (2016)', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const { publicKey } = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const genauth = h.client(h.launch(), { publicKey });
    const error = await rejection(genauth.loginByEmail('pat@example.com', PASSWORD));
    assertCodedError(error, 'SERVER_REJECTED');
    assert.equal(error.serverCode, 2016);
    assertNowhereOnTheWire(PASSWORD);
  });

  test('the padding takes its random bytes from wx.getRandomValues', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    let calls = 0;
    let bytes = 0;
    const mp = h.launch({
      randomValues: (length) => {
        calls += 1;
        bytes += length;
        return crypto.randomBytes(length);
      },
    });
    const genauth = h.client(mp);
    await genauth.loginByEmail('pat@example.com', PASSWORD);
    assert.ok(calls >= 1, 'wx.getRandomValues was called');
    assert.ok(bytes >= 8, 'at least the 8 padding bytes PKCS#1 v1.5 needs');
    const before = calls;
    await genauth.loginByUsername('nobody', PASSWORD).catch(() => {});
    assert.ok(calls > before, 'each encryption asks for new bytes');
  });

  test('zero bytes from wx.getRandomValues are skipped (the padding stays nonzero); all zeros → ENCRYPTION_FAILED', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    // Deterministic bytes with a few zeros in them: a correct PKCS#1 v1.5 pad skips them.
    const mp = h.launch({ randomValues: (length) => Uint8Array.from({ length }, (_, i) => (i % 16 === 0 ? 0 : (i * 7) % 256 || 1)) });
    const user = await h.client(mp).loginByEmail('pat@example.com', PASSWORD);
    assert.ok(user.id);
    assertEncrypted(h.onlyGraphql('loginByEmail').variables.input.password, PASSWORD);
    const zeros = h.launch({ randomValues: (length) => new Uint8Array(length) });
    const error = await rejection(h.client(zeros).loginByEmail('pat@example.com', PASSWORD));
    assertCodedError(error, 'ENCRYPTION_FAILED');
    assert.equal(h.graphql('loginByEmail').length, 1, 'the second login sent nothing');
  });

  test('without wx.getRandomValues (and no platform crypto) a login rejects ENCRYPTION_FAILED, nothing sent to GraphQL', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const mp = h.launch({ randomValues: false });
    assert.equal(mp.evaluate('typeof wx.getRandomValues'), 'undefined');
    assert.equal(mp.evaluate('typeof crypto'), 'undefined', 'the sandbox has no global crypto');
    const genauth = h.client(mp);
    for (const call of [
      () => genauth.loginByEmail('pat@example.com', PASSWORD),
      () => genauth.registerByUsername('newbie', PASSWORD),
      () => genauth.resetPasswordByEmailCode('pat@example.com', '123456', PASSWORD),
    ]) {
      const error = await rejection(call());
      assertCodedError(error, 'ENCRYPTION_FAILED');
    }
    assert.equal(h.graphql().length, 0, 'no GraphQL request');
    assertNowhereOnTheWire(PASSWORD);
    assert.equal(h.storedValue(mp, h.TOKEN_KEY), '');
    // checkPasswordStrength needs no encryption.
    assert.equal((await genauth.checkPasswordStrength('abc123')).valid, true);
  });

  test('wx.getRandomValues failing rejects ENCRYPTION_FAILED, nothing sent to GraphQL', async () => {
    const mp = h.launch({
      randomValues: () => {
        throw new Error('system error');
      },
    });
    const error = await rejection(h.client(mp).loginByEmail('pat@example.com', PASSWORD));
    assertCodedError(error, 'ENCRYPTION_FAILED');
    assert.equal(h.graphql().length, 0);
  });

  test('a .well-known that fails rejects (no password is sent)', async () => {
    h.emulator.injectFault({ path: '/api/v2/.well-known', kind: 'http500html' });
    const genauth = h.client(h.launch());
    const error = await rejection(genauth.loginByEmail('pat@example.com', PASSWORD));
    assert.ok(['SERVER_ERROR', 'ENCRYPTION_FAILED'].includes(error.code), error.code);
    assert.equal(h.graphql().length, 0);
    // The next call fetches the key again and works.
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    assert.ok((await genauth.loginByEmail('pat@example.com', PASSWORD)).id);
  });
});

describe('SMS and email codes', () => {
  const PHONE = '13800000001';

  test('sendSmsCode resolves {code: 200, message}; loginByPhoneCode with it stores the session', async () => {
    const seed = h.emulator.seedUser({ phone: PHONE });
    const mp = h.launch();
    const genauth = h.client(mp);
    const sent = await genauth.sendSmsCode(PHONE);
    assert.deepEqual(plain(sent), { code: 200, message: '发送成功' });
    const [sms] = h.rest('/api/v2/sms/send');
    assert.equal(sms.method, 'POST');
    assert.deepEqual(JSON.parse(sms.body), { phone: PHONE });
    assertNoAuthorization(sms);
    assertAppHeaders(sms);
    const code = h.emulator.lastSmsCode(PHONE);
    assert.match(code, /^\d{6}$/);
    const user = await genauth.loginByPhoneCode(PHONE, code);
    assert.equal(user.id, seed.id);
    assert.equal(h.storedSession(mp).token, user.token);
    assert.equal(h.storedSession(mp).user.id, seed.id);
    const gql = h.onlyGraphql('loginByPhoneCode');
    assert.match(gql.query, /^mutation loginByPhoneCode\(\$input: LoginByPhoneCodeInput!\)/);
    assert.equal(gql.variables.input.phone, PHONE);
    assert.equal(gql.variables.input.code, code);
    assert.ok(!('phoneCountryCode' in gql.variables.input));
    assertNoAuthorization(gql.request);
  });

  test('sendSmsCode and loginByPhoneCode with a country code', async () => {
    const seed = h.emulator.seedUser({ phone: '5550100' });
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode('5550100', '+1');
    assert.deepEqual(JSON.parse(h.rest('/api/v2/sms/send')[0].body), { phone: '5550100', phoneCountryCode: '+1' });
    assert.equal(h.emulator.lastSmsCode('5550100'), null, 'not the +86 number');
    const code = h.emulator.lastSmsCode('5550100', '+1');
    const user = await genauth.loginByPhoneCode('5550100', code, { phoneCountryCode: '+1' });
    assert.equal(user.id, seed.id);
    assert.equal(h.onlyGraphql('loginByPhoneCode').variables.input.phoneCountryCode, '+1');
  });

  test('sendSmsCode twice within 60 s is refused by the server (2100): RATE_LIMITED, retryable', async () => {
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode(PHONE);
    const error = await rejection(genauth.sendSmsCode(PHONE));
    assertCodedError(error, 'RATE_LIMITED');
    assert.equal(error.retryable, true);
    assert.equal(error.serverCode, 2100);
  });

  test('an SMS code: wrong → VERIFY_CODE_INVALID (2001), used → VERIFY_CODE_EXPIRED (2300)', async () => {
    h.emulator.seedUser({ phone: PHONE });
    const mp = h.launch();
    const genauth = h.client(mp);
    const none = await rejection(genauth.loginByPhoneCode(PHONE, '123456'));
    assertCodedError(none, 'VERIFY_CODE_INVALID');
    assert.equal(none.serverCode, 2001);
    await genauth.sendSmsCode(PHONE);
    const code = h.emulator.lastSmsCode(PHONE);
    const wrong = await rejection(genauth.loginByPhoneCode(PHONE, code === '000000' ? '111111' : '000000'));
    assertCodedError(wrong, 'VERIFY_CODE_INVALID');
    assert.equal(wrong.serverCode, 2001);
    assert.equal(h.storedValue(mp, h.TOKEN_KEY), '');
    await genauth.loginByPhoneCode(PHONE, code);
    const used = await rejection(genauth.loginByPhoneCode(PHONE, code));
    assertCodedError(used, 'VERIFY_CODE_EXPIRED');
    assert.equal(used.serverCode, 2300);
  });

  test('an SMS code expires after 5 minutes (VERIFY_CODE_EXPIRED), and the session stays as it was', async () => {
    h.emulator.seedUser({ phone: PHONE });
    const mp = h.launch();
    const genauth = h.client(mp);
    await genauth.sendSmsCode(PHONE);
    const code = h.emulator.lastSmsCode(PHONE);
    h.emulator.setClockOffset(FIVE_MINUTES + 1000);
    const error = await rejection(genauth.loginByPhoneCode(PHONE, code));
    assertCodedError(error, 'VERIFY_CODE_EXPIRED');
    assert.equal(error.serverCode, 2300);
    assert.equal(mp.storage.size, 0);
  });

  test('loginByPhoneCode for a phone without an account → USER_NOT_FOUND', async () => {
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode('13900000009');
    const error = await rejection(genauth.loginByPhoneCode('13900000009', h.emulator.lastSmsCode('13900000009')));
    assertCodedError(error, 'USER_NOT_FOUND');
    assert.equal(error.serverCode, 2004);
  });

  test('sendEmail(email, scene) resolves {code: 200, message} and issues a code for that scene', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const genauth = h.client(h.launch());
    for (const scene of ['RESET_PASSWORD', 'VERIFY_EMAIL', 'CHANGE_EMAIL', 'MFA_VERIFY']) {
      const sent = await genauth.sendEmail('pat@example.com', scene);
      assert.deepEqual(plain(sent), { code: 200, message: '发送成功' });
      assert.match(h.emulator.lastEmailCode('pat@example.com', scene), /^\d{6}$/);
    }
    const mails = h.graphql('sendEmail');
    assert.equal(mails.length, 4);
    assert.match(mails[0].query, /^mutation sendEmail\(\$email: String!, \$scene: EmailScene!\)/);
    assert.deepEqual(mails[0].variables, { email: 'pat@example.com', scene: 'RESET_PASSWORD' });
    assertNoAuthorization(mails[0].request);
  });

  test('sendEmail with a scene that is not one of the four → INVALID_ARGUMENT, no request', async () => {
    const genauth = h.client(h.launch());
    for (const scene of ['reset_password', 'LOGIN', '', 7]) {
      assertCodedError(await rejection(genauth.sendEmail('pat@example.com', scene)), 'INVALID_ARGUMENT');
    }
    assert.equal(h.emulator.requests.length, 0);
  });

  test('sendEmail RESET_PASSWORD for an unknown account → USER_NOT_FOUND (2004)', async () => {
    const error = await rejection(h.client(h.launch()).sendEmail('nobody@example.com', 'RESET_PASSWORD'));
    assertCodedError(error, 'USER_NOT_FOUND');
    assert.equal(error.serverCode, 2004);
  });
});

describe('registration', () => {
  test('registerByEmail: the new user, no session unless forceLogin / generateToken', async () => {
    const mp = h.launch();
    const genauth = h.client(mp);
    const user = await genauth.registerByEmail('new@example.com', PASSWORD);
    assert.equal(user.email, 'new@example.com');
    assert.equal(user.token, null, 'no token without forceLogin / generateToken');
    assert.equal(h.storedValue(mp, h.TOKEN_KEY), '', 'no session stored');
    assert.equal(h.storedValue(mp, h.USER_KEY), '');
    assert.equal(await genauth.getToken(), null);
    const gql = h.onlyGraphql('registerByEmail');
    assert.match(gql.query, /^mutation registerByEmail\(\$input: RegisterByEmailInput!\)/);
    const { input } = gql.variables;
    assert.equal(input.email, 'new@example.com');
    assert.deepEqual(input.profile, {});
    assert.equal(input.forceLogin, false);
    assert.equal(input.generateToken, false);
    assertEncrypted(input.password, PASSWORD);
    assertNoAuthorization(gql.request);
    assertNowhereOnTheWire(PASSWORD);
    // The account works with its password.
    assert.equal((await genauth.loginByEmail('new@example.com', PASSWORD)).id, user.id);
  });

  test('registerByEmail with forceLogin stores the session; with generateToken too', async () => {
    const mp = h.launch();
    const genauth = h.client(mp);
    const forced = await genauth.registerByEmail('forced@example.com', PASSWORD, { nickname: 'F' }, { forceLogin: true });
    assert.equal(typeof forced.token, 'string');
    assert.equal(forced.nickname, 'F');
    assert.equal(h.storedSession(mp).token, forced.token);
    assert.equal(h.storedSession(mp).user.id, forced.id);
    assert.equal(h.record(forced.id).loginsCount, 1);
    const token = await genauth.registerByEmail('token@example.com', PASSWORD, {}, { generateToken: true });
    assert.equal(typeof token.token, 'string');
    assert.equal(h.storedSession(mp).token, token.token);
    assert.equal(h.storedSession(mp).user.id, token.id);
    const [, second] = h.graphql('registerByEmail');
    assert.equal(second.variables.input.generateToken, true);
    assert.equal(second.variables.input.forceLogin, false);
  });

  test('registerByEmail with a taken email → USER_EXISTS (2026), the session stays', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const { mp, genauth, user } = await h.loggedIn();
    const before = h.snapshot(mp);
    const error = await rejection(genauth.registerByEmail('PAT@example.com', PASSWORD, {}, { forceLogin: true }));
    assertCodedError(error, 'USER_EXISTS');
    assert.equal(error.serverCode, 2026);
    assert.equal(h.snapshot(mp), before);
    assert.equal(await genauth.getToken(), user.token);
  });

  test('registerByUsername: profile, udf and customData reach the account; a taken username → USER_EXISTS (2034)', async () => {
    const mp = h.launch();
    const genauth = h.client(mp);
    const user = await genauth.registerByUsername(
      'neo',
      PASSWORD,
      { nickname: 'Neo', company: 'Zion', udf: [{ key: 'school', value: 'MIT' }] },
      { customData: { age: 33 }, forceLogin: true, clientIp: '10.0.0.9' },
    );
    assert.equal(user.username, 'neo');
    assert.equal(user.nickname, 'Neo');
    assert.equal(user.company, 'Zion');
    assert.equal(h.storedSession(mp).token, user.token);
    const { input } = h.onlyGraphql('registerByUsername').variables;
    assert.equal(input.username, 'neo');
    assert.deepEqual(input.profile, { nickname: 'Neo', company: 'Zion', udf: [{ key: 'school', value: 'MIT' }] });
    assert.equal(input.params, JSON.stringify([{ key: 'age', value: 33 }]));
    assert.equal(input.clientIp, '10.0.0.9');
    assertEncrypted(input.password, PASSWORD);
    const record = h.record(user.id);
    assert.equal(record.udv.school, 'MIT');
    assert.equal(record.udv.age, '33');
    const error = await rejection(genauth.registerByUsername('neo', 'other-pass1'));
    assertCodedError(error, 'USER_EXISTS');
    assert.equal(error.serverCode, 2034);
    assert.equal(h.storedSession(mp).token, user.token, 'the session stays');
  });

  test('registerByPhoneCode with a password: the account logs in with it; the code is single use', async () => {
    const PHONE = '13800000002';
    const mp = h.launch();
    const genauth = h.client(mp);
    await genauth.sendSmsCode(PHONE);
    const code = h.emulator.lastSmsCode(PHONE);
    const user = await genauth.registerByPhoneCode(PHONE, code, PASSWORD, { nickname: 'P' });
    assert.equal(user.phone, PHONE);
    assert.equal(user.nickname, 'P');
    assert.equal(h.storedValue(mp, h.TOKEN_KEY), '', 'no session without forceLogin');
    const gql = h.onlyGraphql('registerByPhoneCode');
    assert.match(gql.query, /^mutation registerByPhoneCode\(\$input: RegisterByPhoneCodeInput!\)/);
    assert.equal(gql.variables.input.phone, PHONE);
    assert.equal(gql.variables.input.code, code);
    assertEncrypted(gql.variables.input.password, PASSWORD);
    assertNowhereOnTheWire(PASSWORD);
    assert.equal((await genauth.loginByPhonePassword(PHONE, PASSWORD)).id, user.id);
    const used = await rejection(genauth.loginByPhoneCode(PHONE, code));
    assertCodedError(used, 'VERIFY_CODE_EXPIRED');
    assert.equal(used.serverCode, 2300);
  });

  test('registerByPhoneCode without a password sends no password field; forceLogin stores the session', async () => {
    const PHONE = '13800000003';
    const mp = h.launch();
    const genauth = h.client(mp, { publicKey: h.emulator.publicKey });
    await genauth.sendSmsCode(PHONE);
    const user = await genauth.registerByPhoneCode(PHONE, h.emulator.lastSmsCode(PHONE), undefined, {}, { forceLogin: true });
    const { input } = h.onlyGraphql('registerByPhoneCode').variables;
    assert.ok(!('password' in input), 'no password key');
    assert.equal(input.forceLogin, true);
    assert.equal(h.storedSession(mp).token, user.token);
    assert.equal(h.record(user.id).password, null);
  });

  test('registerByPhoneCode: a wrong code → VERIFY_CODE_INVALID, a taken phone → USER_EXISTS (2026)', async () => {
    const PHONE = '13800000004';
    h.emulator.seedUser({ phone: '13800000005' });
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode(PHONE);
    const code = h.emulator.lastSmsCode(PHONE);
    const wrong = await rejection(genauth.registerByPhoneCode(PHONE, code === '000000' ? '111111' : '000000', PASSWORD));
    assertCodedError(wrong, 'VERIFY_CODE_INVALID');
    assert.equal(wrong.serverCode, 2001);
    await genauth.sendSmsCode('13800000005');
    const taken = await rejection(genauth.registerByPhoneCode('13800000005', h.emulator.lastSmsCode('13800000005'), PASSWORD));
    assertCodedError(taken, 'USER_EXISTS');
    assert.equal(taken.serverCode, 2026);
    assert.equal(h.emulator.users().length, 1);
  });
});

describe('password resets', () => {
  test('resetPasswordByPhoneCode: the new password works, the old one no longer does', async () => {
    const PHONE = '13800000001';
    h.emulator.seedUser({ phone: PHONE, password: PASSWORD });
    const mp = h.launch();
    const genauth = h.client(mp);
    await genauth.sendSmsCode(PHONE);
    const code = h.emulator.lastSmsCode(PHONE);
    const result = await genauth.resetPasswordByPhoneCode(PHONE, code, 'N3wPassword!');
    assert.deepEqual(plain(result), { code: 200, message: '重置密码成功' });
    assert.equal(mp.storage.size, 0, 'stores nothing');
    const gql = h.onlyGraphql('resetPassword');
    assert.match(gql.query, /^mutation resetPassword\(/);
    for (const declared of ['$phone: String', '$email: String', '$code: String!', '$newPassword: String!', '$phoneCountryCode: String']) {
      assert.ok(gql.query.split('{')[0].includes(declared), `declares ${declared}`);
    }
    assert.equal(gql.variables.phone, PHONE);
    assert.equal(gql.variables.code, code);
    assert.ok(!('email' in gql.variables) || gql.variables.email === null);
    assertEncrypted(gql.variables.newPassword, 'N3wPassword!', 'newPassword');
    assertNowhereOnTheWire('N3wPassword!');
    assertNoAuthorization(gql.request);
    assert.ok((await genauth.loginByPhonePassword(PHONE, 'N3wPassword!')).id);
    const old = await rejection(genauth.loginByPhonePassword(PHONE, PASSWORD));
    assertCodedError(old, 'WRONG_PASSWORD');
    assert.equal(old.serverCode, 2006);
  });

  test('resetPasswordByPhoneCode with a country code; a used code → VERIFY_CODE_EXPIRED, a wrong one → VERIFY_CODE_INVALID', async () => {
    h.emulator.seedUser({ phone: '5550100', password: PASSWORD });
    const genauth = h.client(h.launch());
    await genauth.sendSmsCode('5550100', '+1');
    const code = h.emulator.lastSmsCode('5550100', '+1');
    const wrong = await rejection(genauth.resetPasswordByPhoneCode('5550100', code === '000000' ? '111111' : '000000', 'N3wPassword!', '+1'));
    assertCodedError(wrong, 'VERIFY_CODE_INVALID');
    await genauth.resetPasswordByPhoneCode('5550100', code, 'N3wPassword!', '+1');
    const [, second] = h.graphql('resetPassword');
    assert.equal(second.variables.phoneCountryCode, '+1');
    const used = await rejection(genauth.resetPasswordByPhoneCode('5550100', code, 'Another1!', '+1'));
    assertCodedError(used, 'VERIFY_CODE_EXPIRED');
    assert.equal(used.serverCode, 2300);
  });

  test('resetPasswordByEmailCode: the new password works, the old one no longer does', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const mp = h.launch();
    const genauth = h.client(mp);
    await genauth.sendEmail('pat@example.com', 'RESET_PASSWORD');
    const code = h.emulator.lastEmailCode('pat@example.com', 'RESET_PASSWORD');
    const result = await genauth.resetPasswordByEmailCode('pat@example.com', code, 'N3wPassword!');
    assert.deepEqual(plain(result), { code: 200, message: '重置密码成功' });
    assert.equal(mp.storage.size, 0);
    const gql = h.onlyGraphql('resetPassword');
    assert.equal(gql.variables.email, 'pat@example.com');
    assert.equal(gql.variables.code, code);
    assert.ok(!('phone' in gql.variables) || gql.variables.phone === null);
    assertEncrypted(gql.variables.newPassword, 'N3wPassword!', 'newPassword');
    assert.ok((await genauth.loginByEmail('pat@example.com', 'N3wPassword!')).id);
    assertCodedError(await rejection(genauth.loginByEmail('pat@example.com', PASSWORD)), 'WRONG_PASSWORD');
  });

  test('resetPasswordByEmailCode: an expired code → VERIFY_CODE_EXPIRED; a code of another scene → VERIFY_CODE_INVALID', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: PASSWORD });
    const genauth = h.client(h.launch());
    await genauth.sendEmail('pat@example.com', 'VERIFY_EMAIL');
    const other = await rejection(
      genauth.resetPasswordByEmailCode('pat@example.com', h.emulator.lastEmailCode('pat@example.com', 'VERIFY_EMAIL'), 'N3wPassword!'),
    );
    assertCodedError(other, 'VERIFY_CODE_INVALID');
    await genauth.sendEmail('pat@example.com', 'RESET_PASSWORD');
    const code = h.emulator.lastEmailCode('pat@example.com', 'RESET_PASSWORD');
    h.emulator.setClockOffset(FIVE_MINUTES + 1000);
    const expired = await rejection(genauth.resetPasswordByEmailCode('pat@example.com', code, 'N3wPassword!'));
    assertCodedError(expired, 'VERIFY_CODE_EXPIRED');
    assert.equal(expired.serverCode, 2300);
    h.emulator.setClockOffset(0);
    assert.ok((await genauth.loginByEmail('pat@example.com', PASSWORD)).id, 'the old password still works');
  });
});

describe('password checks', () => {
  test('checkPasswordStrength sends the password as is (as v4) and resolves {valid, message}', async () => {
    const genauth = h.client(h.launch());
    const strong = await genauth.checkPasswordStrength('abc123');
    assert.equal(strong.valid, true);
    assert.equal(typeof strong.message, 'string');
    const weak = await genauth.checkPasswordStrength('abc');
    assert.equal(weak.valid, false);
    assert.equal(typeof weak.message, 'string');
    const [first, second] = h.graphql('checkPasswordStrength');
    assert.match(first.query, /^query checkPasswordStrength\(\$password: String!\)/);
    assert.deepEqual(first.variables, { password: 'abc123' });
    assert.deepEqual(second.variables, { password: 'abc' });
    assertNoAuthorization(first.request);
    assert.equal(h.rest('/api/v2/.well-known').length, 0, 'no key needed');
  });

  test('checkPasswordStrength on a server that fails rejects SERVER_ERROR', async () => {
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'http500html' });
    assertCodedError(await rejection(h.client(h.launch()).checkPasswordStrength('abc123')), 'SERVER_ERROR');
  });

  test('computedPasswordSecurityLevel is synchronous: 1, 2 or 3 as numbers', async () => {
    const mp = h.launch();
    const genauth = h.client(mp);
    // Before the core has loaded, too.
    const level = genauth.computedPasswordSecurityLevel('Abcdefgh1234');
    assert.equal(level, 3);
    assert.equal(typeof level, 'number', 'a number, not a promise');
    const cases = [
      ['', 1],
      ['abc', 1],
      ['abcdefgh', 1],
      ['12345678', 1],
      ['abcdefg1', 2],
      ['ABCDEFG1', 2],
      ['abcdefgh1234', 2],
      ['Abcdefgh123', 2],
      ['Abcdefgh1234', 3],
      ['aB3\n\n\n\n\n\n\n\n\n', 3],
      ['密码密码密码密码1', 1],
      // v4's regexes count UTF-16 code units: 8 characters, 13 units.
      ['Ab1' + '😀'.repeat(5), 3],
      ['Ab1' + '😀'.repeat(2), 1],
    ];
    for (const [password, expected] of cases) {
      assert.strictEqual(genauth.computedPasswordSecurityLevel(password), expected, JSON.stringify(password));
    }
    await genauth.ready();
    assert.strictEqual(genauth.computedPasswordSecurityLevel('abcdefg1'), 2);
    assert.equal(h.emulator.requests.length, 0, 'computed locally');
  });

  test('computedPasswordSecurityLevel throws GenAuthError INVALID_ARGUMENT for a non-string', () => {
    const mp = h.launch();
    const { GenAuthError } = mp.require('genauth-wxapp-sdk');
    const genauth = h.client(mp);
    for (const value of [undefined, null, 12345678, { toString: () => 'Abcdefgh1234' }, ['a']]) {
      let thrown;
      try {
        genauth.computedPasswordSecurityLevel(value);
      } catch (error) {
        thrown = error;
      }
      assert.ok(thrown, `throws for ${String(value)}`);
      assert.ok(thrown instanceof GenAuthError, 'a GenAuthError');
      assertCodedError(thrown, 'INVALID_ARGUMENT');
      assert.match(thrown.message, /password/);
    }
    // Called detached, as v4 allowed (it used no `this`).
    const detached = genauth.computedPasswordSecurityLevel;
    assert.equal(detached('abcdefg1'), 2);
    assert.throws(() => detached(1), (error) => error.code === 'INVALID_ARGUMENT');
    const english = h.client(mp, { lang: 'en-US' });
    assert.throws(() => english.computedPasswordSecurityLevel(1), /^GenAuthError: Invalid argument: password/);
  });
});
