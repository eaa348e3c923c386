'use strict';
// Password and code authentication (wire doc §2.3, §2.4, §2.5): the GraphQL login / register
// mutations, sendEmail, resetPassword and checkPasswordStrength, and the REST public key and SMS
// routes. GraphQL operations are (state, ctx, app, variables) -> {data}; they throw ApiError.

const rsa = require('./rsa');
const codes = require('./codes');
const users = require('./users');
const directory = require('./directory');
const { ERRORS, fail, envelope, checkInput, checkVariables, checkEnum, missing, jsonBody } = require('./errors');

/** Decrypts an (enc) field; 2016 when it is not a JSEncrypt ciphertext under the emulator's key. */
function decryptPassword(state, value) {
  const plain = rsa.decrypt(state.rsa, value);
  if (plain === null) fail(ERRORS.DECRYPT_PASSWORD_FAILED);
  return plain;
}

// ---------------------------------------------------------------------------------------------
// Inputs shared by the login and register mutations

const isObject = (value) => typeof value === 'object' && !Array.isArray(value);
const isUdfList = (value) =>
  Array.isArray(value) && value.every((item) => isObject(item) && item && typeof item.key === 'string' && typeof item.value === 'string');

const LOGIN_OPTIONS = { captchaCode: 'String', autoRegister: 'Boolean', clientIp: 'String', params: 'String', context: 'String' };
const REGISTER_OPTIONS = { profile: isObject, forceLogin: 'Boolean', generateToken: 'Boolean', clientIp: 'String', params: 'String', context: 'String' };

// `RegisterProfile` (wire doc §2.3): every field a String, except udf: [{key, value}].
const REGISTER_PROFILE = { udf: isUdfList };
for (const field of (
  'ip oauth username nickname company photo device browser name givenName familyName middleName profile ' +
  'preferredUsername website gender birthdate zoneinfo locale address formatted streetAddress locality region ' +
  'postalCode country'
).split(' ')) {
  REGISTER_PROFILE[field] = 'String';
}

/** A JSON-string input field (`params`, `context`); 400 when it is not JSON. */
function parseJsonField(name, text) {
  if (missing(text)) return null;
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail([400], name + ' 不是合法的 JSON');
  }
}

/**
 * The user-defined values carried by an input: `params` (JSON of [{key, value}], what the SDK makes
 * of options.customData) and, for registration, profile.udf. Returns [key, string value] pairs
 * checked against the pool's fields; `context` must be JSON and is otherwise unused.
 */
function udvFromInput(state, userPoolId, input, profile) {
  parseJsonField('context', input.context);
  const params = parseJsonField('params', input.params);
  const entries = [];
  if (params !== null) {
    if (!Array.isArray(params) || !params.every((item) => isObject(item) && item && typeof item.key === 'string')) {
      fail([400], 'params 必须是 [{key, value}] 的 JSON');
    }
    for (const item of params) entries.push([item.key, typeof item.value === 'string' ? item.value : JSON.stringify(item.value)]);
  }
  for (const item of (profile && profile.udf) || []) entries.push([item.key, item.value]);
  return directory.checkUdvList(state, userPoolId, entries);
}

/** The checked RegisterProfile of a register input ({} when absent). */
function profileOf(input) {
  return missing(input.profile) ? {} : checkInput('RegisterProfile', input.profile, REGISTER_PROFILE);
}

/** Copies RegisterProfile fields onto a new user (ip -> lastIP; udf is handled with the values). */
function applyProfile(user, profile) {
  for (const [field, value] of Object.entries(profile)) {
    if (field === 'udf' || value === null) continue;
    user[field === 'ip' ? 'lastIP' : field] = value;
  }
}

/** Refuses a username (also one given in a profile) that the pool already has: 2034. */
function checkUsernameFree(state, userPoolId, username) {
  if (username && users.findByUsername(state, userPoolId, username)) fail(ERRORS.USERNAME_EXISTS);
}

// ---------------------------------------------------------------------------------------------
// Login

/**
 * A password login mutation: `field` ('email', 'username' or 'phone') identifies the account.
 * Unknown account -> 2004 (or a new account with autoRegister), wrong password -> 2006.
 */
function passwordLogin(operation, inputType, field, find, registerSource) {
  const fields = Object.assign({ [field]: 'String', password: 'String' }, LOGIN_OPTIONS);
  return (state, ctx, app, variables) => {
    const input = checkInput(inputType, variables.input, fields, [field, 'password']);
    const password = decryptPassword(state, input.password);
    const account = field === 'email' ? users.checkEmailFormat(input.email) : input[field];
    const values = udvFromInput(state, app.userPoolId, input, null);
    let user = find(state, app.userPoolId, account);
    if (!user) {
      if (!input.autoRegister) fail(ERRORS.USER_NOT_FOUND);
      user = users.createUser(state, app.userPoolId, registerSource);
      user[field] = account;
      users.setPassword(user, password);
    } else if (!users.passwordMatches(user, password)) {
      fail(ERRORS.WRONG_PASSWORD);
    }
    directory.applyUdvList(state, user, values);
    users.recordLogin(state, user, app, ctx, input.clientIp);
    return { data: { [operation]: users.publicUser(user, false) } };
  };
}

/** mutation loginByPhoneCode($input: LoginByPhoneCodeInput!): the SMS code of the phone. */
function loginByPhoneCode(state, ctx, app, variables) {
  const fields = Object.assign({ phone: 'String', code: 'String', phoneCountryCode: 'String' }, LOGIN_OPTIONS);
  const input = checkInput('LoginByPhoneCodeInput', variables.input, fields, ['phone', 'code']);
  const values = udvFromInput(state, app.userPoolId, input, null);
  const useCode = codes.checkSmsCode(state, input.phone, input.phoneCountryCode, input.code);
  let user = users.findByPhone(state, app.userPoolId, input.phone);
  if (!user) {
    if (!input.autoRegister) fail(ERRORS.USER_NOT_FOUND);
    user = users.createUser(state, app.userPoolId, 'basic:phone-code');
    user.phone = input.phone;
    user.phoneVerified = true;
  }
  useCode();
  directory.applyUdvList(state, user, values);
  users.recordLogin(state, user, app, ctx, input.clientIp);
  return { data: { loginByPhoneCode: users.publicUser(user, false) } };
}

// ---------------------------------------------------------------------------------------------
// Registration

/** forceLogin: logged in (counted, token); generateToken: a token only; else no session (token null). */
function finishRegistration(state, ctx, app, user, input) {
  if (input.forceLogin) users.recordLogin(state, user, app, ctx, input.clientIp);
  else if (input.generateToken) users.issueToken(state, user, app);
}

/** Creates the user of a registration once every check passed. */
function createRegistered(state, app, registerSource, profile, values) {
  const user = users.createUser(state, app.userPoolId, registerSource);
  applyProfile(user, profile);
  directory.applyUdvList(state, user, values);
  return user;
}

/** mutation registerByEmail($input: RegisterByEmailInput!): 2026 when the email is taken. */
function registerByEmail(state, ctx, app, variables) {
  const fields = Object.assign({ email: 'String', password: 'String' }, REGISTER_OPTIONS);
  const input = checkInput('RegisterByEmailInput', variables.input, fields, ['email', 'password']);
  const email = users.checkEmailFormat(input.email);
  const password = decryptPassword(state, input.password);
  const profile = profileOf(input);
  const values = udvFromInput(state, app.userPoolId, input, profile);
  if (users.findByEmail(state, app.userPoolId, email)) fail(ERRORS.USER_EXISTS);
  checkUsernameFree(state, app.userPoolId, profile.username);
  const user = createRegistered(state, app, 'basic:email', profile, values);
  user.email = email;
  users.setPassword(user, password);
  finishRegistration(state, ctx, app, user, input);
  return { data: { registerByEmail: users.publicUser(user, false) } };
}

/** mutation registerByUsername($input: RegisterByUsernameInput!): 2034 when the username is taken. */
function registerByUsername(state, ctx, app, variables) {
  const fields = Object.assign({ username: 'String', password: 'String' }, REGISTER_OPTIONS);
  const input = checkInput('RegisterByUsernameInput', variables.input, fields, ['username', 'password']);
  const password = decryptPassword(state, input.password);
  const profile = profileOf(input);
  const values = udvFromInput(state, app.userPoolId, input, profile);
  checkUsernameFree(state, app.userPoolId, input.username);
  if (profile.username && profile.username !== input.username) checkUsernameFree(state, app.userPoolId, profile.username);
  const user = createRegistered(state, app, 'basic:username-password', profile, values);
  user.username = input.username;
  users.setPassword(user, password);
  finishRegistration(state, ctx, app, user, input);
  return { data: { registerByUsername: users.publicUser(user, false) } };
}

/** mutation registerByPhoneCode($input: RegisterByPhoneCodeInput!): the SMS code; 2026 when the phone is taken. */
function registerByPhoneCode(state, ctx, app, variables) {
  const fields = Object.assign({ phone: 'String', code: 'String', password: 'String', phoneCountryCode: 'String' }, REGISTER_OPTIONS);
  const input = checkInput('RegisterByPhoneCodeInput', variables.input, fields, ['phone', 'code']);
  const password = missing(input.password) ? null : decryptPassword(state, input.password);
  const profile = profileOf(input);
  const values = udvFromInput(state, app.userPoolId, input, profile);
  if (users.findByPhone(state, app.userPoolId, input.phone)) fail(ERRORS.USER_EXISTS);
  checkUsernameFree(state, app.userPoolId, profile.username);
  codes.checkSmsCode(state, input.phone, input.phoneCountryCode, input.code)();
  const user = createRegistered(state, app, 'basic:phone-code', profile, values);
  user.phone = input.phone;
  user.phoneVerified = true;
  if (password !== null) users.setPassword(user, password);
  finishRegistration(state, ctx, app, user, input);
  return { data: { registerByPhoneCode: users.publicUser(user, false) } };
}

// ---------------------------------------------------------------------------------------------
// Codes, password reset, strength

/** mutation sendEmail($email: String!, $scene: EmailScene!): a code per (email, scene). */
function sendEmail(state, ctx, app, variables) {
  checkVariables('sendEmail', variables, { email: 'String', scene: 'String' }, ['email', 'scene']);
  checkEnum('EmailScene', codes.EMAIL_SCENES, variables.scene);
  const email = users.checkEmailFormat(variables.email);
  if (variables.scene === 'RESET_PASSWORD' && !users.findByEmail(state, app.userPoolId, email)) fail(ERRORS.USER_NOT_FOUND);
  codes.issue(state, codes.emailTarget(email, variables.scene));
  return { data: { sendEmail: { code: 200, message: '发送成功' } } };
}

/**
 * mutation resetPassword($phone, $email, $code!, $newPassword!, $phoneCountryCode): exactly one of
 * phone (SMS code) or email (RESET_PASSWORD code).
 */
function resetPassword(state, ctx, app, variables) {
  const fields = { phone: 'String', email: 'String', code: 'String', newPassword: 'String', phoneCountryCode: 'String' };
  checkVariables('resetPassword', variables, fields, ['code', 'newPassword']);
  if (missing(variables.phone) === missing(variables.email)) fail(ERRORS.MISSING_PARAMS);
  const password = decryptPassword(state, variables.newPassword);
  let user;
  let useCode;
  if (!missing(variables.phone)) {
    user = users.findByPhone(state, app.userPoolId, variables.phone);
    if (!user) fail(ERRORS.USER_NOT_FOUND);
    useCode = codes.checkSmsCode(state, variables.phone, variables.phoneCountryCode, variables.code);
  } else {
    const email = users.checkEmailFormat(variables.email);
    user = users.findByEmail(state, app.userPoolId, email);
    if (!user) fail(ERRORS.USER_NOT_FOUND);
    useCode = codes.checkEmailCode(state, email, ['RESET_PASSWORD'], variables.code);
  }
  useCode();
  users.setPassword(user, password);
  users.touch(state, user);
  return { data: { resetPassword: { code: 200, message: '重置密码成功' } } };
}

const MIN_PASSWORD_LENGTH = 6;

/**
 * query checkPasswordStrength($password: String!) (plaintext): the emulated pool's policy is at
 * least 6 characters with a letter and a digit. It is reported only; registration does not enforce it.
 */
function checkPasswordStrength(state, ctx, app, variables) {
  checkVariables('checkPasswordStrength', variables, { password: 'String' }, ['password']);
  const password = variables.password;
  let result = { valid: true, message: '密码验证成功' };
  if (password.length < MIN_PASSWORD_LENGTH) result = { valid: false, message: '密码长度不能少于 6 位' };
  else if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) result = { valid: false, message: '密码必须同时包含字母和数字' };
  return { data: { checkPasswordStrength: result } };
}

// ---------------------------------------------------------------------------------------------
// REST

/** GET /api/v2/.well-known: the public key for the (enc) fields (no app needed). */
function wellKnown(state) {
  return envelope(200, '获取成功', { publicKey: state.rsa.publicKey });
}

/** POST /api/v2/sms/send {phone, phoneCountryCode?}: answers without `data`, as the real server does. */
function sendSms(state, ctx) {
  users.requireApp(state, ctx);
  const body = jsonBody(ctx);
  if (typeof body.phone !== 'string' || body.phone === '') fail(ERRORS.MISSING_PARAMS);
  if (!missing(body.phoneCountryCode) && typeof body.phoneCountryCode !== 'string') fail(ERRORS.MISSING_PARAMS);
  codes.issue(state, codes.smsTarget(body.phone, body.phoneCountryCode));
  return { code: 200, message: '发送成功' };
}

const GRAPHQL_OPERATIONS = {
  loginByEmail: passwordLogin('loginByEmail', 'LoginByEmailInput', 'email', users.findByEmail, 'basic:email'),
  loginByUsername: passwordLogin('loginByUsername', 'LoginByUsernameInput', 'username', users.findByUsername, 'basic:username-password'),
  loginByPhonePassword: passwordLogin('loginByPhonePassword', 'LoginByPhonePasswordInput', 'phone', users.findByPhone, 'basic:phone-password'),
  loginByPhoneCode,
  registerByEmail,
  registerByUsername,
  registerByPhoneCode,
  sendEmail,
  resetPassword,
  checkPasswordStrength,
};

const ROUTES = {
  'GET /api/v2/.well-known': wellKnown,
  'POST /api/v2/sms/send': sendSms,
};

module.exports = { GRAPHQL_OPERATIONS, ROUTES, decryptPassword };
