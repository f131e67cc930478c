//! The Cognito client, built once per execution environment by the one builder
//! every function uses (lambda_common::aws_clients), with the API's caller key;
//! and the loader the function's other AWS clients start from.

use aws_sdk_cognitoidentityprovider::Client;

use crate::caller_key::CallerKey;
use crate::config::Config;
use crate::retry_policy::RetryPolicy;

/// Every call is bounded by `config.cognito_timeout`, retries included, so a
/// Cognito outage becomes a prompt 503 rather than an API Gateway timeout; only
/// the calls a second attempt cannot double are retried (`retry_policy`).
pub async fn client(config: &Config) -> Client {
    let settings = lambda_common::aws_clients::Settings {
        region: &config.region,
        endpoint_url: config.endpoint_url.as_deref(),
        timeout: config.cognito_timeout,
    };
    let mut cognito = lambda_common::aws_clients::cognito_config(&settings)
        .await
        .interceptor(RetryPolicy::new(config.cognito_timeout));
    if let Some(key) = &config.caller_key {
        cognito = cognito.interceptor(CallerKey::new(key.clone()));
    }
    Client::from_conf(cognito.build())
}

/// Region, timeouts and retries shared by every AWS client of a function.
pub fn sdk_loader(config: &Config, region: &str) -> aws_config::ConfigLoader {
    lambda_common::aws_clients::sdk_loader(region, config.cognito_timeout)
}
