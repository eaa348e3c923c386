//! Property tests: no input makes a parser or an argument reader of the core panic, and the
//! readers mean what they say. Each property runs 10,000 cases (`PROPTEST_CASES` overrides).
//!
//! Inputs are what comes from outside: the server's answers (any JSON, any HTTP status), the
//! caller's arguments and options (any JSON), tokens, base64, PEM keys, `Date` headers, and
//! the `host` / `appHost` URLs, whose normaliser is checked against the `url` crate.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{b64url, jwt_for};
use genauth_wxapp_sdk::error::sanitize;
use genauth_wxapp_sdk::ops::OPERATIONS;
use genauth_wxapp_sdk::options::normalize_base_url;
use genauth_wxapp_sdk::protocol::{self, parse_graphql, parse_rest, Answer};
use genauth_wxapp_sdk::rsa::PublicKey;
use genauth_wxapp_sdk::{jwt, Client, ClientOptions, ErrorCode, Lang, Ledger, Reply, Step};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

thread_local! {
    /// One client for every case (reading the key once: its Montgomery set-up is the slow
    /// part); the cases share it as the calls of an app share theirs.
    static CLIENT: Client = Client::new(
        &json!({"appId": "app1", "publicKey": include_str!("fixtures/test-rsa-public.pem")}),
        Ledger::new(),
    )
    .expect("options");
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Strings as servers and callers send them: mostly short, with the characters that matter
/// (quotes, controls, bidi, non-BMP, digits, JSON and URL punctuation).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._~+/=:@?#%-]{0,24}",
        any::<String>(),
        "\\PC{0,12}",
        Just("\u{202e}\u{0}\u{feff}".to_owned()),
        "[0-9]{1,6}",
    ]
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        prop_oneof![Just(200), Just(2004), Just(2206), Just(40029), Just(500)]
            .prop_map(|n| json!(n)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("code".to_owned()),
                        Just("data".to_owned()),
                        Just("message".to_owned()),
                        Just("errors".to_owned()),
                        Just("statusCode".to_owned()),
                        Just("apiCode".to_owned()),
                        Just("token".to_owned()),
                        Just("user".to_owned()),
                        Just("list".to_owned()),
                        "[a-zA-Z]{1,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Answers shaped like GenAuth's, with any content.
fn answer_body() -> impl Strategy<Value = Value> {
    prop_oneof![
        json_value(),
        (json_value(), json_value(), text()).prop_map(
            |(code, data, message)| json!({"code": code, "message": message, "data": data})
        ),
        (json_value(), json_value())
            .prop_map(|(message, data)| json!({"errors": [{"message": message}], "data": data})),
        (json_value(), text()).prop_map(
            |(code, message)| json!({"errors": [{"message": {"code": code, "message": message}}]})
        ),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rest_and_graphql_answers_never_panic(body in answer_body(), status in 0u16..1000) {
        let answer = Answer { status, body: &body };
        for lang in [Lang::ZhCn, Lang::EnUs] {
            match parse_rest(answer, lang) {
                Ok(_) => {}
                Err(error) => {
                    prop_assert!(!error.message.chars().any(genauth_wxapp_sdk::args::is_forbidden_char));
                }
            }
            for field in ["user", "loginByEmail", "udv"] {
                if let Err(error) = parse_graphql(answer, field, lang) {
                    prop_assert!(!error.message.chars().any(genauth_wxapp_sdk::args::is_forbidden_char));
                    prop_assert!(error.message.chars().count() < 600);
                }
            }
        }
    }

    #[test]
    fn every_operation_takes_any_arguments_and_any_answer_without_panicking(
        at in 0..OPERATIONS.len(),
        args in prop::collection::vec(json_value(), 0..6),
        body in answer_body(),
        status in 0u16..600,
        logged_in in any::<bool>(),
    ) {
        CLIENT.with(|client| -> Result<(), TestCaseError> {
        let stored = if logged_in {
            json!(jwt_for(r#"{"sub":"u1","exp":2000000000}"#))
        } else {
            json!("")
        };
        let mut step = client.prepare_op(OPERATIONS[at], &args, &stored, 1.8e12);
        // Drive it: answer every request with `body`, give every need something plausible.
        for _ in 0..6 {
            step = match step {
                Step::Send { id, .. } => client.complete(id, Reply { status, body: &body, header: &json!({}) }, &stored, 1.8e12),
                Step::Need { id, need, .. } => {
                    let supply = match need {
                        genauth_wxapp_sdk::ops::Need::Random(len) => Value::Array((0..len).map(|i| json!(i % 255 + 1)).collect()),
                        genauth_wxapp_sdk::ops::Need::Upload { .. } => json!({"status": status, "data": body.to_string()}),
                        _ => body.clone(),
                    };
                    client.supply(id, &supply, 1.8e12)
                }
                done @ Step::Done(_) => done,
            };
        }
        if let Step::Done(outcome) = step {
            if let Err(error) = outcome.result {
                prop_assert!(!error.message.chars().any(genauth_wxapp_sdk::args::is_forbidden_char));
            }
        }
        Ok(())
        })?;
    }

    #[test]
    fn options_never_panic(options in json_value(), app_id in text()) {
        let _ = ClientOptions::read(&options);
        let mut with_id = options.clone();
        if let Value::Object(map) = &mut with_id {
            map.insert("appId".into(), Value::String(app_id));
        }
        if let Err(error) = ClientOptions::read(&with_id) {
            prop_assert_eq!(error.code, ErrorCode::InvalidOptions);
        }
    }

    #[test]
    fn tokens_and_base64_never_panic_and_round_trip(token in text(), bytes in prop::collection::vec(any::<u8>(), 0..64), payload in json_value()) {
        let _ = jwt::decode(&token);
        let _ = jwt::base64url_decode(&token);
        prop_assert_eq!(jwt::base64url_decode(&b64url(&bytes)), Some(bytes.clone()));
        let claims = jwt::decode(&jwt_for(&payload.to_string()));
        if let (Some(claims), Some(sub)) = (claims, payload.get("sub").and_then(Value::as_str)) {
            if !sub.is_empty() && sub.encode_utf16().count() <= 256 {
                prop_assert_eq!(claims.user_id.as_deref(), Some(sub));
            }
        }
    }

    #[test]
    fn keys_and_dates_and_outside_text_never_panic(text in text(), der in prop::collection::vec(any::<u8>(), 0..300), max in 0usize..64) {
        let _ = PublicKey::from_pem(&text);
        let _ = PublicKey::from_der(&der);
        let _ = protocol::parse_http_date(&text);
        let _ = protocol::server_date_ms(&json!({"Date": text, "date": text}));
        let clean = sanitize(&text, max);
        prop_assert!(clean.chars().count() <= max);
        prop_assert!(!clean.chars().any(genauth_wxapp_sdk::args::is_forbidden_char));
    }

    #[test]
    fn the_url_normaliser_agrees_with_the_url_crate(input in url_like()) {
        if let Ok(ours) = normalize_base_url(&input) {
            let theirs = url::Url::parse(input.trim());
            prop_assert!(theirs.is_ok(), "accepted {:?}, which the url crate refuses", input);
            let theirs = theirs.unwrap();
            let again = url::Url::parse(&ours).expect("our output parses");
            prop_assert_eq!(again.scheme(), theirs.scheme());
            prop_assert_eq!(again.host_str(), theirs.host_str(), "{:?} → {:?}", input, ours);
            prop_assert_eq!(again.port_or_known_default(), theirs.port_or_known_default());
            prop_assert_eq!(again.path().trim_end_matches('/'), theirs.path().trim_end_matches('/'));
            prop_assert!(theirs.query().is_none() && theirs.fragment().is_none());
            prop_assert!(theirs.username().is_empty() && theirs.password().is_none());
            prop_assert!(ours.starts_with("https://") || ours.starts_with("http://"));
            // Normalising again changes nothing.
            prop_assert_eq!(normalize_base_url(&ours), Ok(ours.clone()));
        }
    }
}

/// URL-like text: schemes, hosts, ports and paths, well formed and not.
fn url_like() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop_oneof![
                Just("https"),
                Just("http"),
                Just("HTTPS"),
                Just("ftp"),
                Just("")
            ],
            prop_oneof![
                "[a-z][a-z0-9-]{0,8}(\\.[a-z][a-z0-9-]{0,8}){0,3}",
                Just("localhost".to_owned()),
                Just("127.0.0.1".to_owned()),
                Just("[::1]".to_owned()),
                "[a-zA-Z0-9.\\[\\]:@_-]{0,16}",
            ],
            prop_oneof![Just(String::new()), "(:[0-9]{1,6})", Just(":".to_owned())],
            prop_oneof![
                Just(String::new()),
                "(/[a-zA-Z0-9._~%-]{0,8}){1,3}/?",
                "[/?#][a-z/]{0,6}"
            ],
        )
            .prop_map(|(scheme, host, port, path)| format!("{scheme}://{host}{port}{path}")),
        any::<String>(),
    ]
}
