//! Boundary tests (`wasm-pack test --node`): what JavaScript receives from `Core`, on the
//! wasm the package ships (see tests/run-all.sh for the flags).
//!
//! The shim reads these shapes; the server's objects must come back as the same objects.
#![cfg(target_arch = "wasm32")]

use genauth_wxapp_sdk::wasm::{error_codes, operations, Core};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSIsImV4cCI6MjAwMDAwMDAwMH0.sig";
const NOW: f64 = 1_800_000_000_000.0;

fn js(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or_else(|_| panic!("not JSON: {text}"))
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

fn args(values: &[JsValue]) -> Array {
    values.iter().cloned().collect()
}

fn core() -> Core {
    Core::new(js(r#"{"appId":"app1","host":"http://127.0.0.1:8080"}"#)).unwrap()
}

fn login_answer() -> JsValue {
    js(&format!(
        r#"{{"code":200,"message":"ok","data":{{"id":"u1","token":"{TOKEN}","password":"hash"}}}}"#
    ))
}

#[wasm_bindgen_test]
fn invalid_options_throw_a_coded_error_naming_the_option() {
    for (options, detail) in [
        ("{}", "appId: 必须提供"),
        (r#"{"appId":"a","appid":"b"}"#, "appid: 未知参数"),
        (r#"{"appId":"a","host":"http://example.com"}"#, "https"),
        (
            r#"{"appId":"a","token":"SECRET VALUE","lang":"en-US"}"#,
            "token: expected a GenAuth token",
        ),
    ] {
        let thrown = Core::new(js(options)).expect_err(options);
        assert_eq!(get(&thrown, "ok"), JsValue::FALSE);
        assert_eq!(text(&thrown, "error.code"), "INVALID_OPTIONS");
        let message = text(&thrown, "error.message");
        assert!(message.contains(detail), "{message}");
        assert!(!message.contains("SECRET"), "{message}");
    }
    let thrown = Core::new(JsValue::from_str("app1")).expect_err("a string is not options");
    assert_eq!(text(&thrown, "error.code"), "INVALID_OPTIONS");
}

#[wasm_bindgen_test]
fn storage_keys() {
    let keys: Vec<String> = core()
        .storage_keys()
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(
        keys,
        ["genauth:app1:token", "_authing_token", "_authing_user"]
    );
}

#[wasm_bindgen_test]
fn prepare_returns_an_id_and_a_wx_request() {
    let core = core();
    let step = core.prepare(
        "loginByCode",
        args(&[JsValue::from_str("081code")]),
        JsValue::from_str(""),
        NOW,
    );
    assert!(get(&step, "id").as_f64().is_some_and(|id| id >= 1.0));
    assert_eq!(text(&step, "request.method"), "POST");
    assert_eq!(
        text(&step, "request.url"),
        "http://127.0.0.1:8080/connections/social/wechat-miniprogram/auth"
    );
    assert_eq!(text(&step, "request.header.x-authing-app-id"), "app1");
    assert_eq!(text(&step, "request.data.code"), "081code");
    assert!(!Reflect::has(&get(&step, "request.data"), &JsValue::from_str("iv")).unwrap());
    assert_eq!(get(&step, "request.timeout").as_f64(), Some(10000.0));
    assert_eq!(get(&step, "share"), JsValue::UNDEFINED);
    // Without a code: ask for one first, shareable.
    let step = core.prepare("loginByCode", Array::new(), JsValue::from_str(""), NOW);
    assert_eq!(text(&step, "need"), "wxLogin");
    assert_eq!(text(&step, "share"), "loginByCode");
    let id = get(&step, "id").as_f64().unwrap() as u32;
    let step = core.supply(id, JsValue::from_str("fresh"), NOW);
    assert_eq!(text(&step, "request.data.code"), "fresh");
    core.cancel(id);
    assert_eq!(core.in_flight(), 1);
}

#[wasm_bindgen_test]
fn the_servers_objects_come_back_as_the_same_objects() {
    let core = core();
    let step = core.prepare(
        "loginByCode",
        args(&[JsValue::from_str("c")]),
        JsValue::from_str(""),
        NOW,
    );
    let id = get(&step, "id").as_f64().unwrap() as u32;
    let answer = login_answer();
    let user = get(&answer, "data");
    let done = core.complete(
        id,
        200,
        answer,
        Object::new().into(),
        JsValue::from_str(""),
        NOW,
    );
    assert_eq!(get(&done, "ok"), JsValue::TRUE);
    assert!(
        Object::is(&get(&done, "value"), &user),
        "the user object is passed through"
    );
    assert_eq!(
        get(&done, "value.password"),
        JsValue::UNDEFINED,
        "without its password"
    );
    let store: Array = get(&done, "store").dyn_into().unwrap();
    assert_eq!(store.length(), 2);
    assert_eq!(text(&store.get(0), "key"), "genauth:app1:token");
    assert_eq!(text(&store.get(0), "value"), TOKEN);
    assert_eq!(text(&store.get(1), "key"), "genauth:app1:user");
    assert!(Object::is(&get(&store.get(1), "value"), &user));
    assert_eq!(get(&store.get(1), "cache"), JsValue::TRUE);
    assert_eq!(core.in_flight(), 0);
}

#[wasm_bindgen_test]
fn server_errors_carry_code_server_code_and_data() {
    let core = core();
    let stored = JsValue::from_str(TOKEN);
    let step = core.prepare("getCurrentUser", Array::new(), stored.clone(), NOW);
    assert_eq!(
        text(&step, "request.header.Authorization"),
        format!("Bearer {TOKEN}")
    );
    let id = get(&step, "id").as_f64().unwrap() as u32;
    let body = js(
        r#"{"errors":[{"message":{"code":2004,"message":"用户不存在","data":{"hint":1}}}],"data":null}"#,
    );
    let done = core.complete(id, 200, body, Object::new().into(), stored, NOW);
    assert_eq!(get(&done, "ok"), JsValue::FALSE);
    assert_eq!(text(&done, "error.code"), "USER_NOT_FOUND");
    assert_eq!(get(&done, "error.serverCode").as_f64(), Some(2004.0));
    assert_eq!(get(&done, "error.data.hint").as_f64(), Some(1.0));
    assert_eq!(get(&done, "store"), JsValue::UNDEFINED);
    // Not JSON: WeChat hands over the text.
    let step = core.prepare(
        "loginByCode",
        args(&[JsValue::from_str("c")]),
        JsValue::from_str(""),
        NOW,
    );
    let id = get(&step, "id").as_f64().unwrap() as u32;
    let done = core.complete(
        id,
        502,
        JsValue::from_str("<html>"),
        JsValue::UNDEFINED,
        JsValue::from_str(""),
        NOW,
    );
    assert_eq!(text(&done, "error.code"), "SERVER_ERROR");
}

#[wasm_bindgen_test]
fn removals_have_no_value_and_logout_clears_four_keys() {
    let core = core();
    let done = core.prepare("logout", Array::new(), JsValue::from_str(""), NOW);
    assert_eq!(get(&done, "ok"), JsValue::TRUE);
    let store: Array = get(&done, "store").dyn_into().unwrap();
    assert_eq!(store.length(), 4);
    for write in store.iter() {
        assert!(!Reflect::has(&write, &JsValue::from_str("value")).unwrap());
    }
}

#[wasm_bindgen_test]
fn arguments_are_checked_without_echoing_them() {
    let core = core();
    for bad in [
        JsValue::from_f64(123456.0),
        JsValue::from_str("SECRET 1"),
        JsValue::from_str("a\u{202e}b"),
        JsValue::NULL,
    ] {
        let done = core.prepare(
            "checkLoginStatus",
            args(std::slice::from_ref(&bad)),
            JsValue::from_str(""),
            NOW,
        );
        if bad.is_null() {
            assert_eq!(get(&done, "ok"), JsValue::TRUE, "null is an absent token");
            continue;
        }
        assert_eq!(text(&done, "error.code"), "INVALID_ARGUMENT");
        let message = text(&done, "error.message");
        assert!(message.contains("token:"), "{message}");
        assert!(
            !message.contains("123456") && !message.contains("SECRET"),
            "{message}"
        );
    }
    let f = js_sys::Function::new_no_args("");
    let done = core.prepare("loginByCode", args(&[f.into()]), JsValue::from_str(""), NOW);
    assert_eq!(text(&done, "error.code"), "INVALID_ARGUMENT");
}

#[wasm_bindgen_test]
fn host_errors_and_failed_calls() {
    let core = core();
    let error = core.host_error("storage", "setStorageSync:fail\n quota");
    assert_eq!(text(&error, "code"), "STORAGE_FAILED");
    assert_eq!(
        text(&error, "message"),
        "本地存储写入失败: setStorageSync:fail quota"
    );
    let step = core.prepare(
        "loginByCode",
        args(&[JsValue::from_str("c")]),
        JsValue::from_str(""),
        NOW,
    );
    let id = get(&step, "id").as_f64().unwrap() as u32;
    let done = core.failed(id, "timeout", "request:fail timeout", JsValue::from_str(""));
    assert_eq!(text(&done, "error.code"), "TIMEOUT");
    let done = core.failed(id, "timeout", "again", JsValue::from_str(""));
    assert_eq!(
        text(&done, "error.code"),
        "INTERNAL",
        "an id is answered once"
    );
}

#[wasm_bindgen_test]
fn the_table_and_the_codes_are_visible() {
    let names: Vec<String> = operations().iter().map(|op| text(&op, "name")).collect();
    assert_eq!(
        names,
        [
            "loginByCode",
            "getCurrentUser",
            "checkLoginStatus",
            "logout",
            "getToken"
        ]
    );
    let login = operations().get(0);
    assert_eq!(
        text(
            &get(&login, "params").unchecked_into::<Array>().get(0),
            "name"
        ),
        "code"
    );
    let codes: Vec<String> = error_codes().iter().filter_map(|c| c.as_string()).collect();
    assert!(
        codes.contains(&"INVALID_ARGUMENT".to_owned()) && codes.contains(&"INTERNAL".to_owned())
    );
}
