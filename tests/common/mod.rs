//! Helpers the native integration tests share.
#![allow(dead_code)]

/// base64url without padding, as JWTs use it.
pub fn b64url(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// An unsigned token with this payload JSON (the SDK reads claims, never signatures).
pub fn jwt_for(payload: &str) -> String {
    format!(
        "{}.{}.sig",
        b64url(br#"{"alg":"HS256"}"#),
        b64url(payload.as_bytes())
    )
}
