'use strict';
// GenAuth error codes (wire doc §7), the two answer shapes (v2 REST envelope, GraphQL errors) and a
// small checker for GraphQL inputs. Handlers throw `ApiError`; the REST and GraphQL dispatchers in
// genauth.js turn it into the envelope or the `errors` array.

/** [code, message] of every GenAuth error the emulator answers with. */
const ERRORS = {
  NO_PERMISSION: [1001, '无权限'],
  VERIFY_CODE_WRONG: [2001, '验证码错误'],
  BAD_EMAIL: [2003, '邮箱格式不正确'],
  USER_NOT_FOUND: [2004, '用户不存在'],
  WRONG_PASSWORD: [2006, '密码不正确'],
  DECRYPT_PASSWORD_FAILED: [2016, '解密客户端密码出错'],
  PASSWORD_NEEDS_VERIFY: [2019, '修改密码时需要先进行验证'],
  NOT_LOGGED_IN: [2020, '尚未登录，无访问权限'],
  USER_EXISTS: [2026, '用户已存在'],
  USERNAME_EXISTS: [2034, '用户名已存在'],
  PHONE_TAKEN: [2035, '手机号已绑定'],
  OLD_EMAIL_MISMATCH: [2037, '填写的旧邮箱与实际邮箱不匹配'],
  OLD_PHONE_MISMATCH: [2038, '填写的旧手机与实际手机不匹配'],
  SEND_TOO_FREQUENT: [2100, '发送过于频繁，请稍候再试'],
  EMAIL_TAKEN: [2200, '该邮箱已被绑定'],
  OLD_PASSWORD_REQUIRED: [2201, '请输入原始密码'],
  OLD_PASSWORD_WRONG: [2203, '原始密码错误'],
  LOGIN_EXPIRED: [2206, '登录信息已过期'],
  LOGIN_INVALID: [2207, '登录信息有误'],
  OAUTH_ALREADY_BOUND: [2213, '已绑定过此种 OAuth 登录方式'],
  OAUTH_ACCOUNT_BOUND: [2215, '将要绑定的账号已被绑定过了'],
  OAUTH_NOT_BOUND: [2216, '没有绑定过此种 OAuth 登录方式'],
  ONLY_LOGIN_METHOD: [2217, '只有一种登录方式，不能解绑'],
  EMAIL_NOT_BOUND: [2219, '用户未绑定邮箱'],
  APP_NOT_FOUND: [2224, '应用不存在'],
  UPDATE_USER_EMAIL: [2225, 'updateUser 接口不能直接修改邮箱，请使用 updateEmail 接口'],
  UPDATE_USER_PHONE: [2226, 'updateUser 接口不能直接修改手机号，请使用 updatePhone 接口'],
  SAME_EMAIL: [2229, '新邮箱和旧邮箱一样'],
  SAME_PHONE: [2230, '新手机号和旧手机号一样'],
  MISSING_PARAMS: [2231, '请求参数不全'],
  VERIFY_CODE_EXPIRED: [2300, '验证码已过期'],
  // 400: input the server cannot use (the message says what is wrong).
  DECRYPT_FAILED: [400, '解密失败'],
  BAD_JSON_BODY: [400, '请求体不是合法的 JSON'],
  BAD_MULTIPART: [400, '请求体不是合法的 multipart/form-data'],
  PHONE_NOT_BOUND: [400, '用户未绑定手机号'],
  NOT_SOCIAL_ACCOUNT: [400, '副账号没有社交登录身份'],
};

/** A GenAuth error: `code` and `message` as the server sends them. */
class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Throws ERRORS.X (optionally with another message). */
function fail(error, message) {
  throw new ApiError(error[0], message === undefined ? error[1] : message);
}

function envelope(code, message, data) {
  return { code, message, data: data === undefined ? null : data };
}

function graphqlError(code, message) {
  return { errors: [{ message: { code, message, data: null }, locations: [], extensions: {} }], data: null };
}

// ---------------------------------------------------------------------------------------------
// GraphQL input checking. A real server rejects these in GraphQL validation; the emulator keeps
// Authing's error shape: a missing required value is 2231, an unknown field or a wrong type is 400.

/** Scalar checkers by GraphQL type name; `null` is always accepted for optional values. */
const SCALARS = {
  String: (value) => typeof value === 'string',
  Boolean: (value) => typeof value === 'boolean',
  Int: (value) => Number.isInteger(value),
};

function missing(value) {
  return value === undefined || value === null || value === '';
}

/**
 * Checks an input object against `fields` (name -> scalar type name, or a function value -> bool
 * for list types) and `required` (names that must be present and non-empty). Returns the object.
 */
function checkInput(typeName, value, fields, required) {
  if (missing(value)) fail(ERRORS.MISSING_PARAMS);
  if (typeof value !== 'object' || Array.isArray(value)) fail([400], 'Expected type "' + typeName + '" to be an object.');
  for (const key of Object.keys(value)) {
    const type = fields[key];
    if (!type) fail([400], 'Field "' + key + '" is not defined by type "' + typeName + '".');
    const ok = typeof type === 'function' ? type(value[key]) : SCALARS[type](value[key]);
    if (value[key] !== null && value[key] !== undefined && !ok) fail([400], 'Expected a valid value at "' + typeName + '.' + key + '".');
  }
  for (const key of required || []) {
    if (missing(value[key])) fail(ERRORS.MISSING_PARAMS);
  }
  return value;
}

/** The operation's variables, checked like an input object named after the operation. */
function checkVariables(operation, variables, fields, required) {
  return checkInput(operation + ' variables', variables, fields, required);
}

/** Checks an enum value (when given); 400 as GraphQL's "does not exist in enum" otherwise. */
function checkEnum(enumName, values, value) {
  if (value !== undefined && value !== null && values.indexOf(value) < 0) {
    fail([400], 'Value "' + value + '" does not exist in "' + enumName + '" enum.');
  }
  return value;
}

/** The JSON object body of a REST request ({} when empty); 400 when it is not a JSON object. */
function jsonBody(ctx) {
  if (ctx.body === '') return {};
  let value;
  try {
    value = JSON.parse(ctx.body);
  } catch (e) {
    value = null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(ERRORS.BAD_JSON_BODY);
  return value;
}

module.exports = { ERRORS, ApiError, fail, envelope, graphqlError, checkInput, checkVariables, checkEnum, missing, jsonBody };
