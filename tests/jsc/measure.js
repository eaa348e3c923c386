// Benchmark scenario for runner.measureInJsc (runs inside jsc, ES2017). Must be the first code
// that requires the package in its jsc process: the start-up figure includes loading it.
var h = require('jsc-harness');

function perSecond(count, ms) {
  return Math.round((count * 1000) / ms);
}

h.run(async function () {
  var c = h.config;
  var iterations = c.params.iterations || 200;

  // Set-up outside the timings: a code, the decompressed wasm (WeChat reads it from the package,
  // jsc needs the parent to un-Brotli it), and a transport that records what it sees.
  var code = h.emulator.mintCode(c.wechatAppId, h.person('bench'));
  h.prefetchWasm();
  var firstRequestAt = null;
  var captured = {}; // "METHOD url" -> the real answer
  h.setTransport(function (options) {
    if (firstRequestAt === null) firstRequestAt = h.now();
    var answer = h.hostRequest(options);
    captured[options.method + ' ' + options.url] = answer;
    return answer;
  });

  // (a) start-up: require + new AuthenticationClient + loginByCode(code) until wx.request.
  var t0 = h.now();
  var AuthenticationClient = require('genauth-wxapp-sdk').AuthenticationClient;
  var client = new AuthenticationClient({ appId: c.appId, host: c.host });
  var user = await client.loginByCode(code);
  var startupMs = firstRequestAt - t0;
  h.check('start-up: the first login succeeded', user && typeof user.id === 'string', user);
  var current = await client.getCurrentUser();
  h.check('a real getCurrentUser() answer was captured', current && current.id === user.id, current);

  // (b) per-call cost, with wx.request answering at once (a microtask) from the captured answers.
  var served = 0;
  h.setDelivery('microtask');
  h.setTransport(function (options) {
    var answer = captured[options.method + ' ' + options.url];
    if (!answer) return { fail: 'request:fail no canned answer for ' + options.method + ' ' + options.url };
    served += 1;
    return answer;
  });
  async function rate(call) {
    var warm = Math.max(5, Math.floor(iterations / 10));
    for (var i = 0; i < warm; i++) await call();
    var start = h.now();
    for (var j = 0; j < iterations; j++) await call();
    return perSecond(iterations, h.now() - start);
  }
  var loginByCodePerSec = await rate(function () {
    return client.loginByCode('canned-code');
  });
  var getCurrentUserPerSec = await rate(function () {
    return client.getCurrentUser();
  });
  h.check('the timed calls were answered from canned responses', served > 2 * iterations, { served: served });
  var last = await client.getCurrentUser();
  h.check('canned getCurrentUser() still returns the user', last && last.id === user.id, last);

  return {
    startupMs: Math.round(startupMs * 10) / 10,
    loginByCodePerSec: loginByCodePerSec,
    getCurrentUserPerSec: getCurrentUserPerSec
  };
});
