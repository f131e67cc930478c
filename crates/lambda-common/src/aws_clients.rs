//! The one way a function builds its Cognito client, API function or trigger:
//! the region it is told, Amazon's roots compiled in, a connect timeout, a bound
//! on every call with the retries inside it, and at most two attempts. The other
//! AWS clients (Secrets Manager, SES) start from the same loader.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts, the first included. Each attempt gets an equal share of the bound.
pub const MAX_ATTEMPTS: u32 = 2;

/// What a function says about the Cognito it calls.
#[derive(Clone, Debug)]
pub struct Settings<'a> {
    /// The pool's region.
    pub region: &'a str,
    /// Set only for an emulator; None is the real Cognito of `region`.
    pub endpoint_url: Option<&'a str>,
    /// Every call's bound, retries and backoff included: an API function's
    /// COGNITO_TIMEOUT_MS, a trigger's share of the 5 s Cognito gives it.
    pub timeout: Duration,
}

/// The Cognito client's configuration, for a caller to add to (the API adds its
/// caller key) before `Client::from_conf`.
pub async fn cognito_config(settings: &Settings<'_>) -> aws_sdk_cognitoidentityprovider::config::Builder {
    let mut loader = sdk_loader(settings.region, settings.timeout);
    if let Some(endpoint) = settings.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    aws_sdk_cognitoidentityprovider::config::Builder::from(&loader.load().await)
}

/// The Cognito client, as `cognito_config` builds it.
pub async fn cognito_client(settings: &Settings<'_>) -> Client {
    Client::from_conf(cognito_config(settings).await.build())
}

/// Region, timeouts, retries and the HTTPS client, shared by every AWS client of a function.
pub fn sdk_loader(region: &str, timeout: Duration) -> aws_config::ConfigLoader {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .operation_attempt_timeout(timeout / MAX_ATTEMPTS)
        .operation_timeout(timeout)
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
