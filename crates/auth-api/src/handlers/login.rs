//! POST /auth/login: username and password in, tokens or a challenge out.

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth_result::AuthResponse;
use crate::body::{check, JsonBody, Validate};
use crate::cognito_auth_output;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: Secret,
}

impl Validate for LoginRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::password("password", self.password.expose())
    }
}

pub async fn handle(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let config = state.config();
    let mut call = state
        .cognito()
        .admin_initiate_auth()
        .user_pool_id(&config.user_pool_id)
        .client_id(&config.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &request.username)
        .auth_parameters("PASSWORD", request.password.expose());
    if let Some(hash) = state.secret_hash(&request.username).await? {
        call = call.auth_parameters("SECRET_HASH", hash);
    }
    let output = call.send().await.map_err(|error| from_sdk(error, CognitoCall::Login))?;
    AuthResponse::from_cognito(cognito_auth_output!(output), &request.username).map(Json)
}
