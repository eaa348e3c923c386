'use strict';
// Package tests of the account methods (profile, password, phone and email binding, account
// linking, token refresh, organizations, applications, resources, security level, roles): the
// BUILT package in the strict WeChat sandbox, real HTTP to the emulator.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { rejection, assertCodedError } = require('./assertions');
const { useHarness, plain } = require('./harness');

const h = useHarness();
const PASSWORD = 'Passw0rd!';

function differentCode(code) {
  return code === '000000' ? '111111' : '000000';
}

/** The session's token now (storage is the one copy). */
function tokenOf(mp) {
  return h.storedValue(mp, h.TOKEN_KEY);
}

/** Asserts a user-returning call refreshed the stored copy (and token) from its answer. */
function assertStoredUser(mp, user) {
  const stored = h.storedSession(mp);
  assert.equal(stored.user.id, user.id);
  assert.deepEqual(stored.user, plain(user), 'the stored copy is the returned user');
  if (typeof user.token === 'string') assert.equal(stored.token, user.token, 'and its token');
}

/**
 * Every session method with arguments that would succeed for a logged-in user, as
 * `[name, (genauth, mp) => promise]`.
 */
const SESSION_CALLS = [
  ['updateAvatar', (g, mp) => g.updateAvatar(mp.addFile('wxfile://tmp_00000000000000000000000000000000.png', 'png'))],
  ['updateProfile', (g) => g.updateProfile({ nickname: 'x' })],
  ['updatePassword', (g) => g.updatePassword('N3wPassword!', PASSWORD)],
  ['updatePhone', (g) => g.updatePhone('13800000009', '123456')],
  ['updateEmail', (g) => g.updateEmail('new@example.com', '123456')],
  ['bindPhone', (g) => g.bindPhone('13800000009', '123456')],
  ['unbindPhone', (g) => g.unbindPhone()],
  ['bindEmail', (g) => g.bindEmail('new@example.com', '123456')],
  ['unbindEmail', (g) => g.unbindEmail()],
  ['refreshToken', (g) => g.refreshToken()],
  ['listOrgs', (g) => g.listOrgs()],
  ['listApplications', (g) => g.listApplications()],
  ['listAuthorizedResources', (g) => g.listAuthorizedResources('default')],
  ['getSecurityLevel', (g) => g.getSecurityLevel()],
  ['hasRole', (g) => g.hasRole('admin')],
  ['listUdv', (g) => g.listUdv()],
  ['setUdv', (g) => g.setUdv('age', 1)],
  ['removeUdv', (g) => g.removeUdv('age')],
  ['getUdfValue', (g) => g.getUdfValue()],
  ['setUdfValue', (g) => g.setUdfValue({ age: 1 })],
  ['removeUdfValue', (g) => g.removeUdfValue('age')],
];

describe('without a session', () => {
  test('every session method rejects NOT_LOGGED_IN and sends nothing', async () => {
    const mp = h.launch({ chooseImage: async () => ({ bytes: 'png' }) });
    const genauth = h.client(mp);
    for (const [name, call] of SESSION_CALLS) {
      const error = await rejection(call(genauth, mp));
      assertCodedError(error, 'NOT_LOGGED_IN');
      assert.ok(error.message.length > 0, name);
    }
    assert.equal(h.emulator.requests.length, 0, 'nothing sent');
    assert.equal(mp.uploads.length, 0);
    assert.equal(mp.storage.size, 0);
  });

  test('after logout, too', async () => {
    const { mp, genauth } = await h.loggedIn();
    await genauth.logout();
    h.emulator.requests.length = 0;
    for (const [name, call] of SESSION_CALLS) {
      assertCodedError(await rejection(call(genauth, mp)), 'NOT_LOGGED_IN');
      assert.equal(h.emulator.requests.length, 0, `${name}: nothing sent`);
    }
  });

  test('a token GenAuth no longer accepts: the call rejects and the session ends', async () => {
    const { mp, genauth, user } = await h.loggedIn();
    // Revoked on the server by a logout of another client that shares nothing with this one.
    await h.client(h.launch(), { token: user.token }).logout();
    h.emulator.requests.length = 0;
    const error = await rejection(genauth.getSecurityLevel());
    assert.ok(['NOT_LOGGED_IN', 'SESSION_EXPIRED'].includes(error.code), error.code);
    assert.equal(h.rest('/api/v2/users/me/security-level').length, 1);
    assert.equal(tokenOf(mp), '', 'the session is cleared');
  });
});

describe('every session call sends the stored token', () => {
  test('Authorization: Bearer <the token in storage> on each call', async () => {
    const { mp, genauth } = await h.passwordUser({ phone: '13800000001' }, { chooseImage: async () => ({ bytes: 'png' }) });
    const skip = new Set(['updatePassword', 'updatePhone', 'updateEmail', 'bindPhone', 'unbindPhone', 'bindEmail', 'unbindEmail']);
    for (const [name, call] of SESSION_CALLS) {
      if (skip.has(name)) continue;
      const token = tokenOf(mp);
      const mark = h.emulator.requests.length;
      await call(genauth, mp);
      const sent = h.since(mark).filter((r) => r.path !== '/api/v2/upload');
      assert.ok(sent.length >= 1, `${name} sent a request`);
      for (const request of sent) {
        assert.equal(request.headers.authorization, `Bearer ${token}`, `${name}: ${request.path}`);
        assert.equal(request.headers['x-authing-app-id'], h.APP_ID);
      }
    }
  });
});

describe('updateProfile', () => {
  test('changes the fields, refreshes the stored copy and token', async () => {
    const { mp, genauth, user } = await h.passwordUser();
    const updated = await genauth.updateProfile({ nickname: 'Neo', company: 'Zion', gender: 'M' });
    assert.equal(updated.id, user.id);
    assert.equal(updated.nickname, 'Neo');
    assert.equal(updated.company, 'Zion');
    assert.equal(updated.gender, 'M');
    const gql = h.onlyGraphql('updateUser');
    assert.match(gql.query, /^mutation updateUser\(\$id: String, \$input: UpdateUserInput!\)/);
    assert.deepEqual(gql.variables, { id: user.id, input: { nickname: 'Neo', company: 'Zion', gender: 'M' } });
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    assertStoredUser(mp, updated);
    assert.equal(h.record(user.id).nickname, 'Neo');
    // getCurrentUser({cached}) serves the refreshed copy.
    assert.equal((await genauth.getCurrentUser({ cached: true })).nickname, 'Neo');
  });

  test('null clears a field (sent as null, as v4 sent the updates as given)', async () => {
    const { mp, genauth, user } = await h.passwordUser({ nickname: 'Old' });
    const updated = await genauth.updateProfile({ nickname: null, company: 'Zion' });
    assert.deepEqual(h.onlyGraphql('updateUser').variables.input, { nickname: null, company: 'Zion' });
    assert.equal(updated.nickname, null);
    assert.equal(h.record(user.id).nickname, null);
    assert.equal(h.storedSession(mp).user.nickname, null);
  });

  test('password is refused (INVALID_ARGUMENT) before any request', async () => {
    const { mp, genauth } = await h.passwordUser();
    const before = h.snapshot(mp);
    for (const updates of [{ password: 'x' }, { nickname: 'a', password: 'N3wPassword!' }]) {
      const error = await rejection(genauth.updateProfile(updates));
      assertCodedError(error, 'INVALID_ARGUMENT');
      assert.match(error.message, /password/);
    }
    for (const updates of [undefined, null, 'nickname', [{ nickname: 'a' }], { nickName: 'a' }, { loginsCount: -1 }]) {
      assertCodedError(await rejection(genauth.updateProfile(updates)), 'INVALID_ARGUMENT');
    }
    assert.equal(h.emulator.requests.length, 0);
    assert.equal(h.snapshot(mp), before);
  });

  test('a taken username → USER_EXISTS (2034); the stored copy stays', async () => {
    h.emulator.seedUser({ username: 'taken', password: PASSWORD });
    const { mp, genauth } = await h.passwordUser();
    const before = h.snapshot(mp);
    const error = await rejection(genauth.updateProfile({ username: 'taken' }));
    assertCodedError(error, 'USER_EXISTS');
    assert.equal(error.serverCode, 2034);
    assert.equal(h.snapshot(mp), before);
  });
});

describe('updatePassword', () => {
  test('both passwords travel encrypted; nothing stored; the new password works, the old fails', async () => {
    const { mp, genauth, user } = await h.passwordUser();
    const before = h.snapshot(mp);
    const result = await genauth.updatePassword('N3wPassword!', PASSWORD);
    assert.equal(result.id, user.id);
    const gql = h.onlyGraphql('updatePassword');
    assert.match(gql.query, /^mutation updatePassword\(\$newPassword: String!, \$oldPassword: String\)/);
    assert.equal(h.emulator.decryptPassword(gql.variables.newPassword), 'N3wPassword!');
    assert.equal(h.emulator.decryptPassword(gql.variables.oldPassword), PASSWORD);
    assert.ok(!gql.request.body.includes('N3wPassword!') && !gql.request.body.includes(PASSWORD), 'no plain password');
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    assert.equal(h.snapshot(mp), before, 'stores nothing');
    const other = h.client(h.launch());
    assert.ok((await other.loginByEmail('pat@example.com', 'N3wPassword!')).id);
    assertCodedError(await rejection(other.loginByEmail('pat@example.com', PASSWORD)), 'WRONG_PASSWORD');
  });

  test('a wrong old password → WRONG_PASSWORD (2203); none for an account with one → SERVER_REJECTED (2201)', async () => {
    const { genauth } = await h.passwordUser();
    const wrong = await rejection(genauth.updatePassword('N3wPassword!', 'not-it-1'));
    assertCodedError(wrong, 'WRONG_PASSWORD');
    assert.equal(wrong.serverCode, 2203);
    const missing = await rejection(genauth.updatePassword('N3wPassword!'));
    assertCodedError(missing, 'SERVER_REJECTED');
    assert.equal(missing.serverCode, 2201);
    assertCodedError(await rejection(genauth.updatePassword(12345678)), 'INVALID_ARGUMENT');
  });

  test('a WeChat account sets its first password without an old one', async () => {
    const { genauth, user } = await h.loggedIn();
    await genauth.updatePassword('N3wPassword!');
    const gql = h.onlyGraphql('updatePassword');
    assert.ok(!('oldPassword' in gql.variables) || gql.variables.oldPassword === null);
    assert.equal(h.record(user.id).passwordSecurityLevel, 3);
  });
});

describe('phone and email', () => {
  test('updatePhone with the new number\'s code (and the old number\'s): the stored copy follows', async () => {
    const { mp, genauth, user } = await h.passwordUser({ phone: '13800000001' });
    await genauth.sendSmsCode('13800000002');
    const code = h.emulator.lastSmsCode('13800000002');
    const updated = await genauth.updatePhone('13800000002', code);
    assert.equal(updated.phone, '13800000002');
    assertStoredUser(mp, updated);
    const gql = h.onlyGraphql('updatePhone');
    assert.match(gql.query, /^mutation updatePhone\(/);
    assert.equal(gql.variables.phone, '13800000002');
    assert.equal(gql.variables.phoneCode, code);
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    // With the old number and its code (a minute later: one SMS a minute per number).
    h.emulator.setClockOffset(61 * 1000);
    await genauth.sendSmsCode('13800000003');
    await genauth.sendSmsCode('13800000002');
    const updatedAgain = await genauth.updatePhone(
      '13800000003', h.emulator.lastSmsCode('13800000003'),
      '13800000002', h.emulator.lastSmsCode('13800000002'),
    );
    assert.equal(updatedAgain.phone, '13800000003');
    const [, second] = h.graphql('updatePhone');
    assert.equal(second.variables.oldPhone, '13800000002');
    assert.equal(second.variables.oldPhoneCode, h.emulator.lastSmsCode('13800000002'));
    assertStoredUser(mp, updatedAgain);
  });

  test('updatePhone: wrong code → VERIFY_CODE_INVALID, taken → PHONE_TAKEN (2035), wrong old phone → SERVER_REJECTED (2038)', async () => {
    h.emulator.seedUser({ phone: '13800000008' });
    const { mp, genauth } = await h.passwordUser({ phone: '13800000001' });
    const before = h.snapshot(mp);
    await genauth.sendSmsCode('13800000002');
    const code = h.emulator.lastSmsCode('13800000002');
    assertCodedError(await rejection(genauth.updatePhone('13800000002', differentCode(code))), 'VERIFY_CODE_INVALID');
    await genauth.sendSmsCode('13800000008');
    const taken = await rejection(genauth.updatePhone('13800000008', h.emulator.lastSmsCode('13800000008')));
    assertCodedError(taken, 'PHONE_TAKEN');
    assert.equal(taken.serverCode, 2035);
    const mismatch = await rejection(genauth.updatePhone('13800000002', code, '13900000000', '123456'));
    assertCodedError(mismatch, 'SERVER_REJECTED');
    assert.equal(mismatch.serverCode, 2038);
    assert.equal(h.snapshot(mp), before);
  });

  test('updateEmail with CHANGE_EMAIL codes: the stored copy follows, the new email logs in', async () => {
    const { mp, genauth } = await h.passwordUser();
    await genauth.sendEmail('new@example.com', 'CHANGE_EMAIL');
    await genauth.sendEmail('pat@example.com', 'CHANGE_EMAIL');
    const code = h.emulator.lastEmailCode('new@example.com', 'CHANGE_EMAIL');
    const oldCode = h.emulator.lastEmailCode('pat@example.com', 'CHANGE_EMAIL');
    const updated = await genauth.updateEmail('new@example.com', code, 'pat@example.com', oldCode);
    assert.equal(updated.email, 'new@example.com');
    assertStoredUser(mp, updated);
    const gql = h.onlyGraphql('updateEmail');
    assert.match(gql.query, /^mutation updateEmail\(/);
    assert.deepEqual(
      { email: gql.variables.email, emailCode: gql.variables.emailCode, oldEmail: gql.variables.oldEmail, oldEmailCode: gql.variables.oldEmailCode },
      { email: 'new@example.com', emailCode: code, oldEmail: 'pat@example.com', oldEmailCode: oldCode },
    );
    assert.ok((await h.client(h.launch()).loginByEmail('new@example.com', PASSWORD)).id);
  });

  test('updateEmail: taken → EMAIL_TAKEN (2200), wrong code → VERIFY_CODE_INVALID, used → VERIFY_CODE_EXPIRED', async () => {
    h.emulator.seedUser({ email: 'other@example.com', password: PASSWORD });
    const { genauth } = await h.passwordUser();
    await genauth.sendEmail('other@example.com', 'CHANGE_EMAIL');
    const taken = await rejection(genauth.updateEmail('other@example.com', h.emulator.lastEmailCode('other@example.com', 'CHANGE_EMAIL')));
    assertCodedError(taken, 'EMAIL_TAKEN');
    assert.equal(taken.serverCode, 2200);
    await genauth.sendEmail('new@example.com', 'CHANGE_EMAIL');
    const code = h.emulator.lastEmailCode('new@example.com', 'CHANGE_EMAIL');
    assertCodedError(await rejection(genauth.updateEmail('new@example.com', differentCode(code))), 'VERIFY_CODE_INVALID');
    await genauth.updateEmail('new@example.com', code);
    await genauth.sendEmail('pat@example.com', 'CHANGE_EMAIL');
    assertCodedError(await rejection(genauth.updateEmail('new2@example.com', code)), 'VERIFY_CODE_INVALID');
  });

  test('bindPhone on a WeChat account (with a country code, too): the stored copy follows', async () => {
    const { mp, genauth, user } = await h.loggedIn();
    await genauth.sendSmsCode('13800000004');
    const code = h.emulator.lastSmsCode('13800000004');
    const bound = await genauth.bindPhone('13800000004', code);
    assert.equal(bound.phone, '13800000004');
    assertStoredUser(mp, bound);
    const gql = h.onlyGraphql('bindPhone');
    assert.match(gql.query, /^mutation bindPhone\(\$phone: String!, \$phoneCode: String!, \$phoneCountryCode: String\)/);
    assert.equal(gql.variables.phone, '13800000004');
    assert.equal(gql.variables.phoneCode, code);
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    // Another account, with +1.
    const { genauth: other } = await h.loggedIn({ person: 'bob' });
    await other.sendSmsCode('5550100', '+1');
    const us = await other.bindPhone('5550100', h.emulator.lastSmsCode('5550100', '+1'), '+1');
    assert.equal(us.phone, '5550100');
    assert.equal(h.onlyGraphql('bindPhone').variables.phoneCountryCode, '+1');
  });

  test('bindPhone: another account\'s phone → PHONE_TAKEN (2035), a wrong code → VERIFY_CODE_INVALID', async () => {
    h.emulator.seedUser({ phone: '13800000005' });
    const { mp, genauth } = await h.loggedIn();
    const before = h.snapshot(mp);
    await genauth.sendSmsCode('13800000005');
    const taken = await rejection(genauth.bindPhone('13800000005', h.emulator.lastSmsCode('13800000005')));
    assertCodedError(taken, 'PHONE_TAKEN');
    assert.equal(taken.serverCode, 2035);
    await genauth.sendSmsCode('13800000006');
    const wrong = await rejection(genauth.bindPhone('13800000006', differentCode(h.emulator.lastSmsCode('13800000006'))));
    assertCodedError(wrong, 'VERIFY_CODE_INVALID');
    assert.equal(wrong.serverCode, 2001);
    assert.equal(h.snapshot(mp), before);
  });

  test('unbindPhone: the phone goes, the stored copy follows; the only login method → SERVER_REJECTED (2217)', async () => {
    const { mp, genauth } = await h.passwordUser({ phone: '13800000001' });
    const unbound = await genauth.unbindPhone();
    assert.equal(unbound.phone, null);
    assertStoredUser(mp, unbound);
    assert.match(h.onlyGraphql('unbindPhone').query, /^mutation unbindPhone\b/);
    const again = await rejection(genauth.unbindPhone());
    assertCodedError(again, 'SERVER_REJECTED');
    assert.equal(again.serverCode, 400, 'no phone bound');
    // A phone-only account cannot drop its phone.
    h.emulator.seedUser({ phone: '13800000002' });
    const only = h.client(h.launch());
    await only.sendSmsCode('13800000002');
    await only.loginByPhoneCode('13800000002', h.emulator.lastSmsCode('13800000002'));
    const last = await rejection(only.unbindPhone());
    assertCodedError(last, 'SERVER_REJECTED');
    assert.equal(last.serverCode, 2217);
  });

  test('bindEmail with a VERIFY_EMAIL code: the stored copy follows; a taken email → EMAIL_TAKEN (2200)', async () => {
    h.emulator.seedUser({ email: 'taken@example.com', password: PASSWORD });
    const { mp, genauth } = await h.loggedIn();
    await genauth.sendEmail('taken@example.com', 'VERIFY_EMAIL');
    const taken = await rejection(genauth.bindEmail('taken@example.com', h.emulator.lastEmailCode('taken@example.com', 'VERIFY_EMAIL')));
    assertCodedError(taken, 'EMAIL_TAKEN');
    assert.equal(taken.serverCode, 2200);
    await genauth.sendEmail('mine@example.com', 'VERIFY_EMAIL');
    const code = h.emulator.lastEmailCode('mine@example.com', 'VERIFY_EMAIL');
    const bound = await genauth.bindEmail('mine@example.com', code);
    assert.equal(bound.email, 'mine@example.com');
    assertStoredUser(mp, bound);
    const [, gql] = h.graphql('bindEmail');
    assert.match(gql.query, /^mutation bindEmail\(\$email: String!, \$emailCode: String!\)/);
    assert.deepEqual(gql.variables, { email: 'mine@example.com', emailCode: code });
  });

  test('unbindEmail: the email goes, the stored copy follows; none bound → SERVER_REJECTED (2219)', async () => {
    const { mp, genauth } = await h.passwordUser({ phone: '13800000001' });
    const unbound = await genauth.unbindEmail();
    assert.equal(unbound.email, null);
    assertStoredUser(mp, unbound);
    assert.match(h.onlyGraphql('unbindEmail').query, /^mutation unbindEmail\b/);
    const none = await rejection(genauth.unbindEmail());
    assertCodedError(none, 'SERVER_REJECTED');
    assert.equal(none.serverCode, 2219);
  });
});

describe('linkAccount and unLinkAccount', () => {
  test('linkAccount moves the WeChat identity into the primary account; no session needed, nothing stored', async () => {
    const { user: primary } = await h.passwordUser();
    const { user: secondary } = await h.loggedIn({ person: 'wechat-only' });
    const mp = h.launch({ person: 'someone-else' });
    const genauth = h.client(mp);
    const result = await genauth.linkAccount({ primaryUserToken: primary.token, secondaryUserToken: secondary.token });
    assert.deepEqual(plain(result), { code: 200, message: '绑定成功' });
    const [request] = h.rest('/api/v2/users/link');
    assert.equal(request.method, 'POST');
    assert.deepEqual(JSON.parse(request.body), { primaryUserToken: primary.token, secondaryUserToken: secondary.token });
    assert.equal(request.headers.authorization, undefined, 'no session header');
    assert.equal(request.headers['x-authing-app-id'], h.APP_ID);
    await h.settled();
    assert.equal(mp.storage.size, 0, 'nothing stored');
    assert.equal(h.record(secondary.id), undefined, 'the secondary account is gone');
    assert.ok(h.record(primary.id).identities.some((i) => i.provider === 'wechat-miniprogram'));
  });

  test('linkAccount: the same account twice → SERVER_REJECTED (2215); missing tokens → INVALID_ARGUMENT', async () => {
    const { user } = await h.loggedIn();
    const genauth = h.client(h.launch());
    const same = await rejection(genauth.linkAccount({ primaryUserToken: user.token, secondaryUserToken: user.token }));
    assertCodedError(same, 'SERVER_REJECTED');
    assert.equal(same.serverCode, 2215);
    const mark = h.emulator.requests.length;
    for (const args of [[], [{ primaryUserToken: user.token }], [{ primaryUserToken: 1, secondaryUserToken: 2 }], ['token']]) {
      assertCodedError(await rejection(genauth.linkAccount(...args)), 'INVALID_ARGUMENT');
    }
    assert.equal(h.since(mark).length, 0);
  });

  test('unLinkAccount removes the provider\'s identities; a provider not bound → SERVER_REJECTED (2216)', async () => {
    const { user: primary } = await h.passwordUser();
    const { user: secondary } = await h.loggedIn({ person: 'wechat-only' });
    const genauth = h.client(h.launch());
    await genauth.linkAccount({ primaryUserToken: primary.token, secondaryUserToken: secondary.token });
    const result = await genauth.unLinkAccount({ primaryUserToken: primary.token, provider: 'wechat-miniprogram' });
    assert.deepEqual(plain(result), { code: 200, message: '解绑成功' });
    const [request] = h.rest('/api/v2/users/unlink');
    assert.equal(request.method, 'POST');
    assert.deepEqual(JSON.parse(request.body), { primaryUserToken: primary.token, provider: 'wechat-miniprogram' });
    assert.equal(request.headers.authorization, undefined);
    assert.deepEqual(h.record(primary.id).identities, []);
    const again = await rejection(genauth.unLinkAccount({ primaryUserToken: primary.token, provider: 'wechat-miniprogram' }));
    assertCodedError(again, 'SERVER_REJECTED');
    assert.equal(again.serverCode, 2216);
    assertCodedError(await rejection(genauth.unLinkAccount({ primaryUserToken: primary.token })), 'INVALID_ARGUMENT');
  });
});

describe('refreshToken', () => {
  test('a new token, stored as the session\'s', async () => {
    const { mp, genauth, user } = await h.loggedIn();
    const result = await genauth.refreshToken();
    assert.equal(typeof result.token, 'string');
    assert.notEqual(result.token, user.token);
    assert.equal(typeof result.iat, 'number');
    assert.equal(typeof result.exp, 'number');
    assert.ok(result.exp > result.iat);
    assert.equal(tokenOf(mp), result.token);
    assert.equal(await genauth.getToken(), result.token);
    const gql = h.onlyGraphql('refreshToken');
    assert.match(gql.query, /^mutation refreshToken\(\$id: String\)/);
    assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    assert.equal((await genauth.getCurrentUser()).id, user.id, 'the new token works');
    assert.equal(h.graphql('user')[0].headers.authorization, `Bearer ${result.token}`);
  });

  test('concurrent calls share one request', async () => {
    const { mp, genauth } = await h.loggedIn();
    const [a, b, c] = await Promise.all([genauth.refreshToken(), genauth.refreshToken(), genauth.refreshToken()]);
    assert.equal(h.graphql('refreshToken').length, 1, 'one request');
    assert.equal(a.token, b.token);
    assert.equal(b.token, c.token);
    assert.equal(tokenOf(mp), a.token);
    // Once it has settled, the next call sends a new request.
    const d = await genauth.refreshToken();
    assert.equal(h.graphql('refreshToken').length, 2);
    assert.equal(tokenOf(mp), d.token);
  });

  test('a server failure rejects and keeps the session', async () => {
    const { mp, genauth, user } = await h.loggedIn();
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'drop' });
    assertCodedError(await rejection(genauth.refreshToken()), 'NETWORK_ERROR');
    assert.equal(tokenOf(mp), user.token);
  });
});

describe('lists and levels', () => {
  test('listOrgs: the organization paths, GET /api/v2/users/me/orgs', async () => {
    const { genauth, user } = await h.loggedIn();
    assert.deepEqual(plain(await genauth.listOrgs()), []);
    h.emulator.seedOrgs(user.id, [[{ name: 'Acme', id: 'org1' }, { name: 'R&D', id: 'node1' }], [{ name: 'Other', id: 'org2' }]]);
    const orgs = await genauth.listOrgs();
    assert.equal(orgs.length, 2);
    assert.deepEqual(plain(orgs[0].map((n) => n.name)), ['Acme', 'R&D']);
    assert.deepEqual(plain(orgs[0].map((n) => n.id)), ['org1', 'node1']);
    const [, request] = h.rest('/api/v2/users/me/orgs');
    assert.equal(request.method, 'GET');
    assert.equal(request.headers.authorization, `Bearer ${user.token}`);
  });

  test('listOrgs: a failing server → SERVER_ERROR', async () => {
    const { genauth } = await h.loggedIn();
    h.emulator.injectFault({ path: '/api/v2/users/me/orgs', kind: 'http500html' });
    assertCodedError(await rejection(genauth.listOrgs()), 'SERVER_ERROR');
  });

  test('listApplications: page and limit go in the query (default 1 and 10)', async () => {
    const { genauth, user } = await h.loggedIn();
    const all = await genauth.listApplications();
    assert.equal(all.totalCount, 2);
    assert.deepEqual(plain(all.list.map((a) => a.id)), ['GEN_AUTH_APP_ID', 'GEN_AUTH_OTHER_APP']);
    h.emulator.seedApplications(user.id, [
      { id: 'a1', name: 'One' },
      { id: 'a2', name: 'Two' },
      { id: 'a3', name: 'Three' },
    ]);
    const page = await genauth.listApplications({ page: 2, limit: 2 });
    assert.equal(page.totalCount, 3);
    assert.deepEqual(plain(page.list.map((a) => a.name)), ['Three']);
    const [first, second] = h.rest('/api/v2/users/me/applications/allowed');
    assert.equal(first.method, 'GET');
    assert.deepEqual(first.query, { page: '1', limit: '10' });
    assert.deepEqual(second.query, { page: '2', limit: '2' });
    const limitOnly = await genauth.listApplications({ limit: 1 });
    assert.deepEqual(plain(limitOnly.list.map((a) => a.name)), ['One']);
    assert.deepEqual(h.rest('/api/v2/users/me/applications/allowed')[2].query, { page: '1', limit: '1' });
  });

  test('listApplications: a page that is not a positive integer → INVALID_ARGUMENT, no request', async () => {
    const { genauth } = await h.loggedIn();
    for (const options of [{ page: 0 }, { page: 1.5 }, { limit: -1 }, { page: '2' }, 'page=2']) {
      assertCodedError(await rejection(genauth.listApplications(options)), 'INVALID_ARGUMENT');
    }
    assert.equal(h.emulator.requests.length, 0);
  });

  test('listAuthorizedResources(namespace, {resourceType})', async () => {
    const { genauth, user } = await h.loggedIn();
    h.emulator.seedResources(user.id, [
      { code: 'order:*', type: 'API', actions: ['order:read', 'order:write'] },
      { code: 'menu:home', type: 'MENU', actions: ['menu:view'] },
      { code: 'cms:page', type: 'DATA', namespace: 'cms' },
    ]);
    const all = await genauth.listAuthorizedResources('default');
    assert.equal(all.totalCount, 2);
    assert.deepEqual(plain(all.list), [
      { code: 'order:*', type: 'API', actions: ['order:read', 'order:write'] },
      { code: 'menu:home', type: 'MENU', actions: ['menu:view'] },
    ]);
    const api = await genauth.listAuthorizedResources('default', { resourceType: 'API' });
    assert.deepEqual(plain(api.list.map((r) => r.code)), ['order:*']);
    const cms = await genauth.listAuthorizedResources('cms');
    assert.deepEqual(plain(cms.list.map((r) => r.code)), ['cms:page']);
    const [first, second] = h.graphql('listUserAuthorizedResources');
    assert.match(first.query, /^query listUserAuthorizedResources\(\$id: String!, \$namespace: String, \$resourceType: String\)/);
    assert.equal(first.variables.id, user.id);
    assert.equal(first.variables.namespace, 'default');
    assert.ok(!('resourceType' in first.variables) || first.variables.resourceType === null);
    assert.deepEqual(second.variables, { id: user.id, namespace: 'default', resourceType: 'API' });
  });

  test('listAuthorizedResources: a resourceType that is not one of the five → INVALID_ARGUMENT, no request', async () => {
    const { genauth } = await h.loggedIn();
    for (const args of [['default', { resourceType: 'api' }], ['default', { resourceType: 'FILE' }], [42], ['default', { kind: 'API' }]]) {
      assertCodedError(await rejection(genauth.listAuthorizedResources(...args)), 'INVALID_ARGUMENT');
    }
    assert.equal(h.emulator.requests.length, 0);
  });

  test('getSecurityLevel: score and what is set up', async () => {
    const { genauth, user } = await h.passwordUser({ phone: '13800000001' });
    const level = await genauth.getSecurityLevel();
    assert.deepEqual(plain(level), { score: 70, email: true, phone: true, password: true, passwordSecurityLevel: 2, mfa: false });
    const [request] = h.rest('/api/v2/users/me/security-level');
    assert.equal(request.method, 'GET');
    assert.equal(request.headers.authorization, `Bearer ${user.token}`);
    assert.equal(genauth.computedPasswordSecurityLevel(PASSWORD), level.passwordSecurityLevel, 'the same rule as the local one');
    const { genauth: wechat } = await h.loggedIn({ person: 'bob' });
    assert.deepEqual(plain(await wechat.getSecurityLevel()), {
      score: 0, email: false, phone: false, password: false, passwordSecurityLevel: null, mfa: false,
    });
  });

  test('getSecurityLevel: an answer that is not JSON → INVALID_RESPONSE', async () => {
    const { genauth } = await h.loggedIn();
    h.emulator.injectFault({ path: '/api/v2/users/me/security-level', kind: 'invalidJson' });
    assertCodedError(await rejection(genauth.getSecurityLevel()), 'INVALID_RESPONSE');
  });

  test('hasRole(code, namespace?) is true or false', async () => {
    const { genauth, user } = await h.loggedIn();
    assert.equal(await genauth.hasRole('admin'), false);
    h.emulator.seedRoles(user.id, [{ code: 'admin' }, { code: 'editor', namespace: 'cms' }]);
    assert.strictEqual(await genauth.hasRole('admin'), true);
    assert.strictEqual(await genauth.hasRole('viewer'), false);
    // Without a namespace the server answers the roles of every namespace.
    assert.strictEqual(await genauth.hasRole('editor'), true);
    assert.strictEqual(await genauth.hasRole('editor', 'cms'), true);
    assert.strictEqual(await genauth.hasRole('admin', 'cms'), false);
    const calls = h.graphql('getUserRoles');
    assert.equal(calls.length, 6);
    assert.ok(!('namespace' in calls[0].variables) || calls[0].variables.namespace === null);
    assert.match(calls[0].query, /^query getUserRoles\(\$id: String!, \$namespace: String\)/);
    assert.equal(calls[0].variables.id, user.id);
    assert.deepEqual(calls[4].variables, { id: user.id, namespace: 'cms' });
  });

  test('hasRole: a code that is not a string → INVALID_ARGUMENT, no request', async () => {
    const { genauth } = await h.loggedIn();
    for (const args of [[], [42], ['admin', 7]]) assertCodedError(await rejection(genauth.hasRole(...args)), 'INVALID_ARGUMENT');
    assert.equal(h.emulator.requests.length, 0);
  });
});
