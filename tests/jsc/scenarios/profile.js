// Non-ASCII text both ways through the wasm boundary, which on jsc (as on phones) goes through
// the package's own UTF-8 codec: WeChat user info in, the user and Chinese error messages out.
var h = require('jsc-harness');
var AuthenticationClient = require('genauth-wxapp-sdk').AuthenticationClient;

var NICKNAME = '小程序用户 😀 Ünïcødé';
var CITY = '深圳';

h.run(async function () {
  var c = h.config;
  var client = new AuthenticationClient({ appId: c.appId, host: c.host });
  var erin = h.person('erin');

  // rawData (wx.getUserProfile's userInfo as JSON text).
  var rawData = JSON.stringify({ nickName: NICKNAME, avatarUrl: 'https://example.invalid/a.png', gender: 2, city: CITY, province: '广东', country: '中国', language: 'zh_CN' });
  var user = await client.loginByCode(h.emulator.mintCode(c.wechatAppId, erin), { rawData: rawData });
  h.checkEqual('loginByCode with rawData: the non-ASCII nickname comes back intact', user.nickname, NICKNAME);
  h.checkEqual('loginByCode with rawData: the city comes back intact', user.city, CITY);
  var current = await client.getCurrentUser();
  h.checkEqual('getCurrentUser(): the nickname is intact', current && current.nickname, NICKNAME);
  var stored = h.storage.get('genauth:' + c.appId + ':user');
  h.check('the stored user holds the nickname intact', stored !== null && typeof stored === 'object' && stored.nickname === NICKNAME, stored);
  var reloaded = new AuthenticationClient({ appId: c.appId, host: c.host });
  var again = await reloaded.getCurrentUser();
  h.checkEqual('after a reload the nickname is intact', again && again.nickname, NICKNAME);

  // iv + encryptedData (the same user info, encrypted with the code's session key).
  var code = h.emulator.mintCode(c.wechatAppId, erin);
  var sealed = h.emulator.encryptFor(code, { nickName: '加密的 ' + NICKNAME, gender: 1 });
  var viaEncrypted = await client.loginByCode(code, { iv: sealed.iv, encryptedData: sealed.encryptedData });
  h.checkEqual('loginByCode with iv + encryptedData: same account', viaEncrypted.id, user.id);
  h.checkEqual('loginByCode with iv + encryptedData: the nickname is intact', viaEncrypted.nickname, '加密的 ' + NICKNAME);

  // Error messages come out of the core in Chinese by default, in English with lang en-US.
  var zh = await h.rejectsWith('a reused code rejects with WX_CODE_USED (zh-CN)', client.loginByCode(code), 'WX_CODE_USED');
  var zhMessage = zh ? zh.message : '';
  h.check('the zh-CN message is Chinese text, without replacement characters',
    /[\u4e00-\u9fff]/.test(zhMessage) && zhMessage.indexOf('\ufffd') < 0, zhMessage);
  var english = new AuthenticationClient({ appId: c.appId, host: c.host, lang: 'en-US' });
  var en = await h.rejectsWith('a reused code rejects with WX_CODE_USED (en-US)', english.loginByCode(code), 'WX_CODE_USED');
  h.check('the en-US message is English text', !!en && /^[\x20-\x7e]+$/.test(en.message) && en.message.length > 5, en && en.message);

  // A wrong option is reported by the core, in the language asked for.
  var bad = new AuthenticationClient({ appId: c.appId, host: c.host, noSuchOption: 1 });
  await h.rejectsWith('an unknown option rejects ready() with INVALID_OPTIONS', bad.ready(), 'INVALID_OPTIONS');
});
