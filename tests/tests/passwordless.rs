//! Sign-in without a password (docs/passwordless.md), end to end: the real router,
//! the real SDK and the local Cognito's choice-based sign-in (USER_AUTH). A user signs
//! up without a password and signs in by an emailed code alone, or by a texted one;
//! cookie mode; and the attacks: a stranger's username answered as a user's, wrong,
//! reused and expired codes, and too many wrong codes.

use auth_api::code_limit::MAX_FAILURES;
use integration_tests::flows::{
    answer_passwordless_code as answer_code, passwordless_api, passwordless_start as start, session_of, sign_in_code,
    signed_up_without_password, PASSWORDLESS_APP as APP,
};
use integration_tests::*;
use serde_json::{json, Value};

/// An answer as a stranger could compare it: the username typed (and so its length in
/// Content-Length) and the session's value (random, but of one length) left out.
fn shape(answer: &Answer, username: &str) -> (u16, std::collections::BTreeMap<String, String>, Value) {
    let (status, mut headers, mut body) = seen(answer);
    if let Some(length) = headers.get_mut("content-length") {
        let typed = if body.get("challenge").is_some() { username.len() } else { 0 };
        *length = (length.parse::<usize>().unwrap() - typed).to_string();
    }
    if let Some(challenge) = body.get_mut("challenge").and_then(Value::as_object_mut) {
        let session = challenge["session"].as_str().unwrap_or_default().len();
        challenge.insert("session".into(), json!(format!("<{session} characters>")));
        challenge.insert("username".into(), json!("<username>"));
        if let Some(options) = challenge["parameters"].get_mut("credentialRequestOptions") {
            let length = options["challenge"].as_str().unwrap_or_default().len();
            options["challenge"] = json!(format!("<{length} characters>"));
        }
    }
    (status, headers, body)
}

#[tokio::test]
async fn a_user_signs_up_without_a_password_and_signs_in_by_an_emailed_code_alone() {
    // GIVEN a deployment with passwordless sign-in, and a user who signed up without a password
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;

    // WHEN the user starts a sign-in with the username alone
    let started = start(&api, &username, None).await;
    // THEN the answer is SELECT_CHALLENGE with the deployment's factors
    assert_eq!(started.body["result"], "challenge", "{started:?}");
    let challenge = &started.body["challenge"];
    assert_eq!(challenge["name"], "SELECT_CHALLENGE");
    assert_eq!(challenge["username"], username.as_str());
    assert_eq!(challenge["parameters"], json!({"factors": ["email", "sms", "passkey"]}));

    // WHEN the user picks email THEN the code challenge says how the code travels, not where
    let body = json!({"username": username, "session": session_of(&started), "factor": "email"});
    let picked = api.post("/auth/passwordless/factor", body, None).await;
    assert_eq!(picked.body["challenge"]["name"], "EMAIL_OTP", "{picked:?}");
    assert_eq!(picked.body["challenge"]["parameters"], json!({"deliveryMedium": "EMAIL"}));

    // WHEN the user answers the emailed code THEN tokens come back, and they work
    let code = sign_in_code(&username).await;
    let done = answer_code(&api, &username, &session_of(&picked), "EMAIL_OTP", &code).await;
    assert_eq!((done.status, &done.body["result"]), (200, &json!("tokens")), "{done:?}");
    let access = done.body["tokens"]["accessToken"].as_str().unwrap();
    let me = api.get("/auth/me", Some(access)).await;
    assert_eq!((me.status, &me.body["username"]), (200, &json!(username)), "{me:?}");
    assert!(done.body["tokens"]["refreshToken"].is_string(), "{done:?}");

    // AND a password sign-in finds no password to match: the usual refusal
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    login.assert_problem(401, "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn a_user_signs_in_by_a_texted_code_alone() {
    // GIVEN a user without a password whose verified phone number the back end set
    // (the API has no route that adds a phone number)
    let (pool, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    with_phone_number(&pool, &username).await;

    // WHEN the user asks for SMS straight away THEN the SMS_OTP challenge comes back
    let started = start(&api, &username, Some("sms")).await;
    assert_eq!(started.body["challenge"]["name"], "SMS_OTP", "{started:?}");
    assert_eq!(started.body["challenge"]["parameters"], json!({"deliveryMedium": "SMS"}));
    let message = outbox().await.into_iter().rev().find(|m| m["username"] == username.as_str()).unwrap();
    assert_eq!((&message["kind"], &message["deliveryMedium"]), (&json!("otp"), &json!("SMS")), "{message}");

    // WHEN the user answers the texted code THEN tokens come back
    let code = sign_in_code(&username).await;
    let done = answer_code(&api, &username, &session_of(&started), "SMS_OTP", &code).await;
    assert_eq!(done.status, 200, "{done:?}");
    let access = done.body["tokens"]["accessToken"].as_str().unwrap();
    assert_eq!(api.get("/auth/me", Some(access)).await.status, 200);
}

#[tokio::test]
async fn in_cookie_mode_the_refresh_token_goes_to_a_cookie() {
    // GIVEN a browser of an allowed origin signing in by an emailed code
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let session = session_of(&start(&api, &username, Some("email")).await);
    let code = sign_in_code(&username).await;
    // WHEN it answers with X-Auth-Mode: cookie
    let response = reqwest::Client::new()
        .post(format!("{}/auth/passwordless/code", api.base))
        .header("x-auth-mode", "cookie")
        .header("origin", APP)
        .json(&json!({"username": username, "session": session, "challenge": "EMAIL_OTP", "code": code}))
        .send()
        .await
        .unwrap();
    // THEN the refresh token is in HttpOnly cookies and not in the body
    assert_eq!(response.status(), 200);
    let cookies: Vec<String> =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let body: Value = response.json().await.unwrap();
    assert!(body["tokens"]["accessToken"].is_string(), "{body}");
    assert!(body["tokens"].get("refreshToken").is_none(), "{body}");
    let refresh: Vec<_> = cookies.iter().filter(|c| c.starts_with("__Secure-auth-refresh=")).collect();
    assert_eq!(refresh.len(), 2, "{cookies:?}");
    assert!(refresh.iter().all(|c| c.contains("HttpOnly") && c.contains("Secure")), "{cookies:?}");
}

#[tokio::test]
async fn a_strangers_username_gets_the_answers_a_users_gets() {
    // GIVEN a user with a verified email only, one with a password too, a disabled user,
    // one who never confirmed the sign-up, and a stranger
    let (pool, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let with_password = confirmed_user(&pool, &[]).await;
    let disabled = confirmed_user(&pool, &[]).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&disabled).send().await.unwrap();
    let unconfirmed = format!("pat-{}", uuid::Uuid::new_v4());
    let email = format!("{unconfirmed}@example.com");
    let signed_up = api.post("/auth/signup", json!({"username": unconfirmed, "email": email}), None).await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let stranger = format!("pat-{}", uuid::Uuid::new_v4());
    for factor in [None, Some("email"), Some("sms"), Some("passkey")] {
        // WHEN each starts a sign-in, with or without a factor
        let mut answers = Vec::new();
        for username in [&user, &with_password, &disabled, &unconfirmed, &stranger] {
            answers.push(shape(&start(&api, username, factor).await, username));
        }
        // THEN the answers are alike: status, headers, body (the session and username aside), factors
        assert_eq!(answers[0].0, 200, "{factor:?}: {:?}", answers[0]);
        for other in &answers[1..] {
            assert_eq!(&answers[0], other, "{factor:?}");
        }
    }
    // AND picking a factor at SELECT_CHALLENGE answers alike too
    for factor in ["email", "sms", "passkey"] {
        let mut answers = Vec::new();
        for username in [&user, &with_password, &disabled, &unconfirmed, &stranger] {
            let session = session_of(&start(&api, username, None).await);
            let body = json!({"username": username, "session": session, "factor": factor});
            answers.push(shape(&api.post("/auth/passwordless/factor", body, None).await, username));
        }
        assert_eq!(answers[0].0, 200, "{factor}: {:?}", answers[0]);
        for other in &answers[1..] {
            assert_eq!(&answers[0], other, "{factor}");
        }
    }
    // AND answering the code challenge of a factor the user lacks (no phone number) is
    // a wrong code, as for the stranger
    let user_sms = session_of(&start(&api, &user, Some("sms")).await);
    let stranger_sms = session_of(&start(&api, &stranger, Some("sms")).await);
    let a = answer_code(&api, &user, &user_sms, "SMS_OTP", "123456").await;
    let b = answer_code(&api, &stranger, &stranger_sms, "SMS_OTP", "123456").await;
    a.assert_problem(400, "CODE_MISMATCH");
    assert_eq!(seen(&a), seen(&b));
    // AND the disabled user signs in by no code (should Cognito have sent one)
    verify_email(&pool, &disabled).await;
    let session = session_of(&start(&api, &disabled, Some("email")).await);
    let code = outbox().await.into_iter().rev().find(|m| m["username"] == disabled.as_str() && m["kind"] == "otp");
    let code = code.map_or("123456".to_owned(), |m| m["code"].as_str().unwrap().to_owned());
    answer_code(&api, &disabled, &session, "EMAIL_OTP", &code).await.assert_problem(400, "CODE_MISMATCH");
    // AND no message went to anyone for the stranger
    assert!(outbox().await.iter().all(|m| m["username"] != stranger.as_str()));
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_the_right_one_still_signs_in() {
    // GIVEN a user's sign-in by an emailed code
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let session = session_of(&start(&api, &username, Some("email")).await);
    let code = sign_in_code(&username).await;
    // WHEN a wrong code is sent THEN CODE_MISMATCH, the answer a stranger gets
    let wrong = answer_code(&api, &username, &session, "EMAIL_OTP", wrong_code(&code)).await;
    wrong.assert_problem(400, "CODE_MISMATCH");
    let stranger = "nobody-at-all";
    let stranger_session = session_of(&start(&api, stranger, Some("email")).await);
    let theirs = answer_code(&api, stranger, &stranger_session, "EMAIL_OTP", wrong_code(&code)).await;
    assert_eq!(seen(&wrong), seen(&theirs));
    // WHEN the right code follows in the same session THEN it signs in
    let right = answer_code(&api, &username, &session, "EMAIL_OTP", &code).await;
    assert_eq!(right.status, 200, "{right:?}");
}

#[tokio::test]
async fn a_code_signs_in_once() {
    // GIVEN a user who signed in with an emailed code
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let session = session_of(&start(&api, &username, Some("email")).await);
    let code = sign_in_code(&username).await;
    assert_eq!(answer_code(&api, &username, &session, "EMAIL_OTP", &code).await.status, 200);
    // WHEN the same answer is sent again (a replay) THEN it is refused as a wrong code
    answer_code(&api, &username, &session, "EMAIL_OTP", &code).await.assert_problem(400, "CODE_MISMATCH");
    // AND the code does not answer a later sign-in's challenge either
    let later = session_of(&start(&api, &username, Some("email")).await);
    let fresh = sign_in_code(&username).await;
    let old = answer_code(&api, &username, &later, "EMAIL_OTP", &code).await;
    if code != fresh {
        old.assert_problem(400, "CODE_MISMATCH");
    }
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    // GIVEN a code sent for a sign-in
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let session = session_of(&start(&api, &username, Some("email")).await);
    let code = sign_in_code(&username).await;
    // WHEN it is answered after its 3 minutes THEN it is refused as a wrong code
    advance_clock(181).await;
    answer_code(&api, &username, &session, "EMAIL_OTP", &code).await.assert_problem(400, "CODE_MISMATCH");
}

#[tokio::test]
async fn too_many_wrong_codes_lock_the_codes_and_then_even_the_right_one_is_refused() {
    // GIVEN someone guessing a user's emailed codes over many sign-ins (2 guesses each)
    let (_, api) = passwordless_api().await;
    let username = signed_up_without_password(&api).await;
    let mut answers = Vec::new();
    for _ in 0..MAX_FAILURES.div_ceil(2) {
        let session = session_of(&start(&api, &username, Some("email")).await);
        let code = sign_in_code(&username).await;
        for _ in 0..2 {
            answers.push(answer_code(&api, &username, &session, "EMAIL_OTP", wrong_code(&code)).await);
        }
    }
    // THEN every guess is a wrong code (never a 429 a stranger's username could not earn)
    for answer in &answers {
        answer.assert_problem(400, "CODE_MISMATCH");
    }
    // AND past the limit the user's own right code is refused the same way
    let session = session_of(&start(&api, &username, Some("email")).await);
    let code = sign_in_code(&username).await;
    let right = answer_code(&api, &username, &session, "EMAIL_OTP", &code).await;
    right.assert_problem(400, "CODE_MISMATCH");
    assert_eq!(seen(&right), seen(&answers[0]));
}

#[tokio::test]
async fn a_factor_the_deployment_does_not_allow_is_refused_alike_for_everyone() {
    // GIVEN a pool that signs in by password only
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let user = confirmed_user(&pool, &[]).await;
    // WHEN a user and a stranger start a passwordless sign-in THEN both are told the deployment's factors
    let a = start(&api, &user, Some("email")).await;
    let b = start(&api, "nobody-at-all", Some("email")).await;
    a.assert_problem(400, "FACTOR_NOT_ALLOWED");
    assert_eq!(seen(&a), seen(&b));
    // AND sign-up still needs a password there
    let sign_up = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&sign_up).await;
    let answer = api.post("/auth/signup", json!({"email": "sam@example.com"}), None).await;
    assert_eq!(answer.status, 400, "{answer:?}");
}
