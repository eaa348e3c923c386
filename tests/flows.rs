//! Flow tests: prepare → canned response → complete → session, with a fixed clock.
//!
//! Each test plays one method of `AuthenticationClient` the way the JS shim drives the core,
//! holding "storage" in a map, and checks the exact request and the storage afterwards.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use genauth_wxapp_sdk::{
    Client, ClientOptions, ErrorCode, HttpRequest, HttpResponse, LoginByCodeArgs, Method,
    Operation, Outcome, RawOptions, Reply, Step, StorageWrite, TransportFailure,
};

const NOW_MS: f64 = 1_800_000_000_000.0;
const TOKEN_KEY: &str = "genauth:app1:token";
const USER_KEY: &str = "genauth:app1:user";

/// A token (unsigned; the SDK does not verify signatures) for user `sub`.
fn token(sub: &str, exp: i64) -> String {
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
    let payload = format!(r#"{{"sub":"{sub}","iat":1700000000,"exp":{exp},"aud":"app1"}}"#);
    format!(
        "{}.{}.sig",
        b64(br#"{"alg":"HS256"}"#),
        b64(payload.as_bytes())
    )
}

fn user_json(id: &str, token: &str) -> String {
    format!(r#"{{"id":"{id}","nickname":"小明","token":"{token}","phone":null}}"#)
}

struct Harness {
    client: Client,
    storage: BTreeMap<String, String>,
}

impl Harness {
    fn new(raw: RawOptions) -> Harness {
        Harness {
            client: Client::new(ClientOptions::from_raw(raw).expect("valid options")),
            storage: BTreeMap::new(),
        }
    }

    fn default() -> Harness {
        Harness::new(RawOptions {
            app_id: Some("app1".into()),
            ..RawOptions::default()
        })
    }

    fn stored(&self) -> Option<String> {
        // Values are kept as the JSON text the core asked to store; the token is a string.
        self.storage
            .get(TOKEN_KEY)
            .map(|json| serde_json::from_str::<String>(json).expect("a stored token"))
    }

    fn apply(&mut self, outcome: &Outcome) {
        for write in &outcome.writes {
            match &write.value {
                Some(value) => self.storage.insert(write.key.clone(), value.clone()),
                None => self.storage.remove(&write.key),
            };
        }
    }

    fn prepare(&mut self, operation: Operation) -> Result<HttpRequest, Outcome> {
        match self.client.prepare(&operation, self.stored().as_deref()) {
            Step::Send(request) => Ok(request),
            Step::Done(outcome) => {
                self.apply(&outcome);
                Err(outcome)
            }
        }
    }

    /// Runs one operation answered with (status, body).
    fn run(&mut self, operation: Operation, status: u16, body: &str) -> (HttpRequest, Outcome) {
        let kind = operation.kind();
        let request = self.prepare(operation).expect("a request");
        let outcome = self.client.complete(
            kind,
            self.stored().as_deref(),
            Reply::Http(HttpResponse { status, body }),
        );
        self.apply(&outcome);
        (request, outcome)
    }

    fn fail(&mut self, operation: Operation, failure: TransportFailure) -> Outcome {
        let kind = operation.kind();
        self.prepare(operation).expect("a request");
        let outcome = self.client.complete(
            kind,
            self.stored().as_deref(),
            Reply::Failed(failure, "request:fail x"),
        );
        self.apply(&outcome);
        outcome
    }

    fn login(&mut self, id: &str) -> String {
        let token = token(id, 2_000_000_000);
        let body = format!(
            r#"{{"code":200,"message":"ok","data":{}}}"#,
            user_json(id, &token)
        );
        let (_, outcome) = self.run(login_op("code-1"), 200, &body);
        assert!(outcome.result.is_ok(), "{outcome:?}");
        token
    }

    fn token(&mut self) -> Option<String> {
        match self.prepare(Operation::GetToken) {
            Err(Outcome {
                result: Ok(json), ..
            }) => serde_json::from_str(&json).unwrap(),
            other => panic!("{other:?}"),
        }
    }
}

fn login_op(code: &str) -> Operation {
    Operation::LoginByCode(LoginByCodeArgs {
        code: Some(code.into()),
        ..LoginByCodeArgs::default()
    })
}

fn header_names(request: &HttpRequest) -> Vec<&str> {
    request.headers.iter().map(|(k, _)| *k).collect()
}

#[test]
fn login_by_code_sends_exactly_what_authing_wxapp_sdk_sends() {
    let mut h = Harness::default();
    let request = h.prepare(login_op("081abc")).unwrap();
    assert_eq!(request.method, Method::Post);
    assert_eq!(
        request.url,
        "https://core.genauth.ai/connections/social/wechat-miniprogram/auth"
    );
    assert_eq!(request.body.as_deref(), Some(r#"{"code":"081abc"}"#));
    assert_eq!(request.header("x-authing-app-id"), Some("app1"));
    assert_eq!(request.header("x-authing-request-from"), Some("wxapp"));
    assert_eq!(
        request.header("content-type"),
        Some("application/json;charset=utf-8")
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.timeout, 10_000);

    let request = h
        .prepare(Operation::LoginByCode(LoginByCodeArgs {
            code: Some("c".into()),
            iv: Some("iv==".into()),
            encrypted_data: Some("data==".into()),
            raw_data: Some(r#"{"nickName":"A"}"#.into()),
        }))
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": "c", "iv": "iv==", "encryptedData": "data==", "rawData": "{\"nickName\":\"A\"}"})
    );
}

#[test]
fn login_uses_host_and_graphql_uses_app_host() {
    let mut h = Harness::new(RawOptions {
        app_id: Some("app1".into()),
        host: Some("http://127.0.0.1:9000/".into()),
        app_host: Some("https://my.genauth.ai".into()),
        user_pool_id: Some("pool1".into()),
        timeout: Some(3000.0),
        lang: Some("en-US".into()),
        ..RawOptions::default()
    });
    let login = h.prepare(login_op("c")).unwrap();
    assert_eq!(
        login.url,
        "http://127.0.0.1:9000/connections/social/wechat-miniprogram/auth"
    );
    assert_eq!(login.header("x-authing-userpool-id"), Some("pool1"));
    assert_eq!(login.header("x-authing-lang"), Some("en-US"));
    assert_eq!(login.timeout, 3000);
    h.login("u1");
    let current = h.prepare(Operation::GetCurrentUser).unwrap();
    assert_eq!(current.url, "https://my.genauth.ai/graphql/v2");
    let logout = h.prepare(Operation::Logout).unwrap();
    assert_eq!(
        logout.url,
        "https://my.genauth.ai/api/v2/logout?app_id=app1"
    );
}

#[test]
fn login_stores_the_session_and_returns_the_user() {
    let mut h = Harness::default();
    let token = token("u1", 2_000_000_000);
    let user = user_json("u1", &token);
    let (_, outcome) = h.run(
        login_op("c"),
        200,
        &format!(r#"{{"code":200,"message":"ok","data":{user}}}"#),
    );
    assert_eq!(outcome.result, Ok(user.clone()));
    assert_eq!(h.storage.get(TOKEN_KEY), Some(&format!("\"{token}\"")));
    assert_eq!(h.storage.get(USER_KEY), Some(&user));
    assert_eq!(h.token(), Some(token));
}

#[test]
fn a_new_login_replaces_the_session() {
    let mut h = Harness::default();
    h.login("u1");
    let second = h.login("u2");
    assert_eq!(h.token(), Some(second));
}

#[test]
fn login_failures_store_nothing() {
    let cases = [
        (
            200,
            r#"{"code":40163,"message":"code been used","data":null}"#,
            ErrorCode::WxCodeUsed,
        ),
        (
            200,
            r#"{"code":40029,"message":"invalid code","data":null}"#,
            ErrorCode::WxCodeInvalid,
        ),
        (
            200,
            r#"{"code":200,"message":"ok","data":{"id":"u1"}}"#,
            ErrorCode::InvalidResponse,
        ),
        (
            200,
            r#"{"code":200,"message":"ok","data":{"id":"u1","token":""}}"#,
            ErrorCode::InvalidResponse,
        ),
        (
            200,
            r#"{"code":200,"message":"ok","data":[1]}"#,
            ErrorCode::InvalidResponse,
        ),
        (
            200,
            r#"{"code":200,"message":"ok","data":null}"#,
            ErrorCode::InvalidResponse,
        ),
        (
            500,
            "<html><body>Internal Server Error</body></html>",
            ErrorCode::ServerError,
        ),
        (
            200,
            r#"{"code":200,"data":{"id":"#,
            ErrorCode::InvalidResponse,
        ),
    ];
    for (status, body, code) in cases {
        let mut h = Harness::default();
        let token = h.login("u1");
        let before = h.storage.clone();
        let (_, outcome) = h.run(login_op("c2"), status, body);
        assert_eq!(outcome.result.unwrap_err().code, code, "{body}");
        assert!(outcome.writes.is_empty(), "{body}");
        assert_eq!(h.storage, before);
        assert_eq!(h.token(), Some(token));
    }
}

#[test]
fn bad_login_arguments_fail_before_any_request() {
    let cases = [
        LoginByCodeArgs::default(),
        LoginByCodeArgs {
            code: Some(String::new()),
            ..LoginByCodeArgs::default()
        },
        LoginByCodeArgs {
            code: Some("a b".into()),
            ..LoginByCodeArgs::default()
        },
        LoginByCodeArgs {
            code: Some("c".into()),
            iv: Some("iv".into()),
            ..LoginByCodeArgs::default()
        },
        LoginByCodeArgs {
            code: Some("c".into()),
            iv: Some(String::new()),
            encrypted_data: Some("d".into()),
            ..LoginByCodeArgs::default()
        },
        LoginByCodeArgs {
            code: Some("c".into()),
            raw_data: Some("not json".into()),
            ..LoginByCodeArgs::default()
        },
        LoginByCodeArgs {
            code: Some("c".into()),
            raw_data: Some("[1]".into()),
            ..LoginByCodeArgs::default()
        },
    ];
    for args in cases {
        let mut h = Harness::default();
        let outcome = h.prepare(Operation::LoginByCode(args.clone())).unwrap_err();
        assert_eq!(
            outcome.result.unwrap_err().code,
            ErrorCode::InvalidArgument,
            "{args:?}"
        );
    }
}

#[test]
fn transport_failures_keep_the_session() {
    for (failure, code) in [
        (TransportFailure::Timeout, ErrorCode::Timeout),
        (TransportFailure::Network, ErrorCode::NetworkError),
    ] {
        let mut h = Harness::default();
        let token = h.login("u1");
        for operation in [login_op("c2"), Operation::GetCurrentUser, Operation::Logout] {
            let outcome = h.fail(operation, failure);
            let error = outcome.result.unwrap_err();
            assert_eq!(error.code, code);
            assert!(
                error.message.ends_with("request:fail x"),
                "{}",
                error.message
            );
            assert!(outcome.writes.is_empty());
        }
        assert_eq!(h.token(), Some(token));
    }
}

#[test]
fn get_current_user_without_a_session_sends_nothing() {
    let mut h = Harness::default();
    let outcome = h.prepare(Operation::GetCurrentUser).unwrap_err();
    assert_eq!(outcome.result, Ok("null".to_owned()));
}

#[test]
fn get_current_user_queries_graphql_and_refreshes_the_stored_user() {
    let mut h = Harness::default();
    let old_token = h.login("u1");
    let fresh_token = token("u1", 2_100_000_000);
    let fresh = format!(r#"{{"id":"u1","nickname":"新名字","token":"{fresh_token}"}}"#);
    let (request, outcome) = h.run(
        Operation::GetCurrentUser,
        200,
        &format!(r#"{{"data":{{"user":{fresh}}}}}"#),
    );
    assert_eq!(request.url, "https://core.genauth.ai/graphql/v2");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {old_token}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert!(!header_names(&request).contains(&"accept"));
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert!(body["query"]
        .as_str()
        .unwrap()
        .starts_with("query user($id: String) {\n  user(id: $id) {"));
    assert_eq!(body["variables"], serde_json::json!({}));
    assert_eq!(outcome.result, Ok(fresh.clone()));
    assert_eq!(h.token(), Some(fresh_token));
    assert!(h.storage[USER_KEY].contains("新名字"));
}

#[test]
fn get_current_user_does_not_resurrect_a_session_ended_meanwhile() {
    let mut h = Harness::default();
    h.login("u1");
    let request = h.prepare(Operation::GetCurrentUser).unwrap();
    assert!(request.header("authorization").is_some());
    h.storage.clear(); // logout finished while the request was in flight
    let body = r#"{"data":{"user":{"id":"u1","token":"a.b.c"}}}"#;
    let outcome = h.client.complete(
        genauth_wxapp_sdk::OpKind::GetCurrentUser,
        None,
        Reply::Http(HttpResponse { status: 200, body }),
    );
    assert!(outcome.result.is_ok());
    assert!(outcome.writes.is_empty());

    // Another user logged in meanwhile: keep theirs.
    let mut h = Harness::default();
    h.login("u1");
    h.prepare(Operation::GetCurrentUser).unwrap();
    let theirs = h.login("u2");
    let outcome = h.client.complete(
        genauth_wxapp_sdk::OpKind::GetCurrentUser,
        h.stored().as_deref(),
        Reply::Http(HttpResponse { status: 200, body }),
    );
    assert!(outcome.writes.is_empty());
    assert_eq!(h.token(), Some(theirs));
}

#[test]
fn get_current_user_errors() {
    let cases = [
        (
            r#"{"errors":[{"message":{"code":2020,"message":"尚未登录"}}],"data":null}"#,
            ErrorCode::NotLoggedIn,
        ),
        (
            r#"{"errors":[{"message":{"code":2206,"message":"登录信息已过期"}}],"data":null}"#,
            ErrorCode::SessionExpired,
        ),
        (r#"{"data":{}}"#, ErrorCode::InvalidResponse),
    ];
    for (body, code) in cases {
        let mut h = Harness::default();
        let token = h.login("u1");
        let (_, outcome) = h.run(Operation::GetCurrentUser, 200, body);
        assert_eq!(outcome.result.unwrap_err().code, code);
        assert!(outcome.writes.is_empty());
        assert_eq!(h.token(), Some(token), "a failure never wipes the session");
    }
    let mut h = Harness::default();
    h.login("u1");
    let (_, outcome) = h.run(Operation::GetCurrentUser, 200, r#"{"data":{"user":null}}"#);
    assert_eq!(outcome.result, Ok("null".to_owned()));
}

#[test]
fn check_login_status() {
    // No token anywhere: answered locally.
    let mut h = Harness::new(RawOptions {
        app_id: Some("app1".into()),
        lang: Some("en-US".into()),
        ..RawOptions::default()
    });
    let outcome = h
        .prepare(Operation::CheckLoginStatus { token: None })
        .unwrap_err();
    let status: serde_json::Value = serde_json::from_str(&outcome.result.unwrap()).unwrap();
    assert_eq!(
        status,
        serde_json::json!({"code": 2020, "message": "Not logged in", "status": false, "exp": null, "iat": null, "data": null})
    );

    // An explicit token goes in the variables.
    let request = h
        .prepare(Operation::CheckLoginStatus {
            token: Some("x.y.z".into()),
        })
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["variables"], serde_json::json!({"token": "x.y.z"}));
    assert!(body["query"]
        .as_str()
        .unwrap()
        .starts_with("query checkLoginStatus($token: String)"));
    assert_eq!(request.header("authorization"), None);
    let bad = h
        .prepare(Operation::CheckLoginStatus {
            token: Some("a b".into()),
        })
        .unwrap_err();
    assert_eq!(bad.result.unwrap_err().code, ErrorCode::InvalidArgument);

    // The session's token goes in the header, as authing-wxapp-sdk does.
    let token = h.login("u1");
    let answer = r#"{"data":{"checkLoginStatus":{"code":200,"message":"已登录","status":true,"exp":2000000000,"iat":1700000000,"data":{"id":"u1","userPoolId":"p","arn":null}}}}"#;
    let (request, outcome) = h.run(Operation::CheckLoginStatus { token: None }, 200, answer);
    let body: serde_json::Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["variables"], serde_json::json!({}));
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    let status: serde_json::Value = serde_json::from_str(&outcome.result.unwrap()).unwrap();
    assert_eq!(status["status"], true);
    assert_eq!(status["data"]["id"], "u1");
    assert!(outcome.writes.is_empty());

    let (_, outcome) = h.run(
        Operation::CheckLoginStatus { token: None },
        200,
        r#"{"data":{"checkLoginStatus":null}}"#,
    );
    assert_eq!(outcome.result.unwrap_err().code, ErrorCode::InvalidResponse);
}

#[test]
fn logout_clears_this_and_the_legacy_session() {
    let mut h = Harness::default();
    let token = h.login("u1");
    h.storage.insert("_authing_token".into(), token.clone());
    let (request, outcome) = h.run(
        Operation::Logout,
        200,
        r#"{"code":200,"message":"退出成功"}"#,
    );
    assert_eq!(request.method, Method::Get);
    assert_eq!(
        request.url,
        "https://core.genauth.ai/api/v2/logout?app_id=app1"
    );
    assert_eq!(request.body, None);
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(request.header("content-type"), None);
    assert_eq!(outcome.result, Ok("null".to_owned()));
    assert!(h.storage.is_empty(), "{:?}", h.storage);
    assert_eq!(h.token(), None);

    // Nothing to log out: no request, storage cleared all the same.
    h.storage.insert("_authing_user".into(), "{}".into());
    let outcome = h.prepare(Operation::Logout).unwrap_err();
    assert_eq!(outcome.result, Ok("null".to_owned()));
    assert!(h.storage.is_empty());
}

#[test]
fn logout_with_a_token_the_server_forgot_still_logs_out() {
    for body in [
        r#"{"code":2020,"message":"尚未登录"}"#,
        r#"{"code":2206,"message":"登录信息已过期"}"#,
    ] {
        let mut h = Harness::default();
        h.login("u1");
        let (_, outcome) = h.run(Operation::Logout, 200, body);
        assert_eq!(outcome.result, Ok("null".to_owned()));
        assert_eq!(h.token(), None);
    }
}

#[test]
fn logout_failures_keep_the_session() {
    for (status, body, code) in [
        (500, "<html>oops</html>", ErrorCode::ServerError),
        (200, "not json", ErrorCode::InvalidResponse),
        (
            200,
            r#"{"code":1000,"message":"系统繁忙"}"#,
            ErrorCode::ServerRejected,
        ),
    ] {
        let mut h = Harness::default();
        let token = h.login("u1");
        let (_, outcome) = h.run(Operation::Logout, status, body);
        assert_eq!(outcome.result.unwrap_err().code, code);
        assert_eq!(h.token(), Some(token));
    }
}

#[test]
fn start_adopts_the_authing_wxapp_sdk_session_once() {
    let h = Harness::default();
    let token = token("u1", 2_000_000_000);
    let user = user_json("u1", &token);
    let writes = h.client.start(None, Some(&token), Some(&user), NOW_MS);
    assert_eq!(
        writes,
        [
            StorageWrite {
                key: TOKEN_KEY.into(),
                value: Some(format!("\"{token}\"")),
                cache: false,
            },
            StorageWrite {
                key: USER_KEY.into(),
                value: Some(user.clone()),
                cache: true,
            },
        ]
    );
    // With a session of its own, the SDK leaves the legacy keys alone.
    assert!(h
        .client
        .start(Some(&token), Some(&token), Some(&user), NOW_MS)
        .is_empty());
    // Expired legacy sessions are not adopted.
    let expired = token_for_exp(1_000);
    assert!(h
        .client
        .start(None, Some(&expired), None, NOW_MS)
        .is_empty());
    assert!(h.client.start(None, None, None, NOW_MS).is_empty());
    assert_eq!(
        h.client.storage_keys(),
        ["genauth:app1:token", "_authing_token", "_authing_user"]
    );
}

fn token_for_exp(exp: i64) -> String {
    token("u1", exp)
}

#[test]
fn the_token_option_starts_a_session() {
    let given = token("u7", 2_000_000_000);
    let mut h = Harness::new(RawOptions {
        app_id: Some("app1".into()),
        token: Some(given.clone()),
        ..RawOptions::default()
    });
    let writes = h.client.start(None, None, None, NOW_MS);
    let outcome = Outcome {
        result: Ok("null".into()),
        writes,
    };
    h.apply(&outcome);
    assert_eq!(h.token(), Some(given.clone()));
    // Starting again with the same token keeps what is stored (e.g. the user).
    let stored = h.stored().unwrap();
    assert!(h.client.start(Some(&stored), None, None, NOW_MS).is_empty());
    // Another token given: the stored user (someone else's) goes.
    h.storage.insert(USER_KEY.into(), r#"{"id":"u1"}"#.into());
    let writes = h
        .client
        .start(Some(&token("u1", 2_000_000_000)), None, None, NOW_MS);
    h.apply(&Outcome {
        result: Ok("null".into()),
        writes,
    });
    assert_eq!(h.token(), Some(given.clone()));
    assert!(!h.storage.contains_key(USER_KEY));
    let request = h.prepare(Operation::GetCurrentUser).unwrap();
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {given}").as_str())
    );
}

#[test]
fn a_corrupt_stored_session_reads_as_logged_out_and_is_not_wiped() {
    let mut h = Harness::default();
    h.storage.insert(TOKEN_KEY.into(), "\"not a token\"".into());
    assert_eq!(h.token(), None);
    assert!(h.prepare(Operation::GetCurrentUser).is_err());
    assert_eq!(h.stored().as_deref(), Some("not a token"));
}

#[test]
fn host_words_are_kept_short_and_clean() {
    let h = Harness::default();
    let error = h.client.host_failure(
        ErrorCode::WxLoginFailed,
        &format!(" login:fail\n{}", "x".repeat(500)),
    );
    assert_eq!(error.code, ErrorCode::WxLoginFailed);
    assert!(!error.message.contains('\n'));
    assert!(error.message.contains("login:failxxx"));
    assert!(error.message.ends_with(&"x".repeat(180)));
    assert!(error.message.len() < 260, "{}", error.message.len());
}
