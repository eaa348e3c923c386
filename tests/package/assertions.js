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

/** A rejection the SDK made: an `Error` with the stable `code` and a message. */
function assertCodedError(error, code) {
  assert.equal(Object.prototype.toString.call(error), '[object Error]', 'an Error object');
  assert.equal(error.code, code, error.message);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
}

module.exports = { rejection, assertCodedError };
