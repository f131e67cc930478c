//! Administrators change group membership (the admin-group token, checked live
//! before anything is looked up): PUT /auth/users/{username}/groups/{group}
//! (AdminAddUserToGroup) and DELETE (AdminRemoveUserFromGroup); both 204, and
//! both again 204 (adding a member or removing a non-member changes nothing).
//! An administrator cannot take themself out of the admin group here
//! (admin_target.rs); the user's tokens say so from their next sign-in or refresh,
//! and the admin check reads the group live, so a removal takes effect at once.

use axum::extract::{Path, State};
use http::StatusCode;

use crate::admin::AdminCaller;
use crate::admin_target::someone_else;
use crate::audit::{Audit, Event};
use crate::body::check;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::state::AppState;

/// Cognito's group names: 1 to 128 characters, no white space.
fn group_name(group: &str) -> Result<(), ApiError> {
    check::length("group", group, 1, 128)?;
    check::no_whitespace("group", group)
}

/// PUT /auth/users/{username}/groups/{group}
pub async fn add(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path((username, group)): Path<(String, String)>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username).group(&group);
    audit.record(
        Event::AdminUserGroupAdded,
        async {
            check::username("username", &username)?;
            group_name(&group)?;
            state
                .cognito()
                .admin_add_user_to_group()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .group_name(&group)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}

/// DELETE /auth/users/{username}/groups/{group}
pub async fn remove(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path((username, group)): Path<(String, String)>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username).group(&group);
    audit.record(
        Event::AdminUserGroupRemoved,
        async {
            check::username("username", &username)?;
            group_name(&group)?;
            let username = if group == state.config().admin_group {
                someone_else(&state, &admin, &username).await?
            } else {
                username
            };
            state
                .cognito()
                .admin_remove_user_from_group()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .group_name(&group)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}
