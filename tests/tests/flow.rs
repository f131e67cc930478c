//! The six-step flow end to end over HTTP, through the real SDK, against the
//! local Cognito: created by an administrator -> logged in with a verified email.

use integration_tests::flows::six_step_flow;
use integration_tests::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_six_step_flow_works_with_a_public_client() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    six_step_flow(&api).await;
}

#[tokio::test]
async fn the_six_step_flow_works_with_a_client_secret_held_by_the_server() {
    // GIVEN an app client with a secret, which the local Cognito enforces on every password call
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    assert!(pool.client_secret.is_some());
    let api = TestApi::start(&pool).await;
    six_step_flow(&api).await;
}

#[tokio::test]
async fn without_the_secret_a_secret_client_is_a_configuration_error() {
    // GIVEN a secret client but a server that was not given the secret
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    let mut env = config_for(&pool);
    env.remove("COGNITO_CLIENT_SECRET");
    let api = TestApi::start_with(env).await;
    // WHEN anyone logs in THEN the answer names the setting, never the secret
    let answer = api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await;
    answer.assert_problem(500, "MISCONFIGURED");
    assert!(answer.body["detail"].as_str().unwrap().contains("COGNITO_CLIENT_SECRET"));
}

#[tokio::test]
async fn a_generated_username_and_an_emailed_temporary_password_work() {
    // GIVEN an administrator
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let admin_token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    // WHEN a user is created with neither username nor password
    let created = api.post("/auth/users", json!({"email": "sam@example.com"}), Some(&admin_token)).await;
    assert_eq!(created.status, 201, "{created:?}");
    let username = created.body["username"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&username).is_ok(), "a UUID username: {username}");
    // THEN the invitation carries a temporary password that leads to the challenge
    let temporary = outbox_code(&username, "invitation").await;
    let login = api.post("/auth/login", json!({"username": username, "password": temporary}), None).await;
    assert_eq!(login.body["challenge"]["name"], "NEW_PASSWORD_REQUIRED", "{login:?}");
}

#[tokio::test]
async fn the_email_is_not_required_and_cannot_be_set_with_the_new_password() {
    // GIVEN a user created without an email (the pool requires none: the API's client may not write it)
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_temporary_password(&pool, None).await;
    // WHEN the user logs in THEN the challenge asks for no attribute
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    assert_eq!(login.body["challenge"]["parameters"]["requiredAttributes"], json!([]), "{login:?}");
    // AND an email sent with the new password is refused: only POST /auth/me/email sets it, with a proof
    let session = login.body["challenge"]["session"].as_str().unwrap();
    let answer = |attributes: Value| {
        api.post(
            "/auth/new-password",
            json!({"username": username, "session": session, "newPassword": "Another-Passw0rd", "attributes": attributes}),
            None,
        )
    };
    let refused = answer(json!({"email": "req@example.com"})).await;
    refused.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(refused.body["field"], "attributes.email");
    // WHEN the new password comes alone THEN tokens come back, and the user has no email
    let answered = answer(json!({})).await;
    assert_eq!(answered.status, 200, "{answered:?}");
    let token = answered.body["tokens"]["accessToken"].as_str().unwrap();
    assert!(api.get("/auth/me", Some(token)).await.body["attributes"].get("email").is_none());
}
