//! A secret the functions read (the app client's, the device key's). From
//! Secrets Manager it is read on first use, not at init (cold start stays
//! small, and functions that never need it never read it), then kept for the
//! execution environment.

use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use tokio::sync::OnceCell;

use crate::cognito::sdk_loader;
use crate::cognito_error::upstream_unavailable;
use crate::config::{Config, Secret, SecretSource};
use crate::error::{ApiError, ErrorCode};

pub struct StoredSecret {
    /// The setting that names the Secrets Manager secret, for error messages.
    arn_setting: &'static str,
    source: Option<SecretSource>,
    fetched: OnceCell<Secret>,
}

impl StoredSecret {
    pub fn new(arn_setting: &'static str, source: Option<SecretSource>) -> Self {
        Self { arn_setting, source, fetched: OnceCell::new() }
    }

    pub fn is_configured(&self) -> bool {
        self.source.is_some()
    }

    /// The secret, or None when none is configured.
    pub async fn get(&self, config: &Config) -> Result<Option<&Secret>, ApiError> {
        match &self.source {
            None => Ok(None),
            Some(SecretSource::Value(secret)) => Ok(Some(secret)),
            Some(SecretSource::SecretsManager { secret_id }) => {
                self.fetched.get_or_try_init(|| self.fetch(config, secret_id)).await.map(Some)
            }
        }
    }

    async fn fetch(&self, config: &Config, secret_id: &str) -> Result<Secret, ApiError> {
        // Endpoint overrides come from the SDK's own AWS_ENDPOINT_URL_SECRETS_MANAGER.
        let client = aws_sdk_secretsmanager::Client::new(&sdk_loader(config, &config.secrets_region).load().await);
        let output = client.get_secret_value().secret_id(secret_id).send().await.map_err(|error| {
            tracing::warn!(
                secrets_manager_error = error.code().unwrap_or("none"),
                setting = self.arn_setting,
                "reading a secret failed"
            );
            match error {
                SdkError::ServiceError(_) => self.misconfigured(),
                _ => upstream_unavailable("Secrets Manager could not be reached"),
            }
        })?;
        output.secret_string().map(Secret::new).ok_or_else(|| self.misconfigured())
    }

    fn misconfigured(&self) -> ApiError {
        ApiError::new(
            ErrorCode::Misconfigured,
            format!(
                "a secret could not be read: check {} and the function's secretsmanager:GetSecretValue permission",
                self.arn_setting
            ),
        )
    }
}
