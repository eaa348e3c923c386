'use strict';
// Verification codes sent by SMS (POST /api/v2/sms/send) and e-mail (GraphQL sendEmail). Nothing is
// delivered: tests read the code with emu.lastSmsCode / emu.lastEmailCode. A code is 6 digits,
// single use and valid `state.verifyCodeTtlMs` (emulator clock); a new send to the same target
// replaces the previous code, and is refused within RESEND_INTERVAL_MS of the last one.

const crypto = require('crypto');
const { ERRORS, fail } = require('./errors');

const RESEND_INTERVAL_MS = 60 * 1000;
const DEFAULT_PHONE_COUNTRY_CODE = '+86';
const EMAIL_SCENES = ['RESET_PASSWORD', 'VERIFY_EMAIL', 'CHANGE_EMAIL', 'MFA_VERIFY'];

/** SMS codes are per (country code, phone); an omitted country code is +86. */
function smsTarget(phone, phoneCountryCode) {
  return 'sms:' + (phoneCountryCode || DEFAULT_PHONE_COUNTRY_CODE) + ' ' + phone;
}

/** E-mail codes are per (lower-cased email, scene). */
function emailTarget(email, scene) {
  return 'email:' + scene + ':' + String(email).toLowerCase();
}

/** Issues a new code for `target`; 2100 when the last one was sent less than a minute ago. */
function issue(state, target) {
  const previous = state.verifyCodes.get(target);
  const now = state.now();
  if (previous && now - previous.issuedAt < RESEND_INTERVAL_MS) fail(ERRORS.SEND_TOO_FREQUENT);
  const code = String(crypto.randomInt(0, 1000000)).padStart(6, '0');
  state.verifyCodes.set(target, { code, issuedAt: now, used: false });
  return code;
}

/**
 * Checks `code` against the current codes of `targets` (several when an operation accepts codes of
 * more than one e-mail scene). Returns a function that uses the code up, so callers can finish
 * every other check first. Fails with 2001 when no code was sent or it does not match, 2300 when
 * the matching code is used or expired, or every code sent is.
 */
function check(state, targets, code) {
  const records = targets.map((target) => state.verifyCodes.get(target)).filter(Boolean);
  const live = (record) => !record.used && state.now() <= record.issuedAt + state.verifyCodeTtlMs;
  const match = records.find((record) => record.code === code && live(record));
  if (match) {
    return () => {
      match.used = true;
    };
  }
  if (records.some((record) => record.code === code) || (records.length > 0 && !records.some(live))) {
    fail(ERRORS.VERIFY_CODE_EXPIRED);
  }
  return fail(ERRORS.VERIFY_CODE_WRONG);
}

function checkSmsCode(state, phone, phoneCountryCode, code) {
  return check(state, [smsTarget(phone, phoneCountryCode)], code);
}

function checkEmailCode(state, email, scenes, code) {
  return check(state, scenes.map((scene) => emailTarget(email, scene)), code);
}

/** The last SMS code sent to the phone (used or not), or null. */
function lastSmsCode(state, phone, phoneCountryCode) {
  const record = state.verifyCodes.get(smsTarget(phone, phoneCountryCode));
  return record ? record.code : null;
}

/** The last e-mail code sent to `email` for `scene`, or for any scene when omitted; or null. */
function lastEmailCode(state, email, scene) {
  const scenes = scene ? [scene] : EMAIL_SCENES;
  let latest = null;
  for (const each of scenes) {
    const record = state.verifyCodes.get(emailTarget(email, each));
    if (record && (!latest || record.issuedAt >= latest.issuedAt)) latest = record;
  }
  return latest ? latest.code : null;
}

module.exports = {
  EMAIL_SCENES,
  smsTarget,
  emailTarget,
  issue,
  checkSmsCode,
  checkEmailCode,
  lastSmsCode,
  lastEmailCode,
};
