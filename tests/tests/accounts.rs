//! Accounts: sign-up and confirmation, forgotten and changed passwords,
//! administrators confirming and re-inviting; and answers that never tell
//! whether a user exists.

use integration_tests::*;
use serde_json::{json, Value};

async fn sign_up_pool() -> (Pool, TestApi) {
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    (pool, api)
}

async fn sign_up(api: &TestApi) -> String {
    let username = format!("sam-{}", uuid::Uuid::new_v4());
    let answer = api
        .post("/auth/signup", json!({"username": username, "email": "sam@example.com", "password": PASSWORD}), None)
        .await;
    assert_eq!(answer.status, 201, "{answer:?}");
    assert_eq!(
        answer.body,
        json!({"username": username, "userConfirmed": false, "codeDelivery": {"deliveryMedium": "EMAIL", "attributeName": "email"}})
    );
    username
}

#[tokio::test]
async fn sign_up_confirm_and_log_in() {
    // GIVEN a pool that allows self sign-up, and a user who signed up
    let (_, api) = sign_up_pool().await;
    let username = sign_up(&api).await;
    // THEN they cannot log in before confirming
    let early = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    early.assert_problem(401, "INVALID_CREDENTIALS");
    // WHEN they confirm with the emailed code THEN they log in, with a verified email
    let code = outbox_code(&username, "sign_up").await;
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!((confirmed.status, confirmed.body), (200, json!({"confirmed": true})));
    let token = api.access_token(&username, PASSWORD).await;
    assert_eq!(api.get("/auth/me", Some(&token)).await.body["attributes"]["email_verified"], "true");
}

#[tokio::test]
async fn sign_up_is_a_clear_403_when_only_administrators_create_users() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let answer = api.post("/auth/signup", json!({"email": "sam@example.com", "password": PASSWORD}), None).await;
    answer.assert_problem(403, "SIGN_UP_DISABLED");
}

#[tokio::test]
async fn sign_up_failures_are_named() {
    let (_, api) = sign_up_pool().await;
    let weak = api.post("/auth/signup", json!({"email": "weak@example.com", "password": "weakpassword"}), None).await;
    weak.assert_problem(400, "INVALID_PASSWORD");
    let username = sign_up(&api).await;
    // A taken username is answered as a new sign-up (tests/tests/existence.rs): no 409 oracle.
    let again = api
        .post("/auth/signup", json!({"username": username, "email": "x@example.com", "password": PASSWORD}), None)
        .await;
    assert_eq!(again.status, 201, "{again:?}");
    let forbidden = api
        .post(
            "/auth/signup",
            json!({"email": "y@example.com", "password": PASSWORD, "attributes": {"email_verified": "true"}}),
            None,
        )
        .await;
    forbidden.assert_problem(400, "VALIDATION_FAILED");
}

#[tokio::test]
async fn confirmation_and_resends_answer_alike_for_unknown_users() {
    let (_, api) = sign_up_pool().await;
    let known = sign_up(&api).await;
    let code = outbox_code(&known, "sign_up").await;
    let confirm = |username: String, code: &'static str| {
        let api = &api;
        async move { api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await }
    };
    // A wrong code for a known user and any code for an unknown one: the same answer.
    let (a, b) = (confirm(known.clone(), wrong_code(&code)).await, confirm("nobody-at-all".into(), "123456").await);
    a.assert_problem(400, "CODE_MISMATCH");
    b.assert_problem(400, "CODE_MISMATCH");
    assert_eq!(a.body["detail"], b.body["detail"]);
    // Resends: known and unknown alike.
    let resend = |username: &str| api.post("/auth/signup/resend", json!({"username": username}), None);
    let (a, b) = (resend(&known).await, resend("nobody-at-all").await);
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    assert_eq!(a.status, 202);
    // Once confirmed, confirming and resending still answer as for anyone.
    let code = outbox_code(&known, "sign_up").await;
    assert_eq!(api.post("/auth/signup/confirm", json!({"username": known, "code": code}), None).await.status, 200);
    confirm(known.clone(), "123456").await.assert_problem(400, "CODE_MISMATCH");
    assert_eq!(resend(&known).await.body, b.body);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_emailed_code() {
    // GIVEN a confirmed user with a verified email
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    // WHEN they forget their password THEN 202, and a code is emailed
    let forgot = api.post("/auth/password/forgot", json!({"username": username}), None).await;
    assert_eq!(forgot.status, 202, "{forgot:?}");
    let code = outbox_code(&username, "forgot_password").await;
    // AND a wrong code is refused, the right one sets the new password
    let reset = |code: &str| {
        api.post(
            "/auth/password/reset",
            json!({"username": username, "code": code, "newPassword": "Reset-Passw0rd-1"}),
            None,
        )
    };
    reset(wrong_code(&code)).await.assert_problem(400, "CODE_MISMATCH");
    assert_eq!(reset(&code).await.status, 204);
    api.access_token(&username, "Reset-Passw0rd-1").await;
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_everyone() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let verified = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &verified).await;
    let unverified = confirmed_user(&pool, &[]).await;
    let disabled = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &disabled).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&disabled).send().await.unwrap();
    let mut answers: Vec<(u16, Value)> = Vec::new();
    for username in [verified.as_str(), unverified.as_str(), disabled.as_str(), "nobody-at-all"] {
        let answer = api.post("/auth/password/forgot", json!({"username": username}), None).await;
        answers.push((answer.status, answer.body));
    }
    assert!(answers.iter().all(|answer| answer == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 202);
}

#[tokio::test]
async fn a_user_an_administrator_reset_is_told_to_reset_and_can() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    sdk().admin_reset_user_password().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    login.assert_problem(403, "PASSWORD_RESET_REQUIRED");
    let code = outbox_code(&username, "forgot_password").await;
    let reset = api
        .post(
            "/auth/password/reset",
            json!({"username": username, "code": code, "newPassword": "Reset-Passw0rd-1"}),
            None,
        )
        .await;
    assert_eq!(reset.status, 204, "{reset:?}");
    api.access_token(&username, "Reset-Passw0rd-1").await;
}

#[tokio::test]
async fn a_signed_in_user_changes_their_password() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    let change = |current: &str| {
        api.post(
            "/auth/password/change",
            json!({"currentPassword": current, "newPassword": "Changed-Passw0rd-1"}),
            Some(&token),
        )
    };
    let wrong = change("Wrong-Passw0rd-1").await;
    wrong.assert_problem(401, "INVALID_CREDENTIALS");
    assert_eq!(wrong.body["field"], "currentPassword");
    assert_eq!(change(PASSWORD).await.status, 204);
    api.access_token(&username, "Changed-Passw0rd-1").await;
}

#[tokio::test]
async fn an_administrator_confirms_a_user_who_signed_up() {
    let (pool, api) = sign_up_pool().await;
    let username = sign_up(&api).await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let confirm = |name: &str| {
        let path = format!("/auth/users/{name}/confirm");
        let (api, admin) = (&api, &admin);
        async move { api.post(&path, json!({}), Some(admin)).await }
    };
    assert_eq!(confirm(&username).await.status, 204);
    api.access_token(&username, PASSWORD).await;
    // Only UNCONFIRMED users can be confirmed; an unknown one is 404 (the caller is an administrator).
    confirm(&username).await.assert_problem(409, "INVALID_USER_STATE");
    confirm("nobody-at-all").await.assert_problem(404, "NOT_FOUND");
    let outsider = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&outsider, PASSWORD).await;
    let answer = api.post(&format!("/auth/users/{username}/confirm"), json!({}), Some(&token)).await;
    answer.assert_problem(403, "FORBIDDEN");
}

#[tokio::test]
async fn an_administrator_re_sends_an_invitation() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let invited = user_with_temporary_password(&pool, Some("invited@example.com")).await;
    let resend = |name: &str| {
        let path = format!("/auth/users/{name}/invitation");
        let (api, admin) = (&api, &admin);
        async move { api.post(&path, json!({}), Some(admin)).await }
    };
    assert_eq!(resend(&invited).await.status, 202);
    let fresh = outbox_code(&invited, "invitation").await;
    let login = api.post("/auth/login", json!({"username": invited, "password": fresh}), None).await;
    assert_eq!(login.body["challenge"]["name"], "NEW_PASSWORD_REQUIRED", "{login:?}");
    // A user who already set a password cannot be re-invited.
    let confirmed = confirmed_user(&pool, &[]).await;
    resend(&confirmed).await.assert_problem(409, "INVALID_USER_STATE");
}
