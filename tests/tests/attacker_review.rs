//! An attacker's review of issue 14's defences. Each test performs one attack,
//! through the API or straight at the local Cognito with the SDK where an
//! attacker would go around the API, and asserts the safe outcome; the last one
//! is a canary for the hole still open (docs/security.md).

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, SoftwareTokenMfaSettingsType};
use integration_tests::flows::{enable_totp, password_proof, sign_in_with_totp, totp_user_with_token};
use integration_tests::*;
use serde_json::{json, Value};

async fn put(api: &TestApi, path: &str, body: Value, token: &str) -> Answer {
    api.send("PUT", path, Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Step-up proofs
// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_email_code_replayed_on_a_second_change_is_refused() {
    // GIVEN a TOTP user with a verified email, and a token stolen after they used an emailed code once
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let secret = enable_totp(&api, &api.access_token(&username, PASSWORD).await).await;
    let token = sign_in_with_totp(&api, &username, PASSWORD, &secret).await["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(api.post("/auth/me/reauthentication", json!({}), Some(&token)).await.status, 202);
    let code = outbox_code(&username, "attribute_verification").await;
    // the user spends it on a change that ends no session (turning SMS on needs no proof, so use the email route)
    let first = api
        .post(
            "/auth/me/email",
            json!({"email": "new@example.net", "reauthentication": {"emailCode": code}}),
            Some(&token),
        )
        .await;
    assert_eq!(first.status, 202, "{first:?}");
    // WHEN the attacker (signed in again with a fresh token) replays the same code
    let token = sign_in_with_totp(&api, &username, PASSWORD, &secret).await["accessToken"].as_str().unwrap().to_owned();
    let replay =
        put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": {"emailCode": code}}), &token).await;
    // THEN 403, and TOTP stays on
    replay.assert_problem(403, "REAUTHENTICATION_REQUIRED");
}

#[tokio::test]
async fn an_email_proof_needs_the_users_own_code_not_another_users() {
    // GIVEN two users with verified emails; the attacker is the second, holding the first's token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (victim, secret, stolen) = totp_user_with_token(&pool, &api).await;
    verify_email(&pool, &victim).await;
    let attacker = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &attacker).await;
    let own = api.access_token(&attacker, PASSWORD).await;
    // WHEN the attacker asks a code for their own account and uses it with the victim's token
    assert_eq!(api.post("/auth/me/reauthentication", json!({}), Some(&own)).await.status, 202);
    let code = outbox_code(&attacker, "attribute_verification").await;
    let answer =
        put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": {"emailCode": code}}), &stolen).await;
    // THEN 403, and the victim's TOTP stays on
    answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    sign_in_with_totp(&api, &victim, PASSWORD, &secret).await;
}

#[tokio::test]
async fn a_password_proof_is_the_token_owners_password_not_the_attackers() {
    // GIVEN a TOTP user, and an attacker with their own account (same PASSWORD would be a coincidence:
    // give the attacker another one) holding the victim's token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (victim, secret, stolen) = totp_user_with_token(&pool, &api).await;
    let attacker = confirmed_user(&pool, &[]).await;
    sdk()
        .admin_set_user_password()
        .user_pool_id(&pool.user_pool_id)
        .username(&attacker)
        .password("Attackers-Passw0rd")
        .permanent(true)
        .send()
        .await
        .unwrap();
    // WHEN the attacker proves their own password with the victim's token (and an extra username field)
    let body = json!({"totp": false, "reauthentication": {"currentPassword": "Attackers-Passw0rd"}});
    put(&api, "/auth/me/mfa", body, &stolen).await.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    let body =
        json!({"totp": false, "username": attacker, "reauthentication": {"currentPassword": "Attackers-Passw0rd"}});
    let answer = put(&api, "/auth/me/mfa", body, &stolen).await;
    // THEN refused, and TOTP stays on
    assert!(matches!(answer.status, 400 | 403), "{answer:?}");
    sign_in_with_totp(&api, &victim, PASSWORD, &secret).await;
}

#[tokio::test]
async fn partial_mfa_bodies_that_weaken_mfa_need_a_proof() {
    // GIVEN a TOTP user and a stolen token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_with_token(&pool, &api).await;
    with_phone_number(&pool, &username).await;
    // WHEN the attacker sends bodies that turn something off or move the preference with no proof
    for body in [
        json!({"totp": false, "sms": true}),
        json!({"sms": true, "preferred": "sms"}),
        json!({"preferred": null}),
        json!({"totp": null}),
        json!({"sms": false}),
    ] {
        let answer = put(&api, "/auth/me/mfa", body.clone(), &stolen).await;
        // THEN each is refused (403 without a proof, or 400 for a malformed body)
        assert!(matches!(answer.status, 400 | 403), "{body} was accepted: {answer:?}");
    }
    // AND TOTP is still the preferred factor
    let token = sign_in_with_totp(&api, &username, PASSWORD, &secret).await["accessToken"].as_str().unwrap().to_owned();
    let settings = api.get("/auth/me/mfa", Some(&token)).await.body;
    assert_eq!((&settings["factors"]["totp"], &settings["preferred"]), (&json!(true), &json!("totp")), "{settings}");
}

// ---------------------------------------------------------------------------
// The per-user MFA code limit: no lockout without the password
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_attackers_own_session_counts_no_wrong_codes_against_a_victim() {
    // GIVEN a victim and an attacker, both with TOTP
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (victim, victim_secret, _) = totp_user_with_token(&pool, &api).await;
    let (attacker, _, _) = totp_user_with_token(&pool, &api).await;
    // WHEN the attacker answers wrong codes in their own sessions naming the victim (and the victim's
    // alias forms: upper case)
    for _ in 0..3 {
        let login = api.post("/auth/login", json!({"username": attacker, "password": PASSWORD}), None).await;
        let session = login.body["challenge"]["session"].as_str().unwrap().to_owned();
        for name in [victim.clone(), victim.to_uppercase(), victim.clone(), victim.to_uppercase()] {
            let body =
                json!({"username": name, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": "000000"});
            let answer = api.post("/auth/mfa", body, None).await;
            assert_ne!(answer.status, 429, "{answer:?}");
            assert_ne!(answer.problem_code(), "CODE_MISMATCH", "counted for the victim: {answer:?}");
        }
    }
    // THEN the victim is not locked: their right code signs them in
    sign_in_with_totp(&api, &victim, PASSWORD, &victim_secret).await;
    // AND nothing was written on the victim
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&victim).send().await.unwrap();
    assert!(user.user_attributes().iter().all(|a| a.name() != auth_api::code_limit::ATTRIBUTE), "{user:?}");
}

#[tokio::test]
async fn a_failed_codes_count_is_not_readable_or_writable_with_the_users_token() {
    // GIVEN a user and their access token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    // WHEN they (or an attacker with the token) reset or raise the count with Cognito's public API
    for name in ["dev:custom:failed_codes", "custom:failed_codes"] {
        let result =
            sdk().update_user_attributes().access_token(&token).user_attributes(attribute(name, "0:0")).send().await;
        // THEN Cognito refuses
        assert!(result.is_err(), "{name} was writable with the token");
    }
    // AND GetUser does not show it
    let me = sdk().get_user().access_token(&token).send().await.unwrap();
    assert!(me.user_attributes().iter().all(|a| !a.name().contains("failed_codes")));
}

// ---------------------------------------------------------------------------
// The sign-up client never issues tokens
// ---------------------------------------------------------------------------

#[tokio::test]
async fn the_sign_up_client_issues_no_tokens_from_a_main_clients_refresh_token() {
    // GIVEN a user's refresh token from the main client
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let refresh = login.body["tokens"]["refreshToken"].as_str().unwrap().to_owned();
    // WHEN it is refreshed through the sign-up client (with its secret, as someone who has it would)
    let mut call = sdk()
        .initiate_auth()
        .client_id(&pool.sign_up_client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", &refresh);
    if let Some(hash) = sign_up_secret_hash(&pool, &username) {
        call = call.auth_parameters("SECRET_HASH", hash);
    }
    let result = call.send().await;
    // THEN refused
    assert!(result.is_err(), "the sign-up client refreshed a main client's token: {result:?}");
    // AND no password flow works on it either
    for flow in [AuthFlowType::UserPasswordAuth, AuthFlowType::UserSrpAuth] {
        let mut call = sdk()
            .initiate_auth()
            .client_id(&pool.sign_up_client_id)
            .auth_flow(flow)
            .auth_parameters("USERNAME", &username)
            .auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("SRP_A", "abcdef");
        if let Some(hash) = sign_up_secret_hash(&pool, &username) {
            call = call.auth_parameters("SECRET_HASH", hash);
        }
        let error = call.send().await.expect_err("no flow on the sign-up client");
        assert_eq!(error.code(), Some("InvalidParameterException"), "{error:?}");
    }
}

// ---------------------------------------------------------------------------
// One address, one account through the email change
// ---------------------------------------------------------------------------

#[tokio::test]
async fn an_email_change_cannot_take_an_address_another_account_holds() {
    // GIVEN a user who holds a verified address, and a second account (the attacker's own, password known)
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let holder = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &holder).await;
    let held = format!("{holder}@example.com");
    let second = confirmed_user(&pool, &[]).await;
    // WHEN the second account moves its email to the held address, with a proof, and to a free one
    let change = |email: String| {
        let (api, second) = (&api, &second);
        async move {
            let token = api.access_token(second, PASSWORD).await;
            api.post("/auth/me/email", json!({"email": email, "reauthentication": password_proof()}), Some(&token))
                .await
        }
    };
    let to_held = change(held.clone()).await;
    let to_free = change(format!("{}@example.com", uuid::Uuid::new_v4())).await;
    // THEN both are answered alike (no answer tells that the address is held)
    assert_eq!(to_held.status, 202, "{to_held:?}");
    assert_eq!((to_held.status, &to_held.body), (to_free.status, &to_free.body));
    // AND only one account holds the held address
    let found =
        sdk().list_users().user_pool_id(&pool.user_pool_id).filter(format!("email = \"{held}\"")).send().await.unwrap();
    assert_eq!(found.users().len(), 1, "two accounts hold {held}: {:?}", found.users());
}

// ---------------------------------------------------------------------------
// An enumerating stranger
// ---------------------------------------------------------------------------

#[tokio::test]
async fn sign_up_then_login_tells_no_one_which_usernames_are_taken() {
    // GIVEN a pool with self sign-up and a real user
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    let real = confirmed_user(&pool, &[]).await;
    let unknown = format!("user-{}", uuid::Uuid::new_v4());
    // WHEN a stranger signs up each username with their own address and password, then logs in
    let mut seen = Vec::new();
    for username in [&real, &unknown] {
        let body = json!({"username": username, "email": format!("{}@evil.example", uuid::Uuid::new_v4()), "password": "Strangers-Passw0rd"});
        let signed_up = api.post("/auth/signup", body, None).await;
        assert_eq!(signed_up.status, 201, "{signed_up:?}");
        let login =
            api.post("/auth/login", json!({"username": username, "password": "Strangers-Passw0rd"}), None).await;
        seen.push((login.status, login.body["code"].clone()));
    }
    // THEN the answers are the same
    assert_eq!(seen[0], seen[1], "a taken username answers otherwise than a free one");
}

#[tokio::test]
async fn forgot_and_resend_answer_a_real_user_as_an_unknown_one() {
    // GIVEN a pool with sign-up, a confirmed user with a verified email, an unconfirmed one, and an unknown name
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    let confirmed = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &confirmed).await;
    let no_verified_email = confirmed_user(&pool, &[]).await;
    let unconfirmed = format!("user-{}", uuid::Uuid::new_v4());
    let body = json!({"username": unconfirmed, "email": format!("{unconfirmed}@example.com"), "password": PASSWORD});
    assert_eq!(api.post("/auth/signup", body, None).await.status, 201);
    let unknown = format!("user-{}", uuid::Uuid::new_v4());
    // WHEN a stranger asks for a reset code and a sign-up code for each
    for path in ["/auth/password/forgot", "/auth/signup/resend"] {
        let mut answers = Vec::new();
        for username in [&confirmed, &no_verified_email, &unconfirmed, &unknown] {
            let answer = api.post(path, json!({"username": username}), None).await;
            let mut body = answer.body.clone();
            if let Some(fields) = body.as_object_mut() {
                fields.remove("requestId");
            }
            let mut headers: Vec<_> = answer
                .headers
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "x-request-id" | "date"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            headers.sort();
            answers.push((answer.status, headers, body));
        }
        // THEN every answer is the same
        for other in &answers[1..] {
            assert_eq!(&answers[0], other, "{path} tells users apart");
        }
    }
}

// ---------------------------------------------------------------------------
// Recovery ends every session: rotation, another spelling of the username
// ---------------------------------------------------------------------------

#[tokio::test]
async fn with_rotation_a_reset_ends_the_rotated_refresh_tokens_and_their_access_tokens() {
    // GIVEN refresh token rotation (with a grace period), and an attacker who refreshed a stolen
    // refresh token: an old one (still in its grace period) and the new one
    let pool = create_pool(PoolOptions {
        client: Some(json!({"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 60}})),
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let old_refresh = login.body["tokens"]["refreshToken"].as_str().unwrap().to_owned();
    let refreshed = api.post("/auth/refresh", json!({"refreshToken": old_refresh}), None).await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let new_refresh = refreshed.body["tokens"]["refreshToken"].as_str().expect("rotated").to_owned();
    let new_access = refreshed.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    // WHEN the user resets their password, naming themselves in upper case (the pool is case-insensitive)
    api.post("/auth/password/forgot", json!({"username": username}), None).await;
    let code = outbox_code(&username, "forgot_password").await;
    let reset = json!({"username": username.to_uppercase(), "code": code, "newPassword": "Reset-Passw0rd-1"});
    let answer = api.post("/auth/password/reset", reset, None).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    // THEN neither refresh token refreshes, and the access token from the refresh is refused
    for token in [&old_refresh, &new_refresh] {
        api.post("/auth/refresh", json!({"refreshToken": token}), None)
            .await
            .assert_problem(401, "INVALID_REFRESH_TOKEN");
    }
    api.get("/auth/me", Some(&new_access)).await.assert_problem(401, "UNAUTHENTICATED");
}

// ---------------------------------------------------------------------------
// A code-guessing script on the emailed step-up code
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_script_guessing_the_emailed_step_up_code_is_stopped_before_the_right_one() {
    // GIVEN a TOTP user with a verified email, a stolen token, and a code the user was sent
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_with_token(&pool, &api).await;
    verify_email(&pool, &username).await;
    assert_eq!(api.post("/auth/me/reauthentication", json!({}), Some(&stolen)).await.status, 202);
    let code = outbox_code(&username, "attribute_verification").await;
    // WHEN the attacker guesses wrong codes, then (by luck) the right one
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let guess = json!({"totp": false, "reauthentication": {"emailCode": wrong_code(&code)}});
        statuses.push(put(&api, "/auth/me/mfa", guess, &stolen).await.status);
    }
    let lucky =
        put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": {"emailCode": code}}), &stolen).await;
    // THEN the right code no longer works after a few wrong ones, and TOTP stays on
    assert_ne!(lucky.status, 200, "the 11th guess turned MFA off: {statuses:?} {lucky:?}");
    sign_in_with_totp(&api, &username, PASSWORD, &secret).await;
}

// ---------------------------------------------------------------------------
// A cross-origin page: no simple (preflight-free) request reaches a mail-sending route
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_cross_origin_form_post_cannot_send_mail_from_visitors_browsers() {
    // GIVEN a pool with sign-up and a real user
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let before = outbox().await.len();
    // WHEN a page elsewhere makes its visitors' browsers POST JSON as text/plain or a form (no preflight)
    for path in ["/auth/password/forgot", "/auth/signup/resend", "/auth/signup"] {
        let body = json!({"username": username, "email": "x@example.net", "password": PASSWORD}).to_string();
        for media in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            let answer = api.send("POST", path, Some((media, body.clone().into_bytes())), None).await;
            // THEN 415, and nothing is sent
            assert_eq!(answer.status, 415, "{path} {media}: {answer:?}");
        }
    }
    assert_eq!(outbox().await.len(), before);
}

#[tokio::test]
async fn an_unconfirmed_sign_up_with_someone_elses_address_does_not_block_the_owner() {
    // GIVEN a stranger who signed up with the victim's address and never confirmed (they cannot)
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    let address = format!("{}@example.com", uuid::Uuid::new_v4());
    let squatter = format!("squat-{}", uuid::Uuid::new_v4());
    let body = json!({"username": squatter, "email": address, "password": "Strangers-Passw0rd"});
    assert_eq!(api.post("/auth/signup", body, None).await.status, 201);
    // WHEN the address's owner signs up
    let owner = format!("owner-{}", uuid::Uuid::new_v4());
    let body = json!({"username": owner, "email": address, "password": PASSWORD});
    assert_eq!(api.post("/auth/signup", body, None).await.status, 201);
    // THEN the owner gets a code and can confirm their account
    let code = outbox().await.iter().rev().find(|m| m["username"] == owner.as_str()).map(|m| m["code"].clone());
    let code = code.expect("no code was sent to the owner: their sign-up was silently dropped");
    let confirmed = api.post("/auth/signup/confirm", json!({"username": owner, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
}

#[tokio::test]
async fn one_address_one_account_whatever_the_case_of_the_address() {
    // GIVEN a user who signed up with a mixed-case address
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    let local = uuid::Uuid::new_v4().to_string();
    let stored = format!("Ana.{local}@Example.com");
    let first = format!("ana-{}", uuid::Uuid::new_v4());
    let body = json!({"username": first, "email": stored, "password": PASSWORD});
    assert_eq!(api.post("/auth/signup", body, None).await.status, 201);
    let code = outbox_code(&first, "sign_up").await;
    let confirmed = api.post("/auth/signup/confirm", json!({"username": first, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    // WHEN another sign-up gives the same address in another case
    let second = format!("ana2-{}", uuid::Uuid::new_v4());
    let other_case = format!("ana.{local}@example.COM");
    let body = json!({"username": second, "email": other_case, "password": PASSWORD});
    assert_eq!(api.post("/auth/signup", body, None).await.status, 201);
    // THEN no second account was created
    let exists = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&second).send().await;
    assert!(exists.is_err(), "a second account holds {stored} as {other_case}");
}

// ---------------------------------------------------------------------------
// Error bodies never carry what the caller sent as a secret
// ---------------------------------------------------------------------------

#[tokio::test]
async fn error_bodies_do_not_echo_passwords_codes_or_sessions() {
    // GIVEN a pool with sign-up, MFA and a signed-in user
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..PoolOptions::mfa("OPTIONAL") }).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    let marker = "zqmarker";
    let weak = marker.to_owned(); // 8 characters, no upper case, no number: refused by the policy
    let long_secret = format!("{marker}-{}", "x".repeat(300));
    // WHEN requests carry the marker as a password, a code or a session, well- or ill-formed
    let answers = vec![
        api.post("/auth/signup", json!({"username": "u-1", "email": "a@example.com", "password": weak}), None).await,
        api.post("/auth/login", json!({"username": username, "password": long_secret}), None).await,
        api.post("/auth/login", json!({"username": username, "password": format!("{marker}-Wrong-Passw0rd")}), None)
            .await,
        api.post("/auth/password/reset", json!({"username": username, "code": marker, "newPassword": weak}), None).await,
        api.post(
            "/auth/password/change",
            json!({"currentPassword": format!("{marker}-Wrong-Passw0rd"), "newPassword": "Changed-Passw0rd-9"}),
            Some(&token),
        )
        .await,
        api.post("/auth/mfa", json!({"username": username, "session": format!("{marker}{}", "A".repeat(60)), "challenge": "SMS_MFA", "code": "123456"}), None).await,
        api.post("/auth/refresh", json!({"refreshToken": format!("{marker}{}", "A".repeat(60))}), None).await,
        api.post("/auth/me/email", json!({"email": "b@example.com", "reauthentication": {"currentPassword": format!("{marker}-Wrong-Passw0rd")}}), Some(&token)).await,
        api.post("/auth/me/email", json!({"email": "b@example.com", "reauthentication": {"emailCode": marker}}), Some(&token)).await,
        api.post("/auth/email/verify", json!({"code": marker}), Some(&token)).await,
        api.get("/auth/me", Some(&format!("{marker}.{marker}.{marker}"))).await,
    ];
    // THEN no answer carries the marker, in its body or headers
    for answer in &answers {
        assert!(answer.status >= 400, "{answer:?}");
        let seen = format!("{:?}{:?}", answer.body, answer.headers).to_lowercase();
        assert!(!seen.contains(marker), "an error answer echoes the secret: {answer:?}");
    }
}

// ---------------------------------------------------------------------------
// Login with a genuine device handle of another account
// ---------------------------------------------------------------------------

#[tokio::test]
async fn login_with_the_attackers_own_device_handle_tells_no_one_who_exists() {
    // GIVEN an attacker with their own account and a remembered device (a genuine signed handle)
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let attacker = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &attacker).await;
    let login = api.post("/auth/login", json!({"username": attacker, "password": PASSWORD}), None).await;
    let session = login.body["challenge"]["session"].as_str().unwrap().to_owned();
    let code = outbox_code(&attacker, "mfa").await;
    let body = json!({"username": attacker, "session": session, "challenge": "SMS_MFA", "code": code});
    let signed_in = api.post("/auth/mfa", body, None).await;
    let handle = signed_in.body["device"]["deviceKey"].as_str().expect("a device handle").to_owned();
    let victim = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &victim).await;
    let unknown = format!("user-{}", uuid::Uuid::new_v4());
    // WHEN they try a wrong password for the victim and for an unknown name with that handle
    let mut seen = Vec::new();
    for username in [&victim, &unknown] {
        let body = json!({"username": username, "password": "Wrong-Passw0rd-1", "deviceKey": handle});
        let answer = api.post("/auth/login", body, None).await;
        let mut body = answer.body.clone();
        body.as_object_mut().unwrap().remove("requestId");
        seen.push((answer.status, body));
    }
    // THEN both answers are the same wrong-password answer
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].1["code"], "INVALID_CREDENTIALS", "{seen:?}");
    // AND with the victim's right password the handle skips nothing: an MFA challenge, code texted to the victim
    let body = json!({"username": victim, "password": PASSWORD, "deviceKey": handle});
    let answer = api.post("/auth/login", body, None).await;
    assert_eq!(answer.body["challenge"]["name"], "SMS_MFA", "{answer:?}");
}

// ---------------------------------------------------------------------------
// An MFA change ends sessions: turning a factor on too
// ---------------------------------------------------------------------------

#[tokio::test]
async fn turning_mfa_on_puts_the_attacker_out() {
    // GIVEN a user without MFA, and an attacker holding their refresh token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let stolen = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let refresh = stolen.body["tokens"]["refreshToken"].as_str().expect("tokens").to_owned();
    // WHEN the user, worried, turns SMS MFA on (the issue: after an MFA change, sign out everywhere)
    let token = api.access_token(&username, PASSWORD).await;
    let on = put(&api, "/auth/me/mfa", json!({"sms": true}), &token).await;
    assert_eq!(on.status, 200, "{on:?}");
    // THEN the attacker's refresh token no longer refreshes
    api.post("/auth/refresh", json!({"refreshToken": refresh}), None)
        .await
        .assert_problem(401, "INVALID_REFRESH_TOKEN");
}

#[tokio::test]
async fn a_code_to_an_unverified_email_is_no_step_up_proof() {
    // GIVEN a user whose email was never verified, and a code sent to it by the email-verification route
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    assert_eq!(api.post("/auth/email/verification-code", json!({}), Some(&token)).await.status, 202);
    let code = outbox_code(&username, "attribute_verification").await;
    // WHEN it is sent as an emailCode proof
    let body = json!({"email": "elsewhere@example.net", "reauthentication": {"emailCode": code}});
    let answer = api.post("/auth/me/email", body, Some(&token)).await;
    // THEN 403 naming the proof, and the email stays as it was (and unverified)
    answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(answer.body["field"], "reauthentication.emailCode");
    let me = api.get("/auth/me", Some(&token)).await;
    assert_eq!(me.body["attributes"]["email"], format!("{username}@example.com"), "{me:?}");
}

/// Cognito's own self-service API takes the access token the client holds:
/// without the pool's web ACL a thief turned MFA off, replaced the
/// authenticator or deleted the account there, around the API's step-up. The
/// web ACL lets through only the functions' calls (auth_api::caller_key).
#[tokio::test]
async fn a_stolen_access_token_reaches_nothing_straight_at_cognito() {
    // GIVEN a user with TOTP, and a stolen access token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, _, stolen) = totp_user_with_token(&pool, &api).await;
    // WHEN the thief calls Cognito's public API with it: MFA off, a new authenticator,
    // forget the account's devices, drop the phone number, sign everyone out, delete the user
    let thief = attacker_sdk();
    let mfa_off = thief
        .set_user_mfa_preference()
        .access_token(&stolen)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(false).build())
        .send()
        .await
        .map(|_| ());
    let associate = thief.associate_software_token().access_token(&stolen).send().await.map(|_| ());
    let verify = thief.verify_software_token().access_token(&stolen).user_code("123456").send().await.map(|_| ());
    let forget = thief.forget_device().access_token(&stolen).device_key("us-east-1_x").send().await.map(|_| ());
    let phone = thief.delete_user_attributes().access_token(&stolen).user_attribute_names("phone_number").send().await;
    let everywhere = thief.global_sign_out().access_token(&stolen).send().await.map(|_| ());
    let deleted = thief.delete_user().access_token(&stolen).send().await.map(|_| ());
    // THEN the pool's web ACL blocks every one (Cognito's ForbiddenException)
    let codes = [
        mfa_off.err().and_then(|e| e.code().map(str::to_owned)),
        associate.err().and_then(|e| e.code().map(str::to_owned)),
        verify.err().and_then(|e| e.code().map(str::to_owned)),
        forget.err().and_then(|e| e.code().map(str::to_owned)),
        phone.err().and_then(|e| e.code().map(str::to_owned)),
        everywhere.err().and_then(|e| e.code().map(str::to_owned)),
        deleted.err().and_then(|e| e.code().map(str::to_owned)),
    ];
    assert!(codes.iter().all(|code| code.as_deref() == Some("ForbiddenException")), "{codes:?}");
    // AND the user is still there, with TOTP on, and the token still works through the API
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));
    assert_eq!(api.get("/auth/me", Some(&stolen)).await.status, 200);
}

#[tokio::test]
async fn the_password_alone_signs_in_nowhere_but_through_the_api() {
    // GIVEN a user's password and the app client's id and secret (all an insider could leak)
    let pool = create_pool(PoolOptions::default()).await;
    let username = confirmed_user(&pool, &[]).await;
    // WHEN InitiateAuth is called straight at Cognito, around the API's WAF rules and throttles
    let mut request = attacker_sdk()
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("PASSWORD", PASSWORD);
    if let Some(hash) = secret_hash(&pool, &username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    // THEN the pool's web ACL blocks it
    let error = request.send().await.expect_err("blocked");
    assert_eq!(error.code(), Some("ForbiddenException"), "{error:?}");
}
