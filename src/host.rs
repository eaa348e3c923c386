//! The host's values, as the core sees them.
//!
//! In wasm a [`Raw`] is a JavaScript value (`JsValue`): the server's JSON as the runtime
//! parsed it, a storage value, a method argument. The core reads only what it decides on
//! (a property, a string's characters, a pattern test) and hands everything else back
//! untouched, so a user object never crosses into wasm and back. Natively (`cargo test`) a
//! [`Raw`] is a `serde_json::Value`, and the same decision code runs on it.
//!
//! Every function here has the same meaning on both; the wasm versions cost one or a few
//! calls into JavaScript, and copy characters into wasm only where they say so.

use std::rc::Rc;

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;
#[cfg(target_arch = "wasm32")]
pub use wasm::*;

/// A host value the core passes through without reading it. Its `Debug` is redacted: it may
/// be a token, a user object or anything a caller passed. Shared, so that handing it to
/// several places (the result, a storage write) copies nothing (in wasm, a clone of a
/// `JsValue` is a call into JavaScript; of an `Rc`, it is not).
#[derive(Clone, Default)]
pub struct Passed(pub Rc<Raw>);

impl Passed {
    /// Wraps a host value.
    pub fn new(raw: Raw) -> Passed {
        Passed(Rc::new(raw))
    }

    /// The object without property `key` (in wasm, removed in place: the same object).
    pub fn without(self, key: &'static str) -> Passed {
        #[cfg(target_arch = "wasm32")]
        {
            remove_key(&self.0, key);
            self
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            Passed::new(without_key(&self.0, key))
        }
    }
}

impl std::fmt::Debug for Passed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passed([redacted])")
    }
}

/// What kind of value a [`Raw`] is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// `undefined` or `null`.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A number (`NaN` and infinities included).
    Number(f64),
    /// A string.
    String,
    /// An array.
    Array,
    /// Any other object.
    Object,
    /// A function, a symbol, a bigint: nothing JSON can hold.
    Other,
}

/// Patterns the core tests strings against without copying them (in wasm, as JavaScript
/// regular expressions; natively, in Rust).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Holds a control or format character (C0, DEL, C1, bidi marks and overrides, zero
    /// widths, BOM): the one pattern that is a failure when it matches.
    Forbidden,
    /// Visible ASCII only, non-empty (`wx.login` codes).
    VisibleAscii,
    /// RFC 6750 `b64token`: `[A-Za-z0-9-._~+/]+=*` (tokens sent as `Bearer`).
    Token,
    /// Standard Base64 with optional padding.
    Base64,
}

impl Pattern {
    /// The JavaScript source of the pattern (kept beside the Rust test so they agree).
    pub fn source(self) -> &'static str {
        match self {
            Pattern::Forbidden => {
                "[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufff9-\\ufffb]"
            }
            Pattern::VisibleAscii => "^[\\x21-\\x7e]+$",
            Pattern::Token => "^[A-Za-z0-9._~+/-]+=*$",
            Pattern::Base64 => "^[A-Za-z0-9+/]+={0,2}$",
        }
    }

    /// The same test on a Rust string.
    pub fn test_str(self, text: &str) -> bool {
        match self {
            Pattern::Forbidden => text.chars().any(crate::args::is_forbidden_char),
            Pattern::VisibleAscii => {
                !text.is_empty() && text.bytes().all(|b| (0x21..=0x7e).contains(&b))
            }
            Pattern::Token => {
                let body = text.trim_end_matches('=');
                !body.is_empty()
                    && body.bytes().all(|b| {
                        b.is_ascii_alphanumeric()
                            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
                    })
            }
            Pattern::Base64 => {
                let body = text.strip_suffix("==").or_else(|| text.strip_suffix('='));
                let body = body.unwrap_or(text);
                !body.is_empty()
                    && body
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            }
        }
    }
}

/// A numeric code as servers send it: a whole number, or a string of digits.
pub fn code_of(value: &Raw) -> Option<i64> {
    if let Some(n) = number(value) {
        // Whole and in range, so the cast is exact.
        return (n.fract() == 0.0 && n.abs() < 1e15).then_some(n as i64);
    }
    if kind(value) == Kind::String && text_len(value) <= 24 {
        return text(value)?.trim().parse().ok();
    }
    None
}

/// An id as servers send it: a non-empty string (of reasonable length), or a whole number.
pub fn id_of(value: &Raw) -> Option<String> {
    if let Some(n) = number(value) {
        return (n.fract() == 0.0 && n.abs() < 9e15).then(|| format!("{}", n as i64));
    }
    if kind(value) == Kind::String && (1..=256).contains(&text_len(value)) {
        return text(value);
    }
    None
}

/// A string of at most `max` UTF-16 units, copied in (`None` for other kinds or a longer one,
/// which is not copied at all).
pub fn short_text(value: &Raw, max: usize) -> Option<String> {
    if kind(value) == Kind::String && text_len(value) <= max {
        text(value)
    } else {
        None
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    //! Host values in native builds: `serde_json::Value`.
    use super::{Kind, Pattern};
    /// A host value (natively, JSON).
    pub type Raw = serde_json::Value;

    /// `undefined` (natively: `null`).
    pub fn undefined() -> Raw {
        Raw::Null
    }

    /// The kind of `value`.
    pub fn kind(value: &Raw) -> Kind {
        match value {
            Raw::Null => Kind::Absent,
            Raw::Bool(b) => Kind::Bool(*b),
            Raw::Number(n) => Kind::Number(n.as_f64().unwrap_or(f64::NAN)),
            Raw::String(_) => Kind::String,
            Raw::Array(_) => Kind::Array,
            Raw::Object(_) => Kind::Object,
        }
    }

    /// A copy of the string `value` holds (`None` for other kinds).
    pub fn text(value: &Raw) -> Option<String> {
        value.as_str().map(str::to_owned)
    }

    /// Whether `value` is `undefined` or `null`.
    pub fn is_absent(value: &Raw) -> bool {
        value.is_null()
    }

    /// Whether `value` is an object and not an array.
    pub fn is_plain_object(value: &Raw) -> bool {
        value.is_object()
    }

    /// The number `value` holds (`None` for other kinds).
    pub fn number(value: &Raw) -> Option<f64> {
        value.as_f64()
    }

    /// The length of a string in UTF-16 units, as JavaScript counts (0 for other kinds).
    pub fn text_len(value: &Raw) -> usize {
        value.as_str().map_or(0, |s| s.encode_utf16().count())
    }

    /// Whether the string `value` matches `pattern` (`false` for other kinds).
    pub fn matches(value: &Raw, pattern: Pattern) -> bool {
        value.as_str().is_some_and(|s| pattern.test_str(s))
    }

    /// Property `key` of an object (`undefined` when absent or not an object).
    pub fn get(value: &Raw, key: &'static str) -> Raw {
        value.get(key).cloned().unwrap_or(Raw::Null)
    }

    /// Whether an object has property `key` (even if its value is `null`).
    pub fn has(value: &Raw, key: &'static str) -> bool {
        value.get(key).is_some()
    }

    /// Item `index` of an array (`undefined` when absent or not an array).
    pub fn item(value: &Raw, index: u32) -> Raw {
        value.get(index as usize).cloned().unwrap_or(Raw::Null)
    }

    /// The own keys of an object (empty for other kinds).
    pub fn keys(value: &Raw) -> Vec<String> {
        value
            .as_object()
            .map(|map| map.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// `a === b`.
    pub fn same(a: &Raw, b: &Raw) -> bool {
        a == b
    }

    /// Parses JSON text (`None` when it is not JSON).
    pub fn parse_json(text: &str) -> Option<Raw> {
        serde_json::from_str(text).ok()
    }

    /// Whether the string `value` is the JSON text of an object.
    pub fn is_json_object_text(value: &Raw) -> bool {
        value
            .as_str()
            .and_then(|s| serde_json::from_str::<Raw>(s).ok())
            .is_some_and(|v| v.is_object())
    }

    /// Property `key` of an object, for a key known only at run time.
    pub fn get_named(value: &Raw, key: &str) -> Raw {
        value.get(key).cloned().unwrap_or(Raw::Null)
    }

    /// Whether `value` is `null` itself (natively, JSON `null`: an absent key is never read).
    pub fn is_null(value: &Raw) -> bool {
        value.is_null()
    }

    /// The length of an array (0 for other kinds).
    pub fn array_len(value: &Raw) -> u32 {
        value
            .as_array()
            .map_or(0, |items| u32::try_from(items.len()).unwrap_or(u32::MAX))
    }

    /// `JSON.stringify(value)` (`None` where JavaScript gives `undefined` or throws).
    pub fn json_text(value: &Raw) -> Option<String> {
        serde_json::to_string(value).ok()
    }

    /// The bytes of a `Uint8Array` or `ArrayBuffer` (natively: an array of numbers 0..=255).
    pub fn bytes(value: &Raw) -> Option<Vec<u8>> {
        value
            .as_array()?
            .iter()
            .map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect()
    }

    /// No fast path natively: the detailed checks always decide.
    pub fn fast_test(_: &Raw, _: u32, _: &dyn Fn() -> String) -> Option<bool> {
        None
    }

    /// No fast path natively: the detailed checks always decide.
    pub fn fast_test_string(_: &Raw, _: u32, _: &dyn Fn() -> String) -> Option<bool> {
        None
    }

    /// Removes property `key` from an object (natively on a copy, which is returned).
    pub fn without_key(value: &Raw, key: &'static str) -> Raw {
        let mut value = value.clone();
        if let Some(map) = value.as_object_mut() {
            map.remove(key);
        }
        value
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    //! Host values in wasm: `JsValue`s, read through a few imported JavaScript functions.
    use std::cell::RefCell;

    use super::{Kind, Pattern};
    use js_sys::{JsString, Object, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    /// A host value (in wasm, a JavaScript value).
    pub type Raw = JsValue;

    #[wasm_bindgen]
    extern "C" {
        /// A JavaScript regular expression.
        #[wasm_bindgen(js_name = RegExp)]
        type JsPattern;

        /// `new RegExp(source)`.
        #[wasm_bindgen(constructor, js_class = "RegExp")]
        fn new(source: &str) -> JsPattern;

        /// `RegExp.prototype.test` on a value, without copying the string into wasm.
        #[wasm_bindgen(method, js_name = test)]
        fn test(this: &JsPattern, text: &JsValue) -> bool;

        /// `JSON.parse` of a string value, without copying it into wasm.
        #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
        fn parse_value(text: &JsValue) -> Result<JsValue, JsValue>;

        /// `Object.keys`.
        #[wasm_bindgen(js_namespace = Object, js_name = keys)]
        fn object_keys(value: &JsValue) -> js_sys::Array;

        /// `JSON.stringify`, which gives `undefined` for functions and symbols and throws
        /// on cycles and bigints.
        #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
        fn stringify(value: &JsValue) -> Result<JsValue, JsValue>;
    }

    thread_local! {
        /// The compiled patterns, made on first use.
        static PATTERNS: RefCell<Vec<(Pattern, JsPattern)>> = const { RefCell::new(Vec::new()) };
        /// Property names as JavaScript strings, made once each (by the address of the
        /// static Rust string).
        static KEYS: RefCell<Vec<(usize, JsValue)>> = const { RefCell::new(Vec::new()) };
    }

    thread_local! {
        /// The fast-path regular expressions of [`fast_test`], by id.
        static FAST: RefCell<Vec<(u32, JsPattern)>> = const { RefCell::new(Vec::new()) };
    }

    /// Runs `f` with the JavaScript string of a static property name, made once and lent
    /// (a clone or a drop of a `JsValue` is a call into JavaScript too).
    fn with_key<R>(name: &'static str, f: impl FnOnce(&JsValue) -> R) -> R {
        KEYS.with(|cell| {
            let at = name.as_ptr() as usize;
            if let Some((_, value)) = cell.borrow().iter().find(|(p, _)| *p == at) {
                return f(value);
            }
            let value = JsValue::from_str(name);
            let result = f(&value);
            cell.borrow_mut().push((at, value));
            result
        })
    }

    /// Tests a string against the regular expression `source()` (made once per `id`): one
    /// call into JavaScript for what the detailed checks do in several. `Some(false)` for
    /// anything but a string.
    pub fn fast_test(value: &Raw, id: u32, source: &dyn Fn() -> String) -> Option<bool> {
        if !value.is_string() {
            return Some(false);
        }
        fast_test_string(value, id, source)
    }

    /// [`fast_test`] on a value known to be a string.
    pub fn fast_test_string(value: &Raw, id: u32, source: &dyn Fn() -> String) -> Option<bool> {
        FAST.with(|cell| {
            if let Some((_, pattern)) = cell.borrow().iter().find(|(known, _)| *known == id) {
                return Some(pattern.test(value));
            }
            let pattern = JsPattern::new(&source());
            let result = pattern.test(value);
            cell.borrow_mut().push((id, pattern));
            Some(result)
        })
    }

    /// `undefined`.
    pub fn undefined() -> Raw {
        JsValue::UNDEFINED
    }

    /// The kind of `value`, in as few calls into JavaScript as the common kinds allow
    /// (strings and absent values first, then objects).
    pub fn kind(value: &Raw) -> Kind {
        if value.is_string() {
            Kind::String
        } else if value.loose_eq(&JsValue::NULL) {
            Kind::Absent
        } else if value.is_object() {
            if js_sys::Array::is_array(value) {
                Kind::Array
            } else {
                Kind::Object
            }
        } else if let Some(n) = value.as_f64() {
            Kind::Number(n)
        } else if let Some(b) = value.as_bool() {
            Kind::Bool(b)
        } else {
            // Functions, symbols, bigints.
            Kind::Other
        }
    }

    /// Whether `value` is `undefined` or `null` (one call).
    pub fn is_absent(value: &Raw) -> bool {
        value.loose_eq(&JsValue::NULL)
    }

    /// Whether `value` is an object and not an array (two calls).
    pub fn is_plain_object(value: &Raw) -> bool {
        value.is_object() && !js_sys::Array::is_array(value)
    }

    /// A copy of the string `value` holds (`None` for other kinds). This is the one place
    /// characters cross into wasm.
    pub fn text(value: &Raw) -> Option<String> {
        value.as_string()
    }

    /// The number `value` holds (`None` for other kinds).
    pub fn number(value: &Raw) -> Option<f64> {
        value.as_f64()
    }

    /// The length of a string in UTF-16 units (0 for other kinds).
    pub fn text_len(value: &Raw) -> usize {
        if value.is_string() {
            // u32 → usize is lossless on wasm32.
            value.unchecked_ref::<JsString>().length() as usize
        } else {
            0
        }
    }

    /// Whether the string `value` matches `pattern` (`false` for other kinds).
    pub fn matches(value: &Raw, pattern: Pattern) -> bool {
        if !value.is_string() {
            return false;
        }
        PATTERNS.with(|cell| {
            let mut patterns = cell.borrow_mut();
            let found = patterns.iter().position(|(p, _)| *p == pattern);
            let at = match found {
                Some(at) => at,
                None => {
                    patterns.push((pattern, JsPattern::new(pattern.source())));
                    patterns.len() - 1
                }
            };
            patterns[at].1.test(value)
        })
    }

    /// Property `key` of an object (`undefined` when absent or not an object).
    pub fn get(value: &Raw, name: &'static str) -> Raw {
        // `Reflect.get` throws on a primitive, which reads as `undefined`: no type test first
        // (objects are the common case, and each test is a call into JavaScript).
        with_key(name, |key| Reflect::get(value, key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// Whether an object has property `key` (even if its value is `null`).
    pub fn has(value: &Raw, name: &'static str) -> bool {
        with_key(name, |key| Reflect::has(value, key)).unwrap_or(false)
    }

    /// Item `index` of an array (`undefined` when absent or not an array).
    pub fn item(value: &Raw, index: u32) -> Raw {
        if !js_sys::Array::is_array(value) {
            return JsValue::UNDEFINED;
        }
        Reflect::get_u32(value, index).unwrap_or(JsValue::UNDEFINED)
    }

    /// The own enumerable keys of an object (empty for other kinds).
    pub fn keys(value: &Raw) -> Vec<String> {
        if !value.is_object() {
            return Vec::new();
        }
        object_keys(value)
            .iter()
            .filter_map(|key| key.as_string())
            .collect()
    }

    /// `a === b`.
    pub fn same(a: &Raw, b: &Raw) -> bool {
        a == b
    }

    /// Parses JSON text (`None` when it is not JSON).
    pub fn parse_json(text: &str) -> Option<Raw> {
        parse_value(&JsValue::from_str(text)).ok()
    }

    /// Whether the string `value` is the JSON text of an object.
    pub fn is_json_object_text(value: &Raw) -> bool {
        value.is_string()
            && parse_value(value).is_ok_and(|v| v.is_object() && !js_sys::Array::is_array(&v))
    }

    /// Property `key` of an object, for a key known only at run time.
    pub fn get_named(value: &Raw, key: &str) -> Raw {
        Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    /// Whether `value` is `null` itself (not `undefined`).
    pub fn is_null(value: &Raw) -> bool {
        value.is_null()
    }

    /// The length of an array (0 for other kinds).
    pub fn array_len(value: &Raw) -> u32 {
        if js_sys::Array::is_array(value) {
            value.unchecked_ref::<js_sys::Array>().length()
        } else {
            0
        }
    }

    /// `JSON.stringify(value)` (`None` where JavaScript gives `undefined` or throws).
    pub fn json_text(value: &Raw) -> Option<String> {
        stringify(value).ok()?.as_string()
    }

    /// The bytes of a `Uint8Array` or `ArrayBuffer`.
    pub fn bytes(value: &Raw) -> Option<Vec<u8>> {
        if value.is_instance_of::<js_sys::Uint8Array>()
            || value.is_instance_of::<js_sys::ArrayBuffer>()
        {
            Some(js_sys::Uint8Array::new(value).to_vec())
        } else {
            None
        }
    }

    /// Removes property `key` from an object, in place.
    pub fn remove_key(value: &Raw, name: &'static str) {
        // A frozen object keeps the key; nothing else can fail here.
        let _ = with_key(name, |key| {
            Reflect::delete_property(value.unchecked_ref::<Object>(), key)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(Pattern::Token.test_str("a.b-c_d~e+f/g=="));
        assert!(!Pattern::Token.test_str("a b"));
        assert!(!Pattern::Token.test_str("=="));
        assert!(!Pattern::Token.test_str("a=b"));
        assert!(Pattern::VisibleAscii.test_str("081aBc-_~!"));
        assert!(!Pattern::VisibleAscii.test_str("a b"));
        assert!(!Pattern::VisibleAscii.test_str(""));
        assert!(!Pattern::VisibleAscii.test_str("中"));
        assert!(Pattern::Base64.test_str("ab+/Zz=="));
        assert!(!Pattern::Base64.test_str("ab-_"));
        assert!(!Pattern::Base64.test_str("="));
        for bad in [
            "a\u{0}",
            "\u{202e}x",
            "x\u{200b}",
            "\u{feff}",
            "a\u{85}",
            "\n",
        ] {
            assert!(Pattern::Forbidden.test_str(bad), "{bad:?}");
        }
        assert!(!Pattern::Forbidden.test_str("普通 text ✓ é"));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn lenient_readers() {
        use serde_json::json;
        assert_eq!(code_of(&json!(200)), Some(200));
        assert_eq!(code_of(&json!(" 2004 ")), Some(2004));
        assert_eq!(code_of(&json!(-1)), Some(-1));
        assert_eq!(code_of(&json!(40029.0)), Some(40029));
        for other in [
            json!(null),
            json!(1.5),
            json!("x"),
            json!({}),
            json!([]),
            json!(1e300),
            json!("9".repeat(40)),
        ] {
            assert_eq!(code_of(&other), None, "{other}");
        }
        assert_eq!(id_of(&json!("u1")).as_deref(), Some("u1"));
        assert_eq!(id_of(&json!(42)).as_deref(), Some("42"));
        for other in [
            json!(""),
            json!(null),
            json!(true),
            json!(1.5),
            json!([1]),
            json!({"a": 1}),
            json!("x".repeat(300)),
        ] {
            assert_eq!(id_of(&other), None, "{other}");
        }
        assert_eq!(short_text(&json!("abc"), 3).as_deref(), Some("abc"));
        assert_eq!(short_text(&json!("abcd"), 3), None);
        assert_eq!(short_text(&json!(5), 3), None);
        let object = Passed::new(json!({"id": "u", "password": "hash"}));
        assert_eq!(*object.without("password").0, json!({"id": "u"}));
    }

    #[test]
    fn passed_values_are_redacted() {
        let shown = format!("{:?}", Passed::new(Raw::from("secret")));
        assert!(!shown.contains("secret"));
    }
}
