//! The caller key (auth_api::caller_key): the pool's web ACL lets through only
//! Cognito calls that carry it, and a function without the right key says so.

use integration_tests::*;

#[tokio::test]
async fn the_functions_calls_carry_the_key_and_get_through() {
    // GIVEN a pool whose web ACL lets through only the caller key, and the API configured with it
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    // WHEN the admin signs in and reads their account (InitiateAuth-like and GetUser calls)
    let token = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    // THEN both get through
    assert_eq!(api.get("/auth/me", Some(&token)).await.status, 200);
}

#[tokio::test]
async fn a_function_without_the_key_or_with_another_is_a_named_configuration_error() {
    let pool = create_pool(PoolOptions::default()).await;
    let token = TestApi::start(&pool).await.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    for key in [None, Some("an-old-key")] {
        // GIVEN the API without the caller key, or with one the web ACL does not hold
        let mut env = config_for(&pool);
        match key {
            None => env.remove("COGNITO_CALLER_KEY"),
            Some(key) => env.insert("COGNITO_CALLER_KEY", key.to_owned()),
        };
        let api = TestApi::start_with(env).await;
        // WHEN a user reads their account (GetUser: a public-API call; sign-in is an admin call)
        let answer = api.get("/auth/me", Some(&token)).await;
        // THEN 500 naming the setting, and never the key itself
        answer.assert_problem(500, "MISCONFIGURED");
        assert!(answer.body["detail"].as_str().unwrap().contains("COGNITO_CALLER_KEY"), "{answer:?}");
        assert!(!answer.body.to_string().contains(CALLER_KEY), "{answer:?}");
    }
}
