//! An enumerating stranger, through the API: sign-up and the public code routes
//! answer a real user exactly as an unknown one (status, code, detail, field,
//! headers), attempt limits included; one address, one account; an email-shaped
//! username is the user's own email.

use integration_tests::*;
use serde_json::{json, Value};

async fn sign_up_pool() -> (Pool, TestApi) {
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    let api = TestApi::start(&pool).await;
    (pool, api)
}

fn unique(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::new_v4())
}

async fn sign_up(api: &TestApi, username: &str, email: &str) -> Answer {
    api.post("/auth/signup", json!({"username": username, "email": email, "password": PASSWORD}), None).await
}

/// A sign-up confirmed with its emailed code: an account that holds its address.
async fn confirmed_sign_up(api: &TestApi, username: &str, email: &str) {
    assert_eq!(sign_up(api, username, email).await.status, 201);
    let code = outbox_code(username, "sign_up").await;
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
}

/// Users of `pool` who hold `email`.
async fn holders(pool: &Pool, email: &str) -> Vec<String> {
    let found = sdk()
        .list_users()
        .user_pool_id(&pool.user_pool_id)
        .filter(format!("email = \"{email}\""))
        .send()
        .await
        .expect("listed");
    found.users().iter().filter_map(|u| u.username().map(str::to_owned)).collect()
}

/// Messages the local Cognito sent to `username` in `pool`.
async fn messages_to(pool: &Pool, username: &str) -> usize {
    let messages = outbox().await;
    messages.iter().filter(|m| m["userPoolId"] == pool.user_pool_id.as_str() && m["username"] == username).count()
}

#[tokio::test]
async fn a_taken_username_or_email_is_answered_as_a_new_sign_up_and_creates_nothing() {
    // GIVEN three pools: one where `username` and `email` are new, one where another
    // user holds `email`, one where another user has `username`
    let (username, email) = (unique("sam"), format!("{}@example.com", unique("sam")));
    let (_, fresh_api) = sign_up_pool().await;
    let (held_pool, held_api) = sign_up_pool().await;
    let holder = unique("holder");
    confirmed_sign_up(&held_api, &holder, &email).await;
    let (taken_pool, taken_api) = sign_up_pool().await;
    let first_email = format!("{}@example.com", unique("first"));
    assert_eq!(sign_up(&taken_api, &username, &first_email).await.status, 201);

    // WHEN the same sign-up is sent to each (the held address in other letter case)
    let fresh = sign_up(&fresh_api, &username, &email).await;
    let held = sign_up(&held_api, &username, &email.to_uppercase()).await;
    let taken = sign_up(&taken_api, &username, &email).await;

    // THEN the three answers are the same, bytes and headers, apart from request ids
    assert_eq!(fresh.status, 201, "{fresh:?}");
    assert_eq!(seen(&held), seen(&fresh));
    assert_eq!(seen(&taken), seen(&fresh));
    // AND nothing was created or changed: one address, one account
    assert_eq!(holders(&held_pool, &email).await, [holder.as_str()]);
    assert!(holders(&held_pool, &email.to_uppercase()).await.is_empty());
    assert_eq!(messages_to(&held_pool, &username).await, 0, "no code for an account never made");
    assert_eq!(holders(&taken_pool, &first_email).await, [username.as_str()]);
    assert!(holders(&taken_pool, &email).await.is_empty());
    assert_eq!(messages_to(&taken_pool, &username).await, 1, "only the first sign-up's code");
}

#[tokio::test]
async fn an_email_shaped_username_must_be_the_users_own_email() {
    let (pool, api) = sign_up_pool().await;
    // WHEN an attacker signs up as ceo@example.com with their own address
    let squat = sign_up(&api, "ceo@example.com", "eve@attacker.example").await;
    // THEN refused, naming the username, and no account
    squat.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(squat.body["field"], "username");
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username("ceo@example.com").send().await;
    assert!(lookup.is_err(), "no user was created");
    // AND the owner of the address may use it as a username
    assert_eq!(sign_up(&api, "Ceo@Example.com", "ceo@example.com").await.status, 201);
    // AND an administrator cannot create such a user either
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let body = json!({"username": "cfo@example.com", "email": "eve@attacker.example", "sendInvitation": false, "temporaryPassword": "Temp-Passw0rd-1"});
    let created = api.post("/auth/users", body, Some(&admin)).await;
    created.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(created.body["field"], "username");
}

#[tokio::test]
async fn an_attribute_the_client_may_not_write_is_the_callers_400_not_a_500() {
    let (_, api) = sign_up_pool().await;
    let body = json!({"username": unique("ann"), "email": "ann@example.com", "password": PASSWORD,
        "attributes": {"custom:universal_id": "admin"}});
    let answer = api.post("/auth/signup", body, None).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "attributes.custom:universal_id");
}

#[tokio::test]
async fn password_reset_answers_a_real_user_as_an_unknown_one_locked_out_included() {
    // GIVEN a real user who asked for a reset code, one who never did, and a made-up name
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let asked = confirmed_user(&pool, &[]).await;
    verify_email(&pool, &asked).await;
    assert_eq!(api.post("/auth/password/forgot", json!({"username": asked}), None).await.status, 202);
    let code = outbox_code(&asked, "forgot_password").await;
    let never_asked = confirmed_user(&pool, &[]).await;
    let reset = |username: String, code: &str, password: &str| {
        let body = json!({"username": username, "code": code, "newPassword": password});
        let api = &api;
        async move { api.post("/auth/password/reset", body, None).await }
    };
    let wrong = wrong_code(&code);
    // WHEN each tries a weak password THEN one answer, from the API's own policy check
    let unknown = reset("nobody-at-all".into(), wrong, "weakpassword").await;
    unknown.assert_problem(400, "INVALID_PASSWORD");
    assert_eq!(seen(&reset(asked.clone(), wrong, "weakpassword").await), seen(&unknown));
    assert_eq!(seen(&reset(never_asked.clone(), wrong, "weakpassword").await), seen(&unknown));
    // AND made-up codes, seven times over (past the attempt limit), get one answer
    for attempt in 0..7 {
        let unknown = reset("nobody-at-all".into(), wrong, "Reset-Passw0rd-1").await;
        unknown.assert_problem(400, "CODE_MISMATCH");
        assert_eq!(seen(&reset(asked.clone(), wrong, "Reset-Passw0rd-1").await), seen(&unknown), "attempt {attempt}");
        assert_eq!(
            seen(&reset(never_asked.clone(), wrong, "Reset-Passw0rd-1").await),
            seen(&unknown),
            "attempt {attempt}"
        );
    }
    // AND the locked-out user's right code looks like any wrong one
    let locked = reset(asked.clone(), &code, "Reset-Passw0rd-1").await;
    assert_eq!(seen(&locked), seen(&reset("nobody-at-all".into(), &code, "Reset-Passw0rd-1").await));
}

#[tokio::test]
async fn sign_up_confirmation_answers_a_real_user_as_an_unknown_one_locked_out_included() {
    // GIVEN an unconfirmed user, a confirmed one, and a made-up name
    let (pool, api) = sign_up_pool().await;
    let pending = unique("pat");
    assert_eq!(sign_up(&api, &pending, &format!("{pending}@example.com")).await.status, 201);
    let code = outbox_code(&pending, "sign_up").await;
    let confirmed = confirmed_user(&pool, &[]).await;
    let confirm = |username: String, code: &str| {
        let body = json!({"username": username, "code": code});
        let api = &api;
        async move { api.post("/auth/signup/confirm", body, None).await }
    };
    let wrong = wrong_code(&code);
    // WHEN made-up codes are tried, seven times over THEN one answer for all three
    for attempt in 0..7 {
        let unknown = confirm("nobody-at-all".into(), wrong).await;
        unknown.assert_problem(400, "CODE_MISMATCH");
        assert_eq!(unknown.header("retry-after"), None);
        assert_eq!(seen(&confirm(pending.clone(), wrong).await), seen(&unknown), "attempt {attempt}");
        assert_eq!(seen(&confirm(confirmed.clone(), wrong).await), seen(&unknown), "attempt {attempt}");
    }
    // AND the locked-out user's right code looks like any wrong one
    assert_eq!(seen(&confirm(pending.clone(), &code).await), seen(&confirm("nobody-at-all".into(), &code).await));
}

#[tokio::test]
async fn a_weak_sign_up_password_is_refused_the_same_for_a_taken_username() {
    let (_, api) = sign_up_pool().await;
    let taken = unique("tom");
    assert_eq!(sign_up(&api, &taken, &format!("{taken}@example.com")).await.status, 201);
    let weak = |username: String| {
        let body = json!({"username": username, "email": "new@example.com", "password": "weakpassword"});
        let api = &api;
        async move { api.post("/auth/signup", body, None).await }
    };
    let fresh = weak(unique("new")).await;
    fresh.assert_problem(400, "INVALID_PASSWORD");
    assert_eq!(fresh.body["detail"], "Password did not conform with policy: Password must have uppercase characters");
    assert_eq!(seen(&weak(taken).await), seen(&fresh));
}

#[tokio::test]
async fn a_held_address_is_refused_exactly_as_a_new_one_would_be() {
    // GIVEN an admin-only pool where admin@example.com is held
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    // THEN sign-up is refused alike (no 201 for the held address alone)
    let held = sign_up(&api, "someone", "admin@example.com").await;
    let new = sign_up(&api, "someone", "new@example.com").await;
    new.assert_problem(403, "SIGN_UP_DISABLED");
    assert_eq!(seen(&held), seen(&new));

    // GIVEN an open pool where one address is held
    let (_, api) = sign_up_pool().await;
    let holder_email = format!("{}@example.com", unique("held"));
    confirmed_sign_up(&api, &unique("holder"), &holder_email).await;
    let with = |email: String, attributes: Value| {
        let body = json!({"username": "same-name", "email": email, "password": PASSWORD, "attributes": attributes});
        let api = &api;
        async move { api.post("/auth/signup", body, None).await }
    };
    // THEN an attribute the client may not write, or one the pool lacks, is refused alike
    for attributes in [json!({"custom:universal_id": "admin"}), json!({"custom:nope": "x"})] {
        let new = with("new@example.com".into(), attributes.clone()).await;
        assert_eq!(new.status, 400, "{new:?}");
        assert_eq!(seen(&with(holder_email.clone(), attributes).await), seen(&new));
    }
}

#[tokio::test]
async fn an_unconfirmed_sign_up_cannot_squat_its_owners_address() {
    // GIVEN an attacker who signed up first with the victim's address (and cannot confirm:
    // the code went to the victim)
    let (pool, api) = sign_up_pool().await;
    let email = format!("{}@example.com", unique("victim"));
    let (mallory, victim) = (unique("mallory"), unique("victim"));
    assert_eq!(sign_up(&api, &mallory, &email).await.status, 201);
    // WHEN the owner of the address signs up THEN their account is made and a code is sent
    confirmed_sign_up(&api, &victim, &email).await;
    assert_eq!(messages_to(&pool, &victim).await, 1);
    // AND the squatter's account can no longer be confirmed, even with the code it was sent
    let squatters_code = outbox_code(&mallory, "sign_up").await;
    let refused = api.post("/auth/signup/confirm", json!({"username": mallory, "code": squatters_code}), None).await;
    let wrong =
        api.post("/auth/signup/confirm", json!({"username": mallory, "code": wrong_code(&squatters_code)}), None).await;
    assert_eq!(seen(&refused), seen(&wrong), "refused as a wrong code is");
    let status = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&mallory).send().await.unwrap();
    assert_eq!(status.user_status().map(|s| s.as_str()), Some("UNCONFIRMED"));
    // AND the address has one confirmed holder: the owner
    assert!(!api.access_token(&victim, PASSWORD).await.is_empty());
}
