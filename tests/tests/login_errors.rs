//! Login and new-password failures, as clients see them.

use integration_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_answer() {
    // GIVEN a confirmed user
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    // WHEN one logs in with a wrong password and another as nobody
    let wrong = api.post("/auth/login", json!({"username": username, "password": "Wrong-Passw0rd"}), None).await;
    let nobody =
        api.post("/auth/login", json!({"username": "nobody-at-all", "password": "Wrong-Passw0rd"}), None).await;
    // THEN both are 401 INVALID_CREDENTIALS with the same words: no user enumeration
    wrong.assert_problem(401, "INVALID_CREDENTIALS");
    nobody.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(wrong.body["detail"], nobody.body["detail"]);
}

#[tokio::test]
async fn an_unconfirmed_user_is_answered_as_a_wrong_password() {
    // GIVEN a user who signed up but never confirmed
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    let username = format!("unconfirmed-{}", uuid::Uuid::new_v4());
    sdk()
        .sign_up()
        .client_id(&pool.sign_up_client_id)
        .set_secret_hash(sign_up_secret_hash(&pool, &username))
        .username(&username)
        .password(PASSWORD)
        .user_attributes(attribute("email", "unconfirmed@example.com"))
        .send()
        .await
        .expect("signed up");
    // WHEN the user logs in with the right password THEN the answer is a wrong password's:
    // whoever signed the account up with someone's address learns nothing from it
    let answer = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let wrong = api.post("/auth/login", json!({"username": username, "password": "Wrong-Passw0rd-1"}), None).await;
    answer.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(answer.body["detail"], wrong.body["detail"]);
}

#[tokio::test]
async fn a_client_without_admin_password_auth_is_a_named_configuration_error() {
    // GIVEN an app client that does not allow ALLOW_ADMIN_USER_PASSWORD_AUTH
    let pool = create_pool(PoolOptions {
        auth_flows: Some(vec!["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    // WHEN the admin logs in THEN 500 MISCONFIGURED naming the flow to enable
    let answer = api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await;
    answer.assert_problem(500, "MISCONFIGURED");
    assert!(answer.body["detail"].as_str().unwrap().contains("ALLOW_ADMIN_USER_PASSWORD_AUTH"), "{answer:?}");
}

#[tokio::test]
async fn an_unknown_session_is_an_invalid_session() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let answer = api
        .post(
            "/auth/new-password",
            json!({"username": ADMIN_USERNAME, "session": "a-session-that-cognito-never-issued", "newPassword": "Brand-New-Passw0rd"}),
            None,
        )
        .await;
    answer.assert_problem(401, "INVALID_SESSION");
}

#[tokio::test]
async fn a_weak_new_password_names_the_policy_rule_and_the_session_stays_usable() {
    // GIVEN a user at the NEW_PASSWORD_REQUIRED challenge
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_temporary_password(&pool, Some("weak@example.com")).await;
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let session = login.body["challenge"]["session"].as_str().unwrap().to_owned();
    // WHEN the new password breaks the policy THEN 400 INVALID_PASSWORD with Cognito's reason
    let weak = api
        .post("/auth/new-password", json!({"username": username, "session": session, "newPassword": "short"}), None)
        .await;
    weak.assert_problem(400, "INVALID_PASSWORD");
    assert_eq!(weak.body["detail"], "Password did not conform with policy: Password not long enough");
    assert_eq!(weak.body["field"], "newPassword");
    // AND a good password with the same session still works
    let good = api
        .post(
            "/auth/new-password",
            json!({"username": username, "session": session, "newPassword": "Good-Enough-Passw0rd"}),
            None,
        )
        .await;
    assert_eq!(good.status, 200, "{good:?}");
}
