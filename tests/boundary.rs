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

/// `value[i]`.
fn at(value: &JsValue, i: u32) -> JsValue {
    Reflect::get_u32(value, i).unwrap_or(JsValue::UNDEFINED)
}

/// Begins `op` the way the shim does (arguments one by one).
fn prepare(core: &Core, op: &str, values: &[JsValue], stored: &str) -> JsValue {
    let mut all: Vec<JsValue> = values.to_vec();
    all.resize(5, JsValue::UNDEFINED);
    let index = operations()
        .iter()
        .position(|entry| get(&entry, "name").as_string().as_deref() == Some(op))
        .map_or(u32::MAX, |at| at as u32);
    core.prepare(
        index,
        values.len() as u32,
        &all[0],
        &all[1],
        &all[2],
        &all[3],
        &all[4],
        &JsValue::from_str(stored),
        NOW,
    )
}

fn id_of(step: &JsValue) -> u32 {
    at(step, 0).as_f64().expect("a step with an id") as u32
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
    Core::new(&js(r#"{"appId":"app1","host":"http://127.0.0.1:8080"}"#)).unwrap()
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
        let thrown = Core::new(&js(options)).expect_err(options);
        assert_eq!(at(&thrown, 0), JsValue::FALSE);
        let error = at(&thrown, 1);
        assert_eq!(text(&error, "code"), "INVALID_OPTIONS");
        let message = text(&error, "message");
        assert!(message.contains(detail), "{message}");
        assert!(!message.contains("SECRET"), "{message}");
    }
    let thrown = Core::new(&JsValue::from_str("app1")).expect_err("a string is not options");
    assert_eq!(text(&at(&thrown, 1), "code"), "INVALID_OPTIONS");
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
    let step = prepare(&core, "loginByCode", &[JsValue::from_str("081code")], "");
    assert!(id_of(&step) >= 1);
    let (head, data) = (at(&step, 1), at(&step, 2));
    assert_eq!(text(&head, "method"), "POST");
    assert_eq!(
        text(&head, "url"),
        "http://127.0.0.1:8080/connections/social/wechat-miniprogram/auth"
    );
    assert_eq!(text(&head, "header.x-authing-app-id"), "app1");
    assert_eq!(get(&head, "timeout").as_f64(), Some(10000.0));
    assert_eq!(text(&data, "code"), "081code");
    assert!(!Reflect::has(&data, &JsValue::from_str("iv")).unwrap());
    assert_eq!(at(&step, 3), JsValue::UNDEFINED, "not shared");
    // The head is kept while the token stays the same; the body is new every time.
    let again = prepare(&core, "loginByCode", &[JsValue::from_str("other")], "");
    assert!(Object::is(&at(&again, 1), &head));
    assert_eq!(text(&at(&again, 2), "code"), "other");
    // Without a code: ask for one first, shareable.
    let step = prepare(&core, "loginByCode", &[], "");
    assert_eq!(at(&step, 1).as_string().as_deref(), Some("wxLogin"));
    assert_eq!(at(&step, 3).as_string().as_deref(), Some("loginByCode"));
    let id = id_of(&step);
    let step = core.supply(id, &JsValue::from_str("fresh"), NOW);
    assert_eq!(text(&at(&step, 2), "code"), "fresh");
    core.cancel(id);
    assert_eq!(core.in_flight(), 2);
}

#[wasm_bindgen_test]
fn the_servers_objects_come_back_as_the_same_objects() {
    let core = core();
    let step = prepare(&core, "loginByCode", &[JsValue::from_str("c")], "");
    let answer = login_answer();
    let user = get(&answer, "data");
    let done = core.complete(
        id_of(&step),
        200,
        &answer,
        &Object::new().into(),
        &JsValue::from_str(""),
        NOW,
    );
    assert_eq!(at(&done, 0), JsValue::TRUE);
    assert!(
        Object::is(&at(&done, 1), &user),
        "the user object is passed through"
    );
    assert_eq!(
        get(&user, "password"),
        JsValue::UNDEFINED,
        "without its password"
    );
    let store: Array = at(&done, 2).dyn_into().unwrap();
    assert_eq!(store.length(), 2);
    assert_eq!(
        at(&store.get(0), 0).as_string().as_deref(),
        Some("genauth:app1:token")
    );
    assert_eq!(at(&store.get(0), 1).as_string().as_deref(), Some(TOKEN));
    assert_eq!(at(&store.get(0), 2), JsValue::FALSE);
    assert_eq!(
        at(&store.get(1), 0).as_string().as_deref(),
        Some("genauth:app1:user")
    );
    assert!(Object::is(&at(&store.get(1), 1), &user));
    assert_eq!(
        at(&store.get(1), 2),
        JsValue::TRUE,
        "the user copy is a cache"
    );
    assert_eq!(core.in_flight(), 0);
}

#[wasm_bindgen_test]
fn server_errors_carry_code_server_code_and_data() {
    let core = core();
    let step = prepare(&core, "getCurrentUser", &[], TOKEN);
    assert_eq!(
        text(&at(&step, 1), "header.Authorization"),
        format!("Bearer {TOKEN}")
    );
    let body = js(
        r#"{"errors":[{"message":{"code":2004,"message":"用户不存在","data":{"hint":1}}}],"data":null}"#,
    );
    let done = core.complete(
        id_of(&step),
        200,
        &body,
        &Object::new().into(),
        &JsValue::from_str(TOKEN),
        NOW,
    );
    assert_eq!(at(&done, 0), JsValue::FALSE);
    let error = at(&done, 1);
    assert_eq!(text(&error, "code"), "USER_NOT_FOUND");
    assert_eq!(get(&error, "serverCode").as_f64(), Some(2004.0));
    assert_eq!(get(&error, "data.hint").as_f64(), Some(1.0));
    assert_eq!(at(&done, 2), JsValue::UNDEFINED);
    // Not JSON: WeChat hands over the text.
    let step = prepare(&core, "loginByCode", &[JsValue::from_str("c")], "");
    let done = core.complete(
        id_of(&step),
        502,
        &JsValue::from_str("<html>"),
        &JsValue::UNDEFINED,
        &JsValue::from_str(""),
        NOW,
    );
    assert_eq!(text(&at(&done, 1), "code"), "SERVER_ERROR");
}

#[wasm_bindgen_test]
fn removals_have_no_value_and_logout_clears_four_keys() {
    let core = core();
    let done = prepare(&core, "logout", &[], "");
    assert_eq!(at(&done, 0), JsValue::TRUE);
    let store: Array = at(&done, 2).dyn_into().unwrap();
    assert_eq!(store.length(), 4);
    for write in store.iter() {
        assert_eq!(at(&write, 1), JsValue::UNDEFINED);
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
        let done = prepare(&core, "checkLoginStatus", std::slice::from_ref(&bad), "");
        if bad.is_null() {
            assert_eq!(at(&done, 0), JsValue::TRUE, "null is an absent token");
            continue;
        }
        let error = at(&done, 1);
        assert_eq!(text(&error, "code"), "INVALID_ARGUMENT");
        let message = text(&error, "message");
        assert!(message.contains("token:"), "{message}");
        assert!(
            !message.contains("123456") && !message.contains("SECRET"),
            "{message}"
        );
    }
    let f = js_sys::Function::new_no_args("");
    let done = prepare(&core, "loginByCode", &[f.into()], "");
    assert_eq!(text(&at(&done, 1), "code"), "INVALID_ARGUMENT");
    // Six arguments are more than any method takes.
    let done = core.prepare(
        4,
        6,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
        &JsValue::from_str(""),
        NOW,
    );
    assert_eq!(text(&at(&done, 1), "code"), "INVALID_ARGUMENT");
}

#[wasm_bindgen_test]
fn the_fast_checks_agree_with_the_detailed_ones() {
    use genauth_wxapp_sdk::args::{check_text, check_text_in_detail, TextForm, TextRule};
    let samples = [
        "",
        "a",
        "abc-DEF_123.~+/",
        "ab==",
        "a=b",
        "a b",
        "081aBc",
        "中文",
        "a\u{0}",
        "a\u{7f}",
        "x\u{85}",
        "\u{202e}rtl",
        "zero\u{200b}width",
        "\u{feff}bom",
        "line\u{2028}sep",
        "😀",
        "\t",
        "aGk=",
        "aGk===",
        "{\"a\":1}",
        "é",
    ];
    let forms = [
        TextForm::Printable,
        TextForm::Token,
        TextForm::Base64,
        TextForm::VisibleAscii,
    ];
    for sample in samples {
        for form in forms {
            for max_len in [1, 3, 64] {
                let rule = TextRule { max_len, form };
                let value = JsValue::from_str(sample);
                assert_eq!(
                    check_text(&value, rule).is_ok(),
                    check_text_in_detail(&value, rule).is_ok(),
                    "{sample:?} {form:?} {max_len}"
                );
            }
        }
    }
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
    let step = prepare(&core, "loginByCode", &[JsValue::from_str("c")], "");
    let id = id_of(&step);
    let done = core.failed(
        id,
        "timeout",
        "request:fail timeout",
        &JsValue::from_str(""),
    );
    assert_eq!(text(&at(&done, 1), "code"), "TIMEOUT");
    let done = core.failed(id, "timeout", "again", &JsValue::from_str(""));
    assert_eq!(
        text(&at(&done, 1), "code"),
        "INTERNAL",
        "an id is answered once"
    );
}

#[wasm_bindgen_test]
fn the_table_and_the_codes_are_visible() {
    let names: Vec<String> = operations().iter().map(|op| text(&op, "name")).collect();
    let table: Vec<&str> = genauth_wxapp_sdk::ops::OPERATIONS
        .iter()
        .map(|op| op.name)
        .collect();
    assert_eq!(names, table);
    assert_eq!(names.len(), 42);
    assert_eq!(names[0], "loginByCode");
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

#[wasm_bindgen_test]
fn passwords_are_encrypted_with_the_hosts_random_bytes() {
    let pem = include_str!("fixtures/test-rsa-public.pem");
    let options = Object::new();
    let _ = Reflect::set(&options, &"appId".into(), &"app1".into());
    let _ = Reflect::set(&options, &"publicKey".into(), &pem.into());
    let core = Core::new(&options).unwrap();
    let step = prepare(
        &core,
        "loginByEmail",
        &["a@b.c".into(), "pw-secret".into()],
        "",
    );
    assert_eq!(at(&step, 1).as_string().as_deref(), Some("random"));
    let length = at(&step, 2).as_f64().expect("a length") as u32;
    let bytes = js_sys::Uint8Array::new_with_length(length);
    bytes.fill(7, 0, length);
    let sent = core.supply(id_of(&step), &bytes, NOW);
    let password = text(&at(&sent, 2), "variables.input.password");
    assert_ne!(password, "pw-secret");
    // 2048-bit key: 256 bytes, 344 characters of base64.
    assert_eq!(password.len(), 344);
    // No bytes (an ArrayBuffer of the wrong size, or not bytes at all): nothing is sent.
    let step = prepare(&core, "loginByEmail", &["a@b.c".into(), "pw".into()], "");
    let outcome = core.supply(id_of(&step), &JsValue::from_str("not bytes"), NOW);
    assert_eq!(at(&outcome, 0), JsValue::FALSE);
    assert_eq!(text(&at(&outcome, 1), "code"), "ENCRYPTION_FAILED");
}

#[wasm_bindgen_test]
fn converted_values_are_javascript_values() {
    let core = core();
    let step = prepare(&core, "getUdfValue", &[], TOKEN);
    let body = js(
        r#"{"data":{"udv":[{"key":"born","dataType":"DATETIME","value":"946684800000"},{"key":"n","dataType":"NUMBER","value":"2"}]}}"#,
    );
    let done = core.complete(
        id_of(&step),
        200,
        &body,
        &Object::new().into(),
        &TOKEN.into(),
        NOW,
    );
    let value = at(&done, 1);
    let born = get(&value, "born");
    assert!(born.is_instance_of::<js_sys::Date>());
    assert_eq!(
        born.unchecked_ref::<js_sys::Date>().get_time(),
        946_684_800_000.0
    );
    assert_eq!(get(&value, "n").as_f64(), Some(2.0));
    // The avatar's upload need carries [url, path].
    let step = prepare(&core, "updateAvatar", &["wxfile://tmp_a.png".into()], TOKEN);
    assert_eq!(at(&step, 1).as_string().as_deref(), Some("upload"));
    let key = at(&step, 2);
    assert_eq!(
        at(&key, 0).as_string().as_deref(),
        Some("http://127.0.0.1:8080/api/v2/upload?folder=avatar")
    );
    assert_eq!(
        at(&key, 1).as_string().as_deref(),
        Some("wxfile://tmp_a.png")
    );
}
