'use strict';
// The logged-in user's account (wire doc §2.4): profile, password, phone and email changes, token
// refresh, roles and authorized resources, user-defined values (GraphQL), and the REST routes
// users/me/*, users/link|unlink and the avatar upload. Every GraphQL operation here needs the
// session (2020 / 2206) and every User it returns carries a fresh token.

const crypto = require('crypto');
const users = require('./users');
const codes = require('./codes');
const directory = require('./directory');
const multipart = require('./multipart');
const { decryptPassword } = require('./auth');
const { ERRORS, fail, envelope, checkInput, checkVariables, checkEnum, missing, jsonBody } = require('./errors');

/** The answer of an operation that changed the user: the User with a fresh token. */
function changedUser(state, app, user, field) {
  users.touch(state, user);
  users.issueToken(state, user, app);
  return { data: { [field]: users.publicUser(user, false) } };
}

/** Refuses acting on another user than the session's: 1001. */
function checkSelf(sessionUser, id) {
  if (!missing(id) && id !== sessionUser.id) fail(ERRORS.NO_PERMISSION);
}

// ---------------------------------------------------------------------------------------------
// Profile and password

/**
 * mutation updateUser($id: String, $input: UpdateUserInput!): email, phone and password cannot be
 * changed here (2225, 2226, 2019); a taken username is 2034.
 */
function updateUser(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  checkVariables('updateUser', variables, { id: 'String', input: () => true }, ['input']);
  checkSelf(user, variables.id);
  const input = checkInput('UpdateUserInput', variables.input, users.UPDATE_USER_INPUT);
  if (!missing(input.email) && users.normalizeEmail(input.email) !== user.email) fail(ERRORS.UPDATE_USER_EMAIL);
  if (!missing(input.phone) && input.phone !== user.phone) fail(ERRORS.UPDATE_USER_PHONE);
  if (!missing(input.password)) fail(ERRORS.PASSWORD_NEEDS_VERIFY);
  if (!missing(input.username) && input.username !== user.username && users.findByUsername(state, user.userPoolId, input.username)) {
    fail(ERRORS.USERNAME_EXISTS);
  }
  for (const [field, value] of Object.entries(input)) {
    if (field === 'email' || field === 'phone' || field === 'password') continue;
    user[field] = value;
  }
  return changedUser(state, app, user, 'updateUser');
}

/** mutation updatePassword($newPassword: String!, $oldPassword: String), both (enc). */
function updatePassword(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  checkVariables('updatePassword', variables, { newPassword: 'String', oldPassword: 'String' }, ['newPassword']);
  const password = decryptPassword(state, variables.newPassword);
  if (user.password) {
    if (missing(variables.oldPassword)) fail(ERRORS.OLD_PASSWORD_REQUIRED);
    if (!users.passwordMatches(user, decryptPassword(state, variables.oldPassword))) fail(ERRORS.OLD_PASSWORD_WRONG);
  }
  users.setPassword(user, password);
  return changedUser(state, app, user, 'updatePassword');
}

// ---------------------------------------------------------------------------------------------
// Phone

/** Refuses a phone that another user of the pool has: 2035. */
function checkPhoneFree(state, user, phone) {
  const owner = users.findByPhone(state, user.userPoolId, phone);
  if (owner && owner !== user) fail(ERRORS.PHONE_TAKEN);
}

/** mutation bindPhone($phone: String!, $phoneCode: String!, $phoneCountryCode: String) */
function bindPhone(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  checkVariables('bindPhone', variables, { phone: 'String', phoneCode: 'String', phoneCountryCode: 'String' }, ['phone', 'phoneCode']);
  if (user.phone) fail(ERRORS.PHONE_TAKEN, '用户已绑定手机号');
  checkPhoneFree(state, user, variables.phone);
  codes.checkSmsCode(state, variables.phone, variables.phoneCountryCode, variables.phoneCode)();
  user.phone = variables.phone;
  user.phoneVerified = true;
  return changedUser(state, app, user, 'bindPhone');
}

/** mutation unbindPhone: refused when the phone is the user's only login method (2217). */
function unbindPhone(state, ctx, app) {
  const user = users.requireSession(state, ctx, app);
  if (!user.phone) fail(ERRORS.PHONE_NOT_BOUND);
  users.keepsLoginMethod(user, (method) => method === 'phone');
  user.phone = null;
  user.phoneVerified = false;
  return changedUser(state, app, user, 'unbindPhone');
}

/**
 * mutation updatePhone($phone: String!, $phoneCode: String!, $oldPhone: String, $oldPhoneCode: String,
 * $phoneCountryCode: String, $oldPhoneCountryCode: String): the old phone is verified when given.
 */
function updatePhone(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  const fields = { phone: 'String', phoneCode: 'String', oldPhone: 'String', oldPhoneCode: 'String', phoneCountryCode: 'String', oldPhoneCountryCode: 'String' };
  checkVariables('updatePhone', variables, fields, ['phone', 'phoneCode']);
  if (!user.phone) fail(ERRORS.PHONE_NOT_BOUND);
  if (variables.phone === user.phone) fail(ERRORS.SAME_PHONE);
  checkPhoneFree(state, user, variables.phone);
  const uses = [];
  if (!missing(variables.oldPhone)) {
    if (variables.oldPhone !== user.phone) fail(ERRORS.OLD_PHONE_MISMATCH);
    if (missing(variables.oldPhoneCode)) fail(ERRORS.MISSING_PARAMS);
    uses.push(codes.checkSmsCode(state, variables.oldPhone, variables.oldPhoneCountryCode, variables.oldPhoneCode));
  }
  uses.push(codes.checkSmsCode(state, variables.phone, variables.phoneCountryCode, variables.phoneCode));
  uses.forEach((use) => use());
  user.phone = variables.phone;
  user.phoneVerified = true;
  return changedUser(state, app, user, 'updatePhone');
}

// ---------------------------------------------------------------------------------------------
// Email (codes: bindEmail takes a VERIFY_EMAIL or CHANGE_EMAIL code, updateEmail CHANGE_EMAIL ones)

/** Refuses an email that another user of the pool has: 2200. */
function checkEmailFree(state, user, email) {
  const owner = users.findByEmail(state, user.userPoolId, email);
  if (owner && owner !== user) fail(ERRORS.EMAIL_TAKEN);
}

/** mutation bindEmail($email: String!, $emailCode: String!) */
function bindEmail(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  checkVariables('bindEmail', variables, { email: 'String', emailCode: 'String' }, ['email', 'emailCode']);
  const email = users.checkEmailFormat(variables.email);
  if (user.email) fail(ERRORS.EMAIL_TAKEN, '用户已绑定邮箱');
  checkEmailFree(state, user, email);
  codes.checkEmailCode(state, email, ['VERIFY_EMAIL', 'CHANGE_EMAIL'], variables.emailCode)();
  user.email = email;
  user.emailVerified = true;
  return changedUser(state, app, user, 'bindEmail');
}

/** mutation unbindEmail: 2219 without an email, 2217 when it is the only login method. */
function unbindEmail(state, ctx, app) {
  const user = users.requireSession(state, ctx, app);
  if (!user.email) fail(ERRORS.EMAIL_NOT_BOUND);
  users.keepsLoginMethod(user, (method) => method === 'email');
  user.email = null;
  user.emailVerified = false;
  return changedUser(state, app, user, 'unbindEmail');
}

/** mutation updateEmail($email: String!, $emailCode: String!, $oldEmail: String, $oldEmailCode: String) */
function updateEmail(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  const fields = { email: 'String', emailCode: 'String', oldEmail: 'String', oldEmailCode: 'String' };
  checkVariables('updateEmail', variables, fields, ['email', 'emailCode']);
  const email = users.checkEmailFormat(variables.email);
  if (!user.email) fail(ERRORS.EMAIL_NOT_BOUND);
  if (email === user.email) fail(ERRORS.SAME_EMAIL);
  checkEmailFree(state, user, email);
  const uses = [];
  if (!missing(variables.oldEmail)) {
    if (users.normalizeEmail(variables.oldEmail) !== user.email) fail(ERRORS.OLD_EMAIL_MISMATCH);
    if (missing(variables.oldEmailCode)) fail(ERRORS.MISSING_PARAMS);
    uses.push(codes.checkEmailCode(state, user.email, ['CHANGE_EMAIL'], variables.oldEmailCode));
  }
  uses.push(codes.checkEmailCode(state, email, ['CHANGE_EMAIL'], variables.emailCode));
  uses.forEach((use) => use());
  user.email = email;
  user.emailVerified = true;
  return changedUser(state, app, user, 'updateEmail');
}

// ---------------------------------------------------------------------------------------------
// Token, roles, resources

/** mutation refreshToken($id: String): a new token for the session's user -> {token, iat, exp}. */
function refreshToken(state, ctx, app, variables) {
  const user = users.requireSession(state, ctx, app);
  checkVariables('refreshToken', variables, { id: 'String' });
  checkSelf(user, variables.id);
  return { data: { refreshToken: users.issueToken(state, user, app) } };
}

/**
 * The `user(id: $id)` of the roles / resources queries: null when the pool has no such user,
 * 1001 when it is not the session's user.
 */
function targetUser(state, ctx, app, id) {
  const sessionUser = users.requireSession(state, ctx, app);
  const user = users.findInPool(state, app.userPoolId, id);
  if (user) checkSelf(sessionUser, id);
  return user;
}

/** query getUserRoles($id: String!, $namespace: String) -> user.roles {totalCount, list}. */
function getUserRoles(state, ctx, app, variables) {
  checkVariables('getUserRoles', variables, { id: 'String', namespace: 'String' }, ['id']);
  const user = targetUser(state, ctx, app, variables.id);
  if (!user) return { data: { user: null } };
  const list = user.roles.filter((role) => missing(variables.namespace) || role.namespace === variables.namespace);
  return { data: { user: { roles: { totalCount: list.length, list } } } };
}

/** query listUserAuthorizedResources($id: String!, $namespace: String, $resourceType: String) */
function listUserAuthorizedResources(state, ctx, app, variables) {
  checkVariables('listUserAuthorizedResources', variables, { id: 'String', namespace: 'String', resourceType: 'String' }, ['id']);
  checkEnum('ResourceType', directory.RESOURCE_TYPES, variables.resourceType);
  const user = targetUser(state, ctx, app, variables.id);
  if (!user) return { data: { user: null } };
  const list = user.resources
    .filter((resource) => missing(variables.namespace) || resource.namespace === variables.namespace)
    .filter((resource) => missing(variables.resourceType) || resource.type === variables.resourceType)
    .map((resource) => ({ code: resource.code, type: resource.type, actions: resource.actions.slice() }));
  return { data: { user: { authorizedResources: { totalCount: list.length, list } } } };
}

// ---------------------------------------------------------------------------------------------
// User-defined values (targetType USER, targetId = the session's user)

const UDF_TARGET_TYPES = ['NODE', 'ORG', 'USER', 'USERPOOL', 'ROLE', 'PERMISSION', 'APPLICATION'];

/** The user whose values an udv operation reads or writes; 1001 for any other target. */
function udvTarget(state, ctx, app, operation, variables, fields, required) {
  const user = users.requireSession(state, ctx, app);
  const allFields = Object.assign({ targetType: 'String', targetId: 'String' }, fields);
  checkVariables(operation, variables, allFields, ['targetType', 'targetId'].concat(required));
  checkEnum('UDFTargetType', UDF_TARGET_TYPES, variables.targetType);
  if (variables.targetType !== 'USER' || variables.targetId !== user.id) fail(ERRORS.NO_PERMISSION);
  return user;
}

/** query udv($targetType: UDFTargetType!, $targetId: String!) -> [{key, dataType, value, label}] */
function udv(state, ctx, app, variables) {
  const user = udvTarget(state, ctx, app, 'udv', variables, {}, []);
  return { data: { udv: directory.udvList(state, user) } };
}

/** mutation setUdv($targetType, $targetId, $key: String!, $value: String!) -> the list. */
function setUdv(state, ctx, app, variables) {
  const user = udvTarget(state, ctx, app, 'setUdv', variables, { key: 'String', value: 'String' }, ['key']);
  if (typeof variables.value !== 'string') fail(ERRORS.MISSING_PARAMS);
  directory.applyUdvList(state, user, directory.checkUdvList(state, user.userPoolId, [[variables.key, variables.value]]));
  users.touch(state, user);
  return { data: { setUdv: directory.udvList(state, user) } };
}

/** mutation removeUdv($targetType, $targetId, $key: String!) -> the list. */
function removeUdv(state, ctx, app, variables) {
  const user = udvTarget(state, ctx, app, 'removeUdv', variables, { key: 'String' }, ['key']);
  directory.udfFor(state, user.userPoolId, variables.key); // 400 for a key the pool does not define
  delete user.udv[variables.key];
  users.touch(state, user);
  return { data: { removeUdv: directory.udvList(state, user) } };
}

const isUdvInputList = (value) =>
  Array.isArray(value) && value.every((item) => item && typeof item === 'object' && typeof item.key === 'string' && typeof item.value === 'string');

/** mutation setUdvBatch($targetType, $targetId, $udvList: [UserDefinedDataInput!]) -> the list; all or nothing. */
function setUdvBatch(state, ctx, app, variables) {
  const user = udvTarget(state, ctx, app, 'setUdvBatch', variables, { udvList: isUdvInputList }, []);
  if (!Array.isArray(variables.udvList)) fail(ERRORS.MISSING_PARAMS);
  const entries = variables.udvList.map((item) => [item.key, item.value]);
  directory.applyUdvList(state, user, directory.checkUdvList(state, user.userPoolId, entries));
  users.touch(state, user);
  return { data: { setUdvBatch: directory.udvList(state, user) } };
}

// ---------------------------------------------------------------------------------------------
// REST: users/me/*

/** GET /api/v2/users/me/orgs: the user's organization paths (seeded; [] by default). */
function listOrgs(state, ctx) {
  const user = users.requireSession(state, ctx, users.requireApp(state, ctx));
  return envelope(200, '获取成功', JSON.parse(JSON.stringify(user.orgs)));
}

/**
 * GET /api/v2/users/me/security-level. score = 20 each for a password, an email, a phone and MFA
 * (the emulator has no MFA: always false) + 10 per password level above 1 (so 0..100).
 */
function securityLevel(state, ctx) {
  const user = users.requireSession(state, ctx, users.requireApp(state, ctx));
  const password = Boolean(user.password);
  const email = Boolean(user.email);
  const phone = Boolean(user.phone);
  const mfa = false;
  const level = password ? user.passwordSecurityLevel : null;
  const score = 20 * [password, email, phone, mfa].filter(Boolean).length + (level ? (level - 1) * 10 : 0);
  return envelope(200, '获取成功', { score, email, phone, password, passwordSecurityLevel: level, mfa });
}

/** A positive integer query parameter (default when absent); 2231 otherwise. */
function positiveInt(value, fallback) {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) fail(ERRORS.MISSING_PARAMS);
  return Number(value);
}

/** GET /api/v2/users/me/applications/allowed?page=1&limit=10 -> {totalCount, list}. */
function allowedApplications(state, ctx) {
  const user = users.requireSession(state, ctx, users.requireApp(state, ctx));
  const page = positiveInt(ctx.query.page, 1);
  const limit = positiveInt(ctx.query.limit, 10);
  const all = directory.allowedApplications(state, user);
  const list = all.slice((page - 1) * limit, page * limit).map((application) => Object.assign({}, application));
  return envelope(200, '获取成功', { totalCount: all.length, list });
}

// ---------------------------------------------------------------------------------------------
// REST: account linking (tokens in the body, no session header needed)

/**
 * POST /api/v2/users/link {primaryUserToken, secondaryUserToken}: moves the social identities of
 * the secondary (social) account into the primary account and deletes the secondary account.
 */
function linkAccount(state, ctx) {
  const app = users.requireApp(state, ctx);
  const body = jsonBody(ctx);
  if (missing(body.primaryUserToken) || missing(body.secondaryUserToken)) fail(ERRORS.MISSING_PARAMS);
  const primary = users.requireTokenUser(state, String(body.primaryUserToken), app);
  const secondary = users.requireTokenUser(state, String(body.secondaryUserToken), app);
  if (primary === secondary) fail(ERRORS.OAUTH_ACCOUNT_BOUND);
  if (secondary.identities.length === 0) fail(ERRORS.NOT_SOCIAL_ACCOUNT);
  for (const identity of secondary.identities) {
    if (primary.identities.some((own) => own.connectionId === identity.connectionId)) fail(ERRORS.OAUTH_ALREADY_BOUND);
  }
  for (const identity of secondary.identities) {
    primary.identities.push(identity);
    if (!primary.openid) primary.openid = identity.openid;
    if (!primary.unionid) primary.unionid = identity.unionid;
  }
  state.users.delete(secondary.id); // its tokens no longer verify
  users.touch(state, primary);
  return envelope(200, '绑定成功');
}

/** POST /api/v2/users/unlink {primaryUserToken, provider}: removes the identities of `provider`. */
function unlinkAccount(state, ctx) {
  const app = users.requireApp(state, ctx);
  const body = jsonBody(ctx);
  if (missing(body.primaryUserToken) || missing(body.provider)) fail(ERRORS.MISSING_PARAMS);
  const user = users.requireTokenUser(state, String(body.primaryUserToken), app);
  if (!user.identities.some((identity) => identity.provider === body.provider)) fail(ERRORS.OAUTH_NOT_BOUND);
  users.keepsLoginMethod(user, (method) => method === 'social:' + body.provider);
  user.identities = user.identities.filter((identity) => identity.provider !== body.provider);
  if (!user.identities.some((identity) => identity.openid === user.openid)) user.openid = null;
  if (!user.identities.some((identity) => identity.unionid === user.unionid)) user.unionid = null;
  users.touch(state, user);
  return envelope(200, '解绑成功');
}

// ---------------------------------------------------------------------------------------------
// REST: avatar upload (wx.uploadFile: no auth header, no app header)

const FILES_PREFIX = '/files/';

/**
 * POST /api/v2/upload?folder=avatar, multipart/form-data with the file in field `file`. Stores the
 * bytes; the url serves them back (GET /files/<key>).
 */
function upload(state, ctx) {
  const folder = ctx.query.folder === undefined ? 'default' : ctx.query.folder;
  if (!/^[A-Za-z0-9_-]+$/.test(folder)) fail(ERRORS.MISSING_PARAMS);
  const parts = multipart.parse(ctx.rawBody, ctx.headers['content-type']);
  if (!parts) fail(ERRORS.BAD_MULTIPART);
  const file = parts.find((part) => part.name === 'file' && part.filename !== null);
  if (!file) fail(ERRORS.MISSING_PARAMS);
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(file.filename);
  const key = folder + '/' + crypto.randomBytes(12).toString('hex') + (extension ? extension[0].toLowerCase() : '');
  state.uploads.set(key, { contentType: file.contentType, data: file.data });
  return envelope(200, '上传成功', { key, url: state.url + FILES_PREFIX + key });
}

/** The upload a GET /files/<key> path names, or undefined. */
function uploadedFile(state, path) {
  return path.startsWith(FILES_PREFIX) ? state.uploads.get(path.slice(FILES_PREFIX.length)) : undefined;
}

const GRAPHQL_OPERATIONS = {
  updateUser,
  updatePassword,
  updatePhone,
  updateEmail,
  bindPhone,
  unbindPhone,
  bindEmail,
  unbindEmail,
  refreshToken,
  getUserRoles,
  listUserAuthorizedResources,
  udv,
  setUdv,
  removeUdv,
  setUdvBatch,
};

const ROUTES = {
  'GET /api/v2/users/me/orgs': listOrgs,
  'GET /api/v2/users/me/security-level': securityLevel,
  'GET /api/v2/users/me/applications/allowed': allowedApplications,
  'POST /api/v2/users/link': linkAccount,
  'POST /api/v2/users/unlink': unlinkAccount,
  'POST /api/v2/upload': upload,
};

module.exports = { GRAPHQL_OPERATIONS, ROUTES, FILES_PREFIX, uploadedFile };
