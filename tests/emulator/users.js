'use strict';
// Users and sessions: the records the emulator keeps, the `User` object the API returns (wire doc
// §2.6), passwords (salted scrypt hashes of the decrypted text), the JWTs it issues (§1.3) and the
// session check every authenticated operation starts with.

const crypto = require('crypto');
const jwt = require('./jwt');
const { ERRORS, fail } = require('./errors');

// The v4 `User` selection set (wire doc §2.6), in order, without `identities`.
const USER_FIELDS = (
  'id arn userPoolId status username email emailVerified phone phoneVerified unionid openid nickname ' +
  'registerSource photo password oauth token tokenExpiredAt loginsCount lastLogin lastIP signedUp blocked ' +
  'isDeleted device browser company name givenName familyName middleName profile preferredUsername website ' +
  'gender birthdate zoneinfo locale address formatted streetAddress locality region postalCode city province ' +
  'country createdAt updatedAt externalId'
).split(' ');

// `UpdateUserInput` (wire doc §2.6): field -> GraphQL scalar type.
const UPDATE_USER_INPUT = {};
for (const field of (
  'email unionid openid phone username nickname password photo company browser device oauth tokenExpiredAt ' +
  'lastLogin lastIP name givenName familyName middleName profile preferredUsername website gender birthdate ' +
  'zoneinfo locale address formatted streetAddress locality region postalCode city province country externalId'
).split(' ')) {
  UPDATE_USER_INPUT[field] = 'String';
}
Object.assign(UPDATE_USER_INPUT, { emailVerified: 'Boolean', phoneVerified: 'Boolean', blocked: 'Boolean', loginsCount: 'Int' });

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function iso(ms) {
  return new Date(ms).toISOString();
}

function randomId() {
  return crypto.randomBytes(12).toString('hex');
}

/** Emails are compared and stored lower-case. */
function normalizeEmail(email) {
  return String(email).trim().toLowerCase();
}

/** The normalized email; 2003 when it is not an email address. */
function checkEmailFormat(email) {
  if (!EMAIL.test(email)) fail(ERRORS.BAD_EMAIL);
  return normalizeEmail(email);
}

// ---------------------------------------------------------------------------------------------
// Records

/** A new user of `userPoolId`, registered through `registerSource` (e.g. 'basic:email'). */
function createUser(state, userPoolId, registerSource) {
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
    registerSource: [registerSource],
    loginsCount: 0,
    signedUp: now,
    blocked: false,
    isDeleted: false,
    createdAt: now,
    updatedAt: now,
    // Not part of `User`: the level of the current password, user-defined values (key -> string),
    // and what the admin API seeds (roles, authorized resources, org paths, allowed applications;
    // null applications = every app of the pool).
    passwordSecurityLevel: null,
    udv: {},
    roles: [],
    resources: [],
    orgs: [],
    applications: null,
  });
  state.users.set(id, user);
  return user;
}

function usersInPool(state, userPoolId) {
  return Array.from(state.users.values()).filter((user) => user.userPoolId === userPoolId);
}

function findByEmail(state, userPoolId, email) {
  const wanted = normalizeEmail(email);
  return usersInPool(state, userPoolId).find((user) => user.email === wanted);
}

function findByUsername(state, userPoolId, username) {
  return usersInPool(state, userPoolId).find((user) => user.username === username);
}

function findByPhone(state, userPoolId, phone) {
  return usersInPool(state, userPoolId).find((user) => user.phone === phone);
}

/** The user `id` when it belongs to `userPoolId`, else undefined. */
function findInPool(state, userPoolId, id) {
  const user = typeof id === 'string' ? state.users.get(id) : undefined;
  return user && user.userPoolId === userPoolId ? user : undefined;
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
  out.password = null; // the stored hash never leaves the server
  out.registerSource = user.registerSource.slice();
  return out;
}

/** A deep copy of a stored user record (for the admin API and `users()`). */
function userRecord(user) {
  return JSON.parse(JSON.stringify(user));
}

/**
 * The ways `user` can still log in: 'phone' (SMS code), 'email' / 'username' (with a password) and
 * 'social:<provider>' per identity. Unbinding the last one is refused (2217).
 */
function loginMethods(user) {
  const methods = [];
  if (user.phone) methods.push('phone');
  if (user.email && user.password) methods.push('email');
  if (user.username && user.password) methods.push('username');
  for (const identity of user.identities) methods.push('social:' + identity.provider);
  return methods;
}

/** Fails with 2217 unless `user` keeps a login method other than those `removed` says. */
function keepsLoginMethod(user, removed) {
  if (!loginMethods(user).some((method) => !removed(method))) fail(ERRORS.ONLY_LOGIN_METHOD);
}

// ---------------------------------------------------------------------------------------------
// Passwords

const SCRYPT = { N: 1024, r: 8, p: 1 }; // deliberately cheap: tests hash many passwords

/** The password level the SDKs compute (wire doc §2.4 computedPasswordSecurityLevel): 1, 2 or 3. */
function passwordSecurityLevel(password) {
  if (/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[^]{12,}$/.test(password)) return 3;
  if (/^(?=.*[a-zA-Z])(?=.*\d)[^]{8,}$/.test(password)) return 2;
  return 1;
}

/** Stores a salted hash of `password` (plaintext) on `user`. */
/**
 * Every password and token the emulators of this process have seen or issued, so tests can
 * check that no message, error data or log line of the SDK repeats one.
 */
const seenSecrets = new Set();

function setPassword(user, password) {
  seenSecrets.add(password);
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, 32, SCRYPT);
  user.password = 'scrypt$' + salt.toString('base64') + '$' + hash.toString('base64');
  user.passwordSecurityLevel = passwordSecurityLevel(password);
}

/** Whether `password` (plaintext) is the user's; false when the user has none. */
function passwordMatches(user, password) {
  if (!user.password) return false;
  const [, salt, hash] = user.password.split('$');
  const expected = Buffer.from(hash, 'base64');
  const given = crypto.scryptSync(password, Buffer.from(salt, 'base64'), expected.length, SCRYPT);
  return crypto.timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------------------------------------
// Apps, tokens, sessions

/** The app named by the x-authing-app-id header, or undefined. */
function appFromHeaders(state, headers) {
  const appId = headers['x-authing-app-id'];
  return appId ? state.apps.get(appId) : undefined;
}

/** The app of the request; fails with 2224 when the header is missing or names no app. */
function requireApp(state, ctx) {
  const app = appFromHeaders(state, ctx.headers);
  if (!app) fail(ERRORS.APP_NOT_FOUND);
  return app;
}

/** The token of an `Authorization: Bearer <jwt>` or `Authorization: <jwt>` header, or ''. */
function tokenFromHeaders(headers) {
  const value = (headers.authorization || '').trim();
  return value.replace(/^Bearer\s+/i, '').trim();
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
  seenSecrets.add(token);
  user.token = token;
  user.tokenExpiredAt = iso(exp * 1000);
  return { token, iat, exp };
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

/** The user of a token; fails with 2206 when it expired, 2020 when it is missing, invalid or revoked. */
function requireTokenUser(state, token, app) {
  const checked = checkToken(state, token, app);
  if (checked.problem === 'expired') fail(ERRORS.LOGIN_EXPIRED);
  if (!checked.user) fail(ERRORS.NOT_LOGGED_IN);
  return checked.user;
}

/** The user of the request's Authorization header (see requireTokenUser). */
function requireSession(state, ctx, app) {
  return requireTokenUser(state, tokenFromHeaders(ctx.headers), app);
}

/** Counts a login of `user` through `app` and gives it a fresh token. */
function recordLogin(state, user, app, ctx, clientIp) {
  const now = iso(state.now());
  user.loginsCount += 1;
  user.lastLogin = now;
  user.lastIP = clientIp || ctx.remoteAddress || null;
  user.updatedAt = now;
  issueToken(state, user, app);
}

function touch(state, user) {
  user.updatedAt = iso(state.now());
}

// ---------------------------------------------------------------------------------------------
// Admin: seedUser

const SEED_FIELDS = Object.assign({}, UPDATE_USER_INPUT, { userPoolId: 'String' });

/**
 * Creates a user from admin-given fields: any UpdateUserInput field (password in plaintext) plus
 * userPoolId (default 'pool-default'). Refuses unknown fields, a bad email and duplicates.
 */
function seedUser(state, fields) {
  const given = fields || {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new Error('seedUser takes an object of user fields');
  const entries = Object.entries(given).filter(([, value]) => value !== undefined);
  for (const [key, value] of entries) {
    const type = SEED_FIELDS[key];
    if (!type) throw new Error('seedUser: unknown field ' + key);
    const ok = type === 'String' ? typeof value === 'string' : type === 'Boolean' ? typeof value === 'boolean' : Number.isInteger(value);
    if (value !== null && !ok) throw new Error('seedUser: ' + key + ' must be a ' + type);
  }
  const userPoolId = given.userPoolId || 'pool-default';
  if (given.email && !EMAIL.test(given.email)) throw new Error('seedUser: bad email ' + given.email);
  if (given.email && findByEmail(state, userPoolId, given.email)) throw new Error('seedUser: email already used: ' + given.email);
  if (given.username && findByUsername(state, userPoolId, given.username)) throw new Error('seedUser: username already used: ' + given.username);
  if (given.phone && findByPhone(state, userPoolId, given.phone)) throw new Error('seedUser: phone already used: ' + given.phone);
  const user = createUser(state, userPoolId, 'import:manual');
  for (const [key, value] of entries) {
    if (key === 'password' || key === 'userPoolId') continue;
    user[key] = key === 'email' && value ? normalizeEmail(value) : value;
  }
  if (given.password) setPassword(user, given.password);
  return userRecord(user);
}

module.exports = {
  seenSecrets,
  USER_FIELDS,
  UPDATE_USER_INPUT,
  iso,
  randomId,
  normalizeEmail,
  checkEmailFormat,
  createUser,
  usersInPool,
  findByEmail,
  findByUsername,
  findByPhone,
  findInPool,
  publicUser,
  userRecord,
  loginMethods,
  keepsLoginMethod,
  passwordSecurityLevel,
  setPassword,
  passwordMatches,
  appFromHeaders,
  requireApp,
  tokenFromHeaders,
  issueToken,
  checkToken,
  requireTokenUser,
  requireSession,
  recordLogin,
  touch,
  seedUser,
};
