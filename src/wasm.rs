//! The wasm boundary: the only `#[wasm_bindgen]` code.
//!
//! Calls are few and coarse, because on iOS WeChat runs wasm without a JIT and every
//! crossing costs: per network round trip the shim calls `prepare` once and `complete`
//! once, and wasm calls back into JavaScript as little as it can. Values cross as
//! JavaScript values, not text: the server's JSON is parsed by the runtime (`wx.request`
//! with `dataType: 'json'`), the core reads the few fields it decides on through js-sys
//! (`src/host.rs`), and hands the rest back as the same objects. Strings the core makes are
//! made in JavaScript once per core (static ones, and the client's URLs, ids and keys) and
//! reused; a request head once per operation and token; only per-call text (messages,
//! query strings) is copied out. Arguments are borrowed, so nothing is released after.
//!
//! Every call returns one array (built in one call, where an object would take one per key):
//! - `[id, head, data, share]`: send `head` (`{method, url, header, timeout}`) with `data`
//!   through `wx.request`, then `complete` or `failed`;
//! - `[id, need, key, share]`, `need` a string: get it, then `supply` (or `failed`):
//!   `"wxLogin"` (a fresh `wx.login` code), `"storage"` (the value under `key`), `"random"`
//!   (`key` random bytes, a `Uint8Array`), `"spareCode"` (the `{code, at}` of the `wx.login`
//!   made before this call, or `undefined`), `"chooseImage"` (a temp path the user picks),
//!   `"upload"` (`wx.uploadFile` of `key[1]` to `key[0]`: `{status, data}`);
//! - `[ok, value or error, store]`, `ok` a boolean: finished; `error` is `{code, message,
//!   serverCode?, data?, onErrorCode?}` (`onErrorCode`: what the `onError` hook is called
//!   with); `store` lists `[key, value, cache]` writes (`value` undefined:
//!   remove the key; `cache`: a refused write does not fail the call; the host holds refused
//!   writes in memory).
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
use crate::out::{Out, Write};
use crate::session::Ledger;

thread_local! {
    /// One ledger per wasm instance: every client of the instance shares it.
    static LEDGER: Rc<Ledger> = Ledger::new();
}

/// Test builds only (`--features trap-switch`; `build.sh test` makes one beside the shipped
/// package): makes the core trap for real, as a bug or an exhausted memory would, so the
/// shim's recovery is tested on a true `RuntimeError`, not a simulated one. The shipped
/// wasm has neither this export nor the checks.
#[cfg(feature = "trap-switch")]
mod trap_switch {
    use std::cell::Cell;

    use wasm_bindgen::prelude::*;

    /// Where the next trap happens.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Point {
        /// At the next `prepare`.
        Prepare,
        /// At the next `complete` (an answer coming back, a request of the call in flight).
        Complete,
    }

    /// How it traps.
    #[derive(Clone, Copy)]
    enum Trap {
        /// `unreachable`, as a failed assertion in the core would.
        Unreachable,
        /// An allocation that cannot be satisfied (out of memory).
        OutOfMemory,
    }

    thread_local! {
        static ARMED: Cell<Option<(Point, Trap)>> = const { Cell::new(None) };
    }

    /// Arms a trap for the next call that passes its point: `"prepare"`, `"complete"`
    /// (`unreachable` there), `"oom"` (out of memory at `prepare`); anything else disarms.
    #[wasm_bindgen(js_name = trapSwitch)]
    pub fn arm(point: &str) {
        let armed = match point {
            "prepare" => Some((Point::Prepare, Trap::Unreachable)),
            "complete" => Some((Point::Complete, Trap::Unreachable)),
            "oom" => Some((Point::Prepare, Trap::OutOfMemory)),
            _ => None,
        };
        ARMED.with(|cell| cell.set(armed));
    }

    /// Traps if a trap is armed at `at` (once).
    pub fn check(at: Point) {
        let Some((point, trap)) = ARMED.with(Cell::get) else {
            return;
        };
        if point != at {
            return;
        }
        ARMED.with(|cell| cell.set(None));
        match trap {
            // Where a failed allocation ends: the allocation error handler, which aborts (a
            // trap) under panic=abort.
            Trap::OutOfMemory => {
                std::alloc::handle_alloc_error(std::alloc::Layout::new::<[u8; 1 << 20]>())
            }
            Trap::Unreachable => core::arch::wasm32::unreachable(),
        }
    }
}

/// Traps here if the test build's trap switch is armed at `point` (nothing in shipped builds).
macro_rules! trap_point {
    ($point:ident) => {
        #[cfg(feature = "trap-switch")]
        trap_switch::check(trap_switch::Point::$point);
    };
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
    strings: RefCell<Vec<(usize, usize, Rc<JsValue>)>>,
    /// [`Out::Kept`] values already built, by the `Rc` the engine handed over.
    kept: RefCell<Vec<(Rc<Out>, Rc<JsValue>)>>,
}

#[wasm_bindgen]
impl Core {
    /// Validates the options object. Throws the outcome `[false, {code: "INVALID_OPTIONS", ...}]`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsValue) -> Result<Core, JsValue> {
        let ledger = LEDGER.with(Rc::clone);
        match Client::new(options, ledger) {
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
            .map(|key| JsValue::from_str(key))
            .collect()
    }

    /// Start-up, given what the three keys hold (`read_failed`: reading storage threw).
    /// Returns the outcome `[true, null, store]`.
    pub fn start(
        &self,
        stored: &JsValue,
        legacy_token: &JsValue,
        legacy_user: &JsValue,
        read_failed: bool,
        now: f64,
    ) -> JsValue {
        let writes = self
            .client
            .start(stored, legacy_token, legacy_user, read_failed, now);
        self.out.outcome(Outcome {
            result: Ok(Out::Null),
            writes,
        })
    }

    /// Begins method number `op` of the operation table (see [`operations`]; a number, so no
    /// string crosses) with its `argc` arguments (the first five passed one by one, and
    /// borrowed: no array to read element by element, nothing to release; more than five
    /// is always too many) and what storage holds under the token key.
    #[allow(clippy::too_many_arguments)]
    pub fn prepare(
        &self,
        op: u32,
        argc: u32,
        a0: &JsValue,
        a1: &JsValue,
        a2: &JsValue,
        a3: &JsValue,
        a4: &JsValue,
        stored: &JsValue,
        now: f64,
    ) -> JsValue {
        trap_point!(Prepare);
        let given = usize::try_from(argc).unwrap_or(usize::MAX);
        let extra = JsValue::TRUE;
        let all = [a0, a1, a2, a3, a4];
        let mut args: Vec<&JsValue> = all.into_iter().take(given).collect();
        if given > args.len() {
            // A sixth argument is past every method's parameters: make the reader say so.
            args.push(&extra);
        }
        let step = match usize::try_from(op)
            .ok()
            .and_then(|at| ops::OPERATIONS.get(at))
        {
            Some(op) => self.client.prepare_op(op, &args, stored, now),
            // Not an entry of the table: the shim and the core disagree.
            None => self.client.prepare("", &args, stored, now),
        };
        self.out.step(step)
    }

    /// The host got what call `id` needed.
    pub fn supply(&self, id: u32, value: &JsValue, now: f64) -> JsValue {
        let step = self.client.supply(id, value, now);
        self.out.step(step)
    }

    /// The answer to call `id`'s request: `status`, `data` and `header` as `wx.request` gave
    /// them, and what storage holds under the token key now.
    pub fn complete(
        &self,
        id: u32,
        status: u16,
        data: &JsValue,
        header: &JsValue,
        stored: &JsValue,
        now: f64,
    ) -> JsValue {
        trap_point!(Complete);
        let reply = Reply {
            status,
            body: data,
            header,
        };
        let step = self.client.complete(id, reply, stored, now);
        self.out.step(step)
    }

    /// The host could not do what call `id`'s last step asked: `kind` is `"timeout"`,
    /// `"network"`, `"wxLogin"` or `"storage"`, `detail` its own words.
    pub fn failed(&self, id: u32, kind: &str, detail: &str, stored: &JsValue) -> JsValue {
        let step = self
            .client
            .fail(id, Failure::from_name(kind), detail, stored);
        self.out.step(step)
    }

    /// The host gave call `id` up.
    pub fn cancel(&self, id: u32) {
        self.client.cancel(id);
    }

    /// The error for a failure of the host's own outside a call (`kind`: `"storage"`,
    /// `"held"`: a session write refused and held in memory, or `"wxLogin"`), in the
    /// client's language, with the host's words.
    #[wasm_bindgen(js_name = hostError)]
    pub fn host_error(&self, kind: &str, detail: &str) -> JsValue {
        let error = self.client.failure_error(Failure::from_name(kind), detail);
        self.out.error(&error)
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

/// A built value: made now, or lent from a cache or from the core's own host values (a
/// clone or a drop of a `JsValue` is a call into JavaScript; an `Rc` clone is not).
enum Val<'a> {
    Made(JsValue),
    Kept(Rc<JsValue>),
    Lent(&'a JsValue),
}

impl Val<'_> {
    fn get(&self) -> &JsValue {
        match self {
            Val::Made(value) => value,
            Val::Kept(value) => value,
            Val::Lent(value) => value,
        }
    }
}

impl Builder {
    /// A JavaScript string for a Rust string that lives as long as this core (static, or
    /// shared by the client), made once.
    fn interned(&self, text: &str) -> Rc<JsValue> {
        let key = (text.as_ptr() as usize, text.len());
        if let Some((_, _, value)) = self
            .strings
            .borrow()
            .iter()
            .find(|(p, l, _)| (*p, *l) == key)
        {
            return value.clone();
        }
        let value = Rc::new(JsValue::from_str(text));
        self.strings
            .borrow_mut()
            .push((key.0, key.1, value.clone()));
        value
    }

    fn put(&self, target: &Object, key: &'static str, value: &JsValue) {
        // A fresh plain object: setting a property cannot fail.
        let _ = Reflect::set(target, &self.interned(key), value);
    }

    fn build<'a>(&self, out: &'a Out) -> Val<'a> {
        match out {
            Out::Undefined => Val::Made(JsValue::UNDEFINED),
            Out::Null => Val::Made(JsValue::NULL),
            Out::Bool(b) => Val::Made(JsValue::from_bool(*b)),
            Out::Num(n) => Val::Made(JsValue::from_f64(*n)),
            Out::Str(s) => Val::Kept(self.interned(s)),
            Out::Shared(s) => Val::Kept(self.interned(s)),
            Out::Text(s) => Val::Made(JsValue::from_str(s)),
            Out::Raw(raw) => Val::Lent(&raw.0),
            Out::Bearer(token) => {
                let prefix = self.interned("Bearer ");
                let prefix: &JsString = prefix.unchecked_ref();
                Val::Made(match token.0.dyn_ref::<JsString>() {
                    Some(token) => prefix.concat(token).into(),
                    None => prefix.clone().into(),
                })
            }
            Out::Obj(entries) => {
                let object = Object::new();
                for (key, value) in entries {
                    if !matches!(value, Out::Undefined) {
                        self.put(&object, key, self.build(value).get());
                    }
                }
                Val::Made(object.into())
            }
            Out::List(items) => {
                let array = Array::new();
                for item in items {
                    array.push(self.build(item).get());
                }
                Val::Made(array.into())
            }
            Out::Date(ms) => Val::Made(js_sys::Date::new(&JsValue::from_f64(*ms)).into()),
            Out::Entries(entries) => {
                let object = Object::new();
                for (key, value) in entries {
                    if !matches!(value, Out::Undefined) {
                        // A fresh plain object: setting a property cannot fail.
                        let _ = Reflect::set(&object, &key.0, self.build(value).get());
                    }
                }
                Val::Made(object.into())
            }
            Out::Kept(inner) => {
                let known = self
                    .kept
                    .borrow()
                    .iter()
                    .find(|(out, _)| Rc::ptr_eq(out, inner))
                    .map(|(_, value)| value.clone());
                if let Some(value) = known {
                    return Val::Kept(value);
                }
                let value = Rc::new(match self.build(inner) {
                    Val::Made(value) => value,
                    other => other.get().clone(),
                });
                let mut kept = self.kept.borrow_mut();
                // What only this list still holds, the engine has replaced: forget it.
                kept.retain(|(out, _)| Rc::strong_count(out) > 1);
                kept.push((inner.clone(), value.clone()));
                Val::Kept(value)
            }
        }
    }

    fn step(&self, step: Step) -> JsValue {
        match step {
            Step::Send { id, request, share } => {
                let share = share.map(|share| self.interned(share));
                let data = request.data.as_ref().map(|data| self.build(data));
                Array::of4(
                    &JsValue::from_f64(f64::from(id)),
                    self.build(&request.head).get(),
                    data.as_ref().map_or(&JsValue::UNDEFINED, Val::get),
                    share.as_deref().unwrap_or(&JsValue::UNDEFINED),
                )
                .into()
            }
            Step::Need { id, need, share } => {
                let share = share.map(|share| self.interned(share));
                let (kind, key): (&'static str, JsValue) = match &need {
                    Need::WxLoginCode => ("wxLogin", JsValue::UNDEFINED),
                    // The key lives as long as the client: made once.
                    Need::Storage(key) => ("storage", (*self.interned(key)).clone()),
                    // At most a few KB: exact as f64.
                    Need::Random(len) => ("random", JsValue::from_f64(*len as f64)),
                    Need::SpareCode => ("spareCode", JsValue::UNDEFINED),
                    Need::ChooseImage => ("chooseImage", JsValue::UNDEFINED),
                    Need::Upload { url, file } => (
                        "upload",
                        Array::of2(&JsValue::from_str(url), &file.0).into(),
                    ),
                };
                Array::of4(
                    &JsValue::from_f64(f64::from(id)),
                    &self.interned(kind),
                    &key,
                    share.as_deref().unwrap_or(&JsValue::UNDEFINED),
                )
                .into()
            }
            Step::Done(outcome) => self.outcome(outcome),
        }
    }

    fn error(&self, error: &Error) -> JsValue {
        let object = Object::new();
        self.put(&object, "code", &self.interned(error.code.as_str()));
        self.put(&object, "message", &JsValue::from_str(&error.message));
        let retryable = error.code.retryable();
        self.put(&object, "retryable", &JsValue::from_bool(retryable));
        if let Some(code) = error.server_code {
            // GenAuth's and WeChat's codes are small integers: exact as f64.
            self.put(&object, "serverCode", &JsValue::from_f64(code as f64));
        }
        if let Some(data) = &error.data {
            self.put(&object, "data", &data.0);
        }
        if let Some(code) = error.on_error_code() {
            // For the shim's onError hook only (GenAuthError does not copy it).
            self.put(&object, "onErrorCode", &JsValue::from_f64(code as f64));
        }
        object.into()
    }

    /// `[ok, value or error, store]`, `store` an array of `[key, value, cache]` (or undefined).
    fn outcome(&self, outcome: Outcome) -> JsValue {
        let writes: Vec<JsValue> = outcome.writes.iter().map(|w| self.write(w)).collect();
        // One call for the common counts; a push per write otherwise.
        let store: JsValue = match writes.as_slice() {
            [] => JsValue::UNDEFINED,
            [a] => Array::of1(a).into(),
            [a, b] => Array::of2(a, b).into(),
            [a, b, c, d] => Array::of4(a, b, c, d).into(),
            all => all.iter().collect::<Array>().into(),
        };
        match &outcome.result {
            Ok(value) => Array::of3(&JsValue::TRUE, self.build(value).get(), &store).into(),
            Err(error) => Array::of3(&JsValue::FALSE, &self.error(error), &store).into(),
        }
    }

    fn write(&self, write: &Write) -> JsValue {
        let value = write.value.as_ref().map(|value| self.build(value));
        Array::of3(
            &self.interned(&write.key),
            value.as_ref().map_or(&JsValue::UNDEFINED, Val::get),
            &JsValue::from_bool(write.cache),
        )
        .into()
    }
}
