//! Boundary tests (`wasm-pack test --node`): what JavaScript receives from `Core`.
//!
//! Every call answers JSON text; these tests read it the way the shim does.
#![cfg(target_arch = "wasm32")]

use genauth_wxapp_sdk::wasm::Core;
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn core() -> Core {
    Core::new(r#"{"appId":"app1","host":"http://127.0.0.1:8080"}"#).unwrap()
}

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsImV4cCI6MjAwMDAwMDAwMH0.sig";

fn login_body() -> String {
    format!(r#"{{"code":200,"message":"ok","data":{{"id":"u1","token":"{TOKEN}"}}}}"#)
}

#[wasm_bindgen_test]
fn invalid_options_throw_a_coded_error() {
    for (options, detail) in [
        ("{}", "appId is required"),
        (r#"{"appId":"a","appid":"b"}"#, "unknown field `appid`"),
        (
            r#"{"appId":"a","host":"http://example.com"}"#,
            "host must use https",
        ),
        (r#"{"appId":5}"#, "invalid type"),
        (r#""app1""#, "invalid type"),
        ("not json", "expected"),
    ] {
        let thrown = parse(&Core::new(options).expect_err("rejected"));
        assert_eq!(thrown["ok"], false);
        assert_eq!(thrown["error"]["code"], "INVALID_OPTIONS");
        let message = thrown["error"]["message"].as_str().unwrap();
        assert!(message.contains(detail), "{message}");
        assert!(thrown["error"].get("serverCode").is_none());
    }
}

#[wasm_bindgen_test]
fn storage_keys() {
    assert_eq!(
        parse(&core().storage_keys()),
        json!(["genauth:app1:token", "_authing_token", "_authing_user"])
    );
}

#[wasm_bindgen_test]
fn prepare_returns_a_wx_request_descriptor() {
    let step = parse(&core().prepare("loginByCode", Some(r#"{"code":"c1"}"#.into()), None, false));
    assert!(step.get("ok").is_none());
    let request = &step["request"];
    assert_eq!(request["method"], "POST");
    assert_eq!(
        request["url"],
        "http://127.0.0.1:8080/connections/social/wechat-miniprogram/auth"
    );
    assert_eq!(request["header"]["x-authing-app-id"], "app1");
    assert_eq!(request["data"], r#"{"code":"c1"}"#);
    assert_eq!(request["timeout"], 10_000);
    assert_eq!(step["completeReadsSession"], false);
    let token = "a.b.c";
    let step = parse(&core().prepare("getCurrentUser", None, Some(token.into()), false));
    assert_eq!(step["completeReadsSession"], true);
    assert_eq!(step["request"]["header"]["Authorization"], "Bearer a.b.c");
}

#[wasm_bindgen_test]
fn complete_returns_the_value_and_the_writes() {
    let outcome = parse(&core().complete("loginByCode", None, false, 200, login_body().as_bytes()));
    assert_eq!(outcome["ok"], true);
    assert_eq!(outcome["value"], json!({"id": "u1", "token": TOKEN}));
    // The token is stored as a string; the user is the result itself (it crosses once).
    assert_eq!(
        outcome["store"],
        json!([
            {"key": "genauth:app1:token", "value": TOKEN},
            {"key": "genauth:app1:user", "valueIsResult": true, "cache": true},
        ])
    );
}

#[wasm_bindgen_test]
fn server_errors_carry_code_and_server_code() {
    let outcome = parse(&core().complete(
        "loginByCode",
        None,
        false,
        200,
        br#"{"code":40163,"message":"code been used","data":null}"#,
    ));
    assert_eq!(outcome["ok"], false);
    assert_eq!(outcome["error"]["code"], "WX_CODE_USED");
    assert_eq!(outcome["error"]["serverCode"], 40163);
    assert!(outcome["error"]["message"]
        .as_str()
        .unwrap()
        .contains("code been used"));
    assert!(outcome.get("store").is_none());
}

#[wasm_bindgen_test]
fn removals_cross_as_null() {
    let outcome =
        parse(&core().complete("logout", Some(TOKEN.into()), false, 200, br#"{"code":200}"#));
    let store = outcome["store"].as_array().unwrap();
    assert_eq!(store.len(), 4);
    assert!(store.iter().all(|write| write["value"].is_null()));
}

#[wasm_bindgen_test]
fn host_failures() {
    let core = core();
    for (kind, code) in [("timeout", "TIMEOUT"), ("network", "NETWORK_ERROR")] {
        let outcome = parse(&core.failed("getCurrentUser", kind, "request:fail x"));
        assert_eq!(outcome["error"]["code"], code);
        assert!(outcome["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("request:fail x"));
    }
    let storage = parse(&core.host_failure("storage", "setStorageSync:fail"));
    assert_eq!(storage["error"]["code"], "STORAGE_FAILED");
    let login = parse(&core.host_failure("wxLogin", "login:fail"));
    assert_eq!(login["error"]["code"], "WX_LOGIN_FAILED");
}

#[wasm_bindgen_test]
fn bad_arguments_and_operations() {
    let core = core();
    let cases = [
        ("loginByCode", r#"{"code":5}"#, "invalid type"),
        (
            "loginByCode",
            r#"{"code":"c","ivv":"x"}"#,
            "unknown field `ivv`",
        ),
        ("loginByCode", r#""iv""#, "invalid type"),
        ("checkLoginStatus", r#"{"token":1}"#, "invalid type"),
        ("deleteEverything", "{}", "unknown operation"),
    ];
    for (op, args, detail) in cases {
        let outcome = parse(&core.prepare(op, Some(args.into()), None, false));
        assert_eq!(outcome["error"]["code"], "INVALID_ARGUMENT", "{op}");
        assert!(
            outcome["error"]["message"]
                .as_str()
                .unwrap()
                .contains(detail),
            "{op}"
        );
    }
    let outcome = parse(&core.complete("nope", None, false, 200, b"{}"));
    assert_eq!(outcome["error"]["code"], "INVALID_ARGUMENT");
    // Bytes that are not UTF-8 are not GenAuth's protocol.
    let outcome = parse(&core.complete("loginByCode", None, false, 200, b"\xff\xfe{"));
    assert_eq!(outcome["error"]["code"], "INVALID_RESPONSE");
}

#[wasm_bindgen_test]
fn the_stored_token_can_be_reused_instead_of_passed_again() {
    let core = core();
    let first = parse(&core.prepare("getToken", None, Some(TOKEN.into()), false));
    assert_eq!(first["value"], TOKEN);
    // Storage unchanged: the shim passes nothing and says so.
    let again = parse(&core.prepare("getToken", None, None, true));
    assert_eq!(again["value"], TOKEN);
    let step = parse(&core.prepare("getCurrentUser", None, None, true));
    assert_eq!(
        step["request"]["header"]["Authorization"],
        format!("Bearer {TOKEN}")
    );
    // Storage changed (here: emptied): passed again, and remembered.
    let gone = parse(&core.prepare("getToken", None, None, false));
    assert!(gone["value"].is_null());
    let still_gone = parse(&core.prepare("getToken", None, None, true));
    assert!(still_gone["value"].is_null());
}

#[wasm_bindgen_test]
fn local_answers() {
    let core = core();
    let token = parse(&core.prepare("getToken", None, None, false));
    assert_eq!(token, json!({"ok": true, "value": null}));
    let status = parse(&core.prepare("checkLoginStatus", None, None, false));
    assert_eq!(status["value"]["status"], false);
    assert_eq!(status["value"]["code"], 2020);
    let token = parse(&core.prepare("getToken", None, Some(TOKEN.into()), false));
    assert_eq!(token["value"], TOKEN);
}

#[wasm_bindgen_test]
fn start_adopts_and_reports_writes() {
    let core = core();
    let outcome = parse(&core.start(None, Some(TOKEN.to_owned()), None, 1.8e12));
    assert_eq!(outcome["ok"], true);
    assert_eq!(
        outcome["store"][0],
        json!({"key": "genauth:app1:token", "value": TOKEN})
    );
    assert!(
        outcome["store"][1]["value"].is_null(),
        "no legacy user given"
    );
    let user = format!(r#"{{"id":"u1","token":"{TOKEN}"}}"#);
    let outcome = parse(&core.start(None, Some(TOKEN.to_owned()), Some(user), 1.8e12));
    assert_eq!(
        outcome["store"][1],
        json!({"key": "genauth:app1:user", "value": {"id": "u1", "token": TOKEN}, "cache": true})
    );
    let outcome = parse(&core.start(None, None, None, 1.8e12));
    assert!(outcome.get("store").is_none());
}
