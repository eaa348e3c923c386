//! The login session and how it is kept in WeChat storage.
//!
//! Two storage entries per application: the token (a string) under [`token_key`], and the
//! user GenAuth last returned (an object) under [`user_key`]. Storage is the single source of
//! truth: the shim hands the stored token to the core before each call, so every
//! `AuthenticationClient` of the same app (one per page, say) sees the same session. Only the
//! token is read per call; it is short, where the user object is kilobytes.
//!
//! `authing-wxapp-sdk` keeps its session under the global keys [`LEGACY_TOKEN_KEY`] and
//! [`LEGACY_USER_KEY`]; [`adopt_legacy`] takes it over so users who switch SDKs stay logged in.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{Id, Text};
use crate::jwt::{self, Claims};

/// Where `authing-wxapp-sdk` stores the token (a plain string).
pub const LEGACY_TOKEN_KEY: &str = "_authing_token";
/// Where `authing-wxapp-sdk` stores the user (an object).
pub const LEGACY_USER_KEY: &str = "_authing_user";

/// The storage key of the session token of application `app_id`.
pub fn token_key(app_id: &str) -> String {
    format!("genauth:{app_id}:token")
}

/// The storage key of the user object of application `app_id`.
pub fn user_key(app_id: &str) -> String {
    format!("genauth:{app_id}:user")
}

/// A logged-in session: its token.
#[derive(Clone)]
pub struct Session {
    token: String,
}

/// The two fields of a user object the SDK needs.
#[derive(Deserialize)]
pub(crate) struct UserKeys {
    #[serde(default)]
    pub id: Id,
    #[serde(default)]
    pub token: Text,
}

impl Session {
    /// Reads the stored token. `None` for anything that cannot be a token.
    pub fn from_storage(text: &str) -> Option<Session> {
        is_token_like(text).then(|| Session {
            token: text.to_owned(),
        })
    }

    /// The token, to send as `Authorization: Bearer <token>`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The token's claims (decoded on each call; only rare paths need them).
    pub fn claims(&self) -> Claims {
        jwt::decode(&self.token).unwrap_or_default()
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"[redacted]")
            .finish()
    }
}

/// A session taken over from `authing-wxapp-sdk`.
#[derive(Debug)]
pub struct Adopted {
    /// Its token.
    pub token: String,
    /// Its user object, if it had a usable one.
    pub user: Option<Box<RawValue>>,
}

/// Takes over the session `authing-wxapp-sdk` left in storage: its token (a string) and its
/// user (an object, given as JSON text). Returns `None` when there is nothing usable: no
/// token, or one that has expired at `now_ms`. The old SDK kept one session for the whole
/// mini program and sent it whatever the app id, so neither is the token's audience checked
/// here: the server judges it at the first call.
pub fn adopt_legacy(token: Option<&str>, user_json: Option<&str>, now_ms: f64) -> Option<Adopted> {
    let user = user_json
        .filter(|text| text.trim_start().starts_with('{'))
        .and_then(|text| RawValue::from_string(text.to_owned()).ok());
    let token = match token.filter(|t| !t.is_empty()) {
        Some(token) => token.to_owned(),
        None => {
            serde_json::from_str::<UserKeys>(user.as_deref()?.get())
                .ok()?
                .token
                .0?
        }
    };
    if !is_token_like(&token) {
        return None;
    }
    if jwt::decode(&token).unwrap_or_default().is_expired(now_ms) {
        return None;
    }
    Some(Adopted { token, user })
}

/// A token goes into `Authorization: Bearer <token>`, so it must have the `b64token` syntax
/// of RFC 6750 §2.1: `[A-Za-z0-9-._~+/]+` then `=` padding. JWTs do.
pub(crate) fn is_token_like(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::tests::token_with;

    #[test]
    fn keys_are_namespaced_by_app() {
        assert_eq!(token_key("app1"), "genauth:app1:token");
        assert_eq!(user_key("app1"), "genauth:app1:user");
    }

    #[test]
    fn stored_tokens() {
        let token = token_with(r#"{"sub":"u1","exp":2000000000}"#);
        let session = Session::from_storage(&token).unwrap();
        assert_eq!(session.token(), token);
        assert_eq!(session.claims().user_id.as_deref(), Some("u1"));
        for text in [
            "",
            "a b",
            "a\nb",
            "\"quoted\"",
            "{\"v\":1,\"tok",
            "=",
            "a=b",
        ] {
            assert!(Session::from_storage(text).is_none(), "{text}");
        }
        // Not a JWT: still a token to send, without claims.
        assert_eq!(
            Session::from_storage("opaque").unwrap().claims(),
            Claims::default()
        );
    }

    #[test]
    fn debug_redacts_the_token() {
        let session = Session::from_storage("secret.token.value").unwrap();
        let shown = format!("{session:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn adopts_the_legacy_session() {
        let token = token_with(r#"{"sub":"u1","exp":2000000000,"aud":"app1"}"#);
        let user = format!(r#"{{"id":"u1","token":"{token}"}}"#);
        let now = 1_800_000_000_000.0;
        let adopted = adopt_legacy(Some(&token), Some(&user), now).unwrap();
        assert_eq!(adopted.token, token);
        assert_eq!(
            adopted.user.as_deref().map(RawValue::get),
            Some(user.as_str())
        );

        // The token alone is enough; so is the user's own token field.
        assert!(adopt_legacy(Some(&token), None, now).is_some());
        let from_user = adopt_legacy(None, Some(&user), now).unwrap();
        assert_eq!(from_user.token, token);
        assert!(adopt_legacy(Some(""), Some(&user), now).is_some());
        // Whatever the audience: the old SDK sent it for any app id.
        let other_app = token_with(r#"{"sub":"u1","aud":"app2"}"#);
        assert!(adopt_legacy(Some(&other_app), None, now).is_some());
    }

    #[test]
    fn does_not_adopt_what_is_unusable() {
        let now = 1_800_000_000_000.0;
        let expired = token_with(r#"{"sub":"u1","exp":1000}"#);
        assert!(adopt_legacy(None, None, now).is_none());
        assert!(adopt_legacy(Some(""), Some("\"\""), now).is_none());
        assert!(adopt_legacy(Some(&expired), None, now).is_none());
        assert!(adopt_legacy(None, Some(r#"{"id":"u1"}"#), now).is_none());
        assert!(adopt_legacy(Some("bad token"), None, now).is_none());
        // A malformed user is dropped, the token is still adopted.
        let token = token_with(r#"{"sub":"u1"}"#);
        let adopted = adopt_legacy(Some(&token), Some("[1,2]"), now).unwrap();
        assert!(adopted.user.is_none());
        let adopted = adopt_legacy(Some(&token), Some("{not json"), now).unwrap();
        assert!(adopted.user.is_none());
    }
}
