// WeChat login: account creation, the same account again, the unionid rule, bad codes.
var h = require('jsc-harness');
var sdk = require('genauth-wxapp-sdk');
var AuthenticationClient = sdk.AuthenticationClient;

function userById(id) {
  return h.emulator.users().filter(function (u) {
    return u.id === id;
  })[0];
}

h.run(async function () {
  var c = h.config;
  h.check('the package exports AuthenticationClient, GenAuthError and VERSION',
    typeof AuthenticationClient === 'function' && typeof sdk.GenAuthError === 'function' && typeof sdk.VERSION === 'string',
    { exports: Object.keys(sdk) });

  var client = new AuthenticationClient({ appId: c.appId, host: c.host });
  await client.ready();
  h.check('ready() resolves', true);
  h.checkEqual('getToken() is null before any login', await client.getToken(), null);
  h.checkEqual('getCurrentUser() is null before any login', await client.getCurrentUser(), null);

  // First login creates the account.
  var alice = h.person('alice');
  var usersBefore = h.emulator.users().length;
  var firstCode = h.emulator.mintCode(c.wechatAppId, alice);
  var first = await client.loginByCode(firstCode);
  h.check('first login returns a user with an id', first && typeof first.id === 'string' && first.id.length > 0, first);
  h.checkEqual('first login creates one account', h.emulator.users().length, usersBefore + 1);
  var record = userById(first.id);
  h.check('the new account carries the WeChat identity', !!record && record.identities.length === 1, record);
  var token = await client.getToken();
  h.check('first login stores a JWT', typeof token === 'string' && token.split('.').length === 3, token);
  h.check('the token is in wx storage under genauth:<appId>:token',
    typeof h.storage.get('genauth:' + c.appId + ':token') === 'string' && h.storage.get('genauth:' + c.appId + ':token').indexOf(token) >= 0,
    h.storage.keys());

  // A second login with a fresh code returns the same account.
  var again = await client.loginByCode(h.emulator.mintCode(c.wechatAppId, alice));
  h.checkEqual('a second login with a fresh code returns the same account', again.id, first.id);
  h.checkEqual('a second login creates no account', h.emulator.users().length, usersBefore + 1);

  // loginByCode() without a code calls wx.login itself.
  h.loginAs(alice);
  var own = await client.loginByCode();
  h.checkEqual('loginByCode() without a code (wx.login inside) returns the same account', own.id, first.id);

  // The unionid rule: first through the other app, then through this one.
  var bob = h.person('bob');
  var other = new AuthenticationClient({ appId: c.otherAppId, host: c.host });
  var viaOther = await other.loginByCode(h.emulator.mintCode(c.otherWechatAppId, bob));
  h.check('login through the other app returns a user', viaOther && typeof viaOther.id === 'string', viaOther);
  var viaMain = await client.loginByCode(h.emulator.mintCode(c.wechatAppId, bob));
  h.checkEqual('the same person through the main app gets the same account (unionid)', viaMain.id, viaOther.id);
  var bobRecord = userById(viaMain.id);
  h.check('that account now has both WeChat identities (two openids, one unionid)',
    !!bobRecord && bobRecord.identities.length === 2 && bobRecord.identities[0].unionid === bobRecord.identities[1].unionid,
    bobRecord);
  h.check('each app keeps its own session', (await other.getToken()) !== (await client.getToken()));

  // Bad codes.
  var tokenBefore = await client.getToken();
  var used = await h.rejectsWith('a reused code rejects with WX_CODE_USED', client.loginByCode(firstCode), 'WX_CODE_USED');
  h.check('WX_CODE_USED carries the WeChat code 40163 as serverCode', used && used.serverCode === 40163, h.errorInfo(used));
  h.check('the error is a GenAuthError', used instanceof sdk.GenAuthError && used.name === 'GenAuthError', h.errorInfo(used));
  var invalid = await h.rejectsWith('an unknown code rejects with WX_CODE_INVALID', client.loginByCode('no-such-code-' + c.runId), 'WX_CODE_INVALID');
  h.check('WX_CODE_INVALID carries the WeChat code 40029 as serverCode', invalid && invalid.serverCode === 40029, h.errorInfo(invalid));
  h.checkEqual('failed logins leave the session untouched', await client.getToken(), tokenBefore);
});
