'use strict';
// The password key pair (wire doc §2.5): the client encrypts password fields with RSA PKCS#1 v1.5
// under the public key of GET /api/v2/.well-known and sends the ciphertext as base64. JSEncrypt
// does not left-pad the ciphertext to the modulus length, so the emulator pads before decrypting.
//
// Node >= 20.11 (CVE-2023-46809) refuses RSA_PKCS1_PADDING in privateDecrypt, so decryption is raw
// RSA (RSA_NO_PADDING) followed by a check and strip of the PKCS#1 v1.5 type-2 block ourselves.

const crypto = require('crypto');

const MIN_PADDING_BYTES = 8; // PKCS#1 v1.5: at least 8 nonzero random bytes before the 0x00 separator
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// From util, not the global: a jsdom test environment (jest) has no TextDecoder global.
const UTF8 = new (require('util').TextDecoder)('utf-8', { fatal: true });

/**
 * The key pair: `privateKey` (PEM string or KeyObject) when given, else a fresh RSA 2048 pair.
 * Returns { privateKey: KeyObject, publicKey: SPKI PEM string, modulusBytes }.
 */
function createKeyPair(privateKey) {
  let key;
  if (privateKey === undefined || privateKey === null) {
    key = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  } else {
    key = privateKey instanceof crypto.KeyObject ? privateKey : crypto.createPrivateKey(privateKey);
    if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') throw new Error('rsaPrivateKey must be an RSA private key');
  }
  const publicKey = crypto.createPublicKey(key).export({ type: 'spki', format: 'pem' });
  return { privateKey: key, publicKey, modulusBytes: key.asymmetricKeyDetails.modulusLength / 8 };
}

/** Removes the PKCS#1 v1.5 type-2 block of a decrypted `block`; null when it is not one. */
function unpad(block) {
  if (block[0] !== 0x00 || block[1] !== 0x02) return null;
  const separator = block.indexOf(0x00, 2);
  if (separator < 0 || separator - 2 < MIN_PADDING_BYTES) return null;
  return block.subarray(separator + 1);
}

/** Decrypts a base64 JSEncrypt ciphertext to its UTF-8 text; null on any malformed input. */
function decrypt(keyPair, base64) {
  if (typeof base64 !== 'string' || !BASE64.test(base64)) return null;
  const cipher = Buffer.from(base64, 'base64');
  if (cipher.length === 0 || cipher.length > keyPair.modulusBytes) return null;
  const padded = Buffer.concat([Buffer.alloc(keyPair.modulusBytes - cipher.length), cipher]);
  let block;
  try {
    block = crypto.privateDecrypt({ key: keyPair.privateKey, padding: crypto.constants.RSA_NO_PADDING }, padded);
  } catch (e) {
    return null; // e.g. the number is not below the modulus
  }
  const message = unpad(block);
  if (!message) return null;
  try {
    return UTF8.decode(message);
  } catch (e) {
    return null;
  }
}

module.exports = { createKeyPair, decrypt };
