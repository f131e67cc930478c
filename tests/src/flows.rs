//! Whole user journeys, shared by the flow tests and the log-secrets test.

use serde_json::json;

use crate::*;

/// Runs the whole flow and returns every secret it handled, for the log test.
pub async fn six_step_flow(api: &TestApi) -> Vec<String> {
    // GIVEN an administrator's access token
    let admin_token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;

    // 1. WHEN the administrator creates a user THEN it is FORCE_CHANGE_PASSWORD with its attributes
    let username = format!("jane-{}", uuid::Uuid::new_v4());
    let temporary_password = "Temp-Passw0rd-1";
    let created = api
        .post(
            "/auth/users",
            json!({
                "email": "jane@example.com",
                "username": username,
                "temporaryPassword": temporary_password,
                "sendInvitation": false,
                "attributes": {"birthdate": "1990-01-31", "preferred_username": "jane_d", "custom:universal_id": "u-42"},
            }),
            Some(&admin_token),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.body["username"], username.as_str());
    assert_eq!(created.body["status"], "FORCE_CHANGE_PASSWORD");
    assert!(!created.body["sub"].as_str().unwrap().is_empty());
    let attributes = &created.body["attributes"];
    assert_eq!(attributes["email"], "jane@example.com");
    assert_eq!(attributes["email_verified"], "false");
    assert_eq!(attributes["custom:universal_id"], "u-42");

    // 2. WHEN the user logs in with the temporary password THEN a NEW_PASSWORD_REQUIRED challenge comes back
    let login = api.post("/auth/login", json!({"username": username, "password": temporary_password}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
    let challenge = &login.body["challenge"];
    assert_eq!(challenge["name"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(challenge["username"], username.as_str());
    assert_eq!(challenge["parameters"]["requiredAttributes"], json!([]));
    assert_eq!(challenge["parameters"]["userAttributes"]["birthdate"], "1990-01-31");
    let session = challenge["session"].as_str().unwrap().to_owned();

    // 3. WHEN the user sets a new password with the session THEN tokens come back
    let new_password = "Brand-New-Passw0rd";
    let answered = api
        .post(
            "/auth/new-password",
            json!({"username": username, "session": session, "newPassword": new_password}),
            None,
        )
        .await;
    assert_eq!(answered.status, 200, "{answered:?}");
    let tokens = &answered.body["tokens"];
    assert_eq!(tokens["tokenType"], "Bearer");
    assert!(tokens["expiresIn"].as_i64().unwrap() > 0);
    for token in ["accessToken", "idToken", "refreshToken"] {
        assert!(tokens[token].as_str().is_some_and(|t| t.len() > 20), "{token} in {answered:?}");
    }

    // 4. WHEN the user logs in with the new password THEN tokens come back
    let access_token = api.access_token(&username, new_password).await;

    // 5. WHEN the user asks for an email verification code THEN it is sent to the email
    let sent = api.post("/auth/email/verification-code", json!({}), Some(&access_token)).await;
    assert_eq!(sent.status, 202, "{sent:?}");
    assert_eq!(
        sent.body,
        json!({"codeDelivery": {"destination": "j***@e***", "deliveryMedium": "EMAIL", "attributeName": "email"}})
    );
    let code = outbox_code(&username, "attribute_verification").await;

    // 6. WHEN the user sends the code THEN email_verified becomes true
    let verified = api.post("/auth/email/verify", json!({"code": code}), Some(&access_token)).await;
    assert_eq!((verified.status, &verified.body), (200, &json!({"emailVerified": true})), "{verified:?}");
    let me = api.get("/auth/me", Some(&access_token)).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], username.as_str());
    assert_eq!(me.body["attributes"]["email_verified"], "true");
    assert_eq!(me.body["attributes"]["preferred_username"], "jane_d");

    vec![
        admin_token,
        temporary_password.to_owned(),
        session,
        new_password.to_owned(),
        access_token,
        code,
        ADMIN_PASSWORD.to_owned(),
        tokens["idToken"].as_str().unwrap().to_owned(),
        tokens["refreshToken"].as_str().unwrap().to_owned(),
    ]
}

/// The step-up proof `reauthentication` with the test users' password.
pub fn password_proof() -> serde_json::Value {
    json!({"currentPassword": PASSWORD})
}

/// Sets up TOTP for a signed-in user through the API, proving the password
/// (step-up); answers the secret. Every session of the user ends with it.
pub async fn enable_totp(api: &TestApi, token: &str) -> String {
    let setup = api.post("/auth/me/mfa/totp", json!({"reauthentication": password_proof()}), Some(token)).await;
    assert_eq!(setup.status, 200, "{setup:?}");
    assert!(setup.body.get("session").is_none());
    let secret = setup.body["secret"].as_str().expect("a secret").to_owned();
    let code = totp_next(&secret).await;
    let verified = api
        .post("/auth/me/mfa/totp/verify", json!({"code": code, "reauthentication": password_proof()}), Some(token))
        .await;
    assert_eq!(verified.body, json!({"factors": {"totp": true, "sms": false, "email": false}, "preferred": "totp"}));
    secret
}

/// Password and a fresh TOTP code (a code is good once): the tokens.
pub async fn sign_in_with_totp(api: &TestApi, username: &str, password: &str, secret: &str) -> serde_json::Value {
    let login = api.post("/auth/login", json!({"username": username, "password": password}), None).await;
    assert_eq!(login.body["challenge"]["name"], "SOFTWARE_TOKEN_MFA", "{login:?}");
    let session = login.body["challenge"]["session"].as_str().unwrap();
    let code = totp_next(secret).await;
    let done = api
        .post(
            "/auth/mfa",
            json!({"username": username, "session": session, "challenge": "SOFTWARE_TOKEN_MFA", "code": code}),
            None,
        )
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    done.body["tokens"].clone()
}

/// A confirmed user with TOTP on (set up through the API), and an access token of a
/// sign-in with the code since: (username, TOTP secret, access token).
pub async fn totp_user_with_token(pool: &Pool, api: &TestApi) -> (String, String, String) {
    let username = confirmed_user(pool, &[]).await;
    let secret = enable_totp(api, &api.access_token(&username, PASSWORD).await).await;
    let token = sign_in_with_totp(api, &username, PASSWORD, &secret).await["accessToken"].as_str().unwrap().to_owned();
    (username, secret, token)
}

/// A user who signed up without a password (a passwordless pool) and confirmed the emailed code.
pub async fn signed_up_without_password(api: &TestApi) -> String {
    let username = format!("pat-{}", uuid::Uuid::new_v4());
    let email = format!("{username}@example.com");
    let answer = api.post("/auth/signup", json!({"username": username, "email": email}), None).await;
    assert_eq!(answer.status, 201, "{answer:?}");
    let code = outbox_code(&username, "sign_up").await;
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!((confirmed.status, &confirmed.body), (200, &json!({"confirmed": true})), "{confirmed:?}");
    username
}

/// POST /auth/passwordless for `username`, naming `factor` when given.
pub async fn passwordless_start(api: &TestApi, username: &str, factor: Option<&str>) -> Answer {
    let mut body = json!({"username": username});
    if let Some(factor) = factor {
        body["factor"] = json!(factor);
    }
    api.post("/auth/passwordless", body, None).await
}

/// A sign-in by an emailed code alone: the tokens.
pub async fn sign_in_by_email_code(api: &TestApi, username: &str) -> serde_json::Value {
    let started = passwordless_start(api, username, Some("email")).await;
    assert_eq!(started.body["challenge"]["name"], "EMAIL_OTP", "{started:?}");
    let session = started.body["challenge"]["session"].as_str().unwrap();
    let code = outbox_code(username, "otp").await;
    let body = json!({"username": username, "session": session, "challenge": "EMAIL_OTP", "code": code});
    let done = api.post("/auth/passwordless/code", body, None).await;
    assert_eq!(done.status, 200, "{done:?}");
    done.body["tokens"].clone()
}

/// The web app's origin the passwordless tests' API allows (CORS_ALLOWED_ORIGINS).
pub const PASSWORDLESS_APP: &str = "https://app.example";

/// A passwordless pool (self sign-up open) and the API in front of it, allowing
/// PASSWORDLESS_APP's cookie mode.
pub async fn passwordless_api() -> (Pool, TestApi) {
    let pool = create_pool(PoolOptions::passwordless()).await;
    let mut env = config_for(&pool);
    env.insert("CORS_ALLOWED_ORIGINS", PASSWORDLESS_APP.to_owned());
    (pool.clone(), TestApi::start_with(env).await)
}

/// The challenge's session of a 200 sign-in answer.
pub fn session_of(answer: &Answer) -> String {
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["challenge"]["session"].as_str().expect("a session").to_owned()
}

/// POST /auth/passwordless/code.
pub async fn answer_passwordless_code(
    api: &TestApi,
    username: &str,
    session: &str,
    challenge: &str,
    code: &str,
) -> Answer {
    let body = json!({"username": username, "session": session, "challenge": challenge, "code": code});
    api.post("/auth/passwordless/code", body, None).await
}

/// The code the local Cognito "sent" for the newest passwordless sign-in of `username`.
pub async fn sign_in_code(username: &str) -> String {
    outbox_code(username, "otp").await
}
