//! A stolen access token is not a takeover, and recovery puts the attacker
//! out: sensitive changes need a fresh proof (step-up), the email changes only
//! through the API, and a password change or reset, an MFA change or an email
//! change signs the user out everywhere and forgets every remembered device.
//! Each attack is performed as an attacker would, through the API or straight
//! at Cognito with the SDK.

use integration_tests::flows::{enable_totp, password_proof, sign_in_with_totp, totp_user_with_token};
use integration_tests::*;
use serde_json::{json, Value};

/// The newest message the local Cognito "sent" to `username`: (kind, destination, code).
async fn last_message(username: &str) -> (String, String, String) {
    let messages = outbox().await;
    let message = messages.iter().rev().find(|m| m["username"] == username).expect("a message");
    let text = |name: &str| message[name].as_str().unwrap_or_default().to_owned();
    (text("kind"), text("destination"), text("code"))
}

async fn put(api: &TestApi, path: &str, body: Value, token: &str) -> Answer {
    api.send("PUT", path, Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

async fn delete(api: &TestApi, path: &str, body: Value, token: &str) -> Answer {
    api.send("DELETE", path, Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

async fn mfa_settings(api: &TestApi, username: &str, secret: &str) -> Value {
    let token = sign_in_with_totp(api, username, PASSWORD, secret).await["accessToken"].as_str().unwrap().to_owned();
    api.get("/auth/me/mfa", Some(&token)).await.body
}

#[tokio::test]
async fn a_stolen_access_token_cannot_turn_mfa_off_or_change_the_preference() {
    // GIVEN a user with TOTP, and an attacker holding an access token of theirs
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_with_token(&pool, &api).await;
    // WHEN the attacker turns TOTP off, or moves the preference, with the token alone
    for body in [json!({"totp": false}), json!({"preferred": "totp"}), json!({"email": false})] {
        let answer = put(&api, "/auth/me/mfa", body, &stolen).await;
        // THEN 403 REAUTHENTICATION_REQUIRED
        answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
        assert_eq!(answer.body["field"], "reauthentication");
    }
    // AND a guessed password (with a guessed code) is refused the same way, naming the password
    let guess =
        json!({"totp": false, "reauthentication": {"currentPassword": "Guessed-Passw0rd", "mfaCode": "123456"}});
    let answer = put(&api, "/auth/me/mfa", guess, &stolen).await;
    answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(answer.body["field"], "reauthentication.currentPassword");
    // AND MFA is still on
    assert_eq!(mfa_settings(&api, &username, &secret).await["factors"]["totp"], true);
}

#[tokio::test]
async fn a_stolen_access_token_cannot_add_or_replace_the_authenticator() {
    // GIVEN a user with TOTP and a stolen access token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_with_token(&pool, &api).await;
    // WHEN the attacker starts a new TOTP set-up, or verifies one, with the token alone THEN 403
    api.post("/auth/me/mfa/totp", json!({}), Some(&stolen)).await.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    api.post("/auth/me/mfa/totp/verify", json!({"code": "123456"}), Some(&stolen))
        .await
        .assert_problem(403, "REAUTHENTICATION_REQUIRED");
    // AND the user's own authenticator still signs them in
    sign_in_with_totp(&api, &username, PASSWORD, &secret).await;
}

#[tokio::test]
async fn a_stolen_access_token_cannot_forget_a_device() {
    // GIVEN a user with a remembered device, and a stolen access token
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let (tokens, _) = sign_in_remembering(&api, &username, PASSWORD).await;
    let stolen = tokens["accessToken"].as_str().unwrap();
    let listed = api.get("/auth/me/devices", Some(stolen)).await;
    let device_key = listed.body["devices"][0]["deviceKey"].as_str().expect("a listed device");
    // WHEN the attacker forgets it by its listed key with the token alone THEN 403, and the device stays
    delete(&api, &format!("/auth/me/devices/{device_key}"), json!({}), stolen)
        .await
        .assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(api.get("/auth/me/devices", Some(stolen)).await.body["devices"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stolen_access_token_cannot_move_the_email_and_so_recovery() {
    // GIVEN a user with a verified email, and an attacker holding their access token
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let stolen = api.access_token(&username, PASSWORD).await;
    // WHEN the attacker calls Cognito's public UpdateUserAttributes with the token, around the API
    let result = sdk()
        .update_user_attributes()
        .access_token(&stolen)
        .user_attributes(attribute("email", "attacker@example.net"))
        .send()
        .await;
    // THEN Cognito refuses: the app client cannot write the email
    let error = result.expect_err("refused");
    assert_eq!(
        aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata::code(&error),
        Some("NotAuthorizedException")
    );
    // AND through the API the change needs a proof
    api.post("/auth/me/email", json!({"email": "attacker@example.net"}), Some(&stolen))
        .await
        .assert_problem(403, "REAUTHENTICATION_REQUIRED");
    // AND a password reset code still goes to the user's own address
    api.post("/auth/password/forgot", json!({"username": username}), None).await;
    let (kind, destination, _) = last_message(&username).await;
    assert_eq!((kind.as_str(), destination), ("forgot_password", format!("{username}@example.com")));
}

#[tokio::test]
async fn the_user_changes_their_email_and_the_old_one_stays_until_the_new_one_is_verified() {
    // GIVEN a signed-in user with a verified email
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let old = format!("{username}@example.com");
    let token = api.access_token(&username, PASSWORD).await;
    // WHEN they change it, proving their password
    let changed = api
        .post("/auth/me/email", json!({"email": "new@example.net", "reauthentication": password_proof()}), Some(&token))
        .await;
    assert_eq!(changed.status, 202, "{changed:?}");
    assert_eq!(changed.body, json!({"codeDelivery": {"deliveryMedium": "EMAIL", "attributeName": "email"}}));
    // THEN a code went to the new address
    let (kind, destination, code) = last_message(&username).await;
    assert_eq!((kind.as_str(), destination.as_str()), ("attribute_verification", "new@example.net"));
    // AND the old address got a notice naming the new one, masked, and what to do if it was not them
    let notices = notices_to(&old).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    let text = notices[0]["text"].as_str().unwrap();
    assert!(text.contains("n***@example.net") && !text.contains("new@example.net"), "{text}");
    assert!(text.contains("reset your password"), "{text}");
    // AND every session ended: the token is refused
    api.get("/auth/me", Some(&token)).await.assert_problem(401, "UNAUTHENTICATED");
    // AND the old address is still the verified one, and recovery still goes there
    let token = api.access_token(&username, PASSWORD).await;
    let me = api.get("/auth/me", Some(&token)).await;
    assert_eq!(
        (&me.body["attributes"]["email"], &me.body["attributes"]["email_verified"]),
        (&json!(old), &json!("true"))
    );
    // WHEN the user signs in again and verifies the code THEN the new address replaces it, verified
    let verified = api.post("/auth/email/verify", json!({"code": code}), Some(&token)).await;
    assert_eq!(verified.status, 200, "{verified:?}");
    let me = api.get("/auth/me", Some(&token)).await;
    assert_eq!(
        (&me.body["attributes"]["email"], &me.body["attributes"]["email_verified"]),
        (&json!("new@example.net"), &json!("true"))
    );
}

#[tokio::test]
async fn an_emailed_code_proves_the_user_once() {
    // GIVEN a user with a verified email and TOTP
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &username).await;
    let secret = enable_totp(&api, &api.access_token(&username, PASSWORD).await).await;
    let token = sign_in_with_totp(&api, &username, PASSWORD, &secret).await["accessToken"].as_str().unwrap().to_owned();
    // WHEN they ask for a code and send a wrong one THEN 403 naming the code
    let sent = api.post("/auth/me/reauthentication", json!({}), Some(&token)).await;
    assert_eq!(sent.status, 202, "{sent:?}");
    let (_, destination, code) = last_message(&username).await;
    assert_eq!(destination, format!("{username}@example.com"));
    let wrong = json!({"totp": false, "reauthentication": {"emailCode": wrong_code(&code)}});
    let answer = put(&api, "/auth/me/mfa", wrong, &token).await;
    answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(answer.body["field"], "reauthentication.emailCode");
    // WHEN they send the right one THEN the change is made
    let off = put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": {"emailCode": code}}), &token).await;
    assert_eq!(
        off.body,
        json!({"factors": {"totp": false, "sms": false, "email": false}, "preferred": null}),
        "{off:?}"
    );
}

#[tokio::test]
async fn a_user_without_a_verified_email_gets_no_reauthentication_code() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(&confirmed_user(&pool, &[]).await, PASSWORD).await;
    api.post("/auth/me/reauthentication", json!({}), Some(&token)).await.assert_problem(409, "INVALID_USER_STATE");
}

/// Signs in (answering SMS MFA when asked) with a device the server remembers: (tokens, deviceKey).
async fn sign_in_remembering(api: &TestApi, username: &str, password: &str) -> (Value, String) {
    let mut answer = api.post("/auth/login", json!({"username": username, "password": password}), None).await;
    if answer.body["challenge"]["name"] == "SMS_MFA" {
        let session = answer.body["challenge"]["session"].as_str().unwrap().to_owned();
        let code = outbox_code(username, "mfa").await;
        answer = api
            .post(
                "/auth/mfa",
                json!({"username": username, "session": session, "challenge": "SMS_MFA", "code": code}),
                None,
            )
            .await;
    }
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["device"]["remembered"], true, "{answer:?}");
    (answer.body["tokens"].clone(), answer.body["device"]["deviceKey"].as_str().unwrap().to_owned())
}

/// What the attacker kept: refresh and access tokens and a remembered device.
struct Stolen {
    tokens: Value,
    device_key: String,
}

async fn attacker_signed_in(api: &TestApi, username: &str) -> Stolen {
    let (tokens, device_key) = sign_in_remembering(api, username, PASSWORD).await;
    // The remembered device skips MFA today.
    let again = api
        .post("/auth/login", json!({"username": username, "password": PASSWORD, "deviceKey": device_key}), None)
        .await;
    assert!(again.body["tokens"].is_object(), "{again:?}");
    Stolen { tokens, device_key }
}

/// THEN the refresh token no longer refreshes, the access token no longer reads
/// /auth/me, and the device no longer skips MFA (even with the new password).
async fn assert_locked_out(api: &TestApi, username: &str, stolen: &Stolen, password: &str) {
    let refresh = json!({"refreshToken": stolen.tokens["refreshToken"], "deviceKey": stolen.device_key});
    api.post("/auth/refresh", refresh, None).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
    api.get("/auth/me", stolen.tokens["accessToken"].as_str()).await.assert_problem(401, "UNAUTHENTICATED");
    let login = json!({"username": username, "password": password, "deviceKey": stolen.device_key});
    let answer = api.post("/auth/login", login, None).await;
    assert!(answer.body.get("tokens").is_none(), "the forgotten device skipped MFA: {answer:?}");
    let fresh = api.post("/auth/login", json!({"username": username, "password": password}), None).await;
    assert_eq!(fresh.body["challenge"]["name"], "SMS_MFA", "{fresh:?}");
}

#[tokio::test]
async fn after_a_password_change_the_attacker_is_out() {
    // GIVEN a user with SMS MFA, and an attacker with their tokens and a remembered device
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let stolen = attacker_signed_in(&api, &username).await;
    // WHEN the user changes their password
    let (tokens, _) = sign_in_remembering(&api, &username, PASSWORD).await;
    let change = json!({"currentPassword": PASSWORD, "newPassword": "Changed-Passw0rd-1"});
    let changed = api.post("/auth/password/change", change, tokens["accessToken"].as_str()).await;
    assert_eq!(changed.status, 204, "{changed:?}");
    // THEN the attacker is out, and so is the caller's own session (it signs in again)
    assert_locked_out(&api, &username, &stolen, "Changed-Passw0rd-1").await;
    api.get("/auth/me", tokens["accessToken"].as_str()).await.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn after_a_password_reset_the_attacker_is_out() {
    // GIVEN a user with SMS MFA and a verified email, and an attacker with their tokens and a remembered device
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    verify_email(&pool, &username).await;
    let stolen = attacker_signed_in(&api, &username).await;
    // WHEN the user resets their password with the emailed code
    api.post("/auth/password/forgot", json!({"username": username}), None).await;
    let code = outbox_code(&username, "forgot_password").await;
    let reset = json!({"username": username, "code": code, "newPassword": "Reset-Passw0rd-1"});
    let answer = api.post("/auth/password/reset", reset, None).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    // THEN the attacker is out
    assert_locked_out(&api, &username, &stolen, "Reset-Passw0rd-1").await;
}

#[tokio::test]
async fn after_an_mfa_change_the_attacker_is_out() {
    // GIVEN a user with SMS and TOTP (MFA required), and an attacker with their tokens and a remembered device
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let stolen = attacker_signed_in(&api, &username).await;
    // WHEN the user, signed in, makes SMS the preferred factor, proving their password
    let (tokens, _) = sign_in_remembering(&api, &username, PASSWORD).await;
    let body = json!({"preferred": "sms", "reauthentication": password_proof()});
    let changed = put(&api, "/auth/me/mfa", body, tokens["accessToken"].as_str().unwrap()).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    // THEN the attacker is out
    assert_locked_out(&api, &username, &stolen, PASSWORD).await;
}

#[tokio::test]
async fn the_password_alone_does_not_turn_off_the_authenticator_it_guards() {
    // GIVEN a TOTP user's password and a stolen access token (the attacker has no authenticator)
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_with_token(&pool, &api).await;
    // WHEN they turn TOTP off with the password as the proof, or with a wrong code beside it
    let alone = put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": password_proof()}), &stolen).await;
    let proof = json!({"currentPassword": PASSWORD, "mfaCode": wrong_code(&totp_now(&secret))});
    let guessed = put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": proof}), &stolen).await;
    // THEN both are refused, naming the missing factor, and TOTP stays on
    for answer in [&alone, &guessed] {
        answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
        assert_eq!(answer.body["field"], "reauthentication.mfaCode", "{answer:?}");
    }
    assert_eq!(mfa_settings(&api, &username, &secret).await["factors"]["totp"], true);
    // AND the user, with the password and a current code, can
    let proof = json!({"currentPassword": PASSWORD, "mfaCode": totp_next(&secret).await});
    let off = put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": proof}), &stolen).await;
    assert_eq!(off.status, 200, "{off:?}");
    assert_eq!(off.body["factors"]["totp"], false);
}

#[tokio::test]
async fn an_unverified_old_address_gets_no_notice() {
    // GIVEN a user whose email was never verified (it may not be theirs)
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    // WHEN they change it
    let body = json!({"email": "mine@example.net", "reauthentication": password_proof()});
    assert_eq!(api.post("/auth/me/email", body, Some(&token)).await.status, 202);
    // THEN the unproven address is sent nothing
    assert!(notices_to(&format!("{username}@example.com")).await.is_empty());
}

#[tokio::test]
async fn totp_guards_step_up_even_when_sms_is_preferred() {
    // GIVEN a user with TOTP on and SMS on and preferred, and a stolen access token
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, stolen) = totp_user_with_token(&pool, &api).await;
    with_phone_number(&pool, &username).await;
    sdk()
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .sms_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::SmsMfaSettingsType::builder()
                .enabled(true)
                .preferred_mfa(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // WHEN the attacker, who knows the password, sends it with a made-up TOTP code
    let proof = json!({"currentPassword": PASSWORD, "mfaCode": wrong_code(&totp_now(&secret))});
    let answer = put(&api, "/auth/me/mfa", json!({"totp": false, "reauthentication": proof}), &stolen).await;
    // THEN it is refused (Cognito would have asked for the SMS code, never for the TOTP one),
    // no SMS is sent, and TOTP stays on
    answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(answer.body["field"], "reauthentication.emailCode", "{answer:?}");
    let outbox = outbox().await;
    assert!(!outbox.iter().any(|m| m["username"] == username.as_str() && m["kind"] == "mfa"), "{outbox:?}");
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    assert!(user.user_mfa_setting_list().contains(&"SOFTWARE_TOKEN_MFA".to_owned()), "{user:?}");
}
