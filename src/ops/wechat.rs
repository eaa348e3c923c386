//! WeChat's own logins: `loginByCode` (`POST {host}/connections/social/wechat-miniprogram/auth`).
//!
//! The mini-program endpoints are built from `host`, never `appHost`, as in
//! `authing-wxapp-sdk` (`src/index.ts`).

use super::{Attempt, Base, Call, Effect, Hooks, Need, Next, Op, Pick, SessionUse};
use crate::args::{Arg, Param, ParamKind, TextRule};
use crate::engine::Ctx;
use crate::error::{Error, ErrorCode, Problem};
use crate::host::Raw;
use crate::out::{Method, Out};

/// `loginByCode`'s user info options: what `wx.getUserProfile` / `open-type="getUserInfo"`
/// give.
const USER_INFO: &[Param] = &[
    Param {
        name: "iv",
        kind: ParamKind::Text(TextRule::BASE64),
        optional: true,
        secret: false,
    },
    Param {
        name: "encryptedData",
        kind: ParamKind::Text(TextRule::BASE64),
        optional: true,
        secret: true,
    },
    Param {
        name: "rawData",
        kind: ParamKind::Text(TextRule::JSON_OBJECT),
        optional: true,
        secret: false,
    },
];

/// `loginByCode(code?, {iv, encryptedData, rawData}?)`: WeChat login. A first login creates
/// the account; a user who signed in through another WeChat app of the same subject (same
/// unionid) gets that account. Without `code`, the host is asked for a fresh `wx.login`
/// code, and once more if WeChat rejects it as used or invalid.
pub static LOGIN_BY_CODE: Op = Op {
    name: "loginByCode",
    params: &[
        Param {
            name: "code",
            kind: ParamKind::WxCode,
            optional: true,
            secret: true,
        },
        Param {
            name: "options",
            kind: ParamKind::Object(USER_INFO),
            optional: true,
            secret: false,
        },
    ],
    session: SessionUse::Unused,
    call: Call::Rest {
        method: Method::Post,
        base: Base::Host,
        path: "/connections/social/wechat-miniprogram/auth",
        query: None,
        body: Some(login_by_code_body),
    },
    result: Pick::DataRequired,
    effect: Effect::Login,
    hooks: Hooks {
        before: Some(code_first),
        supplied: Some(take_code),
        retry: Some(fresh_code_once),
        shared_when_bare: true,
    },
};

/// `{code, iv, encryptedData, rawData}`, absent keys left out (as `JSON.stringify` does).
fn login_by_code_body(args: &[Arg]) -> Out {
    let options = args.get(1).unwrap_or(&Arg::Absent);
    Out::Obj(vec![
        ("code", text(args.first().unwrap_or(&Arg::Absent))),
        ("iv", text(options.key(0))),
        ("encryptedData", text(options.key(1))),
        ("rawData", text(options.key(2))),
    ])
}

/// An argument's host string as an output value (`undefined` when absent).
pub(crate) fn text(arg: &Arg) -> Out {
    arg.text()
        .map_or(Out::Undefined, |value| Out::Raw(value.clone()))
}

/// Checks what `options` must hold together, then asks for a code when none was given.
fn code_first(ctx: &Ctx<'_>, args: &[Arg]) -> Result<Option<Need>, Error> {
    let options = args.get(1).unwrap_or(&Arg::Absent);
    if options.key(0).is_given() != options.key(1).is_given() {
        let (name, other) = if options.key(0).is_given() {
            ("options.iv", "options.encryptedData")
        } else {
            ("options.encryptedData", "options.iv")
        };
        return Err(Error::problem(
            ErrorCode::InvalidArgument,
            ctx.lang(),
            name,
            Problem::Together(other),
        ));
    }
    Ok((!args.first().is_some_and(Arg::is_given)).then_some(Need::WxLoginCode))
}

/// The host's `wx.login` code (or its whole result) becomes the `code` argument.
fn take_code(ctx: &Ctx<'_>, args: &mut Vec<Arg>, _: &Need, value: &Raw) -> Result<Next, Error> {
    let code = crate::args::read_args(
        &LOGIN_BY_CODE.params[..1],
        std::slice::from_ref(value),
        ctx.lang(),
    )
    .ok()
    .and_then(|mut read| read.pop())
    .filter(Arg::is_given);
    match code {
        Some(code) => {
            if args.is_empty() {
                args.push(Arg::Absent);
            }
            args[0] = code;
            Ok(Next::Send)
        }
        None => Err(ctx.host_error(ErrorCode::WxLoginFailed, "login:fail no code")),
    }
}

/// One retry with a fresh code when WeChat says the code the SDK got itself was stale.
fn fresh_code_once(error: &Error, attempt: Attempt) -> Option<Need> {
    let stale = matches!(error.code, ErrorCode::WxCodeUsed | ErrorCode::WxCodeInvalid);
    (attempt.supplied && stale && attempt.number == 0).then_some(Need::WxLoginCode)
}
