// The session: current user, login status, a page reload (new client, same storage), logout.
var h = require('jsc-harness');
var AuthenticationClient = require('genauth-wxapp-sdk').AuthenticationClient;

h.run(async function () {
  var c = h.config;
  var options = { appId: c.appId, host: c.host };
  var client = new AuthenticationClient(options);
  var user = await client.loginByCode(h.emulator.mintCode(c.wechatAppId, h.person('carol')));
  var token = await client.getToken();
  h.check('login gives a token', typeof token === 'string' && token.length > 0, token);

  var current = await client.getCurrentUser();
  h.check('getCurrentUser() after login returns the logged-in user', current !== null && current.id === user.id, current);
  // GenAuth returns the user with a fresh token, and the SDK keeps it (as authing-wxapp-sdk v4).
  token = await client.getToken();
  h.check('getCurrentUser() keeps the token that came with the user', typeof token === 'string' && token === current.token, { stored: token, returned: current.token });

  var status = await client.checkLoginStatus();
  h.check('checkLoginStatus() after login: status true', status && status.status === true, status);
  h.check('checkLoginStatus() after login: data.id is the user id', status && status.data && status.data.id === user.id, status);
  h.check('checkLoginStatus() reports exp after iat', status && typeof status.exp === 'number' && typeof status.iat === 'number' && status.exp > status.iat, status);
  var explicit = await client.checkLoginStatus(token);
  h.check('checkLoginStatus(token) with the token given: status true', explicit && explicit.status === true && explicit.data.id === user.id, explicit);

  // A page reload: a new client over the same wx storage.
  var reloaded = new AuthenticationClient(options);
  h.checkEqual('the session survives a new AuthenticationClient (page reload): same token', await reloaded.getToken(), token);
  var again = await reloaded.getCurrentUser();
  h.check('after the reload getCurrentUser() returns the same user', again !== null && again.id === user.id, again);
  token = await reloaded.getToken();
  var bare = new AuthenticationClient(c.appId);
  h.checkEqual('new AuthenticationClient(appId string) sees the same session', await bare.getToken(), token);

  // Logout.
  await reloaded.logout();
  h.checkEqual('after logout getToken() is null', await reloaded.getToken(), null);
  h.checkEqual('after logout getCurrentUser() is null', await reloaded.getCurrentUser(), null);
  h.checkEqual('after logout the other client (same storage) has no token either', await client.getToken(), null);
  h.checkEqual('logout removes the session from wx storage', h.storage.get('genauth:' + c.appId + ':token'), '');
  var after = new AuthenticationClient(options);
  h.checkEqual('after logout and a reload getToken() is still null', await after.getToken(), null);
  var revoked = await client.checkLoginStatus(token);
  h.check('the logged-out token is no longer valid on the server', revoked && revoked.status === false, revoked);
  h.checkEqual('logout when already logged out resolves', await after.logout(), undefined);
  var requests = h.counts().request;
  var none = await after.checkLoginStatus();
  h.check('checkLoginStatus() when logged out: status false, code 2020', none && none.status === false && none.code === 2020, none);
  h.checkEqual('getCurrentUser() when logged out: null', await after.getCurrentUser(), null);
  h.checkEqual('checkLoginStatus() and getCurrentUser() when logged out send no request', h.counts().request - requests, 0);

  // An expired token (the emulator's clock moved past the 15-day lifetime).
  await client.loginByCode(h.emulator.mintCode(c.wechatAppId, h.person('carol')));
  h.emulator.setClockOffset(16 * 24 * 3600 * 1000);
  try {
    var expired = await h.rejectsWith('getCurrentUser() with an expired token rejects with SESSION_EXPIRED', client.getCurrentUser(), 'SESSION_EXPIRED');
    h.check('SESSION_EXPIRED carries GenAuth code 2206', expired && expired.serverCode === 2206, h.errorInfo(expired));
    h.checkEqual('a token GenAuth reports expired ends the session: getToken() is null', await client.getToken(), null);
    h.checkEqual('... and the token is gone from wx storage', h.storage.get('genauth:' + c.appId + ':token'), '');
    await client.logout();
    h.checkEqual('logout() after that resolves', await client.getToken(), null);
  } finally {
    h.emulator.setClockOffset(0);
  }
  // A verdict of checkLoginStatus() on the session's own token ends the session too.
  await client.loginByCode(h.emulator.mintCode(c.wechatAppId, h.person('carol')));
  h.emulator.setClockOffset(16 * 24 * 3600 * 1000);
  try {
    var stale = await client.checkLoginStatus();
    h.check('checkLoginStatus() with an expired token: status false, code 2206', stale && stale.status === false && stale.code === 2206, stale);
    h.checkEqual('a false verdict on the session token ends the session', await client.getToken(), null);
  } finally {
    h.emulator.setClockOffset(0);
  }
});
