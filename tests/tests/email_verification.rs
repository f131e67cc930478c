//! Email verification failures.

use integration_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_wrong_code_is_a_code_mismatch_and_leaves_the_email_unverified() {
    // GIVEN a signed-in user who asked for a code
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    assert_eq!(api.post("/auth/email/verification-code", json!({}), Some(&token)).await.status, 202);
    // WHEN a wrong code is sent THEN 400 CODE_MISMATCH
    let answer = api.post("/auth/email/verify", json!({"code": "999999x"}), Some(&token)).await;
    answer.assert_problem(400, "CODE_MISMATCH");
    // AND the email stays unverified, and the right code still works
    assert_ne!(api.get("/auth/me", Some(&token)).await.body["attributes"]["email_verified"], "true");
    let code = outbox_code(&username, "attribute_verification").await;
    assert_eq!(api.post("/auth/email/verify", json!({"code": code}), Some(&token)).await.status, 200);
}

#[tokio::test]
async fn token_routes_refuse_missing_and_unknown_tokens() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    for (method, path, body) in [
        ("POST", "/auth/email/verification-code", Some(json!({}))),
        ("POST", "/auth/email/verify", Some(json!({"code": "123456"}))),
        ("GET", "/auth/me", None),
    ] {
        let send = |token: Option<&'static str>| {
            let body = body.clone().map(|b| ("application/json", b.to_string().into_bytes()));
            api.send(method, path, body, token)
        };
        send(None).await.assert_problem(401, "UNAUTHENTICATED");
        send(Some("forged.token.value")).await.assert_problem(401, "UNAUTHENTICATED");
    }
    let basic = api.send("GET", "/auth/me", None, None).await;
    basic.assert_problem(401, "UNAUTHENTICATED");
}
