//! GenAuth's wire protocol as `authing-wxapp-sdk` v4 speaks it: URLs, headers, GraphQL
//! documents and the two response envelopes.
//!
//! - REST answers use the v2 envelope `{"code": 200, "message": "...", "data": ...}`; any
//!   other `code` is a failure (newer servers may send `{statusCode, apiCode, message}`).
//! - GraphQL answers (`POST {appHost}/graphql/v2`) carry failures in `errors[]`, where
//!   GenAuth puts an object `{code, message, data}` in `errors[i].message`.
//! - The HTTP status is not part of the protocol (the v4 SDK ignores it); it only matters
//!   when the body is not GenAuth's: a 5xx then reads as a server error.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{Error, ErrorCode};
use crate::http::HttpResponse;
use crate::json::{self, Code, Text};
use crate::options::{ClientOptions, Lang};

/// Sent as `x-authing-sdk-version`: the `wxapp:` family of `authing-wxapp-sdk`, with this
/// SDK's own version.
pub const SDK_VERSION_HEADER: &str = concat!("wxapp:", env!("CARGO_PKG_VERSION"));
/// Sent as `x-authing-request-from`, as `authing-wxapp-sdk` does.
pub const REQUEST_FROM: &str = "wxapp";

/// `POST {host}/connections/social/wechat-miniprogram/auth` — `loginByCode`.
pub const LOGIN_BY_CODE_PATH: &str = "/connections/social/wechat-miniprogram/auth";
/// `POST {appHost}/graphql/v2`.
pub const GRAPHQL_PATH: &str = "/graphql/v2";
/// `GET {appHost}/api/v2/logout?app_id=...`.
pub const LOGOUT_PATH: &str = "/api/v2/logout";

/// The `User` selection set of `authing-js-sdk` 4.15.8 (`UserDocument`).
pub const USER_DOCUMENT: &str = "query user($id: String) {
  user(id: $id) {
    id
    arn
    userPoolId
    status
    username
    email
    emailVerified
    phone
    phoneVerified
    identities {
      openid
      userIdInIdp
      userId
      connectionId
      isSocial
      provider
      userPoolId
    }
    unionid
    openid
    nickname
    registerSource
    photo
    password
    oauth
    token
    tokenExpiredAt
    loginsCount
    lastLogin
    lastIP
    signedUp
    blocked
    isDeleted
    device
    browser
    company
    name
    givenName
    familyName
    middleName
    profile
    preferredUsername
    website
    gender
    birthdate
    zoneinfo
    locale
    address
    formatted
    streetAddress
    locality
    region
    postalCode
    city
    province
    country
    createdAt
    updatedAt
    externalId
  }
}
";

/// `authing-js-sdk` 4.15.8 `CheckLoginStatusDocument`.
pub const CHECK_LOGIN_STATUS_DOCUMENT: &str = "query checkLoginStatus($token: String) {
  checkLoginStatus(token: $token) {
    code
    message
    status
    exp
    iat
    data {
      id
      userPoolId
      arn
    }
  }
}
";

/// Which headers a request gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// A v2 REST call with a JSON body.
    RestJson,
    /// A v2 REST call without a body.
    RestNoBody,
    /// A GraphQL call.
    Graphql,
}

/// The headers `authing-wxapp-sdk`'s `HttpClient` / `GraphqlClient` send, plus
/// `x-authing-lang`.
pub fn headers(
    options: &ClientOptions,
    transport: Transport,
    token: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut headers = Vec::with_capacity(8);
    match transport {
        Transport::Graphql => headers.push(("content-type", "application/json".to_owned())),
        Transport::RestJson => {
            headers.push(("content-type", "application/json;charset=utf-8".to_owned()))
        }
        Transport::RestNoBody => {}
    }
    headers.push(("x-authing-sdk-version", SDK_VERSION_HEADER.to_owned()));
    headers.push(("x-authing-request-from", REQUEST_FROM.to_owned()));
    headers.push(("x-authing-app-id", options.app_id.clone()));
    if let Some(pool) = &options.user_pool_id {
        headers.push(("x-authing-userpool-id", pool.clone()));
    }
    headers.push(("x-authing-lang", options.lang.as_str().to_owned()));
    if let Some(token) = token {
        headers.push(("Authorization", format!("Bearer {token}")));
    }
    if transport != Transport::Graphql {
        headers.push(("accept", "application/json, text/plain, */*".to_owned()));
    }
    headers
}

/// Percent-encodes a query value (everything but RFC 3986 unreserved characters).
pub fn encode_query_value(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 15)]));
        }
    }
    out
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(default)]
    code: Code,
    #[serde(default, rename = "statusCode")]
    status_code: Code,
    #[serde(default, rename = "apiCode")]
    api_code: Code,
    #[serde(default)]
    message: Text,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

/// Reads a v2 REST answer. `Ok` holds the `data` field's JSON text (`None` when absent or
/// `null`).
pub fn parse_rest<'a>(
    response: HttpResponse<'a>,
    lang: Lang,
) -> Result<Option<&'a RawValue>, Error> {
    let envelope: Envelope<'a> = match serde_json::from_str(response.body) {
        Ok(envelope) => envelope,
        Err(_) => return Err(not_genauth(response, lang)),
    };
    match envelope.code.0.or(envelope.status_code.0) {
        Some(200) => Ok(envelope.data.filter(|raw| raw.get() != "null")),
        Some(code) => {
            let code = envelope.api_code.0.unwrap_or(code);
            Err(Error::from_server(code, &short(envelope.message), lang))
        }
        None => Err(not_genauth(response, lang)),
    }
}

#[derive(Deserialize)]
struct GraphqlBody<'a> {
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    errors: Option<Vec<GraphqlError<'a>>>,
}

#[derive(Deserialize)]
struct GraphqlError<'a> {
    #[serde(borrow)]
    message: Option<&'a RawValue>,
}

/// `errors[i].message` when it is GenAuth's object `{code, message, data}`.
#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: Code,
    #[serde(default)]
    message: Text,
}

/// Reads a GraphQL answer and returns the JSON text of `data.<field>` (`None` if `null`).
pub fn parse_graphql<'a>(
    response: HttpResponse<'a>,
    field: &str,
    lang: Lang,
) -> Result<Option<&'a RawValue>, Error> {
    let body: GraphqlBody<'a> = match serde_json::from_str(response.body) {
        Ok(body) => body,
        Err(_) => return Err(not_genauth(response, lang)),
    };
    if let Some(first) = body.errors.and_then(|errors| errors.into_iter().next()) {
        return Err(graphql_error(first.message, lang));
    }
    let data = match body.data {
        Some(data) => data,
        None => return Err(not_genauth(response, lang)),
    };
    match json::field(data.get(), field) {
        Ok(Some(raw)) if raw.get() == "null" => Ok(None),
        Ok(Some(raw)) => Ok(Some(raw)),
        Ok(None) | Err(_) => Err(not_genauth(response, lang)),
    }
}

fn graphql_error(message: Option<&RawValue>, lang: Lang) -> Error {
    let text = message.map(RawValue::get).unwrap_or("");
    if text.starts_with('{') {
        // GenAuth: {"message": {"code": 2020, "message": "...", "data": null}}
        if let Ok(detail) = serde_json::from_str::<ErrorDetail>(text) {
            return match detail.code.0 {
                Some(code) => Error::from_server(code, &short(detail.message), lang),
                None => Error::with_detail(ErrorCode::ServerRejected, lang, &short(detail.message)),
            };
        }
    } else if let Ok(plain) = serde_json::from_str::<Text>(text) {
        // A plain GraphQL error: {"message": "..."}
        return Error::with_detail(ErrorCode::ServerRejected, lang, &short(plain));
    }
    Error::new(ErrorCode::ServerRejected, lang)
}

/// An answer that is not GenAuth's protocol: a server error if the status says so.
fn not_genauth(response: HttpResponse<'_>, lang: Lang) -> Error {
    let detail = format!("HTTP {}", response.status);
    if response.status >= 500 {
        Error::with_detail(ErrorCode::ServerError, lang, &detail)
    } else {
        Error::with_detail(ErrorCode::InvalidResponse, lang, &detail)
    }
}

/// A server message, cut to a length that fits an error message.
fn short(text: Text) -> String {
    text.0
        .map(|s| s.chars().take(300).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::RawOptions;

    fn ok(body: &str) -> HttpResponse<'_> {
        HttpResponse { status: 200, body }
    }

    fn options(pool: Option<&str>) -> ClientOptions {
        ClientOptions::from_raw(RawOptions {
            app_id: Some("app1".into()),
            user_pool_id: pool.map(str::to_owned),
            ..RawOptions::default()
        })
        .unwrap()
    }

    #[test]
    fn rest_headers_match_authing_wxapp_sdk() {
        let headers = headers(&options(Some("pool1")), Transport::RestJson, Some("tok"));
        let want: Vec<(&str, String)> = vec![
            ("content-type", "application/json;charset=utf-8".into()),
            (
                "x-authing-sdk-version",
                format!("wxapp:{}", env!("CARGO_PKG_VERSION")),
            ),
            ("x-authing-request-from", "wxapp".into()),
            ("x-authing-app-id", "app1".into()),
            ("x-authing-userpool-id", "pool1".into()),
            ("x-authing-lang", "zh-CN".into()),
            ("Authorization", "Bearer tok".into()),
            ("accept", "application/json, text/plain, */*".into()),
        ];
        assert_eq!(headers, want);
    }

    #[test]
    fn graphql_headers() {
        let headers = headers(&options(None), Transport::Graphql, None);
        let names: Vec<&str> = headers.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "content-type",
                "x-authing-sdk-version",
                "x-authing-request-from",
                "x-authing-app-id",
                "x-authing-lang"
            ]
        );
        assert_eq!(headers[0].1, "application/json");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("abc-_.~09"), "abc-_.~09");
        assert_eq!(encode_query_value("a&b=c/中"), "a%26b%3Dc%2F%E4%B8%AD");
    }

    #[test]
    fn rest_success_returns_data() {
        let data = parse_rest(
            ok(r#"{"code":200,"message":"ok","data":{"id":"u1"}}"#),
            Lang::ZhCn,
        );
        assert_eq!(data.unwrap().unwrap().get(), r#"{"id":"u1"}"#);
        assert!(parse_rest(ok(r#"{"code":200,"data":null}"#), Lang::ZhCn)
            .unwrap()
            .is_none());
        assert!(parse_rest(ok(r#"{"code":"200"}"#), Lang::ZhCn)
            .unwrap()
            .is_none());
        // The v3 envelope is understood as well.
        let v3 = parse_rest(ok(r#"{"statusCode":200,"data":{"a":1}}"#), Lang::ZhCn);
        assert_eq!(v3.unwrap().unwrap().get(), r#"{"a":1}"#);
    }

    #[test]
    fn rest_failures() {
        let error = parse_rest(
            ok(r#"{"code":40029,"message":"invalid code","data":null}"#),
            Lang::EnUs,
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::WxCodeInvalid);
        assert_eq!(error.server_code, Some(40029));

        let error = parse_rest(
            ok(r#"{"statusCode":400,"apiCode":2004,"message":"x"}"#),
            Lang::EnUs,
        )
        .unwrap_err();
        assert_eq!(
            (error.code, error.server_code),
            (ErrorCode::UserNotFound, Some(2004))
        );

        // The HTTP status does not matter when the body is GenAuth's.
        let error = parse_rest(
            HttpResponse {
                status: 500,
                body: r#"{"code":2224,"message":"应用不存在"}"#,
            },
            Lang::EnUs,
        )
        .unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (ErrorCode::ServerRejected, "应用不存在")
        );

        let html = HttpResponse {
            status: 502,
            body: "<html>Bad Gateway</html>",
        };
        let error = parse_rest(html, Lang::EnUs).unwrap_err();
        assert_eq!(error.code, ErrorCode::ServerError);
        assert_eq!(error.message, "Server error: HTTP 502");

        for body in [
            "",
            "{\"code\":200,\"data\":",
            "[]",
            "{}",
            "{\"code\":null}",
            "<html/>",
        ] {
            let error = parse_rest(ok(body), Lang::EnUs).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidResponse, "{body}");
        }
    }

    #[test]
    fn graphql_success() {
        let body = r#"{"data":{"user":{"id":"u1"}}}"#;
        assert_eq!(
            parse_graphql(ok(body), "user", Lang::ZhCn)
                .unwrap()
                .unwrap()
                .get(),
            r#"{"id":"u1"}"#
        );
        let body = r#"{"data":{"user":null}}"#;
        assert!(parse_graphql(ok(body), "user", Lang::ZhCn)
            .unwrap()
            .is_none());
        let body = r#"{"data":{"other":1}}"#;
        let error = parse_graphql(ok(body), "user", Lang::ZhCn).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidResponse);
    }

    #[test]
    fn graphql_errors() {
        let body = r#"{"errors":[{"message":{"code":2020,"message":"尚未登录","data":null}}],"data":null}"#;
        let error = parse_graphql(ok(body), "user", Lang::EnUs).unwrap_err();
        assert_eq!(
            (error.code, error.server_code),
            (ErrorCode::NotLoggedIn, Some(2020))
        );
        assert_eq!(error.message, "Not logged in (尚未登录)");

        let body = r#"{"errors":[{"message":"Cannot query field"}],"data":null}"#;
        let error = parse_graphql(ok(body), "user", Lang::EnUs).unwrap_err();
        assert_eq!(error.code, ErrorCode::ServerRejected);
        assert_eq!(
            error.message,
            "The server rejected the request: Cannot query field"
        );
        assert_eq!(error.server_code, None);

        let body = r#"{"errors":[{"message":{"message":"no code"}}]}"#;
        assert_eq!(
            parse_graphql(ok(body), "user", Lang::EnUs)
                .unwrap_err()
                .code,
            ErrorCode::ServerRejected
        );

        let html = HttpResponse {
            status: 500,
            body: "<h1>500</h1>",
        };
        assert_eq!(
            parse_graphql(html, "user", Lang::EnUs).unwrap_err().code,
            ErrorCode::ServerError
        );
        assert_eq!(
            parse_graphql(ok("{}"), "user", Lang::EnUs)
                .unwrap_err()
                .code,
            ErrorCode::InvalidResponse
        );
    }

    #[test]
    fn long_server_messages_are_cut() {
        let body = format!(r#"{{"code":1,"message":"{}"}}"#, "x".repeat(1000));
        let error = parse_rest(ok(&body), Lang::EnUs).unwrap_err();
        assert_eq!(error.message.len(), 300);
    }
}
