// The bench inside JavaScriptCore (jsc, through tests/jsc/runner.js runScenario): one SDK per
// jsc process, ours (`genauth-wxapp-sdk`, the package folder the runner mounts) or the peer
// (`./authing-wxapp-sdk.js`, its esbuild bundle beside this file). ES2017 only.
//
// params.mode 'time': start-up (just before `require` → the first `wx.request` made by
//   `loginByCode(code)`), the first `loginByEmail` (it fetches the password key), then per
//   method a warm-up and `rounds` timed rounds of awaited calls.
// Random bytes: the harness's `wx.getRandomValues` (counted; ours draws its padding from it,
//   the peer's JSEncrypt from `Math.random`).
// params.mode 'breakdown' (ours, instrumented copy of the package): where a call spends its time
//   (lib/profiler.js), after a warm-up.
// Both: `wx.request` answers on a microtask from the bench's canned bodies (./fixtures.js,
// lib/route.js): the same bodies, routes and delivery for both SDKs.
var h = require('jsc-harness');
var fixtures = require('./fixtures.js');
var route = require('./route.js').route;

var p = h.config.params;
var OPS = {
  loginByCode: function (c, i) {
    return c.loginByCode('bench-code-' + i);
  },
  getCurrentUser: function (c) {
    return c.getCurrentUser();
  },
  checkLoginStatus: function (c) {
    return c.checkLoginStatus();
  },
  // The password key is cached by then (the first loginByEmail, timed apart, fetched it).
  loginByEmail: function (c) {
    return c.loginByEmail(p.email, p.password);
  },
  updateProfile: function (c, i) {
    return c.updateProfile({ nickname: 'bench-' + (i & 7) });
  }
};
var opNames = p.ops || Object.keys(OPS);

var served = 0;
var unrouted = [];
// params.wellKnown: another `.well-known` answer (the 1024-bit key run).
var bodies = p.wellKnown ? Object.assign({}, fixtures, { wellKnown: p.wellKnown }) : fixtures;
/**
 * The canned answer. With dataType 'json' (WeChat's default) and a text response, WeChat hands
 * over the body parsed: done here, inside wx.request (host time), on a fresh copy per request.
 */
function answer(options) {
  served += 1;
  var text = route(bodies, options);
  if (text === null) {
    if (unrouted.length < 5) unrouted.push(options.method + ' ' + options.url);
    return { statusCode: 404, data: 'Not Found', header: { 'content-type': 'text/plain' } };
  }
  var data = options.responseType !== 'arraybuffer' && options.dataType === 'json' ? JSON.parse(text) : text;
  return { statusCode: 200, data: data, header: { 'content-type': 'application/json; charset=utf-8' } };
}

function loadSdk() {
  return p.sdk === 'peer' ? require('./authing-wxapp-sdk.js') : require('genauth-wxapp-sdk');
}

async function calls(client, op, n, offset) {
  var fn = OPS[op];
  for (var i = 0; i < n; i++) await fn(client, offset + i);
}

async function logIn(client) {
  var user = await client.loginByCode('bench-first-code');
  h.check(p.sdk + ': loginByCode resolves the user', user && typeof user.id === 'string', user);
  var current = await client.getCurrentUser();
  h.check(p.sdk + ': getCurrentUser resolves the same user', current && user && current.id === user.id, current);
  var status = await client.checkLoginStatus();
  h.check(p.sdk + ': checkLoginStatus resolves an answer', status && typeof status === 'object', status);
  return user;
}

/** The first password login of the client (GET .well-known, then the login), timed. */
async function firstPasswordLogin(client) {
  var before = served;
  var randoms = h.counts().getRandomValues;
  var t = h.now();
  var emailUser = await client.loginByEmail(p.email, p.password);
  var ms = h.now() - t;
  h.check(p.sdk + ': loginByEmail resolves the e-mail user', emailUser && emailUser.email === p.email, emailUser);
  var updated = await client.updateProfile({ nickname: 'bench-0' });
  h.check(p.sdk + ': updateProfile resolves the user', updated && emailUser && updated.id === emailUser.id, updated);
  return { ms: ms, requests: served - before, wxGetRandomValues: h.counts().getRandomValues - randoms };
}

async function timeMode() {
  var firstRequestAt = null;
  h.setTransport(function (options) {
    if (firstRequestAt === null) firstRequestAt = h.now();
    return answer(options);
  });
  var t0 = h.now();
  var sdk = loadSdk();
  var tRequired = h.now();
  var client = new sdk.AuthenticationClient({ appId: p.appId, host: p.host });
  var user = await logIn(client);
  var first = opNames.indexOf('loginByEmail') >= 0 ? await firstPasswordLogin(client) : null;
  var out = { sdk: p.sdk, startupMs: firstRequestAt - t0, requireMs: tRequired - t0, userKeys: user ? Object.keys(user).length : 0, firstLoginByEmail: first, ops: {} };
  var offset = 0;
  for (var k = 0; k < opNames.length; k++) {
    var op = opNames[k];
    var w0 = h.now();
    await calls(client, op, p.warmup, offset);
    offset += p.warmup;
    var perCallMs = (h.now() - w0) / p.warmup;
    var n = Math.max(p.minN, Math.min(p.maxN, Math.round(p.batchMs / perCallMs)));
    var rounds = [];
    for (var r = 0; r < p.rounds; r++) {
      var before = served;
      var randoms = h.counts().getRandomValues;
      var t = h.now();
      await calls(client, op, n, offset);
      rounds.push({ n: n, ms: h.now() - t, requests: served - before, wxGetRandomValues: h.counts().getRandomValues - randoms });
      offset += n;
    }
    out.ops[op] = { warmup: p.warmup, warmupMsPerCall: perCallMs, rounds: rounds };
  }
  return out;
}

async function breakdownMode() {
  var lib = require('./profiler.js');
  var prof = lib.createProfiler(h.now);
  var state = {};
  // The instrumented copy's core.js hands the glue factory to this hook (lib/jsc.js).
  var hook;
  try {
    hook = require('/miniprogram_npm/genauth-wxapp-sdk/bench-hook.js');
  } catch (e) {
    hook = null;
  }
  if (hook) hook.factory = lib.glueHook(prof, state);
  prof.setEnabled(false);
  prof.wrapJson(JSON);
  prof.wrapWx(wx, ['request', 'getStorageSync', 'setStorageSync', 'removeStorageSync', 'login', 'getRandomValues']);
  h.setTransport(answer);
  var sdk = loadSdk();
  var client = new sdk.AuthenticationClient({ appId: p.appId, host: p.host });
  await logIn(client);
  if (opNames.indexOf('loginByEmail') >= 0) await firstPasswordLogin(client);
  prof.setEnabled(true);
  var calibration = prof.calibrate(p.calibration);
  prof.setEnabled(false);
  var out = { sdk: p.sdk, hooked: !!(hook && state.factoryCalls), wrapped: state.wrapped || [], frameMs: calibration.frameMs, insideMs: calibration.insideMs, ops: {} };
  var offset = 0;
  for (var k = 0; k < opNames.length; k++) {
    var op = opNames[k];
    await calls(client, op, p.warmup, offset);
    offset += p.warmup;
    // Rounds, and the median one kept: a pause of the machine spoils one round, not the figure.
    var rounds = [];
    for (var r = 0; r < p.rounds; r++) {
      prof.reset();
      prof.setEnabled(true);
      var t = h.now();
      await calls(client, op, p.calls, offset);
      var ms = h.now() - t;
      prof.setEnabled(false);
      offset += p.calls;
      rounds.push({ calls: p.calls, ms: ms, stats: prof.snapshot() });
    }
    out.ops[op] = medianRound(rounds);
  }
  prof.restore();
  return out;
}

/** The round of median duration, with the durations of all rounds. */
function medianRound(rounds) {
  var sorted = rounds.slice().sort(function (a, b) {
    return a.ms - b.ms;
  });
  var pick = sorted[Math.floor((sorted.length - 1) / 2)];
  pick.roundsMs = rounds.map(function (x) {
    return x.ms;
  });
  return pick;
}

h.run(async function () {
  h.prefetchWasm(); // outside every timing: jsc cannot un-Brotli, the parent does
  h.setDelivery('microtask');
  var out = p.mode === 'breakdown' ? await breakdownMode() : await timeMode();
  out.served = served;
  out.unrouted = unrouted;
  h.check('every request had a canned answer', unrouted.length === 0, unrouted);
  return out;
});
