//! The wasm boundary: the only `#[wasm_bindgen]` code.
//!
//! Calls are few and coarse, because on iOS WeChat runs wasm without a JIT and every
//! crossing costs: the shim calls `prepare` once before a request and `complete` once after
//! it. Structured values (options, arguments, request descriptors, outcomes, errors) cross
//! through serde-wasm-bindgen; result values cross as JSON text (they are the server's own
//! JSON, which `JSON.parse` turns into objects faster than property-by-property building).
//!
//! Every outcome has the same shape in JavaScript:
//! `{ request?: {method, url, header, data?, timeout}, ok?: boolean, value?: string,
//!    error?: {code, message, serverCode?}, store?: [{key, value: string | null}] }`.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::client::{
    Client, LoginByCodeArgs, OpKind, Operation, Outcome, Reply, Step, StorageWrite,
};
use crate::error::{Error, ErrorCode};
use crate::http::{HttpRequest, HttpResponse, TransportFailure};
use crate::options::{ClientOptions, Lang, RawOptions};

/// The core of one `AuthenticationClient`.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Core {
    client: Client,
}

#[derive(Serialize)]
struct JsError<'a> {
    code: &'static str,
    message: &'a str,
    #[serde(rename = "serverCode", skip_serializing_if = "Option::is_none")]
    server_code: Option<i64>,
}

#[derive(Serialize)]
struct JsWrite<'a> {
    key: &'a str,
    value: Option<&'a str>,
}

#[derive(Serialize, Default)]
struct JsOutcome<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request: Option<&'a HttpRequest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<JsError<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    store: Vec<JsWrite<'a>>,
}

/// `checkLoginStatus`'s argument.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenArg {
    token: Option<String>,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    // Only strings, numbers, booleans, options, sequences and string-keyed maps are
    // serialised, which json_compatible always accepts; the fallback is never taken.
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

fn error_to_js(error: &Error) -> JsValue {
    to_js(&JsOutcome {
        ok: Some(false),
        error: Some(js_error(error)),
        ..JsOutcome::default()
    })
}

fn js_error(error: &Error) -> JsError<'_> {
    JsError {
        code: error.code.as_str(),
        message: &error.message,
        server_code: error.server_code,
    }
}

fn js_writes(writes: &[StorageWrite]) -> Vec<JsWrite<'_>> {
    writes
        .iter()
        .map(|write| JsWrite {
            key: &write.key,
            value: write.value.as_deref(),
        })
        .collect()
}

fn outcome_to_js(outcome: &Outcome) -> JsValue {
    let store = js_writes(&outcome.writes);
    match &outcome.result {
        Ok(value) => to_js(&JsOutcome {
            ok: Some(true),
            value: Some(value),
            store,
            ..JsOutcome::default()
        }),
        Err(error) => to_js(&JsOutcome {
            ok: Some(false),
            error: Some(js_error(error)),
            store,
            ..JsOutcome::default()
        }),
    }
}

/// Reads a JavaScript object into `T`, rejecting keys `T` does not know.
///
/// serde-wasm-bindgen reads structs field by field and never sees extra keys, so the value
/// goes through a JSON map first, where `deny_unknown_fields` applies.
fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, String> {
    let json: serde_json::Value =
        serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())?;
    serde_json::from_value(json).map_err(|e| e.to_string())
}

/// Reads a method's argument object, or reports which argument is wrong.
fn args_from_js<T: for<'de> Deserialize<'de>>(
    value: JsValue,
    lang: Lang,
    what: &str,
) -> Result<T, Error> {
    from_js(value)
        .map_err(|e| Error::with_detail(ErrorCode::InvalidArgument, lang, &format!("{what}: {e}")))
}

#[wasm_bindgen]
impl Core {
    /// Validates the options. Throws `{ok: false, error: {code: "INVALID_OPTIONS", message}}`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<Core, JsValue> {
        let raw: RawOptions = from_js(options).map_err(|e| {
            error_to_js(&Error::with_detail(
                ErrorCode::InvalidOptions,
                Lang::default(),
                &e,
            ))
        })?;
        let options = ClientOptions::from_raw(raw).map_err(|e| error_to_js(&e))?;
        Ok(Core {
            client: Client::new(options),
        })
    }

    /// The storage keys to read at start (session record, legacy token, legacy user); the
    /// first is also read before every call.
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys(&self) -> Vec<String> {
        self.client
            .storage_keys()
            .iter()
            .map(|k| (*k).to_owned())
            .collect()
    }

    /// The request timeout in milliseconds.
    #[wasm_bindgen(getter)]
    pub fn timeout(&self) -> u32 {
        self.client.options().timeout_ms
    }

    /// Start-up: returns `{ok: true, value: "null", store}` with the writes to make.
    pub fn start(
        &self,
        stored: Option<String>,
        legacy_token: Option<String>,
        legacy_user: Option<String>,
        now: f64,
    ) -> JsValue {
        let writes = self.client.start(
            stored.as_deref(),
            legacy_token.as_deref(),
            legacy_user.as_deref(),
            now,
        );
        outcome_to_js(&Outcome {
            result: Ok("null".to_owned()),
            writes,
        })
    }

    /// Begins operation `op` (a method name) with its arguments object. Returns
    /// `{request}` to send, or a finished outcome.
    pub fn prepare(&self, op: &str, args: JsValue, stored: Option<String>) -> JsValue {
        let lang = self.client.options().lang;
        let operation = match parse_operation(op, args, lang) {
            Ok(operation) => operation,
            Err(error) => return error_to_js(&error),
        };
        match self.client.prepare(&operation, stored.as_deref()) {
            Step::Send(request) => to_js(&JsOutcome {
                request: Some(&request),
                ..JsOutcome::default()
            }),
            Step::Done(outcome) => outcome_to_js(&outcome),
        }
    }

    /// Finishes operation `op` with the HTTP answer (`status`, `body` text).
    pub fn complete(&self, op: &str, stored: Option<String>, status: u16, body: &str) -> JsValue {
        self.finish(op, stored, Reply::Http(HttpResponse { status, body }))
    }

    /// Finishes operation `op` whose request got no answer: `kind` is `"timeout"` or
    /// `"network"`, `detail` the host's message.
    pub fn failed(&self, op: &str, kind: &str, detail: &str) -> JsValue {
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
    pub fn host_failure(&self, kind: &str, detail: &str) -> JsValue {
        let code = if kind == "storage" {
            ErrorCode::StorageFailed
        } else {
            ErrorCode::WxLoginFailed
        };
        error_to_js(&self.client.host_failure(code, detail))
    }

    fn finish(&self, op: &str, stored: Option<String>, reply: Reply<'_>) -> JsValue {
        match OpKind::from_name(op) {
            Some(kind) => outcome_to_js(&self.client.complete(kind, stored.as_deref(), reply)),
            None => error_to_js(&unknown_op(op, self.client.options().lang)),
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

fn parse_operation(op: &str, args: JsValue, lang: Lang) -> Result<Operation, Error> {
    let kind = OpKind::from_name(op).ok_or_else(|| unknown_op(op, lang))?;
    Ok(match kind {
        OpKind::LoginByCode => {
            Operation::LoginByCode(args_from_js::<LoginByCodeArgs>(args, lang, "loginByCode")?)
        }
        OpKind::GetCurrentUser => Operation::GetCurrentUser,
        OpKind::CheckLoginStatus => {
            let arg: TokenArg = if args.is_undefined() || args.is_null() {
                TokenArg { token: None }
            } else {
                args_from_js(args, lang, "checkLoginStatus")?
            };
            Operation::CheckLoginStatus { token: arg.token }
        }
        OpKind::Logout => Operation::Logout,
        OpKind::GetToken => Operation::GetToken,
    })
}
