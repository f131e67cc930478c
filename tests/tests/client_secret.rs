//! The client secret read from Secrets Manager on first use, as deployed.

use integration_tests::secrets_manager::SecretsManager;
use integration_tests::*;
use serde_json::json;

/// The function finds Secrets Manager through the SDK's standard variable, as it would in Lambda.
async fn secrets_manager() -> SecretsManager {
    let secrets = SecretsManager::start().await;
    std::env::set_var("AWS_ENDPOINT_URL_SECRETS_MANAGER", &secrets.url);
    secrets
}

#[tokio::test]
async fn login_works_with_the_secret_read_from_secrets_manager() {
    // GIVEN a secret client whose secret is stored in Secrets Manager, and not in the environment
    let secrets = secrets_manager().await;
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    let arn = secrets.put("client-secret", pool.client_secret.as_deref().unwrap());
    let mut env = config_for(&pool);
    env.remove("COGNITO_CLIENT_SECRET");
    env.insert("COGNITO_CLIENT_SECRET_ARN", arn);
    let api = TestApi::start_with(env).await;
    // WHEN the admin logs in, twice (the second from the cached secret) THEN tokens come back
    for _ in 0..2 {
        api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    }
}

#[tokio::test]
async fn an_unreadable_secret_is_a_named_configuration_error() {
    let _secrets = secrets_manager().await;
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
