//! The logged-in user's account: profile, password, phone and email, linked accounts, the
//! token, and what the user may see (`authing-js-sdk` 4.15.8 and the later v4 `hasRole`).
//!
//! Every operation here needs the session: without one it rejects `NOT_LOGGED_IN` and sends
//! nothing (`authing-js-sdk`'s `checkLoggedIn()`).

use super::{
    arg, graphql, needs_user_id, no_variables, or_null, user_document, user_id, value, Base, Call,
    Effect, Hooks, LoggedOut, Op, Pick, SessionUse,
};
use crate::args::{Arg, Param, ParamKind, TextRule};
use crate::engine::Ctx;
use crate::error::{Error, ErrorCode};
use crate::host::{self, Kind, Passed};
use crate::out::{Method, Out};

const SESSION: SessionUse = SessionUse::Required(LoggedOut::Reject);
const NEW_PASSWORD: Param = Param::new("newPassword", ParamKind::Password).secret();
const OLD_PASSWORD: Param = Param::new("oldPassword", ParamKind::Password)
    .secret()
    .optional();
const PHONE: Param = Param::ascii("phone");
const PHONE_CODE: Param = Param::ascii("phoneCode").secret();
const EMAIL: Param = Param::ascii("email");
const EMAIL_CODE: Param = Param::ascii("emailCode").secret();

/// Checks the session names its user (the variables send the user's id).
const USER_ID_HOOKS: Hooks = Hooks {
    before: Some(needs_user_id),
    supplied: None,
    retry: None,
    shared_when_bare: false,
};

/// `UpdateUserInput` (`authing-js-sdk` 4.15.8), without `password` (`updatePassword` changes
/// it, encrypted).
const UPDATE_USER_INPUT: &[Param] = &[
    Param::short("email").optional(),
    Param::short("unionid").optional(),
    Param::short("openid").optional(),
    Param::new("emailVerified", ParamKind::Flag).optional(),
    Param::short("phone").optional(),
    Param::new("phoneVerified", ParamKind::Flag).optional(),
    Param::short("username").optional(),
    Param::short("nickname").optional(),
    Param::new("photo", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::short("company").optional(),
    Param::short("browser").optional(),
    Param::short("device").optional(),
    Param::new("oauth", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::short("tokenExpiredAt").optional(),
    Param::new(
        "loginsCount",
        ParamKind::Int {
            min: 0,
            max: 1_000_000_000,
        },
    )
    .optional(),
    Param::short("lastLogin").optional(),
    Param::short("lastIP").optional(),
    Param::new("blocked", ParamKind::Flag).optional(),
    Param::short("name").optional(),
    Param::short("givenName").optional(),
    Param::short("familyName").optional(),
    Param::short("middleName").optional(),
    Param::new("profile", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::short("preferredUsername").optional(),
    Param::new("website", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::short("gender").optional(),
    Param::short("birthdate").optional(),
    Param::short("zoneinfo").optional(),
    Param::short("locale").optional(),
    Param::new("address", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::new("formatted", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::new("streetAddress", ParamKind::Text(TextRule::PRINTABLE)).optional(),
    Param::short("locality").optional(),
    Param::short("region").optional(),
    Param::short("postalCode").optional(),
    Param::short("city").optional(),
    Param::short("province").optional(),
    Param::short("country").optional(),
    Param::short("externalId").optional(),
];

/// `mutation updateUser`.
pub const UPDATE_USER_DOCUMENT: &str = user_document!("update_user");

/// `updateProfile(updates)`: GraphQL `updateUser` for the session's user; refreshes the
/// stored copy (and the token, when GenAuth hands out a fresh one).
pub static UPDATE_PROFILE: Op = Op {
    name: "updateProfile",
    params: &[Param::new("updates", ParamKind::Updates(UPDATE_USER_INPUT))],
    session: SESSION,
    call: Call::Graphql {
        document: UPDATE_USER_DOCUMENT,
        field: "updateUser",
        variables: |ctx, args| {
            Out::Obj(vec![
                ("id", user_id(ctx)),
                ("input", arg(args, 0).out(UPDATE_USER_INPUT)),
            ])
        },
    },
    result: Pick::DataRequired,
    effect: Effect::User,
    hooks: USER_ID_HOOKS,
};

/// `updatePassword(newPassword, oldPassword?)`: GraphQL `updatePassword`, both passwords
/// encrypted; resolves the user (the stored session is kept as it is, as in v4).
pub static UPDATE_PASSWORD: Op = graphql(
    "updatePassword",
    &[NEW_PASSWORD, OLD_PASSWORD],
    SESSION,
    user_document!("update_password"),
    "updatePassword",
    |_, args| {
        Out::Obj(vec![
            ("newPassword", value(args, 0)),
            ("oldPassword", value(args, 1)),
        ])
    },
    Effect::None,
);

/// `updatePhone(phone, phoneCode, oldPhone?, oldPhoneCode?)`: GraphQL `updatePhone`;
/// refreshes the stored user.
pub static UPDATE_PHONE: Op = graphql(
    "updatePhone",
    &[
        PHONE,
        PHONE_CODE,
        Param::ascii("oldPhone").optional(),
        Param::ascii("oldPhoneCode").optional().secret(),
    ],
    SESSION,
    user_document!("update_phone"),
    "updatePhone",
    |_, args| {
        Out::Obj(vec![
            ("phone", value(args, 0)),
            ("phoneCode", value(args, 1)),
            ("oldPhone", value(args, 2)),
            ("oldPhoneCode", value(args, 3)),
        ])
    },
    Effect::User,
);

/// `updateEmail(email, emailCode, oldEmail?, oldEmailCode?)`: GraphQL `updateEmail`;
/// refreshes the stored user.
pub static UPDATE_EMAIL: Op = graphql(
    "updateEmail",
    &[
        EMAIL,
        EMAIL_CODE,
        Param::ascii("oldEmail").optional(),
        Param::ascii("oldEmailCode").optional().secret(),
    ],
    SESSION,
    user_document!("update_email"),
    "updateEmail",
    |_, args| {
        Out::Obj(vec![
            ("email", value(args, 0)),
            ("emailCode", value(args, 1)),
            ("oldEmail", value(args, 2)),
            ("oldEmailCode", value(args, 3)),
        ])
    },
    Effect::User,
);

/// `bindPhone(phone, phoneCode, phoneCountryCode?)`: GraphQL `bindPhone`; refreshes the
/// stored user.
pub static BIND_PHONE: Op = graphql(
    "bindPhone",
    &[
        PHONE,
        PHONE_CODE,
        Param::ascii("phoneCountryCode").optional(),
    ],
    SESSION,
    user_document!("bind_phone"),
    "bindPhone",
    |_, args| {
        Out::Obj(vec![
            ("phone", value(args, 0)),
            ("phoneCode", value(args, 1)),
            ("phoneCountryCode", value(args, 2)),
        ])
    },
    Effect::User,
);

/// `unbindPhone()`: GraphQL `unbindPhone`; refreshes the stored user.
pub static UNBIND_PHONE: Op = graphql(
    "unbindPhone",
    &[],
    SESSION,
    user_document!("unbind_phone"),
    "unbindPhone",
    no_variables,
    Effect::User,
);

/// `bindEmail(email, emailCode)`: GraphQL `bindEmail`; refreshes the stored user.
pub static BIND_EMAIL: Op = graphql(
    "bindEmail",
    &[EMAIL, EMAIL_CODE],
    SESSION,
    user_document!("bind_email"),
    "bindEmail",
    |_, args| {
        Out::Obj(vec![
            ("email", value(args, 0)),
            ("emailCode", value(args, 1)),
        ])
    },
    Effect::User,
);

/// `unbindEmail()`: GraphQL `unbindEmail`; refreshes the stored user.
pub static UNBIND_EMAIL: Op = graphql(
    "unbindEmail",
    &[],
    SESSION,
    user_document!("unbind_email"),
    "unbindEmail",
    no_variables,
    Effect::User,
);

const TOKEN: Param = Param::new("primaryUserToken", ParamKind::Text(TextRule::TOKEN)).secret();

const LINK_OPTIONS: &[Param] = &[
    TOKEN,
    Param::new("secondaryUserToken", ParamKind::Text(TextRule::TOKEN)).secret(),
];

const UNLINK_OPTIONS: &[Param] = &[TOKEN, Param::ascii("provider")];

/// `linkAccount({primaryUserToken, secondaryUserToken})`: `POST {appHost}/api/v2/users/link`
/// (the tokens say whose accounts; no session needed). Resolves `{code: 200, message}`.
pub static LINK_ACCOUNT: Op = Op {
    name: "linkAccount",
    params: &[Param::new("options", ParamKind::Object(LINK_OPTIONS))],
    session: SessionUse::Unused,
    call: Call::Rest {
        method: Method::Post,
        base: Base::AppHost,
        path: "/api/v2/users/link",
        query: None,
        body: Some(|_, args| arg(args, 0).out(LINK_OPTIONS)),
    },
    result: Pick::Convert(|ctx, _, _| Ok(done(ctx, "绑定成功", "Linked"))),
    effect: Effect::None,
    hooks: Hooks::NONE,
};

/// `unLinkAccount({primaryUserToken, provider})`: `POST {appHost}/api/v2/users/unlink`.
pub static UNLINK_ACCOUNT: Op = Op {
    name: "unLinkAccount",
    params: &[Param::new("options", ParamKind::Object(UNLINK_OPTIONS))],
    session: SessionUse::Unused,
    call: Call::Rest {
        method: Method::Post,
        base: Base::AppHost,
        path: "/api/v2/users/unlink",
        query: None,
        body: Some(|_, args| arg(args, 0).out(UNLINK_OPTIONS)),
    },
    result: Pick::Convert(|ctx, _, _| Ok(done(ctx, "解绑成功", "Unlinked"))),
    effect: Effect::None,
    hooks: Hooks::NONE,
};

/// `{code: 200, message}`, what `authing-js-sdk` resolves for a success without data.
fn done(ctx: &Ctx<'_>, zh: &'static str, en: &'static str) -> Out {
    let message = match ctx.lang() {
        crate::options::Lang::ZhCn => zh,
        crate::options::Lang::EnUs => en,
    };
    Out::Obj(vec![
        ("code", Out::Num(200.0)),
        ("message", Out::Str(message)),
    ])
}

/// `refreshToken()`: GraphQL `refreshToken`, a new token for the session's user: resolves
/// `{token, iat, exp}` and stores the token. Concurrent calls share one flight.
pub static REFRESH_TOKEN: Op = Op {
    name: "refreshToken",
    params: &[],
    session: SESSION,
    call: Call::Graphql {
        document: include_str!("graphql/refresh_token.graphql"),
        field: "refreshToken",
        variables: no_variables,
    },
    result: Pick::DataRequired,
    effect: Effect::Token,
    hooks: Hooks {
        before: None,
        supplied: None,
        retry: None,
        shared_when_bare: true,
    },
};

/// A `GET {appHost}<path>` of the session user's own data, resolving the envelope's data.
const fn me(name: &'static str, path: &'static str) -> Op {
    Op {
        name,
        params: &[],
        session: SESSION,
        call: Call::Rest {
            method: Method::Get,
            base: Base::AppHost,
            path,
            query: None,
            body: None,
        },
        result: Pick::Data,
        effect: Effect::None,
        hooks: Hooks::NONE,
    }
}

/// `listOrgs()`: the user's organizations with the path of their node in each
/// (`GET {appHost}/api/v2/users/me/orgs`).
pub static LIST_ORGS: Op = me("listOrgs", "/api/v2/users/me/orgs");

/// `getSecurityLevel()`: `{score, email, phone, password, passwordSecurityLevel, mfa}`
/// (`GET {appHost}/api/v2/users/me/security-level`).
pub static GET_SECURITY_LEVEL: Op = me("getSecurityLevel", "/api/v2/users/me/security-level");

const PAGE_OPTIONS: &[Param] = &[
    Param::new(
        "page",
        ParamKind::Int {
            min: 1,
            max: 1_000_000,
        },
    )
    .optional(),
    Param::new("limit", ParamKind::Int { min: 1, max: 1000 }).optional(),
];

/// `listApplications({page, limit}?)`: the applications the user may use, `{totalCount,
/// list}` (`GET {appHost}/api/v2/users/me/applications/allowed?page&limit`, 1 and 10 by
/// default).
pub static LIST_APPLICATIONS: Op = Op {
    name: "listApplications",
    params: &[Param::new("options", ParamKind::Object(PAGE_OPTIONS)).optional()],
    session: SESSION,
    call: Call::Rest {
        method: Method::Get,
        base: Base::AppHost,
        path: "/api/v2/users/me/applications/allowed",
        query: Some(|_, args| {
            let options = arg(args, 0);
            // Whole numbers in range (checked by their parameters): the casts are exact.
            let number = |at: usize, default: i64| match options.key(at) {
                Arg::Num(n) => *n as i64,
                _ => default,
            };
            format!("page={}&limit={}", number(0, 1), number(1, 10))
        }),
        body: None,
    },
    result: Pick::Data,
    effect: Effect::None,
    hooks: Hooks::NONE,
};

/// The resource types of `authing-js-sdk` (`ResourceType`).
pub const RESOURCE_TYPES: &[&str] = &["DATA", "API", "MENU", "UI", "BUTTON"];

const RESOURCE_OPTIONS: &[Param] =
    &[Param::new("resourceType", ParamKind::OneOf(RESOURCE_TYPES)).optional()];

/// `listAuthorizedResources(namespace, {resourceType}?)`: the resources the user is
/// authorized for, `{list: [{code, type, actions}], totalCount}` (GraphQL
/// `listUserAuthorizedResources`).
pub static LIST_AUTHORIZED_RESOURCES: Op = Op {
    name: "listAuthorizedResources",
    params: &[
        Param::ascii("namespace"),
        Param::new("options", ParamKind::Object(RESOURCE_OPTIONS)).optional(),
    ],
    session: SESSION,
    call: Call::Graphql {
        document: include_str!("graphql/list_user_authorized_resources.graphql"),
        field: "user",
        variables: |ctx, args| {
            Out::Obj(vec![
                ("id", user_id(ctx)),
                ("namespace", value(args, 0)),
                ("resourceType", or_null(arg(args, 1).key(0).out(&[]))),
            ])
        },
    },
    result: Pick::Convert(authorized_resources),
    effect: Effect::None,
    hooks: USER_ID_HOOKS,
};

/// `user.authorizedResources`, each item without its empty fields (as `authing-js-sdk`).
fn authorized_resources(ctx: &Ctx<'_>, _: &[Arg], user: Option<Passed>) -> Result<Out, Error> {
    let user = user.ok_or_else(|| Error::new(ErrorCode::UserNotFound, ctx.lang()))?;
    let resources = host::get(&user.0, "authorizedResources");
    let list = host::get(&resources, "list");
    let items = (0..items_len(&list))
        .map(|at| {
            let item = host::item(&list, at);
            Out::Obj(
                ["code", "type", "actions"]
                    .into_iter()
                    .map(|key| {
                        let field = host::get(&item, key);
                        let out = if truthy(&field) {
                            Out::Raw(Passed::new(field))
                        } else {
                            Out::Undefined
                        };
                        (key, out)
                    })
                    .collect(),
            )
        })
        .collect();
    Ok(Out::Obj(vec![
        ("list", Out::List(items)),
        (
            "totalCount",
            Out::Raw(Passed::new(host::get(&resources, "totalCount"))),
        ),
    ]))
}

/// The number of items of an array, at most 10,000 (0 for anything else).
pub(crate) fn items_len(list: &host::Raw) -> u32 {
    host::array_len(list).min(10_000)
}

/// JavaScript truthiness.
fn truthy(value: &host::Raw) -> bool {
    match host::kind(value) {
        Kind::Absent => false,
        Kind::Bool(b) => b,
        Kind::Number(n) => n != 0.0 && !n.is_nan(),
        Kind::String => host::text_len(value) > 0,
        _ => true,
    }
}

/// `hasRole(roleCode, namespace?)`: whether the user has the role (GraphQL `getUserRoles`).
pub static HAS_ROLE: Op = Op {
    name: "hasRole",
    params: &[
        Param::ascii("roleCode"),
        Param::ascii("namespace").optional(),
    ],
    session: SESSION,
    call: Call::Graphql {
        document: include_str!("graphql/get_user_roles.graphql"),
        field: "user",
        variables: |ctx, args| Out::Obj(vec![("id", user_id(ctx)), ("namespace", value(args, 1))]),
    },
    result: Pick::Convert(has_role),
    effect: Effect::None,
    hooks: USER_ID_HOOKS,
};

fn has_role(ctx: &Ctx<'_>, args: &[Arg], user: Option<Passed>) -> Result<Out, Error> {
    let user = user.ok_or_else(|| Error::new(ErrorCode::UserNotFound, ctx.lang()))?;
    let Some(wanted) = arg(args, 0).text() else {
        return Ok(Out::Bool(false));
    };
    let list = host::get(&host::get(&user.0, "roles"), "list");
    let found = (0..items_len(&list))
        .any(|at| host::same(&host::get(&host::item(&list, at), "code"), &wanted.0));
    Ok(Out::Bool(found))
}
