//! Password encryption as `authing-wxapp-sdk` does it with JSEncrypt: RSA PKCS#1 v1.5
//! (RFC 8017 §7.2.1) over the UTF-8 password, the ciphertext in base64.
//!
//! The big-number arithmetic is RustCrypto's `crypto-bigint` (Montgomery exponentiation);
//! what is written here is the small rest: reading the public key (PEM, SPKI or PKCS#1 DER)
//! and the padding. The padding's random bytes come from the host (`wx.getRandomValues`,
//! `crypto.getRandomValues`): the core draws no randomness of its own, so `getrandom` is
//! never linked. The tests check the ciphertext against the `rsa` crate's decryption.

use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};

/// The smallest modulus accepted, in bytes (1024 bits; GenAuth's keys are 2048).
const MIN_MODULUS_BYTES: usize = 128;
/// The largest modulus accepted, in bytes (4096 bits).
const MAX_MODULUS_BYTES: usize = 512;
/// PKCS#1 v1.5's overhead: `00 02`, at least 8 padding bytes, `00`.
const OVERHEAD: usize = 11;
/// Extra random bytes asked for, beyond the padding's length, so zero bytes can be skipped
/// (the padding must be nonzero) without asking again.
const SPARE_RANDOM: usize = 32;

/// An RSA public key, ready to encrypt (its Montgomery parameters computed once).
pub struct PublicKey {
    params: BoxedMontyParams,
    exponent: BoxedUint,
    exponent_bits: u32,
    /// The modulus length in bytes.
    size: usize,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({} bits)", self.size * 8)
    }
}

/// Why encryption could not be done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncryptError {
    /// The message is longer than the key can carry (`size - 11` bytes).
    TooLong(usize),
    /// Not enough nonzero random bytes were supplied.
    NotEnoughRandom,
}

impl PublicKey {
    /// Reads a PEM public key (`-----BEGIN PUBLIC KEY-----`, or `RSA PUBLIC KEY`), or the
    /// bare base64 of its DER, as GenAuth's console shows it.
    pub fn from_pem(text: &str) -> Option<PublicKey> {
        // The base64 of every line that is not a `-----BEGIN/END ...-----` line.
        let mut body = String::with_capacity(text.len());
        for line in text.lines() {
            let line = line.trim();
            if !line.starts_with("-----") {
                body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
            }
        }
        if body.is_empty() {
            return None;
        }
        PublicKey::from_der(&crate::jwt::base64url_decode(&body)?)
    }

    /// Reads a DER public key: `SubjectPublicKeyInfo` (RFC 5280) with the `rsaEncryption`
    /// algorithm, or a bare PKCS#1 `RSAPublicKey`.
    pub fn from_der(der: &[u8]) -> Option<PublicKey> {
        let mut outer = Der::new(der).sequence()?;
        let key = if outer.peek() == Some(SEQUENCE) {
            // SubjectPublicKeyInfo: {algorithm {rsaEncryption, NULL}, BIT STRING {RSAPublicKey}}.
            let mut algorithm = outer.sequence()?;
            if algorithm.take(OBJECT_IDENTIFIER)? != RSA_ENCRYPTION {
                return None;
            }
            let bits = outer.take(BIT_STRING)?;
            let (&unused, key) = bits.split_first()?;
            if unused != 0 || !outer.is_empty() {
                return None;
            }
            key
        } else {
            der
        };
        let mut key = Der::new(key).sequence()?;
        let modulus = unsigned(key.take(INTEGER)?)?;
        let exponent = unsigned(key.take(INTEGER)?)?;
        if !key.is_empty() {
            return None;
        }
        PublicKey::from_parts(modulus, exponent)
    }

    /// A key from its big-endian modulus and public exponent (no leading zeros).
    fn from_parts(modulus: &[u8], exponent: &[u8]) -> Option<PublicKey> {
        let size = modulus.len();
        if !(MIN_MODULUS_BYTES..=MAX_MODULUS_BYTES).contains(&size) || exponent.len() > 8 {
            return None;
        }
        let bits = u32::try_from(size * 8).ok()?;
        let modulus = BoxedUint::from_be_slice(modulus, bits).ok()?;
        let modulus = Option::from(Odd::new(modulus))?;
        let exponent_value = exponent.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
        // e = 1 would send the padded password in the clear; an even e is not RSA.
        if exponent_value < 3 || exponent_value % 2 == 0 {
            return None;
        }
        Some(PublicKey {
            params: BoxedMontyParams::new_vartime(modulus),
            exponent: BoxedUint::from(exponent_value),
            exponent_bits: 64 - exponent_value.leading_zeros(),
            size,
        })
    }

    /// The longest message this key encrypts, in bytes.
    pub fn max_message_len(&self) -> usize {
        self.size - OVERHEAD
    }

    /// How many random bytes [`PublicKey::encrypt`] wants for a message of `len` bytes.
    pub fn random_len(&self, len: usize) -> usize {
        self.size.saturating_sub(len + 3) + SPARE_RANDOM
    }

    /// Encrypts `message` with PKCS#1 v1.5 padding, taking the padding's nonzero bytes from
    /// `random` (zeros are skipped). Returns the ciphertext, `size` bytes long.
    pub fn encrypt(&self, message: &[u8], random: &[u8]) -> Result<Vec<u8>, EncryptError> {
        if message.len() > self.max_message_len() {
            return Err(EncryptError::TooLong(self.max_message_len()));
        }
        let padding = self.size - 3 - message.len();
        let mut block = Vec::with_capacity(self.size);
        block.extend_from_slice(&[0, 2]);
        block.extend(random.iter().copied().filter(|&b| b != 0).take(padding));
        if block.len() != 2 + padding {
            return Err(EncryptError::NotEnoughRandom);
        }
        block.push(0);
        block.extend_from_slice(message);
        let bits = self.params.bits_precision();
        let block = BoxedUint::from_be_slice(&block, bits).map_err(|_| EncryptError::TooLong(0))?;
        let cipher = BoxedMontyForm::new(block, self.params.clone())
            .pow_bounded_exp(&self.exponent, self.exponent_bits)
            .retrieve();
        let bytes = cipher.to_be_bytes();
        // The modulus has `size` bytes, so the integer fits them; left-pad to exactly that.
        let mut out = vec![0u8; self.size.saturating_sub(bytes.len())];
        out.extend_from_slice(&bytes[bytes.len().saturating_sub(self.size)..]);
        Ok(out)
    }
}

const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OBJECT_IDENTIFIER: u8 = 0x06;
const SEQUENCE: u8 = 0x30;
/// 1.2.840.113549.1.1.1, DER-encoded.
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// The magnitude of a DER INTEGER: positive, without its leading zeros.
fn unsigned(integer: &[u8]) -> Option<&[u8]> {
    if integer.first().is_none_or(|&b| b & 0x80 != 0) {
        return None;
    }
    let start = integer.iter().position(|&b| b != 0)?;
    Some(&integer[start..])
}

/// A reader of DER TLVs (definite lengths only, as DER requires).
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Der<'a> {
        Der { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    fn peek(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The contents of the next TLV, which must have tag `tag`.
    fn take(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (&found, rest) = self.rest.split_first()?;
        if found != tag {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 2 || rest.len() < count {
                return None;
            }
            let (len_bytes, after) = rest.split_at(count);
            rest = after;
            len_bytes
                .iter()
                .fold(0usize, |n, &b| (n << 8) | usize::from(b))
        };
        if rest.len() < len {
            return None;
        }
        let (contents, after) = rest.split_at(len);
        self.rest = after;
        Some(contents)
    }

    /// A reader of the next TLV's contents, which must be a SEQUENCE.
    fn sequence(&mut self) -> Option<Der<'a>> {
        self.take(SEQUENCE).map(Der::new)
    }
}

/// Standard base64 with padding (what JSEncrypt's `encrypt` returns).
pub fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use rsa::pkcs8::{EncodePublicKey, LineEnding};
    use rsa::traits::PublicKeyParts;
    use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};

    /// The test key pair of `tests/fixtures/` (a key for tests only, shared with the
    /// emulator's fixtures).
    pub fn test_key() -> RsaPrivateKey {
        use rsa::pkcs8::DecodePrivateKey;
        RsaPrivateKey::from_pkcs8_pem(include_str!("../tests/fixtures/test-rsa-private.pem"))
            .expect("the fixture key")
    }

    #[test]
    fn the_rsa_crate_decrypts_what_we_encrypt() {
        let private = test_key();
        let pem = private
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem");
        let key = PublicKey::from_pem(&pem).expect("our reader takes the PEM");
        assert_eq!(key.size, private.size());
        for (i, password) in [
            "p",
            "correct horse battery staple",
            "密码🔒x",
            &"a".repeat(245),
        ]
        .iter()
        .enumerate()
        {
            let random: Vec<u8> = (0..key.random_len(password.len()))
                .map(|n| (n * 7 + i) as u8)
                .collect();
            let cipher = key.encrypt(password.as_bytes(), &random).expect("encrypts");
            assert_eq!(cipher.len(), 256);
            let plain = private.decrypt(Pkcs1v15Encrypt, &cipher).expect("decrypts");
            assert_eq!(plain, password.as_bytes());
        }
        assert_eq!(
            key.encrypt(&[b'a'; 246], &[1; 64]),
            Err(EncryptError::TooLong(245))
        );
        assert_eq!(
            key.encrypt(b"pw", &[0; 300]),
            Err(EncryptError::NotEnoughRandom)
        );
    }

    #[test]
    fn reads_pkcs1_and_bare_base64_and_refuses_garbage() {
        use rsa::pkcs1::EncodeRsaPublicKey;
        let private = test_key();
        let public = private.to_public_key();
        let pkcs1 = public.to_pkcs1_der().expect("der");
        assert!(PublicKey::from_der(pkcs1.as_bytes()).is_some());
        let spki = public.to_public_key_der().expect("der");
        assert!(PublicKey::from_pem(&base64_encode(spki.as_bytes())).is_some());
        for bad in [
            "",
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----",
            "not base64!",
            "AAAA",
        ] {
            assert!(PublicKey::from_pem(bad).is_none(), "{bad}");
        }
        let bytes = spki.as_bytes();
        for cut in 0..bytes.len() {
            assert!(PublicKey::from_der(&bytes[..cut]).is_none());
        }
    }

    #[test]
    fn base64_is_standard_and_padded() {
        assert_eq!(base64_encode(b""), "");
        assert_eq!(base64_encode(b"f"), "Zg==");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_encode(b"foo"), "Zm9v");
        assert_eq!(base64_encode(&[0xfb, 0xff]), "+/8=");
    }
}
