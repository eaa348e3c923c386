//! Flow tests of the engine paths the full surface added: the password public key fetched as
//! a first step (once per client) and the passwords encrypted with the host's random bytes;
//! the getPhoneNumber button's `e.detail` with the code taken before the tap; the avatar's
//! choose → upload → update steps under one id; registration and token refresh effects; the
//! value conversions of user-defined data, roles and resources; calls that need the session.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{b64url, jwt_for};
use genauth_wxapp_sdk::engine::Failure;
use genauth_wxapp_sdk::ops::Need;
use genauth_wxapp_sdk::{Client, ErrorCode, Ledger, Outcome, Reply, Request, Step};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use serde_json::{json, Value};

const NOW: f64 = 1_800_000_000_000.0;
const PUBLIC_KEY: &str = include_str!("fixtures/test-rsa-public.pem");
const PRIVATE_KEY: &str = include_str!("fixtures/test-rsa-private.pem");

fn client(options: Value) -> Client {
    Client::new(&options, Ledger::new()).expect("valid options")
}

fn token(sub: &str) -> Value {
    json!(jwt_for(&format!(
        r#"{{"sub":"{sub}","iat":1700000000,"exp":2000000000}}"#
    )))
}

fn ok(data: Value) -> Value {
    json!({"code": 200, "message": "ok", "data": data})
}

fn sent(step: Step) -> (u32, Request) {
    match step {
        Step::Send { id, request, .. } => (id, request),
        other => panic!("expected a request, got {other:?}"),
    }
}

fn needed(step: Step) -> (u32, Need) {
    match step {
        Step::Need { id, need, .. } => (id, need),
        other => panic!("expected a need, got {other:?}"),
    }
}

fn done(step: Step) -> Outcome {
    match step {
        Step::Done(outcome) => outcome,
        other => panic!("expected an outcome, got {other:?}"),
    }
}

fn answer(client: &Client, id: u32, body: Value, stored: &Value) -> Step {
    client.complete(
        id,
        Reply {
            status: 200,
            body: &body,
            header: &json!({}),
        },
        stored,
        NOW,
    )
}

fn random(len: usize) -> Value {
    Value::Array((0..len).map(|i| json!((i * 13 + 7) % 256)).collect())
}

fn decrypt(cipher: &Value) -> String {
    let key = RsaPrivateKey::from_pkcs8_pem(PRIVATE_KEY).expect("key");
    let bytes =
        genauth_wxapp_sdk::jwt::base64url_decode(cipher.as_str().expect("text")).expect("base64");
    String::from_utf8(key.decrypt(Pkcs1v15Encrypt, &bytes).expect("decrypts")).expect("utf-8")
}

fn pem_body() -> String {
    PUBLIC_KEY.to_owned()
}

#[test]
fn the_public_key_is_fetched_once_per_client_then_passwords_are_encrypted() {
    let client = client(json!({"appId": "app1"}));
    let args = [json!("a@example.com"), json!("p4ssw0rd密")];
    let (id, key_request) = sent(client.prepare("loginByEmail", &args, &json!(""), NOW));
    assert_eq!(
        key_request.to_json()["url"],
        "https://core.genauth.ai/api/v2/.well-known"
    );
    assert_eq!(key_request.header("authorization"), None);
    let (id2, need) = needed(answer(
        &client,
        id,
        ok(json!({"publicKey": pem_body()})),
        &json!(""),
    ));
    assert_eq!(id2, id, "one call, one id");
    let Need::Random(len) = need else {
        panic!("random bytes")
    };
    let (_, request) = sent(client.supply(id, &random(len), NOW));
    let body = request.to_json()["data"].clone();
    assert!(body["query"]
        .as_str()
        .unwrap()
        .starts_with("mutation loginByEmail"));
    let input = &body["variables"]["input"];
    assert_eq!(input["email"], "a@example.com");
    assert_ne!(input["password"], "p4ssw0rd密");
    assert_eq!(decrypt(&input["password"]), "p4ssw0rd密");
    assert_eq!(input["autoRegister"], false);
    assert_eq!(input["params"], Value::Null);
    // The next call of the same client goes straight to the random bytes.
    let step = client.prepare(
        "loginByUsername",
        &[json!("bob"), json!("pw")],
        &json!(""),
        NOW,
    );
    assert!(matches!(needed(step).1, Need::Random(_)));
}

#[test]
fn the_public_key_option_skips_the_fetch_and_a_bad_key_answer_is_reported() {
    let with_key = client(json!({"appId": "app1", "publicKey": PUBLIC_KEY}));
    let step = with_key.prepare(
        "updatePassword",
        &[json!("new-pw"), json!("old-pw")],
        &token("u1"),
        NOW,
    );
    let (id, need) = needed(step);
    let Need::Random(len) = need else {
        panic!("random")
    };
    let (_, request) = sent(with_key.supply(id, &random(len), NOW));
    let vars = &request.to_json()["data"]["variables"];
    assert_eq!(decrypt(&vars["newPassword"]), "new-pw");
    assert_eq!(decrypt(&vars["oldPassword"]), "old-pw");

    let fetching = client(json!({"appId": "app1"}));
    let (id, _) = sent(fetching.prepare(
        "loginByEmail",
        &[json!("a@b.c"), json!("pw")],
        &json!(""),
        NOW,
    ));
    let outcome = done(answer(
        &fetching,
        id,
        ok(json!({"publicKey": "nope"})),
        &json!(""),
    ));
    assert_eq!(outcome.result.unwrap_err().code, ErrorCode::InvalidResponse);
    // No random bytes: ENCRYPTION_FAILED, nothing sent.
    let (id, _) = needed(with_key.prepare(
        "loginByEmail",
        &[json!("a@b.c"), json!("pw")],
        &json!(""),
        NOW,
    ));
    let outcome = done(with_key.fail(id, Failure::Random, "getRandomValues:fail", &json!("")));
    assert_eq!(
        outcome.result.unwrap_err().code,
        ErrorCode::EncryptionFailed
    );
    let (id, _) = needed(with_key.prepare(
        "loginByEmail",
        &[json!("a@b.c"), json!("pw")],
        &json!(""),
        NOW,
    ));
    let outcome = done(with_key.supply(id, &json!([1, 2, 3]), NOW));
    assert_eq!(
        outcome.result.unwrap_err().code,
        ErrorCode::EncryptionFailed
    );
}

#[test]
fn login_options_become_the_v4_input() {
    let c = client(json!({"appId": "app1", "publicKey": PUBLIC_KEY}));
    let args = [
        json!("13800000000"),
        json!("123456"),
        json!({"customData": {"age": 20, "school": "MIT"}, "context": {"from": "mp"}, "phoneCountryCode": "+86", "clientIp": "1.2.3.4"}),
    ];
    let (_, request) = sent(c.prepare("loginByPhoneCode", &args, &json!(""), NOW));
    let input = request.to_json()["data"]["variables"]["input"].clone();
    assert_eq!(
        input,
        json!({
            "phone": "13800000000", "code": "123456", "phoneCountryCode": "+86", "clientIp": "1.2.3.4",
            "params": r#"[{"key":"age","value":20},{"key":"school","value":"MIT"}]"#,
            "context": r#"{"from":"mp"}"#
        })
    );
    // An unknown option and a bad value are named; nothing is sent.
    let step = c.prepare(
        "loginByPhoneCode",
        &[json!("1"), json!("2"), json!({"autoRegister": true})],
        &json!(""),
        NOW,
    );
    let error = done(step).result.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidArgument);
    assert!(
        error.message.contains("options.autoRegister"),
        "{}",
        error.message
    );
    let step = c.prepare(
        "loginByPhoneCode",
        &[json!("1"), json!("2"), json!({"customData": {}})],
        &json!(""),
        NOW,
    );
    assert_eq!(
        done(step).result.unwrap_err().code,
        ErrorCode::InvalidArgument
    );
}

#[test]
fn registration_logs_in_only_with_a_token() {
    let c = client(json!({"appId": "app1", "publicKey": PUBLIC_KEY}));
    for (user, writes) in [
        (json!({"id": "u1", "token": null, "password": "hash"}), 0),
        (
            json!({"id": "u1", "token": token("u1"), "password": "hash"}),
            2,
        ),
    ] {
        let (id, need) = needed(c.prepare(
            "registerByEmail",
            &[json!("a@b.c"), json!("pw"), json!({"nickname": "小明"})],
            &json!(""),
            NOW,
        ));
        let Need::Random(len) = need else { panic!() };
        let (_, request) = sent(c.supply(id, &random(len), NOW));
        let input = request.to_json()["data"]["variables"]["input"].clone();
        assert_eq!(input["profile"], json!({"nickname": "小明"}));
        assert_eq!(input["forceLogin"], false);
        let body = json!({"data": {"registerByEmail": user}});
        let outcome = done(answer(&c, id, body, &json!("")));
        let value = outcome.result.expect("registered").to_json();
        assert_eq!(value["id"], "u1");
        assert!(value.get("password").is_none());
        assert_eq!(outcome.writes.len(), writes);
    }
}

#[test]
fn a_refreshed_token_is_stored_only_while_its_session_lasts() {
    let c = client(json!({"appId": "app1"}));
    let old = token("u1");
    let (id, request) = sent(c.prepare("refreshToken", &[] as &[Value], &old, NOW));
    assert!(request.to_json()["data"]["query"]
        .as_str()
        .unwrap()
        .starts_with("mutation refreshToken"));
    let fresh = token("u1-new");
    let body = json!({"data": {"refreshToken": {"token": fresh, "iat": 1, "exp": 2}}});
    let outcome = done(answer(&c, id, body.clone(), &old));
    assert_eq!(outcome.writes.len(), 1);
    assert_eq!(outcome.writes[0].value.as_ref().unwrap().to_json(), fresh);
    // The session ended meanwhile: the answer is returned, nothing is stored.
    let (id, _) = sent(c.prepare("refreshToken", &[] as &[Value], &old, NOW));
    let outcome = done(answer(&c, id, body, &json!("")));
    assert!(outcome.result.is_ok());
    assert!(outcome.writes.is_empty());
}

#[test]
fn session_operations_reject_without_a_session_and_send_nothing() {
    let c = client(json!({"appId": "app1"}));
    for (op, args) in [
        ("updateProfile", vec![json!({"nickname": "x"})]),
        ("updateAvatar", vec![]),
        ("listUdv", vec![]),
        ("setUdfValue", vec![json!({"a": 1})]),
        ("refreshToken", vec![]),
        ("listOrgs", vec![]),
        ("hasRole", vec![json!("admin")]),
        ("bindPhone", vec![json!("138"), json!("1234")]),
    ] {
        let outcome = done(c.prepare(op, &args, &json!(""), NOW));
        assert_eq!(
            outcome.result.unwrap_err().code,
            ErrorCode::NotLoggedIn,
            "{op}"
        );
        assert!(outcome.writes.is_empty());
    }
    // A token without a user id cannot name the user the variables need.
    let anonymous = json!(format!(
        "{}.{}.sig",
        b64url(b"{}"),
        b64url(br#"{"exp":2000000000}"#)
    ));
    let outcome = done(c.prepare("listUdv", &[] as &[Value], &anonymous, NOW));
    assert_eq!(outcome.result.unwrap_err().code, ErrorCode::NotLoggedIn);
}

#[test]
fn the_phone_button_detail_uses_the_code_taken_before_the_tap() {
    let c = client(json!({"appId": "app1"}));
    let detail = json!({"errMsg": "getPhoneNumber:ok", "iv": "aXY=", "encryptedData": "ZW5j", "code": "phone-code"});
    let (id, need) = needed(c.prepare(
        "loginByPhone",
        std::slice::from_ref(&detail),
        &json!(""),
        NOW,
    ));
    assert!(matches!(need, Need::SpareCode));
    let (_, request) = sent(c.supply(id, &json!({"code": "081spare", "at": NOW - 60_000.0}), NOW));
    assert_eq!(
        request.to_json()["data"],
        json!({"code": "081spare", "iv": "aXY=", "encryptedData": "ZW5j"})
    );
    assert!(request.to_json()["url"]
        .as_str()
        .unwrap()
        .ends_with("/auth-by-phone"));
    // A code from after the tap, an old one, or none: WX_CODE_NOT_READY, nothing sent.
    for spare in [
        json!({"code": "081late", "at": NOW + 1.0}),
        json!({"code": "081old", "at": NOW - 400_000.0}),
        Value::Null,
        json!({"code": 5, "at": NOW}),
    ] {
        let (id, _) = needed(c.prepare("getPhone", std::slice::from_ref(&detail), &json!(""), NOW));
        let outcome = done(c.supply(id, &spare, NOW));
        assert_eq!(
            outcome.result.unwrap_err().code,
            ErrorCode::WxCodeNotReady,
            "{spare}"
        );
    }
    // A refused tap sends nothing and asks for nothing.
    for (detail, code) in [
        (
            json!({"errMsg": "getPhoneNumber:fail user deny"}),
            ErrorCode::WxPhoneDenied,
        ),
        (
            json!({"errMsg": "getPhoneNumber:fail:user deny"}),
            ErrorCode::WxPhoneDenied,
        ),
        (
            json!({"errMsg": "getPhoneNumber:fail privacy permission is not authorized", "errno": 104}),
            ErrorCode::WxPrivacyDenied,
        ),
        (
            json!({"errMsg": "getPhoneNumber:fail no permission", "errno": 112}),
            ErrorCode::WxPhoneFailed,
        ),
    ] {
        let error = done(c.prepare("loginByPhone", &[detail], &json!(""), NOW))
            .result
            .unwrap_err();
        assert_eq!(error.code, code);
    }
    // The v4 form needs all three; the detail form takes nothing else.
    let error = done(c.prepare("getPhone", &[json!("081code")], &json!(""), NOW))
        .result
        .unwrap_err();
    assert!(error.message.contains("iv"), "{}", error.message);
    let error = done(c.prepare("getPhone", &[detail, json!("aXY=")], &json!(""), NOW))
        .result
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidArgument);
    let (_, request) = sent(c.prepare(
        "getPhone",
        &[json!("081code"), json!("aXY="), json!("ZW5j")],
        &json!(""),
        NOW,
    ));
    assert!(request.to_json()["url"]
        .as_str()
        .unwrap()
        .ends_with("/getphone"));
    assert_eq!(request.header("authorization"), None);
}

#[test]
fn the_avatar_is_chosen_uploaded_and_set_in_one_call() {
    let c = client(json!({"appId": "app1"}));
    let session = token("u1");
    let (id, need) = needed(c.prepare("updateAvatar", &[] as &[Value], &session, NOW));
    assert!(matches!(need, Need::ChooseImage));
    let (id2, need) = needed(c.supply(id, &json!("wxfile://tmp_abc.png"), NOW));
    assert_eq!(id2, id);
    let Need::Upload { url, file } = need else {
        panic!("upload")
    };
    assert_eq!(&*url, "https://core.genauth.ai/api/v2/upload?folder=avatar");
    assert_eq!(*file.0, json!("wxfile://tmp_abc.png"));
    let uploaded = json!({"status": 200, "data": r#"{"code":200,"message":"ok","data":{"key":"k","url":"https://files.example/k.png"}}"#});
    let (_, request) = sent(c.supply(id, &uploaded, NOW));
    assert_eq!(
        request.to_json()["data"]["variables"],
        json!({"id": "u1", "input": {"photo": "https://files.example/k.png"}})
    );
    let user = json!({"id": "u1", "photo": "https://files.example/k.png", "token": session});
    let outcome = done(answer(
        &c,
        id,
        json!({"data": {"updateUser": user}}),
        &session,
    ));
    assert_eq!(
        outcome.result.unwrap().to_json()["photo"],
        "https://files.example/k.png"
    );
    assert_eq!(outcome.writes.len(), 2);

    // A given path is uploaded without choosing; a failed upload or cancel rejects.
    let (id, need) = needed(c.prepare("updateAvatar", &[json!("http://tmp/x.jpg")], &session, NOW));
    assert!(matches!(need, Need::Upload { .. }));
    let bad = json!({"status": 200, "data": r#"{"code":500,"message":"upload failed"}"#});
    assert_eq!(
        done(c.supply(id, &bad, NOW)).result.unwrap_err().code,
        ErrorCode::ServerRejected
    );
    let (id, _) = needed(c.prepare("updateAvatar", &[] as &[Value], &session, NOW));
    let outcome = done(c.fail(id, Failure::Cancelled, "chooseMedia:fail cancel", &session));
    assert_eq!(outcome.result.unwrap_err().code, ErrorCode::Cancelled);
    assert!(outcome.writes.is_empty());
}

#[test]
fn user_defined_data_comes_back_as_values() {
    let c = client(json!({"appId": "app1"}));
    let session = token("u1");
    let (id, request) = sent(c.prepare("setUdv", &[json!("age"), json!(20)], &session, NOW));
    assert_eq!(
        request.to_json()["data"]["variables"],
        json!({"targetType": "USER", "targetId": "u1", "key": "age", "value": "20"})
    );
    let list = json!([
        {"key": "age", "dataType": "NUMBER", "value": "20", "label": "Age"},
        {"key": "vip", "dataType": "BOOLEAN", "value": "true", "label": null},
        {"key": "meta", "dataType": "OBJECT", "value": "{\"a\":[1]}", "label": null},
        {"key": "born", "dataType": "DATETIME", "value": "1700000000000", "label": null},
        {"key": "name", "dataType": "STRING", "value": "小明", "label": null},
        {"key": "bad", "dataType": "NUMBER", "value": "not json", "label": null}
    ]);
    let outcome = done(answer(
        &c,
        id,
        json!({"data": {"setUdv": list.clone()}}),
        &session,
    ));
    let values: Vec<Value> = outcome
        .result
        .unwrap()
        .to_json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].clone())
        .collect();
    assert_eq!(
        values,
        vec![
            json!(20),
            json!(true),
            json!({"a": [1]}),
            json!({"$date": 1_700_000_000_000_u64}),
            json!("小明"),
            json!("not json")
        ]
    );
    let (id, _) = sent(c.prepare("getUdfValue", &[] as &[Value], &session, NOW));
    let outcome = done(answer(&c, id, json!({"data": {"udv": list}}), &session));
    let map = outcome.result.unwrap().to_json();
    assert_eq!(map["age"], 20);
    assert_eq!(map["vip"], true);
    let (_, request) = sent(c.prepare(
        "setUdfValue",
        &[json!({"a": [1, {"b": null}], "s": "x"})],
        &session,
        NOW,
    ));
    assert_eq!(
        request.to_json()["data"]["variables"]["udvList"],
        json!([{"key": "a", "value": r#"[1,{"b":null}]"#}, {"key": "s", "value": "\"x\""}])
    );
    for bad in [json!({}), json!({"a b": 1}), json!({"a": "\u{202e}"})] {
        let outcome = done(c.prepare("setUdfValue", std::slice::from_ref(&bad), &session, NOW));
        assert_eq!(
            outcome.result.unwrap_err().code,
            ErrorCode::InvalidArgument,
            "{bad}"
        );
    }
}

#[test]
fn roles_and_resources_are_read_from_the_user() {
    let c = client(json!({"appId": "app1"}));
    let session = token("u1");
    let roles =
        json!({"data": {"user": {"roles": {"totalCount": 1, "list": [{"code": "admin"}]}}}});
    for (role, want) in [("admin", true), ("editor", false)] {
        let (id, request) = sent(c.prepare("hasRole", &[json!(role), json!("ns")], &session, NOW));
        assert_eq!(
            request.to_json()["data"]["variables"],
            json!({"id": "u1", "namespace": "ns"})
        );
        assert_eq!(
            done(answer(&c, id, roles.clone(), &session))
                .result
                .unwrap()
                .to_json(),
            want
        );
    }
    let (id, request) = sent(c.prepare(
        "listAuthorizedResources",
        &[json!("ns"), json!({"resourceType": "API"})],
        &session,
        NOW,
    ));
    assert_eq!(
        request.to_json()["data"]["variables"],
        json!({"id": "u1", "namespace": "ns", "resourceType": "API"})
    );
    let body = json!({"data": {"user": {"authorizedResources": {"totalCount": 2, "list": [
        {"code": "a", "type": "API", "actions": ["read"]},
        {"code": "b", "type": "", "actions": null}
    ]}}}});
    let result = done(answer(&c, id, body, &session))
        .result
        .unwrap()
        .to_json();
    assert_eq!(
        result,
        json!({"list": [{"code": "a", "type": "API", "actions": ["read"]}, {"code": "b"}], "totalCount": 2})
    );
    let (id, _) = sent(c.prepare("listAuthorizedResources", &[json!("ns")], &session, NOW));
    let error = done(answer(&c, id, json!({"data": {"user": null}}), &session))
        .result
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::UserNotFound);
    let error = done(c.prepare(
        "listAuthorizedResources",
        &[json!("ns"), json!({"resourceType": "FILE"})],
        &session,
        NOW,
    ))
    .result
    .unwrap_err();
    assert!(
        error.message.contains("DATA, API, MENU, UI, BUTTON"),
        "{}",
        error.message
    );
}

#[test]
fn rest_account_calls_and_their_results() {
    let c = client(json!({"appId": "app1"}));
    let session = token("u1");
    let (id, request) = sent(c.prepare(
        "listApplications",
        &[json!({"page": 2, "limit": 5})],
        &session,
        NOW,
    ));
    assert_eq!(
        request.to_json()["url"],
        "https://core.genauth.ai/api/v2/users/me/applications/allowed?page=2&limit=5"
    );
    let page = json!({"totalCount": 0, "list": []});
    assert_eq!(
        done(answer(&c, id, ok(page.clone()), &session))
            .result
            .unwrap()
            .to_json(),
        page
    );
    let (id, request) = sent(c.prepare("sendSmsCode", &[json!("13800000000")], &json!(""), NOW));
    assert_eq!(request.to_json()["data"], json!({"phone": "13800000000"}));
    let sms = done(answer(
        &c,
        id,
        json!({"code": 200, "message": "发送成功"}),
        &json!(""),
    ))
    .result
    .unwrap();
    assert_eq!(sms.to_json(), json!({"code": 200, "message": "发送成功"}));
    let primary = token("p");
    let secondary = token("s");
    let (id, request) = sent(c.prepare(
        "linkAccount",
        &[json!({"primaryUserToken": primary, "secondaryUserToken": secondary})],
        &json!(""),
        NOW,
    ));
    assert_eq!(
        request.to_json()["data"],
        json!({"primaryUserToken": primary, "secondaryUserToken": secondary})
    );
    assert_eq!(request.header("authorization"), None);
    let linked = done(answer(
        &c,
        id,
        json!({"code": 200, "message": "ok"}),
        &json!(""),
    ))
    .result
    .unwrap();
    assert_eq!(
        linked.to_json(),
        json!({"code": 200, "message": "绑定成功"})
    );
}

#[test]
fn wrong_answers_to_a_key_fetch_do_not_leave_the_call_pending() {
    let c = client(json!({"appId": "app1"}));
    let (id, _) = sent(c.prepare(
        "resetPasswordByEmailCode",
        &[json!("a@b.c"), json!("1234"), json!("pw")],
        &json!(""),
        NOW,
    ));
    let outcome = done(answer(
        &c,
        id,
        json!({"code": 500, "message": "down"}),
        &json!(""),
    ));
    assert_eq!(outcome.result.unwrap_err().code, ErrorCode::ServerRejected);
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn a_profile_update_sends_null_to_clear_a_field() {
    let c = client(json!({"appId": "app1"}));
    let step = c.prepare(
        "updateProfile",
        &[json!({"nickname": null, "company": "Zion", "loginsCount": 3, "blocked": false})],
        &token("u1"),
        NOW,
    );
    let (_, request) = sent(step);
    assert_eq!(
        request.to_json()["data"]["variables"],
        json!({"id": "u1", "input": {"nickname": null, "company": "Zion", "loginsCount": 3, "blocked": false}})
    );
    let step = c.prepare(
        "updateProfile",
        &[json!({"password": "x"})],
        &token("u1"),
        NOW,
    );
    let error = done(step).result.unwrap_err();
    assert!(
        error.message.contains("updates.password"),
        "{}",
        error.message
    );
}
