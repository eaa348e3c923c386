//! The login session and how it is kept in WeChat storage.
//!
//! The session is one storage entry per application, under [`session_key`], holding
//! `{"v":1,"token":"<jwt>","user":{...}}` as JSON text. Storage is the single source of
//! truth: the shim hands the stored text to the core before each call, so every
//! `AuthenticationClient` of the same app (one per page, say) sees the same session.
//!
//! `authing-wxapp-sdk` keeps its session under the global keys [`LEGACY_TOKEN_KEY`] and
//! [`LEGACY_USER_KEY`]; [`Session::adopt_legacy`] takes it over so users who switch SDKs
//! stay logged in.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::json::{Id, Text};
use crate::jwt::{self, Claims};

/// Where `authing-wxapp-sdk` stores the token (a plain string).
pub const LEGACY_TOKEN_KEY: &str = "_authing_token";
/// Where `authing-wxapp-sdk` stores the user (an object).
pub const LEGACY_USER_KEY: &str = "_authing_user";
/// The version of the storage record written by this SDK.
const RECORD_VERSION: u32 = 1;

/// The storage key of the session of application `app_id`.
pub fn session_key(app_id: &str) -> String {
    format!("genauth:{app_id}:session")
}

/// A logged-in session: the token and the user GenAuth returned with it.
#[derive(Clone)]
pub struct Session {
    token: String,
    user: Option<Box<RawValue>>,
    claims: Claims,
    user_id: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Record<'a> {
    v: u32,
    token: &'a str,
    #[serde(borrow)]
    user: Option<&'a RawValue>,
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
    /// A session from a token and (optionally) the user's JSON text.
    pub fn new(token: String, user: Option<Box<RawValue>>) -> Session {
        let claims = jwt::decode(&token).unwrap_or_default();
        let user_id = user
            .as_deref()
            .and_then(|raw| serde_json::from_str::<UserKeys>(raw.get()).ok())
            .and_then(|keys| keys.id.0)
            .or_else(|| claims.user_id.clone());
        Session {
            token,
            user,
            claims,
            user_id,
        }
    }

    /// Reads the stored record. `None` for anything that is not a record this SDK wrote.
    pub fn from_storage(text: &str) -> Option<Session> {
        let record: Record = serde_json::from_str(text).ok()?;
        if record.v != RECORD_VERSION || !is_token_like(record.token) {
            return None;
        }
        let user = record
            .user
            .filter(|raw| raw.get() != "null")
            .map(|raw| raw.to_owned());
        Some(Session::new(record.token.to_owned(), user))
    }

    /// The text to store.
    pub fn to_storage(&self) -> String {
        let record = Record {
            v: RECORD_VERSION,
            token: &self.token,
            user: self.user.as_deref(),
        };
        // Serialising a struct of a string and raw JSON cannot fail.
        serde_json::to_string(&record).unwrap_or_default()
    }

    /// Takes over the session `authing-wxapp-sdk` left in storage: its token (a string) and
    /// its user (an object, given as JSON text). Returns `None` when there is nothing usable:
    /// no token, a token that has expired at `now_ms`, or one issued for another app.
    pub fn adopt_legacy(
        token: Option<&str>,
        user_json: Option<&str>,
        app_id: &str,
        now_ms: f64,
    ) -> Option<Session> {
        let user = user_json
            .and_then(|text| RawValue::from_string(text.to_owned()).ok())
            .filter(|raw| raw.get().trim_start().starts_with('{'));
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
        let session = Session::new(token, user);
        let other_app = matches!(&session.claims.aud, Some(aud) if aud != app_id);
        if other_app || session.claims.is_expired(now_ms) {
            return None;
        }
        Some(session)
    }

    /// The token, to send as `Authorization: Bearer <token>`.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The user's JSON text as GenAuth last returned it, if known.
    pub fn user_json(&self) -> Option<&str> {
        self.user.as_deref().map(RawValue::get)
    }

    /// The user id, from the stored user or the token.
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// The token's claims.
    pub fn claims(&self) -> &Claims {
        &self.claims
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("token", &"[redacted]")
            .field("user_id", &self.user_id)
            .field("exp", &self.claims.exp)
            .finish()
    }
}

/// A token goes into a header: it must be non-empty and free of spaces and control characters.
pub(crate) fn is_token_like(token: &str) -> bool {
    !token.is_empty() && !token.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::tests::token_with;

    fn raw(json: &str) -> Option<Box<RawValue>> {
        Some(RawValue::from_string(json.to_owned()).unwrap())
    }

    #[test]
    fn key_is_namespaced_by_app() {
        assert_eq!(session_key("app1"), "genauth:app1:session");
    }

    #[test]
    fn storage_round_trip_keeps_the_user_text() {
        let token = token_with(r#"{"sub":"u1","exp":2000000000}"#);
        let session = Session::new(token.clone(), raw(r#"{"id":"u1","nickname":"小明"}"#));
        let text = session.to_storage();
        assert_eq!(
            text,
            format!(r#"{{"v":1,"token":"{token}","user":{{"id":"u1","nickname":"小明"}}}}"#)
        );
        let back = Session::from_storage(&text).unwrap();
        assert_eq!(back.token(), token);
        assert_eq!(back.user_json(), Some(r#"{"id":"u1","nickname":"小明"}"#));
        assert_eq!(back.user_id(), Some("u1"));
        assert_eq!(back.claims().exp, Some(2_000_000_000));
    }

    #[test]
    fn user_id_falls_back_to_the_token() {
        let session = Session::new(token_with(r#"{"sub":"u9"}"#), None);
        assert_eq!(session.user_id(), Some("u9"));
        assert_eq!(session.user_json(), None);
        let stored = Session::from_storage(&session.to_storage()).unwrap();
        assert_eq!(stored.user_id(), Some("u9"));
        assert_eq!(stored.user_json(), None);
    }

    #[test]
    fn foreign_records_are_ignored() {
        for text in [
            "",
            "null",
            "\"a.b.c\"",
            r#"{"v":2,"token":"a.b.c","user":null}"#,
            r#"{"v":1,"token":"","user":null}"#,
            r#"{"v":1,"token":"a b","user":null}"#,
            r#"{"v":1,"user":null}"#,
        ] {
            assert!(Session::from_storage(text).is_none(), "{text}");
        }
    }

    #[test]
    fn debug_redacts_the_token() {
        let session = Session::new("secret.token.value".into(), None);
        let shown = format!("{session:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }

    #[test]
    fn adopts_the_legacy_session() {
        let token = token_with(r#"{"sub":"u1","exp":2000000000,"aud":"app1"}"#);
        let user = format!(r#"{{"id":"u1","token":"{token}"}}"#);
        let now = 1_800_000_000_000.0;
        let adopted = Session::adopt_legacy(Some(&token), Some(&user), "app1", now).unwrap();
        assert_eq!(adopted.token(), token);
        assert_eq!(adopted.user_id(), Some("u1"));
        assert_eq!(adopted.user_json(), Some(user.as_str()));

        // The token alone is enough; so is the user's own token field.
        assert!(Session::adopt_legacy(Some(&token), None, "app1", now).is_some());
        let from_user = Session::adopt_legacy(None, Some(&user), "app1", now).unwrap();
        assert_eq!(from_user.token(), token);
        assert!(Session::adopt_legacy(Some(""), Some(&user), "app1", now).is_some());
    }

    #[test]
    fn does_not_adopt_what_is_unusable() {
        let now = 1_800_000_000_000.0;
        let expired = token_with(r#"{"sub":"u1","exp":1000}"#);
        let other_app = token_with(r#"{"sub":"u1","aud":"app2"}"#);
        assert!(Session::adopt_legacy(None, None, "app1", now).is_none());
        assert!(Session::adopt_legacy(Some(""), Some("\"\""), "app1", now).is_none());
        assert!(Session::adopt_legacy(Some(&expired), None, "app1", now).is_none());
        assert!(Session::adopt_legacy(Some(&other_app), None, "app1", now).is_none());
        assert!(Session::adopt_legacy(None, Some(r#"{"id":"u1"}"#), "app1", now).is_none());
        assert!(Session::adopt_legacy(Some("bad token"), None, "app1", now).is_none());
        // A malformed user is dropped, the token is still adopted.
        let token = token_with(r#"{"sub":"u1"}"#);
        let adopted = Session::adopt_legacy(Some(&token), Some("[1,2]"), "app1", now).unwrap();
        assert_eq!(adopted.user_json(), None);
    }
}
