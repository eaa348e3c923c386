'use strict';
// Assertions the package tests and the compiled-package tests share.
const assert = require('node:assert/strict');

/** Awaits a promise that must reject, and returns the error. */
async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** The codes of failures that may succeed later unchanged (`error.retryable`). */
const RETRYABLE = ['NETWORK_ERROR', 'TIMEOUT', 'SERVER_ERROR', 'RATE_LIMITED', 'WX_RATE_LIMITED'];

/** A rejection the SDK made: an `Error` with the stable `code`, a message, `retryable`. */
function assertCodedError(error, code) {
  assert.equal(Object.prototype.toString.call(error), '[object Error]', 'an Error object');
  assert.equal(error.code, code, error.message);
  assert.equal(error.retryable, RETRYABLE.includes(code), code + ': retryable');
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
}

module.exports = { rejection, assertCodedError };
