//! The one error type of the SDK, grouped by who is at fault.
//!
//! Every failure the caller can see is an [`Error`]: a stable [`ErrorCode`] (what JavaScript
//! receives as `error.code`), a message in the client's language, and — when GenAuth or
//! WeChat answered with a code of its own — that `server_code`. Messages never contain
//! tokens, passwords or session keys.

use crate::options::Lang;

/// What went wrong, as a stable name JavaScript can branch on.
///
/// The string of each variant ([`ErrorCode::as_str`]) is part of the public API: it is
/// pinned by a test and listed in `index.d.ts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    // --- the caller's fault: the call is wrong, retrying it unchanged cannot help ---
    /// A constructor option is missing or malformed.
    InvalidOptions,
    /// A method argument is missing or malformed.
    InvalidArgument,
    /// The method needs a logged-in user and there is no session.
    NotLoggedIn,
    // --- the user's or session's state: the app should ask the user to log in again ---
    /// GenAuth says the session token has expired or is no longer valid (codes 2206, 2207).
    SessionExpired,
    /// WeChat did not accept the `wx.login` code: unknown, expired or for another app (40029).
    WxCodeInvalid,
    /// The `wx.login` code was already used once (40163); each code works once.
    WxCodeUsed,
    /// WeChat's rate limit for `code2Session` was hit (45011).
    WxRateLimited,
    /// `wx.login` itself failed on the device.
    WxLoginFailed,
    /// WeChat storage refused a write (e.g. the 10 MB quota is full).
    StorageFailed,
    /// GenAuth says the user does not exist (2004).
    UserNotFound,
    /// GenAuth refused the request with a code this SDK has no name for; see `server_code`.
    ServerRejected,
    // --- the network's or the server's fault: retrying later may help ---
    /// The request did not reach the server or the connection was lost.
    NetworkError,
    /// No answer within the configured `timeout`.
    Timeout,
    /// The server failed (an HTTP 5xx without a GenAuth answer in the body).
    ServerError,
    /// The server answered with something that is not GenAuth's protocol (e.g. invalid JSON).
    InvalidResponse,
}

impl ErrorCode {
    /// Every code, for tests and documentation.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::InvalidOptions,
        ErrorCode::InvalidArgument,
        ErrorCode::NotLoggedIn,
        ErrorCode::SessionExpired,
        ErrorCode::WxCodeInvalid,
        ErrorCode::WxCodeUsed,
        ErrorCode::WxRateLimited,
        ErrorCode::WxLoginFailed,
        ErrorCode::StorageFailed,
        ErrorCode::UserNotFound,
        ErrorCode::ServerRejected,
        ErrorCode::NetworkError,
        ErrorCode::Timeout,
        ErrorCode::ServerError,
        ErrorCode::InvalidResponse,
    ];

    /// The stable name JavaScript sees as `error.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidOptions => "INVALID_OPTIONS",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::NotLoggedIn => "NOT_LOGGED_IN",
            ErrorCode::SessionExpired => "SESSION_EXPIRED",
            ErrorCode::WxCodeInvalid => "WX_CODE_INVALID",
            ErrorCode::WxCodeUsed => "WX_CODE_USED",
            ErrorCode::WxRateLimited => "WX_RATE_LIMITED",
            ErrorCode::WxLoginFailed => "WX_LOGIN_FAILED",
            ErrorCode::StorageFailed => "STORAGE_FAILED",
            ErrorCode::UserNotFound => "USER_NOT_FOUND",
            ErrorCode::ServerRejected => "SERVER_REJECTED",
            ErrorCode::NetworkError => "NETWORK_ERROR",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::ServerError => "SERVER_ERROR",
            ErrorCode::InvalidResponse => "INVALID_RESPONSE",
        }
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
            ErrorCode::ServerRejected => ("服务器拒绝了请求", "The server rejected the request"),
            ErrorCode::NetworkError => ("网络请求失败", "Network request failed"),
            ErrorCode::Timeout => ("网络请求超时", "The request timed out"),
            ErrorCode::ServerError => ("服务器错误", "Server error"),
            ErrorCode::InvalidResponse => (
                "服务器返回了无法识别的数据",
                "The server sent a response that could not be understood",
            ),
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
            2004 => ErrorCode::UserNotFound,
            2020 => ErrorCode::NotLoggedIn,
            2206 | 2207 => ErrorCode::SessionExpired,
            40029 => ErrorCode::WxCodeInvalid,
            40163 => ErrorCode::WxCodeUsed,
            45011 => ErrorCode::WxRateLimited,
            _ => ErrorCode::ServerRejected,
        }
    }
}

/// A failure, ready to become a JavaScript `Error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The stable code.
    pub code: ErrorCode,
    /// A human-readable message in the client's language (no secrets).
    pub message: String,
    /// GenAuth's (or WeChat's) own code, when the server sent one.
    pub server_code: Option<i64>,
}

impl Error {
    /// An error with the default message for `code`.
    pub fn new(code: ErrorCode, lang: Lang) -> Error {
        Error {
            code,
            message: code.message(lang).to_owned(),
            server_code: None,
        }
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
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

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
                "STORAGE_FAILED",
                "USER_NOT_FOUND",
                "SERVER_REJECTED",
                "NETWORK_ERROR",
                "TIMEOUT",
                "SERVER_ERROR",
                "INVALID_RESPONSE",
            ]
        );
    }

    #[test]
    fn every_code_has_a_message_in_both_languages() {
        for code in ErrorCode::ALL {
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
    fn display_names_the_code() {
        let error = Error::with_detail(ErrorCode::InvalidOptions, Lang::EnUs, "appId is required");
        assert_eq!(
            error.to_string(),
            "INVALID_OPTIONS: Invalid client options: appId is required"
        );
    }
}
