'use strict';
// The public surface follows the core's operation table: the shim's methods, the typings'
// method list and error codes, and the README's method table are checked against what the
// built wasm reports (operations(), errorCodes()), so they cannot drift. And every method,
// fed bad values, rejects with INVALID_ARGUMENT before any request, leaves storage as it
// was, and never repeats the value in its message.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { ROOT, PKG, miniprogramDir } = require('./code-package');

async function bindings() {
  const loader = require(path.join(miniprogramDir(), 'loader.js'));
  return loader.loadCore();
}

function typingsClassMethods(dts) {
  const body = dts.slice(dts.indexOf('export class AuthenticationClient'));
  const names = [];
  for (const match of body.matchAll(/^ {2}([a-zA-Z]+)\(/gm)) names.push(match[1]);
  return names.filter((name) => name !== 'ready' && name !== 'constructor');
}

/** Parameters whose text may hold spaces (the rest: codes, phones, emails, keys, paths). */
const FREE_TEXT = /password|Password|username/;

/** Methods the shim answers itself, synchronously (v4 returned their value, not a promise). */
const LOCAL_METHODS = ['computedPasswordSecurityLevel'];

test('the shim, the typings and the README list exactly the operation table', async () => {
  const { operations } = await bindings();
  const engine = operations().map((op) => op.name);
  const table = [...engine, ...LOCAL_METHODS];
  const { AuthenticationClient, METHODS } = require(PKG);
  assert.deepEqual([...METHODS], engine, 'js-shim/index.js METHODS = the operation table, in order');
  for (const name of table) {
    assert.equal(typeof AuthenticationClient.prototype[name], 'function', name);
  }
  for (const op of operations()) {
    assert.ok(op.params.length <= 5, `${op.name}: the shim passes at most five arguments`);
  }
  const dts = fs.readFileSync(path.join(PKG, 'index.d.ts'), 'utf8');
  assert.deepEqual(typingsClassMethods(dts).sort(), [...table].sort(), 'index.d.ts declares every method');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const listed = [...readme.matchAll(/^\| `([a-zA-Z]+)\(/gm)].map((m) => m[1]).filter((n) => n !== 'ready');
  assert.deepEqual(listed.sort(), [...table].sort(), "the README's API table lists every method");
});

test("the typings' error codes are the core's", async () => {
  const { errorCodes } = await bindings();
  const dts = fs.readFileSync(path.join(PKG, 'index.d.ts'), 'utf8');
  const start = dts.indexOf('export type ErrorCode');
  const union = dts.slice(start, dts.indexOf("';\n", start) + 2);
  const typed = [...union.matchAll(/\| '([A-Z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual(typed, [...errorCodes()]);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const code of errorCodes()) assert.ok(readme.includes('`' + code + '`'), `README names ${code}`);
});

test('every method rejects bad values before any request, without repeating them', async () => {
  const { operations } = await bindings();
  const MARK = 'Zq9SECRET';
  const store = new Map([['genauth:app1:token', 'aaa.bbb.ccc'], ['other', 'kept']]);
  const requests = [];
  const logins = [];
  global.wx = {
    login: (o) => {
      logins.push(o);
      setTimeout(() => o.fail({ errMsg: 'login:fail test' }));
    },
    request: (o) => {
      requests.push(o);
      setTimeout(() => o.fail({ errMsg: 'request:fail test' }));
      return {};
    },
    getStorageSync: (k) => (store.has(k) ? store.get(k) : ''),
    setStorageSync: (k, v) => store.set(k, v),
    removeStorageSync: (k) => store.delete(k),
  };
  const before = JSON.stringify([...store]);
  const bad = [
    123456,
    NaN,
    Infinity,
    true,
    '',
    MARK + ' with space',
    MARK + '\u0000',
    MARK + '\u202e',
    'x'.repeat(20000) + MARK,
    { [MARK + ' key']: MARK },
    { [MARK + '\n']: 1 },
    [MARK],
    () => MARK,
    Symbol(MARK),
  ];
  try {
    const { AuthenticationClient, GenAuthError } = require(PKG);
    const client = new AuthenticationClient({ appId: 'app1', host: 'http://127.0.0.1:9' });
    await client.ready();
    // The one wx.login a client makes by itself: the spare code taken at start.
    const loginsAtStart = logins.length;
    assert.ok(loginsAtStart <= 1);
    let checked = 0;
    for (const op of operations()) {
      const arity = Math.max(op.params.length, 1);
      for (let at = 0; at < arity + 1; at++) {
        const param = op.params[at];
        for (const value of bad) {
          // Free text (a password, a username, a nickname) may hold a space: that value fits.
          if (value === MARK + ' with space' && param && FREE_TEXT.test(param.name)) continue;
          const args = new Array(at).fill(undefined);
          args.push(value);
          const promise = client[op.name](...args);
          assert.ok(promise instanceof Promise, `${op.name} returns a promise`);
          let outcome;
          try {
            outcome = { value: await promise };
          } catch (error) {
            outcome = { error };
          }
          if (!outcome.error) continue; // a value that fits (e.g. a boolean where one is accepted)
          const { error } = outcome;
          assert.ok(error instanceof GenAuthError && error instanceof Error, `${op.name}: a GenAuthError`);
          assert.equal(error.code, 'INVALID_ARGUMENT', `${op.name}(${at}: ${String(typeof value)}): ${error.message}`);
          assert.ok(!error.message.includes(MARK) && !error.message.includes('123456'), error.message);
          checked += 1;
        }
      }
    }
    assert.ok(checked > 40, `bad values checked: ${checked}`);
    process.stdout.write(`# bad values rejected before any request: ${checked} (${operations().length} methods × positions × ${bad.length} kinds)\n`);
    assert.equal(requests.length, 0, 'no request was sent');
    assert.equal(logins.length, loginsAtStart, 'wx.login was not called');
    // The local, synchronous method throws (as v4 did), with the same kind of error.
    for (const value of bad) {
      if (typeof value === 'string') continue;
      let thrown;
      try {
        client.computedPasswordSecurityLevel(value);
      } catch (error) {
        thrown = error;
      }
      assert.ok(thrown instanceof GenAuthError, String(typeof value));
      assert.equal(thrown.code, 'INVALID_ARGUMENT');
      assert.ok(!thrown.message.includes(MARK));
    }
    assert.equal(JSON.stringify([...store]), before, 'storage is unchanged');
    // Wrong `this`: rejected, not thrown.
    const detached = client.getToken;
    const error = await detached().then(() => null, (e) => e);
    assert.equal(error && error.code, 'INVALID_ARGUMENT');
  } finally {
    delete global.wx;
  }
});
