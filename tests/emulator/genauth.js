'use strict';
// The GenAuth (Authing) side, v4 dialect as authing-wxapp-sdk 4.3.22 speaks it (wire doc §1.2,
// §2.2, §2.4, §2.6, §4.5, §7): the WeChat mini-program REST routes, GraphQL `user` and
// `checkLoginStatus`, and logout. Every answer is HTTP 200 JSON; handlers return the JSON value.

const crypto = require('crypto');
const jwt = require('./jwt');
const wechat = require('./wechat');

const MINIPROGRAM_PROVIDER = 'wechat-miniprogram';

// ---------------------------------------------------------------------------------------------
// Envelopes and errors

function envelope(code, message, data) {
  return { code, message, data: data === undefined ? null : data };
}

function graphqlError(code, message) {
  return { errors: [{ message: { code, message, data: null }, locations: [], extensions: {} }], data: null };
}

const APP_NOT_FOUND = [2224, '应用不存在'];
const MISSING_PARAMS = [2231, '请求参数不全'];
const DECRYPT_FAILED = [400, '解密失败'];
const BAD_JSON_BODY = [400, '请求体不是合法的 JSON'];
const NOT_LOGGED_IN = [2020, '尚未登录，无访问权限'];
const LOGIN_EXPIRED = [2206, '登录信息已过期'];

// ---------------------------------------------------------------------------------------------
// Apps, tokens

/** The app named by the x-authing-app-id header, or undefined. */
function appFromHeaders(state, headers) {
  const appId = headers['x-authing-app-id'];
  return appId ? state.apps.get(appId) : undefined;
}

/** The token of an `Authorization: Bearer <jwt>` or `Authorization: <jwt>` header, or ''. */
function tokenFromHeaders(headers) {
  const value = (headers.authorization || '').trim();
  return value.replace(/^Bearer\s+/i, '').trim();
}

function iso(ms) {
  return new Date(ms).toISOString();
}

/** Issues a fresh token for `user` logged in through `app`; stores it on the user record. */
function issueToken(state, user, app) {
  const iat = Math.floor(state.now() / 1000);
  const exp = iat + state.tokenTtlSeconds;
  const token = jwt.sign(
    {
      sub: user.id,
      aud: app.appId,
      iat,
      exp,
      iss: state.url + '/oidc',
      jti: crypto.randomBytes(12).toString('hex'), // two tokens issued in the same second still differ
      data: { type: 'user', id: user.id, userPoolId: user.userPoolId, appId: app.appId },
    },
    state.secret
  );
  user.token = token;
  user.tokenExpiredAt = iso(exp * 1000);
  return token;
}

/**
 * Checks a token: { user, payload } when valid, else { problem: 'missing' | 'invalid' | 'expired' | 'revoked' }.
 * A token is invalid if its signature does not check, its user no longer exists, or (with `app`)
 * its user pool is not the app's.
 */
function checkToken(state, token, app) {
  if (!token) return { problem: 'missing' };
  const payload = jwt.verify(token, state.secret);
  if (!payload || !payload.data || typeof payload.exp !== 'number') return { problem: 'invalid' };
  const user = state.users.get(payload.sub);
  if (!user || (app && user.userPoolId !== app.userPoolId)) return { problem: 'invalid' };
  if (payload.jti && state.revoked.has(payload.jti)) return { problem: 'revoked' };
  if (payload.exp * 1000 <= state.now()) return { problem: 'expired' };
  return { user, payload };
}

// ---------------------------------------------------------------------------------------------
// Users

// The v4 `User` selection set (wire doc §2.6), in order, without `identities`.
const USER_FIELDS = (
  'id arn userPoolId status username email emailVerified phone phoneVerified unionid openid nickname ' +
  'registerSource photo password oauth token tokenExpiredAt loginsCount lastLogin lastIP signedUp blocked ' +
  'isDeleted device browser company name givenName familyName middleName profile preferredUsername website ' +
  'gender birthdate zoneinfo locale address formatted streetAddress locality region postalCode city province ' +
  'country createdAt updatedAt externalId'
).split(' ');

function randomId() {
  return crypto.randomBytes(12).toString('hex');
}

function connectionIdFor(wechatAppId) {
  return crypto.createHash('sha256').update('connection:' + wechatAppId).digest('hex').slice(0, 24);
}

function createUser(state, userPoolId) {
  const id = randomId();
  const now = iso(state.now());
  const user = { identities: [] };
  for (const field of USER_FIELDS) user[field] = null;
  Object.assign(user, {
    id,
    arn: 'arn:cn:authing:' + userPoolId + ':user:' + id,
    userPoolId,
    status: 'Activated',
    emailVerified: false,
    phoneVerified: false,
    registerSource: ['social:' + MINIPROGRAM_PROVIDER],
    loginsCount: 0,
    signedUp: now,
    blocked: false,
    isDeleted: false,
    createdAt: now,
    updatedAt: now,
  });
  state.users.set(id, user);
  return user;
}

function usersInPool(state, userPoolId) {
  return Array.from(state.users.values()).filter((user) => user.userPoolId === userPoolId);
}

function findByUnionid(state, userPoolId, unionid) {
  if (!unionid) return undefined;
  return usersInPool(state, userPoolId).find(
    (user) => user.unionid === unionid || user.identities.some((identity) => identity.unionid === unionid)
  );
}

function findByOpenid(state, userPoolId, openid) {
  return usersInPool(state, userPoolId).find(
    (user) => user.openid === openid || user.identities.some((identity) => identity.openid === openid)
  );
}

function findByPhone(state, userPoolId, phone) {
  return usersInPool(state, userPoolId).find((user) => user.phone === phone);
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
  if (!user) user = createUser(state, app.userPoolId);
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

function recordLogin(state, user, app, ctx) {
  const now = iso(state.now());
  user.loginsCount += 1;
  user.lastLogin = now;
  user.lastIP = ctx.remoteAddress || null;
  user.updatedAt = now;
  issueToken(state, user, app);
}

/** The `User` object as the API returns it (wire doc §2.6); with `identities` for the `user` query. */
function publicUser(user, withIdentities) {
  const out = {};
  for (const field of USER_FIELDS) {
    out[field] = user[field] === undefined ? null : user[field];
    if (field === 'phoneVerified' && withIdentities) {
      out.identities = user.identities.map((identity) => ({
        openid: identity.openid,
        userIdInIdp: identity.userIdInIdp,
        userId: user.id,
        connectionId: identity.connectionId,
        isSocial: true,
        provider: identity.provider,
        userPoolId: user.userPoolId,
      }));
    }
  }
  out.password = null;
  out.registerSource = user.registerSource.slice();
  return out;
}

/** A deep copy of a stored user record (for the admin API and `users()`). */
function userRecord(user) {
  return JSON.parse(JSON.stringify(user));
}

// ---------------------------------------------------------------------------------------------
// REST: /connections/social/wechat-miniprogram/*

/** Parses a JSON object body; returns the object or an error envelope in { error }. */
function jsonBody(ctx) {
  if (ctx.body === '') return { value: {} };
  try {
    const value = JSON.parse(ctx.body);
    if (value && typeof value === 'object' && !Array.isArray(value)) return { value };
  } catch (e) {
    // fall through
  }
  return { error: envelope(BAD_JSON_BODY[0], BAD_JSON_BODY[1]) };
}

/** Common prologue of the REST routes: app, JSON body, required fields, and the consumed wx code. */
function restPrologue(state, ctx, requiredFields) {
  const app = appFromHeaders(state, ctx.headers);
  if (!app) return { error: envelope(APP_NOT_FOUND[0], APP_NOT_FOUND[1]) };
  const body = jsonBody(ctx);
  if (body.error) return body;
  for (const field of requiredFields) {
    const value = body.value[field];
    if (typeof value !== 'string' || value === '') return { error: envelope(MISSING_PARAMS[0], MISSING_PARAMS[1]) };
  }
  const consumed = wechat.consumeCode(state, app.wechatAppId, body.value.code);
  if (consumed.errcode) return { error: envelope(consumed.errcode, consumed.errmsg) };
  return { app, body: body.value, codeRecord: consumed.record };
}

/** Decrypts with the code's session key and checks the watermark; null on any failure. */
function decryptForApp(app, codeRecord, encryptedData, iv) {
  const value = wechat.decrypt(codeRecord.sessionKey, encryptedData, iv);
  if (!value || !value.watermark || value.watermark.appid !== app.wechatAppId) return null;
  return value;
}

/** POST /connections/social/wechat-miniprogram/auth {code, iv?, encryptedData?, rawData?} */
function loginByCode(state, ctx) {
  const pre = restPrologue(state, ctx, ['code']);
  if (pre.error) return pre.error;
  const { app, body, codeRecord } = pre;
  let info = null;
  if (typeof body.rawData === 'string' && body.rawData !== '') {
    try {
      info = JSON.parse(body.rawData);
    } catch (e) {
      info = null;
    }
    if (!info || typeof info !== 'object') return envelope(400, 'rawData 不是合法的 JSON');
  } else if (body.iv && body.encryptedData) {
    info = decryptForApp(app, codeRecord, body.encryptedData, body.iv);
    if (!info) return envelope(DECRYPT_FAILED[0], DECRYPT_FAILED[1]);
  }
  const user = resolveWechatUser(state, app, codeRecord);
  if (info) applyProfile(user, info);
  recordLogin(state, user, app, ctx);
  return envelope(200, '登录成功', publicUser(user, false));
}

function decryptPhone(app, codeRecord, body) {
  const info = decryptForApp(app, codeRecord, body.encryptedData, body.iv);
  if (!info || !(info.purePhoneNumber || info.phoneNumber)) return null;
  return info;
}

/** POST /connections/social/wechat-miniprogram/auth-by-phone {code, iv, encryptedData} */
function loginByPhone(state, ctx) {
  const pre = restPrologue(state, ctx, ['code', 'iv', 'encryptedData']);
  if (pre.error) return pre.error;
  const { app, body, codeRecord } = pre;
  const info = decryptPhone(app, codeRecord, body);
  if (!info) return envelope(DECRYPT_FAILED[0], DECRYPT_FAILED[1]);
  const phone = info.purePhoneNumber || info.phoneNumber;
  let user = findByPhone(state, app.userPoolId, phone);
  if (user) {
    attachIdentity(user, codeRecord);
  } else {
    user = resolveWechatUser(state, app, codeRecord);
    user.phone = phone;
    user.phoneVerified = true;
  }
  recordLogin(state, user, app, ctx);
  return envelope(200, '登录成功', publicUser(user, false));
}

/** POST /connections/social/wechat-miniprogram/getphone {code, iv, encryptedData} */
function getPhone(state, ctx) {
  const pre = restPrologue(state, ctx, ['code', 'iv', 'encryptedData']);
  if (pre.error) return pre.error;
  const { app, body, codeRecord } = pre;
  const info = decryptPhone(app, codeRecord, body);
  if (!info) return envelope(DECRYPT_FAILED[0], DECRYPT_FAILED[1]);
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
  const app = appFromHeaders(state, ctx.headers) || state.apps.get(ctx.query.app_id || '');
  if (!app) return envelope(APP_NOT_FOUND[0], APP_NOT_FOUND[1]);
  const checked = checkToken(state, tokenFromHeaders(ctx.headers), app);
  if (!checked.user) return envelope(2020, '尚未登录');
  state.revoked.add(checked.payload.jti);
  return envelope(200, '退出成功');
}

// ---------------------------------------------------------------------------------------------
// GraphQL: POST /graphql/v2

function queryUser(state, ctx, app) {
  const checked = checkToken(state, tokenFromHeaders(ctx.headers), app);
  if (checked.problem === 'expired') return graphqlError(LOGIN_EXPIRED[0], LOGIN_EXPIRED[1]);
  if (!checked.user) return graphqlError(NOT_LOGGED_IN[0], NOT_LOGGED_IN[1]);
  issueToken(state, checked.user, app);
  return { data: { user: publicUser(checked.user, true) } };
}

function queryCheckLoginStatus(state, ctx, app, variables) {
  const token = typeof variables.token === 'string' && variables.token ? variables.token : tokenFromHeaders(ctx.headers);
  const checked = checkToken(state, token, app);
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
  } else if (checked.problem === 'expired') {
    status = { code: 2206, message: '登录信息已过期', status: false, exp: null, iat: null, data: null };
  } else {
    status = { code: 2207, message: '登录信息有误', status: false, exp: null, iat: null, data: null };
  }
  return { data: { checkLoginStatus: status } };
}

const GRAPHQL_OPERATIONS = {
  user: queryUser,
  checkLoginStatus: queryCheckLoginStatus,
};

function graphql(state, ctx) {
  const app = appFromHeaders(state, ctx.headers);
  if (!app) return graphqlError(APP_NOT_FOUND[0], APP_NOT_FOUND[1]);
  let request;
  try {
    request = JSON.parse(ctx.body);
  } catch (e) {
    request = null;
  }
  if (!request || typeof request.query !== 'string') return graphqlError(BAD_JSON_BODY[0], BAD_JSON_BODY[1]);
  const match = /(query|mutation)\s+(\w+)/.exec(request.query);
  const name = match ? match[2] : '';
  const operation = Object.prototype.hasOwnProperty.call(GRAPHQL_OPERATIONS, name) ? GRAPHQL_OPERATIONS[name] : null;
  if (!operation) return graphqlError(500, 'unsupported operation ' + (name || '<anonymous>'));
  const variables = request.variables && typeof request.variables === 'object' ? request.variables : {};
  return operation(state, ctx, app, variables);
}

// ---------------------------------------------------------------------------------------------

/** Routes keyed by "METHOD /path"; each handler is (state, ctx) -> JSON value (sent with HTTP 200). */
const ROUTES = {
  'POST /connections/social/wechat-miniprogram/auth': loginByCode,
  'POST /connections/social/wechat-miniprogram/auth-by-phone': loginByPhone,
  'POST /connections/social/wechat-miniprogram/getphone': getPhone,
  'POST /graphql/v2': graphql,
  'GET /api/v2/logout': logout,
};

module.exports = { ROUTES, GRAPHQL_OPERATIONS, userRecord, publicUser, checkToken, issueToken, tokenFromHeaders };
