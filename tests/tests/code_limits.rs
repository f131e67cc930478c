//! The per-user limit on wrong MFA codes (auth_api::code_limit): Cognito allows
//! five wrong codes per sign-in session, but any number of sessions.

use auth_api::code_limit::{MAX_FAILURES, WINDOW_SECONDS};
use integration_tests::*;
use serde_json::json;

/// A user with TOTP on (set up with the SDK, as an app would through the API).
async fn user_with_totp(pool: &Pool, api: &TestApi) -> (String, String) {
    let username = confirmed_user(pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    let sdk = sdk();
    let secret = sdk.associate_software_token().access_token(&token).send().await.unwrap().secret_code.unwrap();
    sdk.verify_software_token().access_token(&token).user_code(totp_next(&secret).await).send().await.unwrap();
    sdk.admin_set_user_mfa_preference()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .software_token_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    (username, secret)
}

async fn mfa_session(api: &TestApi, username: &str) -> String {
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    assert_eq!(login.body["challenge"]["name"], "SOFTWARE_TOKEN_MFA", "{login:?}");
    login.body["challenge"]["session"].as_str().unwrap().to_owned()
}

async fn answer(api: &TestApi, username: &str, session: &str, code: &str) -> Answer {
    let body = json!({"username": username, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": code});
    api.post("/auth/mfa", body, None).await
}

#[tokio::test]
async fn wrong_codes_over_many_sign_ins_lock_the_user_and_then_even_the_right_code_is_refused() {
    // GIVEN someone who knows a TOTP user's password
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret) = user_with_totp(&pool, &api).await;
    // WHEN they try 3 wrong codes in each of 8 sign-ins (24 codes, never 5 in one session)
    let mut answers = Vec::new();
    for _ in 0..8 {
        let session = mfa_session(&api, &username).await;
        for _ in 0..3 {
            answers.push(answer(&api, &username, &session, wrong_code(&totp_now(&secret))).await);
        }
    }
    // THEN the first wrong codes are mismatches, and from the limit on every answer is 429
    let limit = MAX_FAILURES as usize;
    for (i, wrong) in answers.iter().enumerate() {
        if i + 1 < limit {
            wrong.assert_problem(400, "CODE_MISMATCH");
        } else {
            wrong.assert_problem(429, "TOO_MANY_REQUESTS");
        }
    }
    // AND the right code, in a fresh sign-in, is refused too, until the window ends
    let session = mfa_session(&api, &username).await;
    let right_code = totp_next(&secret).await;
    let right = answer(&api, &username, &session, &right_code).await;
    right.assert_problem(429, "TOO_MANY_REQUESTS");
    assert!(right.body.get("tokens").is_none(), "{right:?}");
    let wait: u64 = right.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=WINDOW_SECONDS).contains(&wait), "{wait}");
    // AND that code, now used once (Cognito: expired), gets the same 429, not a hint
    let session = mfa_session(&api, &username).await;
    answer(&api, &username, &session, &right_code).await.assert_problem(429, "TOO_MANY_REQUESTS");
}

#[tokio::test]
async fn an_unknown_user_or_a_made_up_session_is_never_counted_or_told() {
    // GIVEN a locked user
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret) = user_with_totp(&pool, &api).await;
    for _ in 0..MAX_FAILURES.div_ceil(3) {
        let session = mfa_session(&api, &username).await;
        for _ in 0..3 {
            answer(&api, &username, &session, wrong_code(&totp_now(&secret))).await;
        }
    }
    let session = mfa_session(&api, &username).await;
    answer(&api, &username, &session, &totp_next(&secret).await).await.assert_problem(429, "TOO_MANY_REQUESTS");
    // WHEN a stranger answers for that user, or for nobody, with a session they made up
    // THEN both get what any made-up session gets: no 429 that would tell the user exists
    let made_up = "A".repeat(64);
    answer(&api, &username, &made_up, "123456").await.assert_problem(401, "INVALID_SESSION");
    answer(&api, "nobody-at-all", &made_up, "123456").await.assert_problem(401, "INVALID_SESSION");
}
