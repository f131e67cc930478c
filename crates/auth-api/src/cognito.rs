//! The Cognito client, built once per execution environment, and the AWS
//! settings every client of a function shares.

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use std::time::Duration;

use crate::caller_key::CallerKey;
use crate::config::Config;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts, the first included. Each attempt gets an equal share of the bound.
const MAX_ATTEMPTS: u32 = 2;

/// Every call is bounded by `config.cognito_timeout`, retries included, so a
/// Cognito outage becomes a prompt 503 rather than an API Gateway timeout.
pub async fn client(config: &Config) -> Client {
    let mut loader = sdk_loader(config, &config.region);
    if let Some(endpoint) = &config.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    let mut cognito = aws_sdk_cognitoidentityprovider::config::Builder::from(&loader.load().await);
    if let Some(key) = &config.caller_key {
        cognito = cognito.interceptor(CallerKey::new(key.clone()));
    }
    Client::from_conf(cognito.build())
}

/// Region, timeouts and retries shared by every AWS client of a function.
pub fn sdk_loader(config: &Config, region: &str) -> aws_config::ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(config.cognito_timeout))
        .operation_attempt_timeout(config.cognito_timeout / MAX_ATTEMPTS)
        .operation_timeout(config.cognito_timeout)
        .build();
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .timeout_config(timeouts)
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .http_client(http_client())
}

/// The roots every AWS endpoint's certificate chains to (Amazon Root CA 1-4 and
/// Starfield Services Root G2), compiled in. Reading the system's store instead
/// was most of a function's cold start (146 files here), and this trusts less.
/// An emulator behind HTTPS with another CA is therefore not trusted.
const AMAZON_TRUST_SERVICES_ROOTS: &str = include_str!("../certs/amazon-trust-services.pem");

fn http_client() -> SharedHttpClient {
    let roots = TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES_ROOTS.as_bytes());
    #[cfg(feature = "bench-ca")]
    let roots = match crate::bench_ca::pem() {
        Some(pem) => roots.with_pem_certificate(pem),
        None => roots,
    };
    let tls = TlsContext::builder().with_trust_store(roots).build().expect("the trust store is valid");
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
        .tls_context(tls)
        .build_https()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_amazon_trust_services_roots_are_all_there() {
        assert_eq!(AMAZON_TRUST_SERVICES_ROOTS.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        let _ = http_client();
    }
}
