// How the package uses wx: its own wx.login (retry on a stale code, shared concurrent logins,
// failures), storage failures, and sessions it finds in storage (corrupt, legacy, `token` option).
var h = require('jsc-harness');
var AuthenticationClient = require('genauth-wxapp-sdk').AuthenticationClient;

h.run(async function () {
  var c = h.config;
  var options = { appId: c.appId, host: c.host };
  var client = new AuthenticationClient(options);
  var frank = h.person('frank');
  h.loginAs(frank);

  // A code WeChat rejects: the SDK calls wx.login once more and succeeds.
  var used = h.emulator.mintCode(c.wechatAppId, frank);
  var user = await client.loginByCode(used);
  var before = h.counts().login;
  h.planLogin([{ code: used }]);
  var retried = await client.loginByCode();
  h.checkEqual('loginByCode(): a stale wx.login code is retried with a fresh one (same account)', retried.id, user.id);
  // Twice for the login, once more for the spare code the client keeps for a getPhoneNumber tap.
  h.checkEqual('loginByCode(): the retry called wx.login twice', h.counts().login - before, 3);

  // Two stale codes in a row: the second error is reported.
  h.planLogin([{ code: used }, { code: used }]);
  await h.rejectsWith('loginByCode(): two stale codes in a row reject with WX_CODE_USED', client.loginByCode(), 'WX_CODE_USED');

  // Concurrent logins without a code share one wx.login.
  before = h.counts().login;
  var both = await Promise.all([client.loginByCode(), client.loginByCode()]);
  h.check('two concurrent loginByCode() calls resolve the same account', both[0].id === user.id && both[1].id === user.id, both.map(function (u) {
    return u.id;
  }));
  // One for both calls, one for the next spare code.
  h.checkEqual('two concurrent loginByCode() calls share one wx.login', h.counts().login - before, 2);

  // wx.login failing.
  h.planLogin([{ fail: 'login:fail network error' }]);
  var failed = await h.rejectsWith('loginByCode(): wx.login failing rejects with WX_LOGIN_FAILED', client.loginByCode(), 'WX_LOGIN_FAILED');
  h.check('the WX_LOGIN_FAILED message carries the errMsg', !!failed && failed.message.indexOf('login:fail network error') >= 0, failed && failed.message);

  // Storage writes failing (e.g. the 10 MB limit).
  var token = await client.getToken();
  h.storage.failWrites('setStorageSync:fail exceed storage max size 10MB');
  await h.rejectsWith('a login whose session cannot be stored rejects with STORAGE_FAILED',
    client.loginByCode(h.emulator.mintCode(c.wechatAppId, frank)), 'STORAGE_FAILED');
  h.storage.failWrites(null);
  var held = await client.getToken();
  h.check('after STORAGE_FAILED the new session is in effect, held in memory', typeof held === 'string' && held !== token, held === token ? 'the older token' : typeof held);
  // The next write storage takes (getCurrentUser refreshes the session) ends the hold.
  var refreshed = await client.getCurrentUser();
  h.checkEqual('the held session works (getCurrentUser)', refreshed && refreshed.id, user.id);
  h.checkEqual('and is stored again', h.storage.get('genauth:' + c.appId + ':token'), await client.getToken());

  // Whatever is in storage: corrupt text reads as logged out.
  var key = 'genauth:' + c.appId + ':token';
  h.storage.set(key, '{"v":1,"tok');
  h.checkEqual('a corrupt stored session reads as logged out (getToken)', await client.getToken(), null);
  h.checkEqual('a corrupt stored session reads as logged out (getCurrentUser)', await client.getCurrentUser(), null);
  h.storage.remove(key);

  // The session authing-wxapp-sdk v4 left behind (_authing_token, _authing_user) is taken over.
  var legacyUser = await new AuthenticationClient({ appId: c.otherAppId, host: c.host }).loginByCode(h.emulator.mintCode(c.otherWechatAppId, frank));
  h.storage.remove('genauth:' + c.otherAppId + ':token');
  h.storage.set('_authing_token', legacyUser.token);
  h.storage.set('_authing_user', legacyUser);
  var adopted = new AuthenticationClient({ appId: c.otherAppId, host: c.host });
  h.checkEqual('a v4 (authing-wxapp-sdk) session in storage is taken over', await adopted.getToken(), legacyUser.token);
  var adoptedUser = await adopted.getCurrentUser();
  h.check('getCurrentUser() works on the taken-over session', adoptedUser !== null && adoptedUser.id === user.id, adoptedUser);

  // The token option replaces whatever is stored.
  var given = new AuthenticationClient({ appId: c.appId, host: c.host, token: legacyUser.token });
  h.checkEqual('the token option becomes the session', await given.getToken(), legacyUser.token);
  var status = await given.checkLoginStatus();
  h.check('checkLoginStatus() on the given token: status true', status && status.status === true, status);
});
