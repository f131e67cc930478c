//! The user an administrator's route names, and the rule that keeps an
//! administrator from locking themself out by mistake: the routes that take
//! access away (disable, delete, sign out, password reset, leaving the admin
//! group) refuse the caller's own account with 409 SELF_ADMINISTRATION. Another
//! administrator may do it; the caller uses the self-service routes. So these
//! routes can never leave the pool without an enabled member of the admin group:
//! whoever acts is one, and stays one.
//!
//! The path may name the user by an alias (an email, when the pool has email
//! aliases), so the comparison is between the usernames Cognito resolves both to
//! (AdminGetUser), never between the strings sent.

use crate::admin::AdminCaller;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The pool's username of the user `named`, or 404; 409 when it is the caller.
pub async fn someone_else(state: &AppState, admin: &AdminCaller, named: &str) -> Result<String, ApiError> {
    crate::body::check::username("username", named)?;
    let user = state
        .cognito()
        .admin_get_user()
        .user_pool_id(&state.config().user_pool_id)
        .username(named)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
    let username = user.username().to_owned();
    if username == admin.username {
        return Err(ApiError::new(
            ErrorCode::SelfAdministration,
            "administrators cannot do this to their own account here: another administrator can, or use the /auth/me and /auth/password routes",
        ));
    }
    Ok(username)
}
