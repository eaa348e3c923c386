//! Flow tests: prepare → (supply) → canned answer → complete → session, with a fixed clock.
//!
//! Each test plays methods of `AuthenticationClient` the way the JS shim drives the engine,
//! holding "storage" in a map of host values, and checks the exact requests and what
//! storage holds afterwards. Natively a host value is JSON; the same engine runs in wasm.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::rc::Rc;

use genauth_wxapp_sdk::engine::Failure;
use genauth_wxapp_sdk::ops::{self, Need};
use genauth_wxapp_sdk::{Client, ErrorCode, Ledger, Outcome, Reply, Request, Step};
use serde_json::{json, Value};

const NOW_MS: f64 = 1_800_000_000_000.0;
const TOKEN_KEY: &str = "genauth:app1:token";
const USER_KEY: &str = "genauth:app1:user";

/// A token (unsigned; the SDK does not verify signatures) for user `sub`.
fn token(sub: &str, exp: i64) -> String {
    token_with(&format!(
        r#"{{"sub":"{sub}","iat":1700000000,"exp":{exp},"aud":"app1"}}"#
    ))
}

fn token_with(payload: &str) -> String {
    fn b64(bytes: &[u8]) -> String {
        const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
    format!(
        "{}.{}.sig",
        b64(br#"{"alg":"HS256"}"#),
        b64(payload.as_bytes())
    )
}

fn user(id: &str, token: &str) -> Value {
    json!({"id": id, "nickname": "小明", "token": token, "phone": null, "password": "$2b$hash"})
}

fn rest_ok(data: Value) -> Value {
    json!({"code": 200, "message": "ok", "data": data})
}

/// Storage shared by the clients of one "mini program", and the ledger of its wasm instance.
struct App {
    storage: BTreeMap<String, Value>,
    ledger: Rc<Ledger>,
}

impl App {
    fn new() -> App {
        App {
            storage: BTreeMap::new(),
            ledger: Ledger::new(),
        }
    }

    fn client(&self, options: Value) -> Client {
        Client::new(&options, self.ledger.clone()).expect("valid options")
    }

    fn default_client(&self) -> Client {
        self.client(json!({"appId": "app1"}))
    }

    fn stored(&self, key: &str) -> Value {
        self.storage.get(key).cloned().unwrap_or(json!(""))
    }

    fn token(&self) -> Value {
        self.stored(TOKEN_KEY)
    }

    fn apply(&mut self, outcome: &Outcome) {
        for write in &outcome.writes {
            match &write.value {
                Some(value) => {
                    self.storage.insert(write.key.to_string(), value.to_json());
                }
                None => {
                    self.storage.remove(&*write.key);
                }
            }
        }
    }

    /// Finishes a step the way the shim does: makes the writes, returns the result as JSON.
    fn settle(&mut self, step: Step) -> Result<Value, (ErrorCode, String)> {
        match step {
            Step::Done(outcome) => {
                self.apply(&outcome);
                outcome
                    .result
                    .map(|value| value.to_json())
                    .map_err(|e| (e.code, e.message))
            }
            other => panic!("expected an outcome, got {other:?}"),
        }
    }

    fn prepare(&self, client: &Client, op: &str, args: &[Value]) -> Step {
        client.prepare(op, args, &self.token(), NOW_MS)
    }

    fn answer(&self, client: &Client, id: u32, body: Value) -> Step {
        self.answer_with(client, id, 200, body, json!({}))
    }

    fn answer_with(
        &self,
        client: &Client,
        id: u32,
        status: u16,
        body: Value,
        header: Value,
    ) -> Step {
        let stored = self.token();
        client.complete(
            id,
            Reply {
                status,
                body: &body,
                header: &header,
            },
            &stored,
            NOW_MS,
        )
    }

    /// One call with one answer: prepare, answer the request, settle.
    fn call(
        &mut self,
        client: &Client,
        op: &str,
        args: &[Value],
        body: Value,
    ) -> Result<Value, (ErrorCode, String)> {
        let (id, _) = sent(self.prepare(client, op, args));
        let step = self.answer(client, id, body);
        self.settle(step)
    }

    fn login(&mut self, client: &Client, sub: &str) -> String {
        let token = token(sub, 2_000_000_000);
        self.call(
            client,
            "loginByCode",
            &[json!("code-1")],
            rest_ok(user(sub, &token)),
        )
        .expect("login succeeds");
        token
    }
}

/// The request of a `Send` step.
fn sent(step: Step) -> (u32, Request) {
    match step {
        Step::Send { id, request, .. } => (id, request),
        other => panic!("expected a request, got {other:?}"),
    }
}

fn code_of(result: Result<Value, (ErrorCode, String)>) -> ErrorCode {
    result.expect_err("should fail").0
}

#[test]
fn login_by_code_sends_exactly_what_authing_wxapp_sdk_sends() {
    let app = App::new();
    let client = app.client(json!({"appId": "app1", "userPoolId": "pool1"}));
    let raw_data = r#"{"nickName":"小明"}"#;
    let (_, request) = sent(app.prepare(
        &client,
        "loginByCode",
        &[
            json!("081code"),
            json!({"iv": "aXY=", "encryptedData": "ZW5j", "rawData": raw_data}),
        ],
    ));
    assert_eq!(
        request.to_json(),
        json!({
            "method": "POST",
            "url": "https://core.genauth.ai/connections/social/wechat-miniprogram/auth",
            "header": {
                "content-type": "application/json;charset=utf-8",
                "x-authing-sdk-version": format!("wxapp:{}", env!("CARGO_PKG_VERSION")),
                "x-authing-request-from": "wxapp",
                "x-authing-app-id": "app1",
                "x-authing-userpool-id": "pool1",
                "x-authing-lang": "zh-CN",
                "accept": "application/json, text/plain, */*",
            },
            "data": {"code": "081code", "iv": "aXY=", "encryptedData": "ZW5j", "rawData": raw_data},
            "timeout": 10000,
        })
    );
    // Absent keys are left out; the whole wx.login result is taken too.
    let (_, request) = sent(app.prepare(
        &client,
        "loginByCode",
        &[json!({"code": "081code", "errMsg": "login:ok"})],
    ));
    assert_eq!(request.to_json()["data"], json!({"code": "081code"}));
}

#[test]
fn login_uses_host_and_graphql_uses_app_host() {
    let mut app = App::new();
    let client = app.client(json!({"appId": "app1", "host": "http://127.0.0.1:9", "appHost": "https://app.example.com/"}));
    let (_, request) = sent(app.prepare(&client, "loginByCode", &[json!("c")]));
    assert_eq!(
        request.to_json()["url"],
        "http://127.0.0.1:9/connections/social/wechat-miniprogram/auth"
    );
    app.login(&client, "u1");
    let (_, request) = sent(app.prepare(&client, "getCurrentUser", &[]));
    assert_eq!(
        request.to_json()["url"],
        "https://app.example.com/graphql/v2"
    );
    let (_, request) = sent(app.prepare(&client, "logout", &[]));
    assert_eq!(
        request.to_json()["url"],
        "https://app.example.com/api/v2/logout?app_id=app1"
    );
    assert_eq!(request.to_json()["method"], "GET");
    assert!(request.to_json().get("data").is_none());
}

#[test]
fn login_stores_the_session_and_returns_the_user_without_its_password() {
    let mut app = App::new();
    let client = app.default_client();
    let token = token("u1", 2_000_000_000);
    let user = app
        .call(
            &client,
            "loginByCode",
            &[json!("c")],
            rest_ok(user("u1", &token)),
        )
        .unwrap();
    assert_eq!(user["id"], "u1");
    assert!(
        user.get("password").is_none(),
        "the password hash is not handed out"
    );
    assert_eq!(app.token(), json!(token));
    assert_eq!(app.stored(USER_KEY)["id"], "u1");
    assert!(app.stored(USER_KEY).get("password").is_none(), "nor stored");
    assert_eq!(
        app.settle(app.prepare(&client, "getToken", &[])).unwrap(),
        json!(token)
    );
    assert_eq!(client.in_flight(), 0);
}

#[test]
fn login_without_a_code_asks_for_one_and_retries_a_stale_one_once() {
    let mut app = App::new();
    let client = app.default_client();
    let step = app.prepare(&client, "loginByCode", &[]);
    let Step::Need {
        id,
        need: Need::WxLoginCode,
        share: Some("loginByCode"),
    } = step
    else {
        panic!("asks for a wx.login code first, shareable: {step:?}")
    };
    let (same, request) = sent(client.supply(id, &json!("code-a"), NOW_MS));
    assert_eq!(same, id);
    assert_eq!(request.to_json()["data"]["code"], "code-a");
    // WeChat says the code was used: ask for a fresh one, once.
    let step = app.answer(
        &client,
        id,
        json!({"code": 40163, "message": "code been used"}),
    );
    assert!(
        matches!(
            step,
            Step::Need {
                need: Need::WxLoginCode,
                share: None,
                ..
            }
        ),
        "{step:?}"
    );
    let (_, request) = sent(client.supply(id, &json!({"code": "code-b"}), NOW_MS));
    assert_eq!(request.to_json()["data"]["code"], "code-b");
    let step = app.answer(
        &client,
        id,
        json!({"code": 40029, "message": "invalid code"}),
    );
    assert_eq!(code_of(app.settle(step)), ErrorCode::WxCodeInvalid);
    assert_eq!(client.in_flight(), 0);
    // A code the caller passed is never retried.
    let (id, _) = sent(app.prepare(&client, "loginByCode", &[json!("mine")]));
    let step = app.answer(&client, id, json!({"code": 40163, "message": "used"}));
    assert_eq!(code_of(app.settle(step)), ErrorCode::WxCodeUsed);
    // wx.login failing, or giving no code.
    let Step::Need { id, .. } = app.prepare(&client, "loginByCode", &[]) else {
        panic!()
    };
    let step = client.fail(
        id,
        Failure::WxLogin,
        "login:fail\u{202e} timeout",
        &app.token(),
    );
    let (code, message) = app.settle(step).unwrap_err();
    assert_eq!(code, ErrorCode::WxLoginFailed);
    assert_eq!(message, "wx.login 调用失败: login:fail timeout");
    let Step::Need { id, .. } = app.prepare(&client, "loginByCode", &[]) else {
        panic!()
    };
    assert_eq!(
        code_of(app.settle(client.supply(id, &json!(""), NOW_MS))),
        ErrorCode::WxLoginFailed
    );
    assert_eq!(client.in_flight(), 0);
    assert_eq!(app.token(), json!(""));
}

#[test]
fn bad_arguments_fail_before_any_request_and_never_echo_the_value() {
    let mut app = App::new();
    let client = app.default_client();
    let secret = "SECRET4217";
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        (
            "loginByCode",
            vec![json!(4217)],
            "code: 应为wx.login 返回的 code",
        ),
        ("loginByCode", vec![json!(format!("{secret} x"))], "code:"),
        (
            "loginByCode",
            vec![json!("c"), json!(secret)],
            "options: 应为对象",
        ),
        (
            "loginByCode",
            vec![json!("c"), json!({"iv": "aXY="})],
            "options.iv: 必须与 options.encryptedData 一起提供",
        ),
        (
            "loginByCode",
            vec![json!("c"), json!({"rawData": secret})],
            "options.rawData",
        ),
        (
            "loginByCode",
            vec![
                json!("c"),
                json!({"encryptedData": format!("{secret}!"), "iv": "aXY="}),
            ],
            "options.encryptedData",
        ),
        (
            "loginByCode",
            vec![json!("c"), json!({"phone": secret})],
            "options.phone: 未知参数",
        ),
        (
            "checkLoginStatus",
            vec![json!(7)],
            "token: 应为GenAuth token",
        ),
        (
            "checkLoginStatus",
            vec![json!(format!("{secret} {secret}"))],
            "token:",
        ),
        (
            "getCurrentUser",
            vec![json!({"cached": secret})],
            "options.cached: 应为布尔值",
        ),
        ("logout", vec![json!(secret)], "第 1 个参数多余"),
        (
            "getToken",
            vec![json!(null), json!(secret)],
            "第 2 个参数多余",
        ),
    ];
    for (op, args, want) in cases {
        let (code, message) = app.settle(app.prepare(&client, op, &args)).unwrap_err();
        assert_eq!(code, ErrorCode::InvalidArgument, "{op}: {message}");
        assert!(message.contains(want), "{op}: {message}");
        assert!(
            !message.contains(secret) && !message.contains("4217"),
            "{op}: {message}"
        );
    }
    assert_eq!(client.in_flight(), 0);
    assert!(app.storage.is_empty());
    let (code, _) = app
        .settle(app.prepare(&client, "deleteEverything", &[]))
        .unwrap_err();
    assert_eq!(code, ErrorCode::Internal);
}

#[test]
fn failures_keep_the_session() {
    let mut app = App::new();
    let client = app.default_client();
    let token = app.login(&client, "u1");
    for failure in [Failure::Timeout, Failure::Network] {
        let (id, _) = sent(app.prepare(&client, "getCurrentUser", &[]));
        let code = code_of(app.settle(client.fail(id, failure, "request:fail", &app.token())));
        assert!(matches!(code, ErrorCode::Timeout | ErrorCode::NetworkError));
    }
    for (status, body) in [
        (502, json!("<html>Bad Gateway</html>")),
        (200, json!({"code": 2224, "message": "应用不存在"})),
        (200, json!("not json")),
    ] {
        let (id, _) = sent(app.prepare(&client, "loginByCode", &[json!("c")]));
        let step = app.answer_with(&client, id, status, body, json!({}));
        assert!(app.settle(step).is_err());
    }
    assert_eq!(app.token(), json!(token));
}

#[test]
fn get_current_user_refreshes_the_copy_and_the_token() {
    let mut app = App::new();
    let client = app.default_client();
    assert_eq!(
        app.settle(app.prepare(&client, "getCurrentUser", &[]))
            .unwrap(),
        Value::Null
    );
    let first = app.login(&client, "u1");
    let (id, request) = sent(app.prepare(&client, "getCurrentUser", &[]));
    let json = request.to_json();
    assert_eq!(json["header"]["Authorization"], format!("Bearer {first}"));
    assert!(json["data"]["query"]
        .as_str()
        .unwrap()
        .starts_with("query user($id: String)"));
    assert!(!json["data"]["query"].as_str().unwrap().contains("password"));
    assert_eq!(json["data"]["variables"], json!({}));
    let fresh = token("u1", 2_000_000_500);
    let mut refreshed = user("u1", &fresh);
    refreshed["nickname"] = json!("大明");
    let step = app.answer(&client, id, json!({"data": {"user": refreshed}}));
    assert_eq!(app.settle(step).unwrap()["nickname"], "大明");
    assert_eq!(app.token(), json!(fresh));
    assert_eq!(app.stored(USER_KEY)["nickname"], "大明");
    // {cached: true}: the stored copy, without a request.
    let step = app.prepare(&client, "getCurrentUser", &[json!({"cached": true})]);
    let Step::Need {
        id,
        need: Need::Storage(key),
        ..
    } = step
    else {
        panic!("{step:?}")
    };
    assert_eq!(&*key, USER_KEY);
    let copy = app.stored(USER_KEY);
    assert_eq!(
        app.settle(client.supply(id, &copy, NOW_MS)).unwrap()["nickname"],
        "大明"
    );
    // ... only if it is the session user's.
    let Step::Need { id, .. } = app.prepare(&client, "getCurrentUser", &[json!({"cached": true})])
    else {
        panic!()
    };
    assert_eq!(
        app.settle(client.supply(id, &json!({"id": "someone-else"}), NOW_MS))
            .unwrap(),
        Value::Null
    );
}

#[test]
fn a_late_get_current_user_never_brings_an_older_session_back() {
    let mut app = App::new();
    let client = app.default_client();
    let old = app.login(&client, "u1");
    // Sent with the old token; meanwhile the user logs out.
    let (late, _) = sent(app.prepare(&client, "getCurrentUser", &[]));
    let (id, _) = sent(app.prepare(&client, "logout", &[]));
    let step = app.answer(&client, id, rest_ok(Value::Null));
    app.settle(step).unwrap();
    let step = app.answer(&client, late, json!({"data": {"user": user("u1", &old)}}));
    assert_eq!(
        app.settle(step).unwrap()["id"],
        "u1",
        "the caller still gets its answer"
    );
    assert_eq!(app.token(), json!(""), "but the session stays ended");
    assert_eq!(app.stored(USER_KEY), json!(""));
    // Sent before a re-login as someone else: the new session is kept.
    let _ = app.login(&client, "u1");
    let (late, _) = sent(app.prepare(&client, "getCurrentUser", &[]));
    let bob = app.login(&client, "bob");
    let step = app.answer(&client, late, json!({"data": {"user": user("u1", &old)}}));
    app.settle(step).unwrap();
    assert_eq!(app.token(), json!(bob));
    assert_eq!(app.stored(USER_KEY)["id"], "bob");
}

#[test]
fn a_late_logout_never_ends_a_newer_login_and_a_late_login_never_undoes_a_later_logout() {
    let mut app = App::new();
    let a = app.default_client();
    let b = app.default_client();
    app.login(&a, "alice");
    // A's logout is in flight when B (same app, same storage) logs in as bob.
    let (logout, _) = sent(app.prepare(&a, "logout", &[]));
    let bob = app.login(&b, "bob");
    let step = app.answer(&a, logout, rest_ok(Value::Null));
    app.settle(step).unwrap();
    assert_eq!(app.token(), json!(bob), "the later login stands");
    // A login in flight when a logout is called: the logout, called later, wins.
    let (login, _) = sent(app.prepare(&a, "loginByCode", &[json!("code-2")]));
    let (logout, _) = sent(app.prepare(&b, "logout", &[]));
    let late_token = token("carol", 2_000_000_000);
    let step = app.answer(&b, logout, rest_ok(Value::Null));
    app.settle(step).unwrap();
    let step = app.answer(&a, login, rest_ok(user("carol", &late_token)));
    assert_eq!(app.settle(step).unwrap()["id"], "carol");
    assert_eq!(
        app.token(),
        json!(""),
        "a late login does not undo a later logout"
    );
    // Two logins: the one called later wins, whatever order the answers come in.
    let (first, _) = sent(app.prepare(&a, "loginByCode", &[json!("code-3")]));
    let (second, _) = sent(app.prepare(&b, "loginByCode", &[json!("code-4")]));
    let (t1, t2) = (token("one", 2_000_000_000), token("two", 2_000_000_000));
    let step = app.answer(&b, second, rest_ok(user("two", &t2)));
    app.settle(step).unwrap();
    let step = app.answer(&a, first, rest_ok(user("one", &t1)));
    app.settle(step).unwrap();
    assert_eq!(app.token(), json!(t2));
}

#[test]
fn an_expired_token_ends_the_session_only_if_it_is_still_the_one_sent() {
    let mut app = App::new();
    let client = app.default_client();
    let expired =
        json!({"errors": [{"message": {"code": 2206, "message": "登录信息已过期"}}], "data": null});
    app.login(&client, "u1");
    let (late, _) = sent(app.prepare(&client, "getCurrentUser", &[]));
    let newer = app.login(&client, "u2");
    let step = app.answer(&client, late, expired.clone());
    assert_eq!(code_of(app.settle(step)), ErrorCode::SessionExpired);
    assert_eq!(
        app.token(),
        json!(newer),
        "the newer session is not touched"
    );
    let (id, _) = sent(app.prepare(&client, "getCurrentUser", &[]));
    let step = app.answer(&client, id, expired);
    assert_eq!(code_of(app.settle(step)), ErrorCode::SessionExpired);
    assert_eq!(app.token(), json!(""), "the expired session ends");
    assert_eq!(app.stored(USER_KEY), json!(""));
}

#[test]
fn check_login_status() {
    let mut app = App::new();
    let client = app.client(json!({"appId": "app1", "lang": "en-US"}));
    let status = app
        .settle(app.prepare(&client, "checkLoginStatus", &[]))
        .unwrap();
    assert_eq!(
        status,
        json!({"code": 2020, "message": "Not logged in", "status": false, "exp": null, "iat": null, "data": null})
    );
    let other = token("x", 2_000_000_000);
    let (id, request) = sent(app.prepare(&client, "checkLoginStatus", &[json!(other)]));
    let json = request.to_json();
    assert_eq!(json["data"]["variables"], json!({"token": other}));
    assert!(json["header"].get("Authorization").is_none());
    assert!(json["data"]["query"]
        .as_str()
        .unwrap()
        .starts_with("query checkLoginStatus($token: String)"));
    let verdict = json!({"code": 200, "message": "已登录", "status": true, "exp": 1, "iat": 0, "data": {"id": "x"}});
    let step = app.answer(&client, id, json!({"data": {"checkLoginStatus": verdict}}));
    assert_eq!(app.settle(step).unwrap(), verdict);
    let mine = app.login(&client, "u1");
    let (id, request) = sent(app.prepare(&client, "checkLoginStatus", &[]));
    assert_eq!(request.to_json()["data"]["variables"], json!({}));
    assert_eq!(
        request.header("authorization").unwrap(),
        format!("Bearer {mine}")
    );
    // A false verdict on someone else's token leaves the session alone...
    let (other_id, _) = sent(app.prepare(&client, "checkLoginStatus", &[json!(other)]));
    let no = json!({"data": {"checkLoginStatus": {"code": 2206, "status": false, "exp": null, "iat": null}}});
    app.settle(app.answer(&client, other_id, no.clone()))
        .unwrap();
    assert_eq!(app.token(), json!(mine));
    // ... on the session's own, it ends it.
    app.settle(app.answer(&client, id, no)).unwrap();
    assert_eq!(app.token(), json!(""));
    let (id, _) = sent(app.prepare(&client, "checkLoginStatus", &[json!(other)]));
    let step = app.answer(&client, id, json!({"data": {"checkLoginStatus": null}}));
    assert_eq!(code_of(app.settle(step)), ErrorCode::InvalidResponse);
}

#[test]
fn logout_clears_this_and_the_legacy_session_and_survives_a_forgotten_token() {
    let mut app = App::new();
    app.storage.insert("_authing_token".into(), json!("legacy"));
    let client = app.default_client();
    app.login(&client, "u1");
    let (id, request) = sent(app.prepare(&client, "logout", &[]));
    assert!(request.header("authorization").is_some());
    app.settle(app.answer(&client, id, rest_ok(Value::Null)))
        .unwrap();
    assert!(app.storage.is_empty(), "{:?}", app.storage);
    // Logged out already: clears what is left, no request.
    app.storage
        .insert("_authing_user".into(), json!({"id": "old"}));
    assert_eq!(
        app.settle(app.prepare(&client, "logout", &[])).unwrap(),
        Value::Null
    );
    assert!(app.storage.is_empty());
    // The server no longer knows the token: logged out all the same.
    app.login(&client, "u1");
    let (id, _) = sent(app.prepare(&client, "logout", &[]));
    let step = app.answer(&client, id, json!({"code": 2020, "message": "尚未登录"}));
    app.settle(step).unwrap();
    assert_eq!(app.token(), json!(""));
    // GenAuth cannot be told (network down, timeout, a failing server): the session ends on
    // the device all the same, and the call says so with its own code.
    for failure in [Failure::Network, Failure::Timeout] {
        app.login(&client, "u1");
        let (id, _) = sent(app.prepare(&client, "logout", &[]));
        let result = app.settle(client.fail(id, failure, "request:fail", &app.token()));
        assert_eq!(code_of(result), ErrorCode::LoggedOutLocally);
        assert!(app.storage.is_empty(), "{:?}", app.storage);
    }
    app.login(&client, "u1");
    let (id, _) = sent(app.prepare(&client, "logout", &[]));
    let step = app.answer_with(
        &client,
        id,
        502,
        json!("<html>Bad Gateway</html>"),
        json!({}),
    );
    assert_eq!(code_of(app.settle(step)), ErrorCode::LoggedOutLocally);
    assert_eq!(app.token(), json!(""));
    // A logout GenAuth refuses for another reason keeps the session.
    let token = app.login(&client, "u1");
    let (id, _) = sent(app.prepare(&client, "logout", &[]));
    let step = app.answer(&client, id, json!({"code": 2224, "message": "应用不存在"}));
    assert_eq!(code_of(app.settle(step)), ErrorCode::ServerRejected);
    assert_eq!(app.token(), json!(token));
}

#[test]
fn start_seeds_the_token_option_only_when_none_is_stored_and_adopts_the_old_sdk_once() {
    let mut app = App::new();
    let option = token("opt", 2_000_000_000);
    let client = app.client(json!({"appId": "app1", "token": option}));
    let writes = client.start(&app.token(), &json!(""), &json!(""), false, NOW_MS);
    app.apply(&Outcome {
        result: Ok(genauth_wxapp_sdk::Out::Null),
        writes,
    });
    assert_eq!(app.token(), json!(option));
    let stored = app.login(&client, "u1");
    let again = app.client(json!({"appId": "app1", "token": option}));
    assert!(
        again
            .start(&app.token(), &json!(""), &json!(""), false, NOW_MS)
            .is_empty(),
        "a stored session wins"
    );
    assert_eq!(app.token(), json!(stored));

    let legacy = token("old", 2_000_000_000);
    let mut app = App::new();
    let client = app.default_client();
    let old_user = json!({"id": "old", "token": legacy});
    // Storage that could not be read is not storage that is empty.
    assert!(client
        .start(&Value::Null, &json!(legacy), &old_user, true, NOW_MS)
        .is_empty());
    let writes = client.start(&app.token(), &json!(legacy), &old_user, false, NOW_MS);
    app.apply(&Outcome {
        result: Ok(genauth_wxapp_sdk::Out::Null),
        writes,
    });
    assert_eq!(app.token(), json!(legacy));
    assert_eq!(app.stored(USER_KEY), old_user);
    let expired = token("old", 1_000);
    let fresh = App::new();
    assert!(fresh
        .default_client()
        .start(&json!(""), &json!(expired), &json!(""), false, NOW_MS)
        .is_empty());
}

#[test]
fn get_token_follows_the_servers_clock() {
    let mut app = App::new();
    let client = app.default_client();
    // Expires 1 hour after the device's now.
    let token = token("u1", (NOW_MS / 1000.0) as i64 + 3600);
    app.call(
        &client,
        "loginByCode",
        &[json!("c")],
        rest_ok(user("u1", &token)),
    )
    .unwrap();
    assert_eq!(
        app.settle(app.prepare(&client, "getToken", &[])).unwrap(),
        json!(token)
    );
    // The server's clock is 2 hours ahead of the phone's: the token has expired there.
    let (id, _) = sent(app.prepare(&client, "checkLoginStatus", &[json!(token)]));
    let ahead =
        genauth_wxapp_sdk::protocol::parse_http_date("Fri, 15 Jan 2027 10:00:00 GMT").unwrap();
    let offset_ms = NOW_MS + 7_200_000.0 - ahead;
    let _ = offset_ms;
    let date = http_date(NOW_MS + 7_200_000.0);
    let verdict = json!({"data": {"checkLoginStatus": {"code": 200, "status": true}}});
    let step = app.answer_with(&client, id, 200, verdict, json!({"Date": date}));
    app.settle(step).unwrap();
    assert_eq!(
        app.settle(app.prepare(&client, "getToken", &[])).unwrap(),
        Value::Null
    );
    assert_eq!(
        app.token(),
        json!(token),
        "the stored session itself is not touched"
    );
}

/// An IMF-fixdate for `ms` (test helper; weekday ignored by the parser).
fn http_date(ms: f64) -> String {
    let secs = (ms / 1000.0) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "Mon, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[test]
fn a_corrupt_stored_session_reads_as_logged_out_and_is_not_wiped() {
    let mut app = App::new();
    let client = app.default_client();
    for garbage in [
        json!("not a token"),
        json!({"v": 1}),
        json!(42),
        json!("a\nb"),
    ] {
        app.storage.insert(TOKEN_KEY.into(), garbage.clone());
        assert_eq!(
            app.settle(app.prepare(&client, "getToken", &[])).unwrap(),
            Value::Null
        );
        assert_eq!(
            app.settle(app.prepare(&client, "getCurrentUser", &[]))
                .unwrap(),
            Value::Null
        );
        assert_eq!(app.token(), garbage);
    }
}

#[test]
fn debug_output_never_shows_a_secret() {
    let mut app = App::new();
    let client = app.default_client();
    let token = app.login(&client, "u1");
    let step = app.prepare(&client, "checkLoginStatus", &[json!(token)]);
    let shown = format!("{step:?} {client:?}");
    assert!(!shown.contains(&token), "{shown}");
    let step = app.prepare(
        &client,
        "loginByCode",
        &[
            json!("SECRETCODE"),
            json!({"iv": "aXY=", "encryptedData": "U0VDUkVU"}),
        ],
    );
    let shown = format!("{step:?}");
    assert!(
        !shown.contains("SECRETCODE") && !shown.contains("U0VDUkVU"),
        "{shown}"
    );
}

#[test]
fn every_operation_rejects_distinctive_bad_values_without_echoing_them() {
    let mut app = App::new();
    let client = app.default_client();
    app.login(&client, "u1");
    let marker = "Zq9MARKER";
    let bad = [
        json!(marker),
        json!(format!("{marker}\u{0}")),
        json!({"x": marker}),
        json!([marker]),
        json!(1e300),
        json!(false),
    ];
    for op in ops::OPERATIONS {
        for at in 0..=op.params.len() {
            for value in &bad {
                let mut args = vec![Value::Null; at];
                args.push(value.clone());
                if let Step::Done(outcome) = app.prepare(&client, op.name, &args) {
                    if let Err(error) = outcome.result {
                        assert!(
                            !error.message.contains("MARKER"),
                            "{}: {}",
                            op.name,
                            error.message
                        );
                    }
                } else {
                    // Accepted (e.g. a plain string where a string fits): drop the call.
                }
            }
        }
    }
}

#[test]
fn a_session_write_storage_refused_is_reported_as_held_in_memory_in_the_clients_language() {
    let app = App::new();
    for (lang, note) in [("zh-CN", "暂存于内存"), ("en-US", "kept in memory")] {
        let client = app.client(json!({"appId": "app1", "lang": lang}));
        let error = client.failure_error(
            Failure::from_name("held"),
            "setStorageSync:fail\u{202e} full",
        );
        assert_eq!(error.code, ErrorCode::StorageFailed);
        assert!(error.message.contains(note), "{}", error.message);
        assert!(
            error.message.contains("setStorageSync:fail full"),
            "cleaned: {}",
            error.message
        );
        // A plain storage failure says nothing of memory.
        let plain = client.failure_error(Failure::Storage, "getStorageSync:fail");
        assert_eq!(plain.code, ErrorCode::StorageFailed);
        assert!(!plain.message.contains(note));
    }
}
