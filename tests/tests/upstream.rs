//! Cognito unreachable or silent: a prompt 503 UPSTREAM_UNAVAILABLE with
//! Retry-After, within the configured bound, never an API Gateway timeout.

use std::time::{Duration, Instant};

use integration_tests::*;
use serde_json::json;

fn pool_at(endpoint: String) -> std::collections::HashMap<&'static str, String> {
    std::collections::HashMap::from([
        ("COGNITO_USER_POOL_ID", "us-east-1_nowhere".to_owned()),
        ("COGNITO_CLIENT_ID", "client".to_owned()),
        ("COGNITO_ENDPOINT_URL", endpoint),
        ("COGNITO_TIMEOUT_MS", "1500".to_owned()),
    ])
}

async fn assert_unavailable_within_bound(api: &TestApi) {
    for (method, path, body, token) in [
        ("POST", "/auth/login", Some(json!({"username": "a", "password": "b"})), None),
        ("GET", "/auth/me", None, Some("some.access.token")),
        // The admin route fetches the pool's signing keys first: that fails the same way.
        (
            "POST",
            "/auth/users",
            Some(json!({"email": "a@example.com"})),
            Some("eyJhbGciOiJSUzI1NiIsImtpZCI6ImR1bW15In0.e30.c2ln"),
        ),
    ] {
        let started = Instant::now();
        let answer =
            api.send(method, path, body.map(|b| ("application/json", b.to_string().into_bytes())), token).await;
        let took = started.elapsed();
        answer.assert_problem(503, "UPSTREAM_UNAVAILABLE");
        assert!(answer.header("retry-after").is_some(), "{answer:?}");
        // The bound is 1.5 s, for Cognito calls and for fetching the signing keys alike.
        assert!(took < Duration::from_secs(3), "{path} took {took:?}");
    }
}

#[tokio::test]
async fn with_cognito_stopped_the_api_answers_503() {
    // GIVEN a Cognito endpoint where nothing listens (a port just freed)
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let api = TestApi::start_with(pool_at(format!("http://127.0.0.1:{port}"))).await;
    assert_unavailable_within_bound(&api).await;
}

#[tokio::test]
async fn with_cognito_silent_the_api_answers_503_within_the_bound() {
    // GIVEN a Cognito endpoint that accepts connections and never answers
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let api = TestApi::start_with(pool_at(format!("http://{address}"))).await;
    assert_unavailable_within_bound(&api).await;
}
