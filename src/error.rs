//! The one error type of the SDK, grouped by who is at fault.
//!
//! Every failure the caller can see is an [`Error`]: a stable [`ErrorCode`] (what JavaScript
//! receives as `error.code`), a message in the client's language, and — when GenAuth or
//! WeChat answered with a code of its own — that `server_code`. Messages name what was wrong
//! (the parameter, the option, the host call) and never repeat a value the caller passed:
//! values may be tokens, passwords or codes, and apps log their errors.

use crate::host::Passed;
use crate::options::Lang;

/// Defines [`ErrorCode`], its stable names and [`ErrorCode::ALL`] from one list, so the list
/// JavaScript sees cannot drift from the enum.
macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// What went wrong, as a stable name JavaScript can branch on.
        ///
        /// The string of each variant ([`ErrorCode::as_str`]) is public API: it is pinned by
        /// a test and listed in `index.d.ts` (checked by a package test).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The stable name JavaScript sees as `error.code`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( ErrorCode::$variant => $name, )*
                }
            }
        }
    };
}

error_codes! {
    // --- the caller's fault: the call is wrong, retrying it unchanged cannot help ---
    /// A constructor option is missing or malformed.
    InvalidOptions = "INVALID_OPTIONS",
    /// A method argument is missing or malformed.
    InvalidArgument = "INVALID_ARGUMENT",
    /// The method needs a logged-in user and there is no session.
    NotLoggedIn = "NOT_LOGGED_IN",
    // --- the user's or session's state: the app should ask the user to log in again ---
    /// GenAuth says the session token has expired or is no longer valid (codes 2206, 2207).
    SessionExpired = "SESSION_EXPIRED",
    /// WeChat did not accept the `wx.login` code: unknown, expired or for another app (40029).
    WxCodeInvalid = "WX_CODE_INVALID",
    /// The `wx.login` code was already used once (40163); each code works once.
    WxCodeUsed = "WX_CODE_USED",
    /// WeChat's rate limit for `code2Session` was hit (45011).
    WxRateLimited = "WX_RATE_LIMITED",
    /// `wx.login` itself failed on the device.
    WxLoginFailed = "WX_LOGIN_FAILED",
    /// The user refused to share the phone number (`getPhoneNumber:fail user deny`).
    WxPhoneDenied = "WX_PHONE_DENIED",
    /// The user has not accepted the mini program's privacy agreement (errno 104).
    WxPrivacyDenied = "WX_PRIVACY_DENIED",
    /// The getPhoneNumber button failed for another reason (its `errMsg` is kept).
    WxPhoneFailed = "WX_PHONE_FAILED",
    /// No `wx.login` code taken before the tap is at hand (the client fetches one now:
    /// ask the user to tap again).
    WxCodeNotReady = "WX_CODE_NOT_READY",
    /// WeChat storage refused a write (e.g. the 10 MB quota is full).
    StorageFailed = "STORAGE_FAILED",
    /// GenAuth says the user does not exist (2004).
    UserNotFound = "USER_NOT_FOUND",
    /// GenAuth says the password is wrong (2006; 2203 for the old password).
    WrongPassword = "WRONG_PASSWORD",
    /// GenAuth says the account already exists (2026; 2034 for a username).
    UserExists = "USER_EXISTS",
    /// GenAuth says the phone number is bound to another account (2035).
    PhoneTaken = "PHONE_TAKEN",
    /// GenAuth says the email address is bound to another account (2200).
    EmailTaken = "EMAIL_TAKEN",
    /// GenAuth says the SMS or email verification code is wrong (2001).
    VerifyCodeInvalid = "VERIFY_CODE_INVALID",
    /// GenAuth says the verification code has expired or was used (2300).
    VerifyCodeExpired = "VERIFY_CODE_EXPIRED",
    /// GenAuth wants a captcha after failed logins (2000): pass `captchaCode`.
    CaptchaRequired = "CAPTCHA_REQUIRED",
    /// GenAuth refused the request with a code this SDK has no name for; see `server_code`.
    ServerRejected = "SERVER_REJECTED",
    /// `logout()` ended the session on this device but could not tell GenAuth (the
    /// network, a timeout, a failing server): the user is logged out here; the token stays
    /// valid on the server until it expires.
    LoggedOutLocally = "LOGGED_OUT_LOCALLY",
    /// The user cancelled (e.g. choosing an image).
    Cancelled = "CANCELLED",
    /// The password could not be encrypted: no public key, or no `wx.getRandomValues`.
    EncryptionFailed = "ENCRYPTION_FAILED",
    // --- the network's or the server's fault: retrying later may help ---
    /// The request did not reach the server or the connection was lost.
    NetworkError = "NETWORK_ERROR",
    /// No answer within the configured `timeout`.
    Timeout = "TIMEOUT",
    /// The server failed (an HTTP 5xx without a GenAuth answer in the body).
    ServerError = "SERVER_ERROR",
    /// Too many requests: HTTP 429, or GenAuth's "too frequent" (2100).
    RateLimited = "RATE_LIMITED",
    /// The server answered with something that is not GenAuth's protocol (e.g. invalid JSON).
    InvalidResponse = "INVALID_RESPONSE",
    // --- the SDK's own ---
    /// The wasm core could not be loaded (raised by the JavaScript shim before the core runs).
    WasmLoadFailed = "WASM_LOAD_FAILED",
    /// A fault inside the SDK (a bug, or the host breaking the call sequence).
    Internal = "INTERNAL",
}

impl ErrorCode {
    /// Whether the same call may succeed later unchanged: the network's, the server's and
    /// the rate limits' failures (`error.retryable` in JavaScript).
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::NetworkError
                | ErrorCode::Timeout
                | ErrorCode::ServerError
                | ErrorCode::RateLimited
                | ErrorCode::WxRateLimited
        )
    }

    /// Whether GenAuth could not be reached or did not answer in its protocol (the network,
    /// a timeout, a failing server, a rate limit, an answer that is not GenAuth's).
    pub fn unanswered(self) -> bool {
        self.retryable() || self == ErrorCode::InvalidResponse
    }

    /// The default message in `lang`.
    pub fn message(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            ErrorCode::InvalidOptions => ("初始化参数无效", "Invalid client options"),
            ErrorCode::InvalidArgument => ("参数无效", "Invalid argument"),
            ErrorCode::NotLoggedIn => ("尚未登录", "Not logged in"),
            ErrorCode::SessionExpired => (
                "登录信息已过期，请重新登录",
                "The session has expired; please log in again",
            ),
            ErrorCode::WxCodeInvalid => (
                "微信登录凭证 code 无效或已过期",
                "The wx.login code is invalid or has expired",
            ),
            ErrorCode::WxCodeUsed => (
                "微信登录凭证 code 已被使用，请重新调用 wx.login",
                "The wx.login code was already used; call wx.login again",
            ),
            ErrorCode::WxRateLimited => (
                "微信登录过于频繁，请稍后再试",
                "Too many WeChat logins; try again later",
            ),
            ErrorCode::WxLoginFailed => ("wx.login 调用失败", "wx.login failed"),
            ErrorCode::StorageFailed => ("本地存储写入失败", "Writing to WeChat storage failed"),
            ErrorCode::UserNotFound => ("用户不存在", "User not found"),
            ErrorCode::WrongPassword => ("密码不正确", "Wrong password"),
            ErrorCode::UserExists => ("用户已存在", "The account already exists"),
            ErrorCode::PhoneTaken => (
                "手机号已被其他账号绑定",
                "The phone number belongs to another account",
            ),
            ErrorCode::EmailTaken => (
                "邮箱已被其他账号绑定",
                "The email address belongs to another account",
            ),
            ErrorCode::VerifyCodeInvalid => ("验证码错误", "Wrong verification code"),
            ErrorCode::VerifyCodeExpired => (
                "验证码已过期或已使用",
                "The verification code has expired or was used",
            ),
            ErrorCode::CaptchaRequired => ("需要输入图形验证码", "A captcha is required"),
            ErrorCode::WxPhoneDenied => (
                "用户拒绝授权手机号",
                "The user declined to share the phone number",
            ),
            ErrorCode::WxPrivacyDenied => (
                "用户未同意小程序隐私协议",
                "The user has not accepted the privacy agreement",
            ),
            ErrorCode::WxPhoneFailed => ("获取手机号失败", "Getting the phone number failed"),
            ErrorCode::WxCodeNotReady => (
                "微信登录凭证尚未就绪，请重新点击",
                "No wx.login code from before the tap; please tap again",
            ),
            ErrorCode::LoggedOutLocally => (
                "已在本机退出登录，但未能通知 GenAuth",
                "Logged out on this device; GenAuth could not be told",
            ),
            ErrorCode::Cancelled => ("用户已取消", "Cancelled by the user"),
            ErrorCode::EncryptionFailed => ("密码加密失败", "Encrypting the password failed"),
            ErrorCode::ServerRejected => ("服务器拒绝了请求", "The server rejected the request"),
            ErrorCode::NetworkError => ("网络请求失败", "Network request failed"),
            ErrorCode::Timeout => ("网络请求超时", "The request timed out"),
            ErrorCode::ServerError => ("服务器错误", "Server error"),
            ErrorCode::RateLimited => (
                "请求过于频繁，请稍后再试",
                "Too many requests; try again later",
            ),
            ErrorCode::InvalidResponse => (
                "服务器返回了无法识别的数据",
                "The server sent a response that could not be understood",
            ),
            ErrorCode::WasmLoadFailed => (
                "GenAuth 核心模块加载失败",
                "Loading the GenAuth core failed",
            ),
            ErrorCode::Internal => ("SDK 内部错误", "Internal SDK error"),
        };
        match lang {
            Lang::ZhCn => zh,
            Lang::EnUs => en,
        }
    }

    /// The SDK code for a code GenAuth put in its envelope (v2 `code`, GraphQL
    /// `errors[].message.code`), including WeChat codes GenAuth passes through.
    ///
    /// Codes: <https://docs.authing.cn/v2/reference/error-code.html>.
    pub fn from_server_code(code: i64) -> ErrorCode {
        match code {
            2000 => ErrorCode::CaptchaRequired,
            2001 => ErrorCode::VerifyCodeInvalid,
            2004 => ErrorCode::UserNotFound,
            2006 | 2203 => ErrorCode::WrongPassword,
            2026 | 2034 => ErrorCode::UserExists,
            2035 => ErrorCode::PhoneTaken,
            2100 => ErrorCode::RateLimited,
            2200 => ErrorCode::EmailTaken,
            2300 => ErrorCode::VerifyCodeExpired,
            2020 => ErrorCode::NotLoggedIn,
            2206 | 2207 => ErrorCode::SessionExpired,
            40029 => ErrorCode::WxCodeInvalid,
            40163 => ErrorCode::WxCodeUsed,
            45011 => ErrorCode::WxRateLimited,
            _ => ErrorCode::ServerRejected,
        }
    }
}

/// What is wrong with one argument or option, said without its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Required and absent.
    Missing,
    /// Not the expected kind of value.
    Expected(Expected),
    /// Longer than the limit (in UTF-16 units, as JavaScript counts).
    TooLong(usize),
    /// Holds control or format (bidi) characters.
    BadCharacters,
    /// A key the object may not have.
    Unknown,
    /// Must be given together with another one (named).
    Together(&'static str),
    /// A whole number outside this range (or not a whole number).
    Range(i64, i64),
    /// None of these strings.
    OneOf(&'static [&'static str]),
    /// Must not be given together with another one (named).
    Alone(&'static str),
}

/// The kinds of value a parameter or option expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A non-empty string.
    Text,
    /// The code `wx.login` returned (a string, or the `wx.login` result).
    WxCode,
    /// An object of options.
    Object,
    /// `true` or `false`.
    Flag,
    /// A GenAuth token (a JWT).
    Token,
    /// JSON text of an object (as `wx.getUserInfo`'s `rawData`).
    JsonObject,
    /// Base64 text (as WeChat's `iv` and `encryptedData`).
    Base64,
    /// An id: letters, digits, `_` and `-`.
    Id,
    /// An absolute `https` URL (http only for loopback).
    Url,
    /// A number of milliseconds in range.
    Millis,
    /// `"zh-CN"` or `"en-US"`.
    Lang,
    /// A password: printable text.
    Password,
    /// A value JSON can hold.
    Json,
    /// An object of named values.
    Map,
    /// A PEM public key.
    PublicKey,
    /// A function.
    Function,
    /// The getPhoneNumber button's `e.detail`, or a `wx.login` code.
    PhoneDetail,
}

impl Expected {
    fn describe(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Expected::Text => ("非空字符串", "a non-empty string"),
            Expected::WxCode => ("wx.login 返回的 code", "the code wx.login returned"),
            Expected::Object => ("对象", "an object"),
            Expected::Flag => ("布尔值", "true or false"),
            Expected::Token => ("GenAuth token（JWT）", "a GenAuth token (a JWT)"),
            Expected::JsonObject => (
                "JSON 对象文本（wx.getUserInfo 的 rawData）",
                "the JSON object text wx.getUserInfo returned",
            ),
            Expected::Base64 => ("Base64 文本", "Base64 text"),
            Expected::Id => (
                "由字母、数字、_ 和 - 组成的 ID",
                "an id of letters, digits, _ and -",
            ),
            Expected::Url => (
                "https 绝对地址（仅本机可用 http）",
                "an absolute https URL (http only for localhost)",
            ),
            Expected::Millis => ("1 到 600000 之间的毫秒数", "milliseconds from 1 to 600000"),
            Expected::Lang => ("\"zh-CN\" 或 \"en-US\"", "\"zh-CN\" or \"en-US\""),
            Expected::Password => (
                "不含控制字符的非空密码",
                "a non-empty password of printable text",
            ),
            Expected::Json => (
                "可写成 JSON 的值（字符串、有限数字、布尔值、数组、对象）",
                "a value JSON can hold (a string, a finite number, a boolean, an array, an object)",
            ),
            Expected::Map => (
                "至少有一个键、键为名称的对象",
                "an object with at least one key, each key a name",
            ),
            Expected::PublicKey => ("PEM 格式的 RSA 公钥", "an RSA public key in PEM"),
            Expected::Function => ("函数", "a function"),
            Expected::PhoneDetail => (
                "getPhoneNumber 按钮的 e.detail，或 wx.login 返回的 code",
                "the getPhoneNumber button's e.detail, or the code wx.login returned",
            ),
        };
        match lang {
            Lang::ZhCn => zh,
            Lang::EnUs => en,
        }
    }
}

impl Problem {
    /// `"<name>: <what is wrong>"` in `lang`.
    pub fn describe(self, name: &str, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        match self {
            Problem::Missing if zh => format!("{name}: 必须提供"),
            Problem::Missing => format!("{name}: is required"),
            Problem::Expected(what) if zh => format!("{name}: 应为{}", what.describe(lang)),
            Problem::Expected(what) => format!("{name}: expected {}", what.describe(lang)),
            Problem::TooLong(max) if zh => format!("{name}: 超过 {max} 个字符"),
            Problem::TooLong(max) => format!("{name}: longer than {max} characters"),
            Problem::BadCharacters if zh => format!("{name}: 含有控制字符或格式字符"),
            Problem::BadCharacters => format!("{name}: contains control or format characters"),
            Problem::Unknown if zh => format!("{name}: 未知参数"),
            Problem::Unknown => format!("{name}: unknown"),
            Problem::Together(other) if zh => format!("{name}: 必须与 {other} 一起提供"),
            Problem::Together(other) => format!("{name}: must be given together with {other}"),
            Problem::Range(min, max) if zh => format!("{name}: 应为 {min} 到 {max} 之间的整数"),
            Problem::Range(min, max) => {
                format!("{name}: expected a whole number from {min} to {max}")
            }
            Problem::OneOf(choices) if zh => format!("{name}: 应为 {} 之一", choices.join(", ")),
            Problem::OneOf(choices) => format!("{name}: expected one of {}", choices.join(", ")),
            Problem::Alone(other) if zh => format!("{name}: 不能与 {other} 同时提供"),
            Problem::Alone(other) => format!("{name}: cannot be given with {other}"),
        }
    }
}

/// A failure, ready to become a JavaScript `Error`.
#[derive(Clone, Debug)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable message in the client's language (no secrets, no argument values).
    pub message: String,
    /// GenAuth's (or WeChat's) own code, when the server sent one.
    pub server_code: Option<i64>,
    /// What the server sent with its error (its `data`), passed through.
    pub data: Option<Passed>,
}

impl PartialEq for Error {
    fn eq(&self, other: &Error) -> bool {
        self.code == other.code
            && self.message == other.message
            && self.server_code == other.server_code
    }
}

impl Error {
    /// An error with the default message for `code`.
    pub fn new(code: ErrorCode, lang: Lang) -> Error {
        Error {
            code,
            message: code.message(lang).to_owned(),
            server_code: None,
            data: None,
        }
    }

    /// The code `authing-wxapp-sdk`'s `onError(code, message, data)` was called with for this
    /// failure: GenAuth's or WeChat's own, or 500 when GenAuth did not answer in its protocol;
    /// `None` for what the SDK refused itself (the hook is not called).
    pub fn on_error_code(&self) -> Option<i64> {
        self.server_code
            .or_else(|| self.code.unanswered().then_some(500))
    }

    /// An error with the default message followed by a detail, e.g. the option at fault.
    pub fn with_detail(code: ErrorCode, lang: Lang, detail: &str) -> Error {
        let mut error = Error::new(code, lang);
        if !detail.is_empty() {
            error.message.push_str(": ");
            error.message.push_str(detail);
        }
        error
    }

    /// `INVALID_ARGUMENT` (or `INVALID_OPTIONS`) naming `name` and what is wrong with it.
    pub fn problem(code: ErrorCode, lang: Lang, name: &str, problem: Problem) -> Error {
        Error::with_detail(code, lang, &problem.describe(name, lang))
    }

    /// An error for a code and message the server sent.
    ///
    /// Codes this SDK names get its own message (in the client's language) with the
    /// server's text after it; other codes keep the server's message.
    pub fn from_server(server_code: i64, server_message: &str, lang: Lang) -> Error {
        let code = ErrorCode::from_server_code(server_code);
        let server_message = server_message.trim();
        let message = if code == ErrorCode::ServerRejected && !server_message.is_empty() {
            server_message.to_owned()
        } else if server_message.is_empty() {
            code.message(lang).to_owned()
        } else {
            format!("{} ({})", code.message(lang), server_message)
        };
        Error {
            code,
            message,
            server_code: Some(server_code),
            data: None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// Text from outside (a server message, a host `errMsg`), made fit for an error message:
/// control and format characters (bidi overrides included) removed, cut to `max` characters.
pub fn sanitize(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !crate::args::is_forbidden_char(*c))
        .take(max)
        .collect();
    clean.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_error_gets_the_servers_code_else_500_when_unanswered_else_nothing() {
        let lang = Lang::ZhCn;
        assert_eq!(
            Error::from_server(2006, "密码错误", lang).on_error_code(),
            Some(2006)
        );
        assert_eq!(
            Error::new(ErrorCode::NetworkError, lang).on_error_code(),
            Some(500)
        );
        assert_eq!(
            Error::new(ErrorCode::InvalidResponse, lang).on_error_code(),
            Some(500)
        );
        assert_eq!(
            Error::new(ErrorCode::InvalidArgument, lang).on_error_code(),
            None
        );
        assert_eq!(
            Error::new(ErrorCode::NotLoggedIn, lang).on_error_code(),
            None
        );
        assert_eq!(
            Error::new(ErrorCode::LoggedOutLocally, lang).on_error_code(),
            None
        );
    }

    #[test]
    fn only_the_networks_the_servers_and_the_rate_limits_failures_are_retryable() {
        let retryable: Vec<&str> = ErrorCode::ALL
            .iter()
            .filter(|c| c.retryable())
            .map(|c| c.as_str())
            .collect();
        assert_eq!(
            retryable,
            [
                "WX_RATE_LIMITED",
                "NETWORK_ERROR",
                "TIMEOUT",
                "SERVER_ERROR",
                "RATE_LIMITED"
            ]
        );
        assert_eq!(ErrorCode::from_server_code(2100), ErrorCode::RateLimited);
    }

    /// The codes JavaScript sees are API: pin every one of them.
    #[test]
    fn every_code_has_a_pinned_name() {
        let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "INVALID_OPTIONS",
                "INVALID_ARGUMENT",
                "NOT_LOGGED_IN",
                "SESSION_EXPIRED",
                "WX_CODE_INVALID",
                "WX_CODE_USED",
                "WX_RATE_LIMITED",
                "WX_LOGIN_FAILED",
                "WX_PHONE_DENIED",
                "WX_PRIVACY_DENIED",
                "WX_PHONE_FAILED",
                "WX_CODE_NOT_READY",
                "STORAGE_FAILED",
                "USER_NOT_FOUND",
                "WRONG_PASSWORD",
                "USER_EXISTS",
                "PHONE_TAKEN",
                "EMAIL_TAKEN",
                "VERIFY_CODE_INVALID",
                "VERIFY_CODE_EXPIRED",
                "CAPTCHA_REQUIRED",
                "SERVER_REJECTED",
                "LOGGED_OUT_LOCALLY",
                "CANCELLED",
                "ENCRYPTION_FAILED",
                "NETWORK_ERROR",
                "TIMEOUT",
                "SERVER_ERROR",
                "RATE_LIMITED",
                "INVALID_RESPONSE",
                "WASM_LOAD_FAILED",
                "INTERNAL",
            ]
        );
    }

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        for &code in ErrorCode::ALL {
            assert!(!code.message(Lang::ZhCn).is_empty());
            assert!(code.message(Lang::EnUs).is_ascii(), "{code:?}");
            assert_ne!(code.message(Lang::ZhCn), code.message(Lang::EnUs));
        }
    }

    #[test]
    fn server_codes_map_to_named_codes() {
        let cases = [
            (2004, ErrorCode::UserNotFound),
            (2020, ErrorCode::NotLoggedIn),
            (2206, ErrorCode::SessionExpired),
            (2207, ErrorCode::SessionExpired),
            (40029, ErrorCode::WxCodeInvalid),
            (40163, ErrorCode::WxCodeUsed),
            (45011, ErrorCode::WxRateLimited),
            (500, ErrorCode::ServerRejected),
            (2224, ErrorCode::ServerRejected),
        ];
        for (server, code) in cases {
            assert_eq!(ErrorCode::from_server_code(server), code, "{server}");
        }
    }

    #[test]
    fn server_messages_are_kept() {
        let named = Error::from_server(40163, "code been used", Lang::EnUs);
        assert_eq!(named.code, ErrorCode::WxCodeUsed);
        assert_eq!(named.server_code, Some(40163));
        assert_eq!(
            named.message,
            "The wx.login code was already used; call wx.login again (code been used)"
        );
        let unnamed = Error::from_server(2224, "应用不存在", Lang::EnUs);
        assert_eq!(unnamed.code, ErrorCode::ServerRejected);
        assert_eq!(unnamed.message, "应用不存在");
        let silent = Error::from_server(2224, "  ", Lang::ZhCn);
        assert_eq!(silent.message, "服务器拒绝了请求");
    }

    #[test]
    fn problems_name_the_parameter_in_both_languages() {
        let cases = [
            (Problem::Missing, "code: is required", "code: 必须提供"),
            (
                Problem::Expected(Expected::Text),
                "code: expected a non-empty string",
                "code: 应为非空字符串",
            ),
            (
                Problem::TooLong(4096),
                "code: longer than 4096 characters",
                "code: 超过 4096 个字符",
            ),
            (
                Problem::Together("encryptedData"),
                "code: must be given together with encryptedData",
                "code: 必须与 encryptedData 一起提供",
            ),
        ];
        for (problem, en, zh) in cases {
            assert_eq!(problem.describe("code", Lang::EnUs), en);
            assert_eq!(problem.describe("code", Lang::ZhCn), zh);
        }
        let error = Error::problem(
            ErrorCode::InvalidArgument,
            Lang::EnUs,
            "token",
            Problem::Expected(Expected::Token),
        );
        assert_eq!(
            error.to_string(),
            "INVALID_ARGUMENT: Invalid argument: token: expected a GenAuth token (a JWT)"
        );
    }

    #[test]
    fn outside_text_is_sanitized() {
        assert_eq!(sanitize(" a\u{202e}b\nc\u{7}d ", 100), "abcd");
        assert_eq!(sanitize(&"x".repeat(500), 200).len(), 200);
    }
}
