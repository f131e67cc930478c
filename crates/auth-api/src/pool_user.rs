//! A user as the pool holds them (AdminGetUser, by username or alias), for the
//! parts that must tell no one whether the user exists: no such user is `None`,
//! not an error.

use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn find(state: &AppState, username: &str) -> Result<Option<AdminGetUserOutput>, ApiError> {
    let user =
        state.cognito().admin_get_user().user_pool_id(&state.config().user_pool_id).username(username).send().await;
    match user {
        Ok(user) => Ok(Some(user)),
        Err(error) if error.as_service_error().is_some_and(|e| e.is_user_not_found_exception()) => Ok(None),
        Err(error) => Err(from_sdk(error, CognitoCall::Admin)),
    }
}

/// One of the user's attributes.
pub fn attribute<'a>(user: &'a AdminGetUserOutput, name: &str) -> Option<&'a str> {
    user.user_attributes().iter().find(|a| a.name() == name).and_then(|a| a.value())
}
