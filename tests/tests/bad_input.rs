//! Bad input on every endpoint that takes a body: always a 4xx problem+json
//! naming what is wrong, never a 5xx, and the pool unchanged.

use integration_tests::*;
use serde_json::json;

/// Each endpoint with a valid body, and whether it needs a token.
fn endpoints() -> Vec<(&'static str, serde_json::Value, bool)> {
    vec![
        ("/auth/users", json!({"email": "bad@example.com", "username": "bad-input-user"}), true),
        ("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), false),
        (
            "/auth/new-password",
            json!({"username": ADMIN_USERNAME, "session": "x".repeat(40), "newPassword": "Brand-New-Passw0rd"}),
            false,
        ),
        ("/auth/email/verify", json!({"code": "123456"}), true),
    ]
}

/// (case, content type, body, expected status, expected code, expected field)
type BadBody<'a> = (&'a str, &'a str, Vec<u8>, u16, &'a str, Option<&'a str>);

#[tokio::test]
async fn every_kind_of_bad_body_is_a_clear_4xx_and_changes_nothing() {
    // GIVEN a pool and an admin token (valid, so that only the body is at fault)
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let before = pool_snapshot(&pool).await;
    let oversized = format!(r#"{{"username":"{}","password":"x"}}"#, "a".repeat(17 * 1024)).into_bytes();

    for (path, valid, needs_token) in endpoints() {
        let token = needs_token.then_some(token.as_str());
        let first_field = valid.as_object().unwrap().keys().next().unwrap().clone();
        let mut unknown = valid.clone();
        unknown["isAdmin"] = json!(true);
        let mut wrong_type = valid.clone();
        wrong_type[&first_field] = json!(12345);
        let mut missing = valid.clone();
        missing.as_object_mut().unwrap().remove(&first_field);

        let cases: Vec<BadBody> = vec![
            ("empty body", "application/json", vec![], 400, "VALIDATION_FAILED", None),
            ("invalid JSON", "application/json", b"{\"username\": ".to_vec(), 400, "VALIDATION_FAILED", None),
            ("not an object", "application/json", b"[1, 2]".to_vec(), 400, "VALIDATION_FAILED", Some("body")),
            (
                "wrong type",
                "application/json",
                wrong_type.to_string().into_bytes(),
                400,
                "VALIDATION_FAILED",
                Some(&first_field),
            ),
            (
                "missing field",
                "application/json",
                missing.to_string().into_bytes(),
                400,
                "VALIDATION_FAILED",
                Some(&first_field),
            ),
            (
                "unknown field",
                "application/json",
                unknown.to_string().into_bytes(),
                400,
                "VALIDATION_FAILED",
                Some("isAdmin"),
            ),
            ("oversized", "application/json", oversized.clone(), 413, "PAYLOAD_TOO_LARGE", None),
            ("wrong content type", "text/plain", valid.to_string().into_bytes(), 415, "UNSUPPORTED_MEDIA_TYPE", None),
            ("invalid UTF-8", "application/json", b"{\"code\": \"\xff\xfe\"}".to_vec(), 400, "VALIDATION_FAILED", None),
            (
                "trailing data",
                "application/json",
                format!("{valid} {valid}").into_bytes(),
                400,
                "VALIDATION_FAILED",
                None,
            ),
        ];
        for (case, content_type, body, status, code, field) in cases {
            // WHEN the bad body is sent
            let answer = api.send("POST", path, Some((content_type, body)), token).await;
            // THEN a 4xx problem names what is wrong
            assert_eq!((answer.status, answer.problem_code()), (status, code), "{path}, {case}: {answer:?}");
            if let Some(field) = field {
                assert_eq!(answer.body["field"], field, "{path}, {case}: {answer:?}");
            }
            let detail = answer.body["detail"].as_str().unwrap();
            assert!(!detail.is_empty(), "{path}, {case}");
            assert!(!detail.contains("12345"), "the value sent is not echoed: {path}, {case}: {detail}");
        }
    }
    // AND the pool is unchanged
    assert_eq!(pool_snapshot(&pool).await, before);
}

#[tokio::test]
async fn field_rules_are_checked_before_cognito_is_called() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let cases = [
        ("/auth/login", json!({"username": "", "password": "x"}), "username", None),
        ("/auth/login", json!({"username": "has space", "password": "x"}), "username", None),
        ("/auth/login", json!({"username": "a", "password": "p".repeat(300)}), "password", None),
        ("/auth/new-password", json!({"username": "a", "session": "short", "newPassword": "x"}), "session", None),
        ("/auth/users", json!({"email": "not-an-email"}), "email", Some(token.as_str())),
        (
            "/auth/users",
            json!({"email": "a@example.com", "attributes": {"sub": "x"}}),
            "attributes.sub",
            Some(token.as_str()),
        ),
        (
            "/auth/users",
            json!({"email": "a@example.com", "sendInvitation": "yes"}),
            "sendInvitation",
            Some(token.as_str()),
        ),
        ("/auth/email/verify", json!({"code": ""}), "code", Some(token.as_str())),
    ];
    let before = pool_snapshot(&pool).await;
    for (path, body, field, token) in cases {
        let answer = api.post(path, body.clone(), token).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], field, "{path} {body}: {answer:?}");
    }
    assert_eq!(pool_snapshot(&pool).await, before);
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    api.get("/auth/nothing-here", None).await.assert_problem(404, "NOT_FOUND");
    // A route with a trailing slash is told the route it meant
    let slash = api.post("/auth/login/", json!({}), None).await;
    slash.assert_problem(404, "NOT_FOUND");
    assert!(slash.body["detail"].as_str().unwrap().contains("(/auth/login)"), "{slash:?}");
    let device = api.send("DELETE", "/auth/me/devices/abc/", None, None).await;
    assert!(device.body["detail"].as_str().unwrap().contains("(/auth/me/devices/{deviceKey})"), "{device:?}");
    api.get("/auth/login", None).await.assert_problem(405, "METHOD_NOT_ALLOWED");
    api.send("PUT", "/auth/me", None, None).await.assert_problem(405, "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn the_code_request_takes_an_empty_body_but_no_fields() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    assert_eq!(api.send("POST", "/auth/email/verification-code", None, Some(&token)).await.status, 202);
    let answer = api.post("/auth/email/verification-code", json!({"attribute": "phone_number"}), Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "attribute");
}

#[tokio::test]
async fn null_or_an_unknown_value_for_a_named_choice_names_the_field_and_the_choices() {
    // GIVEN a signed-in user, and the body `GET /auth/me/mfa` answers (with `"preferred": null`) sent back
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    for preferred in [json!(null), json!("carrier-pigeon")] {
        let body = json!({"sms": false, "preferred": preferred}).to_string().into_bytes();
        // WHEN it is sent to PUT /auth/me/mfa
        let answer = api.send("PUT", "/auth/me/mfa", Some(("application/json", body)), Some(&token)).await;
        // THEN the answer names the field and what it takes, not "the body is not valid JSON"
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], "preferred", "{answer:?}");
        let detail = answer.body["detail"].as_str().unwrap();
        assert!(detail.contains("totp") && detail.contains("sms") && detail.contains("email"), "{detail}");
        assert!(!detail.contains("not valid JSON"), "{detail}");
    }
}
