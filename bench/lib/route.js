'use strict';
// Which canned body answers a request. Shared by the fake `wx` in Node (common.js) and the
// JavaScriptCore scenario (jsc-scenario.js), so that both engines answer both SDKs alike.
// ES2017, no Node API: it also runs inside jsc.

/**
 * @param {{login: string, user: string, checkLoginStatus: string, logout: string, wellKnown: string,
 *   loginByEmail: string, updateUser: string}} bodies
 * @param {{url: string, method?: string, data?: any}} options what the SDK handed to wx.request
 * @returns {string|null} the body text, or null (answered 404)
 */
function route(bodies, options) {
  var url = String(options.url);
  var method = String(options.method || 'GET').toUpperCase();
  if (method === 'POST' && /\/connections\/social\/wechat-miniprogram\/auth$/.test(url)) return bodies.login;
  if (method === 'POST' && /\/graphql\/v2$/.test(url)) {
    var data = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
    var match = /(query|mutation)\s+(\w+)/.exec(data);
    var op = match ? match[2] : '';
    if (op === 'user') return bodies.user;
    if (op === 'checkLoginStatus') return bodies.checkLoginStatus;
    if (op === 'loginByEmail') return bodies.loginByEmail;
    if (op === 'updateUser') return bodies.updateUser;
    return null;
  }
  if (method === 'GET' && /\/api\/v2\/logout$/.test(url.split('?')[0])) return bodies.logout;
  if (method === 'GET' && /\/api\/v2\/\.well-known$/.test(url.split('?')[0])) return bodies.wellKnown;
  return null;
}

module.exports = { route: route };
