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

#[tokio::test]
async fn listed_origins_may_send_credentials_and_the_auth_mode_header_others_may_not() {
    // GIVEN a server allowing one origin
    let pool = create_pool(PoolOptions::default()).await;
    let mut env = config_for(&pool);
    env.insert("CORS_ALLOWED_ORIGINS", "https://app.example".into());
    let api = TestApi::start_with(env).await;
    let cookie_preflight = |origin: &'static str| {
        reqwest::Client::new()
            .request(reqwest::Method::OPTIONS, format!("{}/auth/refresh", api.base))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, x-auth-mode")
            .send()
    };
    // WHEN the listed origin asks to send cookies and X-Auth-Mode THEN it may: with its own
    // origin named (never `*`, which browsers refuse with credentials)
    let allowed = cookie_preflight("https://app.example").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example");
    assert_eq!(allowed.headers()["access-control-allow-credentials"], "true");
    let headers = allowed.headers()["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(headers.split(',').any(|h| h.trim() == "x-auth-mode"), "{headers}");
    // WHEN another origin asks THEN it gets no CORS header at all: not its origin, not
    // credentials, not even the methods and headers the API takes
    let other = cookie_preflight("https://evil.example").await.unwrap();
    let cors: Vec<_> = other.headers().keys().filter(|h| h.as_str().starts_with("access-control-")).collect();
    assert!(cors.is_empty(), "{other:?}");
}
