//! MFA through the API against the local Cognito: SMS, TOTP set-up during
//! sign-in and for a signed-in user, choosing a factor, and the failures.

use integration_tests::flows::{enable_totp, password_proof};
use integration_tests::*;
use serde_json::{json, Value};

async fn login(api: &TestApi, username: &str) -> Answer {
    api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await
}

fn challenge(answer: &Answer, name: &str) -> (String, Value) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["challenge"]["name"], name, "{answer:?}");
    (answer.body["challenge"]["session"].as_str().unwrap().to_owned(), answer.body["challenge"]["parameters"].clone())
}

fn detail_says_log_in_again(answer: &Answer) -> bool {
    answer.body["detail"].as_str().is_some_and(|detail| detail.ends_with("log in again"))
}

async fn answer_code(api: &TestApi, username: &str, session: &str, name: &str, code: &str) -> Answer {
    api.post("/auth/mfa", json!({"username": username, "session": session, "challenge": name, "code": code}), None)
        .await
}

#[tokio::test]
async fn sms_mfa_sign_in() {
    // GIVEN a pool that requires MFA and a user with a phone number
    let pool = create_pool(PoolOptions::mfa_required()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    // WHEN the user logs in THEN SMS_MFA, with the delivery described
    let (session, parameters) = challenge(&login(&api, &username).await, "SMS_MFA");
    assert_eq!(parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], "+*******0123");
    // AND a wrong code is 400 CODE_MISMATCH, and the session survives it
    let code = outbox_code(&username, "mfa").await;
    answer_code(&api, &username, &session, "SMS_MFA", wrong_code(&code)).await.assert_problem(400, "CODE_MISMATCH");
    // AND the right code gives tokens
    let done = answer_code(&api, &username, &session, "SMS_MFA", &code).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert!(done.body["tokens"]["accessToken"].is_string());
}

#[tokio::test]
async fn an_expired_mfa_session_means_logging_in_again() {
    let pool = create_pool(PoolOptions::mfa_required()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let (session, _) = challenge(&login(&api, &username).await, "SMS_MFA");
    let code = outbox_code(&username, "mfa").await;
    // WHEN the client's session validity (3 minutes) passes
    advance_clock(180).await;
    let expired = answer_code(&api, &username, &session, "SMS_MFA", &code).await;
    expired.assert_problem(401, "INVALID_SESSION");
    assert!(
        expired.body["detail"].as_str().unwrap().contains("has expired") && detail_says_log_in_again(&expired),
        "{expired:?}"
    );
}

#[tokio::test]
async fn an_answer_to_the_wrong_challenge_says_which_to_send_and_the_session_still_serves() {
    let pool = create_pool(PoolOptions::mfa_required()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let (session, _) = challenge(&login(&api, &username).await, "SMS_MFA");
    let code = outbox_code(&username, "mfa").await;
    // WHEN the client answers SMS_MFA's session as a TOTP challenge
    let wrong = answer_code(&api, &username, &session, "SOFTWARE_TOKEN_MFA", &code).await;
    // THEN the advice is to send the challenge the session was given for, not to log in again
    wrong.assert_problem(401, "INVALID_SESSION");
    let detail = wrong.body["detail"].as_str().unwrap();
    assert!(detail.contains("another challenge") && detail.contains("`challenge`"), "{detail}");
    // AND that same session, answered as SMS_MFA, signs the user in
    let done = answer_code(&api, &username, &session, "SMS_MFA", &code).await;
    assert!(done.body["tokens"]["accessToken"].is_string(), "{done:?}");
    // AND a session answered already says so
    let again = answer_code(&api, &username, &session, "SMS_MFA", &code).await;
    again.assert_problem(401, "INVALID_SESSION");
    assert!(again.body["detail"].as_str().unwrap().contains("answered already"), "{again:?}");
}

#[tokio::test]
async fn totp_is_set_up_during_sign_in_when_mfa_is_required() {
    // GIVEN a pool that requires MFA and a user without a factor or phone number
    let pool = create_pool(PoolOptions::mfa_required()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let (session, parameters) = challenge(&login(&api, &username).await, "MFA_SETUP");
    assert!(parameters["MFAS_CAN_SETUP"].as_array().unwrap().contains(&json!("SOFTWARE_TOKEN_MFA")));
    // WHEN the client starts the set-up THEN a secret, its otpauth URI and a new session come back
    let setup = api.post("/auth/mfa/setup", json!({"username": username, "session": session}), None).await;
    assert_eq!(setup.status, 200, "{setup:?}");
    let secret = setup.body["secret"].as_str().unwrap().to_owned();
    let uri = setup.body["otpauthUri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Auth%20API:") && uri.contains(&format!("secret={secret}")), "{uri}");
    let session = setup.body["session"].as_str().unwrap().to_owned();
    // AND a wrong code is refused, the right one finishes the sign-in
    let verify = |code: String| {
        api.post("/auth/mfa/setup/verify", json!({"username": username, "session": session, "code": code}), None)
    };
    verify(wrong_code(&totp_now(&secret)).to_owned()).await.assert_problem(400, "CODE_MISMATCH");
    let done = verify(totp_next(&secret).await).await;
    assert!(done.body["tokens"]["accessToken"].is_string(), "{done:?}");
    // AND the next sign-in asks for the TOTP code
    let (session, _) = challenge(&login(&api, &username).await, "SOFTWARE_TOKEN_MFA");
    let done = answer_code(&api, &username, &session, "SOFTWARE_TOKEN_MFA", &totp_next(&secret).await).await;
    assert!(done.body["tokens"]["accessToken"].is_string(), "{done:?}");
}

#[tokio::test]
async fn a_signed_in_user_turns_totp_on_and_off() {
    // GIVEN a pool where MFA is optional, and a signed-in user without a factor
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    let mfa = api.get("/auth/me/mfa", Some(&token)).await;
    assert_eq!(mfa.body, json!({"factors": {"totp": false, "sms": false, "email": false}, "preferred": null}));
    // WHEN they set up TOTP and verify it, proving their password THEN it is on and preferred
    let secret = enable_totp(&api, &token).await;
    // AND their sessions ended with the change: the old token is refused
    api.get("/auth/me", Some(&token)).await.assert_problem(401, "UNAUTHENTICATED");
    // AND sign-in now asks for the code
    let (session, _) = challenge(&login(&api, &username).await, "SOFTWARE_TOKEN_MFA");
    let done = answer_code(&api, &username, &session, "SOFTWARE_TOKEN_MFA", &totp_next(&secret).await).await;
    let token = done.body["tokens"]["accessToken"].as_str().expect("tokens").to_owned();
    // WHEN they turn it off, proving their password and a current code THEN sign-in gives tokens again
    let proof = json!({"currentPassword": PASSWORD, "mfaCode": totp_next(&secret).await});
    let body = json!({"totp": false, "reauthentication": proof}).to_string().into_bytes();
    let off = api.send("PUT", "/auth/me/mfa", Some(("application/json", body)), Some(&token)).await;
    assert_eq!(
        off.body,
        json!({"factors": {"totp": false, "sms": false, "email": false}, "preferred": null}),
        "{off:?}"
    );
    assert!(login(&api, &username).await.body["tokens"].is_object());
}

#[tokio::test]
async fn a_factor_that_cannot_be_on_is_a_clear_400() {
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(&confirmed_user(&pool, &[]).await, PASSWORD).await;
    // No verified TOTP, no phone number.
    for body in [r#"{"totp": true}"#, r#"{"sms": true}"#] {
        let answer =
            api.send("PUT", "/auth/me/mfa", Some(("application/json", body.as_bytes().to_vec())), Some(&token)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
    }
    let wrong_code = api
        .post("/auth/me/mfa/totp/verify", json!({"code": "123456", "reauthentication": password_proof()}), Some(&token))
        .await;
    wrong_code.assert_problem(400, "VALIDATION_FAILED");
}

#[tokio::test]
async fn with_several_factors_the_user_chooses() {
    // GIVEN a user with SMS and TOTP on, and no preference
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let token = api.access_token(&username, PASSWORD).await;
    enable_totp(&api, &token).await;
    sdk()
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .sms_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::SmsMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(false)
                .build(),
        )
        .software_token_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // WHEN they log in THEN SELECT_MFA_TYPE lists both
    let (session, parameters) = challenge(&login(&api, &username).await, "SELECT_MFA_TYPE");
    assert_eq!(parameters["MFAS_CAN_CHOOSE"], json!(["SMS_MFA", "SOFTWARE_TOKEN_MFA"]));
    // AND choosing SMS leads to SMS_MFA
    let chosen = api
        .post(
            "/auth/mfa",
            json!({"username": username, "session": session, "challenge": "SELECT_MFA_TYPE", "factor": "sms"}),
            None,
        )
        .await;
    let (session, _) = challenge(&chosen, "SMS_MFA");
    let done = answer_code(&api, &username, &session, "SMS_MFA", &outbox_code(&username, "mfa").await).await;
    assert!(done.body["tokens"].is_object(), "{done:?}");
}

#[tokio::test]
async fn mfa_answers_are_checked_before_cognito_is_called() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let session = "s".repeat(40);
    for (body, field) in [
        (json!({"username": "jane", "session": session, "challenge": "SMS_MFA"}), "code"),
        (json!({"username": "jane", "session": session, "challenge": "SMS_MFA", "code": "12a456"}), "code"),
        (json!({"username": "jane", "session": session, "challenge": "SELECT_MFA_TYPE", "code": "123456"}), "factor"),
        (json!({"username": "jane", "session": session, "challenge": "SELECT_MFA_TYPE", "factor": "pigeon"}), "factor"),
        (
            json!({"username": "jane", "session": session, "challenge": "NEW_PASSWORD_REQUIRED", "code": "1"}),
            "challenge",
        ),
    ] {
        let answer = api.post("/auth/mfa", body, None).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], field, "{answer:?}");
    }
}

#[tokio::test]
async fn too_many_wrong_codes_end_the_session() {
    // GIVEN an SMS_MFA challenge
    let pool = create_pool(PoolOptions::mfa_required()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let (session, _) = challenge(&login(&api, &username).await, "SMS_MFA");
    let code = outbox_code(&username, "mfa").await;
    // WHEN five wrong codes are sent THEN each is a mismatch, and then even the right code needs a new login
    for _ in 0..5 {
        answer_code(&api, &username, &session, "SMS_MFA", wrong_code(&code)).await.assert_problem(400, "CODE_MISMATCH");
    }
    answer_code(&api, &username, &session, "SMS_MFA", &code).await.assert_problem(401, "INVALID_SESSION");
}
