//! The login session: where it is kept, who may change it, and what is known about its token.
//!
//! **Storage is the one source of truth.** Two entries per application: the token (a
//! string) under [`token_key`], and the user GenAuth last returned (an object, a cache) under
//! [`user_key`]. The host reads the token before every call and hands it in as a host value;
//! every `AuthenticationClient` of the app sees the same session, and an app that clears
//! storage has logged the user out. The core keeps no copy of its own, only a memo of what
//! it decoded from a token ([`TokenMemo`]), keyed by the token value itself, so it cannot
//! go stale.
//!
//! **Who may change it** ([`Ledger`]): every call gets an id, increasing across all clients of
//! the wasm instance. A login replaces the session, and a logout ends it, unless a call
//! started later has already done either (a late answer never undoes a later call). Any
//! other answer changes or clears the session only if storage still holds the token its
//! request was sent with.
//!
//! `authing-wxapp-sdk` keeps its session under the global keys [`LEGACY_TOKEN_KEY`] and
//! [`LEGACY_USER_KEY`]; [`adopt_legacy`] takes it over when this SDK has none, so users who
//! switch SDKs stay logged in.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crate::args::TextRule;
use crate::host::{self, Kind, Passed, Raw};
use crate::jwt::{self, Claims};

/// Where `authing-wxapp-sdk` stores the token (a plain string).
pub const LEGACY_TOKEN_KEY: &str = "_authing_token";
/// Where `authing-wxapp-sdk` stores the user (an object).
pub const LEGACY_USER_KEY: &str = "_authing_user";
/// The longest token accepted from storage or a server.
pub const MAX_TOKEN_LEN: usize = TextRule::TOKEN.max_len;

/// Whether `value` is a string holding a token: RFC 6750 `b64token` syntax (it goes into
/// `Authorization: Bearer`), at most [`MAX_TOKEN_LEN`] long. The argument rule for tokens.
pub fn is_token(value: &Raw) -> bool {
    crate::args::check_text(value, TextRule::TOKEN).is_ok()
}

/// The storage key of the session token of application `app_id`.
pub fn token_key(app_id: &str) -> String {
    format!("genauth:{app_id}:token")
}

/// The storage key of the user object of application `app_id`.
pub fn user_key(app_id: &str) -> String {
    format!("genauth:{app_id}:user")
}

/// The order of calls across every client of one wasm instance, and the server's clock.
#[derive(Debug, Default)]
pub struct Ledger {
    next_id: Cell<u32>,
    /// Per token storage key: the id of the call whose login or logout was applied last.
    writers: RefCell<Vec<(Rc<str>, u32)>>,
    /// The server's clock minus the device's, in milliseconds, from the last `Date` header.
    clock_offset_ms: Cell<Option<f64>>,
    /// When (device time) a `Date` header was last read.
    clock_read_at: Cell<Option<f64>>,
}

impl Ledger {
    /// A ledger for one wasm instance (share it between the clients of that instance).
    pub fn new() -> Rc<Ledger> {
        Rc::new(Ledger::default())
    }

    /// A new call id, greater than every earlier one.
    pub fn next_id(&self) -> u32 {
        let id = self.next_id.get().wrapping_add(1).max(1);
        self.next_id.set(id);
        id
    }

    /// The id of the call that last replaced or ended the session under `key` (0: none).
    pub fn writer(&self, key: &str) -> u32 {
        self.writers
            .borrow()
            .iter()
            .find(|(k, _)| &**k == key)
            .map_or(0, |(_, id)| *id)
    }

    /// Records that call `id` replaced or ended the session under `key`.
    pub fn set_writer(&self, key: &Rc<str>, id: u32) {
        let mut writers = self.writers.borrow_mut();
        match writers.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = id,
            None => writers.push((key.clone(), id)),
        }
    }

    /// Notes the server's clock (`server_ms`) at device time `now_ms`.
    pub fn saw_server_clock(&self, server_ms: f64, now_ms: f64) {
        if server_ms.is_finite() && now_ms.is_finite() {
            self.clock_offset_ms.set(Some(server_ms - now_ms));
            self.clock_read_at.set(Some(now_ms));
        }
    }

    /// Whether an answer at `now_ms` should be read for the server's clock: until one had a
    /// usable `Date`, then one a minute (the offset moves slowly; reading costs a string
    /// copy per answer).
    pub fn wants_server_clock(&self, now_ms: f64) -> bool {
        match self.clock_read_at.get() {
            Some(at) => !(0.0..60_000.0).contains(&(now_ms - at)),
            None => true,
        }
    }

    /// The server's time at device time `now_ms`, as last seen (the device's when unknown).
    pub fn server_now(&self, now_ms: f64) -> f64 {
        now_ms + self.clock_offset_ms.get().unwrap_or(0.0)
    }
}

/// What the core decoded from a stored token, remembered for as long as storage holds the
/// same value (compared with `===`, which costs no copy).
#[derive(Debug)]
pub struct TokenMemo {
    token: Passed,
    claims: Option<Claims>,
}

impl TokenMemo {
    /// The claims of `token`, decoded once per token value (its characters cross into wasm
    /// only then).
    pub fn claims(memo: &RefCell<Option<TokenMemo>>, token: &Passed) -> Claims {
        let mut memo = memo.borrow_mut();
        if let Some(known) = memo.as_ref() {
            if host::same(&known.token.0, &token.0) {
                if let Some(claims) = &known.claims {
                    return claims.clone();
                }
            }
        }
        let claims = host::text(&token.0)
            .and_then(|text| jwt::decode(&text))
            .unwrap_or_default();
        *memo = Some(TokenMemo {
            token: token.clone(),
            claims: Some(claims.clone()),
        });
        claims
    }
}

/// The stored session token, if `stored` (the value storage holds) is one. Anything else —
/// nothing, garbage, an object — reads as logged out (and is not wiped).
pub fn stored_token(stored: &Raw) -> Option<Passed> {
    is_token(stored).then(|| Passed::new(stored.clone()))
}

/// A session taken over from `authing-wxapp-sdk`.
#[derive(Debug)]
pub struct Adopted {
    /// Its token.
    pub token: Passed,
    /// Its user object, if it had one.
    pub user: Option<Passed>,
}

/// Takes over the session `authing-wxapp-sdk` left in storage: its token (a string) and its
/// user (an object). Returns `None` when there is nothing usable: no token, or one that has
/// expired at `now_ms`. The old SDK kept one session for the whole mini program and sent it
/// whatever the app id, so neither is the token's audience checked here: the server judges
/// it at the first call.
pub fn adopt_legacy(token: &Raw, user: &Raw, now_ms: f64) -> Option<Adopted> {
    let user = (host::kind(user) == Kind::Object).then(|| Passed::new(user.clone()));
    let token = match stored_token(token) {
        Some(token) => token,
        None => stored_token(&host::get(&user.as_ref()?.0, "token"))?,
    };
    let claims = host::text(&token.0)
        .and_then(|t| jwt::decode(&t))
        .unwrap_or_default();
    if claims.is_expired(now_ms) {
        return None;
    }
    Some(Adopted { token, user })
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::jwt::tests::token_with;
    use serde_json::json;

    #[test]
    fn keys_are_namespaced_by_app() {
        assert_eq!(token_key("app1"), "genauth:app1:token");
        assert_eq!(user_key("app1"), "genauth:app1:user");
    }

    #[test]
    fn stored_tokens() {
        let token = token_with(r#"{"sub":"u1","exp":2000000000}"#);
        assert!(stored_token(&json!(token)).is_some());
        for bad in [
            json!(""),
            json!("a b"),
            json!("a\nb"),
            json!("\"q\""),
            json!({"v": 1}),
            json!(7),
            Raw::Null,
            json!("a=b"),
        ] {
            assert!(stored_token(&bad).is_none(), "{bad}");
        }
        assert!(stored_token(&json!("x".repeat(MAX_TOKEN_LEN + 1))).is_none());
    }

    #[test]
    fn the_memo_follows_the_value() {
        let memo = RefCell::new(None);
        let a = Passed::new(json!(token_with(r#"{"sub":"a"}"#)));
        let b = Passed::new(json!(token_with(r#"{"sub":"b"}"#)));
        assert_eq!(TokenMemo::claims(&memo, &a).user_id.as_deref(), Some("a"));
        assert_eq!(TokenMemo::claims(&memo, &b).user_id.as_deref(), Some("b"));
        assert_eq!(TokenMemo::claims(&memo, &a).user_id.as_deref(), Some("a"));
        assert!(TokenMemo::claims(&memo, &Passed::new(json!("opaque")))
            .user_id
            .is_none());
    }

    #[test]
    fn the_ledger_orders_calls() {
        let ledger = Ledger::new();
        let (a, b) = (ledger.next_id(), ledger.next_id());
        assert!(b > a);
        let key: Rc<str> = Rc::from("k");
        assert_eq!(ledger.writer("k"), 0);
        ledger.set_writer(&key, b);
        assert_eq!(ledger.writer("k"), b);
        assert_eq!(ledger.server_now(1000.0), 1000.0);
        ledger.saw_server_clock(5000.0, 1000.0);
        assert_eq!(ledger.server_now(2000.0), 6000.0);
    }

    #[test]
    fn adopts_the_legacy_session() {
        let token = token_with(r#"{"sub":"u1","exp":2000000000,"aud":"app1"}"#);
        let user = json!({"id": "u1", "token": token});
        let now = 1_800_000_000_000.0;
        let adopted = adopt_legacy(&json!(token), &user, now).unwrap();
        assert_eq!(*adopted.token.0, json!(token));
        assert_eq!(*adopted.user.unwrap().0, user);
        // The token alone is enough; so is the user's own token field.
        assert!(adopt_legacy(&json!(token), &Raw::Null, now).is_some());
        assert_eq!(
            adopt_legacy(&Raw::Null, &user, now)
                .unwrap()
                .token
                .0
                .as_ref(),
            &json!(token)
        );
        assert!(adopt_legacy(&json!(""), &user, now).is_some());
        // Whatever the audience: the old SDK sent it for any app id.
        let other_app = token_with(r#"{"sub":"u1","aud":"app2"}"#);
        assert!(adopt_legacy(&json!(other_app), &Raw::Null, now).is_some());
    }

    #[test]
    fn does_not_adopt_what_is_unusable() {
        let now = 1_800_000_000_000.0;
        let expired = token_with(r#"{"sub":"u1","exp":1000}"#);
        assert!(adopt_legacy(&Raw::Null, &Raw::Null, now).is_none());
        assert!(adopt_legacy(&json!(""), &json!(""), now).is_none());
        assert!(adopt_legacy(&json!(expired), &Raw::Null, now).is_none());
        assert!(adopt_legacy(&Raw::Null, &json!({"id": "u1"}), now).is_none());
        assert!(adopt_legacy(&json!("bad token"), &Raw::Null, now).is_none());
        // A malformed user is dropped, the token is still adopted.
        let token = token_with(r#"{"sub":"u1"}"#);
        assert!(adopt_legacy(&json!(token), &json!([1, 2]), now)
            .unwrap()
            .user
            .is_none());
    }
}
