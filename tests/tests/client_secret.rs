//! The client secret read from Secrets Manager on first use, as deployed.

use integration_tests::*;
use serde_json::json;

async fn secrets_manager() -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new("local", "local", None, None, "tests"))
        .endpoint_url(local_cognito_url())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

fn point_secrets_manager_at_the_emulator() {
    // The function finds Secrets Manager through the SDK's standard variable, as a test would in Lambda.
    std::env::set_var("AWS_ENDPOINT_URL_SECRETS_MANAGER", local_cognito_url());
}

#[tokio::test]
async fn login_works_with_the_secret_read_from_secrets_manager() {
    // GIVEN a secret client whose secret is stored in Secrets Manager, and not in the environment
    point_secrets_manager_at_the_emulator();
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    let stored = secrets_manager()
        .await
        .create_secret()
        .name(format!("client-secret-{}", uuid::Uuid::new_v4()))
        .secret_string(pool.client_secret.clone().unwrap())
        .send()
        .await
        .expect("secret stored");
    let mut env = config_for(&pool);
    env.remove("COGNITO_CLIENT_SECRET");
    env.insert("COGNITO_CLIENT_SECRET_ARN", stored.arn().unwrap().to_owned());
    let api = TestApi::start_with(env).await;
    // WHEN the admin logs in, twice (the second from the cached secret) THEN tokens come back
    for _ in 0..2 {
        api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    }
}

#[tokio::test]
async fn an_unreadable_secret_is_a_named_configuration_error() {
    point_secrets_manager_at_the_emulator();
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    let mut env = config_for(&pool);
    env.remove("COGNITO_CLIENT_SECRET");
    env.insert(
        "COGNITO_CLIENT_SECRET_ARN",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf".into(),
    );
    let api = TestApi::start_with(env).await;
    let answer = api.post("/auth/login", json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}), None).await;
    answer.assert_problem(500, "MISCONFIGURED");
    assert!(answer.body["detail"].as_str().unwrap().contains("COGNITO_CLIENT_SECRET_ARN"), "{answer:?}");
}
