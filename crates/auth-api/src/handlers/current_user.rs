//! GET /auth/me: the signed-in user's username and attributes, as Cognito stores them.

use axum::extract::State;
use axum::Json;

use crate::bearer::BearerToken;
use crate::caller::{get_user, CurrentUser};
use crate::error::ApiError;
use crate::state::AppState;

/// GetUser with the user's own access token.
pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<Json<CurrentUser>, ApiError> {
    Ok(Json(CurrentUser::from(&get_user(&state, &token).await?)))
}
