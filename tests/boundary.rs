//! Boundary tests (`wasm-pack test --node`): the shapes JavaScript sees from `Core`.
#![cfg(target_arch = "wasm32")]

use genauth_wxapp_sdk::wasm::Core;
use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(value: serde_json::Value) -> JsValue {
    use serde::Serialize;
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

fn text(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

fn core() -> Core {
    Core::new(js(
        serde_json::json!({"appId": "app1", "host": "http://127.0.0.1:8080"}),
    ))
    .unwrap()
}

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsImV4cCI6MjAwMDAwMDAwMH0.sig";

fn login_body() -> String {
    format!(r#"{{"code":200,"message":"ok","data":{{"id":"u1","token":"{TOKEN}"}}}}"#)
}

#[wasm_bindgen_test]
fn invalid_options_throw_a_coded_error() {
    for (options, detail) in [
        (serde_json::json!({}), "appId is required"),
        (
            serde_json::json!({"appId": "a", "appid": "b"}),
            "unknown field `appid`",
        ),
        (
            serde_json::json!({"appId": "a", "host": "http://example.com"}),
            "host must use https",
        ),
        (serde_json::json!({"appId": 5}), "invalid type"),
    ] {
        let thrown = Core::new(js(options)).expect_err("rejected");
        assert_eq!(get(&thrown, "ok"), JsValue::FALSE);
        assert_eq!(text(&thrown, "error.code"), "INVALID_OPTIONS");
        let message = text(&thrown, "error.message");
        assert!(message.contains(detail), "{message}");
        assert!(get(&thrown, "error.serverCode").is_undefined());
    }
    let thrown =
        Core::new(JsValue::from_str("app1")).expect_err("a string is not an options object");
    assert_eq!(text(&thrown, "error.code"), "INVALID_OPTIONS");
}

#[wasm_bindgen_test]
fn storage_keys_and_timeout() {
    let core = core();
    assert_eq!(
        core.storage_keys(),
        ["genauth:app1:session", "_authing_token", "_authing_user"]
    );
    assert_eq!(core.timeout(), 10_000);
}

#[wasm_bindgen_test]
fn prepare_returns_a_wx_request_descriptor() {
    let step = core().prepare("loginByCode", js(serde_json::json!({"code": "c1"})), None);
    assert!(get(&step, "ok").is_undefined());
    assert_eq!(text(&step, "request.method"), "POST");
    assert_eq!(
        text(&step, "request.url"),
        "http://127.0.0.1:8080/connections/social/wechat-miniprogram/auth"
    );
    assert_eq!(text(&step, "request.header.x-authing-app-id"), "app1");
    assert_eq!(text(&step, "request.data"), r#"{"code":"c1"}"#);
    assert_eq!(get(&step, "request.timeout").as_f64(), Some(10_000.0));
    // A plain object, not a Map: wx.request reads `header` as an object.
    assert!(get(&step, "request.header").is_instance_of::<js_sys::Object>());
    assert!(!get(&step, "request.header").is_instance_of::<js_sys::Map>());
}

#[wasm_bindgen_test]
fn complete_returns_the_value_as_json_and_the_writes() {
    let outcome = core().complete("loginByCode", None, 200, &login_body());
    assert_eq!(get(&outcome, "ok"), JsValue::TRUE);
    assert_eq!(
        text(&outcome, "value"),
        format!(r#"{{"id":"u1","token":"{TOKEN}"}}"#)
    );
    let store: Array = get(&outcome, "store").dyn_into().unwrap();
    assert_eq!(store.length(), 1);
    assert_eq!(text(&store.get(0), "key"), "genauth:app1:session");
    assert!(text(&store.get(0), "value").starts_with(r#"{"v":1,"token":""#));
}

#[wasm_bindgen_test]
fn server_errors_carry_code_and_server_code() {
    let outcome = core().complete(
        "loginByCode",
        None,
        200,
        r#"{"code":40163,"message":"code been used","data":null}"#,
    );
    assert_eq!(get(&outcome, "ok"), JsValue::FALSE);
    assert_eq!(text(&outcome, "error.code"), "WX_CODE_USED");
    assert_eq!(get(&outcome, "error.serverCode").as_f64(), Some(40163.0));
    assert!(text(&outcome, "error.message").contains("code been used"));
    assert!(get(&outcome, "store").is_undefined());
}

#[wasm_bindgen_test]
fn removals_cross_as_null() {
    let core = core();
    let stored = format!(r#"{{"v":1,"token":"{TOKEN}","user":null}}"#);
    let outcome = core.complete("logout", Some(stored), 200, r#"{"code":200}"#);
    let store: Array = get(&outcome, "store").dyn_into().unwrap();
    assert_eq!(store.length(), 3);
    for i in 0..3 {
        assert!(get(&store.get(i), "value").is_null());
    }
}

#[wasm_bindgen_test]
fn host_failures() {
    let core = core();
    for (kind, code) in [("timeout", "TIMEOUT"), ("network", "NETWORK_ERROR")] {
        let outcome = core.failed("getCurrentUser", kind, "request:fail x");
        assert_eq!(text(&outcome, "error.code"), code);
        assert!(text(&outcome, "error.message").ends_with("request:fail x"));
    }
    assert_eq!(
        text(
            &core.host_failure("storage", "setStorageSync:fail"),
            "error.code"
        ),
        "STORAGE_FAILED"
    );
    assert_eq!(
        text(&core.host_failure("wxLogin", "login:fail"), "error.code"),
        "WX_LOGIN_FAILED"
    );
}

#[wasm_bindgen_test]
fn bad_arguments_and_operations() {
    let core = core();
    let cases = [
        (
            "loginByCode",
            serde_json::json!({"code": 5}),
            "invalid type",
        ),
        (
            "loginByCode",
            serde_json::json!({"code": "c", "ivv": "x"}),
            "unknown field `ivv`",
        ),
        (
            "checkLoginStatus",
            serde_json::json!({"token": 1}),
            "invalid type",
        ),
        (
            "deleteEverything",
            serde_json::json!({}),
            "unknown operation",
        ),
    ];
    for (op, args, detail) in cases {
        let outcome = core.prepare(op, js(args), None);
        assert_eq!(text(&outcome, "error.code"), "INVALID_ARGUMENT", "{op}");
        assert!(text(&outcome, "error.message").contains(detail), "{op}");
    }
    let outcome = core.complete("nope", None, 200, "{}");
    assert_eq!(text(&outcome, "error.code"), "INVALID_ARGUMENT");
}

#[wasm_bindgen_test]
fn local_answers() {
    let core = core();
    let token = core.prepare("getToken", JsValue::UNDEFINED, None);
    assert_eq!(text(&token, "value"), "null");
    let status = core.prepare("checkLoginStatus", JsValue::UNDEFINED, None);
    assert!(text(&status, "value").contains(r#""status":false"#));
    let stored = format!(r#"{{"v":1,"token":"{TOKEN}","user":null}}"#);
    let token = core.prepare("getToken", JsValue::UNDEFINED, Some(stored));
    assert_eq!(text(&token, "value"), format!("\"{TOKEN}\""));
}

#[wasm_bindgen_test]
fn start_adopts_and_reports_writes() {
    let core = core();
    let outcome = core.start(None, Some(TOKEN.to_owned()), None, 1.8e12);
    assert_eq!(get(&outcome, "ok"), JsValue::TRUE);
    let store: Array = get(&outcome, "store").dyn_into().unwrap();
    assert_eq!(text(&store.get(0), "key"), "genauth:app1:session");
    let outcome = core.start(None, None, None, 1.8e12);
    assert!(get(&outcome, "store").is_undefined());
}
