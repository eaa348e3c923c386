//! What the core hands the host: values to build, requests to send, storage writes to make.
//!
//! An [`Out`] is built into a host value by the boundary (in wasm, `src/wasm.rs`, which
//! makes each static string once and reuses it; natively, [`Out::to_json`] for tests).
//! Values the core got from the host ([`Out::Raw`]) go back as they are: the server's user
//! object is never copied.

use std::rc::Rc;

use crate::host::Passed;

/// A value for the host to build.
#[derive(Clone)]
pub enum Out {
    /// `undefined` (a removed storage key; an absent optional key).
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string known at compile time (made once per instance by the boundary).
    Str(&'static str),
    /// A string shared for a client's lifetime (its URLs, ids and keys; made once per client).
    Shared(Rc<str>),
    /// A string made for this call.
    Text(String),
    /// A host value, passed back untouched.
    Raw(Passed),
    /// `"Bearer " + token`, the token a host value (joined by the host).
    Bearer(Passed),
    /// An object with these keys, in order (`Undefined` values are left out).
    Obj(Vec<(&'static str, Out)>),
    /// An array.
    List(Vec<Out>),
    /// A `Date` at this time (ms since the epoch; `NaN` makes an invalid date).
    Date(f64),
    /// An object whose keys are host strings (keys known only at run time).
    Entries(Vec<(Passed, Out)>),
    /// A value the host may build once and reuse for as long as it is handed the same `Rc`
    /// (a request head, kept by the engine while the token stays the same). Hosts must not
    /// change what they built from it (the shim copies the headers it gives `wx.request`).
    Kept(Rc<Out>),
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Out::Undefined => f.write_str("undefined"),
            Out::Null => f.write_str("null"),
            Out::Bool(b) => write!(f, "{b}"),
            Out::Num(n) => write!(f, "{n}"),
            Out::Str(s) => write!(f, "{s:?}"),
            Out::Shared(s) => write!(f, "{:?}", &**s),
            // Made per call: may carry a secret.
            Out::Text(_) => f.write_str("\"[redacted]\""),
            Out::Raw(_) => f.write_str("[redacted]"),
            Out::Bearer(_) => f.write_str("\"Bearer [redacted]\""),
            Out::Obj(entries) => f
                .debug_map()
                .entries(entries.iter().map(|(k, v)| (k, v)))
                .finish(),
            Out::List(items) => f.debug_list().entries(items).finish(),
            Out::Date(ms) => write!(f, "Date({ms})"),
            Out::Entries(entries) => f
                .debug_map()
                .entries(entries.iter().map(|(_, v)| ("[key]", v)))
                .finish(),
            Out::Kept(inner) => inner.fmt(f),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Out {
    /// The value as JSON (native builds: what tests compare). `Undefined` keys are left out,
    /// as `JSON.stringify` and `wx.request` leave them out.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Out::Undefined | Out::Null => Value::Null,
            Out::Bool(b) => Value::Bool(*b),
            // Whole numbers as integers, as JSON.stringify writes them.
            Out::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => Value::from(*n as i64),
            Out::Num(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            Out::Str(s) => Value::String((*s).to_owned()),
            Out::Shared(s) => Value::String(s.to_string()),
            Out::Text(s) => Value::String(s.clone()),
            Out::Raw(raw) => (*raw.0).clone(),
            Out::Bearer(token) => {
                Value::String(format!("Bearer {}", token.0.as_str().unwrap_or_default()))
            }
            Out::Obj(entries) => Value::Object(
                entries
                    .iter()
                    .filter(|(_, v)| !matches!(v, Out::Undefined))
                    .map(|(k, v)| ((*k).to_owned(), v.to_json()))
                    .collect(),
            ),
            Out::List(items) => Value::Array(items.iter().map(Out::to_json).collect()),
            // As JSON.stringify writes a Date (its toJSON), here as the ms for tests.
            Out::Date(ms) => serde_json::json!({ "$date": Out::Num(*ms).to_json() }),
            Out::Entries(entries) => Value::Object(
                entries
                    .iter()
                    .filter(|(_, v)| !matches!(v, Out::Undefined))
                    .map(|(k, v)| (k.0.as_str().unwrap_or_default().to_owned(), v.to_json()))
                    .collect(),
            ),
            Out::Kept(inner) => inner.to_json(),
        }
    }
}

/// HTTP methods the SDK uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The name `wx.request` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request for `wx.request`: `head` is `{method, url, header, timeout}` (the same for every
/// call of an operation with the same token, so the engine keeps it: an [`Out::Kept`]),
/// `data` the body (an object `wx.request` sends as JSON).
#[derive(Clone, Debug)]
pub struct Request {
    /// `{method, url, header, timeout}`.
    pub head: Out,
    /// The body, if any.
    pub data: Option<Out>,
}

impl Request {
    /// The head `{method, url, header, timeout}` of a request.
    pub fn head(method: Method, url: Out, header: Out, timeout: u32) -> Out {
        Out::Obj(vec![
            ("method", Out::Str(method.as_str())),
            ("url", url),
            ("header", header),
            ("timeout", Out::Num(f64::from(timeout))),
        ])
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl Request {
    /// The request as the `wx.request` options JSON (native builds, for tests).
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = self.head.to_json();
        if let Some(data) = &self.data {
            json["data"] = data.to_json();
        }
        json
    }

    fn head_entries(&self) -> &[(&'static str, Out)] {
        let head: &Out = match &self.head {
            Out::Kept(inner) => inner,
            other => other,
        };
        match head {
            Out::Obj(entries) => entries,
            _ => &[],
        }
    }

    /// The value of header `name` (case-insensitive), if present (native builds, for tests).
    pub fn header(&self, name: &str) -> Option<String> {
        let header = self.head_entries().iter().find(|(k, _)| *k == "header")?;
        match &header.1 {
            Out::Obj(entries) => entries
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.to_json().as_str().map(str::to_owned)),
            _ => None,
        }
    }
}

/// A write to WeChat storage.
#[derive(Clone, Debug)]
pub struct Write {
    /// The key.
    pub key: Rc<str>,
    /// The value to store, or `None` to remove the key.
    pub value: Option<Out>,
    /// A cache (the user object): if storage refuses it, the host removes the key instead
    /// and the call still succeeds. The token is never a cache.
    pub cache: bool,
}
