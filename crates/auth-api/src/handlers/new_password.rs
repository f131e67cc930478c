//! POST /auth/new-password: answers NEW_PASSWORD_REQUIRED with the session
//! that login returned; tokens or a further challenge out.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use aws_sdk_cognitoidentityprovider::types::ContextDataType;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::audit::Audit;
use crate::auth_result::AuthResponse;
use crate::body::{check, present, JsonBody, Validate};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::error::ApiError;
use crate::sign_in::{audit_step, complete, respond, Attempt, Step};
use crate::state::AppState;
use crate::web_session::AuthMode;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewPasswordRequest {
    pub username: String,
    pub session: Secret,
    pub new_password: Secret,
    /// Attributes the challenge listed as required, without the `userAttributes.` prefix.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// A name for the device, should this sign-in remember it.
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

impl Validate for NewPasswordRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())?;
        check::password("newPassword", self.new_password.expose())?;
        for (name, value) in &self.attributes {
            check::length(&format!("attributes.{name}"), name, 1, 32)?;
            check::length(&format!("attributes.{name}"), value, 0, 2048)?;
        }
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)
    }
}

pub async fn handle(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<NewPasswordRequest>,
) -> Result<Response, ApiError> {
    let answer = new_password(&state, &client, &request).await;
    audit_step(&audit, &request.username, Step::Unproven, answer).map(|answer| mode.answer(&state, answer))
}

async fn new_password(
    state: &AppState,
    client: &ContextDataType,
    request: &NewPasswordRequest,
) -> Result<AuthResponse, ApiError> {
    // The challenge asks only for the pool's required attributes: nothing else is set here.
    let required = &state.config().required_attributes;
    if let Some(name) = request.attributes.keys().find(|name| !required.contains(name)) {
        return Err(ApiError::validation(
            format!("attributes.{name}"),
            format!("only the challenge's required attributes may be sent ({})", required.join(", ")),
        ));
    }
    let mut responses = vec![("NEW_PASSWORD", request.new_password.expose().to_owned())];
    let attributes: Vec<(String, String)> =
        request.attributes.iter().map(|(name, value)| (format!("userAttributes.{name}"), value.clone())).collect();
    responses.extend(attributes.iter().map(|(name, value)| (name.as_str(), value.clone())));
    let step = respond(
        state,
        ChallengeNameType::NewPasswordRequired,
        Some(request.session.expose()),
        &request.username,
        &responses,
        client,
    )
    .await?;
    let attempt = Attempt {
        username: &request.username,
        device: None,
        device_name: request.device_name.as_deref(),
        context: client,
    };
    complete(state, step, &attempt).await
}
