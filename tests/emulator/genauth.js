'use strict';
// The GenAuth (Authing) side, v4 dialect as authing-wxapp-sdk 4.3.22 speaks it (wire doc §1.2,
// §2.2–§2.6, §4.5, §7): the WeChat mini-program REST routes, GraphQL `user` and `checkLoginStatus`,
// logout, and the dispatchers for every REST route and GraphQL operation (auth.js, account.js).
// Every answer is HTTP 200 JSON; handlers return the JSON value or throw ApiError.

const crypto = require('crypto');
const wechat = require('./wechat');
const users = require('./users');
const auth = require('./auth');
const account = require('./account');
const { ERRORS, ApiError, fail, envelope, graphqlError, jsonBody } = require('./errors');

const MINIPROGRAM_PROVIDER = 'wechat-miniprogram';

// ---------------------------------------------------------------------------------------------
// WeChat identities and the account rule (wire doc §4.5)

function connectionIdFor(wechatAppId) {
  return crypto.createHash('sha256').update('connection:' + wechatAppId).digest('hex').slice(0, 24);
}

function findByUnionid(state, userPoolId, unionid) {
  if (!unionid) return undefined;
  return users.usersInPool(state, userPoolId).find(
    (user) => user.unionid === unionid || user.identities.some((identity) => identity.unionid === unionid)
  );
}

function findByOpenid(state, userPoolId, openid) {
  return users.usersInPool(state, userPoolId).find(
    (user) => user.openid === openid || user.identities.some((identity) => identity.openid === openid)
  );
}

/** Records the WeChat identity of a code on `user` (once per openid); fills openid/unionid if empty. */
function attachIdentity(user, codeRecord) {
  if (!user.identities.some((identity) => identity.openid === codeRecord.openid)) {
    user.identities.push({
      provider: MINIPROGRAM_PROVIDER,
      wechatAppId: codeRecord.wechatAppId,
      openid: codeRecord.openid,
      unionid: codeRecord.unionid,
      userIdInIdp: codeRecord.unionid || codeRecord.openid,
      connectionId: connectionIdFor(codeRecord.wechatAppId),
    });
  }
  if (!user.openid) user.openid = codeRecord.openid;
  if (!user.unionid) user.unionid = codeRecord.unionid;
}

/** Account rule (wire doc §4.5 rule 1): by unionid, else by openid, else a new user. */
function resolveWechatUser(state, app, codeRecord) {
  let user = findByUnionid(state, app.userPoolId, codeRecord.unionid);
  if (!user) user = findByOpenid(state, app.userPoolId, codeRecord.openid);
  if (!user) user = users.createUser(state, app.userPoolId, 'social:' + MINIPROGRAM_PROVIDER);
  attachIdentity(user, codeRecord);
  return user;
}

const GENDERS = { 1: 'M', 2: 'F' };

/** Copies WeChat userInfo (`{nickName, avatarUrl, gender, city, province, country, language}`) onto `user`. */
function applyProfile(user, info) {
  const copy = (field, value) => {
    if (value !== undefined && value !== null && value !== '') user[field] = value;
  };
  copy('nickname', info.nickName);
  copy('photo', info.avatarUrl);
  if (info.gender !== undefined) user.gender = GENDERS[info.gender] || 'U';
  copy('city', info.city);
  copy('province', info.province);
  copy('country', info.country);
  const raw = Object.assign({}, info);
  delete raw.watermark;
  user.oauth = JSON.stringify(raw);
}

// ---------------------------------------------------------------------------------------------
// REST: /connections/social/wechat-miniprogram/*

/** Common prologue of the WeChat routes: app, JSON body, required fields, and the consumed wx code. */
function wechatPrologue(state, ctx, requiredFields) {
  const app = users.requireApp(state, ctx);
  const body = jsonBody(ctx);
  for (const field of requiredFields) {
    const value = body[field];
    if (typeof value !== 'string' || value === '') fail(ERRORS.MISSING_PARAMS);
  }
  const consumed = wechat.consumeCode(state, app.wechatAppId, body.code);
  if (consumed.errcode) throw new ApiError(consumed.errcode, consumed.errmsg);
  return { app, body, codeRecord: consumed.record };
}

/** Decrypts with the code's session key and checks the watermark; 400 on any failure. */
function decryptForApp(app, codeRecord, encryptedData, iv) {
  const value = wechat.decrypt(codeRecord.sessionKey, encryptedData, iv);
  if (!value || !value.watermark || value.watermark.appid !== app.wechatAppId) fail(ERRORS.DECRYPT_FAILED);
  return value;
}

/** POST /connections/social/wechat-miniprogram/auth {code, iv?, encryptedData?, rawData?} */
function loginByCode(state, ctx) {
  const { app, body, codeRecord } = wechatPrologue(state, ctx, ['code']);
  let info = null;
  if (typeof body.rawData === 'string' && body.rawData !== '') {
    try {
      info = JSON.parse(body.rawData);
    } catch (e) {
      info = null;
    }
    if (!info || typeof info !== 'object') fail([400], 'rawData 不是合法的 JSON');
  } else if (body.iv && body.encryptedData) {
    info = decryptForApp(app, codeRecord, body.encryptedData, body.iv);
  }
  const user = resolveWechatUser(state, app, codeRecord);
  if (info) applyProfile(user, info);
  users.recordLogin(state, user, app, ctx);
  return envelope(200, '登录成功', users.publicUser(user, false));
}

function decryptPhone(app, codeRecord, body) {
  const info = decryptForApp(app, codeRecord, body.encryptedData, body.iv);
  if (!(info.purePhoneNumber || info.phoneNumber)) fail(ERRORS.DECRYPT_FAILED);
  return info;
}

/** POST /connections/social/wechat-miniprogram/auth-by-phone {code, iv, encryptedData} */
function loginByPhone(state, ctx) {
  const { app, body, codeRecord } = wechatPrologue(state, ctx, ['code', 'iv', 'encryptedData']);
  const info = decryptPhone(app, codeRecord, body);
  const phone = info.purePhoneNumber || info.phoneNumber;
  let user = users.findByPhone(state, app.userPoolId, phone);
  if (user) {
    attachIdentity(user, codeRecord);
  } else {
    user = resolveWechatUser(state, app, codeRecord);
    user.phone = phone;
    user.phoneVerified = true;
  }
  users.recordLogin(state, user, app, ctx);
  return envelope(200, '登录成功', users.publicUser(user, false));
}

/** POST /connections/social/wechat-miniprogram/getphone {code, iv, encryptedData} */
function getPhone(state, ctx) {
  const { app, body, codeRecord } = wechatPrologue(state, ctx, ['code', 'iv', 'encryptedData']);
  const info = decryptPhone(app, codeRecord, body);
  return envelope(200, '获取成功', {
    countryCode: info.countryCode === undefined ? null : info.countryCode,
    phoneNumber: info.phoneNumber === undefined ? null : info.phoneNumber,
    purePhoneNumber: info.purePhoneNumber === undefined ? null : info.purePhoneNumber,
    openid: codeRecord.openid,
    unionid: codeRecord.unionid,
  });
}

/** GET /api/v2/logout?app_id=<appId> with the token to revoke. */
function logout(state, ctx) {
  const app = users.appFromHeaders(state, ctx.headers) || state.apps.get(ctx.query.app_id || '');
  if (!app) fail(ERRORS.APP_NOT_FOUND);
  const checked = users.checkToken(state, users.tokenFromHeaders(ctx.headers), app);
  if (!checked.user) fail([2020], '尚未登录');
  state.revoked.add(checked.payload.jti);
  return envelope(200, '退出成功');
}

// ---------------------------------------------------------------------------------------------
// GraphQL: POST /graphql/v2

/** query user($id: String): the session's user, with identities and a fresh token. */
function queryUser(state, ctx, app) {
  const user = users.requireSession(state, ctx, app);
  users.issueToken(state, user, app);
  return { data: { user: users.publicUser(user, true) } };
}

/** query checkLoginStatus($token: String): the status as data (never an error). */
function queryCheckLoginStatus(state, ctx, app, variables) {
  const token = typeof variables.token === 'string' && variables.token ? variables.token : users.tokenFromHeaders(ctx.headers);
  const checked = users.checkToken(state, token, app);
  let status;
  if (checked.user) {
    status = {
      code: 200,
      message: '已登录',
      status: true,
      exp: checked.payload.exp,
      iat: checked.payload.iat,
      data: { id: checked.user.id, userPoolId: checked.user.userPoolId, arn: null },
    };
  } else {
    const [code, message] = checked.problem === 'expired' ? ERRORS.LOGIN_EXPIRED : ERRORS.LOGIN_INVALID;
    status = { code, message, status: false, exp: null, iat: null, data: null };
  }
  return { data: { checkLoginStatus: status } };
}

/** Every GraphQL operation, by the name after `query` / `mutation`. */
const GRAPHQL_OPERATIONS = Object.assign(
  { user: queryUser, checkLoginStatus: queryCheckLoginStatus },
  auth.GRAPHQL_OPERATIONS,
  account.GRAPHQL_OPERATIONS
);

function graphql(state, ctx) {
  const app = users.requireApp(state, ctx);
  let request;
  try {
    request = JSON.parse(ctx.body);
  } catch (e) {
    request = null;
  }
  if (!request || typeof request.query !== 'string') fail(ERRORS.BAD_JSON_BODY);
  const match = /(query|mutation)\s+(\w+)/.exec(request.query);
  const name = match ? match[2] : '';
  const operation = Object.prototype.hasOwnProperty.call(GRAPHQL_OPERATIONS, name) ? GRAPHQL_OPERATIONS[name] : null;
  if (!operation) fail([500], 'unsupported operation ' + (name || '<anonymous>'));
  const variables = request.variables && typeof request.variables === 'object' ? request.variables : {};
  return operation(state, ctx, app, variables);
}

// ---------------------------------------------------------------------------------------------

/** A REST handler whose ApiError becomes the v2 envelope {code, message, data: null}. */
function rest(handler) {
  return (state, ctx) => {
    try {
      return handler(state, ctx);
    } catch (e) {
      if (e instanceof ApiError) return envelope(e.code, e.message);
      throw e;
    }
  };
}

/** POST /graphql/v2: an ApiError becomes {errors: [{message: {code, message, data}}], data: null}. */
function graphqlRoute(state, ctx) {
  try {
    return graphql(state, ctx);
  } catch (e) {
    if (e instanceof ApiError) return graphqlError(e.code, e.message);
    throw e;
  }
}

const REST_ROUTES = Object.assign(
  {
    'POST /connections/social/wechat-miniprogram/auth': loginByCode,
    'POST /connections/social/wechat-miniprogram/auth-by-phone': loginByPhone,
    'POST /connections/social/wechat-miniprogram/getphone': getPhone,
    'GET /api/v2/logout': logout,
  },
  auth.ROUTES,
  account.ROUTES
);

/** Routes keyed by "METHOD /path"; each handler is (state, ctx) -> JSON value (sent with HTTP 200). */
const ROUTES = { 'POST /graphql/v2': graphqlRoute };
for (const [key, handler] of Object.entries(REST_ROUTES)) ROUTES[key] = rest(handler);

module.exports = {
  ROUTES,
  GRAPHQL_OPERATIONS,
  uploadedFile: account.uploadedFile,
  userRecord: users.userRecord,
  publicUser: users.publicUser,
  checkToken: users.checkToken,
  issueToken: users.issueToken,
  tokenFromHeaders: users.tokenFromHeaders,
};
