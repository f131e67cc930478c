//! GET /auth/me: the signed-in user's username and attributes, as Cognito stores them.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::bearer::BearerToken;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct CurrentUser {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
}

/// GetUser with the user's own access token.
pub async fn get_user(state: &AppState, token: &Secret) -> Result<GetUserOutput, ApiError> {
    state
        .cognito()
        .get_user()
        .access_token(token.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))
}

pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<Json<CurrentUser>, ApiError> {
    let output = get_user(&state, &token).await?;
    Ok(Json(CurrentUser {
        username: output.username().to_owned(),
        attributes: output
            .user_attributes()
            .iter()
            .map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned()))
            .collect(),
    }))
}
