//! Constructor options: what `new AuthenticationClient(options)` accepts, validated once.
//!
//! The option names and defaults follow `authing-wxapp-sdk` v4 (`appId`, `host`, `appHost`,
//! `userPoolId`, `timeout`, `token`) plus `lang` from later v4 releases. Anything else is
//! rejected by name, so a typo fails at construction instead of at the first request.
//! Messages name the option, never its value (a `token` is a secret).

use std::rc::Rc;

use crate::rsa::PublicKey;

use crate::error::{Error, ErrorCode, Expected, Problem};
use crate::host::{self, Kind, Passed, Pattern, Raw};

/// GenAuth's public service.
pub const DEFAULT_HOST: &str = "https://core.genauth.ai";
/// The request timeout when none is given, in milliseconds (as in `authing-js-sdk`).
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// The longest timeout accepted, in milliseconds.
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// The longest id (appId, userPoolId) accepted.
const MAX_ID_LEN: usize = 128;

/// The language of error messages, also sent to GenAuth as `x-authing-lang`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    #[default]
    ZhCn,
    /// American English.
    EnUs,
}

impl Lang {
    /// The tag GenAuth understands.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::EnUs => "en-US",
        }
    }
}

/// The option names `new AuthenticationClient(options)` accepts.
pub const OPTION_NAMES: &[&str] = &[
    "appId",
    "host",
    "appHost",
    "userPoolId",
    "timeout",
    "lang",
    "token",
    "publicKey",
    "onError",
];

/// Options `authing-wxapp-sdk` took that mean nothing in a mini program (OIDC helpers, its
/// internals): accepted, whatever their value, so moving over is one `require` line, and
/// otherwise ignored.
pub const IGNORED_OPTION_NAMES: &[&str] = &[
    "protocol",
    "secret",
    "redirectUri",
    "tokenEndPointAuthMethod",
    "introspectionEndPointAuthMethod",
    "revocationEndPointAuthMethod",
    "requestFrom",
    "encryptFunction",
    "domain",
    "websocketHost",
];

/// The longest URL accepted for `host` / `appHost`.
const MAX_URL_LEN: usize = 512;

/// Validated options.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The GenAuth application id.
    pub app_id: Rc<str>,
    /// Normalised base URL for the mini-program login endpoints (no trailing slash).
    pub host: Rc<str>,
    /// Normalised base URL for GraphQL and account REST calls (no trailing slash).
    pub app_host: Rc<str>,
    /// The user pool id, if given.
    pub user_pool_id: Option<Rc<str>>,
    /// Request timeout in milliseconds.
    pub timeout_ms: u32,
    /// Language of messages.
    pub lang: Lang,
    /// A token to start with when none is stored (redacted in `Debug`).
    pub token: Option<Passed>,
    /// The password public key, when given (else it is fetched from GenAuth).
    pub public_key: Option<Rc<PublicKey>>,
}

impl ClientOptions {
    /// Validates and normalises the options object the caller passed.
    ///
    /// Errors are [`ErrorCode::InvalidOptions`] naming the option at fault (never its value).
    pub fn read(raw: &Raw) -> Result<ClientOptions, Error> {
        let lang_value = host::get(raw, "lang");
        let lang = match host::text(&lang_value).as_deref() {
            Some("en-US") => Lang::EnUs,
            _ => Lang::ZhCn,
        };
        let fail = |name: &str, problem| {
            Err(Error::problem(
                ErrorCode::InvalidOptions,
                lang,
                name,
                problem,
            ))
        };
        if host::kind(raw) != Kind::Object {
            return fail("options", Problem::Expected(Expected::Object));
        }
        for key in host::keys(raw) {
            if !OPTION_NAMES.contains(&key.as_str())
                && !IGNORED_OPTION_NAMES.contains(&key.as_str())
            {
                return fail(crate::args::key_name(&key), Problem::Unknown);
            }
        }
        if host::kind(&lang_value) != Kind::Absent
            && !matches!(host::text(&lang_value).as_deref(), Some("zh-CN" | "en-US"))
        {
            return fail("lang", Problem::Expected(Expected::Lang));
        }
        let app_id = match read_id(raw, "appId", lang)? {
            Some(id) => id,
            None => return fail("appId", Problem::Missing),
        };
        let user_pool_id = read_id(raw, "userPoolId", lang)?;
        let host = match read_url(raw, "host", lang)? {
            Some(host) => host,
            None => Rc::from(DEFAULT_HOST),
        };
        let app_host = read_url(raw, "appHost", lang)?.unwrap_or_else(|| host.clone());
        let timeout_ms = match host::kind(&host::get(raw, "timeout")) {
            Kind::Absent => DEFAULT_TIMEOUT_MS,
            Kind::Number(ms) if ms.is_finite() && ms >= 1.0 && ms <= f64::from(MAX_TIMEOUT_MS) => {
                // In range 1..=MAX_TIMEOUT_MS, so the cast cannot truncate.
                ms.ceil() as u32
            }
            _ => return fail("timeout", Problem::Expected(Expected::Millis)),
        };
        let token = host::get(raw, "token");
        let token = match host::kind(&token) {
            Kind::Absent => None,
            _ if crate::session::is_token(&token) => Some(Passed::new(token)),
            _ => return fail("token", Problem::Expected(Expected::Token)),
        };
        let public_key = host::get(raw, "publicKey");
        let public_key = match host::kind(&public_key) {
            Kind::Absent => None,
            _ => {
                match host::short_text(&public_key, 8192).and_then(|pem| PublicKey::from_pem(&pem))
                {
                    Some(key) => Some(Rc::new(key)),
                    None => return fail("publicKey", Problem::Expected(Expected::PublicKey)),
                }
            }
        };
        // The shim calls `onError`; the core only checks it is a function.
        if !matches!(
            host::kind(&host::get(raw, "onError")),
            Kind::Absent | Kind::Other
        ) {
            return fail("onError", Problem::Expected(Expected::Function));
        }
        Ok(ClientOptions {
            app_id,
            host,
            app_host,
            user_pool_id,
            timeout_ms,
            lang,
            token,
            public_key,
        })
    }
}

/// An id option (`appId`, `userPoolId`): it goes into a header, so visible ASCII, short.
fn read_id(raw: &Raw, name: &'static str, lang: Lang) -> Result<Option<Rc<str>>, Error> {
    let value = host::get(raw, name);
    if host::kind(&value) == Kind::Absent {
        return Ok(None);
    }
    let fail = |problem| {
        Err(Error::problem(
            ErrorCode::InvalidOptions,
            lang,
            name,
            problem,
        ))
    };
    if host::kind(&value) != Kind::String || host::text_len(&value) == 0 {
        return fail(Problem::Expected(Expected::Text));
    }
    if host::text_len(&value) > MAX_ID_LEN {
        return fail(Problem::TooLong(MAX_ID_LEN));
    }
    if !host::matches(&value, Pattern::VisibleAscii) {
        return fail(Problem::BadCharacters);
    }
    Ok(host::text(&value).map(Rc::from))
}

/// A base URL option (`host`, `appHost`), normalised.
fn read_url(raw: &Raw, name: &'static str, lang: Lang) -> Result<Option<Rc<str>>, Error> {
    let value = host::get(raw, name);
    if host::kind(&value) == Kind::Absent {
        return Ok(None);
    }
    if host::kind(&value) != Kind::String || host::text_len(&value) > MAX_URL_LEN {
        return Err(Error::problem(
            ErrorCode::InvalidOptions,
            lang,
            name,
            Problem::Expected(Expected::Url),
        ));
    }
    match host::text(&value).map(|text| normalize_base_url(&text)) {
        Some(Ok(url)) => Ok(Some(Rc::from(url))),
        Some(Err(why)) => Err(Error::with_detail(
            ErrorCode::InvalidOptions,
            lang,
            &format!("{name} {why}"),
        )),
        None => Err(Error::new(ErrorCode::InvalidOptions, lang)),
    }
}

/// Normalises a base URL: lower-case scheme and host, no trailing slash, no query, fragment
/// or credentials; `https` unless the host is loopback (`localhost`, `127.x.x.x`, `[::1]`).
pub fn normalize_base_url(input: &str) -> Result<String, &'static str> {
    let input = input.trim();
    if input.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must not contain spaces or control characters");
    }
    // Byte scans instead of substring search: `&str` patterns pull a two-way searcher into
    // the wasm, and these strings are ASCII-checked short URLs.
    let (scheme, rest) = match input.as_bytes().windows(3).position(|w| w == b"://") {
        Some(at) => (input[..at].to_ascii_lowercase(), &input[at + 3..]),
        None => return Err("must be an absolute URL such as https://core.genauth.ai"),
    };
    if scheme != "https" && scheme != "http" {
        return Err("must use https");
    }
    if rest.contains(['?', '#']) {
        return Err("must not contain a query or fragment");
    }
    let (authority, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err("must not contain credentials");
    }
    let (hostname, port) = split_port(authority)?;
    let hostname = hostname.to_ascii_lowercase();
    check_hostname(&hostname)?;
    if scheme == "http" && !is_loopback(&hostname) {
        return Err("must use https (http is only allowed for localhost)");
    }
    let path = path.trim_end_matches('/');
    if path.as_bytes().windows(2).any(|w| w == b"//") {
        return Err("must not contain an empty path segment");
    }
    if !is_rfc3986_path(path) {
        return Err("has characters a URL path may not hold (RFC 3986)");
    }
    let mut url = String::with_capacity(input.len());
    url.push_str(&scheme);
    url.push_str("://");
    url.push_str(&hostname);
    if let Some(port) = port {
        url.push(':');
        url.push_str(port);
    }
    url.push_str(path);
    Ok(url)
}

/// Splits `host[:port]` (the host may be a bracketed IPv6 literal) and checks the port.
/// Whether `path` holds only what RFC 3986 §3.3 allows: `/` and pchars (unreserved,
/// sub-delims, `:`, `@`, and `%` with two hex digits).
fn is_rfc3986_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b == b'%' {
            let hex = bytes.get(at + 1..at + 3);
            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                return false;
            }
            at += 3;
            continue;
        }
        let allowed = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
        if !allowed {
            return false;
        }
        at += 1;
    }
    true
}

fn split_port(authority: &str) -> Result<(&str, Option<&str>), &'static str> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let after = &authority[end + 1..];
                match after.strip_prefix(':') {
                    Some(port) => (&authority[..=end], Some(port)),
                    None if after.is_empty() => (authority, None),
                    None => return Err("has an invalid host"),
                }
            }
            None => return Err("has an invalid host"),
        }
    } else {
        match authority.rfind(':') {
            Some(at) => (&authority[..at], Some(&authority[at + 1..])),
            None => (authority, None),
        }
    };
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err("has an invalid port");
        }
    }
    Ok((host, port))
}

fn check_hostname(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("has no host name");
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ok = !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
        return if ok {
            Ok(())
        } else {
            Err("has an invalid host")
        };
    }
    let ok = host.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if ok {
        Ok(())
    } else {
        Err("has an invalid host")
    }
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets.first() == Some(&"127")
        && octets
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn detail(raw: serde_json::Value) -> String {
        let error = ClientOptions::read(&raw).expect_err("options should be rejected");
        assert_eq!(error.code, ErrorCode::InvalidOptions);
        error.message
    }

    #[test]
    fn defaults() {
        let options = ClientOptions::read(&json!({"appId": "app1"})).unwrap();
        assert_eq!(&*options.app_id, "app1");
        assert_eq!(&*options.host, "https://core.genauth.ai");
        assert_eq!(&*options.app_host, "https://core.genauth.ai");
        assert!(options.user_pool_id.is_none());
        assert_eq!(options.timeout_ms, 10_000);
        assert_eq!(options.lang, Lang::ZhCn);
        assert!(options.token.is_none());
    }

    #[test]
    fn app_id_is_required_and_clean() {
        assert!(detail(json!({})).contains("appId: 必须提供"));
        assert!(detail(json!({"appId": ""})).contains("appId"));
        assert!(detail(json!({"appId": "app\n1"})).contains("控制字符"));
        assert!(detail(json!({"appId": " app", "lang": "en-US"}))
            .contains("appId: contains control or format"));
        assert!(detail(json!({"appId": "a".repeat(129)})).contains("超过 128"));
        assert!(detail(json!({"appId": 7})).contains("appId"));
        assert!(detail(json!("app1")).contains("options"));
    }

    #[test]
    fn unknown_options_are_named() {
        let message = detail(json!({"appId": "a", "onErorr": 1, "lang": "en-US"}));
        assert_eq!(message, "Invalid client options: onErorr: unknown");
    }

    #[test]
    fn hosts_are_normalised() {
        let cases = [
            ("https://core.genauth.ai", "https://core.genauth.ai"),
            ("HTTPS://Core.GenAuth.AI/", "https://core.genauth.ai"),
            ("https://example.com:8443//", "https://example.com:8443"),
            ("https://example.com/prefix/", "https://example.com/prefix"),
            ("  https://example.com  ", "https://example.com"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.1:8787/", "http://127.0.0.1:8787"),
            ("http://[::1]:8080", "http://[::1]:8080"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_base_url(input), Ok(want.to_owned()), "{input}");
        }
    }

    #[test]
    fn bad_hosts_are_rejected() {
        let cases = [
            ("core.genauth.ai", "absolute URL"),
            ("ftp://example.com", "must use https"),
            ("http://example.com", "only allowed for localhost"),
            ("http://127.0.0.1.evil.com", "only allowed for localhost"),
            ("http://1270.0.0.1", "only allowed for localhost"),
            ("https://example.com?x=1", "query"),
            ("https://example.com#top", "query or fragment"),
            ("https://user:pw@example.com", "credentials"),
            ("https://example.com:0", "invalid port"),
            ("https://example.com:99999", "invalid port"),
            ("https://example.com:", "invalid port"),
            ("https://", "no host name"),
            ("https://exa mple.com", "spaces"),
            ("https://bad_host.com", "invalid host"),
            ("https://a..b", "invalid host"),
            ("https://example.com/a//b", "empty path segment"),
            ("https://example.com/路径", "RFC 3986"),
            ("https://example.com/a%2", "RFC 3986"),
            ("https://example.com/a\"b", "RFC 3986"),
            ("https://example.com/a<b>", "RFC 3986"),
        ];
        assert_eq!(
            normalize_base_url("https://example.com/a%2Fb/~x:y@z/"),
            Ok("https://example.com/a%2Fb/~x:y@z".to_owned())
        );
        for (input, why) in cases {
            let error = normalize_base_url(input).expect_err(input);
            assert!(error.contains(why), "{input}: {error}");
        }
        assert!(detail(json!({"appId": "a", "host": "http://example.com"}))
            .contains("host must use https"));
        assert!(detail(json!({"appId": "a", "host": 5})).contains("host"));
    }

    #[test]
    fn app_host_defaults_to_host() {
        let options =
            ClientOptions::read(&json!({"appId": "a", "host": "http://127.0.0.1:9000/"})).unwrap();
        assert_eq!(&*options.app_host, "http://127.0.0.1:9000");
        let options =
            ClientOptions::read(&json!({"appId": "a", "appHost": "https://my-app.genauth.ai/"}))
                .unwrap();
        assert_eq!(&*options.host, DEFAULT_HOST);
        assert_eq!(&*options.app_host, "https://my-app.genauth.ai");
    }

    #[test]
    fn timeout_lang_token_pool() {
        let options = ClientOptions::read(&json!({
            "appId": "a", "timeout": 2500.2, "lang": "en-US", "token": "a.b.c", "userPoolId": "pool1"
        }))
        .unwrap();
        assert_eq!(options.timeout_ms, 2501);
        assert_eq!(options.lang, Lang::EnUs);
        assert!(options.token.is_some());
        assert_eq!(options.user_pool_id.as_deref(), Some("pool1"));
        for bad in [json!(0), json!(-1), json!(600_001), json!("10")] {
            assert!(detail(json!({"appId": "a", "timeout": bad})).contains("timeout"));
        }
        assert!(detail(json!({"appId": "a", "lang": "fr"})).contains("lang"));
        let message = detail(json!({"appId": "a", "token": "SECRET value"}));
        assert!(
            message.contains("token") && !message.contains("SECRET"),
            "{message}"
        );
        assert!(detail(json!({"appId": "a", "userPoolId": ""})).contains("userPoolId"));
    }

    #[test]
    fn messages_follow_lang() {
        assert_eq!(
            detail(json!({"lang": "en-US"})),
            "Invalid client options: appId: is required"
        );
        assert_eq!(detail(json!({})), "初始化参数无效: appId: 必须提供");
    }
}
