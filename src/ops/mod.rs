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
use crate::host::Raw;
use crate::out::{Method, Out};

pub mod session;
pub mod wechat;

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
        body: Option<fn(&[Arg]) -> Out>,
    },
    /// A GraphQL call to `{appHost}/graphql/v2`; the result is `data.<field>`.
    Graphql {
        /// The document.
        document: &'static str,
        /// The field of `data` that holds the result.
        field: &'static str,
        /// The variables.
        variables: fn(&[Arg]) -> Out,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// The envelope's `data` (or `data.<field>`), `null` when absent.
    Data,
    /// The same, and an answer without it is not GenAuth's.
    DataRequired,
    /// Nothing: resolves `undefined`.
    Nothing,
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
}

/// What the host is asked for in the middle of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// A fresh `wx.login` code (supplied as the string, or `wx.login`'s result).
    WxLoginCode,
    /// The value stored under this key.
    Storage(Rc<str>),
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
    &session::GET_CURRENT_USER,
    &session::CHECK_LOGIN_STATUS,
    &session::LOGOUT,
    &session::GET_TOKEN,
];

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

    #[test]
    fn the_user_selection_never_asks_for_the_password() {
        assert!(!USER_FIELDS
            .split_whitespace()
            .any(|field| field == "password"));
        assert!(USER_FIELDS.split_whitespace().any(|field| field == "token"));
    }
}
