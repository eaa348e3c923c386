'use strict';
// Minimal HS256 JSON Web Tokens (RFC 7519) with Node's crypto; enough for the emulator's own tokens.

const crypto = require('crypto');

function base64url(buffer) {
  return Buffer.from(buffer).toString('base64url');
}

function hmac(secret, text) {
  return crypto.createHmac('sha256', secret).update(text).digest();
}

/** Signs `payload` with HS256 and returns the compact JWT string. */
function sign(payload, secret) {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(payload));
  const signature = base64url(hmac(secret, header + '.' + body));
  return header + '.' + body + '.' + signature;
}

/** Reads a JWT's payload without checking anything; null when it is not a JWT. */
function decode(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? payload : null;
  } catch (e) {
    return null;
  }
}

/** Returns the payload when the HS256 signature made with `secret` checks, else null (no expiry check). */
function verify(token, secret) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  let header;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch (e) {
    return null;
  }
  if (!header || header.alg !== 'HS256') return null;
  const expected = hmac(secret, parts[0] + '.' + parts[1]);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return decode(token);
}

module.exports = { sign, decode, verify, base64url };
