//! The caller's account as Cognito holds it: GetUser with the caller's own
//! access token, which Cognito refuses when the token is revoked or expired,
//! or the user disabled or deleted (401 UNAUTHENTICATED).

use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn get_user(state: &AppState, token: &Secret) -> Result<GetUserOutput, ApiError> {
    state
        .cognito()
        .get_user()
        .access_token(token.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))
}
