'use strict';
// The per-operation fixture (tests/fixtures/operations.json) against the emulator and the SDK:
//
// - every public method of the SDK has at least one recorded operation;
// - replay: for each operation, on a fresh emulator state (same RSA key), the scenario's setup
//   runs again, and every recorded request (and upload) is sent as recorded, with the run's own
//   values put back in (tokens, codes, ids: the operation's `vars`), "$rsa:<plaintext>"
//   encrypted again and the emulator's URL for https://emulator.test. The emulator must answer
//   with the same shape: same HTTP status, same envelope / GraphQL error codes, same keys at
//   every level and the same JSON types (values may differ);
// - re-recording (tests/fixtures/record.js, into memory) gives the same operations with the
//   same steps and shapes: a change in the SDK's requests or results makes the committed
//   fixture stale, and this fails until it is recorded again.
//
// So a change in the emulator, the SDK or a stale fixture fails here.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { startEmulator } = require('.');
const { SCENARIOS, httpRequest, multipart, fileOf, encrypt } = require('../fixtures/scenarios');

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURE_FILE = path.join(ROOT, 'tests', 'fixtures', 'operations.json');
const PRIVATE_KEY = fs.readFileSync(path.join(ROOT, 'tests', 'fixtures', 'test-rsa-private.pem'), 'utf8');
const HOST = 'https://emulator.test';
const LOCAL_METHODS = ['computedPasswordSecurityLevel'];

const fixture = JSON.parse(fs.readFileSync(FIXTURE_FILE, 'utf8'));
const scenarioByName = new Map(SCENARIOS.map((s) => [s.name, s]));

/** METHODS of js-shim/index.js (the source of the public surface). */
function shimMethods() {
  const source = fs.readFileSync(path.join(ROOT, 'js-shim', 'index.js'), 'utf8');
  const list = /var METHODS = \[([\s\S]*?)\];/.exec(source);
  assert.ok(list, 'js-shim/index.js declares METHODS');
  return [...list[1].matchAll(/'([A-Za-z]+)'/g)].map((m) => m[1]);
}

/** The JSON shape of a value: keys (sorted) at every level, element by element, JSON types. */
function shape(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object') {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = shape(value[key]);
    return out;
  }
  // A "$rsa:<plaintext>" placeholder is the same in every run: compare it whole.
  if (typeof value === 'string' && value.startsWith('$rsa:')) return value;
  return typeof value;
}

/** GenAuth's codes in an answer body: the REST envelope's and the GraphQL errors'. */
function codes(body) {
  if (!body || typeof body !== 'object') return [];
  const found = [];
  if (typeof body.code === 'number') found.push(body.code);
  if (Array.isArray(body.errors)) {
    for (const error of body.errors) found.push(error && error.message && typeof error.message === 'object' ? error.message.code : error && error.message);
  }
  if ('data' in body && !('code' in body)) found.push(body.data === null ? 'data:null' : 'data');
  return found;
}

function parsed(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return text;
  }
}

/**
 * Puts this run's values into a recorded value: the emulator's URL for HOST, each recorded
 * var (whole strings; long ones also inside strings, e.g. a token in `Authorization`) by the
 * new run's value of the same name, and "$rsa:<plaintext>" encrypted with the emulator's key.
 */
function substituter(emu, recordedVars, vars) {
  const pairs = Object.keys(recordedVars).map((name) => [String(recordedVars[name]), String(vars[name])]);
  const long = pairs.filter(([old]) => old.length >= 16).sort((a, b) => b[0].length - a[0].length);
  const text = (s) => {
    if (s.startsWith('$rsa:')) return encrypt(emu.publicKey, s.slice(5));
    for (const [old, now] of pairs) if (s === old) return now;
    let out = s.split(HOST).join(emu.url);
    for (const [old, now] of long) out = out.split(old).join(now);
    return out;
  };
  const walk = (value) => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const out = {};
      for (const key of Object.keys(value)) out[key] = walk(value[key]);
      return out;
    }
    return value;
  };
  return walk;
}

function assertSameAnswer(actual, recorded, where) {
  assert.equal(actual.status, recorded.status, where + ': HTTP status');
  assert.deepEqual(codes(actual.body), codes(recorded.body), where + ': envelope / GraphQL codes');
  assert.deepEqual(shape(actual.body), shape(recorded.body), where + ': answer shape');
}

let emu;
before(async () => {
  emu = await startEmulator({ rsaPrivateKey: PRIVATE_KEY });
});
after(async () => {
  if (emu) await emu.close();
});

test('the fixture covers every public method, with unique names and a scenario each', () => {
  assert.equal(fixture.appId, 'GEN_AUTH_APP_ID');
  assert.equal(fixture.host, HOST);
  const names = fixture.operations.map((op) => op.name);
  assert.equal(new Set(names).size, names.length, 'operation names are unique');
  const methods = shimMethods().filter((m) => !LOCAL_METHODS.includes(m));
  assert.equal(methods.length, 42);
  const recorded = new Set(fixture.operations.map((op) => op.method));
  assert.deepEqual(methods.filter((m) => !recorded.has(m)), [], 'methods without a recorded operation');
  for (const op of fixture.operations) {
    assert.ok(scenarioByName.has(op.name), op.name + ' has a scenario in tests/fixtures/scenarios.js');
    assert.notEqual(op.result.code, 'EXCEPTION', op.name + ': the SDK threw while recording');
  }
  assert.deepEqual(names, SCENARIOS.map((s) => s.name), 'operations.json has every scenario, in order (record again)');
  for (const failure of [
    ['WRONG_PASSWORD', 2006],
    ['USER_EXISTS', 2026],
    ['SESSION_EXPIRED', 2206],
    ['WX_PHONE_DENIED'],
    ['CANCELLED'],
  ]) {
    const op = fixture.operations.find((o) => !o.result.ok && o.result.code === failure[0]);
    assert.ok(op, 'a failure scenario for ' + failure[0]);
    if (failure[1]) assert.equal(op.result.serverCode, failure[1]);
  }
  const denied = fixture.operations.find((o) => o.result.code === 'WX_PHONE_DENIED');
  assert.equal(denied.steps.filter((s) => s.request).length, 0, 'WX_PHONE_DENIED sends nothing');
});

for (const op of fixture.operations) {
  test('replay against the emulator: ' + op.name, async () => {
    const scenario = scenarioByName.get(op.name);
    assert.ok(scenario, 'scenario ' + op.name);
    emu.reset();
    const plan = await scenario.setup(emu);
    assert.deepEqual(Object.keys(plan.vars || {}).sort(), Object.keys(op.vars).sort(), 'the same vars');
    const put = substituter(emu, op.vars, plan.vars || {});
    let index = 0;
    for (const step of op.steps) {
      index += 1;
      const where = op.name + ' step ' + index;
      if (step.request) {
        const request = put(step.request);
        const headers = Object.assign({}, request.header);
        let body;
        if (request.data !== undefined) {
          body = JSON.stringify(request.data);
          if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
        }
        const url = new URL(request.url);
        assert.equal(url.origin, new URL(emu.url).origin, where + ': the request goes to the emulator');
        const res = await httpRequest(emu.url, request.method, url.pathname + url.search, headers, body);
        assert.ok(res.headers.date, where + ': a Date header');
        assertSameAnswer({ status: res.status, body: parsed(res.text) }, step.answer, where + ' (' + request.method + ' ' + url.pathname + ')');
      } else if (step.need === 'upload') {
        const url = new URL(put(step.url));
        const file = fileOf(step.file);
        const form = multipart('file', file.name, file.contentType, file.bytes);
        const res = await httpRequest(emu.url, 'POST', url.pathname + url.search, { 'content-type': form.contentType, 'content-length': String(form.body.length) }, form.body);
        assertSameAnswer({ status: res.status, body: parsed(res.text) }, { status: step.supply.status, body: parsed(step.supply.data) }, where + ' (upload)');
      }
    }
  });
}

/** What must not change between two recordings of an operation. */
function skeleton(op) {
  const step = (s) => {
    if (s.request) {
      return {
        request: { method: s.request.method, url: s.request.url, header: Object.keys(s.request.header).sort(), data: shape(s.request.data === undefined ? null : s.request.data) },
        answer: s.answer ? { status: s.answer.status, codes: codes(s.answer.body), body: shape(s.answer.body), date: typeof s.answer.header.date } : null,
      };
    }
    const out = { need: s.need };
    if (s.need === 'random') out.length = typeof s.length;
    if (s.need === 'upload') Object.assign(out, { url: s.url, file: s.file, status: s.supply.status, data: shape(parsed(s.supply.data)) });
    else if (s.need !== 'random') out.supply = shape(s.supply);
    return out;
  };
  return {
    name: op.name,
    method: op.method,
    session: shape(op.session),
    user: shape(op.user),
    args: shape(op.args),
    vars: Object.keys(op.vars).sort(),
    steps: op.steps.map(step),
    result: { ok: op.result.ok, code: op.result.code, serverCode: op.result.serverCode, value: shape(op.result.value === undefined ? null : op.result.value) },
    writes: op.writes.map(([key, value]) => [key, shape(value)]),
  };
}

test('recording again gives the same operations, steps and shapes (else: node tests/fixtures/record.js)', async () => {
  const { recordAll } = require('../fixtures/record');
  const again = await recordAll();
  assert.deepEqual(
    again.operations.map((op) => op.name),
    fixture.operations.map((op) => op.name)
  );
  const stale = [];
  let first = null;
  for (let i = 0; i < again.operations.length; i++) {
    try {
      assert.deepEqual(skeleton(again.operations[i]), skeleton(fixture.operations[i]), fixture.operations[i].name);
    } catch (error) {
      stale.push(fixture.operations[i].name);
      first = first || error;
    }
  }
  if (first) first.message = 'stale operations: ' + stale.join(', ') + '\n' + first.message;
  if (first) throw first;
});
