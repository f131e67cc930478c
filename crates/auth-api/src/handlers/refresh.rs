//! POST /auth/refresh: a refresh token (and the device it is bound to) in,
//! new tokens out; a new refresh token too when the app client rotates them.
//! GetTokensFromRefreshToken takes the client secret itself, so the
//! SECRET_HASH-over-which-username trap of REFRESH_TOKEN_AUTH never arises.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::auth_result::{incomplete, AuthResponse, Tokens};
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::device_srp::DeviceId;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: Secret,
    /// The `device.deviceKey` of the sign-in, when the pool tracks devices.
    #[serde(default, deserialize_with = "present")]
    pub device_key: Option<String>,
}

impl Validate for RefreshRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::length("refreshToken", self.refresh_token.expose(), 20, 8192)?;
        check::device_key("deviceKey", self.device_key.as_deref())
    }
}

pub async fn handle(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    // A handle this server did not make names no device: Cognito then refuses a device-bound token.
    let device = match (request.device_key.as_deref(), state.device_secret().await?) {
        (Some(handle), Some(secret)) => DeviceId::from_handle(handle, secret),
        _ => None,
    };
    let output = state
        .cognito()
        .get_tokens_from_refresh_token()
        .client_id(&state.config().client_id)
        .refresh_token(request.refresh_token.expose())
        .set_client_secret(state.client_secret().await?.map(|secret| secret.expose().to_owned()))
        .set_device_key(device.map(|device| device.key))
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Refresh))?;
    let result = output.authentication_result().ok_or_else(|| incomplete("AuthenticationResult"))?;
    Ok(Json(AuthResponse { tokens: Some(Tokens::from_cognito(result)?), ..Default::default() }))
}
