//! Reading the payload of a GenAuth token (a JWT) without verifying it.
//!
//! Like `authing-js-sdk` (`jwt-decode`), the SDK only reads claims to learn who is logged in
//! and until when (`sub` or `data.id`, `exp`, `iat`). The signature is the server's
//! business: every request carries the token and the server checks it.

use crate::host;

/// The claims the SDK uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claims {
    /// The user id: `sub`, else `data.id`.
    pub user_id: Option<String>,
    /// Expiry, seconds since the epoch.
    pub exp: Option<i64>,
    /// Issued at, seconds since the epoch.
    pub iat: Option<i64>,
}

impl Claims {
    /// Whether the token has expired at `now_ms` (milliseconds since the epoch).
    /// A token without `exp` never expires locally; the server still decides.
    pub fn is_expired(&self, now_ms: f64) -> bool {
        match self.exp {
            Some(exp) => (exp as f64) * 1000.0 <= now_ms,
            None => false,
        }
    }
}

/// Decodes the payload of `token`. `None` when it is not a JWT with a JSON object payload.
pub fn decode(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let text = String::from_utf8(base64url_decode(payload)?).ok()?;
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let payload = host::parse_json(&text)?;
    if !host::is_plain_object(&payload) {
        return None;
    }
    let user_id = host::id_of(&host::get(&payload, "sub"))
        .or_else(|| host::id_of(&host::get(&host::get(&payload, "data"), "id")));
    Some(Claims {
        user_id,
        exp: host::number(&host::get(&payload, "exp")).and_then(seconds),
        iat: host::number(&host::get(&payload, "iat")).and_then(seconds),
    })
}

fn seconds(value: f64) -> Option<i64> {
    // Anything past year 10^5 or before 1970 is not a real timestamp.
    if value.is_finite() && (0.0..1e12).contains(&value) {
        // In range, so the cast neither saturates nor wraps.
        Some(value.floor() as i64)
    } else {
        None
    }
}

/// Decodes unpadded (or padded) base64url, as used in JWTs.
pub fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    let input = input.trim_end_matches('=');
    if input.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for byte in input.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // Masked to one byte, so the cast keeps every bit that matters.
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;

    /// Encodes base64url without padding (test helper).
    pub fn base64url_encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    /// Makes an unsigned token with the given payload JSON (test helper).
    pub fn token_with(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            base64url_encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            base64url_encode(payload.as_bytes())
        )
    }

    #[test]
    fn base64url_round_trips() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)), Some(bytes));
        }
        assert_eq!(base64url_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("a*b="), None);
    }

    #[test]
    fn reads_sub_exp_iat() {
        let token = token_with(r#"{"sub":"u1","exp":1700000000,"iat":1690000000,"aud":"app1"}"#);
        assert_eq!(
            decode(&token),
            Some(Claims {
                user_id: Some("u1".into()),
                exp: Some(1_700_000_000),
                iat: Some(1_690_000_000),
            })
        );
    }

    #[test]
    fn falls_back_to_data_id() {
        let token = token_with(r#"{"data":{"id":"u2"},"aud":["a","b"]}"#);
        let claims = decode(&token).unwrap();
        assert_eq!(claims.user_id.as_deref(), Some("u2"));
        assert_eq!(claims.exp, None);
    }

    #[test]
    fn rejects_non_jwts() {
        for token in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            &token_with("[1]"),
            &token_with("nope"),
        ] {
            assert_eq!(decode(token), None, "{token}");
        }
        let weird = decode(&token_with(r#"{"exp":-5,"iat":1e300}"#)).unwrap();
        assert_eq!((weird.exp, weird.iat), (None, None));
    }

    #[test]
    fn expiry() {
        let claims = decode(&token_with(r#"{"sub":"u","exp":100}"#)).unwrap();
        assert!(!claims.is_expired(99_999.0));
        assert!(claims.is_expired(100_000.0));
        assert!(!Claims::default().is_expired(1e15));
    }
}
