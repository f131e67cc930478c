//! CORS: browsers from the configured origins only; none at all by default.

use integration_tests::*;

async fn preflight(api: &TestApi, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/auth/login", api.base))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn configured_origins_get_preflights_answered_and_others_do_not() {
    // GIVEN a server allowing one origin
    let pool = create_pool(PoolOptions::default()).await;
    let mut env = config_for(&pool);
    env.insert("CORS_ALLOWED_ORIGINS", "https://app.example, https://admin.example".into());
    let api = TestApi::start_with(env).await;
    // WHEN that origin sends a preflight THEN it is allowed
    let allowed = preflight(&api, "https://app.example").await;
    assert!(allowed.status().is_success(), "{allowed:?}");
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example");
    // WHEN another origin does THEN no allow-origin header
    let other = preflight(&api, "https://evil.example").await;
    assert!(other.headers().get("access-control-allow-origin").is_none(), "{other:?}");
}

#[tokio::test]
async fn without_configured_origins_there_are_no_cors_headers() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let answer = preflight(&api, "https://app.example").await;
    assert!(answer.headers().get("access-control-allow-origin").is_none(), "{answer:?}");
}
