//! The wasm boundary: the only `#[wasm_bindgen]` code.
//!
//! Calls are few and coarse, because on iOS WeChat runs wasm without a JIT and every
//! crossing costs: per network round trip the shim calls `prepare` once and `complete`
//! once. Values cross as JavaScript values, not text: the server's JSON is parsed by the
//! runtime (`wx.request` with `dataType: 'json'`), the core reads the few fields it decides
//! on through serde-wasm-bindgen and js-sys, and hands the rest back as the same objects.
//! Strings the core makes are made in JavaScript once per instance (static ones) or once per
//! client (URLs, ids, keys) and reused; only per-call text (messages, query strings) is
//! copied out.
//!
//! Every call returns one object:
//! - `{id, request, share?}`: send `request` with `wx.request`, then `complete` or `failed`;
//! - `{id, need: "wxLogin" | "storage", key?, share?}`: get it, then `supply` (or `failed`);
//! - `{ok: true, value, store?}` or `{ok: false, error: {code, message, serverCode?, data?},
//!   store?}`: finished; `store` lists `{key, value, cache}` writes (`value` undefined: remove
//!   the key; `cache`: a failed write removes the key and the call still succeeds).
//!
//! `share`: calls made with no arguments that may share one flight (concurrent
//! `loginByCode()`s share one `wx.login`); the shim keys them by it and `cancel`s the
//! duplicate.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, JsString, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::engine::{Client, Failure, Outcome, Reply, Step};
use crate::error::{Error, ErrorCode};
use crate::ops::{self, Need};
use crate::out::{Out, Request, Write};
use crate::session::Ledger;

thread_local! {
    /// One ledger per wasm instance: every client of the instance shares it.
    static LEDGER: Rc<Ledger> = Ledger::new();
}

/// The core of one `AuthenticationClient`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Core {
    client: Client,
    out: Builder,
}

/// Builds the host's values from the core's [`Out`]s.
#[derive(Debug, Default)]
struct Builder {
    /// JavaScript strings already made, by the address and length of the Rust string they
    /// came from (static strings, and the client's own shared ones, which live as long as
    /// the core that owns this builder).
    strings: RefCell<Vec<(usize, usize, JsValue)>>,
}

#[wasm_bindgen]
impl Core {
    /// Validates the options object. Throws `{ok: false, error: {code: "INVALID_OPTIONS", ...}}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Core, JsValue> {
        let ledger = LEDGER.with(Rc::clone);
        match Client::new(&options, ledger) {
            Ok(client) => Ok(Core {
                client,
                out: Builder::default(),
            }),
            Err(error) => Err(Builder::default().outcome(Outcome {
                result: Err(error),
                writes: Vec::new(),
            })),
        }
    }

    /// The storage keys to read at start: `[token key, legacy token key, legacy user key]`;
    /// the first is also read before every call and after every answer.
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys(&self) -> Array {
        self.client
            .storage_keys()
            .iter()
            .map(|key| self.out.shared(key))
            .collect()
    }

    /// Start-up, given what the three keys hold (`read_failed`: reading storage threw).
    /// Returns `{ok: true, value: null, store}`.
    pub fn start(
        &self,
        stored: JsValue,
        legacy_token: JsValue,
        legacy_user: JsValue,
        read_failed: bool,
        now: f64,
    ) -> JsValue {
        let writes = self
            .client
            .start(&stored, &legacy_token, &legacy_user, read_failed, now);
        self.out.outcome(Outcome {
            result: Ok(Out::Null),
            writes,
        })
    }

    /// Begins method `op` with its arguments (an array) and what storage holds under the
    /// token key.
    pub fn prepare(&self, op: &str, args: Array, stored: JsValue, now: f64) -> JsValue {
        let args: Vec<JsValue> = args.iter().collect();
        let step = self.client.prepare(op, &args, &stored, now);
        self.out.step(step)
    }

    /// The host got what call `id` needed.
    pub fn supply(&self, id: u32, value: JsValue, now: f64) -> JsValue {
        let step = self.client.supply(id, &value, now);
        self.out.step(step)
    }

    /// The answer to call `id`'s request: `status`, `data` and `header` as `wx.request` gave
    /// them, and what storage holds under the token key now.
    pub fn complete(
        &self,
        id: u32,
        status: u16,
        data: JsValue,
        header: JsValue,
        stored: JsValue,
        now: f64,
    ) -> JsValue {
        let reply = Reply {
            status,
            body: &data,
            header: &header,
        };
        let step = self.client.complete(id, reply, &stored, now);
        self.out.step(step)
    }

    /// The host could not do what call `id`'s last step asked: `kind` is `"timeout"`,
    /// `"network"`, `"wxLogin"` or `"storage"`, `detail` its own words.
    pub fn failed(&self, id: u32, kind: &str, detail: &str, stored: JsValue) -> JsValue {
        let step = self
            .client
            .fail(id, Failure::from_name(kind), detail, &stored);
        self.out.step(step)
    }

    /// The host gave call `id` up.
    pub fn cancel(&self, id: u32) {
        self.client.cancel(id);
    }

    /// The error for a failure of the host's own outside a call (`kind`: `"storage"` or
    /// `"wxLogin"`), in the client's language, with the host's words.
    #[wasm_bindgen(js_name = hostError)]
    pub fn host_error(&self, kind: &str, detail: &str) -> JsValue {
        let code = match Failure::from_name(kind) {
            Failure::Storage => ErrorCode::StorageFailed,
            Failure::WxLogin => ErrorCode::WxLoginFailed,
            Failure::Timeout => ErrorCode::Timeout,
            Failure::Network => ErrorCode::NetworkError,
        };
        self.out.error(&self.client.host_error(code, detail))
    }

    /// Calls in flight (for tests and the memory benchmark).
    #[wasm_bindgen(js_name = inFlight)]
    pub fn in_flight(&self) -> u32 {
        u32::try_from(self.client.in_flight()).unwrap_or(u32::MAX)
    }
}

/// The public methods of the operation table:
/// `[{name, params: [{name, optional, secret}]}]`, for the shim's check and the tests.
#[wasm_bindgen]
pub fn operations() -> Array {
    ops::OPERATIONS
        .iter()
        .map(|op| {
            let params: Array = op
                .params
                .iter()
                .map(|param| {
                    let entry = Object::new();
                    set(&entry, "name", &JsValue::from_str(param.name));
                    set(&entry, "optional", &JsValue::from_bool(param.optional));
                    set(&entry, "secret", &JsValue::from_bool(param.secret));
                    JsValue::from(entry)
                })
                .collect();
            let entry = Object::new();
            set(&entry, "name", &JsValue::from_str(op.name));
            set(&entry, "params", &params);
            JsValue::from(entry)
        })
        .collect()
}

/// Every error code JavaScript can see, from the Rust enum.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Array {
    ErrorCode::ALL
        .iter()
        .map(|code| JsValue::from_str(code.as_str()))
        .collect()
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

impl Builder {
    /// A JavaScript string for a Rust string that lives as long as this core (static, or
    /// shared by the client), made once.
    fn interned(&self, text: &str) -> JsValue {
        let key = (text.as_ptr() as usize, text.len());
        let mut strings = self.strings.borrow_mut();
        if let Some((_, _, value)) = strings.iter().find(|(p, l, _)| (*p, *l) == key) {
            return value.clone();
        }
        let value = JsValue::from_str(text);
        strings.push((key.0, key.1, value.clone()));
        value
    }

    fn shared(&self, text: &Rc<str>) -> JsValue {
        self.interned(text)
    }

    fn put(&self, target: &Object, key: &'static str, value: &JsValue) {
        // A fresh plain object: setting a property cannot fail.
        let _ = Reflect::set(target, &self.interned(key), value);
    }

    fn build(&self, out: &Out) -> JsValue {
        match out {
            Out::Undefined => JsValue::UNDEFINED,
            Out::Null => JsValue::NULL,
            Out::Bool(b) => JsValue::from_bool(*b),
            Out::Num(n) => JsValue::from_f64(*n),
            Out::Str(s) => self.interned(s),
            Out::Shared(s) => self.shared(s),
            Out::Text(s) => JsValue::from_str(s),
            Out::Raw(raw) => raw.0.clone(),
            Out::Bearer(token) => {
                let prefix: JsString = self.interned("Bearer ").into();
                match token.0.dyn_ref::<JsString>() {
                    Some(token) => prefix.concat(token).into(),
                    None => prefix.into(),
                }
            }
            Out::Obj(entries) => {
                let object = Object::new();
                for (key, value) in entries {
                    if !matches!(value, Out::Undefined) {
                        self.put(&object, key, &self.build(value));
                    }
                }
                object.into()
            }
        }
    }

    fn request(&self, request: &Request) -> JsValue {
        let object = Object::new();
        self.put(&object, "method", &self.interned(request.method.as_str()));
        self.put(&object, "url", &self.build(&request.url));
        self.put(&object, "header", &self.build(&request.header));
        if let Some(data) = &request.data {
            self.put(&object, "data", &self.build(data));
        }
        self.put(
            &object,
            "timeout",
            &JsValue::from_f64(f64::from(request.timeout)),
        );
        object.into()
    }

    fn step(&self, step: Step) -> JsValue {
        match step {
            Step::Send { id, request, share } => {
                let object = Object::new();
                self.put(&object, "id", &JsValue::from_f64(f64::from(id)));
                self.put(&object, "request", &self.request(&request));
                if let Some(share) = share {
                    self.put(&object, "share", &self.interned(share));
                }
                object.into()
            }
            Step::Need { id, need, share } => {
                let object = Object::new();
                self.put(&object, "id", &JsValue::from_f64(f64::from(id)));
                match need {
                    Need::WxLoginCode => self.put(&object, "need", &self.interned("wxLogin")),
                    Need::Storage(key) => {
                        self.put(&object, "need", &self.interned("storage"));
                        self.put(&object, "key", &self.shared(&key));
                    }
                }
                if let Some(share) = share {
                    self.put(&object, "share", &self.interned(share));
                }
                object.into()
            }
            Step::Done(outcome) => self.outcome(outcome),
        }
    }

    fn error(&self, error: &Error) -> JsValue {
        let object = Object::new();
        self.put(&object, "code", &self.interned(error.code.as_str()));
        self.put(&object, "message", &JsValue::from_str(&error.message));
        if let Some(code) = error.server_code {
            // GenAuth's and WeChat's codes are small integers: exact as f64.
            self.put(&object, "serverCode", &JsValue::from_f64(code as f64));
        }
        if let Some(data) = &error.data {
            self.put(&object, "data", &data.0);
        }
        object.into()
    }

    fn outcome(&self, outcome: Outcome) -> JsValue {
        let object = Object::new();
        match &outcome.result {
            Ok(value) => {
                self.put(&object, "ok", &JsValue::TRUE);
                self.put(&object, "value", &self.build(value));
            }
            Err(error) => {
                self.put(&object, "ok", &JsValue::FALSE);
                self.put(&object, "error", &self.error(error));
            }
        }
        if !outcome.writes.is_empty() {
            let store: Array = outcome.writes.iter().map(|w| self.write(w)).collect();
            self.put(&object, "store", &store);
        }
        object.into()
    }

    fn write(&self, write: &Write) -> JsValue {
        let object = Object::new();
        self.put(&object, "key", &self.shared(&write.key));
        if let Some(value) = &write.value {
            self.put(&object, "value", &self.build(value));
        }
        if write.cache {
            self.put(&object, "cache", &JsValue::TRUE);
        }
        object.into()
    }
}
