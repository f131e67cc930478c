//! Refresh, and devices remembered by the server: the first sign-in confirms
//! the device, refresh needs it, a remembered device skips MFA, a forgotten
//! one is gone; another user's, a made-up or an altered one is as no device
//! (no password oracle), and device paths take only Cognito's bare key.

use integration_tests::*;
use serde_json::{json, Value};

async fn login(api: &TestApi, username: &str, device_key: Option<&str>) -> Answer {
    let mut body = json!({"username": username, "password": PASSWORD});
    if let Some(key) = device_key {
        body["deviceKey"] = json!(key);
    }
    api.post("/auth/login", body, None).await
}

/// Logs in through SMS MFA; answers the tokens and the device.
async fn first_sign_in(api: &TestApi, username: &str) -> (Value, Value) {
    let answer = login(api, username, None).await;
    assert_eq!(answer.body["challenge"]["name"], "SMS_MFA", "{answer:?}");
    let session = answer.body["challenge"]["session"].as_str().unwrap();
    let code = outbox_code(username, "mfa").await;
    let done = api
        .post(
            "/auth/mfa",
            json!({"username": username, "session": session, "challenge": "SMS_MFA", "code": code, "deviceName": "test phone"}),
            None,
        )
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    (done.body["tokens"].clone(), done.body["device"].clone())
}

async fn refresh(api: &TestApi, refresh_token: &str, device_key: Option<&str>) -> Answer {
    let mut body = json!({"refreshToken": refresh_token});
    if let Some(key) = device_key {
        body["deviceKey"] = json!(key);
    }
    api.post("/auth/refresh", body, None).await
}

/// The device's key as GET /auth/me/devices lists it (the only form device paths take).
async fn listed_key(api: &TestApi, access: &str) -> String {
    let devices = api.get("/auth/me/devices", Some(access)).await;
    assert_eq!(devices.status, 200, "{devices:?}");
    devices.body["devices"][0]["deviceKey"].as_str().expect("a listed device").to_owned()
}

/// The answer is the usual first step of a sign-in without a device: an
/// SMS_MFA challenge, with a code sent.
async fn assert_mfa_challenge(answer: &Answer, username: &str) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["challenge"]["name"], "SMS_MFA", "{answer:?}");
    assert_eq!(outbox_code(username, "mfa").await.len(), 6);
}

async fn user_with_phone(pool: &Pool) -> String {
    let username = confirmed_user(pool, &[]).await;
    with_phone_number(pool, &username).await;
    username
}

#[tokio::test]
async fn refresh_gives_new_tokens() {
    for client_secret in [false, true] {
        // GIVEN a signed-in user (with and without a client secret held by the server)
        let pool = create_pool(PoolOptions { client_secret, ..Default::default() }).await;
        let api = TestApi::start(&pool).await;
        let username = confirmed_user(&pool, &[]).await;
        let login = login(&api, &username, None).await;
        let refresh_token = login.body["tokens"]["refreshToken"].as_str().unwrap();
        // WHEN the refresh token is used THEN a working access token comes back, and no new refresh token
        let refreshed = refresh(&api, refresh_token, None).await;
        assert_eq!(refreshed.status, 200, "{refreshed:?}");
        assert!(refreshed.body["tokens"].get("refreshToken").is_none());
        let access = refreshed.body["tokens"]["accessToken"].as_str().unwrap();
        assert_eq!(api.get("/auth/me", Some(access)).await.status, 200);
    }
}

#[tokio::test]
async fn a_bad_refresh_token_is_401_invalid_refresh_token() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    refresh(&api, "not-a-refresh-token-at-all", None).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
}

#[tokio::test]
async fn with_rotation_a_refresh_answers_a_new_refresh_token_and_ends_the_old() {
    let pool = create_pool(PoolOptions {
        client: Some(json!({"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}})),
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let first = login(&api, &username, None).await.body["tokens"]["refreshToken"].as_str().unwrap().to_owned();
    let rotated = refresh(&api, &first, None).await;
    let second = rotated.body["tokens"]["refreshToken"].as_str().expect("a new refresh token").to_owned();
    assert_ne!(first, second);
    refresh(&api, &first, None).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
    assert_eq!(refresh(&api, &second, None).await.status, 200);
}

#[tokio::test]
async fn a_remembered_device_skips_mfa_and_refresh_needs_it() {
    // GIVEN a pool that requires SMS MFA and remembers devices
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_phone(&pool).await;
    // WHEN the user first signs in THEN the server confirmed and remembers the device
    let (tokens, device) = first_sign_in(&api, &username).await;
    assert_eq!(device["remembered"], true, "{device}");
    let device_key = device["deviceKey"].as_str().unwrap().to_owned();
    // AND a refresh without the device is refused, saying to send the device, and with it works
    let refresh_token = tokens["refreshToken"].as_str().unwrap();
    let without = refresh(&api, refresh_token, None).await;
    without.assert_problem(401, "INVALID_REFRESH_TOKEN");
    assert!(without.body["detail"].as_str().unwrap().contains("`deviceKey`"), "{without:?}");
    assert_eq!(refresh(&api, refresh_token, Some(&device_key)).await.status, 200);
    // AND the next sign-in with the device skips MFA
    let again = login(&api, &username, Some(&device_key)).await;
    assert!(again.body["tokens"].is_object(), "{again:?}");
    assert_eq!(again.body["device"], json!({"deviceKey": device_key, "remembered": true}));
    // AND the device is listed, remembered, with its name
    let access = again.body["tokens"]["accessToken"].as_str().unwrap();
    let devices = api.get("/auth/me/devices", Some(access)).await;
    assert_eq!(devices.status, 200, "{devices:?}");
    let listed = &devices.body["devices"][0];
    assert_eq!((listed["remembered"].clone(), listed["name"].clone()), (json!(true), json!("test phone")));
    // AND the handle is opaque: it does not show Cognito's device key
    assert!(!device_key.contains(listed["deviceKey"].as_str().unwrap()), "{device_key}");
}

#[tokio::test]
async fn another_users_device_key_is_as_no_device() {
    // GIVEN a user with a remembered device, and a stranger who holds its handle
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let (owner, stranger) = (user_with_phone(&pool).await, user_with_phone(&pool).await);
    let (_, device) = first_sign_in(&api, &owner).await;
    // WHEN the stranger signs in with it THEN the stranger meets MFA as without a device
    let answer = login(&api, &stranger, device["deviceKey"].as_str()).await;
    assert_mfa_challenge(&answer, &stranger).await;
}

#[tokio::test]
async fn a_made_up_device_key_is_no_password_oracle() {
    // GIVEN a user in a pool that requires MFA and remembers devices
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_phone(&pool).await;
    // (Cognito-shaped made-up keys, old and new form, and a random opaque one)
    let made_up = [
        "us-east-1_6e1d0c4a-1c2b-4d3e-8f90-1a2b3c4d5e6f:-AbCdEfGh1".to_owned(),
        "us-east-1_6e1d0c4a-1c2b-4d3e-8f90-1a2b3c4d5e6f".to_owned(),
        "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk".to_owned(),
    ];
    let without_request_id = |answer: &Answer| {
        let mut body = answer.body.clone();
        body.as_object_mut().unwrap().remove("requestId");
        body
    };
    let without = api.post("/auth/login", json!({"username": username, "password": "Wrong-Passw0rd"}), None).await;
    for device_key in &made_up {
        // WHEN an attacker tries a wrong password with a made-up device
        let wrong = api
            .post(
                "/auth/login",
                json!({"username": username, "password": "Wrong-Passw0rd", "deviceKey": device_key}),
                None,
            )
            .await;
        // THEN the answer is the wrong password's, as without a device
        wrong.assert_problem(401, "INVALID_CREDENTIALS");
        assert_eq!(without_request_id(&wrong), without_request_id(&without));
        // WHEN the right password comes with it THEN the sign-in goes on as without a device:
        // MFA, with a code sent (the user sees it), not a silent UNKNOWN_DEVICE
        let right = login(&api, &username, Some(device_key)).await;
        assert_mfa_challenge(&right, &username).await;
    }
}

#[tokio::test]
async fn a_forged_or_altered_device_handle_is_as_no_device() {
    // GIVEN a user with a remembered device
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_phone(&pool).await;
    let (tokens, device) = first_sign_in(&api, &username).await;
    let handle = device["deviceKey"].as_str().unwrap().to_owned();
    let key = listed_key(&api, tokens["accessToken"].as_str().unwrap()).await;
    // WHEN the handle is altered (one character), or forged from the listed key
    let mut altered = handle.clone().into_bytes();
    let middle = altered.len() / 2;
    altered[middle] = if altered[middle] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    for forged in [altered, format!("{key}:-AbCdEfGh1"), key.clone()] {
        // THEN the sign-in meets MFA as without a device
        let answer = login(&api, &username, Some(&forged)).await;
        assert_mfa_challenge(&answer, &username).await;
    }
    // AND the real handle still skips MFA
    assert!(login(&api, &username, Some(&handle)).await.body["tokens"].is_object());
}

#[tokio::test]
async fn device_paths_take_only_the_listed_key_never_the_sign_in_handle() {
    // GIVEN a user with a remembered device
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_phone(&pool).await;
    let (tokens, device) = first_sign_in(&api, &username).await;
    let (access, handle) = (tokens["accessToken"].as_str().unwrap(), device["deviceKey"].as_str().unwrap());
    let key = listed_key(&api, access).await;
    // WHEN the sign-in's handle (a credential) is put in the path, alone or with the key
    for path_key in [handle.to_owned(), format!("{key}:{handle}")] {
        let path = format!("/auth/me/devices/{path_key}");
        let body = br#"{"remembered": false}"#.to_vec();
        let put = api.send("PUT", &path, Some(("application/json", body)), Some(access)).await;
        let delete = api.send("DELETE", &path, None, Some(access)).await;
        // THEN both are refused before Cognito is called
        put.assert_problem(400, "VALIDATION_FAILED");
        delete.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(delete.body["field"], "deviceKey");
    }
    // AND the device is still there and remembered
    let devices = api.get("/auth/me/devices", Some(access)).await;
    assert_eq!(devices.body["devices"][0]["remembered"], true, "{devices:?}");
}

#[tokio::test]
async fn a_forgotten_device_no_longer_refreshes_or_signs_in() {
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_phone(&pool).await;
    let (tokens, device) = first_sign_in(&api, &username).await;
    let (access, device_key) = (tokens["accessToken"].as_str().unwrap(), device["deviceKey"].as_str().unwrap());
    // WHEN the user forgets the device by its listed key, proving their password (step-up)
    let path = format!("/auth/me/devices/{}", listed_key(&api, access).await);
    let proof = json!({"reauthentication": {"currentPassword": PASSWORD}}).to_string().into_bytes();
    let forgotten = api.send("DELETE", &path, Some(("application/json", proof)), Some(access)).await;
    assert_eq!(forgotten.status, 204, "{forgotten:?}");
    // THEN it is not listed, its refresh token is dead, and signing in with it meets MFA as without a device
    assert_eq!(api.get("/auth/me/devices", Some(access)).await.body, json!({"devices": []}));
    refresh(&api, tokens["refreshToken"].as_str().unwrap(), Some(device_key))
        .await
        .assert_problem(401, "INVALID_REFRESH_TOKEN");
    assert_mfa_challenge(&login(&api, &username, Some(device_key)).await, &username).await;
}

#[tokio::test]
async fn on_prompt_the_user_remembers_a_device_explicitly() {
    // GIVEN a pool that remembers devices only when the user says so
    let pool = create_pool(PoolOptions::mfa_required().with_devices(true)).await;
    let api = TestApi::start(&pool).await;
    let username = user_with_phone(&pool).await;
    let (tokens, device) = first_sign_in(&api, &username).await;
    assert_eq!(device["remembered"], false);
    let device_key = device["deviceKey"].as_str().unwrap();
    // THEN a sign-in with the device still meets MFA
    let again = login(&api, &username, Some(device_key)).await;
    assert_eq!(again.body["challenge"]["name"], "SMS_MFA", "{again:?}");
    // WHEN the user remembers it THEN the next sign-in skips MFA
    let body = br#"{"remembered": true}"#.to_vec();
    let access = tokens["accessToken"].as_str().unwrap();
    let path = format!("/auth/me/devices/{}", listed_key(&api, access).await);
    let remembered = api.send("PUT", &path, Some(("application/json", body)), Some(access)).await;
    assert_eq!(remembered.status, 204, "{remembered:?}");
    assert!(login(&api, &username, Some(device_key)).await.body["tokens"].is_object());
}

#[tokio::test]
async fn device_keys_are_checked_before_cognito_is_called() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let answer = api
        .post("/auth/login", json!({"username": "jane", "password": PASSWORD, "deviceKey": "no group key"}), None)
        .await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "deviceKey");
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let answer = api.send("DELETE", "/auth/me/devices/not%20a%20key", None, Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
}
