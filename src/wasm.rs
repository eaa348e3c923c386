//! The wasm boundary: the only `#[wasm_bindgen]` code.
//!
//! Calls are few and coarse, because on iOS WeChat runs wasm without a JIT and every
//! crossing costs: the shim calls `prepare` once before a request and `complete` once after
//! it. Structured values cross as JSON text, the way gloo-utils' `JsValueSerdeExt` moves
//! serde values: the shim's `JSON.stringify` / `JSON.parse` are native and fast even without
//! a JIT, where building objects property by property from wasm would cross the boundary
//! once per property. Results are the server's own JSON, passed through untouched.
//!
//! Every call returns one JSON object:
//! `{"request": {method, url, header, data?, timeout}, "completeReadsSession": bool}` (send
//! it, then `complete`, passing the stored token only if `completeReadsSession`), or
//! `{"ok": true, "value": <any>, "store"?: [...]}`, or
//! `{"ok": false, "error": {code, message, serverCode?}, "store"?: [...]}`,
//! where `store` lists `{key, value}` writes to make: `wx.setStorageSync(key, value)`, or
//! `wx.removeStorageSync(key)` when `value` is `null`; `{key, valueIsResult: true}` stores
//! the outcome's `value`; `cache: true` marks a write whose failure only removes the key.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::client::{
    Client, LoginByCodeArgs, OpKind, Operation, Outcome, Reply, Step, StorageWrite,
};
use crate::error::{Error, ErrorCode};
use crate::http::{HttpResponse, TransportFailure};
use crate::json;
use crate::options::{ClientOptions, Lang, RawOptions};

/// The core of one `AuthenticationClient`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Core {
    client: Client,
    /// The stored token the shim passed last. When storage still holds the same text, the
    /// shim says so instead of copying it in again: a string crosses into wasm one character
    /// at a time in JavaScript, which costs most where there is no JIT.
    last_stored: RefCell<Option<String>>,
}

#[derive(Serialize)]
struct JsError<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(rename = "serverCode", skip_serializing_if = "Option::is_none")]
    server_code: Option<i64>,
}

/// `checkLoginStatus`'s argument.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenArg {
    token: Option<String>,
}

/// JSON text of a value made of strings, numbers, options and sequences.
fn to_json<T: Serialize>(value: &T) -> String {
    // Such values always serialise; the fallback is never taken.
    serde_json::to_string(value).unwrap_or_default()
}

fn error_json(error: &Error) -> String {
    outcome_json(&Outcome {
        result: Err(error.clone()),
        writes: Vec::new(),
    })
}

fn outcome_json(outcome: &Outcome) -> String {
    let mut out = String::with_capacity(256);
    match &outcome.result {
        Ok(value) => {
            out.push_str("{\"ok\":true,\"value\":");
            // The core only produces valid JSON values (server JSON or its own).
            out.push_str(value);
        }
        Err(error) => {
            out.push_str("{\"ok\":false,\"error\":");
            out.push_str(&to_json(&JsError {
                code: error.code.as_str(),
                message: &error.message,
                server_code: error.server_code,
            }));
        }
    }
    if !outcome.writes.is_empty() {
        out.push_str(",\"store\":[");
        for (i, write) in outcome.writes.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_write(&mut out, write, outcome.result.as_ref().ok());
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// `{"key": "...", "value": <the JSON value to store, or null to remove>}`, or
/// `{"key": "...", "valueIsResult": true}` when the value is the result itself (the user
/// after a login), so that it crosses and is parsed once.
fn push_write(out: &mut String, write: &StorageWrite, result: Option<&String>) {
    out.push_str("{\"key\":");
    out.push_str(&json::string(&write.key));
    match write.value.as_ref() {
        Some(value) if Some(value) == result => out.push_str(",\"valueIsResult\":true"),
        // Storage values are JSON text the core made (a token string or the server's user).
        Some(value) => {
            out.push_str(",\"value\":");
            out.push_str(value);
        }
        None => out.push_str(",\"value\":null"),
    }
    if write.cache {
        out.push_str(",\"cache\":true");
    }
    out.push('}');
}

#[wasm_bindgen]
impl Core {
    /// Validates the options (JSON text of the options object). Throws the JSON text of
    /// `{ok: false, error: {code: "INVALID_OPTIONS", message}}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str) -> Result<Core, String> {
        let raw: RawOptions = serde_json::from_str(options).map_err(|e| {
            error_json(&Error::with_detail(
                ErrorCode::InvalidOptions,
                Lang::default(),
                &e.to_string(),
            ))
        })?;
        let options = ClientOptions::from_raw(raw).map_err(|e| error_json(&e))?;
        Ok(Core {
            client: Client::new(options),
            last_stored: RefCell::new(None),
        })
    }

    /// The storage keys to read at start, as a JSON array (session record, legacy token,
    /// legacy user); the first is also read before every call.
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys(&self) -> String {
        to_json(&self.client.storage_keys())
    }

    /// Start-up, given the stored values of the three keys: returns the writes to make.
    pub fn start(
        &self,
        stored: Option<String>,
        legacy_token: Option<String>,
        legacy_user: Option<String>,
        now: f64,
    ) -> String {
        let writes = self.client.start(
            stored.as_deref(),
            legacy_token.as_deref(),
            legacy_user.as_deref(),
            now,
        );
        outcome_json(&Outcome {
            result: Ok("null".to_owned()),
            writes,
        })
    }

    /// Begins operation `op` (a method name) with its arguments (JSON text, if any) and the
    /// stored token (`same_stored`: storage holds what was passed last time, `stored` is then
    /// ignored). Returns a request to send, or a finished outcome.
    pub fn prepare(
        &self,
        op: &str,
        args: Option<String>,
        stored: Option<String>,
        same_stored: bool,
    ) -> String {
        let lang = self.client.options().lang;
        let operation = match parse_operation(op, args.as_deref(), lang) {
            Ok(operation) => operation,
            Err(error) => return error_json(&error),
        };
        let stored = self.stored(stored, same_stored);
        match self.client.prepare(&operation, stored.as_deref()) {
            Step::Send(request) => {
                let reads = Client::complete_reads_session(operation.kind());
                format!(
                    "{{\"request\":{},\"completeReadsSession\":{reads}}}",
                    to_json(&request)
                )
            }
            Step::Done(outcome) => outcome_json(&outcome),
        }
    }

    /// Finishes operation `op` with the HTTP answer (`status`, and the body's bytes as
    /// `wx.request` returns them with `responseType: 'arraybuffer'`), given the stored token as
    /// it is now. Bytes rather than a string: a string crosses one character at a time in
    /// JavaScript, which without a JIT costs more than the parsing.
    pub fn complete(
        &self,
        op: &str,
        stored: Option<String>,
        same_stored: bool,
        status: u16,
        body: &[u8],
    ) -> String {
        // A body that is not UTF-8 is not GenAuth's: read as empty, the parsers report it.
        let body = std::str::from_utf8(body).unwrap_or_default();
        let stored = self.stored(stored, same_stored);
        self.finish(
            op,
            stored.as_deref(),
            Reply::Http(HttpResponse { status, body }),
        )
    }

    /// Finishes operation `op` whose request got no answer: `kind` is `"timeout"` or
    /// `"network"`, `detail` the host's message.
    pub fn failed(&self, op: &str, kind: &str, detail: &str) -> String {
        let failure = if kind == "timeout" {
            TransportFailure::Timeout
        } else {
            TransportFailure::Network
        };
        self.finish(op, None, Reply::Failed(failure, detail))
    }

    /// The error for a failure of the host's own (`kind`: `"wxLogin"` or `"storage"`), in
    /// the client's language, with the host's detail.
    #[wasm_bindgen(js_name = hostFailure)]
    pub fn host_failure(&self, kind: &str, detail: &str) -> String {
        let code = if kind == "storage" {
            ErrorCode::StorageFailed
        } else {
            ErrorCode::WxLoginFailed
        };
        error_json(&self.client.host_failure(code, detail))
    }

    /// The stored token to use: the one passed now, or the one passed last time.
    fn stored(&self, stored: Option<String>, same_stored: bool) -> Option<String> {
        // No call re-enters another, so the cell is never borrowed here; if it were, the
        // token passed now is the safe answer.
        match self.last_stored.try_borrow_mut() {
            Ok(last) if same_stored => last.clone(),
            Ok(mut last) => {
                last.clone_from(&stored);
                stored
            }
            Err(_) => stored,
        }
    }

    fn finish(&self, op: &str, stored: Option<&str>, reply: Reply<'_>) -> String {
        match OpKind::from_name(op) {
            Some(kind) => outcome_json(&self.client.complete(kind, stored, reply)),
            None => error_json(&unknown_op(op, self.client.options().lang)),
        }
    }
}

fn unknown_op(op: &str, lang: Lang) -> Error {
    Error::with_detail(
        ErrorCode::InvalidArgument,
        lang,
        &format!("unknown operation {op}"),
    )
}

/// Reads a method's argument object (JSON text), or reports what is wrong with it.
fn args_from_json<T: for<'de> Deserialize<'de>>(
    args: &str,
    lang: Lang,
    what: &str,
) -> Result<T, Error> {
    serde_json::from_str(args)
        .map_err(|e| Error::with_detail(ErrorCode::InvalidArgument, lang, &format!("{what}: {e}")))
}

fn parse_operation(op: &str, args: Option<&str>, lang: Lang) -> Result<Operation, Error> {
    let kind = OpKind::from_name(op).ok_or_else(|| unknown_op(op, lang))?;
    Ok(match kind {
        OpKind::LoginByCode => Operation::LoginByCode(args_from_json::<LoginByCodeArgs>(
            args.unwrap_or("{}"),
            lang,
            "loginByCode",
        )?),
        OpKind::GetCurrentUser => Operation::GetCurrentUser,
        OpKind::CheckLoginStatus => {
            let arg: TokenArg = match args {
                None => TokenArg { token: None },
                Some(args) => args_from_json(args, lang, "checkLoginStatus")?,
            };
            Operation::CheckLoginStatus { token: arg.token }
        }
        OpKind::Logout => Operation::Logout,
        OpKind::GetToken => Operation::GetToken,
    })
}
