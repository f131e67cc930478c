//! POST /auth/new-password: answers NEW_PASSWORD_REQUIRED with the session
//! that login returned; tokens or a further challenge out.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
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
pub struct NewPasswordRequest {
    pub username: String,
    pub session: Secret,
    pub new_password: Secret,
    /// Attributes the challenge listed as required, without the `userAttributes.` prefix.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl Validate for NewPasswordRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        // Cognito's session strings are 20 to 2048 characters.
        check::length("session", self.session.expose(), 20, 2048)?;
        check::password("newPassword", self.new_password.expose())?;
        for (name, value) in &self.attributes {
            check::length(&format!("attributes.{name}"), name, 1, 32)?;
            check::length(&format!("attributes.{name}"), value, 0, 2048)?;
        }
        Ok(())
    }
}

pub async fn handle(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<NewPasswordRequest>,
) -> Result<Json<AuthResponse>, ApiError> {
    let config = state.config();
    let mut call = state
        .cognito()
        .admin_respond_to_auth_challenge()
        .user_pool_id(&config.user_pool_id)
        .client_id(&config.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(request.session.expose())
        .challenge_responses("USERNAME", &request.username)
        .challenge_responses("NEW_PASSWORD", request.new_password.expose());
    if let Some(hash) = state.secret_hash(&request.username).await? {
        call = call.challenge_responses("SECRET_HASH", hash);
    }
    for (name, value) in &request.attributes {
        call = call.challenge_responses(format!("userAttributes.{name}"), value);
    }
    let output = call.send().await.map_err(|error| from_sdk(error, CognitoCall::AnswerChallenge))?;
    AuthResponse::from_cognito(cognito_auth_output!(output), &request.username).map(Json)
}
