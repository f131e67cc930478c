//! Logout: one sign-in (RevokeToken) or every one (GlobalSignOut); a second
//! logout is harmless.

use integration_tests::*;
use serde_json::json;

#[tokio::test]
async fn logout_revokes_the_refresh_token_and_its_access_tokens() {
    for client_secret in [false, true] {
        // GIVEN a signed-in user
        let pool = create_pool(PoolOptions { client_secret, ..Default::default() }).await;
        let api = TestApi::start(&pool).await;
        let username = confirmed_user(&pool, &[]).await;
        let tokens = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await.body
            ["tokens"]
            .clone();
        let (access, refresh) = (tokens["accessToken"].as_str().unwrap(), tokens["refreshToken"].as_str().unwrap());
        // WHEN they log out THEN 204, and neither token works any more
        let logout = || api.post("/auth/logout", json!({"refreshToken": refresh}), Some(access));
        assert_eq!(logout().await.status, 204);
        api.get("/auth/me", Some(access)).await.assert_problem(401, "UNAUTHENTICATED");
        api.post("/auth/refresh", json!({"refreshToken": refresh}), None)
            .await
            .assert_problem(401, "INVALID_REFRESH_TOKEN");
        // AND a second logout is harmless
        let again = logout().await;
        assert_eq!((again.status, &again.body), (204, &json!("")), "{again:?}");
    }
}

#[tokio::test]
async fn logout_everywhere_ends_every_sign_in() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let (phone, laptop) = (api.access_token(&username, PASSWORD).await, api.access_token(&username, PASSWORD).await);
    assert_eq!(api.post("/auth/logout", json!({"everywhere": true}), Some(&phone)).await.status, 204);
    api.get("/auth/me", Some(&laptop)).await.assert_problem(401, "UNAUTHENTICATED");
    assert_eq!(api.post("/auth/logout", json!({"everywhere": true}), Some(&phone)).await.status, 204);
}

#[tokio::test]
async fn logout_says_what_to_send() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let answer = api.post("/auth/logout", json!({}), Some(&token)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "refreshToken");
    api.post("/auth/logout", json!({"everywhere": true}), None).await.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn logout_with_a_refresh_token_needs_an_access_token_of_this_client() {
    // GIVEN a signed-in user, and bearers that are not this client's access tokens:
    // garbage, the user's own ID token, another pool's access token
    let pool = create_pool(PoolOptions::default()).await;
    let other_pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let other_api = TestApi::start(&other_pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let tokens =
        api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await.body["tokens"].clone();
    let refresh = tokens["refreshToken"].as_str().unwrap();
    let foreign = other_api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let bearers = [
        ("garbage", "UNAUTHENTICATED"),
        (tokens["idToken"].as_str().unwrap(), "WRONG_TOKEN_TYPE"),
        (&foreign, "UNAUTHENTICATED"),
    ];
    for (bearer, code) in bearers {
        // WHEN someone logs out the refresh token with it
        let answer = api.post("/auth/logout", json!({"refreshToken": refresh}), Some(bearer)).await;
        // THEN 401, and the refresh token still works
        answer.assert_problem(401, code);
        assert_eq!(api.post("/auth/refresh", json!({"refreshToken": refresh}), None).await.status, 200);
    }
}
