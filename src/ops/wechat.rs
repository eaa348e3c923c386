//! WeChat's own operations (`authing-wxapp-sdk` `src/index.ts`): `loginByCode`, the phone
//! number through the getPhoneNumber button (`getPhone`, `loginByPhone`) and the avatar
//! (`updateAvatar`).
//!
//! The mini-program endpoints are built from `host`, never `appHost`, as in
//! `authing-wxapp-sdk`.
//!
//! WeChat encrypts the phone number with the session key of the user's latest `wx.login`.
//! A `wx.login` made inside the button's callback may rotate that key, so the server could no
//! longer decrypt. With the button's `e.detail`, the SDK therefore uses a code the host took
//! *before* the tap ([`Need::SpareCode`]) and never calls `wx.login` in the call.

use super::{
    arg, needs_user_id, user_id, Attempt, Base, Call, Effect, Hooks, LoggedOut, Need, Next, Op,
    Pick, SessionUse,
};
use crate::args::{check_text, Arg, Param, ParamKind, TextRule};
use crate::engine::Ctx;
use crate::error::{Error, ErrorCode, Expected, Problem};
use crate::host::{self, Kind, Passed, Raw};
use crate::out::{Method, Out};
use crate::protocol;

/// `loginByCode`'s user info options: what `wx.getUserProfile` / `open-type="getUserInfo"`
/// give.
const USER_INFO: &[Param] = &[
    IV,
    ENCRYPTED_DATA,
    Param::new("rawData", ParamKind::Text(TextRule::JSON_OBJECT)).optional(),
];

/// WeChat's `iv` and `encryptedData` (of `wx.getUserProfile` and the getPhoneNumber button).
const IV: Param = Param::new("iv", ParamKind::Text(TextRule::BASE64)).optional();
const ENCRYPTED_DATA: Param = Param::new("encryptedData", ParamKind::Text(TextRule::BASE64))
    .optional()
    .secret();

/// `loginByCode(code?, {iv, encryptedData, rawData}?)`: WeChat login. A first login creates
/// the account; a user who signed in through another WeChat app of the same subject (same
/// unionid) gets that account. Without `code`, the host is asked for a fresh `wx.login`
/// code, and once more if WeChat rejects it as used or invalid.
pub static LOGIN_BY_CODE: Op = Op {
    name: "loginByCode",
    params: &[
        Param::new("code", ParamKind::WxCode).optional().secret(),
        Param::new("options", ParamKind::Object(USER_INFO)).optional(),
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
fn login_by_code_body(_: &Ctx<'_>, args: &[Arg]) -> Out {
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
    match wx_code(ctx, value) {
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

/// A `wx.login` code the host supplied (the string or `wx.login`'s result), read by the rule
/// of `loginByCode`'s `code` parameter; `None` if it is not one.
fn wx_code(ctx: &Ctx<'_>, value: &Raw) -> Option<Arg> {
    crate::args::read_args(
        &LOGIN_BY_CODE.params[..1],
        std::slice::from_ref(value),
        ctx.lang(),
    )
    .ok()
    .and_then(|mut read| read.pop())
    .filter(Arg::is_given)
}

/// One retry with a fresh code when WeChat says the code the SDK got itself was stale.
fn fresh_code_once(error: &Error, attempt: Attempt) -> Option<Need> {
    let stale = matches!(error.code, ErrorCode::WxCodeUsed | ErrorCode::WxCodeInvalid);
    (attempt.supplied && stale && attempt.number == 0).then_some(Need::WxLoginCode)
}

/// How long a `wx.login` code works (WeChat: 5 minutes), less a margin for the request.
const CODE_LIFETIME_MS: f64 = 280_000.0;

/// `getPhone` / `loginByPhone` parameters: the v4 `(code, iv, encryptedData)`, or the
/// button's `e.detail` alone.
const PHONE_PARAMS: &[Param] = &[
    Param::new("code", ParamKind::CodeOrPhoneDetail).secret(),
    IV,
    ENCRYPTED_DATA,
];

const PHONE_HOOKS: Hooks = Hooks {
    before: Some(phone_first),
    supplied: Some(take_spare_code),
    retry: None,
    shared_when_bare: false,
};

/// `getPhone(code, iv, encryptedData)` or `getPhone(e.detail)`: the phone number the user
/// shared, `{countryCode, phoneNumber, purePhoneNumber, openid, unionid}`. Never logs in,
/// never binds, stores nothing.
pub static GET_PHONE: Op = Op {
    name: "getPhone",
    params: PHONE_PARAMS,
    session: SessionUse::Unused,
    call: Call::Rest {
        method: Method::Post,
        base: Base::Host,
        path: "/connections/social/wechat-miniprogram/getphone",
        query: None,
        body: Some(phone_body),
    },
    result: Pick::DataRequired,
    effect: Effect::None,
    hooks: PHONE_HOOKS,
};

/// `loginByPhone(code, iv, encryptedData)` or `loginByPhone(e.detail)`: login with the phone
/// number the user shared. A phone GenAuth does not know is bound to the WeChat account
/// (created if needed); a known phone logs into its account, which this WeChat identity is
/// then bound to. Stores the session.
pub static LOGIN_BY_PHONE: Op = Op {
    name: "loginByPhone",
    params: PHONE_PARAMS,
    session: SessionUse::Unused,
    call: Call::Rest {
        method: Method::Post,
        base: Base::Host,
        path: "/connections/social/wechat-miniprogram/auth-by-phone",
        query: None,
        body: Some(phone_body),
    },
    result: Pick::DataRequired,
    effect: Effect::Login,
    hooks: PHONE_HOOKS,
};

/// `{code, iv, encryptedData}`.
fn phone_body(_: &Ctx<'_>, args: &[Arg]) -> Out {
    Out::Obj(vec![
        ("code", text(arg(args, 0))),
        ("iv", text(arg(args, 1))),
        ("encryptedData", text(arg(args, 2))),
    ])
}

/// With `e.detail`: WeChat's verdict on the tap first (a refusal sends nothing), then the
/// code taken before the tap. With a code: `iv` and `encryptedData` are required.
fn phone_first(ctx: &Ctx<'_>, args: &[Arg]) -> Result<Option<Need>, Error> {
    let lang = ctx.lang();
    let Arg::PhoneDetail(detail) = arg(args, 0) else {
        for (at, name) in [(1, "iv"), (2, "encryptedData")] {
            if !arg(args, at).is_given() {
                return Err(Error::problem(
                    ErrorCode::InvalidArgument,
                    lang,
                    name,
                    Problem::Missing,
                ));
            }
        }
        return Ok(None);
    };
    for (at, name) in [(1, "iv"), (2, "encryptedData")] {
        if arg(args, at).is_given() {
            return Err(Error::problem(
                ErrorCode::InvalidArgument,
                lang,
                name,
                Problem::Alone("e.detail"),
            ));
        }
    }
    let err_msg = host::short_text(&host::get(&detail.0, "errMsg"), 256).unwrap_or_default();
    if err_msg != "getPhoneNumber:ok" {
        let errno = host::code_of(&host::get(&detail.0, "errno"));
        let code = if errno == Some(104) {
            ErrorCode::WxPrivacyDenied
        } else if err_msg.contains("deny") {
            ErrorCode::WxPhoneDenied
        } else {
            ErrorCode::WxPhoneFailed
        };
        let mut error = ctx.host_error(code, &err_msg);
        error.server_code = errno;
        return Err(error);
    }
    for name in ["iv", "encryptedData"] {
        if check_text(&host::get(&detail.0, name), TextRule::BASE64).is_err() {
            return Err(Error::problem(
                ErrorCode::InvalidArgument,
                lang,
                if name == "iv" {
                    "e.detail.iv"
                } else {
                    "e.detail.encryptedData"
                },
                Problem::Expected(Expected::Base64),
            ));
        }
    }
    Ok(Some(Need::SpareCode))
}

/// The code the host took before the tap (`{code, at}`), if it is from before this call and
/// still fresh, becomes `code`; the detail's `iv` and `encryptedData` the other two.
fn take_spare_code(
    ctx: &Ctx<'_>,
    args: &mut Vec<Arg>,
    _: &Need,
    spare: &Raw,
) -> Result<Next, Error> {
    let at = host::number(&host::get(spare, "at")).unwrap_or(f64::NAN);
    let fresh = at <= ctx.started() && ctx.started() - at < CODE_LIFETIME_MS;
    let (Some(code), true) = (wx_code(ctx, &host::get(spare, "code")), fresh) else {
        return Err(Error::new(ErrorCode::WxCodeNotReady, ctx.lang()));
    };
    let Some(Arg::PhoneDetail(detail)) = args.first().cloned() else {
        return Err(Error::new(ErrorCode::Internal, ctx.lang()));
    };
    let field = |name| Arg::Text(Passed::new(host::get(&detail.0, name)));
    *args = vec![code, field("iv"), field("encryptedData")];
    Ok(Next::Send)
}

/// A temp file path as WeChat makes them (`wxfile://tmp_….jpg`, `http://tmp/….png`).
const FILE_PATH: TextRule = TextRule::new(1024, crate::args::TextForm::VisibleAscii);

/// `updateAvatar(filePath?)`: the user's new avatar. Without a path the user chooses an
/// image (`wx.chooseMedia`, else `wx.chooseImage`); with one, that file (the temp path
/// `open-type="chooseAvatar"` gives). Then `wx.uploadFile` to `{host}/api/v2/upload?folder=avatar`
/// and GraphQL `updateUser {photo}`, in one call; refreshes the stored user.
pub static UPDATE_AVATAR: Op = Op {
    name: "updateAvatar",
    params: &[Param::new("filePath", ParamKind::Text(FILE_PATH)).optional()],
    session: SessionUse::Required(LoggedOut::Reject),
    call: Call::Graphql {
        document: super::profile::UPDATE_USER_DOCUMENT,
        field: "updateUser",
        variables: |ctx, args| {
            Out::Obj(vec![
                ("id", user_id(ctx)),
                ("input", Out::Obj(vec![("photo", text(arg(args, 0)))])),
            ])
        },
    },
    result: Pick::DataRequired,
    effect: Effect::User,
    hooks: Hooks {
        before: Some(avatar_first),
        supplied: Some(avatar_next),
        retry: None,
        shared_when_bare: false,
    },
};

/// Choose an image unless given a path, then upload it.
fn avatar_first(ctx: &Ctx<'_>, args: &[Arg]) -> Result<Option<Need>, Error> {
    needs_user_id(ctx, args)?;
    Ok(Some(match arg(args, 0).text() {
        Some(file) => upload(ctx, file.clone()),
        None => Need::ChooseImage,
    }))
}

fn upload(ctx: &Ctx<'_>, file: Passed) -> Need {
    Need::Upload {
        url: format!("{}/api/v2/upload?folder=avatar", ctx.host()).into(),
        file,
    }
}

/// The chosen image is uploaded; the upload's answer (`{status, data}`, `data` the text of
/// a v2 envelope `{code, message, data: {key, url}}`) gives the photo's URL.
fn avatar_next(
    ctx: &Ctx<'_>,
    args: &mut Vec<Arg>,
    need: &Need,
    value: &Raw,
) -> Result<Next, Error> {
    let lang = ctx.lang();
    match need {
        Need::ChooseImage => {
            if check_text(value, FILE_PATH).is_err() {
                return Err(Error::with_detail(ErrorCode::Cancelled, lang, "no image"));
            }
            Ok(Next::Need(upload(ctx, Passed::new(value.clone()))))
        }
        _ => {
            let data = host::get(value, "data");
            let body = match host::kind(&data) {
                Kind::String => host::text(&data)
                    .and_then(|text| host::parse_json(&text))
                    .unwrap_or(data),
                _ => data,
            };
            let status = host::number(&host::get(value, "status"))
                .filter(|n| (0.0..=999.0).contains(n))
                // In range, so the cast is exact.
                .map_or(0, |n| n as u16);
            let answer = protocol::Answer {
                status,
                body: &body,
            };
            let uploaded = protocol::parse_rest(answer, lang)?;
            let url = uploaded
                .map(|data| host::get(&data.0, "url"))
                .filter(|url| check_text(url, TextRule::PRINTABLE).is_ok())
                .ok_or_else(|| {
                    Error::with_detail(
                        ErrorCode::InvalidResponse,
                        lang,
                        "the upload answer has no url",
                    )
                })?;
            *args = vec![Arg::Text(Passed::new(url))];
            Ok(Next::Send)
        }
    }
}
