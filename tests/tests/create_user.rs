//! POST /auth/users: only administrators, with their access token verified by the API itself.

use integration_tests::*;
use serde_json::{json, Value};

fn jane() -> Value {
    json!({"email": "jane@example.com", "username": format!("jane-{}", uuid::Uuid::new_v4()), "sendInvitation": false, "temporaryPassword": "Temp-Passw0rd-1"})
}

#[tokio::test]
async fn without_a_token_it_is_unauthenticated() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let answer = api.post("/auth/users", jane(), None).await;
    answer.assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(answer.header("www-authenticate"), Some("Bearer"));
}

#[tokio::test]
async fn a_forged_or_mangled_token_is_unauthenticated_and_creates_nobody() {
    // GIVEN a real admin token, and tokens made from it
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let real = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let parts: Vec<&str> = real.split('.').collect();
    let unsigned = format!("{}.{}.", parts[0], parts[1]);
    let resigned = format!("{}.{}.{}", parts[0], parts[1], "c2lnbmF0dXJlLW9mLWFuLWF0dGFja2Vy");
    let none_alg = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{}.", parts[1]);
    let before = pool_snapshot(&pool).await;
    for token in [unsigned.as_str(), resigned.as_str(), none_alg.as_str(), "not-a-jwt", "a.b.c"] {
        // WHEN each is used THEN 401 and the pool is unchanged
        api.post("/auth/users", jane(), Some(token)).await.assert_problem(401, "UNAUTHENTICATED");
    }
    assert_eq!(pool_snapshot(&pool).await, before);
}

#[tokio::test]
async fn a_token_from_another_pool_is_unauthenticated() {
    // GIVEN an admin token of another pool, signed by the same emulator key
    let pool = create_pool(PoolOptions::default()).await;
    let other = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let foreign = TestApi::start(&other).await.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    // WHEN it is used THEN the issuer check refuses it
    api.post("/auth/users", jane(), Some(&foreign)).await.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_id_token_is_not_an_access_token() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let login = api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await;
    let id_token = login.body["tokens"]["idToken"].as_str().unwrap();
    // An ID token where an access token belongs: the client sent the wrong one, and is told so
    let wrong = api.post("/auth/users", jane(), Some(id_token)).await;
    wrong.assert_problem(401, "WRONG_TOKEN_TYPE");
    assert!(wrong.body["detail"].as_str().unwrap().contains("accessToken"), "{wrong:?}");
}

#[tokio::test]
async fn a_user_outside_the_admin_group_is_forbidden() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let token = api.access_token(&username, PASSWORD).await;
    let before = pool_snapshot(&pool).await;
    api.post("/auth/users", jane(), Some(&token)).await.assert_problem(403, "FORBIDDEN");
    assert_eq!(pool_snapshot(&pool).await, before);
}

#[tokio::test]
async fn the_admin_group_is_configurable() {
    // GIVEN a server whose admin group is "operators", and a user in it
    let pool = create_pool(PoolOptions::default()).await;
    sdk().create_group().user_pool_id(&pool.user_pool_id).group_name("operators").send().await.unwrap();
    let operator = confirmed_user(&pool, &["operators"]).await;
    let mut env = config_for(&pool);
    env.insert("ADMIN_GROUP", "operators".into());
    let api = TestApi::start_with(env).await;
    // THEN the operator may create users and the "admin" group's member may not
    let token = api.access_token(&operator, PASSWORD).await;
    assert_eq!(api.post("/auth/users", jane(), Some(&token)).await.status, 201);
    let admin_token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    api.post("/auth/users", jane(), Some(&admin_token)).await.assert_problem(403, "FORBIDDEN");
}

#[tokio::test]
async fn a_duplicate_username_is_a_conflict() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let user = jane();
    assert_eq!(api.post("/auth/users", user.clone(), Some(&token)).await.status, 201);
    api.post("/auth/users", user, Some(&token)).await.assert_problem(409, "USERNAME_EXISTS");
}

#[tokio::test]
async fn only_the_attributes_the_deployment_allows_may_be_set() {
    // GIVEN the default allow-list, which lacks custom:shoe_size and phone_number_verified
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    for name in ["custom:shoe_size", "phone_number_verified", "dev:custom:universal_id"] {
        let mut user = jane();
        user["attributes"] = json!({name: "x", "birthdate": "1990-01-31"});
        let answer = api.post("/auth/users", user, Some(&token)).await;
        answer.assert_problem(400, "VALIDATION_FAILED");
        assert_eq!(answer.body["field"], format!("attributes.{name}"), "{answer:?}");
    }
    assert!(pool_snapshot(&pool).await.iter().all(|(name, _)| name == ADMIN_USERNAME), "nobody was created");
}

#[tokio::test]
async fn attributes_allowed_but_not_in_the_pool_are_named() {
    // GIVEN an allow-list naming an attribute the pool lacks
    let pool = create_pool(PoolOptions::default()).await;
    let mut env = config_for(&pool);
    env.insert("CREATE_USER_ATTRIBUTES", "birthdate,custom:shoe_size".into());
    let api = TestApi::start_with(env).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let mut user = jane();
    user["attributes"] = json!({"custom:shoe_size": "9", "birthdate": "1990-01-31"});
    let answer = api.post("/auth/users", user, Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "attributes");
    assert!(answer.body["detail"].as_str().unwrap().contains("custom:shoe_size"), "{answer:?}");
}

#[tokio::test]
async fn an_account_nobody_can_enter_is_refused() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    // No invitation and no temporary password: nobody would learn the password.
    let mut user = jane();
    user["sendInvitation"] = json!(false);
    user.as_object_mut().unwrap().remove("temporaryPassword");
    let answer = api.post("/auth/users", user, Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "temporaryPassword");
    // Optional fields are strings or left out, never null.
    let mut user = jane();
    user["username"] = json!(null);
    let answer = api.post("/auth/users", user, Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "username");
}

#[tokio::test]
async fn a_weak_temporary_password_is_refused_with_the_reason() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let mut user = jane();
    user["temporaryPassword"] = json!("alllowercase-and-long");
    let answer = api.post("/auth/users", user, Some(&token)).await;
    answer.assert_problem(400, "INVALID_PASSWORD");
    assert_eq!(answer.body["field"], "temporaryPassword");
    assert!(answer.body["detail"].as_str().unwrap().contains("uppercase"), "{answer:?}");
}

#[tokio::test]
async fn email_and_email_verified_have_their_own_fields() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let mut user = jane();
    user["attributes"] = json!({"email_verified": "true"});
    let answer = api.post("/auth/users", user.clone(), Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "attributes.email_verified");
    // AND the emailVerified field is how an administrator vouches for the address
    user["attributes"] = json!({});
    user["emailVerified"] = json!(true);
    let created = api.post("/auth/users", user, Some(&token)).await;
    assert_eq!(created.body["attributes"]["email_verified"], "true", "{created:?}");
}

/// The admin's token still verifies locally after each of these; Cognito says otherwise.
#[tokio::test]
async fn stale_admin_rights_are_refused() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let create = |token: String| {
        let api = &api;
        async move { api.post("/auth/users", jane(), Some(&token)).await }
    };
    // GIVEN an admin who signed out everywhere
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = api.access_token(&admin, PASSWORD).await;
    sdk().admin_user_global_sign_out().user_pool_id(&pool.user_pool_id).username(&admin).send().await.unwrap();
    create(token).await.assert_problem(401, "UNAUTHENTICATED");
    // GIVEN an admin who was disabled
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = api.access_token(&admin, PASSWORD).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&admin).send().await.unwrap();
    create(token).await.assert_problem(401, "UNAUTHENTICATED");
    // GIVEN an admin removed from the group
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = api.access_token(&admin, PASSWORD).await;
    sdk()
        .admin_remove_user_from_group()
        .user_pool_id(&pool.user_pool_id)
        .username(&admin)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    create(token).await.assert_problem(403, "FORBIDDEN");
    assert!(pool_snapshot(&pool).await.iter().all(|(name, _)| !name.starts_with("jane-")), "nobody was created");
}
