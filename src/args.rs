//! Method arguments: what each parameter accepts, read from the host's values.
//!
//! Every public method declares its positional parameters in the operation table
//! ([`crate::ops`]); [`read_args`] checks what the caller passed against them before anything
//! is sent. Checks run on the host's values (a type test, a length, a pattern), so a string
//! is copied into wasm only where the core needs its characters. A failure names the
//! parameter and what was expected, never the value.

use std::borrow::Borrow;

use crate::error::{Error, ErrorCode, Expected, Problem};
use crate::host::{self, Kind, Passed, Pattern, Raw};
use crate::options::Lang;
use crate::out::Out;

/// The longest string any parameter accepts unless its rule says otherwise.
pub const DEFAULT_MAX_LEN: usize = 4096;

/// One positional parameter, or one key of an options object.
#[derive(Debug)]
pub struct Param {
    /// The name in messages and typings (`code`, `options.iv`, ...).
    pub name: &'static str,
    /// What it accepts.
    pub kind: ParamKind,
    /// Whether it may be left out (`undefined` or `null`).
    pub optional: bool,
    /// Whether it is a secret (a code, a token, a password, encrypted data): never logged,
    /// never echoed.
    pub secret: bool,
}

impl Param {
    /// A required, non-secret parameter.
    pub const fn new(name: &'static str, kind: ParamKind) -> Param {
        Param {
            name,
            kind,
            optional: false,
            secret: false,
        }
    }

    /// Printable text of up to 256 characters (names, addresses).
    pub const fn short(name: &'static str) -> Param {
        Param::new(name, ParamKind::Text(TextRule::SHORT))
    }

    /// Visible ASCII without spaces, up to 256 (phone numbers, emails, codes, keys).
    pub const fn ascii(name: &'static str) -> Param {
        Param::new(name, ParamKind::Text(TextRule::ASCII))
    }

    /// The same parameter, optional.
    pub const fn optional(self) -> Param {
        Param {
            optional: true,
            ..self
        }
    }

    /// The same parameter, secret.
    pub const fn secret(self) -> Param {
        Param {
            secret: true,
            ..self
        }
    }
}

/// What a parameter accepts.
#[derive(Debug)]
pub enum ParamKind {
    /// A non-empty string.
    Text(TextRule),
    /// A `wx.login` code: a string, or the `wx.login` result `{code}`.
    WxCode,
    /// An object with these keys (any other key is refused by name).
    Object(&'static [Param]),
    /// An object of changes with these keys: as [`ParamKind::Object`], and a key set to
    /// `null` is sent as `null` (it clears the field).
    Updates(&'static [Param]),
    /// `true` or `false`.
    Flag,
    /// A password: printable text, RSA-encrypted by the engine before it is sent.
    Password,
    /// A whole number in `min..=max`.
    Int {
        /// The smallest accepted.
        min: i64,
        /// The largest accepted.
        max: i64,
    },
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// Any value `JSON.stringify` writes (a string, a finite number, a boolean, `null` inside,
    /// an array, an object, a `Date`), at most [`MAX_JSON_LEN`] long as JSON.
    Json,
    /// An object of named values (user-defined data, `customData`): at least one key, each
    /// key a name, each value as [`ParamKind::Json`].
    Map,
    /// A `wx.login` code (as [`ParamKind::WxCode`]), or the `e.detail` of an
    /// `open-type="getPhoneNumber"` button (an object whose `errMsg` starts with
    /// `getPhoneNumber:`).
    CodeOrPhoneDetail,
}

/// The longest JSON text a [`ParamKind::Json`] or [`ParamKind::Map`] value may make.
pub const MAX_JSON_LEN: usize = 16384;

/// The rule for a string parameter.
#[derive(Clone, Copy, Debug)]
pub struct TextRule {
    /// Longest accepted length (UTF-16 units).
    pub max_len: usize,
    /// What its characters must be.
    pub form: TextForm,
}

/// The form of a string's characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextForm {
    /// Printable text: no control or format characters.
    Printable,
    /// A GenAuth token (RFC 6750 `b64token`).
    Token,
    /// Base64 text (WeChat's `iv`, `encryptedData`).
    Base64,
    /// The JSON text of an object (WeChat's `rawData`).
    JsonObject,
    /// Visible ASCII (`wx.login` codes).
    VisibleAscii,
}

impl TextRule {
    /// Text of this form, up to `max_len` UTF-16 units.
    pub const fn new(max_len: usize, form: TextForm) -> TextRule {
        TextRule { max_len, form }
    }

    /// Printable text up to [`DEFAULT_MAX_LEN`].
    pub const PRINTABLE: TextRule = TextRule::new(DEFAULT_MAX_LEN, TextForm::Printable);
    /// A token up to 8 KB.
    pub const TOKEN: TextRule = TextRule::new(8192, TextForm::Token);
    /// Base64 up to 16 KB (WeChat's encrypted user info is a few KB at most).
    pub const BASE64: TextRule = TextRule::new(16384, TextForm::Base64);
    /// JSON object text up to 16 KB.
    pub const JSON_OBJECT: TextRule = TextRule::new(16384, TextForm::JsonObject);
    /// Short printable text (names, phone numbers, codes, emails): up to 256.
    pub const SHORT: TextRule = TextRule::new(256, TextForm::Printable);
    /// Visible ASCII without spaces up to 256: phone numbers, email addresses, verification
    /// codes, role codes, keys.
    pub const ASCII: TextRule = TextRule::new(256, TextForm::VisibleAscii);
    /// A password: printable, up to 128 (RSA-2048 carries 245 bytes of UTF-8).
    pub const PASSWORD: TextRule = TextRule::new(128, TextForm::Printable);
}

/// A read argument.
#[derive(Clone, Debug, Default)]
pub enum Arg {
    /// Left out.
    #[default]
    Absent,
    /// A checked string, as the host holds it.
    Text(Passed),
    /// A flag.
    Flag(bool),
    /// An object's keys, in the order of its parameter list.
    Object(Vec<Arg>),
    /// A whole number.
    Num(f64),
    /// A value and its JSON text.
    Json(Passed, String),
    /// Named values: each key and the JSON text of its value, in the object's order.
    Map(Vec<(String, String)>),
    /// A getPhoneNumber `e.detail`, as the host holds it.
    PhoneDetail(Passed),
    /// Text the core made from an argument (an encrypted password, in base64).
    Made(String),
    /// `null`, given on purpose (a field to clear).
    Null,
}

impl Arg {
    /// The host string, if this is one.
    pub fn text(&self) -> Option<&Passed> {
        match self {
            Arg::Text(value) => Some(value),
            _ => None,
        }
    }

    /// Whether the argument was given.
    pub fn is_given(&self) -> bool {
        !matches!(self, Arg::Absent)
    }

    /// Key `at` of an object argument (absent when this is not an object).
    pub fn key(&self, at: usize) -> &Arg {
        match self {
            Arg::Object(keys) => keys.get(at).unwrap_or(&Arg::Absent),
            _ => &Arg::Absent,
        }
    }

    /// The flag's value; `false` when absent.
    pub fn flag(&self) -> bool {
        matches!(self, Arg::Flag(true))
    }

    /// The argument as a request value: strings, flags and numbers as they are, a JSON
    /// value as the value itself, an object as its given keys (named by `params`).
    pub fn out(&self, params: &[Param]) -> Out {
        match self {
            Arg::Absent => Out::Undefined,
            Arg::Null => Out::Null,
            Arg::Text(value) | Arg::Json(value, _) | Arg::PhoneDetail(value) => {
                Out::Raw(value.clone())
            }
            Arg::Flag(b) => Out::Bool(*b),
            Arg::Num(n) => Out::Num(*n),
            Arg::Made(text) => Out::Text(text.clone()),
            Arg::Object(keys) => Out::Obj(
                params
                    .iter()
                    .zip(keys)
                    .map(|(param, key)| {
                        let inner = match &param.kind {
                            ParamKind::Object(inner) | ParamKind::Updates(inner) => inner,
                            _ => &[][..],
                        };
                        (param.name, key.out(inner))
                    })
                    .collect(),
            ),
            Arg::Map(entries) => Out::Text(map_json(entries)),
        }
    }

    /// The JSON text of a JSON value (`None` for other arguments).
    pub fn json(&self) -> Option<&str> {
        match self {
            Arg::Json(_, text) => Some(text),
            _ => None,
        }
    }
}

/// `{"key":value,...}` for named values.
pub fn map_json(entries: &[(String, String)]) -> String {
    let body: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("{}:{value}", json_string(key)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// A string as a JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters no text from a caller or a server may carry into a request or a message:
/// C0 and C1 controls, DEL, and the format characters that reorder or hide text (bidi marks,
/// embeddings, overrides and isolates, zero-width characters, the BOM).
pub fn is_forbidden_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}')
}

/// Reads the positional arguments `values` against `params`.
pub fn read_args<R: Borrow<Raw>>(
    params: &[Param],
    values: &[R],
    lang: Lang,
) -> Result<Vec<Arg>, Error> {
    if values.len() > params.len() {
        // Extra arguments that carry something are a mistake (a typo in a signature);
        // trailing `undefined`s are what `fn(a, undefined)` passes and are fine.
        if let Some(extra) = values[params.len()..]
            .iter()
            .position(|v| host::kind(v.borrow()) != Kind::Absent)
        {
            let position = params.len() + extra + 1;
            return Err(Error::with_detail(
                ErrorCode::InvalidArgument,
                lang,
                &extra_argument(position, params.len(), lang),
            ));
        }
    }
    let undefined = host::undefined();
    params
        .iter()
        .enumerate()
        .map(|(at, param)| {
            let value = values.get(at).map_or(&undefined, |v| v.borrow());
            read_one(param, value, param.name, lang)
        })
        .collect()
}

fn extra_argument(position: usize, accepted: usize, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => format!("第 {position} 个参数多余（最多 {accepted} 个）"),
        Lang::EnUs => format!("argument {position} is one too many (at most {accepted})"),
    }
}

fn read_one(param: &Param, value: &Raw, name: &str, lang: Lang) -> Result<Arg, Error> {
    let fail = |problem| {
        Err(Error::problem(
            ErrorCode::InvalidArgument,
            lang,
            name,
            problem,
        ))
    };
    let kind = host::kind(value);
    if kind == Kind::Absent {
        return if param.optional {
            Ok(Arg::Absent)
        } else {
            fail(Problem::Missing)
        };
    }
    match &param.kind {
        ParamKind::Text(rule) => read_text(value, Some(kind), *rule)
            .map(Arg::Text)
            .or_else(fail),
        ParamKind::WxCode => {
            // The whole `wx.login` result is accepted as well as its `code`.
            let inner;
            let code = if kind == Kind::Object {
                inner = host::get(value, "code");
                &inner
            } else {
                value
            };
            let rule = TextRule::new(256, TextForm::VisibleAscii);
            match read_text(code, None, rule) {
                Ok(code) => Ok(Arg::Text(code)),
                _ => fail(Problem::Expected(Expected::WxCode)),
            }
        }
        ParamKind::Flag => match kind {
            Kind::Bool(b) => Ok(Arg::Flag(b)),
            _ => fail(Problem::Expected(Expected::Flag)),
        },
        ParamKind::Password => match read_text(value, Some(kind), TextRule::PASSWORD) {
            Ok(password) => Ok(Arg::Text(password)),
            Err(Problem::Expected(_)) => fail(Problem::Expected(Expected::Password)),
            Err(problem) => fail(problem),
        },
        ParamKind::Int { min, max } => match kind {
            // Whole and in range (both bounds are far below 2^53), so the comparison is exact.
            Kind::Number(n) if n.fract() == 0.0 && n >= *min as f64 && n <= *max as f64 => {
                Ok(Arg::Num(n))
            }
            _ => fail(Problem::Range(*min, *max)),
        },
        ParamKind::OneOf(choices) => match host::short_text(value, 64) {
            Some(text) if choices.contains(&text.as_str()) => {
                Ok(Arg::Text(Passed::new(value.clone())))
            }
            _ => fail(Problem::OneOf(choices)),
        },
        ParamKind::Json => read_json(value, kind)
            .map(|text| Arg::Json(Passed::new(value.clone()), text))
            .or_else(fail),
        ParamKind::Map => {
            let keys = host::keys(value);
            if kind != Kind::Object || keys.is_empty() {
                return fail(Problem::Expected(Expected::Map));
            }
            let mut entries = Vec::with_capacity(keys.len());
            for key in keys {
                if key_name(&key) != key {
                    return Err(Error::problem(
                        ErrorCode::InvalidArgument,
                        lang,
                        &format!("{name}.[key]"),
                        Problem::Expected(Expected::Map),
                    ));
                }
                let item = host::get_named(value, &key);
                let item_kind = host::kind(&item);
                match read_json(&item, item_kind) {
                    Ok(text) => entries.push((key, text)),
                    Err(problem) => {
                        return Err(Error::problem(
                            ErrorCode::InvalidArgument,
                            lang,
                            &format!("{name}.{key}"),
                            problem,
                        ))
                    }
                }
            }
            Ok(Arg::Map(entries))
        }
        ParamKind::CodeOrPhoneDetail => {
            let err_msg = host::get(value, "errMsg");
            let is_detail = kind == Kind::Object
                && host::short_text(&err_msg, 256)
                    .is_some_and(|m| m.starts_with("getPhoneNumber:"));
            if is_detail {
                return Ok(Arg::PhoneDetail(Passed::new(value.clone())));
            }
            let code = Param {
                name: param.name,
                kind: ParamKind::WxCode,
                optional: param.optional,
                secret: param.secret,
            };
            read_one(&code, value, name, lang).map_err(|_| {
                Error::problem(
                    ErrorCode::InvalidArgument,
                    lang,
                    name,
                    Problem::Expected(Expected::PhoneDetail),
                )
            })
        }
        ParamKind::Object(keys) | ParamKind::Updates(keys) => {
            if kind != Kind::Object {
                return fail(Problem::Expected(Expected::Object));
            }
            let clears = matches!(param.kind, ParamKind::Updates(_));
            let present = host::keys(value);
            for key in &present {
                if !keys.iter().any(|k| k.name == key) {
                    return Err(Error::problem(
                        ErrorCode::InvalidArgument,
                        lang,
                        &format!("{name}.{}", key_name(key)),
                        Problem::Unknown,
                    ));
                }
            }
            // Only the keys the object has are read (one call into JavaScript each, or
            // two): an update of one field of 38 costs a few calls, not a hundred.
            keys.iter()
                .map(|key| {
                    let full = format!("{name}.{}", key.name);
                    if !present.iter().any(|p| p == key.name) {
                        return if key.optional {
                            Ok(Arg::Absent)
                        } else {
                            Err(Error::problem(
                                ErrorCode::InvalidArgument,
                                lang,
                                &full,
                                Problem::Missing,
                            ))
                        };
                    }
                    let item = host::get(value, key.name);
                    if clears && host::is_null(&item) {
                        return Ok(Arg::Null);
                    }
                    read_one(key, &item, &full, lang)
                })
                .collect::<Result<Vec<Arg>, Error>>()
                .map(Arg::Object)
        }
    }
}

/// Checks a value for [`ParamKind::Json`] and returns its JSON text.
fn read_json(value: &Raw, kind: Kind) -> Result<String, Problem> {
    match kind {
        Kind::Absent | Kind::Other => return Err(Problem::Expected(Expected::Json)),
        Kind::Number(n) if !n.is_finite() => return Err(Problem::Expected(Expected::Json)),
        Kind::String if host::text_len(value) > MAX_JSON_LEN => {
            return Err(Problem::TooLong(MAX_JSON_LEN))
        }
        _ => {}
    }
    let text = host::json_text(value).ok_or(Problem::Expected(Expected::Json))?;
    if text.len() > MAX_JSON_LEN {
        return Err(Problem::TooLong(MAX_JSON_LEN));
    }
    // JSON escapes the controls below U+0020 but writes format characters as they are.
    if text.chars().any(is_forbidden_char) {
        return Err(Problem::BadCharacters);
    }
    Ok(text)
}

/// The character class of [`is_forbidden_char`], as JavaScript writes it.
const FORBIDDEN_CLASS: &str = "\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb";

/// One regular expression that accepts exactly what [`check_text_in_detail`] accepts (for the
/// forms it can say), so a valid argument costs one call into JavaScript in wasm.
pub fn fast_source(rule: TextRule) -> Option<String> {
    let max = rule.max_len;
    let length = format!("(?=[\\s\\S]{{1,{max}}}$)");
    match rule.form {
        TextForm::Printable => Some(format!("^[^{FORBIDDEN_CLASS}]{{1,{max}}}$")),
        TextForm::Token => Some(format!("^{length}[A-Za-z0-9._~+/-]+=*$")),
        TextForm::Base64 => Some(format!("^{length}[A-Za-z0-9+/]+={{0,2}}$")),
        TextForm::VisibleAscii => Some(format!("^[\\x21-\\x7e]{{1,{max}}}$")),
        TextForm::JsonObject => None,
    }
}

/// How a message names a key the caller wrote: itself when it has the shape of a name
/// (what makes "options.phne: unknown" useful), else a placeholder, since a key of another
/// shape may carry a value.
pub fn key_name(key: &str) -> &str {
    let mut chars = key.chars();
    let named = key.len() <= 40
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if named {
        key
    } else {
        "[key]"
    }
}

/// Checks a string against its rule, on the host's value: the fast path when there is
/// one, the detailed checks (which name what is wrong) otherwise or when it says no.
pub fn check_text(value: &Raw, rule: TextRule) -> Result<(), Problem> {
    check_text_kind(value, None, rule)
}

/// [`check_text`], told the value's kind when the caller already knows it.
fn check_text_kind(value: &Raw, kind: Option<Kind>, rule: TextRule) -> Result<(), Problem> {
    if fast_source(rule).is_some() {
        let id = 0x1_0000
            + ((rule.form as u32) << 20)
            + u32::try_from(rule.max_len)
                .unwrap_or(0xf_ffff)
                .min(0xf_ffff);
        let source = || fast_source(rule).unwrap_or_default();
        let fast = match kind {
            Some(Kind::String) => host::fast_test_string(value, id, &source),
            _ => host::fast_test(value, id, &source),
        };
        if fast == Some(true) {
            return Ok(());
        }
    }
    check_text_in_detail(value, rule)
}

/// A checked string argument (`kind`: the value's kind, when the caller knows it).
fn read_text(value: &Raw, kind: Option<Kind>, rule: TextRule) -> Result<Passed, Problem> {
    check_text_kind(value, kind, rule).map(|()| Passed::new(value.clone()))
}

/// The detailed checks of a string argument, each naming what is wrong.
pub fn check_text_in_detail(value: &Raw, rule: TextRule) -> Result<(), Problem> {
    let expected = match rule.form {
        TextForm::Printable | TextForm::VisibleAscii => Expected::Text,
        TextForm::Token => Expected::Token,
        TextForm::Base64 => Expected::Base64,
        TextForm::JsonObject => Expected::JsonObject,
    };
    if host::kind(value) != Kind::String {
        return Err(Problem::Expected(expected));
    }
    let len = host::text_len(value);
    if len == 0 {
        return Err(Problem::Expected(expected));
    }
    if len > rule.max_len {
        return Err(Problem::TooLong(rule.max_len));
    }
    if host::matches(value, Pattern::Forbidden) {
        return Err(Problem::BadCharacters);
    }
    let fits = match rule.form {
        TextForm::Printable => true,
        TextForm::Token => host::matches(value, Pattern::Token),
        TextForm::Base64 => host::matches(value, Pattern::Base64),
        TextForm::VisibleAscii => host::matches(value, Pattern::VisibleAscii),
        TextForm::JsonObject => host::is_json_object_text(value),
    };
    if fits {
        Ok(())
    } else {
        Err(Problem::Expected(expected))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::json;

    const OPTIONS: &[Param] = &[
        Param::new("iv", ParamKind::Text(TextRule::BASE64)).optional(),
        Param::new("cached", ParamKind::Flag).optional(),
    ];
    const PARAMS: &[Param] = &[
        Param::new("code", ParamKind::WxCode).secret(),
        Param::new("options", ParamKind::Object(OPTIONS)).optional(),
    ];

    fn message(values: &[Raw]) -> String {
        read_args(PARAMS, values, Lang::EnUs).unwrap_err().message
    }

    #[test]
    fn reads_good_arguments() {
        let args = read_args(
            PARAMS,
            &[json!("081abc"), json!({"iv": "aGk=", "cached": true})],
            Lang::EnUs,
        )
        .unwrap();
        assert_eq!(
            args[0].text().map(|p| (*p.0).clone()),
            Some(json!("081abc"))
        );
        assert_eq!(
            args[1].key(0).text().map(|p| (*p.0).clone()),
            Some(json!("aGk="))
        );
        assert!(args[1].key(1).flag());
        // The wx.login result itself, and trailing undefineds.
        let args = read_args(
            PARAMS,
            &[
                json!({"code": "081abc", "errMsg": "login:ok"}),
                Raw::Null,
                Raw::Null,
            ],
            Lang::EnUs,
        )
        .unwrap();
        assert!(args[0].is_given());
        assert!(!args[1].is_given());
    }

    #[test]
    fn names_the_parameter_never_the_value() {
        let secret = "SECRET-VALUE-123";
        let cases = [
            (vec![], "code: is required"),
            (
                vec![json!(123456)],
                "code: expected the code wx.login returned",
            ),
            (vec![json!("")], "code: expected"),
            (vec![json!(format!("{secret} x"))], "code: expected"),
            (vec![json!(format!("{secret}\u{202e}"))], "code: expected"),
            (
                vec![json!("c"), json!(secret)],
                "options: expected an object",
            ),
            (
                vec![json!("c"), json!({"iv": 5})],
                "options.iv: expected Base64 text",
            ),
            (
                vec![json!("c"), json!({"iv": format!("{secret}!")})],
                "options.iv: expected Base64",
            ),
            (
                vec![json!("c"), json!({"cached": "yes"})],
                "options.cached: expected true or false",
            ),
            (
                vec![json!("c"), json!({"other": secret})],
                "options.other: unknown",
            ),
            (
                vec![json!("c"), Raw::Null, json!(secret)],
                "argument 3 is one too many",
            ),
            (
                vec![json!("c"), json!({"iv": "A".repeat(20000)})],
                "longer than 16384",
            ),
        ];
        for (values, want) in cases {
            let got = message(&values);
            assert!(got.contains(want), "{got}");
            assert!(!got.contains(secret), "{got}");
            assert!(!got.contains("123456"), "{got}");
        }
        assert_eq!(message(&[]), "Invalid argument: code: is required");
    }

    #[test]
    fn forbidden_characters() {
        for c in [
            '\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{200e}', '\u{202a}', '\u{2066}', '\u{feff}',
        ] {
            assert!(is_forbidden_char(c), "{c:?}");
        }
        for c in ['a', ' ', '中', 'é', '\u{2013}', '😀'] {
            assert!(!is_forbidden_char(c), "{c:?}");
        }
    }
}
