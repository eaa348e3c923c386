//! User-defined data (`udv`): the values of the user pool's own fields for the session user
//! (`targetType: "USER"`, `targetId`: the user's id).
//!
//! GenAuth stores every value as a string; the SDK sends `JSON.stringify(value)` and turns
//! what comes back into the value again by the field's `dataType`, as `authing-js-sdk`
//! 4.15.8 does (`NUMBER`, `BOOLEAN`, `OBJECT`: `JSON.parse`; `DATETIME`: a `Date` of the
//! milliseconds; `STRING`: as it is).

use std::rc::Rc;

use super::profile::items_len;
use super::{arg, needs_user_id, user_id, Call, Effect, Hooks, LoggedOut, Op, Pick, SessionUse};
use crate::args::{Arg, Param, ParamKind};
use crate::engine::Ctx;
use crate::error::Error;
use crate::host::{self, Kind, Passed, Raw};
use crate::out::Out;

const SESSION: SessionUse = SessionUse::Required(LoggedOut::Reject);
const KEY: Param = Param::ascii("key");
const HOOKS: Hooks = Hooks {
    before: Some(needs_user_id),
    supplied: None,
    retry: None,
    shared_when_bare: false,
};

/// `query udv` for the session user: `listUdv` and `getUdfValue` read the same list.
const UDV_CALL: Call = Call::Graphql {
    document: include_str!("graphql/udv.graphql"),
    field: "udv",
    variables: |ctx, _| target(ctx, Vec::new()),
};
/// `mutation removeUdv` of one key: `removeUdv` and `removeUdfValue` send the same.
const REMOVE_UDV_CALL: Call = Call::Graphql {
    document: include_str!("graphql/remove_udv.graphql"),
    field: "removeUdv",
    variables: key_variables,
};

/// `{targetType: "USER", targetId}` and more.
fn target(ctx: &Ctx<'_>, more: Vec<(&'static str, Out)>) -> Out {
    let mut all = vec![("targetType", Out::Str("USER")), ("targetId", user_id(ctx))];
    all.extend(more);
    Out::Obj(all)
}

fn key_variables(ctx: &Ctx<'_>, args: &[Arg]) -> Out {
    target(ctx, vec![("key", arg(args, 0).out(&[]))])
}

/// `listUdv()`: the user's values, `[{key, dataType, value, label}]`, converted by type.
pub static LIST_UDV: Op = Op {
    name: "listUdv",
    params: &[],
    session: SESSION,
    call: UDV_CALL,
    result: Pick::Convert(converted_list),
    effect: Effect::None,
    hooks: HOOKS,
};

/// `setUdv(key, value)`: sets one value (sent as `JSON.stringify(value)`); resolves the
/// converted list.
pub static SET_UDV: Op = Op {
    name: "setUdv",
    params: &[KEY, Param::new("value", ParamKind::Json)],
    session: SESSION,
    call: Call::Graphql {
        document: include_str!("graphql/set_udv.graphql"),
        field: "setUdv",
        variables: |ctx, args| {
            let text = arg(args, 1).json().unwrap_or("null").to_owned();
            target(
                ctx,
                vec![("key", arg(args, 0).out(&[])), ("value", Out::Text(text))],
            )
        },
    },
    result: Pick::Convert(converted_list),
    effect: Effect::None,
    hooks: HOOKS,
};

/// `removeUdv(key)`: removes one value; resolves the converted list.
pub static REMOVE_UDV: Op = Op {
    name: "removeUdv",
    params: &[KEY],
    session: SESSION,
    call: REMOVE_UDV_CALL,
    result: Pick::Convert(converted_list),
    effect: Effect::None,
    hooks: HOOKS,
};

/// `getUdfValue()`: the user's values as `{[key]: value}`, converted by type.
pub static GET_UDF_VALUE: Op = Op {
    name: "getUdfValue",
    params: &[],
    session: SESSION,
    call: UDV_CALL,
    result: Pick::Convert(|_, _, data| {
        let list = data
            .map(|d| d.0)
            .unwrap_or_else(|| Rc::new(host::undefined()));
        let entries = (0..items_len(&list))
            .filter_map(|at| {
                let item = host::item(&list, at);
                let key = host::get(&item, "key");
                (host::kind(&key) == Kind::String).then(|| (Passed::new(key), converted(&item)))
            })
            .collect();
        Ok(Out::Entries(entries))
    }),
    effect: Effect::None,
    hooks: HOOKS,
};

/// `setUdfValue({[key]: value})`: sets several values at once (GraphQL `setUdvBatch`);
/// resolves nothing. An empty object is refused.
pub static SET_UDF_VALUE: Op = Op {
    name: "setUdfValue",
    params: &[Param::new("data", ParamKind::Map)],
    session: SESSION,
    call: Call::Graphql {
        document: include_str!("graphql/set_udv_batch.graphql"),
        field: "setUdvBatch",
        variables: |ctx, args| {
            let list = match arg(args, 0) {
                Arg::Map(entries) => entries
                    .iter()
                    .map(|(key, value)| {
                        Out::Obj(vec![
                            ("key", Out::Text(key.clone())),
                            ("value", Out::Text(value.clone())),
                        ])
                    })
                    .collect(),
                _ => Vec::new(),
            };
            target(ctx, vec![("udvList", Out::List(list))])
        },
    },
    result: Pick::Nothing,
    effect: Effect::None,
    hooks: HOOKS,
};

/// `removeUdfValue(key)`: removes one value; resolves nothing.
pub static REMOVE_UDF_VALUE: Op = Op {
    name: "removeUdfValue",
    params: &[KEY],
    session: SESSION,
    call: REMOVE_UDV_CALL,
    result: Pick::Nothing,
    effect: Effect::None,
    hooks: HOOKS,
};

/// The list as `[{key, dataType, value, label}]`, each value converted.
fn converted_list(_: &Ctx<'_>, _: &[Arg], data: Option<Passed>) -> Result<Out, Error> {
    let list = data
        .map(|d| d.0)
        .unwrap_or_else(|| Rc::new(host::undefined()));
    Ok(Out::List(
        (0..items_len(&list))
            .map(|at| {
                let item = host::item(&list, at);
                let field = |key| Out::Raw(Passed::new(host::get(&item, key)));
                Out::Obj(vec![
                    ("key", field("key")),
                    ("dataType", field("dataType")),
                    ("value", converted(&item)),
                    ("label", field("label")),
                ])
            })
            .collect(),
    ))
}

/// An item's value, turned back from GenAuth's string by its `dataType`.
fn converted(item: &Raw) -> Out {
    let value = host::get(item, "value");
    let Some(text) = host::short_text(&value, crate::args::MAX_JSON_LEN) else {
        return Out::Raw(Passed::new(value));
    };
    match host::short_text(&host::get(item, "dataType"), 16).as_deref() {
        Some("NUMBER" | "BOOLEAN" | "OBJECT") => match host::parse_json(&text) {
            Some(parsed) => Out::Raw(Passed::new(parsed)),
            None => Out::Raw(Passed::new(value)),
        },
        Some("DATETIME") => Out::Date(parse_int(&text)),
        _ => Out::Raw(Passed::new(value)),
    }
}

/// JavaScript's `parseInt(text)` for base 10: the leading integer, or `NaN`.
fn parse_int(text: &str) -> f64 {
    let text = text.trim_start();
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    if end == 0 {
        return f64::NAN;
    }
    // Digit by digit, as parseInt does (no float parser linked for this).
    let magnitude = digits[..end]
        .bytes()
        .fold(0.0, |n, digit| n * 10.0 + f64::from(digit - b'0'));
    sign * magnitude
}
