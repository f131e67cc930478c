//! A Cognito that never answers: the client built in the one place gives up with
//! a timeout, after at most MAX_ATTEMPTS attempts, rather than hanging a function
//! (a trigger has 5 s in all, an API function 25).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::config::Credentials;
use aws_sdk_cognitoidentityprovider::error::SdkError;
use lambda_common::aws_clients::{cognito_config, Settings, MAX_ATTEMPTS};

/// Accepts connections and never answers; counts them.
async fn silent_endpoint() -> (String, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicU32::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(connection);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_cognito_that_never_answers_is_a_timeout_after_at_most_the_bounded_attempts() {
    // GIVEN a client from the one builder, pointed at an endpoint that never answers
    let (url, accepted) = silent_endpoint().await;
    let settings = Settings { region: "us-east-1", endpoint_url: Some(&url), timeout: Duration::from_millis(600) };
    let config = cognito_config(&settings).await.credentials_provider(Credentials::for_tests()).build();
    let client = aws_sdk_cognitoidentityprovider::Client::from_conf(config);

    // WHEN a trigger's call is made
    let outcome =
        client.admin_add_user_to_group().user_pool_id("us-east-1_Pool").username("u").group_name("g").send().await;

    // THEN it ends, as a timeout, having tried at most MAX_ATTEMPTS times
    let error = outcome.expect_err("nothing answered");
    assert!(matches!(error, SdkError::TimeoutError(_)), "{error:?}");
    let attempts = accepted.load(Ordering::SeqCst);
    assert!((1..=MAX_ATTEMPTS).contains(&attempts), "{attempts} attempts");
}
