//! An attacker's review of passwordless sign-in (docs/passwordless.md), end to end
//! through the real router, the real SDK and the local Cognito: what a stranger
//! learns by answering one route's session at another (a SELECT_CHALLENGE session
//! answered as a code or passkey, a passwordless code session answered at /auth/mfa),
//! codes moved between sessions and challenges, the locks a stranger can cause, users
//! in FORCE_CHANGE_PASSWORD or RESET_REQUIRED, cookie mode from another origin, and
//! what reaches the log.

use auth_api::code_limit::MAX_FAILURES;
use integration_tests::captured_logs::{captured_logs, CapturedLogs};
use integration_tests::flows::{
    answer_passwordless_code as answer_code, passwordless_api, passwordless_start as start, session_of, sign_in_code,
    signed_up_without_password,
};
use integration_tests::*;
use serde_json::{json, Value};

fn stranger() -> String {
    format!("pat-{}", uuid::Uuid::new_v4())
}

async fn answer_mfa(api: &TestApi, username: &str, session: &str, code: &str) -> Answer {
    let body = json!({"username": username, "session": session, "challenge": "EMAIL_OTP", "code": code});
    api.post("/auth/mfa", body, None).await
}

/// A made-up AuthenticationResponseJSON: well-formed, signed by nobody.
fn forged_assertion() -> Value {
    json!({"id": "Y3JlZGVudGlhbA", "rawId": "Y3JlZGVudGlhbA", "type": "public-key",
        "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA"},
        "clientExtensionResults": {}})
}

#[tokio::test]
async fn a_select_challenge_session_answered_as_a_code_tells_no_factor_and_no_address() {
    // GIVEN a user with a verified email (the EMAIL_OTP factor) and strangers
    let (_, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let mut strangers = Vec::new();
    for _ in 0..8 {
        strangers.push(stranger());
    }
    for username in std::iter::once(&user).chain(&strangers) {
        // WHEN each starts without a factor and answers SELECT_CHALLENGE's session at
        // the code route, as if it were an EMAIL_OTP or SMS_OTP challenge
        let session = session_of(&start(&api, username, None).await);
        for challenge in ["EMAIL_OTP", "SMS_OTP"] {
            let answer = answer_code(&api, username, &session, challenge, "123456").await;
            // THEN it is a wrong code for everyone: not the factor's challenge with
            // Cognito's parameters (the masked address), which only a user with the factor gets
            answer.assert_problem(400, "CODE_MISMATCH");
            assert!(!answer.body.to_string().contains("CODE_DELIVERY"), "{username} {challenge}: {answer:?}");
        }
    }
    // (The local Cognito takes the challenge's name as SELECT_CHALLENGE's answer and
    // sends the user a code, as a start with that factor would: nothing a stranger could
    // not cause anyway.)
}

#[tokio::test]
async fn a_select_challenge_session_answered_as_a_passkey_tells_no_factor_and_no_credential() {
    // GIVEN a user without passkeys and strangers (some of whose decoys "have" a passkey)
    let (_, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let mut strangers = Vec::new();
    for _ in 0..8 {
        strangers.push(stranger());
    }
    let mut answers = Vec::new();
    for username in std::iter::once(&user).chain(&strangers) {
        // WHEN each answers SELECT_CHALLENGE's session at the passkey route
        let session = session_of(&start(&api, username, None).await);
        let body = json!({"username": username, "session": session, "credential": forged_assertion()});
        answers.push(api.post("/auth/passwordless/passkey", body, None).await);
    }
    // THEN every answer is the one refusal: never a WEB_AUTHN challenge listing credentials
    for answer in &answers {
        answer.assert_problem(400, "PASSKEY_REFUSED");
        assert_eq!(seen(answer), seen(&answers[0]));
    }
}

#[tokio::test]
async fn a_passwordless_code_session_at_the_mfa_route_tells_nothing_and_locks_no_sign_in_code() {
    // GIVEN a user, signed in (by an emailed code), and a stranger; each gets passwordless
    // EMAIL_OTP challenges (anyone who knows a username can start one)
    let (_, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let session = session_of(&start(&api, &user, Some("email")).await);
    let signed_in = answer_code(&api, &user, &session, "EMAIL_OTP", &sign_in_code(&user).await).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let access = signed_in.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let nobody = stranger();
    // WHEN a stranger answers those sessions with wrong codes at /auth/mfa (EMAIL_OTP is
    // also the MFA challenge's name), past the limit
    let mut answers: Vec<(Answer, Answer)> = Vec::new();
    for _ in 0..MAX_FAILURES.div_ceil(4) + 1 {
        let user_session = session_of(&start(&api, &user, Some("email")).await);
        let nobody_session = session_of(&start(&api, &nobody, Some("email")).await);
        for _ in 0..4 {
            let code = sign_in_code(&user).await;
            let a = answer_mfa(&api, &user, &user_session, wrong_code(&code)).await;
            let b = answer_mfa(&api, &nobody, &nobody_session, wrong_code(&code)).await;
            answers.push((a, b));
        }
    }
    // THEN the user's answers and the stranger's are alike, every one (no 404 "the user
    // does not exist" for the stranger, no 429 for the user)
    for (a, b) in &answers {
        a.assert_problem(400, "CODE_MISMATCH");
        assert_eq!(seen(a), seen(b));
    }
    // AND the codes only a token holder answers (the step-up's emailed code, counted with
    // MFA codes) are not locked by it
    let sent = api.post("/auth/me/reauthentication", json!({}), Some(&access)).await;
    assert_eq!(sent.status, 202, "{sent:?}");
    let step_up_code = outbox().await.into_iter().rev().find(|m| m["username"] == user.as_str()).unwrap();
    let proof = json!({"reauthentication": {"emailCode": step_up_code["code"]}});
    let options = api.post("/auth/me/passkeys/options", proof, Some(&access)).await;
    assert_eq!(options.status, 200, "the user's step-up was locked by a stranger: {options:?}");
    // BUT the passwordless codes are, like reset codes, for the window: the lock a
    // stranger can cause (docs/passwordless.md), answered as a wrong code
    let session = session_of(&start(&api, &user, Some("email")).await);
    let right = answer_code(&api, &user, &session, "EMAIL_OTP", &sign_in_code(&user).await).await;
    right.assert_problem(400, "CODE_MISMATCH");
}

#[tokio::test]
async fn a_code_answers_its_own_sign_in_only() {
    // GIVEN two sign-ins of one user under way (two sessions, two codes)
    let (_, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let first = session_of(&start(&api, &user, Some("email")).await);
    let first_code = sign_in_code(&user).await;
    let second = session_of(&start(&api, &user, Some("email")).await);
    let second_code = sign_in_code(&user).await;
    // WHEN the first sign-in's code answers the second's session THEN it is a wrong code
    if first_code != second_code {
        answer_code(&api, &user, &second, "EMAIL_OTP", &first_code).await.assert_problem(400, "CODE_MISMATCH");
    }
    // AND the right code at the other challenge's name (SMS_OTP for an emailed code) is
    // a wrong code too, and does not sign in
    answer_code(&api, &user, &first, "SMS_OTP", &first_code).await.assert_problem(400, "CODE_MISMATCH");
    // AND each session still takes its own code
    assert_eq!(answer_code(&api, &user, &second, "EMAIL_OTP", &second_code).await.status, 200);
    assert_eq!(answer_code(&api, &user, &first, "EMAIL_OTP", &first_code).await.status, 200);
}

#[tokio::test]
async fn a_disabled_user_gets_no_code_from_the_api_and_no_tokens() {
    // GIVEN a passwordless user whom an administrator disabled
    let (pool, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&user).send().await.unwrap();
    // WHEN someone starts an email sign-in and answers whatever code went out
    let session = session_of(&start(&api, &user, Some("email")).await);
    let code = outbox().await.into_iter().rev().find(|m| m["username"] == user.as_str() && m["kind"] == "otp");
    let code = code.map_or("123456".to_owned(), |m| m["code"].as_str().unwrap().to_owned());
    // THEN it is a wrong code, at either route
    answer_code(&api, &user, &session, "EMAIL_OTP", &code).await.assert_problem(400, "CODE_MISMATCH");
    let session = session_of(&start(&api, &user, Some("email")).await);
    let code = outbox().await.into_iter().rev().find(|m| m["username"] == user.as_str() && m["kind"] == "otp");
    let code = code.map_or("123456".to_owned(), |m| m["code"].as_str().unwrap().to_owned());
    let at_mfa = answer_mfa(&api, &user, &session, &code).await;
    assert_ne!(at_mfa.status, 200, "{at_mfa:?}");
}

#[tokio::test]
async fn a_user_who_must_change_the_password_gets_the_new_password_challenge_after_the_code() {
    // GIVEN a user an administrator created (temporary password; email verified)
    let (pool, api) = passwordless_api().await;
    let user = user_with_temporary_password(&pool, Some("fcp@example.com")).await;
    verify_email(&pool, &user).await;
    // WHEN they sign in by an emailed code
    let session = session_of(&start(&api, &user, Some("email")).await);
    let code = sign_in_code(&user).await;
    let answer = answer_code(&api, &user, &session, "EMAIL_OTP", &code).await;
    // THEN no tokens: the new password comes first, as after a password sign-in
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["challenge"]["name"], "NEW_PASSWORD_REQUIRED", "{answer:?}");
    assert!(answer.body.get("tokens").is_none());
}

#[tokio::test]
async fn a_user_whose_password_must_be_reset_gets_no_tokens_by_code() {
    // GIVEN a user an administrator marked for a password reset
    let (pool, api) = passwordless_api().await;
    let user = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &user).await;
    sdk().admin_reset_user_password().user_pool_id(&pool.user_pool_id).username(&user).send().await.unwrap();
    // WHEN someone signs in by whatever emailed code went out
    let session = session_of(&start(&api, &user, Some("email")).await);
    let code = outbox().await.into_iter().rev().find(|m| m["username"] == user.as_str() && m["kind"] == "otp");
    let code = code.map_or("123456".to_owned(), |m| m["code"].as_str().unwrap().to_owned());
    let answer = answer_code(&api, &user, &session, "EMAIL_OTP", &code).await;
    // THEN no tokens
    assert_ne!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn cookie_mode_from_another_origin_is_refused_on_the_passwordless_routes() {
    // GIVEN a page of an origin the API does not allow
    let (_, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let session = session_of(&start(&api, &user, Some("email")).await);
    let code = sign_in_code(&user).await;
    // WHEN it answers the code in cookie mode (a login CSRF: the victim's browser
    // signed in to the attacker's account)
    let response = reqwest::Client::new()
        .post(format!("{}/auth/passwordless/code", api.base))
        .header("x-auth-mode", "cookie")
        .header("origin", "https://evil.example")
        .json(&json!({"username": user, "session": session, "challenge": "EMAIL_OTP", "code": code}))
        .send()
        .await
        .unwrap();
    // THEN it is refused before Cognito sees the code, and no cookie is set
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "ORIGIN_NOT_ALLOWED", "{body}");
    // AND the code still signs in from the app (it was not spent)
    let done = answer_code(&api, &user, &session, "EMAIL_OTP", &code).await;
    assert_eq!(done.status, 200, "{done:?}");
}

/// The process's one subscriber, at debug: everything the API, the SDK and the local
/// Cognito log.
fn logs() -> &'static CapturedLogs {
    captured_logs("debug")
}

#[tokio::test]
async fn at_debug_no_code_session_token_or_credential_reaches_the_log() {
    logs();
    // GIVEN a passwordless flow with every route: start, pick, a wrong code, the right one,
    // a passkey answer, and passkey options with a step-up
    let (_, api) = passwordless_api().await;
    let user = signed_up_without_password(&api).await;
    let mut secrets: Vec<String> = Vec::new();
    let started = start(&api, &user, None).await;
    secrets.push(session_of(&started));
    let body = json!({"username": user, "session": session_of(&started), "factor": "email"});
    let picked = api.post("/auth/passwordless/factor", body, None).await;
    let session = session_of(&picked);
    secrets.push(session.clone());
    let code = sign_in_code(&user).await;
    secrets.push(code.clone());
    answer_code(&api, &user, &session, "EMAIL_OTP", wrong_code(&code)).await;
    let done = answer_code(&api, &user, &session, "EMAIL_OTP", &code).await;
    assert_eq!(done.status, 200, "{done:?}");
    let access = done.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    secrets.push(access.clone());
    secrets.push(done.body["tokens"]["refreshToken"].as_str().unwrap().to_owned());
    let passkey = session_of(&start(&api, &user, Some("passkey")).await);
    secrets.push(passkey.clone());
    let credential = forged_assertion();
    let body = json!({"username": user, "session": passkey, "credential": credential});
    api.post("/auth/passwordless/passkey", body, None).await.assert_problem(400, "PASSKEY_REFUSED");
    assert_eq!(api.post("/auth/me/reauthentication", json!({}), Some(&access)).await.status, 202);
    let step_up = outbox().await.into_iter().rev().find(|m| m["username"] == user.as_str()).unwrap();
    let step_up = step_up["code"].as_str().unwrap().to_owned();
    secrets.push(step_up.clone());
    let options =
        api.post("/auth/me/passkeys/options", json!({"reauthentication": {"emailCode": step_up}}), Some(&access)).await;
    assert_eq!(options.status, 200, "{options:?}");
    let challenge = options.body["credentialCreationOptions"]["challenge"].as_str().unwrap().to_owned();
    secrets.push(challenge);
    // THEN no log line holds any of them, nor the credential's signature
    let text = logs().text();
    assert!(text.lines().count() > 10, "the flow was logged at debug: {text}");
    for line in text.lines() {
        for secret in &secrets {
            // Short codes could match a timestamp: only where they stand alone.
            let leaked = if secret.len() <= 8 {
                line.contains(&format!("\"{secret}\"")) || line.contains(&format!("={secret}"))
            } else {
                line.contains(secret.as_str())
            };
            assert!(!leaked, "a secret reached the log: {line}");
        }
        assert!(!line.contains("clientDataJSON"), "a credential reached the log: {line}");
    }
}

// Passkeys, through the API, with 1Password's passkey-rs as the authenticator and browser.

use integration_tests::passkey_device::{device, Device, APP as PAGE};
use passkey_types::webauthn;

fn page() -> url::Url {
    url::Url::parse(PAGE).unwrap()
}

async fn delete(api: &TestApi, path: &str, body: Value, token: &str) -> Answer {
    api.send("DELETE", path, Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

fn password_proof() -> Value {
    json!({"reauthentication": {"currentPassword": PASSWORD}})
}

/// A user with a password and one passkey on `device`, added through the API; their
/// access token and the passkey's id.
async fn user_with_passkey(pool: &Pool, api: &TestApi, device: &mut Device) -> (String, String, String) {
    let username = confirmed_user(pool, &[]).await;
    let access = api.access_token(&username, PASSWORD).await;
    let options = api.post("/auth/me/passkeys/options", password_proof(), Some(&access)).await;
    assert_eq!(options.status, 200, "{options:?}");
    let request: webauthn::CredentialCreationOptions =
        serde_json::from_value(json!({"publicKey": options.body["credentialCreationOptions"]})).unwrap();
    let created = device.register(&page(), request, None).await.expect("the authenticator makes a passkey");
    let added = api.post("/auth/me/passkeys", json!({"credential": created}), Some(&access)).await;
    assert_eq!(added.status, 201, "{added:?}");
    let id = added.body["credentialId"].as_str().unwrap().to_owned();
    (username, access, id)
}

/// The API's WEB_AUTHN challenge for `username`: its session and request options.
async fn passkey_challenge(api: &TestApi, username: &str) -> (String, Value) {
    let started = start(api, username, Some("passkey")).await;
    assert_eq!(started.body["challenge"]["name"], "WEB_AUTHN", "{started:?}");
    (session_of(&started), started.body["challenge"]["parameters"]["credentialRequestOptions"].clone())
}

/// The browser's AuthenticationResponseJSON for `options`, signed by the device's passkey
/// `id` (the options name none: the platform finds its discoverable passkey, which
/// passkey-rs's memory store cannot, so it is named here).
async fn assertion(device: &mut Device, mut options: Value, id: &str) -> Value {
    options["allowCredentials"] = json!([{"type": "public-key", "id": id}]);
    let request: webauthn::CredentialRequestOptions = serde_json::from_value(json!({"publicKey": options})).unwrap();
    let signed = device.authenticate(&page(), request, None).await.expect("the authenticator signs");
    serde_json::to_value(signed).unwrap()
}

async fn answer_passkey(api: &TestApi, username: &str, session: &str, credential: &Value) -> Answer {
    let body = json!({"username": username, "session": session, "credential": credential});
    api.post("/auth/passwordless/passkey", body, None).await
}

#[tokio::test]
async fn a_passkey_signs_in_its_own_user_only() {
    // GIVEN two users, each with a passkey on a device of their own
    let (pool, api) = passwordless_api().await;
    let (mut ana_device, mut bob_device) = (device(), device());
    let (ana, _, ana_id) = user_with_passkey(&pool, &api, &mut ana_device).await;
    let (bob, _, bob_id) = user_with_passkey(&pool, &api, &mut bob_device).await;
    // (the API's options name no credential: the passkey is discoverable)
    let (session, options) = passkey_challenge(&api, &bob).await;
    assert!(options.get("allowCredentials").is_none(), "{options}");
    // WHEN Ana's passkey answers Bob's challenge THEN it is refused
    let anas = assertion(&mut ana_device, options.clone(), &ana_id).await;
    answer_passkey(&api, &bob, &session, &anas).await.assert_problem(400, "PASSKEY_REFUSED");
    // AND Ana's assertion over her own challenge, sent with Bob's name, is refused too
    let (ana_session, ana_options) = passkey_challenge(&api, &ana).await;
    let anas = assertion(&mut ana_device, ana_options, &ana_id).await;
    answer_passkey(&api, &bob, &ana_session, &anas).await.assert_problem(400, "PASSKEY_REFUSED");
    // AND Bob's own passkey signs Bob in, as Bob
    let (session, options) = passkey_challenge(&api, &bob).await;
    let bobs = assertion(&mut bob_device, options, &bob_id).await;
    let done = answer_passkey(&api, &bob, &session, &bobs).await;
    assert_eq!(done.status, 200, "{done:?}");
    let me = api.get("/auth/me", done.body["tokens"]["accessToken"].as_str()).await;
    assert_eq!(me.body["username"], bob.as_str(), "{me:?}");
    // AND the same assertion, replayed in a fresh session, is refused
    let (session, _) = passkey_challenge(&api, &bob).await;
    answer_passkey(&api, &bob, &session, &bobs).await.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn a_disabled_or_reset_required_user_does_not_sign_in_with_a_passkey() {
    // GIVEN users with passkeys; an administrator disables one and marks the other's
    // password for reset
    let (pool, api) = passwordless_api().await;
    let (mut disabled_device, mut reset_device) = (device(), device());
    let (disabled, _, disabled_id) = user_with_passkey(&pool, &api, &mut disabled_device).await;
    let (reset, _, reset_id) = user_with_passkey(&pool, &api, &mut reset_device).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&disabled).send().await.unwrap();
    verify_email(&pool, &reset).await;
    sdk().admin_reset_user_password().user_pool_id(&pool.user_pool_id).username(&reset).send().await.unwrap();
    for (username, device, id) in
        [(&disabled, &mut disabled_device, &disabled_id), (&reset, &mut reset_device, &reset_id)]
    {
        // WHEN their passkey answers the challenge THEN no tokens: the one refusal
        let (session, options) = passkey_challenge(&api, username).await;
        let signed = assertion(device, options, id).await;
        let answer = answer_passkey(&api, username, &session, &signed).await;
        answer.assert_problem(400, "PASSKEY_REFUSED");
    }
}

#[tokio::test]
async fn a_stolen_access_token_adds_no_passkey_and_deletes_none() {
    // GIVEN a thief with a user's access token (not the password), and another user's passkey id
    let (pool, api) = passwordless_api().await;
    let mut owner_device = device();
    let (_, _, others_id) = user_with_passkey(&pool, &api, &mut owner_device).await;
    let (victim, token, victims_id) = user_with_passkey(&pool, &api, &mut device()).await;
    // WHEN the thief asks for registration options without a proof, or with a guessed one
    // THEN refused
    let none = api.post("/auth/me/passkeys/options", json!({}), Some(&token)).await;
    none.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    let guessed = json!({"reauthentication": {"currentPassword": "Wr0ng-Passw0rd!"}});
    let refused = api.post("/auth/me/passkeys/options", guessed, Some(&token)).await;
    assert_eq!(refused.status, 403, "{refused:?}");
    // AND completing a registration the thief never got options for is refused (the
    // thief's authenticator answering options it made up)
    let made_up = json!({"rp": {"id": "localhost", "name": "localhost"},
        "user": {"id": "dXNlcg", "name": victim, "displayName": victim},
        "challenge": "Y2hhbGxlbmdlY2hhbGxlbmdlY2hhbGxlbmdlMTIzNDU", "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "authenticatorSelection": {"residentKey": "required", "userVerification": "preferred"}});
    let request: webauthn::CredentialCreationOptions = serde_json::from_value(json!({"publicKey": made_up})).unwrap();
    let created = serde_json::to_value(device().register(&page(), request, None).await.unwrap()).unwrap();
    let added = api.post("/auth/me/passkeys", json!({"credential": created}), Some(&token)).await;
    added.assert_problem(400, "PASSKEY_REFUSED");
    // AND deleting the user's passkey needs the proof
    delete(&api, &format!("/auth/me/passkeys/{victims_id}"), json!({}), &token)
        .await
        .assert_problem(403, "REAUTHENTICATION_REQUIRED");
    // AND with the proof, another user's passkey id is not found, and stays
    let other = delete(&api, &format!("/auth/me/passkeys/{others_id}"), password_proof(), &token).await;
    other.assert_problem(404, "NOT_FOUND");
    let listed = api.get("/auth/me/passkeys", Some(&token)).await;
    let ids: Vec<&str> =
        listed.body["passkeys"].as_array().unwrap().iter().map(|p| p["credentialId"].as_str().unwrap()).collect();
    assert_eq!(ids, [victims_id.as_str()], "{listed:?}");
}

#[tokio::test]
async fn a_registration_answers_its_own_users_options_only() {
    // GIVEN Ana's registration options (she passed the step-up), and Bob signed in
    let (pool, api) = passwordless_api().await;
    let ana = confirmed_user(&pool, &[]).await;
    let ana_token = api.access_token(&ana, PASSWORD).await;
    let bob = confirmed_user(&pool, &[]).await;
    let bob_token = api.access_token(&bob, PASSWORD).await;
    let options = api.post("/auth/me/passkeys/options", password_proof(), Some(&ana_token)).await;
    assert_eq!(options.status, 200, "{options:?}");
    let request: webauthn::CredentialCreationOptions =
        serde_json::from_value(json!({"publicKey": options.body["credentialCreationOptions"]})).unwrap();
    let mut thief = device();
    let created = serde_json::to_value(thief.register(&page(), request, None).await.unwrap()).unwrap();
    // WHEN Bob completes with a passkey made for Ana's options THEN it is refused
    let added = api.post("/auth/me/passkeys", json!({"credential": created}), Some(&bob_token)).await;
    added.assert_problem(400, "PASSKEY_REFUSED");
    let listed = api.get("/auth/me/passkeys", Some(&bob_token)).await;
    assert_eq!(listed.body["passkeys"], json!([]), "{listed:?}");
    // AND when Bob has options of his own, Ana's passkey still does not answer them
    let _ = api.post("/auth/me/passkeys/options", password_proof(), Some(&bob_token)).await;
    let added = api.post("/auth/me/passkeys", json!({"credential": created}), Some(&bob_token)).await;
    added.assert_problem(400, "PASSKEY_REFUSED");
}

#[tokio::test]
async fn a_stranger_who_signs_up_someones_email_without_a_password_cannot_sign_in_with_it() {
    // GIVEN a stranger who signed up with someone else's email and no password (the
    // confirmation code went to that address, which the stranger cannot read)
    let (_, api) = passwordless_api().await;
    let username = stranger();
    let email = format!("victim-{}@example.com", uuid::Uuid::new_v4());
    let signed_up = api.post("/auth/signup", json!({"username": username, "email": email}), None).await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    // WHEN the stranger signs in by an emailed code
    let session = session_of(&start(&api, &username, Some("email")).await);
    // THEN no sign-in code went out (the address is not verified), and any code is wrong
    assert!(outbox().await.iter().all(|m| !(m["username"] == username.as_str() && m["kind"] == "otp")));
    answer_code(&api, &username, &session, "EMAIL_OTP", "123456").await.assert_problem(400, "CODE_MISMATCH");
    // AND by the address itself, no one's sign-in starts that could end in tokens
    let session = session_of(&start(&api, &email, Some("email")).await);
    answer_code(&api, &email, &session, "EMAIL_OTP", "123456").await.assert_problem(400, "CODE_MISMATCH");
}

#[tokio::test]
async fn where_the_pool_requires_mfa_a_sign_up_without_a_password_is_refused() {
    // GIVEN a deployment with passwordless factors whose pool requires MFA (a user
    // without a password could then never sign in: Cognito offers no passwordless
    // factor to a user who owes MFA, and there is no password to pass first)
    let mut options = PoolOptions::mfa_required();
    options.passwordless = true;
    options.allow_sign_up = true;
    let pool = create_pool(options).await;
    let api = TestApi::start(&pool).await;
    // WHEN someone signs up without a password
    let username = stranger();
    let email = format!("{username}@example.com");
    let answer = api.post("/auth/signup", json!({"username": username, "email": email}), None).await;
    // THEN it is refused, naming the password
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "password", "{answer:?}");
}

/// A custom message function that fails for users whose email starts with `broken`.
async fn failing_custom_message(
    axum::Json(mut event): axum::Json<Value>,
) -> (axum::http::StatusCode, axum::Json<Value>) {
    let email = event["request"]["userAttributes"]["email"].as_str().unwrap_or_default().to_owned();
    if email.starts_with("broken") {
        let failure = json!({"errorType": "Error", "errorMessage": "Template missing"});
        return (axum::http::StatusCode::BAD_REQUEST, axum::Json(failure));
    }
    let code = event["request"]["codeParameter"].clone();
    event["response"] = json!({"emailMessage": format!("Your code is {}", code.as_str().unwrap_or_default())});
    (axum::http::StatusCode::OK, axum::Json(event))
}

/// An answer as a stranger could compare it: the username typed and the session's value
/// left out, the session's length and alphabet kept.
fn comparable(answer: &Answer, username: &str) -> (u16, Value) {
    let mut body = answer.body.clone();
    if let Some(challenge) = body.get_mut("challenge").and_then(Value::as_object_mut) {
        let session = challenge["session"].as_str().unwrap_or_default().to_owned();
        let alphabet = if session.contains(['+', '/', '=']) { "base64" } else { "base64url" };
        challenge.insert("session".into(), json!(format!("{} characters of {alphabet}", session.len())));
        assert_eq!(challenge["username"], username);
        challenge.insert("username".into(), json!("<username>"));
    }
    (answer.status, body)
}

#[tokio::test]
async fn a_failing_custom_message_trigger_is_answered_as_anyones_code_challenge() {
    // GIVEN a deployment whose custom message trigger fails for some users' codes
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/custom-message", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/custom-message", axum::routing::post(failing_custom_message));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut options = PoolOptions::passwordless();
    options.pool = Some(json!({"LambdaConfig": {"CustomMessage": url}}));
    let pool = create_pool(options).await;
    let api = TestApi::start(&pool).await;
    let user = confirmed_user(&pool, &[]).await;
    let email = format!("broken-{}@example.com", uuid::Uuid::new_v4());
    sdk()
        .admin_update_user_attributes()
        .user_pool_id(&pool.user_pool_id)
        .username(&user)
        .user_attributes(attribute("email", &email))
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let nobody = stranger();
    // WHEN the user (whose code the trigger fails to write) and a stranger start an
    // emailed-code sign-in, with the factor and by picking it
    for username in [&user, &nobody] {
        let direct = start(&api, username, Some("email")).await;
        let select = start(&api, username, None).await;
        let body = json!({"username": username, "session": session_of(&select), "factor": "email"});
        let picked = api.post("/auth/passwordless/factor", body, None).await;
        // THEN each answer is the EMAIL_OTP challenge anyone gets, its session of one shape
        for answer in [&direct, &picked] {
            assert_eq!(answer.body["challenge"]["name"], "EMAIL_OTP", "{answer:?}");
        }
        let theirs = (comparable(&direct, username), comparable(&picked, username));
        let strangers = start(&api, &stranger(), Some("email")).await;
        let reference = comparable(&strangers, strangers.body["challenge"]["username"].as_str().unwrap());
        assert_eq!(theirs.0, reference, "{username}");
        assert_eq!(theirs.1, reference, "{username}");
    }
}
