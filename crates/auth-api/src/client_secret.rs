//! The app client secret, for SECRET_HASH. From Secrets Manager it is read on
//! first use, not at init (cold start stays small, and functions that never
//! compute SECRET_HASH never read it), then kept for the execution environment.

use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use tokio::sync::OnceCell;

use crate::cognito::sdk_loader;
use crate::cognito_error::upstream_unavailable;
use crate::config::{ClientSecretSource, Config, Secret};
use crate::error::{ApiError, ErrorCode};

pub struct ClientSecret {
    source: Option<ClientSecretSource>,
    fetched: OnceCell<Secret>,
}

impl ClientSecret {
    pub fn new(source: Option<ClientSecretSource>) -> Self {
        Self { source, fetched: OnceCell::new() }
    }

    /// The secret, or None for an app client without one.
    pub async fn get(&self, config: &Config) -> Result<Option<&Secret>, ApiError> {
        match &self.source {
            None => Ok(None),
            Some(ClientSecretSource::Value(secret)) => Ok(Some(secret)),
            Some(ClientSecretSource::SecretsManager { secret_id }) => {
                self.fetched.get_or_try_init(|| fetch(config, secret_id)).await.map(Some)
            }
        }
    }
}

async fn fetch(config: &Config, secret_id: &str) -> Result<Secret, ApiError> {
    // Endpoint overrides come from the SDK's own AWS_ENDPOINT_URL_SECRETS_MANAGER.
    let client = aws_sdk_secretsmanager::Client::new(&sdk_loader(config).load().await);
    let output = client.get_secret_value().secret_id(secret_id).send().await.map_err(|error| {
        tracing::warn!(secrets_manager_error = error.code().unwrap_or("none"), "reading the client secret failed");
        match error {
            SdkError::ServiceError(_) => misconfigured(),
            _ => upstream_unavailable("Secrets Manager could not be reached"),
        }
    })?;
    output.secret_string().map(Secret::new).ok_or_else(misconfigured)
}

fn misconfigured() -> ApiError {
    ApiError::new(
        ErrorCode::Misconfigured,
        "the client secret could not be read: check COGNITO_CLIENT_SECRET_ARN and the function's secretsmanager:GetSecretValue permission",
    )
}
