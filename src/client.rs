//! The operations of `AuthenticationClient`, each a pure `prepare` → (host sends) →
//! `complete` pair.
//!
//! The host passes in the stored session text and the current time with every call; the
//! core answers with a request to send, or with a result and the storage writes to make.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, ErrorCode};
use crate::http::{HttpRequest, HttpResponse, Method, TransportFailure};
use crate::json::{self, Text};
use crate::options::ClientOptions;
use crate::protocol::{self, Transport};
use crate::session::{self, Session, UserKeys};

/// The operations the core knows, by their JavaScript method names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// `loginByCode(code, {iv, encryptedData, rawData})`
    LoginByCode,
    /// `getCurrentUser()`
    GetCurrentUser,
    /// `checkLoginStatus(token?)`
    CheckLoginStatus,
    /// `logout()`
    Logout,
    /// `getToken()`
    GetToken,
}

impl OpKind {
    /// Looks an operation up by its JavaScript name.
    pub fn from_name(name: &str) -> Option<OpKind> {
        Some(match name {
            "loginByCode" => OpKind::LoginByCode,
            "getCurrentUser" => OpKind::GetCurrentUser,
            "checkLoginStatus" => OpKind::CheckLoginStatus,
            "logout" => OpKind::Logout,
            "getToken" => OpKind::GetToken,
            _ => return None,
        })
    }
}

/// An operation with its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Log in with a `wx.login` code, optionally with user info from WeChat.
    LoginByCode(LoginByCodeArgs),
    /// Fetch the logged-in user from GenAuth (and refresh the stored copy).
    GetCurrentUser,
    /// Ask GenAuth whether a token (default: the session's) is valid.
    CheckLoginStatus {
        /// The token to check instead of the session's.
        token: Option<String>,
    },
    /// End the session on GenAuth and on the device.
    Logout,
    /// The stored token, if any.
    GetToken,
}

impl Operation {
    /// The kind of this operation.
    pub fn kind(&self) -> OpKind {
        match self {
            Operation::LoginByCode(_) => OpKind::LoginByCode,
            Operation::GetCurrentUser => OpKind::GetCurrentUser,
            Operation::CheckLoginStatus { .. } => OpKind::CheckLoginStatus,
            Operation::Logout => OpKind::Logout,
            Operation::GetToken => OpKind::GetToken,
        }
    }
}

/// Arguments of `loginByCode`, as JavaScript passes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginByCodeArgs {
    /// The `wx.login` code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `iv` from `wx.getUserProfile` / `open-type="getUserInfo"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iv: Option<String>,
    /// `encryptedData` from the same call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encrypted_data: Option<String>,
    /// `rawData` (the user info JSON text) from the same call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_data: Option<String>,
}

/// A write to make to WeChat storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageWrite {
    /// The key.
    pub key: String,
    /// The value to store as JSON text (a JSON string is stored as a string, an object as an
    /// object), or `None` to remove the key.
    pub value: Option<String>,
    /// A cache (the user object): if storage refuses it, the host removes the key instead
    /// and the call still succeeds. The token is never a cache.
    pub cache: bool,
}

/// How an operation ended: its result (JSON text) and the storage writes to make.
///
/// The writes are to be made whether the result is a success or a failure (a failure
/// never asks to remove a valid session).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The value to resolve with, as JSON text, or the error to reject with.
    pub result: Result<String, Error>,
    /// Storage writes, in order.
    pub writes: Vec<StorageWrite>,
}

impl Outcome {
    fn value(json: String) -> Outcome {
        Outcome {
            result: Ok(json),
            writes: Vec::new(),
        }
    }

    fn error(error: Error) -> Outcome {
        Outcome {
            result: Err(error),
            writes: Vec::new(),
        }
    }
}

/// What the host should do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this request, then call [`Client::complete`].
    Send(HttpRequest),
    /// Finished without a request.
    Done(Outcome),
}

/// The answer to a sent request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply<'a> {
    /// An HTTP response (any status).
    Http(HttpResponse<'a>),
    /// No response; the detail is the host's own words (e.g. `wx.request`'s `errMsg`).
    Failed(TransportFailure, &'a str),
}

/// The core of one `AuthenticationClient`: validated options and the protocol logic.
#[derive(Clone, Debug)]
pub struct Client {
    options: ClientOptions,
    token_key: String,
    user_key: String,
    /// The GraphQL documents as JSON strings, escaped once instead of on every call.
    user_query: String,
    check_login_status_query: String,
}

impl Client {
    /// A client for validated options.
    pub fn new(options: ClientOptions) -> Client {
        Client {
            token_key: session::token_key(&options.app_id),
            user_key: session::user_key(&options.app_id),
            user_query: json::string(protocol::USER_DOCUMENT),
            check_login_status_query: json::string(protocol::CHECK_LOGIN_STATUS_DOCUMENT),
            options,
        }
    }

    /// The options.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The storage keys the host reads at start, in the order [`Client::start`] takes them:
    /// this SDK's token, then `authing-wxapp-sdk`'s token and user. Only the first is read
    /// again before each call.
    pub fn storage_keys(&self) -> [&str; 3] {
        [
            &self.token_key,
            session::LEGACY_TOKEN_KEY,
            session::LEGACY_USER_KEY,
        ]
    }

    /// Start-up: applies the `token` option, or adopts `authing-wxapp-sdk`'s session when
    /// this SDK has none stored. Returns the storage writes to make.
    pub fn start(
        &self,
        stored: Option<&str>,
        legacy_token: Option<&str>,
        legacy_user: Option<&str>,
        now_ms: f64,
    ) -> Vec<StorageWrite> {
        let current = stored.and_then(Session::from_storage);
        if let Some(token) = &self.options.token {
            if current.as_ref().map(Session::token) == Some(token.as_str()) {
                return Vec::new();
            }
            // The stored user (if any) belongs to another token: drop it.
            return self.write_session(token, None);
        }
        if current.is_some() {
            return Vec::new();
        }
        match session::adopt_legacy(legacy_token, legacy_user, now_ms) {
            Some(adopted) => self.write_session(&adopted.token, adopted.user.as_deref()),
            None => Vec::new(),
        }
    }

    /// Begins an operation, given the stored session text.
    pub fn prepare(&self, operation: &Operation, stored: Option<&str>) -> Step {
        let session = stored.and_then(Session::from_storage);
        let lang = self.options.lang;
        match operation {
            Operation::LoginByCode(args) => match self.login_by_code_request(args) {
                Ok(request) => Step::Send(request),
                Err(error) => Step::Done(Outcome::error(error)),
            },
            Operation::GetCurrentUser => match &session {
                None => Step::Done(Outcome::value("null".to_owned())),
                Some(session) => Step::Send(self.graphql(
                    &self.user_query,
                    "{}".to_owned(),
                    Some(session.token()),
                )),
            },
            Operation::CheckLoginStatus { token } => {
                if let Some(token) = token {
                    if !session::is_token_like(token) {
                        return Step::Done(Outcome::error(Error::with_detail(
                            ErrorCode::InvalidArgument,
                            lang,
                            "token must be a GenAuth token (a JWT)",
                        )));
                    }
                }
                let session_token = session.as_ref().map(Session::token);
                if token.is_none() && session_token.is_none() {
                    return Step::Done(Outcome::value(self.not_logged_in_status()));
                }
                let variables = match token {
                    Some(token) => format!("{{\"token\":{}}}", json::string(token)),
                    None => "{}".to_owned(),
                };
                Step::Send(self.graphql(&self.check_login_status_query, variables, session_token))
            }
            Operation::Logout => match &session {
                None => Step::Done(Outcome {
                    result: Ok("null".to_owned()),
                    writes: self.clear_session(),
                }),
                Some(session) => Step::Send(HttpRequest {
                    method: Method::Get,
                    url: format!(
                        "{}{}?app_id={}",
                        self.options.app_host,
                        protocol::LOGOUT_PATH,
                        protocol::encode_query_value(&self.options.app_id)
                    ),
                    headers: protocol::headers(
                        &self.options,
                        Transport::RestNoBody,
                        Some(session.token()),
                    ),
                    body: None,
                    timeout: self.options.timeout_ms,
                }),
            },
            Operation::GetToken => Step::Done(Outcome::value(match &session {
                Some(session) => json::string(session.token()),
                None => "null".to_owned(),
            })),
        }
    }

    /// Whether [`Client::complete`] for `kind` reads the stored token (only a refreshed user is
    /// checked against the session); the host may skip reading storage for the others.
    pub fn complete_reads_session(kind: OpKind) -> bool {
        kind == OpKind::GetCurrentUser
    }

    /// Finishes an operation with the reply to its request, given the stored session text
    /// as it is now (another call may have changed it meanwhile).
    pub fn complete(&self, kind: OpKind, stored: Option<&str>, reply: Reply<'_>) -> Outcome {
        let lang = self.options.lang;
        let response = match reply {
            Reply::Http(response) => response,
            Reply::Failed(failure, detail) => {
                return Outcome::error(transport_error(failure, detail, lang))
            }
        };
        match kind {
            OpKind::LoginByCode => match protocol::parse_rest(response, lang) {
                Ok(data) => self.finish_login(data),
                Err(error) => Outcome::error(error),
            },
            OpKind::GetCurrentUser => match protocol::parse_graphql(response, "user", lang) {
                Ok(None) => Outcome::value("null".to_owned()),
                Ok(Some(user)) => self.refresh_user(user, stored.and_then(Session::from_storage)),
                Err(error) => Outcome::error(error),
            },
            OpKind::CheckLoginStatus => {
                match protocol::parse_graphql(response, "checkLoginStatus", lang) {
                    Ok(Some(status)) => Outcome::value(status.get().to_owned()),
                    Ok(None) => Outcome::error(Error::with_detail(
                        ErrorCode::InvalidResponse,
                        lang,
                        "checkLoginStatus is null",
                    )),
                    Err(error) => Outcome::error(error),
                }
            }
            OpKind::Logout => match protocol::parse_rest(response, lang) {
                Ok(_) => Outcome {
                    result: Ok("null".to_owned()),
                    writes: self.clear_session(),
                },
                // The server no longer knows the token: the session is over either way.
                Err(error)
                    if matches!(
                        error.code,
                        ErrorCode::NotLoggedIn | ErrorCode::SessionExpired
                    ) =>
                {
                    Outcome {
                        result: Ok("null".to_owned()),
                        writes: self.clear_session(),
                    }
                }
                Err(error) => Outcome::error(error),
            },
            // Answered locally; a reply can only come from a confused host.
            OpKind::GetToken => Outcome::error(Error::with_detail(
                ErrorCode::InvalidArgument,
                lang,
                "getToken sends no request",
            )),
        }
    }

    /// The error for a failure the host met before any request (e.g. `wx.login`).
    pub fn host_failure(&self, code: ErrorCode, detail: &str) -> Error {
        Error::with_detail(code, self.options.lang, &host_detail(detail))
    }

    fn login_by_code_request(&self, args: &LoginByCodeArgs) -> Result<HttpRequest, Error> {
        let lang = self.options.lang;
        let invalid = |detail: &str| Error::with_detail(ErrorCode::InvalidArgument, lang, detail);
        let code = match &args.code {
            Some(code)
                if !code.is_empty()
                    && !code.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                code
            }
            Some(_) => {
                return Err(invalid(
                    "code must be the non-empty string wx.login returned",
                ))
            }
            None => return Err(invalid("code is required")),
        };
        if args.iv.is_some() != args.encrypted_data.is_some() {
            return Err(invalid("iv and encryptedData must be given together"));
        }
        for (name, value) in [("iv", &args.iv), ("encryptedData", &args.encrypted_data)] {
            if value.as_deref() == Some("") {
                return Err(invalid(&format!("{name} must not be empty")));
            }
        }
        if let Some(raw) = &args.raw_data {
            if !json::is_object(raw) {
                return Err(invalid(
                    "rawData must be the JSON text wx.getUserInfo returned",
                ));
            }
        }
        // `{code, iv, encryptedData, rawData}`, absent keys dropped, as JSON.stringify does.
        let body = LoginByCodeArgs {
            code: Some(code.clone()),
            ..args.clone()
        };
        Ok(HttpRequest {
            method: Method::Post,
            url: format!("{}{}", self.options.host, protocol::LOGIN_BY_CODE_PATH),
            headers: protocol::headers(&self.options, Transport::RestJson, None),
            // Serialising strings cannot fail.
            body: Some(serde_json::to_string(&body).unwrap_or_default()),
            timeout: self.options.timeout_ms,
        })
    }

    fn finish_login(&self, data: Option<&RawValue>) -> Outcome {
        let lang = self.options.lang;
        let invalid = |detail: &str| {
            Outcome::error(Error::with_detail(ErrorCode::InvalidResponse, lang, detail))
        };
        let user = match data {
            Some(user) if user.get().starts_with('{') => user,
            _ => return invalid("the login answer has no user"),
        };
        let token = match serde_json::from_str::<UserKeys>(user.get()) {
            Ok(UserKeys {
                token: Text(Some(token)),
                ..
            }) if session::is_token_like(&token) => token,
            _ => return invalid("the login answer has no token"),
        };
        Outcome {
            result: Ok(user.get().to_owned()),
            writes: self.write_session(&token, Some(user)),
        }
    }

    /// Stores a freshly fetched user, unless the session changed hands meanwhile.
    fn refresh_user(&self, user: &RawValue, current: Option<Session>) -> Outcome {
        let mut outcome = Outcome::value(user.get().to_owned());
        let Some(current) = current else {
            // Logged out while the request was in flight: do not bring the session back.
            return outcome;
        };
        let Ok(keys) = serde_json::from_str::<UserKeys>(user.get()) else {
            return outcome;
        };
        let same_user = match (&keys.id.0, current.claims().user_id) {
            (Some(id), Some(current_id)) => *id == current_id,
            _ => false,
        };
        if same_user {
            let token = keys
                .token
                .0
                .filter(|t| session::is_token_like(t))
                .unwrap_or_else(|| current.token().to_owned());
            outcome.writes = self.write_session(&token, Some(user));
        }
        outcome
    }

    /// A GraphQL request: `query_json` is the document as a JSON string.
    fn graphql(&self, query_json: &str, variables: String, token: Option<&str>) -> HttpRequest {
        let body = format!("{{\"query\":{query_json},\"variables\":{variables}}}");
        HttpRequest {
            method: Method::Post,
            url: format!("{}{}", self.options.app_host, protocol::GRAPHQL_PATH),
            headers: protocol::headers(&self.options, Transport::Graphql, token),
            body: Some(body),
            timeout: self.options.timeout_ms,
        }
    }

    /// What `checkLoginStatus` answers without a token: GenAuth's "not logged in" status.
    fn not_logged_in_status(&self) -> String {
        format!(
            "{{\"code\":2020,\"message\":{},\"status\":false,\"exp\":null,\"iat\":null,\"data\":null}}",
            json::string(ErrorCode::NotLoggedIn.message(self.options.lang))
        )
    }

    /// Stores a session: the token (a string) and the user (an object), or removes a stored
    /// user that belongs to another token.
    fn write_session(&self, token: &str, user: Option<&RawValue>) -> Vec<StorageWrite> {
        vec![
            StorageWrite {
                key: self.token_key.clone(),
                value: Some(json::string(token)),
                cache: false,
            },
            StorageWrite {
                key: self.user_key.clone(),
                value: user.map(|user| user.get().to_owned()),
                cache: true,
            },
        ]
    }

    /// Removes this SDK's session and `authing-wxapp-sdk`'s, so the old one is not adopted
    /// again at the next start.
    fn clear_session(&self) -> Vec<StorageWrite> {
        [
            &self.token_key,
            &self.user_key,
            session::LEGACY_TOKEN_KEY,
            session::LEGACY_USER_KEY,
        ]
        .iter()
        .map(|key| StorageWrite {
            key: (*key).to_owned(),
            value: None,
            cache: false,
        })
        .collect()
    }
}

fn transport_error(failure: TransportFailure, detail: &str, lang: crate::options::Lang) -> Error {
    let code = match failure {
        TransportFailure::Timeout => ErrorCode::Timeout,
        TransportFailure::Network => ErrorCode::NetworkError,
    };
    Error::with_detail(code, lang, &host_detail(detail))
}

/// The host's own words for a failure (e.g. "request:fail url not in domain list"), which
/// tell a developer what to fix: kept, but short and free of control characters.
fn host_detail(detail: &str) -> String {
    let detail: String = detail
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    detail.trim().to_owned()
}
