//! The operation table: one entry per public method of `AuthenticationClient`.
//!
//! Each entry says everything the engine ([`crate::engine`]) needs: the positional
//! parameters (type, optional, secret), whether the call needs the session and what it
//! answers without one, the request (a REST path and body, or a GraphQL document and its
//! variables, or a local answer), which part of the answer is the result, and what success
//! does to the session. The few operations that need code of their own (asking the host for
//! a fresh `wx.login` code, answering from the stored copy) say so in [`Hooks`].
//!
//! Adding an operation is one entry in a family file, its GraphQL document (if any) and its
//! tests. The JavaScript methods, the typings and the README's method list are checked
//! against [`OPERATIONS`] by the package tests.

use std::rc::Rc;

use crate::args::{Arg, Param};
use crate::engine::Ctx;
use crate::error::Error;
use crate::host::{Passed, Raw};
use crate::out::{Method, Out};

pub mod custom_data;
pub mod login;
pub mod profile;
pub mod session;
pub mod wechat;

/// A GraphQL document whose result is a `User`: the file's opening lines, the shared `User`
/// selection, and the closing braces.
macro_rules! user_document {
    ($file:literal) => {
        concat!(
            include_str!(concat!("graphql/", $file, ".graphql")),
            include_str!("graphql/user_fields.graphql"),
            "  }\n}\n"
        )
    };
}
pub(crate) use user_document;

/// One public method.
#[derive(Debug)]
pub struct Op {
    /// The JavaScript method name.
    pub name: &'static str,
    /// Its positional parameters.
    pub params: &'static [Param],
    /// Whether it sends the session token, and what it answers without a session.
    pub session: SessionUse,
    /// What it sends (or answers locally).
    pub call: Call,
    /// Which part of the answer is the result.
    pub result: Pick,
    /// What success does to the session.
    pub effect: Effect,
    /// Code of its own, where the table's fields are not enough.
    pub hooks: Hooks,
}

/// How an operation uses the session.
#[derive(Debug)]
pub enum SessionUse {
    /// Never sends the session token.
    Unused,
    /// Sends the session token; without a session, answers as [`LoggedOut`] says.
    Required(LoggedOut),
}

/// What an operation that needs the session does without one.
#[derive(Debug)]
pub enum LoggedOut {
    /// Resolves `null` (as `getCurrentUser` did in `authing-wxapp-sdk`).
    Null,
    /// Clears whatever session keys remain and resolves (logout).
    Clear,
    /// Answers with this function, or (when it returns `None`) goes ahead without a token.
    Answer(fn(&Ctx<'_>, &[Arg]) -> Option<Out>),
    /// Rejects with `NOT_LOGGED_IN`, sending nothing.
    Reject,
}

/// What an operation sends.
#[derive(Debug)]
pub enum Call {
    /// A v2 REST call.
    Rest {
        /// The method.
        method: Method,
        /// Which base URL.
        base: Base,
        /// The path after the base URL.
        path: &'static str,
        /// The query string (without `?`), if any.
        query: Option<fn(&Ctx<'_>, &[Arg]) -> String>,
        /// The JSON body, if any.
        body: Option<fn(&Ctx<'_>, &[Arg]) -> Out>,
    },
    /// A GraphQL call to `{appHost}/graphql/v2`; the result is `data.<field>`.
    Graphql {
        /// The document.
        document: &'static str,
        /// The field of `data` that holds the result.
        field: &'static str,
        /// The variables.
        variables: fn(&Ctx<'_>, &[Arg]) -> Out,
    },
    /// Answered by the core alone.
    Local(fn(&Ctx<'_>, &[Arg]) -> Result<Out, Error>),
}

/// Which base URL a REST call goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base {
    /// `host`: the mini-program endpoints (`authing-wxapp-sdk` builds these from `host`).
    Host,
    /// `appHost`: everything inherited from `authing-js-sdk`.
    AppHost,
}

/// Which part of the answer is the result.
#[derive(Clone, Copy, Debug)]
pub enum Pick {
    /// The envelope's `data` (or `data.<field>`), `null` when absent.
    Data,
    /// The same, and an answer without it is not GenAuth's.
    DataRequired,
    /// Nothing: resolves `undefined`.
    Nothing,
    /// What this function makes of the data (a conversion, a projection, a verdict).
    Convert(Convert),
}

/// Makes an operation's result from the answer's data.
pub type Convert = fn(&Ctx<'_>, &[Arg], Option<Passed>) -> Result<Out, Error>;

impl Pick {
    /// Whether an answer without data is not GenAuth's.
    pub fn requires_data(self) -> bool {
        matches!(self, Pick::DataRequired)
    }
}

/// What success does to the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Nothing.
    None,
    /// A login: the result is a user with a token, and replaces the session (unless a call
    /// started later already replaced or ended it).
    Login,
    /// The result is the session's user: the stored copy is refreshed if the session is still
    /// the one the request was sent with.
    User,
    /// Ends the session (unless a call started later already replaced or ended it). An
    /// answer saying the server no longer knows the token counts as success.
    Logout,
    /// The result is GenAuth's verdict on the session's token (`{status, ...}`): a `false`
    /// verdict on the token that was sent ends the session.
    Verdict,
    /// A registration: the result is the new user; when it carries a token (`forceLogin`,
    /// `generateToken`), it is a login.
    Register,
    /// The result is `{token, ...}`, the session's new token: it replaces the stored one if
    /// the session is still the one the request was sent with.
    Token,
}

/// What the host is asked for in the middle of a call.
#[derive(Clone, Debug)]
pub enum Need {
    /// A fresh `wx.login` code (supplied as the string, or `wx.login`'s result).
    WxLoginCode,
    /// The value stored under this key.
    Storage(Rc<str>),
    /// This many random bytes (a `Uint8Array` from `wx.getRandomValues`).
    Random(usize),
    /// The `wx.login` code the host took before this call started, as `{code, at}` (`at`:
    /// when `wx.login` answered, in ms), or `undefined` when it has none.
    SpareCode,
    /// An image the user chooses (`wx.chooseMedia`, else `wx.chooseImage`): its temp path.
    ChooseImage,
    /// `wx.uploadFile` of `file` to `url` (field `file`, no headers): `{status, data}` with
    /// the answer's text.
    Upload {
        /// Where to.
        url: Rc<str>,
        /// The file's path.
        file: Passed,
    },
}

/// What a retry hook knows of the attempt that failed.
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    /// 0 for the first attempt.
    pub number: u8,
    /// Whether the host supplied an input of it (e.g. the `wx.login` code).
    pub supplied: bool,
}

/// After the host supplied what was asked for.
#[derive(Debug)]
pub enum Next {
    /// Send the request (the hook updated the arguments).
    Send,
    /// Ask the host for something else first.
    Need(Need),
    /// Finished.
    Done(Result<Out, Error>),
}

/// Checks across arguments, and what to ask the host for before the first request.
pub type BeforeHook = fn(&Ctx<'_>, &[Arg]) -> Result<Option<Need>, Error>;
/// Takes what the host supplied (it may update the arguments, or finish the call).
pub type SuppliedHook = fn(&Ctx<'_>, &mut Vec<Arg>, &Need, &Raw) -> Result<Next, Error>;

/// Code an operation needs beyond its table fields.
#[derive(Debug, Default)]
pub struct Hooks {
    /// Before the first request: checks across arguments, and what to ask the host for
    /// first, if anything.
    pub before: Option<BeforeHook>,
    /// The host supplied `value` for `need`.
    pub supplied: Option<SuppliedHook>,
    /// After a failed attempt: what to ask the host for to try again, if anything.
    pub retry: Option<fn(&Error, Attempt) -> Option<Need>>,
    /// Concurrent calls with no arguments share one flight (the host keys them by name).
    pub shared_when_bare: bool,
}

impl Hooks {
    /// No hooks.
    pub const NONE: Hooks = Hooks {
        before: None,
        supplied: None,
        retry: None,
        shared_when_bare: false,
    };
}

/// Every operation, in the order of the README's method table.
pub static OPERATIONS: &[&Op] = &[
    &wechat::LOGIN_BY_CODE,
    &wechat::GET_PHONE,
    &wechat::LOGIN_BY_PHONE,
    &wechat::UPDATE_AVATAR,
    &login::LOGIN_BY_EMAIL,
    &login::LOGIN_BY_USERNAME,
    &login::LOGIN_BY_PHONE_CODE,
    &login::LOGIN_BY_PHONE_PASSWORD,
    &login::REGISTER_BY_EMAIL,
    &login::REGISTER_BY_USERNAME,
    &login::REGISTER_BY_PHONE_CODE,
    &login::SEND_SMS_CODE,
    &login::SEND_EMAIL,
    &login::RESET_PASSWORD_BY_PHONE_CODE,
    &login::RESET_PASSWORD_BY_EMAIL_CODE,
    &login::CHECK_PASSWORD_STRENGTH,
    &session::GET_CURRENT_USER,
    &session::CHECK_LOGIN_STATUS,
    &session::LOGOUT,
    &session::GET_TOKEN,
    &profile::UPDATE_PROFILE,
    &profile::UPDATE_PASSWORD,
    &profile::UPDATE_PHONE,
    &profile::UPDATE_EMAIL,
    &profile::BIND_PHONE,
    &profile::UNBIND_PHONE,
    &profile::BIND_EMAIL,
    &profile::UNBIND_EMAIL,
    &profile::LINK_ACCOUNT,
    &profile::UNLINK_ACCOUNT,
    &profile::REFRESH_TOKEN,
    &profile::LIST_ORGS,
    &profile::LIST_APPLICATIONS,
    &profile::LIST_AUTHORIZED_RESOURCES,
    &profile::GET_SECURITY_LEVEL,
    &profile::HAS_ROLE,
    &custom_data::LIST_UDV,
    &custom_data::SET_UDV,
    &custom_data::REMOVE_UDV,
    &custom_data::GET_UDF_VALUE,
    &custom_data::SET_UDF_VALUE,
    &custom_data::REMOVE_UDF_VALUE,
];

/// An operation that is one GraphQL request whose `data.<field>` is the result (the common
/// shape: no hooks).
pub(crate) const fn graphql(
    name: &'static str,
    params: &'static [Param],
    session: SessionUse,
    document: &'static str,
    field: &'static str,
    variables: fn(&Ctx<'_>, &[Arg]) -> Out,
    effect: Effect,
) -> Op {
    Op {
        name,
        params,
        session,
        call: Call::Graphql {
            document,
            field,
            variables,
        },
        result: Pick::DataRequired,
        effect,
        hooks: Hooks::NONE,
    }
}

/// Argument `at` (absent when the caller left it out).
pub(crate) fn arg(args: &[Arg], at: usize) -> &Arg {
    args.get(at).unwrap_or(&Arg::Absent)
}

/// Argument `at` as a request value (`undefined` when absent).
pub(crate) fn value(args: &[Arg], at: usize) -> Out {
    arg(args, at).out(&[])
}

/// A value, or `null` when absent (GraphQL variables `authing-js-sdk` always sends).
pub(crate) fn or_null(out: Out) -> Out {
    match out {
        Out::Undefined => Out::Null,
        other => other,
    }
}

/// The session user's id, which the operation's variables name: `NOT_LOGGED_IN` when the
/// session token carries none.
pub(crate) fn needs_user_id(ctx: &Ctx<'_>, _: &[Arg]) -> Result<Option<Need>, Error> {
    match ctx.user_id() {
        Some(_) => Ok(None),
        None => Err(Error::with_detail(
            crate::error::ErrorCode::NotLoggedIn,
            ctx.lang(),
            "the session token names no user",
        )),
    }
}

/// The session user's id as a request value.
pub(crate) fn user_id(ctx: &Ctx<'_>) -> Out {
    ctx.user_id().map_or(Out::Null, Out::Text)
}

/// No variables.
pub(crate) fn no_variables(_: &Ctx<'_>, _: &[Arg]) -> Out {
    Out::Obj(Vec::new())
}

/// Looks an operation up by its JavaScript name.
pub fn find(name: &str) -> Option<&'static Op> {
    OPERATIONS.iter().copied().find(|op| op.name == name)
}

/// The `User` selection set of `authing-js-sdk` 4.15.8 (`UserDocument`), without `password`:
/// the SDK never asks for it and never stores it.
pub const USER_FIELDS: &str = include_str!("graphql/user_fields.graphql");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lower_camel_case() {
        for (i, op) in OPERATIONS.iter().enumerate() {
            assert!(
                op.name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase()),
                "{}",
                op.name
            );
            assert!(
                op.name.chars().all(|c| c.is_ascii_alphanumeric()),
                "{}",
                op.name
            );
            assert!(
                OPERATIONS[i + 1..]
                    .iter()
                    .all(|other| other.name != op.name),
                "{}",
                op.name
            );
            assert!(find(op.name).is_some());
        }
        assert!(find("nope").is_none());
    }

    /// The operation and its variables, as `authing-js-sdk` 4.15.8 declares them (wire
    /// reference §2.3, §2.4; `phoneCountryCode` from the later v4 SDK, §2.7).
    const REFERENCE: &[(&str, &str, &[&str])] = &[
        ("loginByEmail", "mutation loginByEmail", &["input"]),
        ("loginByUsername", "mutation loginByUsername", &["input"]),
        ("loginByPhoneCode", "mutation loginByPhoneCode", &["input"]),
        (
            "loginByPhonePassword",
            "mutation loginByPhonePassword",
            &["input"],
        ),
        ("registerByEmail", "mutation registerByEmail", &["input"]),
        (
            "registerByUsername",
            "mutation registerByUsername",
            &["input"],
        ),
        (
            "registerByPhoneCode",
            "mutation registerByPhoneCode",
            &["input"],
        ),
        ("sendEmail", "mutation sendEmail", &["email", "scene"]),
        (
            "resetPasswordByPhoneCode",
            "mutation resetPassword",
            &["phone", "phoneCountryCode", "email", "code", "newPassword"],
        ),
        (
            "resetPasswordByEmailCode",
            "mutation resetPassword",
            &["phone", "phoneCountryCode", "email", "code", "newPassword"],
        ),
        (
            "checkPasswordStrength",
            "query checkPasswordStrength",
            &["password"],
        ),
        ("getCurrentUser", "query user", &["id"]),
        ("checkLoginStatus", "query checkLoginStatus", &["token"]),
        ("updateProfile", "mutation updateUser", &["id", "input"]),
        ("updateAvatar", "mutation updateUser", &["id", "input"]),
        (
            "updatePassword",
            "mutation updatePassword",
            &["newPassword", "oldPassword"],
        ),
        (
            "updatePhone",
            "mutation updatePhone",
            &["phone", "phoneCode", "oldPhone", "oldPhoneCode"],
        ),
        (
            "updateEmail",
            "mutation updateEmail",
            &["email", "emailCode", "oldEmail", "oldEmailCode"],
        ),
        (
            "bindPhone",
            "mutation bindPhone",
            &["phone", "phoneCode", "phoneCountryCode"],
        ),
        ("unbindPhone", "mutation unbindPhone", &[]),
        ("bindEmail", "mutation bindEmail", &["email", "emailCode"]),
        ("unbindEmail", "mutation unbindEmail", &[]),
        ("refreshToken", "mutation refreshToken", &["id"]),
        (
            "listAuthorizedResources",
            "query listUserAuthorizedResources",
            &["id", "namespace", "resourceType"],
        ),
        ("hasRole", "query getUserRoles", &["id", "namespace"]),
        ("listUdv", "query udv", &["targetType", "targetId"]),
        ("getUdfValue", "query udv", &["targetType", "targetId"]),
        (
            "setUdv",
            "mutation setUdv",
            &["targetType", "targetId", "key", "value"],
        ),
        (
            "removeUdv",
            "mutation removeUdv",
            &["targetType", "targetId", "key"],
        ),
        (
            "removeUdfValue",
            "mutation removeUdv",
            &["targetType", "targetId", "key"],
        ),
        (
            "setUdfValue",
            "mutation setUdvBatch",
            &["targetType", "targetId", "udvList"],
        ),
    ];

    /// `("mutation name", ["var", ...])` from a document's first line.
    fn declared(document: &str) -> (String, Vec<String>) {
        let first = document.lines().next().unwrap_or_default();
        let head = first
            .split(['(', '{'])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        let vars = first
            .split('$')
            .skip(1)
            .filter_map(|part| part.split(':').next())
            .map(str::to_owned)
            .collect();
        (head, vars)
    }

    #[test]
    fn every_graphql_document_declares_the_reference_operation() {
        let mut checked = 0;
        for op in OPERATIONS {
            let Call::Graphql {
                document, field, ..
            } = &op.call
            else {
                continue;
            };
            let (_, head, vars) = REFERENCE
                .iter()
                .find(|(name, _, _)| *name == op.name)
                .unwrap_or_else(|| panic!("{} has no reference entry", op.name));
            let (got_head, got_vars) = declared(document);
            assert_eq!(&got_head, head, "{}", op.name);
            assert_eq!(got_vars, *vars, "{}", op.name);
            // The result field is selected, and the braces close.
            assert!(document.contains(&format!("  {field}")), "{}", op.name);
            assert_eq!(
                document.matches('{').count(),
                document.matches('}').count(),
                "{}",
                op.name
            );
            if matches!(op.effect, Effect::Login | Effect::User | Effect::Register) {
                assert!(
                    document.contains(USER_FIELDS),
                    "{}: the shared User selection",
                    op.name
                );
            }
            checked += 1;
        }
        assert_eq!(checked, REFERENCE.len());
    }

    #[test]
    fn the_user_selection_never_asks_for_the_password() {
        assert!(!USER_FIELDS
            .split_whitespace()
            .any(|field| field == "password"));
        assert!(USER_FIELDS.split_whitespace().any(|field| field == "token"));
    }
}
