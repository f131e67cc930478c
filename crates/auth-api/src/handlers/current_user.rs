//! GET /auth/me: the signed-in user's username and attributes, as Cognito stores them.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::app::AppState;
use crate::bearer::BearerToken;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;

#[derive(Debug, Serialize)]
pub struct CurrentUser {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
}

pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<Json<CurrentUser>, ApiError> {
    let output = state
        .cognito()
        .get_user()
        .access_token(token.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
    Ok(Json(CurrentUser {
        username: output.username().to_owned(),
        attributes: output
            .user_attributes()
            .iter()
            .map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned()))
            .collect(),
    }))
}
