//! Constructor options: what `new AuthenticationClient(options)` accepts, validated once.
//!
//! The option names and defaults follow `authing-wxapp-sdk` v4 (`appId`, `host`, `appHost`,
//! `userPoolId`, `timeout`, `token`) plus `lang` from later v4 releases. Anything else is
//! rejected by name, so a typo fails at construction instead of at the first request.

use serde::Deserialize;

use crate::error::{Error, ErrorCode};

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

/// Options exactly as the caller wrote them (JavaScript names), before validation.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawOptions {
    /// The GenAuth application id (required).
    pub app_id: Option<String>,
    /// The GenAuth server, default [`DEFAULT_HOST`].
    pub host: Option<String>,
    /// The application's own domain; GraphQL and account REST calls go there. Defaults to `host`.
    pub app_host: Option<String>,
    /// The user pool id, sent as `x-authing-userpool-id` when given.
    pub user_pool_id: Option<String>,
    /// Request timeout in milliseconds, default [`DEFAULT_TIMEOUT_MS`].
    pub timeout: Option<f64>,
    /// `zh-CN` (default) or `en-US`.
    pub lang: Option<String>,
    /// A token to start with (replaces any stored session), as in `authing-wxapp-sdk`.
    pub token: Option<String>,
}

/// Validated options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientOptions {
    /// The GenAuth application id.
    pub app_id: String,
    /// Normalised base URL for the mini-program login endpoints (no trailing slash).
    pub host: String,
    /// Normalised base URL for GraphQL and account REST calls (no trailing slash).
    pub app_host: String,
    /// The user pool id, if given.
    pub user_pool_id: Option<String>,
    /// Request timeout in milliseconds.
    pub timeout_ms: u32,
    /// Language of messages.
    pub lang: Lang,
    /// A starting token, if given.
    pub token: Option<String>,
}

impl ClientOptions {
    /// Validates and normalises raw options.
    ///
    /// Errors are [`ErrorCode::InvalidOptions`] naming the option at fault.
    pub fn from_raw(raw: RawOptions) -> Result<ClientOptions, Error> {
        let lang = match raw.lang.as_deref() {
            None => Lang::default(),
            Some("zh-CN") => Lang::ZhCn,
            Some("en-US") => Lang::EnUs,
            Some(_) => {
                return Err(Error::with_detail(
                    ErrorCode::InvalidOptions,
                    Lang::default(),
                    "lang must be \"zh-CN\" or \"en-US\"",
                ))
            }
        };
        let invalid = |detail: &str| Error::with_detail(ErrorCode::InvalidOptions, lang, detail);

        let app_id = match raw.app_id {
            Some(id) if !id.is_empty() => id,
            _ => return Err(invalid("appId is required")),
        };
        check_id(&app_id).map_err(|why| invalid(&format!("appId {why}")))?;

        let user_pool_id = match raw.user_pool_id {
            None => None,
            Some(id) => {
                check_id(&id).map_err(|why| invalid(&format!("userPoolId {why}")))?;
                Some(id)
            }
        };

        let host = match raw.host {
            None => DEFAULT_HOST.to_owned(),
            Some(host) => {
                normalize_base_url(&host).map_err(|why| invalid(&format!("host {why}")))?
            }
        };
        let app_host = match raw.app_host {
            None => host.clone(),
            Some(app_host) => {
                normalize_base_url(&app_host).map_err(|why| invalid(&format!("appHost {why}")))?
            }
        };

        let timeout_ms = match raw.timeout {
            None => DEFAULT_TIMEOUT_MS,
            Some(ms) if ms.is_finite() && ms >= 1.0 && ms <= f64::from(MAX_TIMEOUT_MS) => {
                // In range 1..=MAX_TIMEOUT_MS, so the cast cannot truncate.
                ms.ceil() as u32
            }
            Some(_) => {
                return Err(invalid(&format!(
                    "timeout must be a number of milliseconds from 1 to {MAX_TIMEOUT_MS}"
                )))
            }
        };

        let token = match raw.token {
            None => None,
            Some(token) => {
                if !crate::session::is_token_like(&token) {
                    return Err(invalid("token must be a GenAuth token (a JWT)"));
                }
                Some(token)
            }
        };

        Ok(ClientOptions {
            app_id,
            host,
            app_host,
            user_pool_id,
            timeout_ms,
            lang,
            token,
        })
    }
}

/// Checks an id that goes into a header: non-empty, short, no spaces or control characters.
fn check_id(id: &str) -> Result<(), &'static str> {
    if id.is_empty() {
        Err("must not be empty")
    } else if id.len() > MAX_ID_LEN {
        Err("is too long")
    } else if id.chars().any(|c| c.is_control()) {
        Err("must not contain control characters")
    } else if id.chars().any(char::is_whitespace) {
        Err("must not contain spaces")
    } else {
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(app_id: &str) -> RawOptions {
        RawOptions {
            app_id: Some(app_id.to_owned()),
            ..RawOptions::default()
        }
    }

    fn detail(result: Result<ClientOptions, Error>) -> String {
        let error = result.expect_err("options should be rejected");
        assert_eq!(error.code, ErrorCode::InvalidOptions);
        error.message
    }

    #[test]
    fn defaults() {
        let options = ClientOptions::from_raw(raw("app1")).unwrap();
        assert_eq!(
            options,
            ClientOptions {
                app_id: "app1".into(),
                host: "https://core.genauth.ai".into(),
                app_host: "https://core.genauth.ai".into(),
                user_pool_id: None,
                timeout_ms: 10_000,
                lang: Lang::ZhCn,
                token: None,
            }
        );
    }

    #[test]
    fn app_id_is_required_and_clean() {
        assert!(
            detail(ClientOptions::from_raw(RawOptions::default())).contains("appId is required")
        );
        assert!(detail(ClientOptions::from_raw(raw(""))).contains("appId is required"));
        assert!(detail(ClientOptions::from_raw(raw("app\n1"))).contains("control characters"));
        assert!(detail(ClientOptions::from_raw(raw("app\u{7f}"))).contains("control characters"));
        assert!(detail(ClientOptions::from_raw(raw(" app"))).contains("spaces"));
        assert!(detail(ClientOptions::from_raw(raw(&"a".repeat(129)))).contains("too long"));
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
        ];
        for (input, why) in cases {
            let error = normalize_base_url(input).expect_err(input);
            assert!(error.contains(why), "{input}: {error}");
        }
    }

    #[test]
    fn app_host_defaults_to_host() {
        let mut options = raw("app1");
        options.host = Some("http://127.0.0.1:9000/".into());
        let options = ClientOptions::from_raw(options).unwrap();
        assert_eq!(options.app_host, "http://127.0.0.1:9000");
        let mut options = raw("app1");
        options.app_host = Some("https://my-app.genauth.ai/".into());
        let options = ClientOptions::from_raw(options).unwrap();
        assert_eq!(options.host, DEFAULT_HOST);
        assert_eq!(options.app_host, "https://my-app.genauth.ai");
    }

    #[test]
    fn timeout_lang_token_pool() {
        let mut options = raw("app1");
        options.timeout = Some(2500.2);
        options.lang = Some("en-US".into());
        options.token = Some("a.b.c".into());
        options.user_pool_id = Some("pool1".into());
        let options = ClientOptions::from_raw(options).unwrap();
        assert_eq!(options.timeout_ms, 2501);
        assert_eq!(options.lang, Lang::EnUs);
        assert_eq!(options.token.as_deref(), Some("a.b.c"));
        assert_eq!(options.user_pool_id.as_deref(), Some("pool1"));

        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 600_001.0] {
            let mut options = raw("app1");
            options.timeout = Some(bad);
            assert!(detail(ClientOptions::from_raw(options)).contains("timeout"));
        }
        let mut options = raw("app1");
        options.lang = Some("fr".into());
        assert!(detail(ClientOptions::from_raw(options)).contains("lang"));
        let mut options = raw("app1");
        options.token = Some("a b".into());
        assert!(detail(ClientOptions::from_raw(options)).contains("token"));
        let mut options = raw("app1");
        options.user_pool_id = Some(String::new());
        assert!(detail(ClientOptions::from_raw(options)).contains("userPoolId"));
    }

    #[test]
    fn messages_follow_lang() {
        let options = RawOptions {
            lang: Some("en-US".into()),
            ..RawOptions::default()
        };
        assert_eq!(
            detail(ClientOptions::from_raw(options)),
            "Invalid client options: appId is required"
        );
        assert_eq!(
            detail(ClientOptions::from_raw(RawOptions::default())),
            "初始化参数无效: appId is required"
        );
    }
}
