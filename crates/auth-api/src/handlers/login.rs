//! POST /auth/login: username and password (and a remembered device) in,
//! tokens or a challenge out.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth_result::AuthResponse;
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::device_srp::DeviceId;
use crate::error::ApiError;
use crate::sign_in::{complete, Attempt};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: Secret,
    /// The `device.deviceKey` an earlier sign-in answered.
    #[serde(default, deserialize_with = "present")]
    pub device_key: Option<String>,
    /// A name for the device, should this sign-in remember it.
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

impl Validate for LoginRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::password("password", self.password.expose())?;
        check::device_key("deviceKey", self.device_key.as_deref())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)
    }
}

pub async fn handle(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let config = state.config();
    let device = request.device_key.as_deref().and_then(DeviceId::from_handle);
    let mut call = state
        .cognito()
        .admin_initiate_auth()
        .user_pool_id(&config.user_pool_id)
        .client_id(&config.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .context_data(client)
        .auth_parameters("USERNAME", &request.username)
        .auth_parameters("PASSWORD", request.password.expose());
    if let Some(device) = &device {
        call = call.auth_parameters("DEVICE_KEY", &device.key);
    }
    if let Some(hash) = state.secret_hash(&request.username).await? {
        call = call.auth_parameters("SECRET_HASH", hash);
    }
    let output = call.send().await.map_err(|error| from_sdk(error, CognitoCall::Login))?;
    let attempt = Attempt { username: &request.username, device, device_name: request.device_name.as_deref() };
    complete(&state, output.into(), &attempt).await.map(Json)
}
