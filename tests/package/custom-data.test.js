'use strict';
// Package tests of the user's custom fields (listUdv, setUdv, removeUdv, getUdfValue,
// setUdfValue, removeUdfValue): values go out as JSON text and come back converted by the
// field's dataType. The BUILT package in the strict WeChat sandbox, real HTTP to the emulator.
const { test, describe } = require('node:test');
const assert = require('node:assert/strict');
const { rejection, assertCodedError } = require('./assertions');
const { useHarness, plain } = require('./harness');

const h = useHarness();
const JOINED = Date.UTC(2021, 4, 17, 8, 30, 0);

/** Defines one field of each dataType (the emulator's reset brings back only the defaults). */
function defineFields() {
  h.emulator.defineUdf({ key: 'motto', dataType: 'STRING', label: '座右铭' });
  h.emulator.defineUdf({ key: 'score', dataType: 'NUMBER', label: '积分' });
  h.emulator.defineUdf({ key: 'active', dataType: 'BOOLEAN', label: '活跃' });
  h.emulator.defineUdf({ key: 'joinedAt', dataType: 'DATETIME', label: '加入时间' });
  h.emulator.defineUdf({ key: 'meta', dataType: 'OBJECT', label: '元数据' });
}

/** A Date made in the sandbox realm (instanceof there; getTime the instant). */
function assertDate(mp, value, ms) {
  assert.equal(Object.prototype.toString.call(value), '[object Date]', 'a Date');
  assert.ok(value instanceof mp.evaluate('Date'), "a Date of the page's realm");
  assert.equal(value.getTime(), ms);
}

function assertUdvRequest(gql, userId, extra = {}) {
  assert.deepEqual(gql.variables, { targetType: 'USER', targetId: userId, ...extra });
}

describe('setUdv, listUdv, removeUdv', () => {
  test('setUdv sends the value as JSON text and resolves the list with converted values', async () => {
    defineFields();
    const { mp, genauth, user } = await h.loggedIn();
    await genauth.setUdv('motto', 'carpe diem');
    await genauth.setUdv('score', 42.5);
    await genauth.setUdv('active', false);
    await genauth.setUdv('joinedAt', JOINED);
    const list = await genauth.setUdv('meta', { tags: ['a', 'b'], level: 3, nested: { ok: true } });
    const sets = h.graphql('setUdv');
    assert.equal(sets.length, 5);
    assert.match(sets[0].query, /^mutation setUdv\(\$targetType: UDFTargetType!, \$targetId: String!, \$key: String!, \$value: String!\)/);
    assert.deepEqual(
      sets.map((g) => [g.variables.key, g.variables.value]),
      [
        ['motto', '"carpe diem"'],
        ['score', '42.5'],
        ['active', 'false'],
        ['joinedAt', String(JOINED)],
        ['meta', JSON.stringify({ tags: ['a', 'b'], level: 3, nested: { ok: true } })],
      ],
    );
    for (const gql of sets) {
      assert.equal(gql.variables.targetType, 'USER');
      assert.equal(gql.variables.targetId, user.id);
      assert.equal(gql.headers.authorization, `Bearer ${user.token}`);
    }
    const byKey = Object.fromEntries(list.map((item) => [item.key, item]));
    assert.deepEqual(Object.keys(byKey), ['motto', 'score', 'active', 'joinedAt', 'meta'], 'definition order');
    assert.strictEqual(byKey.motto.value, 'carpe diem');
    assert.strictEqual(byKey.score.value, 42.5);
    assert.strictEqual(byKey.active.value, false);
    assertDate(mp, byKey.joinedAt.value, JOINED);
    assert.deepEqual(plain(byKey.meta.value), { tags: ['a', 'b'], level: 3, nested: { ok: true } });
    assert.equal(typeof byKey.meta.value, 'object');
    assert.equal(byKey.score.dataType, 'NUMBER');
    assert.equal(byKey.score.label, '积分');
    assert.deepEqual(Object.keys(byKey.score).sort(), ['dataType', 'key', 'label', 'value']);
    assert.equal(h.record(user.id).udv.score, '42.5');
  });

  test('listUdv: converted values of the default fields; query udv on the wire', async () => {
    const { mp, genauth, user } = await h.loggedIn();
    assert.deepEqual(plain(await genauth.listUdv()), [], 'nothing set yet');
    await genauth.setUdfValue({ school: 'MIT', age: 30, vip: true, birthday: new Date(JOINED), preferences: [1, 'two'] });
    const list = await genauth.listUdv();
    assert.ok(Array.isArray(list));
    assert.deepEqual(plain(list.map((i) => i.key)), ['school', 'age', 'vip', 'birthday', 'preferences']);
    assert.deepEqual(plain(list.map((i) => i.dataType)), ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'OBJECT']);
    const [school, age, vip, birthday, preferences] = list.map((i) => i.value);
    assert.strictEqual(school, 'MIT');
    assert.strictEqual(age, 30);
    assert.strictEqual(vip, true);
    assertDate(mp, birthday, JOINED);
    assert.ok(Array.isArray(preferences));
    assert.deepEqual(plain(preferences), [1, 'two']);
    const gql = h.graphql('udv');
    assert.match(gql[0].query, /^query udv\(\$targetType: UDFTargetType!, \$targetId: String!\)/);
    assertUdvRequest(gql[1], user.id);
    assert.equal(gql[1].headers.authorization, `Bearer ${user.token}`);
  });

  test('removeUdv resolves the list without the field', async () => {
    const { genauth, user } = await h.loggedIn();
    await genauth.setUdfValue({ age: 30, vip: true });
    const list = await genauth.removeUdv('age');
    assert.deepEqual(plain(list), [{ key: 'vip', dataType: 'BOOLEAN', value: true, label: '是否 VIP' }]);
    const gql = h.onlyGraphql('removeUdv');
    assert.match(gql.query, /^mutation removeUdv\(\$targetType: UDFTargetType!, \$targetId: String!, \$key: String!\)/);
    assertUdvRequest(gql, user.id, { key: 'age' });
    assert.equal(h.record(user.id).udv.age, undefined);
  });

  test('values the field does not take, and unknown fields → SERVER_REJECTED; nothing changes', async () => {
    defineFields();
    const { genauth, user } = await h.loggedIn();
    await genauth.setUdv('score', 1);
    for (const [key, value] of [['score', 'many'], ['active', 'yes'], ['meta', 7], ['nope', 1]]) {
      const error = await rejection(genauth.setUdv(key, value));
      assertCodedError(error, 'SERVER_REJECTED');
      assert.equal(error.serverCode, 400);
    }
    assert.deepEqual(h.record(user.id).udv, { score: '1' });
    const unknown = await rejection(genauth.removeUdv('nope'));
    assertCodedError(unknown, 'SERVER_REJECTED');
  });

  test('bad arguments → INVALID_ARGUMENT before any request', async () => {
    const { genauth } = await h.loggedIn();
    const cases = [
      () => genauth.setUdv(42, 1),
      () => genauth.setUdv(),
      () => genauth.setUdv('age'),
      () => genauth.setUdv('age', () => 1),
      () => genauth.removeUdv(),
      () => genauth.removeUdv({ key: 'age' }),
      () => genauth.removeUdfValue(7),
      () => genauth.setUdfValue(),
      () => genauth.setUdfValue('age=1'),
      () => genauth.setUdfValue([['age', 1]]),
      () => genauth.setUdfValue(null),
    ];
    for (const call of cases) assertCodedError(await rejection(call()), 'INVALID_ARGUMENT');
    assert.equal(h.emulator.requests.length, 0);
  });
});

describe('getUdfValue, setUdfValue, removeUdfValue', () => {
  test('setUdfValue sends one setUdvBatch and resolves undefined; getUdfValue returns {key: converted value}', async () => {
    defineFields();
    const { mp, genauth, user } = await h.loggedIn();
    const result = await genauth.setUdfValue({ motto: 'hi', score: 0, active: true, joinedAt: JOINED, meta: { a: null } });
    assert.strictEqual(result, undefined);
    const batch = h.onlyGraphql('setUdvBatch');
    assert.match(batch.query, /^mutation setUdvBatch\(\$targetType: UDFTargetType!, \$targetId: String!, \$udvList: \[UserDefinedDataInput!\]\)/);
    assertUdvRequest(batch, user.id, {
      udvList: [
        { key: 'motto', value: '"hi"' },
        { key: 'score', value: '0' },
        { key: 'active', value: 'true' },
        { key: 'joinedAt', value: String(JOINED) },
        { key: 'meta', value: '{"a":null}' },
      ],
    });
    assert.equal(batch.headers.authorization, `Bearer ${user.token}`);
    const values = await genauth.getUdfValue();
    assert.deepEqual(Object.keys(values), ['motto', 'score', 'active', 'joinedAt', 'meta']);
    assert.strictEqual(values.motto, 'hi');
    assert.strictEqual(values.score, 0);
    assert.strictEqual(values.active, true);
    assertDate(mp, values.joinedAt, JOINED);
    assert.deepEqual(plain(values.meta), { a: null });
    assertUdvRequest(h.onlyGraphql('udv'), user.id);
  });

  test('getUdfValue with nothing set is {}', async () => {
    const { genauth } = await h.loggedIn();
    const values = await genauth.getUdfValue();
    assert.deepEqual(plain(values), {});
    assert.equal(Object.prototype.toString.call(values), '[object Object]');
  });

  test('setUdfValue({}) → INVALID_ARGUMENT, no request', async () => {
    const { genauth } = await h.loggedIn();
    const error = await rejection(genauth.setUdfValue({}));
    assertCodedError(error, 'INVALID_ARGUMENT');
    assert.equal(h.emulator.requests.length, 0);
  });

  test('setUdfValue is all or nothing: one bad value → SERVER_REJECTED, no value changes', async () => {
    const { genauth, user } = await h.loggedIn();
    await genauth.setUdfValue({ age: 1 });
    const error = await rejection(genauth.setUdfValue({ age: 2, vip: 'not a boolean' }));
    assertCodedError(error, 'SERVER_REJECTED');
    assert.equal(error.serverCode, 400);
    assert.deepEqual(h.record(user.id).udv, { age: '1' });
    assert.strictEqual((await genauth.getUdfValue()).age, 1);
  });

  test('removeUdfValue resolves undefined and sends removeUdv', async () => {
    const { genauth, user } = await h.loggedIn();
    await genauth.setUdfValue({ age: 1, school: 'PKU' });
    const result = await genauth.removeUdfValue('age');
    assert.strictEqual(result, undefined);
    assertUdvRequest(h.onlyGraphql('removeUdv'), user.id, { key: 'age' });
    assert.deepEqual(plain(await genauth.getUdfValue()), { school: 'PKU' });
  });

  test('a failing server → SERVER_ERROR / NETWORK_ERROR; the session stays', async () => {
    const { mp, genauth } = await h.loggedIn();
    const before = h.snapshot(mp);
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'http500html' });
    assertCodedError(await rejection(genauth.getUdfValue()), 'SERVER_ERROR');
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'drop' });
    assertCodedError(await rejection(genauth.removeUdfValue('age')), 'NETWORK_ERROR');
    h.emulator.injectFault({ path: '/graphql/v2', kind: 'invalidJson' });
    assertCodedError(await rejection(genauth.listUdv()), 'INVALID_RESPONSE');
    assert.equal(h.snapshot(mp), before);
  });

  test('values set at login (customData) are read back converted', async () => {
    h.emulator.seedUser({ email: 'pat@example.com', password: 'Passw0rd!' });
    const mp = h.launch();
    const genauth = h.client(mp);
    await genauth.loginByEmail('pat@example.com', 'Passw0rd!', { customData: { age: 7, vip: true, school: 'MIT' } });
    assert.deepEqual(plain(await genauth.getUdfValue()), { school: 'MIT', age: 7, vip: true });
  });
});
