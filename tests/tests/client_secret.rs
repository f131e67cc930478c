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

/// An attacker goes around API Gateway (its throttles, its WAF) to Cognito's public API
/// with the app client id alone. With the default pool (a client with a secret, as
/// template.yaml deploys it) Cognito refuses every such call.
#[tokio::test]
async fn cognitos_public_api_refuses_the_client_id_alone_by_default() {
    // GIVEN the default pool, a confirmed user and the app client id (public: it is in every token)
    let pool = create_pool(PoolOptions { allow_sign_up: true, ..Default::default() }).await;
    assert!(pool.client_secret.is_some(), "the default app client has a secret");
    let user = confirmed_user(&pool, &[]).await;
    let refused = |result: Result<(), (Option<String>, Option<String>)>| {
        let (code, message) = result.expect_err("Cognito refused the call");
        assert_eq!(code.as_deref(), Some("NotAuthorizedException"));
        assert_eq!(
            message.as_deref(),
            Some(format!("Client {} is configured for secret but secret was not received", pool.client_id).as_str())
        );
    };
    fn failure<T, E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata>(
        result: Result<T, E>,
    ) -> Result<(), (Option<String>, Option<String>)> {
        result.map(|_| ()).map_err(|e| (e.code().map(str::to_owned), e.message().map(str::to_owned)))
    }
    // WHEN the attacker guesses a reset code, sends reset mail, guesses a sign-up code, answers a challenge
    let sdk = sdk();
    let c = &pool.client_id;
    refused(failure(
        sdk.confirm_forgot_password()
            .client_id(c)
            .username(&user)
            .confirmation_code("123456")
            .password("Attacker-Passw0rd")
            .send()
            .await
            .map_err(|e| e.into_service_error()),
    ));
    refused(failure(
        sdk.forgot_password().client_id(c).username(&user).send().await.map_err(|e| e.into_service_error()),
    ));
    refused(failure(
        sdk.confirm_sign_up()
            .client_id(c)
            .username(&user)
            .confirmation_code("123456")
            .send()
            .await
            .map_err(|e| e.into_service_error()),
    ));
    refused(failure(
        sdk.resend_confirmation_code().client_id(c).username(&user).send().await.map_err(|e| e.into_service_error()),
    ));
    // (a real session: the password is known, the attacker answers the challenge around the API)
    let invited = user_with_temporary_password(&pool, Some("invited@example.com")).await;
    let api = TestApi::start(&pool).await;
    let login = api.post("/auth/login", json!({"username": invited, "password": PASSWORD}), None).await;
    let session = login.body["challenge"]["session"].as_str().expect("a challenge session").to_owned();
    refused(failure(
        sdk.respond_to_auth_challenge()
            .client_id(c)
            .challenge_name(aws_sdk_cognitoidentityprovider::types::ChallengeNameType::NewPasswordRequired)
            .session(session)
            .challenge_responses("USERNAME", &invited)
            .challenge_responses("NEW_PASSWORD", "Attacker-Passw0rd")
            .send()
            .await
            .map_err(|e| e.into_service_error()),
    ));
    // THEN (above) each is NotAuthorizedException, as Cognito answers a client with a secret
}
