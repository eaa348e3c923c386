//! The operation fixtures (`tests/fixtures/operations.json`, recorded from the built package
//! against the emulator by `tests/fixtures/record.js`), replayed through the engine: for each
//! operation the same arguments must give the same steps and exactly the same requests, and
//! the recorded answers the same result and the same storage writes. The emulator side
//! replays the same requests (`tests/emulator/fixtures.test.js`), so the fixture, the core
//! and the emulator cannot drift apart.
//!
//! Passwords in recorded requests are `"$rsa:<plaintext>"`: here the core encrypts with the
//! test key and the `rsa` crate decrypts what it sent, so the fixture pins the plaintext and
//! the test proves the encryption.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use genauth_wxapp_sdk::engine::Failure;
use genauth_wxapp_sdk::ops::{self, Need};
use genauth_wxapp_sdk::{Client, Ledger, Outcome, Reply, Step};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{json, Value};

const FIXTURES: &str = include_str!("fixtures/operations.json");
const PUBLIC_KEY: &str = include_str!("fixtures/test-rsa-public.pem");
const PRIVATE_KEY: &str = include_str!("fixtures/test-rsa-private.pem");

fn private_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(PRIVATE_KEY).expect("the fixture key")
}

/// Compares what the core sent with what was recorded, where `"$rsa:<plaintext>"` in the
/// record means: a base64 RSA ciphertext of that plaintext.
fn assert_same(sent: &Value, recorded: &Value, at: &str, key: &RsaPrivateKey) {
    match (sent, recorded) {
        (Value::String(cipher), Value::String(mark)) if mark.starts_with("$rsa:") => {
            let bytes = base64_decode(cipher).unwrap_or_else(|| panic!("{at}: not base64"));
            let plain = key
                .decrypt(Pkcs1v15Encrypt, &bytes)
                .unwrap_or_else(|_| panic!("{at}: not RSA PKCS#1 v1.5 for the test key"));
            assert_eq!(
                String::from_utf8_lossy(&plain),
                mark["$rsa:".len()..],
                "{at}"
            );
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            assert_eq!(keys_a, keys_b, "{at}: keys");
            for (name, value) in a {
                assert_same(value, &b[name], &format!("{at}.{name}"), key);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: length");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same(x, y, &format!("{at}[{i}]"), key);
            }
        }
        _ => assert_eq!(sent, recorded, "{at}"),
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    genauth_wxapp_sdk::jwt::base64url_decode(text)
}

/// Header names compared without case (WeChat sends them as given; the record keeps them).
fn lower_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

struct Replay<'a> {
    name: &'a str,
    key: RsaPrivateKey,
    storage: BTreeMap<String, Value>,
    token_key: String,
}

impl Replay<'_> {
    fn stored(&self) -> Value {
        self.storage
            .get(&self.token_key)
            .cloned()
            .unwrap_or(json!(""))
    }

    fn apply(&mut self, outcome: &Outcome) -> Vec<Value> {
        outcome
            .writes
            .iter()
            .map(|write| {
                let value = write.value.as_ref().map(|v| v.to_json());
                match &value {
                    Some(value) => self.storage.insert(write.key.to_string(), value.clone()),
                    None => self.storage.remove(&*write.key),
                };
                json!([&*write.key, value])
            })
            .collect()
    }
}

#[test]
fn every_recorded_operation_replays_exactly() {
    let fixtures: Value = serde_json::from_str(FIXTURES).expect("operations.json is JSON");
    let app_id = fixtures["appId"].as_str().expect("appId");
    let host = fixtures["host"].as_str().expect("host");
    let operations = fixtures["operations"].as_array().expect("operations");
    let mut methods: Vec<&str> = Vec::new();
    for operation in operations {
        let name = operation["name"].as_str().expect("name");
        let method = operation["method"].as_str().expect("method");
        methods.push(method);
        replay(app_id, host, name, method, operation);
    }
    for op in ops::OPERATIONS {
        assert!(
            methods.contains(&op.name),
            "no fixture for {} (record it: node tests/fixtures/record.js)",
            op.name
        );
    }
}

fn replay(app_id: &str, host: &str, name: &str, method: &str, operation: &Value) {
    #![allow(clippy::too_many_lines)]
    let options = json!({"appId": app_id, "host": host, "publicKey": PUBLIC_KEY});
    let client = Client::new(&options, Ledger::new()).expect("valid options");
    let token_key = format!("genauth:{app_id}:token");
    let user_key = format!("genauth:{app_id}:user");
    let mut replay = Replay {
        name,
        key: private_key(),
        storage: BTreeMap::new(),
        token_key: token_key.clone(),
    };
    if let Some(token) = operation["session"].as_str() {
        replay.storage.insert(token_key, json!(token));
    }
    if !operation["user"].is_null() {
        replay.storage.insert(user_key, operation["user"].clone());
    }
    let args: Vec<Value> = operation["args"].as_array().cloned().unwrap_or_default();
    let steps = operation["steps"].as_array().cloned().unwrap_or_default();
    // The host's clock as when it was recorded (tokens expire, spare codes age).
    let now = operation["now"].as_f64().expect("now");
    let mut step = client.prepare(method, &args, &replay.stored(), now);
    for (at, recorded) in steps.iter().enumerate() {
        let here = format!("{}: step {at}", replay.name);
        step = match step {
            Step::Need { id, need, .. } => match supply_for(&need, recorded, &here) {
                Some(supply) => client.supply(id, &supply, now),
                // The user cancelled (the shim reports it as a failure of that kind).
                None => client.fail(
                    id,
                    Failure::Cancelled,
                    "chooseMedia:fail cancel",
                    &replay.stored(),
                ),
            },
            Step::Send { id, request, .. } => {
                let want = &recorded["request"];
                assert!(
                    want.is_object(),
                    "{here}: the core sent a request, the record has {recorded}"
                );
                let sent = request.to_json();
                assert_eq!(sent["method"], want["method"], "{here}: method");
                assert_eq!(sent["url"], want["url"], "{here}: url");
                assert_eq!(
                    lower_keys(&sent["header"]),
                    lower_keys(&want["header"]),
                    "{here}: header"
                );
                assert_same(
                    sent.get("data").unwrap_or(&Value::Null),
                    want.get("data").unwrap_or(&Value::Null),
                    &format!("{here}: data"),
                    &replay.key,
                );
                if let Some(query) = sent["data"]["query"].as_str() {
                    // Every variable sent is one the document declares.
                    let first = query.lines().next().unwrap_or_default();
                    for name in sent["data"]["variables"]
                        .as_object()
                        .into_iter()
                        .flat_map(|v| v.keys())
                    {
                        assert!(
                            first.contains(&format!("${name}:")),
                            "{here}: ${name} is not declared"
                        );
                    }
                }
                let answer = &recorded["answer"];
                let status = answer["status"].as_u64().expect("status") as u16;
                let header = answer.get("header").cloned().unwrap_or(json!({}));
                let reply = Reply {
                    status,
                    body: &answer["body"],
                    header: &header,
                };
                client.complete(id, reply, &replay.stored(), now)
            }
            Step::Done(_) => panic!("{here}: the core finished, the record goes on: {recorded}"),
        };
    }
    let Step::Done(outcome) = step else {
        panic!("{name}: the record ends, the core goes on");
    };
    let writes = replay.apply(&outcome);
    let result = &operation["result"];
    match (&outcome.result, result["ok"].as_bool()) {
        (Ok(value), Some(true)) => assert_eq!(value.to_json(), result["value"], "{name}: result"),
        (Err(error), Some(false)) => {
            assert_eq!(error.code.as_str(), result["code"], "{name}: code");
            assert_eq!(
                error.server_code.map(Value::from).unwrap_or(Value::Null),
                result.get("serverCode").cloned().unwrap_or(Value::Null),
                "{name}: serverCode"
            );
        }
        (got, _) => panic!("{name}: got {got:?}, recorded {result}"),
    }
    assert_eq!(
        Value::Array(writes),
        operation["writes"].clone(),
        "{name}: storage writes"
    );
}

/// What the host gives for `need`: the recorded value, or (for random bytes) our own;
/// `None` for a cancelled image choice.
fn supply_for(need: &Need, recorded: &Value, here: &str) -> Option<Value> {
    let kind = match need {
        Need::WxLoginCode => "wxLogin",
        Need::Storage(_) => "storage",
        Need::Random(_) => "random",
        Need::SpareCode => "spareCode",
        Need::ChooseImage => "chooseImage",
        Need::Upload { .. } => "upload",
    };
    assert_eq!(recorded["need"], kind, "{here}: the core asked for {kind}");
    Some(match need {
        Need::Random(len) => {
            assert_eq!(recorded["length"], json!(len), "{here}: random length");
            // Deterministic bytes (the core skips zeros).
            Value::Array((0..*len).map(|i| json!((i * 37 + 11) % 256)).collect())
        }
        Need::Upload { url, .. } => {
            assert_eq!(recorded["url"], json!(&**url), "{here}: upload url");
            recorded["supply"].clone()
        }
        Need::ChooseImage if recorded["supply"].is_null() => return None,
        _ => recorded["supply"].clone(),
    })
}
