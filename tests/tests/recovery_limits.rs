//! The per-user limit on wrong codes (auth_api::code_limit) beyond MFA answers:
//! password-reset codes and emailed step-up codes are limited per code by
//! Cognito, but a script can ask for a new code every few guesses. And a
//! recovery (a reset, a change) lifts a lock that someone who knew the old
//! password put on the user. (From the attacker's review, branch g-review.)

use auth_api::code_limit::{MAX_FAILURES, WINDOW_SECONDS};
use integration_tests::flows::enable_totp;
use integration_tests::*;
use serde_json::{json, Value};

async fn put(api: &TestApi, path: &str, body: Value, token: &str) -> Answer {
    api.send("PUT", path, Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

/// Password and TOTP code: the tokens.
async fn sign_in_with_totp(api: &TestApi, username: &str, password: &str, secret: &str) -> Answer {
    let login = api.post("/auth/login", json!({"username": username, "password": password}), None).await;
    assert_eq!(login.body["challenge"]["name"], "SOFTWARE_TOKEN_MFA", "{login:?}");
    let session = login.body["challenge"]["session"].as_str().unwrap();
    let code = totp_next(secret).await;
    let body = json!({"username": username, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": code});
    api.post("/auth/mfa", body, None).await
}

/// A user with TOTP on (through the API, with step-up) and a token from a later sign-in.
async fn totp_user_and_token(pool: &Pool, api: &TestApi) -> (String, String, String) {
    let username = confirmed_user(pool, &[]).await;
    let secret = enable_totp(api, &api.access_token(&username, PASSWORD).await).await;
    let signed_in = sign_in_with_totp(api, &username, PASSWORD, &secret).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let token = signed_in.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    (username, secret, token)
}

/// Someone who knows the password tries wrong TOTP codes, 3 per sign-in, up to the limit.
async fn lock_with_wrong_mfa_codes(api: &TestApi, username: &str, secret: &str) {
    for _ in 0..MAX_FAILURES.div_ceil(3) {
        let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
        let session = login.body["challenge"]["session"].as_str().unwrap().to_owned();
        for _ in 0..3 {
            let code = wrong_code(&totp_now(secret));
            let body =
                json!({"username": username, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": code});
            api.post("/auth/mfa", body, None).await;
        }
    }
    let locked = sign_in_with_totp(api, username, PASSWORD, secret).await;
    locked.assert_problem(429, "TOO_MANY_REQUESTS");
}

async fn reset(api: &TestApi, username: &str, code: &str, password: &str) -> Answer {
    api.post("/auth/password/reset", json!({"username": username, "code": code, "newPassword": password}), None).await
}

/// A new reset code, as the user (or a stranger) asks for one.
async fn forgot(api: &TestApi, username: &str) -> String {
    assert_eq!(api.post("/auth/password/forgot", json!({"username": username}), None).await.status, 202);
    outbox_code(username, "forgot_password").await
}

#[tokio::test]
async fn wrong_reset_codes_over_many_codes_lock_recovery_for_a_while() {
    // GIVEN a user with a verified email
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    // WHEN a stranger asks a new reset code every 4 wrong guesses, 4 times (16 wrong codes, never 5 on one)
    for _ in 0..4 {
        let code = forgot(&api, &username).await;
        for _ in 0..4 {
            let guess = reset(&api, &username, wrong_code(&code), "Attacker-Passw0rd").await;
            // THEN every guess, past the limit too, gets the one code-route answer, no Retry-After
            guess.assert_problem(400, "CODE_MISMATCH");
            assert_eq!(guess.header("retry-after"), None);
        }
    }
    // AND then (by luck) guesses a fresh code right
    let code = forgot(&api, &username).await;
    let lucky = reset(&api, &username, &code, "Attacker-Passw0rd").await;
    // THEN refused as a wrong code, exactly as an unknown user's guess is
    assert_ne!(lucky.status, 204, "the 17th guess reset the password");
    assert_eq!(seen(&lucky), seen(&reset(&api, "nobody-at-all", &code, "Attacker-Passw0rd").await));
    // AND the password is unchanged
    api.access_token(&username, PASSWORD).await;
}

#[tokio::test]
async fn an_unknown_users_reset_answers_are_a_locked_users_and_never_lock() {
    // GIVEN a real user locked by wrong reset codes, and a made-up username
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let mut code = String::new();
    for guess in 0..MAX_FAILURES {
        if guess % 4 == 0 {
            code = forgot(&api, &username).await;
        }
        reset(&api, &username, wrong_code(&code), "Reset-Passw0rd-1").await;
    }
    // WHEN both are sent guesses, the locked user's right code among them
    let code = forgot(&api, &username).await;
    for guess in [wrong_code(&code), code.as_str()] {
        let unknown = reset(&api, "nobody-at-all", guess, "Reset-Passw0rd-1").await;
        // THEN one answer: status, headers and body
        unknown.assert_problem(400, "CODE_MISMATCH");
        assert_eq!(seen(&reset(&api, &username, guess, "Reset-Passw0rd-1").await), seen(&unknown));
    }
    api.access_token(&username, PASSWORD).await;
}

#[tokio::test]
async fn a_successful_reset_starts_the_count_again() {
    // GIVEN a user who typed wrong reset codes, one short of the limit, then the right one
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let mut password = PASSWORD.to_owned();
    for round in 0..2 {
        let mut code = String::new();
        for guess in 0..MAX_FAILURES - 1 {
            if guess % 4 == 0 {
                code = forgot(&api, &username).await;
            }
            reset(&api, &username, wrong_code(&code), "Reset-Passw0rd-1").await.assert_problem(400, "CODE_MISMATCH");
        }
        let code = forgot(&api, &username).await;
        password = format!("Reset-Passw0rd-{round}");
        // WHEN they do it again after the reset
        // THEN the right code works both times: the reset cleared the count
        let done = reset(&api, &username, &code, &password).await;
        assert_eq!(done.status, 204, "round {round}: {done:?}");
    }
    api.access_token(&username, &password).await;
}

#[tokio::test]
async fn wrong_emailed_step_up_codes_over_many_codes_lock_the_proof() {
    // GIVEN a TOTP user with a verified email and a stolen token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_and_token(&pool, &api).await;
    verify_email(&pool, &username).await;
    // WHEN the attacker asks a new code every 4 wrong guesses, 4 times (16 wrong codes, never 5 on one)
    let mut answers = Vec::new();
    for _ in 0..4 {
        assert_eq!(api.post("/auth/me/reauthentication", json!({}), Some(&stolen)).await.status, 202);
        let code = outbox_code(&username, "attribute_verification").await;
        for _ in 0..4 {
            let guess = json!({"totp": false, "reauthentication": {"emailCode": wrong_code(&code)}});
            answers.push(put(&api, "/auth/me/mfa", guess, &stolen).await);
        }
    }
    // THEN the first wrong codes ask for a proof again, and from the limit on every answer is 429
    for (i, answer) in answers.iter().enumerate() {
        if i + 1 < MAX_FAILURES as usize {
            answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
        } else {
            answer.assert_problem(429, "TOO_MANY_REQUESTS");
        }
    }
    // AND then (by luck) guesses a fresh code right
    assert_eq!(api.post("/auth/me/reauthentication", json!({}), Some(&stolen)).await.status, 202);
    let code = outbox_code(&username, "attribute_verification").await;
    let lucky =
        put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": {"emailCode": code}}), &stolen).await;
    // THEN refused until the window ends, and TOTP stays on
    lucky.assert_problem(429, "TOO_MANY_REQUESTS");
    let wait: u64 = lucky.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=WINDOW_SECONDS).contains(&wait), "{wait}");
    let mfa = api.get("/auth/me/mfa", Some(&stolen)).await;
    assert_eq!(mfa.body["factors"]["totp"], true, "{mfa:?}");
    // AND the count is the one of sign-in codes (a thief can lock those too), which the
    // user's recovery lifts, ending the thief's sessions with it
    sign_in_with_totp(&api, &username, PASSWORD, &secret).await.assert_problem(429, "TOO_MANY_REQUESTS");
    let code = forgot(&api, &username).await;
    assert_eq!(reset(&api, &username, &code, "Reset-Passw0rd-1").await.status, 204);
    let signed_in = sign_in_with_totp(&api, &username, "Reset-Passw0rd-1", &secret).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    api.get("/auth/me", Some(&stolen)).await.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn after_a_reset_the_user_is_no_longer_locked_by_the_attackers_wrong_codes() {
    // GIVEN an attacker who knows a TOTP user's password and locks them with wrong codes
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, _) = totp_user_and_token(&pool, &api).await;
    verify_email(&pool, &username).await;
    lock_with_wrong_mfa_codes(&api, &username, &secret).await;
    // WHEN the user notices and resets their password (the attacker no longer knows it)
    let code = forgot(&api, &username).await;
    let done = reset(&api, &username, &code, "Reset-Passw0rd-1").await;
    assert_eq!(done.status, 204, "a lock on MFA codes does not lock recovery: {done:?}");
    // THEN they sign in with the new password and their own code
    let answer = sign_in_with_totp(&api, &username, "Reset-Passw0rd-1", &secret).await;
    assert_eq!(answer.status, 200, "the recovered user is still locked: {answer:?}");
}

#[tokio::test]
async fn after_a_password_change_the_user_is_no_longer_locked_by_the_attackers_wrong_codes() {
    // GIVEN a TOTP user signed in on one device, locked by someone who knows their password
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, token) = totp_user_and_token(&pool, &api).await;
    lock_with_wrong_mfa_codes(&api, &username, &secret).await;
    // WHEN the user changes their password on that device
    let change = json!({"currentPassword": PASSWORD, "newPassword": "Changed-Passw0rd-1"});
    let changed = api.post("/auth/password/change", change, Some(&token)).await;
    assert_eq!(changed.status, 204, "{changed:?}");
    // THEN they sign in again with the new password and their own code
    let answer = sign_in_with_totp(&api, &username, "Changed-Passw0rd-1", &secret).await;
    assert_eq!(answer.status, 200, "the user is still locked after the change: {answer:?}");
}
