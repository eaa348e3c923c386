//! GenAuth's wire protocol as `authing-wxapp-sdk` v4 speaks it: headers and the two response
//! envelopes. The paths and GraphQL documents of each operation live beside it in
//! [`crate::ops`].
//!
//! - REST answers use the v2 envelope `{"code": 200, "message": "...", "data": ...}`; any
//!   other `code` is a failure (newer servers may send `{statusCode, apiCode, message}`).
//! - GraphQL answers (`POST {appHost}/graphql/v2`) carry failures in `errors[]`, where
//!   GenAuth puts an object `{code, message, data}` in `errors[i].message`.
//! - The HTTP status is not part of the protocol (the v4 SDK ignores it); it only matters
//!   when the body is not GenAuth's: a 5xx then reads as a server error.
//!
//! Bodies arrive as the host parsed them (`wx.request` with `dataType: 'json'`): an object, or
//! the text when it was not JSON. Only the envelope's fields are read; `data` is passed on.

use crate::error::{sanitize, Error, ErrorCode};
use crate::host::{self, Kind, Passed, Raw};
use crate::options::{ClientOptions, Lang};
use crate::out::Out;

/// Sent as `x-authing-sdk-version`: the `wxapp:` family of `authing-wxapp-sdk`, with this
/// SDK's own version.
pub const SDK_VERSION_HEADER: &str = concat!("wxapp:", env!("CARGO_PKG_VERSION"));
/// Sent as `x-authing-request-from`, as `authing-wxapp-sdk` does.
pub const REQUEST_FROM: &str = "wxapp";
/// `POST {appHost}/graphql/v2`.
pub const GRAPHQL_PATH: &str = "/graphql/v2";
/// The longest server message kept in an error.
const MAX_SERVER_MESSAGE: usize = 300;

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
/// `x-authing-lang`; `Authorization: Bearer <token>` when a token is given.
pub fn headers(options: &ClientOptions, transport: Transport, token: Option<&Passed>) -> Out {
    let mut headers = Vec::with_capacity(8);
    match transport {
        Transport::Graphql => headers.push(("content-type", Out::Str("application/json"))),
        Transport::RestJson => {
            headers.push(("content-type", Out::Str("application/json;charset=utf-8")))
        }
        Transport::RestNoBody => {}
    }
    headers.push(("x-authing-sdk-version", Out::Str(SDK_VERSION_HEADER)));
    headers.push(("x-authing-request-from", Out::Str(REQUEST_FROM)));
    headers.push(("x-authing-app-id", Out::Shared(options.app_id.clone())));
    if let Some(pool) = &options.user_pool_id {
        headers.push(("x-authing-userpool-id", Out::Shared(pool.clone())));
    }
    headers.push(("x-authing-lang", Out::Str(options.lang.as_str())));
    if let Some(token) = token {
        headers.push(("Authorization", Out::Bearer(token.clone())));
    }
    if transport != Transport::Graphql {
        headers.push(("accept", Out::Str("application/json, text/plain, */*")));
    }
    Out::Obj(headers)
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

/// An HTTP answer as the host got it.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The body as `wx.request` parsed it (`dataType: 'json'`): an object, or text.
    pub body: &'a Raw,
}

/// Reads a v2 REST answer. `Ok` holds the `data` field (`None` when absent or `null`).
pub fn parse_rest(answer: Answer<'_>, lang: Lang) -> Result<Option<Passed>, Error> {
    // The common answer, `{"code": 200, ..., "data": ...}`, in few reads.
    if host::number(&host::get(answer.body, "code")) == Some(200.0) {
        let data = host::get(answer.body, "data");
        return Ok((!host::is_absent(&data)).then_some(Passed::new(data)));
    }
    if !host::is_plain_object(answer.body) {
        return Err(not_genauth(answer, lang));
    }
    let body = answer.body;
    let data = host::get(body, "data");
    let data = (!host::is_absent(&data)).then_some(Passed::new(data));
    let code = host::code_of(&host::get(body, "code"))
        .or_else(|| host::code_of(&host::get(body, "statusCode")));
    match code {
        Some(200) => Ok(data),
        Some(code) => {
            let code = host::code_of(&host::get(body, "apiCode")).unwrap_or(code);
            let message = Passed::new(host::get(body, "message"));
            let mut error = Error::from_server(code, &short(&message), lang);
            error.data = data;
            Err(error)
        }
        None => Err(not_genauth(answer, lang)),
    }
}

/// Reads a GraphQL answer and returns `data.<field>` (`None` if `null`).
pub fn parse_graphql(
    answer: Answer<'_>,
    field: &'static str,
    lang: Lang,
) -> Result<Option<Passed>, Error> {
    // The common answer, `{"data": {"<field>": ...}}` without `errors`, in few reads.
    let data = host::get(answer.body, "data");
    if host::is_absent(&host::get(answer.body, "errors")) && host::has(&data, field) {
        let value = host::get(&data, field);
        return Ok((!host::is_absent(&value)).then_some(Passed::new(value)));
    }
    if !host::is_plain_object(answer.body) {
        return Err(not_genauth(answer, lang));
    }
    let errors = host::get(answer.body, "errors");
    if host::kind(&errors) == Kind::Array {
        let first = host::item(&errors, 0);
        if !host::is_absent(&first) {
            return Err(graphql_error(&host::get(&first, "message"), lang));
        }
    }
    if !host::is_plain_object(&data) || !host::has(&data, field) {
        return Err(not_genauth(answer, lang));
    }
    let value = host::get(&data, field);
    Ok((!host::is_absent(&value)).then_some(Passed::new(value)))
}

fn graphql_error(message: &Raw, lang: Lang) -> Error {
    match host::kind(message) {
        // GenAuth: {"message": {"code": 2020, "message": "...", "data": null}}
        Kind::Object => {
            let data = host::get(message, "data");
            let data = (!host::is_absent(&data)).then_some(Passed::new(data));
            let text = Passed::new(host::get(message, "message"));
            let mut error = match host::code_of(&host::get(message, "code")) {
                Some(code) => Error::from_server(code, &short(&text), lang),
                None => Error::with_detail(ErrorCode::ServerRejected, lang, &short(&text)),
            };
            error.data = data;
            error
        }
        // A plain GraphQL error: {"message": "..."}
        Kind::String => Error::with_detail(
            ErrorCode::ServerRejected,
            lang,
            &short(&Passed::new(message.clone())),
        ),
        _ => Error::new(ErrorCode::ServerRejected, lang),
    }
}

/// An answer that is not GenAuth's protocol: a server error if the status says so.
fn not_genauth(answer: Answer<'_>, lang: Lang) -> Error {
    let detail = format!("HTTP {}", answer.status);
    if answer.status == 429 {
        Error::with_detail(ErrorCode::RateLimited, lang, &detail)
    } else if answer.status >= 500 {
        Error::with_detail(ErrorCode::ServerError, lang, &detail)
    } else {
        Error::with_detail(ErrorCode::InvalidResponse, lang, &detail)
    }
}

/// A server message, cleaned and cut to a length that fits an error message. Only a
/// message of reasonable length is copied into wasm at all; a longer one is not read.
fn short(text: &Passed) -> String {
    host::short_text(&text.0, MAX_SERVER_MESSAGE * 8)
        .map(|s| sanitize(&s, MAX_SERVER_MESSAGE))
        .unwrap_or_default()
}

/// The server's clock from a `Date` header (IMF-fixdate, RFC 9110 §5.6.7), in milliseconds
/// since the epoch. `header` is `wx.request`'s `res.header` object.
pub fn server_date_ms(header: &Raw) -> Option<f64> {
    let mut value = host::get(header, "Date");
    if host::kind(&value) == Kind::Absent {
        value = host::get(header, "date");
    }
    parse_http_date(&host::short_text(&value, 64)?)
}

/// The largest answer the SDK reads: GenAuth's are a few KB; a bigger one is not its protocol
/// (and is never copied into wasm).
pub const MAX_BODY_BYTES: i64 = 1 << 20;

/// Whether the `Content-Length` of an answer says it is over [`MAX_BODY_BYTES`].
pub fn too_large(header: &Raw) -> bool {
    let mut value = host::get(header, "Content-Length");
    if host::kind(&value) == Kind::Absent {
        value = host::get(header, "content-length");
    }
    host::code_of(&value).is_some_and(|length| length > MAX_BODY_BYTES)
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn parse_http_date(text: &str) -> Option<f64> {
    let mut parts = text.split_ascii_whitespace();
    let _weekday = parts.next()?;
    let day: u32 = parts.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)?;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':');
    let hour: i64 = clock.next()?.parse().ok()?;
    let minute: i64 = clock.next()?.parse().ok()?;
    let second: i64 = clock.next()?.parse().ok()?;
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60
    {
        return None;
    }
    if !(1970..=9999).contains(&year) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm), months counted from March.
    let m = i64::try_from(month).ok()? + 1;
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    // Seconds since 1970 up to year 9999 fit exactly in an f64.
    Some(seconds as f64 * 1000.0)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(body: &Raw) -> Answer<'_> {
        Answer { status: 200, body }
    }

    fn options(pool: Option<&str>) -> ClientOptions {
        let mut raw = json!({"appId": "app1"});
        if let Some(pool) = pool {
            raw["userPoolId"] = json!(pool);
        }
        ClientOptions::read(&raw).unwrap()
    }

    #[test]
    fn rest_headers_match_authing_wxapp_sdk() {
        let token = Passed::new(json!("tok"));
        let headers = headers(&options(Some("pool1")), Transport::RestJson, Some(&token));
        assert_eq!(
            headers.to_json(),
            json!({
                "content-type": "application/json;charset=utf-8",
                "x-authing-sdk-version": format!("wxapp:{}", env!("CARGO_PKG_VERSION")),
                "x-authing-request-from": "wxapp",
                "x-authing-app-id": "app1",
                "x-authing-userpool-id": "pool1",
                "x-authing-lang": "zh-CN",
                "Authorization": "Bearer tok",
                "accept": "application/json, text/plain, */*",
            })
        );
    }

    #[test]
    fn graphql_headers() {
        let headers = headers(&options(None), Transport::Graphql, None);
        let Out::Obj(entries) = headers else {
            panic!("headers are an object")
        };
        let names: Vec<&str> = entries.iter().map(|(k, _)| *k).collect();
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
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("abc-_.~09"), "abc-_.~09");
        assert_eq!(encode_query_value("a&b=c/中"), "a%26b%3Dc%2F%E4%B8%AD");
    }

    #[test]
    fn rest_success_returns_data() {
        let body = json!({"code": 200, "message": "ok", "data": {"id": "u1"}});
        assert_eq!(
            parse_rest(ok(&body), Lang::ZhCn)
                .unwrap()
                .unwrap()
                .0
                .as_ref(),
            &json!({"id": "u1"})
        );
        assert!(
            parse_rest(ok(&json!({"code": 200, "data": null})), Lang::ZhCn)
                .unwrap()
                .is_none()
        );
        assert!(parse_rest(ok(&json!({"code": "200"})), Lang::ZhCn)
            .unwrap()
            .is_none());
        // The v3 envelope is understood as well.
        let v3 = json!({"statusCode": 200, "data": {"a": 1}});
        assert_eq!(
            parse_rest(ok(&v3), Lang::ZhCn).unwrap().unwrap().0.as_ref(),
            &json!({"a": 1})
        );
    }

    #[test]
    fn rest_failures() {
        let body = json!({"code": 40029, "message": "invalid code", "data": null});
        let error = parse_rest(ok(&body), Lang::EnUs).unwrap_err();
        assert_eq!(error.code, ErrorCode::WxCodeInvalid);
        assert_eq!(error.server_code, Some(40029));

        let body = json!({"statusCode": 400, "apiCode": 2004, "message": "x"});
        let error = parse_rest(ok(&body), Lang::EnUs).unwrap_err();
        assert_eq!(
            (error.code, error.server_code),
            (ErrorCode::UserNotFound, Some(2004))
        );

        // The HTTP status does not matter when the body is GenAuth's; data is kept.
        let body = json!({"code": 2224, "message": "应用不存在", "data": {"hint": 1}});
        let error = parse_rest(
            Answer {
                status: 500,
                body: &body,
            },
            Lang::EnUs,
        )
        .unwrap_err();
        assert_eq!(
            (error.code, error.message.as_str()),
            (ErrorCode::ServerRejected, "应用不存在")
        );
        assert_eq!(*error.data.unwrap().0, json!({"hint": 1}));

        let html = json!("<html>Bad Gateway</html>");
        let error = parse_rest(
            Answer {
                status: 502,
                body: &html,
            },
            Lang::EnUs,
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::ServerError);
        assert_eq!(error.message, "Server error: HTTP 502");
        // A gateway's rate limit (no GenAuth body): RATE_LIMITED, retryable.
        let error = parse_rest(
            Answer {
                status: 429,
                body: &json!("Too Many Requests"),
            },
            Lang::EnUs,
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::RateLimited);
        assert!(error.code.retryable());

        for body in [
            json!(""),
            json!("{\"code\":200,\"data\":"),
            json!([]),
            json!({}),
            json!({"code": null}),
            json!(7),
        ] {
            let error = parse_rest(ok(&body), Lang::EnUs).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidResponse, "{body}");
        }
    }

    #[test]
    fn graphql_success() {
        let body = json!({"data": {"user": {"id": "u1"}}});
        assert_eq!(
            parse_graphql(ok(&body), "user", Lang::ZhCn)
                .unwrap()
                .unwrap()
                .0
                .as_ref(),
            &json!({"id": "u1"})
        );
        let body = json!({"data": {"user": null}});
        assert!(parse_graphql(ok(&body), "user", Lang::ZhCn)
            .unwrap()
            .is_none());
        let body = json!({"data": {"other": 1}});
        let error = parse_graphql(ok(&body), "user", Lang::ZhCn).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidResponse);
    }

    #[test]
    fn graphql_errors() {
        let body = json!({"errors": [{"message": {"code": 2020, "message": "尚未登录", "data": null}}], "data": null});
        let error = parse_graphql(ok(&body), "user", Lang::EnUs).unwrap_err();
        assert_eq!(
            (error.code, error.server_code),
            (ErrorCode::NotLoggedIn, Some(2020))
        );
        assert_eq!(error.message, "Not logged in (尚未登录)");

        let body = json!({"errors": [{"message": "Cannot query field"}], "data": null});
        let error = parse_graphql(ok(&body), "user", Lang::EnUs).unwrap_err();
        assert_eq!(error.code, ErrorCode::ServerRejected);
        assert_eq!(
            error.message,
            "The server rejected the request: Cannot query field"
        );
        assert_eq!(error.server_code, None);

        let body = json!({"errors": [{"message": {"message": "no code"}}]});
        assert_eq!(
            parse_graphql(ok(&body), "user", Lang::EnUs)
                .unwrap_err()
                .code,
            ErrorCode::ServerRejected
        );

        let html = json!("<h1>500</h1>");
        assert_eq!(
            parse_graphql(
                Answer {
                    status: 500,
                    body: &html
                },
                "user",
                Lang::EnUs
            )
            .unwrap_err()
            .code,
            ErrorCode::ServerError
        );
        assert_eq!(
            parse_graphql(ok(&json!({})), "user", Lang::EnUs)
                .unwrap_err()
                .code,
            ErrorCode::InvalidResponse
        );
    }

    #[test]
    fn long_and_dirty_server_messages_are_cut_and_cleaned() {
        let body = json!({"code": 1, "message": format!("\u{202e}{}", "x".repeat(1000))});
        let error = parse_rest(ok(&body), Lang::EnUs).unwrap_err();
        assert_eq!(error.message.len(), 300);
        assert!(!error.message.contains('\u{202e}'));
        // A huge message is not read at all: the code's own message stands.
        let body = json!({"code": 2004, "message": "x".repeat(1_000_000)});
        let error = parse_rest(ok(&body), Lang::EnUs).unwrap_err();
        assert_eq!(error.message, "User not found");
    }

    #[test]
    fn answers_over_a_mebibyte_are_refused_by_their_length() {
        assert!(too_large(&json!({"Content-Length": "1048577"})));
        assert!(too_large(&json!({"content-length": 5_000_000})));
        assert!(!too_large(&json!({"Content-Length": "1048576"})));
        assert!(!too_large(&json!({})));
        assert!(!too_large(&json!({"content-length": "lots"})));
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(
            parse_http_date("Tue, 01 Dec 2026 20:34:53 GMT"),
            Some(1_796_157_293_000.0)
        );
        assert_eq!(
            parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800_000.0)
        );
        for bad in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        assert_eq!(
            server_date_ms(&json!({"date": "Sun, 06 Nov 1994 08:49:37 GMT"})),
            Some(784_111_777_000.0)
        );
        assert_eq!(server_date_ms(&json!({})), None);
    }
}
