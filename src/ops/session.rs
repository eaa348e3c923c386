//! The session's own operations: `getCurrentUser`, `checkLoginStatus`, `logout`, `getToken`.

use super::{Base, Call, Effect, Hooks, LoggedOut, Need, Next, Op, Pick, SessionUse};
use crate::args::{Arg, Param, ParamKind, TextRule};
use crate::engine::Ctx;
use crate::error::{Error, ErrorCode};
use crate::host::{self, Kind, Passed, Raw};
use crate::out::{Method, Out};
use crate::protocol;

/// `query user`: `authing-js-sdk` 4.15.8 `UserDocument`, with the shared `User` selection.
pub const USER_DOCUMENT: &str = concat!(
    include_str!("graphql/user.graphql"),
    include_str!("graphql/user_fields.graphql"),
    "  }\n}\n"
);

/// `query checkLoginStatus`: `authing-js-sdk` 4.15.8 `CheckLoginStatusDocument`.
pub const CHECK_LOGIN_STATUS_DOCUMENT: &str = include_str!("graphql/check_login_status.graphql");

const GET_CURRENT_USER_OPTIONS: &[Param] = &[Param::new("cached", ParamKind::Flag).optional()];

/// `getCurrentUser({cached}?)`: the user from GenAuth (GraphQL `user`), refreshing the stored
/// copy; `null` when nobody is logged in. With `{cached: true}`, the copy stored at the last
/// login or refresh, without a request (for app start, offline).
pub static GET_CURRENT_USER: Op = Op {
    name: "getCurrentUser",
    params: &[Param::new("options", ParamKind::Object(GET_CURRENT_USER_OPTIONS)).optional()],
    session: SessionUse::Required(LoggedOut::Null),
    call: Call::Graphql {
        document: USER_DOCUMENT,
        field: "user",
        variables: super::no_variables,
    },
    result: Pick::Data,
    effect: Effect::User,
    hooks: Hooks {
        before: Some(cached_first),
        supplied: Some(answer_from_copy),
        retry: None,
        shared_when_bare: false,
    },
};

fn cached_first(ctx: &Ctx<'_>, args: &[Arg]) -> Result<Option<Need>, Error> {
    let cached = args.first().is_some_and(|options| options.key(0).flag());
    Ok(cached.then(|| Need::Storage(ctx.user_key())))
}

/// The stored copy, if it is the session user's (by the token's `sub`, when it has one).
fn answer_from_copy(
    ctx: &Ctx<'_>,
    _: &mut Vec<Arg>,
    _: &Need,
    stored: &Raw,
) -> Result<Next, Error> {
    if host::kind(stored) != Kind::Object {
        return Ok(Next::Done(Ok(Out::Null)));
    }
    let owner = ctx.claims().user_id;
    let id = host::id_of(&host::get(stored, "id"));
    let mine = match (owner, id) {
        (Some(owner), Some(id)) => owner == id,
        (None, Some(_)) => true,
        (_, None) => false,
    };
    Ok(Next::Done(Ok(if mine {
        Out::Raw(Passed::new(stored.clone()))
    } else {
        Out::Null
    })))
}

/// `checkLoginStatus(token?)`: GenAuth's verdict on a token (default: the session's),
/// `{code, message, status, exp, iat, data}`. Without a token and without a session,
/// GenAuth's own "not logged in" verdict, locally. A `false` verdict on the session's own
/// token ends the session.
pub static CHECK_LOGIN_STATUS: Op = Op {
    name: "checkLoginStatus",
    params: &[Param::new("token", ParamKind::Text(TextRule::TOKEN))
        .optional()
        .secret()],
    session: SessionUse::Required(LoggedOut::Answer(not_logged_in_unless_given)),
    call: Call::Graphql {
        document: CHECK_LOGIN_STATUS_DOCUMENT,
        field: "checkLoginStatus",
        variables: token_variable,
    },
    result: Pick::DataRequired,
    effect: Effect::Verdict,
    hooks: Hooks::NONE,
};

fn not_logged_in_unless_given(ctx: &Ctx<'_>, args: &[Arg]) -> Option<Out> {
    if args.first().is_some_and(Arg::is_given) {
        return None;
    }
    Some(Out::Obj(vec![
        ("code", Out::Num(2020.0)),
        (
            "message",
            Out::Str(ErrorCode::NotLoggedIn.message(ctx.lang())),
        ),
        ("status", Out::Bool(false)),
        ("exp", Out::Null),
        ("iat", Out::Null),
        ("data", Out::Null),
    ]))
}

fn token_variable(_: &Ctx<'_>, args: &[Arg]) -> Out {
    Out::Obj(vec![(
        "token",
        super::wechat::text(args.first().unwrap_or(&Arg::Absent)),
    )])
}

/// `logout()`: `GET {appHost}/api/v2/logout?app_id=...`, then the session is cleared on the
/// device (this SDK's keys and `authing-wxapp-sdk`'s). A token GenAuth no longer knows is
/// simply cleared. When GenAuth cannot be told (the network, a timeout, a failing server),
/// the session still ends on the device and the call rejects `LOGGED_OUT_LOCALLY`.
pub static LOGOUT: Op = Op {
    name: "logout",
    params: &[],
    session: SessionUse::Required(LoggedOut::Clear),
    call: Call::Rest {
        method: Method::Get,
        base: Base::AppHost,
        path: "/api/v2/logout",
        query: Some(app_id_query),
        body: None,
    },
    result: Pick::Nothing,
    effect: Effect::Logout,
    hooks: Hooks::NONE,
};

fn app_id_query(ctx: &Ctx<'_>, _: &[Arg]) -> String {
    format!("app_id={}", protocol::encode_query_value(ctx.app_id()))
}

/// `getToken()`: the session token, or `null` when nobody is logged in or the token's `exp`
/// has passed by the server's clock as last seen (the `Date` header), not the phone's.
pub static GET_TOKEN: Op = Op {
    name: "getToken",
    params: &[],
    session: SessionUse::Required(LoggedOut::Null),
    call: Call::Local(current_token),
    result: Pick::Data,
    effect: Effect::None,
    hooks: Hooks::NONE,
};

fn current_token(ctx: &Ctx<'_>, _: &[Arg]) -> Result<Out, Error> {
    let Some(token) = ctx.token() else {
        return Ok(Out::Null);
    };
    if ctx.claims().is_expired(ctx.server_now()) {
        return Ok(Out::Null);
    }
    Ok(Out::Raw(token.clone()))
}
