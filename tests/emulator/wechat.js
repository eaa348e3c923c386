'use strict';
// The WeChat side: wx.login codes, auth.code2Session (GET /sns/jscode2session) and the
// AES-128-CBC "encrypted data" of getUserInfo / getPhoneNumber (wire doc §4.2, §4.4).

const crypto = require('crypto');

const CODE_TTL_MS = 5 * 60 * 1000;

function digest64(text) {
  return crypto.createHash('sha256').update(text).digest('base64url');
}

/** openid of `person` in WeChat app `wechatAppId`: 'o' + 27 url-safe chars, deterministic. */
function openidFor(wechatAppId, person) {
  return 'o' + digest64(wechatAppId + ':' + person).slice(0, 27);
}

/** unionid of `person` under Open-Platform subject `subject`: 'u' + 27 url-safe chars, deterministic. */
function unionidFor(subject, person) {
  return 'u' + digest64(subject + ':' + person).slice(0, 27);
}

/** The subject a WeChat app belongs to: from a configured app, else the appid itself. */
function subjectOf(state, wechatAppId) {
  for (const app of state.apps.values()) {
    if (app.wechatAppId === wechatAppId) return app.subject;
  }
  return wechatAppId;
}

/** What wx.login returns on a phone: a fresh single-use code with a fresh session key. */
function mintCode(state, wechatAppId, person) {
  if (typeof wechatAppId !== 'string' || wechatAppId === '') throw new Error('wechatAppId must be a non-empty string');
  if (typeof person !== 'string' || person === '') throw new Error('person must be a non-empty string');
  const code = crypto.randomBytes(24).toString('base64url'); // 32 url-safe characters
  state.codes.set(code, {
    code,
    wechatAppId,
    person,
    openid: openidFor(wechatAppId, person),
    unionid: unionidFor(subjectOf(state, wechatAppId), person),
    sessionKey: crypto.randomBytes(16),
    issuedAt: state.now(),
    used: false,
  });
  return code;
}

/**
 * code2Session: consumes `code` for `wechatAppId`.
 * Returns { record } or { errcode, errmsg } as WeChat would answer.
 */
function consumeCode(state, wechatAppId, code) {
  if (typeof code !== 'string' || code === '') return { errcode: 41008, errmsg: 'missing code' };
  const record = state.codes.get(code);
  if (!record || record.wechatAppId !== wechatAppId) return { errcode: 40029, errmsg: 'invalid code' };
  if (record.used) return { errcode: 40163, errmsg: 'code been used' };
  if (state.now() > record.issuedAt + CODE_TTL_MS) return { errcode: 40029, errmsg: 'invalid code' };
  record.used = true;
  return { record };
}

/**
 * What the phone hands the page: JSON of `data` plus a watermark, encrypted with the session key of
 * `code` (consumed or not). A `watermark` given in `data` is kept as is (to build bad fixtures).
 */
function encryptFor(state, code, data) {
  const record = state.codes.get(code);
  if (!record) throw new Error('unknown code: ' + code);
  const plain = Object.assign({}, data);
  if (plain.watermark === undefined) {
    plain.watermark = { appid: record.wechatAppId, timestamp: Math.floor(state.now() / 1000) };
  }
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-128-cbc', record.sessionKey, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
  return { encryptedData: encrypted.toString('base64'), iv: iv.toString('base64') };
}

/** Decrypts WeChat encrypted data; returns the parsed object or null (bad key, iv, padding or JSON). */
function decrypt(sessionKey, encryptedData, iv) {
  try {
    const decipher = crypto.createDecipheriv('aes-128-cbc', sessionKey, Buffer.from(String(iv), 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(String(encryptedData), 'base64')), decipher.final()]);
    const value = JSON.parse(plain.toString('utf8'));
    return value && typeof value === 'object' ? value : null;
  } catch (e) {
    return null;
  }
}

/** GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code */
function jscode2session(state, ctx) {
  const result = consumeCode(state, ctx.query.appid || '', ctx.query.js_code);
  if (result.errcode) return { errcode: result.errcode, errmsg: result.errmsg };
  const record = result.record;
  return { openid: record.openid, session_key: record.sessionKey.toString('base64'), unionid: record.unionid };
}

module.exports = { CODE_TTL_MS, openidFor, unionidFor, mintCode, consumeCode, encryptFor, decrypt, jscode2session };
