//! The signed-in user's own account: PATCH /auth/me edits the profile attributes users
//! may write (nothing that signs in, recovers or receives codes), DELETE /auth/me deletes
//! the account after a fresh proof, and every token of it stops working. Each route
//! asked what a holder of a stolen access token can do with it.

use integration_tests::flows::{password_proof, totp_user_with_token};
use integration_tests::*;
use serde_json::{json, Value};

async fn patch(api: &TestApi, body: Value, token: &str) -> Answer {
    api.send("PATCH", "/auth/me", Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

async fn delete(api: &TestApi, body: Value, token: &str) -> Answer {
    api.send("DELETE", "/auth/me", Some(("application/json", body.to_string().into_bytes())), Some(token)).await
}

/// A pool like the deployed one (the app client writes `birthdate` only), its API, a
/// user and their tokens.
async fn signed_in(options: PoolOptions) -> (Pool, TestApi, String, Value) {
    let pool = create_pool(options).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
    (pool, api, username, login.body["tokens"].clone())
}

fn access(tokens: &Value) -> &str {
    tokens["accessToken"].as_str().expect("an access token")
}

async fn admin_attributes(pool: &Pool, username: &str) -> std::collections::BTreeMap<String, String> {
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(username).send().await.unwrap();
    user.user_attributes().iter().map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned())).collect()
}

#[tokio::test]
async fn a_user_edits_a_writable_attribute_and_gets_the_profile_back() {
    // GIVEN a signed-in user
    let (_, api, username, tokens) = signed_in(PoolOptions::default()).await;
    // WHEN they set their birthdate
    let answer = patch(&api, json!({"attributes": {"birthdate": "1990-04-01"}}), access(&tokens)).await;
    // THEN the answer is the profile as GET /auth/me reads it, with the new value
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["username"], username.as_str());
    assert_eq!(answer.body["attributes"]["birthdate"], "1990-04-01");
    assert_eq!(api.get("/auth/me", Some(access(&tokens))).await.body, answer.body);
}

#[tokio::test]
async fn null_removes_an_attribute() {
    let (pool, api, username, tokens) = signed_in(PoolOptions::default()).await;
    let set = patch(&api, json!({"attributes": {"birthdate": "1990-04-01"}}), access(&tokens)).await;
    assert_eq!(set.status, 200, "{set:?}");
    // WHEN the user sends null for it THEN it is gone (DeleteUserAttributes)
    let removed = patch(&api, json!({"attributes": {"birthdate": null}}), access(&tokens)).await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert!(removed.body["attributes"].get("birthdate").is_none(), "{removed:?}");
    assert!(!admin_attributes(&pool, &username).await.contains_key("birthdate"));
}

#[tokio::test]
async fn an_attribute_users_may_not_write_is_refused_by_name_and_nothing_changes() {
    let (pool, api, username, tokens) = signed_in(PoolOptions::default()).await;
    let before = admin_attributes(&pool, &username).await;
    // The template's app client writes `birthdate` only: custom:universal_id is an
    // administrator's (preferred_username is refused by name: below).
    for name in ["custom:universal_id"] {
        // WHEN a writable attribute comes with one that is not
        let body = json!({"attributes": {"birthdate": "1990-04-01", name: "x"}});
        let answer = patch(&api, body, access(&tokens)).await;
        // THEN 400 names the field, and nothing changed (checked before any write)
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], format!("attributes.{name}"), "{answer:?}");
        assert!(answer.body["detail"].as_str().unwrap().contains("WriteAttributes"), "{answer:?}");
        assert_eq!(admin_attributes(&pool, &username).await, before);
    }
}

#[tokio::test]
async fn the_email_is_refused_here_with_the_route_that_changes_it() {
    // GIVEN an app client that may write the email (an operator widened WriteAttributes)
    let options =
        PoolOptions { client: Some(json!({"WriteAttributes": ["birthdate", "email"]})), ..Default::default() };
    let (pool, api, username, tokens) = signed_in(options).await;
    // WHEN the token's holder sends a new email to PATCH /auth/me
    let answer = patch(&api, json!({"attributes": {"email": "thief@example.net"}}), access(&tokens)).await;
    // THEN 400 on attributes.email, pointing to POST /auth/me/email (step-up, verification)
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "attributes.email");
    assert!(answer.body["detail"].as_str().unwrap().contains("POST /auth/me/email"), "{answer:?}");
    assert_eq!(admin_attributes(&pool, &username).await["email"], format!("{username}@example.com"));
}

/// `preferred_username` reaches ID tokens (a relying party may show or trust it as the
/// user's name): it is an administrator's, refused by name here even when the app
/// client may write it and the pool does not sign in with it.
#[tokio::test]
async fn preferred_username_is_refused_by_name_whatever_the_app_client_may_write() {
    let client = json!({"WriteAttributes": ["birthdate", "preferred_username"]});
    let (pool, api, username, tokens) = signed_in(PoolOptions { client: Some(client), ..Default::default() }).await;
    let before = admin_attributes(&pool, &username).await;
    for value in [json!("the_boss"), json!(null)] {
        let answer = patch(&api, json!({"attributes": {"preferred_username": value}}), access(&tokens)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], "attributes.preferred_username", "{answer:?}");
        assert!(answer.body["detail"].as_str().unwrap().contains("administrator"), "{answer:?}");
    }
    assert_eq!(admin_attributes(&pool, &username).await, before, "nothing written");
}

/// A stolen access token, with the widest WriteAttributes an operator might set: it
/// still moves no sign-in identifier, no SMS destination, no verified flag.
#[tokio::test]
async fn a_stolen_access_token_cannot_move_what_signs_in_or_receives_codes() {
    let client = json!({
        "WriteAttributes": ["birthdate", "email", "phone_number", "preferred_username", "name"],
        "ReadAttributes": ["email", "email_verified", "birthdate", "preferred_username", "name"],
    });
    let pool = create_pool(PoolOptions {
        client: Some(client),
        pool: Some(json!({"AliasAttributes": ["preferred_username"]})),
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let stolen = api.access_token(&username, PASSWORD).await;
    let before = admin_attributes(&pool, &username).await;
    for (name, value) in [
        ("phone_number", "+15555550100"),
        ("preferred_username", "thief"),
        ("email_verified", "true"),
        ("phone_number_verified", "true"),
        ("sub", "00000000-0000-0000-0000-000000000000"),
    ] {
        let answer = patch(&api, json!({"attributes": {name: value}}), &stolen).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], format!("attributes.{name}"), "{answer:?}");
    }
    assert_eq!(admin_attributes(&pool, &username).await, before);
    // What it can change is profile only: a name.
    let named = patch(&api, json!({"attributes": {"name": "Jane Roe"}}), &stolen).await;
    assert_eq!(named.body["attributes"]["name"], "Jane Roe", "{named:?}");
    // AND without a token, or with a made-up one, nothing at all
    let none = api.send("PATCH", "/auth/me", Some(("application/json", b"{\"attributes\":{}}".to_vec())), None).await;
    none.assert_problem(401, "UNAUTHENTICATED");
    patch(&api, json!({"attributes": {"name": "x"}}), "not-a-token").await.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn values_are_checked_against_the_schema() {
    let (_, api, _, tokens) = signed_in(PoolOptions::default()).await;
    for (attributes, field) in [
        (json!({"birthdate": "01/04/1990"}), "attributes.birthdate"),
        (json!({"birthdate": "1990-02-30"}), "attributes.birthdate"),
        (json!({"birthdate": ""}), "attributes.birthdate"),
        (json!({"custom:nothing": "x"}), "attributes.custom:nothing"),
        (json!({"dev:custom:failed_codes": null}), "attributes.dev:custom:failed_codes"),
        (json!({"birthdate": 19900401}), "attributes.birthdate"),
        (json!({}), "attributes"),
    ] {
        let answer = patch(&api, json!({"attributes": attributes}), access(&tokens)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], field, "{attributes}: {answer:?}");
    }
    // Unknown top-level fields are refused too: the body is `{"attributes"}` only.
    let answer =
        patch(&api, json!({"attributes": {"birthdate": "1990-04-01"}, "email": "x@example.net"}), access(&tokens))
            .await;
    assert_eq!(answer.body["field"], "email", "{answer:?}");
}

#[tokio::test]
async fn deleting_the_account_needs_a_fresh_proof() {
    // GIVEN a signed-in user, and a thief holding their access token
    let (pool, api, username, tokens) = signed_in(PoolOptions::default()).await;
    // WHEN the token alone asks THEN 403 REAUTHENTICATION_REQUIRED and the user stays
    delete(&api, json!({}), access(&tokens)).await.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    // AND a guessed password is refused alike, naming the field
    let guessed = json!({"reauthentication": {"currentPassword": "Guessed-Passw0rd"}});
    let answer = delete(&api, guessed, access(&tokens)).await;
    answer.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(answer.body["field"], "reauthentication.currentPassword");
    // AND an emailed code the thief cannot read is no way round it either
    let code = json!({"reauthentication": {"emailCode": "123456"}});
    delete(&api, code, access(&tokens)).await.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert!(sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.is_ok());
    assert_eq!(api.get("/auth/me", Some(access(&tokens))).await.status, 200);
}

#[tokio::test]
async fn a_deleted_account_is_gone_and_its_tokens_are_dead() {
    // GIVEN a signed-in user
    let (pool, api, username, tokens) = signed_in(PoolOptions::default()).await;
    // WHEN they delete the account with their password
    let answer = delete(&api, json!({"reauthentication": password_proof()}), access(&tokens)).await;
    // THEN 204, and the user is gone from the pool
    assert_eq!((answer.status, &answer.body), (204, &Value::String(String::new())), "{answer:?}");
    let gone = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await;
    assert!(gone.is_err());
    // AND the access token reads nothing and changes nothing
    api.get("/auth/me", Some(access(&tokens))).await.assert_problem(401, "UNAUTHENTICATED");
    patch(&api, json!({"attributes": {"birthdate": "1990-04-01"}}), access(&tokens))
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    delete(&api, json!({"reauthentication": password_proof()}), access(&tokens))
        .await
        .assert_problem(401, "UNAUTHENTICATED");
    // AND the refresh token mints nothing
    let refresh = json!({"refreshToken": tokens["refreshToken"]});
    api.post("/auth/refresh", refresh.clone(), None).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
    // AND a new user given the same username inherits none of it
    sdk()
        .admin_create_user()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .expect("a namesake");
    api.get("/auth/me", Some(access(&tokens))).await.assert_problem(401, "UNAUTHENTICATED");
    api.post("/auth/refresh", refresh, None).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
}

/// The last administrator would delete the pool's last way to administer it: DELETE
/// /auth/me refuses every member of the admin group, before any proof is spent, and
/// lets them go once another administrator has taken them out of the group.
#[tokio::test]
async fn an_administrator_cannot_delete_their_own_account_until_another_removes_them_from_the_group() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    // GIVEN the pool's administrator (the only one) and a second one
    let sole = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let proof = json!({"reauthentication": {"currentPassword": ADMIN_PASSWORD}});
    // WHEN the administrator deletes their own account, with a right password
    let answer = delete(&api, proof.clone(), &sole).await;
    // THEN 409 SELF_ADMINISTRATION, saying what to do, and the account stays
    answer.assert_problem(409, "SELF_ADMINISTRATION");
    assert!(answer.body["detail"].as_str().unwrap().contains("remove you from the admin group"), "{answer:?}");
    assert!(sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(ADMIN_USERNAME).send().await.is_ok());
    // AND without a proof the answer asks for one first, as for anyone (the refusal
    // above spent no proof: it came before the password was checked)
    delete(&api, json!({}), &sole).await.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    // AND once another administrator removes them from the group, they may go
    let other = confirmed_user(&pool, &["admin"]).await;
    let other_token = api.access_token(&other, PASSWORD).await;
    let removed =
        api.send("DELETE", &format!("/auth/users/{ADMIN_USERNAME}/groups/admin"), None, Some(&other_token)).await;
    assert_eq!(removed.status, 204, "{removed:?}");
    let deleted = delete(&api, proof, &sole).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
}

/// No answer tells a deleted account from one that never was, or its token from a revoked one.
#[tokio::test]
async fn a_deleted_account_answers_as_one_that_never_existed() {
    let (pool, api, username, tokens) = signed_in(PoolOptions::default()).await;
    // A signed-out user's token: revoked, the user still there.
    let other = confirmed_user(&pool, &[]).await;
    let revoked = api.access_token(&other, PASSWORD).await;
    let out = api.post("/auth/logout", json!({"everywhere": true}), Some(&revoked)).await;
    assert_eq!(out.status, 204, "{out:?}");
    let deleted = delete(&api, json!({"reauthentication": password_proof()}), access(&tokens)).await;
    assert_eq!(deleted.status, 204, "{deleted:?}");
    // THEN the deleted user's token reads as the revoked one does
    let (gone, signed_out) =
        (api.get("/auth/me", Some(access(&tokens))).await, api.get("/auth/me", Some(&revoked)).await);
    assert_eq!(seen(&gone), seen(&signed_out));
    // AND signing in as the deleted user answers as for a username nobody has
    let as_deleted = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    let as_nobody = api.post("/auth/login", json!({"username": "nobody-ever", "password": PASSWORD}), None).await;
    assert_eq!(seen(&as_deleted), seen(&as_nobody));
    as_deleted.assert_problem(401, "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn a_totp_user_deletes_with_the_password_and_a_code() {
    // GIVEN a user with TOTP, signed in with it
    let pool = create_pool(PoolOptions::mfa("OPTIONAL")).await;
    let api = TestApi::start(&pool).await;
    let (username, secret, token) = totp_user_with_token(&pool, &api).await;
    // WHEN they (or a thief who knows the password) send the password alone
    let alone = delete(&api, json!({"reauthentication": password_proof()}), &token).await;
    // THEN 403 asking for the authenticator's code
    alone.assert_problem(403, "REAUTHENTICATION_REQUIRED");
    assert_eq!(alone.body["field"], "reauthentication.mfaCode");
    // AND with the current code the account goes
    let code = totp_next(&secret).await;
    let proof = json!({"reauthentication": {"currentPassword": PASSWORD, "mfaCode": code}});
    let answer = delete(&api, proof, &token).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert!(sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.is_err());
}

#[tokio::test]
async fn a_user_deletes_with_a_code_from_their_verified_email() {
    let (pool, api, username, tokens) = signed_in(PoolOptions::default()).await;
    verify_email(&pool, &username).await;
    let sent = api.post("/auth/me/reauthentication", json!({}), Some(access(&tokens))).await;
    assert_eq!(sent.status, 202, "{sent:?}");
    let code = outbox_code(&username, "attribute_verification").await;
    let answer = delete(&api, json!({"reauthentication": {"emailCode": code}}), access(&tokens)).await;
    assert_eq!(answer.status, 204, "{answer:?}");
    assert!(sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.is_err());
}

#[tokio::test]
async fn in_cookie_mode_deletion_clears_the_session_cookies() {
    // GIVEN a browser signed in with cookies
    const APP: &str = "https://app.example";
    let pool = create_pool(PoolOptions::default()).await;
    let mut env = config_for(&pool);
    env.insert("CORS_ALLOWED_ORIGINS", APP.to_owned());
    let api = TestApi::start_with(env).await;
    let username = confirmed_user(&pool, &[]).await;
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/auth/login", api.base))
        .header("x-auth-mode", "cookie")
        .header("origin", APP)
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let refresh_cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| cookie::Cookie::parse(v.to_str().unwrap().to_owned()).unwrap())
        .find(|c| c.name() == "__Secure-auth-refresh")
        .expect("a refresh cookie");
    let body: Value = login.json().await.unwrap();
    let token = body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    // WHEN it deletes the account
    let deleted = http
        .delete(format!("{}/auth/me", api.base))
        .header("x-auth-mode", "cookie")
        .header("origin", APP)
        .bearer_auth(&token)
        .json(&json!({"reauthentication": password_proof()}))
        .send()
        .await
        .unwrap();
    // THEN 204, and every refresh and device cookie is cleared on each of its paths
    assert_eq!(deleted.status(), 204);
    let mut cleared: Vec<(String, String)> = deleted
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| cookie::Cookie::parse(v.to_str().unwrap().to_owned()).unwrap())
        .inspect(|c| {
            assert_eq!(c.value(), "", "{c}");
            assert_eq!(c.max_age(), Some(cookie::time::Duration::ZERO), "{c}");
        })
        .map(|c| (c.name().to_owned(), c.path().unwrap_or_default().to_owned()))
        .collect();
    cleared.sort();
    assert_eq!(
        cleared,
        [
            ("__Secure-auth-device".into(), "/auth/login".into()),
            ("__Secure-auth-device".into(), "/auth/refresh".into()),
            ("__Secure-auth-refresh".into(), "/auth/logout".into()),
            ("__Secure-auth-refresh".into(), "/auth/refresh".into()),
        ]
    );
    // AND the cookie the browser held refreshes nothing
    let refreshed = http
        .post(format!("{}/auth/refresh", api.base))
        .header("x-auth-mode", "cookie")
        .header("origin", APP)
        .header("cookie", format!("__Secure-auth-refresh={}", refresh_cookie.value()))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 401);
}
