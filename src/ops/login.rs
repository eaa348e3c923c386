//! Accounts by email, username and phone: login, registration, verification codes, password
//! reset and strength (`authing-js-sdk` 4.15.8 `AuthenticationClient`, GraphQL unless noted).
//!
//! Passwords are parameters of kind [`ParamKind::Password`]: the engine encrypts them (RSA
//! PKCS#1 v1.5, as `authing-wxapp-sdk`'s JSEncrypt) before the request is built, so the
//! variables below only place them.

use super::{arg, graphql, user_document, value, Base, Call, Effect, Hooks, Op, Pick, SessionUse};
use crate::args::{json_string, Arg, Param, ParamKind};
use crate::engine::Ctx;
use crate::error::Error;
use crate::host::Passed;
use crate::out::{Method, Out};

const EMAIL: Param = Param::ascii("email");
const USERNAME: Param = Param::short("username");
const PHONE: Param = Param::ascii("phone");
const CODE: Param = Param::ascii("code").secret();
const PASSWORD: Param = Param::new("password", ParamKind::Password).secret();
const NEW_PASSWORD: Param = Param::new("newPassword", ParamKind::Password).secret();
const PHONE_COUNTRY_CODE: Param = Param::ascii("phoneCountryCode").optional();

const AUTO_REGISTER: Param = Param::new("autoRegister", ParamKind::Flag).optional();
const CAPTCHA_CODE: Param = Param::ascii("captchaCode").optional().secret();
const CLIENT_IP: Param = Param::ascii("clientIp").optional();
const PARAMS: Param = Param::new("params", ParamKind::Json).optional();
const CUSTOM_DATA: Param = Param::new("customData", ParamKind::Map).optional();
const CONTEXT: Param = Param::new("context", ParamKind::Json).optional();

/// `loginByEmail` / `loginByUsername` / `loginByPhonePassword` options.
const LOGIN_OPTIONS: &[Param] = &[
    AUTO_REGISTER,
    CAPTCHA_CODE,
    CLIENT_IP,
    PARAMS,
    CUSTOM_DATA,
    CONTEXT,
];
const LOGIN_OPTIONS_PARAM: Param =
    Param::new("options", ParamKind::Object(LOGIN_OPTIONS)).optional();

/// `loginByPhoneCode` options (`phoneCountryCode` as the later v4 SDK had it).
const PHONE_CODE_OPTIONS: &[Param] = &[CLIENT_IP, PARAMS, CUSTOM_DATA, CONTEXT, PHONE_COUNTRY_CODE];

/// `register*` options.
const REGISTER_OPTIONS: &[Param] = &[
    Param::new("forceLogin", ParamKind::Flag).optional(),
    Param::new("generateToken", ParamKind::Flag).optional(),
    CLIENT_IP,
    PARAMS,
    CUSTOM_DATA,
    CONTEXT,
];
const REGISTER_OPTIONS_PARAM: Param =
    Param::new("options", ParamKind::Object(REGISTER_OPTIONS)).optional();

/// `RegisterProfile` (`authing-js-sdk` 4.15.8 `graphql.v2.ts`).
const REGISTER_PROFILE: &[Param] = &[
    Param::short("ip").optional(),
    Param::short("oauth").optional(),
    Param::short("username").optional(),
    Param::short("nickname").optional(),
    Param::short("company").optional(),
    Param::short("photo").optional(),
    Param::short("device").optional(),
    Param::short("browser").optional(),
    Param::short("name").optional(),
    Param::short("givenName").optional(),
    Param::short("familyName").optional(),
    Param::short("middleName").optional(),
    Param::short("profile").optional(),
    Param::short("preferredUsername").optional(),
    Param::short("website").optional(),
    Param::short("gender").optional(),
    Param::short("birthdate").optional(),
    Param::short("zoneinfo").optional(),
    Param::short("locale").optional(),
    Param::short("address").optional(),
    Param::short("formatted").optional(),
    Param::short("streetAddress").optional(),
    Param::short("locality").optional(),
    Param::short("region").optional(),
    Param::short("postalCode").optional(),
    Param::short("country").optional(),
    Param::new("udf", ParamKind::Json).optional(),
];
const PROFILE_PARAM: Param = Param::new("profile", ParamKind::Object(REGISTER_PROFILE)).optional();

/// The `params` variable: `customData` as `[{key, value}]` JSON, else `params` as JSON,
/// else `null` (as `authing-js-sdk` builds it).
fn params_variable(options: &Arg, params_at: usize, custom_at: usize) -> Out {
    if let Arg::Map(entries) = options.key(custom_at) {
        let items: Vec<String> = entries
            .iter()
            .map(|(key, value)| format!("{{\"key\":{},\"value\":{value}}}", json_string(key)))
            .collect();
        return Out::Text(format!("[{}]", items.join(",")));
    }
    json_variable(options.key(params_at))
}

/// A JSON-string variable (`context`, `params`): the value's JSON, or `null`.
fn json_variable(arg: &Arg) -> Out {
    arg.json()
        .map_or(Out::Null, |text| Out::Text(text.to_owned()))
}

/// `{input: {<account>, password, autoRegister, captchaCode, clientIp, params, context}}`.
fn password_login_input(account: &'static str, args: &[Arg]) -> Out {
    let options = arg(args, 2);
    Out::Obj(vec![(
        "input",
        Out::Obj(vec![
            (account, value(args, 0)),
            ("password", value(args, 1)),
            ("autoRegister", Out::Bool(options.key(0).flag())),
            ("captchaCode", options.key(1).out(&[])),
            ("clientIp", options.key(2).out(&[])),
            ("params", params_variable(options, 3, 4)),
            ("context", json_variable(options.key(5))),
        ]),
    )])
}

/// `loginByEmail(email, password, options?)`: GraphQL `loginByEmail`; stores the session.
pub static LOGIN_BY_EMAIL: Op = graphql(
    "loginByEmail",
    &[EMAIL, PASSWORD, LOGIN_OPTIONS_PARAM],
    SessionUse::Unused,
    user_document!("login_by_email"),
    "loginByEmail",
    |_, args| password_login_input("email", args),
    Effect::Login,
);

/// `loginByUsername(username, password, options?)`: GraphQL `loginByUsername`.
pub static LOGIN_BY_USERNAME: Op = graphql(
    "loginByUsername",
    &[USERNAME, PASSWORD, LOGIN_OPTIONS_PARAM],
    SessionUse::Unused,
    user_document!("login_by_username"),
    "loginByUsername",
    |_, args| password_login_input("username", args),
    Effect::Login,
);

/// `loginByPhonePassword(phone, password, options?)`: GraphQL `loginByPhonePassword`.
pub static LOGIN_BY_PHONE_PASSWORD: Op = graphql(
    "loginByPhonePassword",
    &[PHONE, PASSWORD, LOGIN_OPTIONS_PARAM],
    SessionUse::Unused,
    user_document!("login_by_phone_password"),
    "loginByPhonePassword",
    |_, args| password_login_input("phone", args),
    Effect::Login,
);

/// `loginByPhoneCode(phone, code, options?)`: GraphQL `loginByPhoneCode` with the SMS code
/// from `sendSmsCode`; stores the session.
pub static LOGIN_BY_PHONE_CODE: Op = graphql(
    "loginByPhoneCode",
    &[
        PHONE,
        CODE,
        Param::new("options", ParamKind::Object(PHONE_CODE_OPTIONS)).optional(),
    ],
    SessionUse::Unused,
    user_document!("login_by_phone_code"),
    "loginByPhoneCode",
    |_, args| {
        let options = arg(args, 2);
        Out::Obj(vec![(
            "input",
            Out::Obj(vec![
                ("phone", value(args, 0)),
                ("code", value(args, 1)),
                ("phoneCountryCode", options.key(4).out(&[])),
                ("clientIp", options.key(0).out(&[])),
                ("params", params_variable(options, 1, 2)),
                ("context", json_variable(options.key(3))),
            ]),
        )])
    },
    Effect::Login,
);

/// `{input: {<account...>, password?, profile, forceLogin, generateToken, clientIp, params,
/// context}}` for a registration whose profile and options are arguments `at` and `at + 1`.
fn register_input(mut account: Vec<(&'static str, Out)>, args: &[Arg], at: usize) -> Out {
    let profile = match arg(args, at) {
        Arg::Absent => Out::Obj(Vec::new()),
        given => given.out(REGISTER_PROFILE),
    };
    let options = arg(args, at + 1);
    account.extend([
        ("profile", profile),
        ("forceLogin", Out::Bool(options.key(0).flag())),
        ("generateToken", Out::Bool(options.key(1).flag())),
        ("clientIp", options.key(2).out(&[])),
        ("params", params_variable(options, 3, 4)),
        ("context", json_variable(options.key(5))),
    ]);
    Out::Obj(vec![("input", Out::Obj(account))])
}

/// `registerByEmail(email, password, profile?, options?)`: GraphQL `registerByEmail`. The
/// session is stored only when GenAuth hands out a token (`forceLogin`, `generateToken`).
pub static REGISTER_BY_EMAIL: Op = graphql(
    "registerByEmail",
    &[EMAIL, PASSWORD, PROFILE_PARAM, REGISTER_OPTIONS_PARAM],
    SessionUse::Unused,
    user_document!("register_by_email"),
    "registerByEmail",
    |_, args| {
        register_input(
            vec![("email", value(args, 0)), ("password", value(args, 1))],
            args,
            2,
        )
    },
    Effect::Register,
);

/// `registerByUsername(username, password, profile?, options?)`: GraphQL `registerByUsername`.
pub static REGISTER_BY_USERNAME: Op = graphql(
    "registerByUsername",
    &[USERNAME, PASSWORD, PROFILE_PARAM, REGISTER_OPTIONS_PARAM],
    SessionUse::Unused,
    user_document!("register_by_username"),
    "registerByUsername",
    |_, args| {
        register_input(
            vec![("username", value(args, 0)), ("password", value(args, 1))],
            args,
            2,
        )
    },
    Effect::Register,
);

/// `registerByPhoneCode(phone, code, password?, profile?, options?)`: GraphQL
/// `registerByPhoneCode` with the SMS code from `sendSmsCode`.
pub static REGISTER_BY_PHONE_CODE: Op = graphql(
    "registerByPhoneCode",
    &[
        PHONE,
        CODE,
        PASSWORD.optional(),
        PROFILE_PARAM,
        REGISTER_OPTIONS_PARAM,
    ],
    SessionUse::Unused,
    user_document!("register_by_phone_code"),
    "registerByPhoneCode",
    |_, args| {
        register_input(
            vec![
                ("phone", value(args, 0)),
                ("code", value(args, 1)),
                ("password", value(args, 2)),
            ],
            args,
            3,
        )
    },
    Effect::Register,
);

/// `sendSmsCode(phone, phoneCountryCode?)`: `POST {appHost}/api/v2/sms/send`. Resolves
/// `{code, message}` (GenAuth sends no data on success; the SDK says what happened).
pub static SEND_SMS_CODE: Op = Op {
    name: "sendSmsCode",
    params: &[PHONE, PHONE_COUNTRY_CODE],
    session: SessionUse::Unused,
    call: Call::Rest {
        method: Method::Post,
        base: Base::AppHost,
        path: "/api/v2/sms/send",
        query: None,
        body: Some(|_, args| {
            Out::Obj(vec![
                ("phone", value(args, 0)),
                ("phoneCountryCode", value(args, 1)),
            ])
        }),
    },
    result: Pick::Convert(sent),
    effect: Effect::None,
    hooks: Hooks::NONE,
};

/// The envelope's data when it is an object, else `{code: 200, message}`.
fn sent(ctx: &Ctx<'_>, _: &[Arg], data: Option<Passed>) -> Result<Out, Error> {
    if let Some(data) = data.filter(|d| crate::host::is_plain_object(&d.0)) {
        return Ok(Out::Raw(data));
    }
    let message = match ctx.lang() {
        crate::options::Lang::ZhCn => "发送成功",
        crate::options::Lang::EnUs => "Sent",
    };
    Ok(Out::Obj(vec![
        ("code", Out::Num(200.0)),
        ("message", Out::Str(message)),
    ]))
}

/// The email scenes of `authing-js-sdk` 4.15.8 (`EmailScene`).
pub const EMAIL_SCENES: &[&str] = &[
    "RESET_PASSWORD",
    "VERIFY_EMAIL",
    "CHANGE_EMAIL",
    "MFA_VERIFY",
];

/// `sendEmail(email, scene)`: GraphQL `sendEmail`; resolves `{code, message}`.
pub static SEND_EMAIL: Op = graphql(
    "sendEmail",
    &[EMAIL, Param::new("scene", ParamKind::OneOf(EMAIL_SCENES))],
    SessionUse::Unused,
    include_str!("graphql/send_email.graphql"),
    "sendEmail",
    |_, args| Out::Obj(vec![("email", value(args, 0)), ("scene", value(args, 1))]),
    Effect::None,
);

/// `mutation resetPassword`.
const RESET_PASSWORD_DOCUMENT: &str = include_str!("graphql/reset_password.graphql");

/// `resetPasswordByPhoneCode(phone, code, newPassword, phoneCountryCode?)`: GraphQL
/// `resetPassword`; resolves `{code, message}`.
pub static RESET_PASSWORD_BY_PHONE_CODE: Op = graphql(
    "resetPasswordByPhoneCode",
    &[PHONE, CODE, NEW_PASSWORD, PHONE_COUNTRY_CODE],
    SessionUse::Unused,
    RESET_PASSWORD_DOCUMENT,
    "resetPassword",
    |_, args| {
        Out::Obj(vec![
            ("phone", value(args, 0)),
            ("phoneCountryCode", value(args, 3)),
            ("code", value(args, 1)),
            ("newPassword", value(args, 2)),
        ])
    },
    Effect::None,
);

/// `resetPasswordByEmailCode(email, code, newPassword)`: GraphQL `resetPassword`.
pub static RESET_PASSWORD_BY_EMAIL_CODE: Op = graphql(
    "resetPasswordByEmailCode",
    &[EMAIL, CODE, NEW_PASSWORD],
    SessionUse::Unused,
    RESET_PASSWORD_DOCUMENT,
    "resetPassword",
    |_, args| {
        Out::Obj(vec![
            ("email", value(args, 0)),
            ("code", value(args, 1)),
            ("newPassword", value(args, 2)),
        ])
    },
    Effect::None,
);

/// `checkPasswordStrength(password)`: GenAuth's password policy verdict `{valid, message}`
/// (GraphQL `checkPasswordStrength`; the password is sent as it is, as in v4: it is not a
/// credential here).
pub static CHECK_PASSWORD_STRENGTH: Op = graphql(
    "checkPasswordStrength",
    &[Param::new("password", ParamKind::Text(crate::args::TextRule::PASSWORD)).secret()],
    SessionUse::Unused,
    include_str!("graphql/check_password_strength.graphql"),
    "checkPasswordStrength",
    |_, args| Out::Obj(vec![("password", value(args, 0))]),
    Effect::None,
);
