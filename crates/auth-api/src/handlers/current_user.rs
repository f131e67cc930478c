//! GET /auth/me: the signed-in user's username and attributes, as Cognito stores them.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::bearer::BearerToken;
use crate::caller::get_user;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
pub struct CurrentUser {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
}

impl From<&GetUserOutput> for CurrentUser {
    fn from(output: &GetUserOutput) -> Self {
        CurrentUser {
            username: output.username().to_owned(),
            attributes: output
                .user_attributes()
                .iter()
                .map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned()))
                .collect(),
        }
    }
}

/// GetUser with the user's own access token.
pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<Json<CurrentUser>, ApiError> {
    Ok(Json(CurrentUser::from(&get_user(&state, &token).await?)))
}
