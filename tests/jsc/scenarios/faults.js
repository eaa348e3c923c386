// Server and network faults: each rejects with its code and leaves the stored session alone.
var h = require('jsc-harness');
var AuthenticationClient = require('genauth-wxapp-sdk').AuthenticationClient;

var LOGIN_PATH = '/connections/social/wechat-miniprogram/auth';
var GRAPHQL_PATH = '/graphql/v2';
var LOGOUT_PATH = '/api/v2/logout';

h.run(async function () {
  var c = h.config;
  var client = new AuthenticationClient({ appId: c.appId, host: c.host });
  var dave = h.person('dave');
  var user = await client.loginByCode(h.emulator.mintCode(c.wechatAppId, dave));
  var token = await client.getToken();
  h.check('login before the faults', typeof token === 'string' && user && typeof user.id === 'string', user);

  var faults = [
    { kind: 'http500html', code: 'SERVER_ERROR', what: 'a server 500 with an HTML body' },
    { kind: 'invalidJson', code: 'INVALID_RESPONSE', what: 'invalid JSON' },
    { kind: 'drop', code: 'NETWORK_ERROR', what: 'a dropped connection' }
  ];
  try {
    for (var i = 0; i < faults.length; i++) {
      var f = faults[i];
      // During loginByCode (a faulted login does not consume the code).
      var code = h.emulator.mintCode(c.wechatAppId, dave);
      h.emulator.injectFault({ path: LOGIN_PATH, kind: f.kind });
      await h.rejectsWith('loginByCode: ' + f.what + ' rejects with ' + f.code, client.loginByCode(code), f.code);
      h.checkEqual('loginByCode: after ' + f.what + ' the stored token is unchanged', await client.getToken(), token);
      // During getCurrentUser.
      h.emulator.injectFault({ path: GRAPHQL_PATH, kind: f.kind });
      await h.rejectsWith('getCurrentUser: ' + f.what + ' rejects with ' + f.code, client.getCurrentUser(), f.code);
      h.checkEqual('getCurrentUser: after ' + f.what + ' the stored token is unchanged', await client.getToken(), token);
    }

    // A network failure during logout: the session ends on the device all the same, and
    // the call says GenAuth was not told.
    h.emulator.injectFault({ path: LOGOUT_PATH, kind: 'drop' });
    await h.rejectsWith('logout: a dropped connection rejects with LOGGED_OUT_LOCALLY', client.logout(), 'LOGGED_OUT_LOCALLY');
    h.checkEqual('logout: after a dropped connection nobody is logged in on the device', await client.getToken(), null);
    await client.loginByCode(h.emulator.mintCode(c.wechatAppId, dave));
    token = await client.getToken();

    // A slow server: the request times out.
    var hasty = new AuthenticationClient({ appId: c.appId, host: c.host, timeout: 300 });
    h.emulator.injectFault({ path: GRAPHQL_PATH, kind: 'delay', delayMs: 1000 });
    await h.rejectsWith('getCurrentUser: no answer within the timeout rejects with TIMEOUT', hasty.getCurrentUser(), 'TIMEOUT');
    h.checkEqual('after a timeout the stored token is unchanged', await hasty.getToken(), token);
  } finally {
    h.emulator.clearFaults();
  }

  // Everything still works once the faults are gone.
  var current = await client.getCurrentUser();
  h.check('after the faults getCurrentUser() works again', current !== null && current.id === user.id, current);
});
