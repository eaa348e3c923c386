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

/** Where the secrets of the running test come from (`emulator.secrets`), and a tally. */
let secretsOf = null;
const scanned = { errors: 0, secrets: 0, consoleLines: 0 };
/** Every line the mini programs wrote to their console since the last scan. */
const consoleLines = [];

/**
 * From now on, every coded error asserted is also scanned for every secret `source()` lists
 * (tokens, passwords, wx and SMS codes, session keys, encryptedData): none may appear in
 * its message, its `data` or its stack.
 */
function watchSecrets(source) {
  secretsOf = source;
}

/** Fails if `text` holds one of the watched secrets. */
function assertNoSecret(text, where) {
  if (!secretsOf || !text) return;
  const secrets = secretsOf();
  scanned.secrets = Math.max(scanned.secrets, secrets.length);
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), where + ' repeats a secret (' + secret.length + ' characters)');
  }
}

/** A rejection the SDK made: an `Error` with the stable `code`, a message, `retryable`. */
function assertCodedError(error, code) {
  scanned.errors += 1;
  assertNoSecret(error.message, code + ' message');
  assertNoSecret(error.data === undefined ? '' : JSON.stringify(error.data), code + ' data');
  assertNoSecret(error.stack, code + ' stack');
  assert.equal(Object.prototype.toString.call(error), '[object Error]', 'an Error object');
  assert.equal(error.code, code, error.message);
  assert.equal(error.retryable, RETRYABLE.includes(code), code + ': retryable');
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
}

/**
 * A console for a sandboxed mini program that records every line (for the secret scan)
 * instead of printing it.
 */
function recordingConsole() {
  const util = require('util');
  const record = (level) => (...args) => consoleLines.push(`${level}: ${util.format(...args)}`);
  const recorder = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'table', 'dir', 'assert']) recorder[level] = record(level);
  return recorder;
}

/**
 * Scans the console lines recorded since the last scan for every watched secret, then
 * forgets them. Returns the lines scanned.
 */
function scanConsole() {
  const lines = consoleLines.splice(0);
  scanned.consoleLines += lines.length;
  for (const line of lines) assertNoSecret(line, 'a console line');
  return lines;
}

module.exports = { rejection, assertCodedError, assertNoSecret, watchSecrets, scanned, recordingConsole, scanConsole };
