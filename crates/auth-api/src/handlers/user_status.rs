//! Administrators change whether a user can sign in (the admin-group token, checked
//! live before anything is looked up):
//! POST /auth/users/{username}/disable (AdminDisableUser, then AdminUserGlobalSignOut:
//! the refresh tokens end too, so enabling the user later revives no session),
//! POST /auth/users/{username}/enable (AdminEnableUser),
//! POST /auth/users/{username}/sign-out (AdminUserGlobalSignOut),
//! POST /auth/users/{username}/password-reset (AdminResetUserPassword, which mails a
//! code and leaves the user RESET_REQUIRED, then AdminUserGlobalSignOut: a reset is
//! what one does when the password may be known), and
//! DELETE /auth/users/{username} (AdminDeleteUser).
//! Each but enable refuses the caller's own account (admin_target.rs).

use axum::extract::{Path, State};
use http::StatusCode;

use crate::admin::AdminCaller;
use crate::admin_target::someone_else;
use crate::audit::{Audit, Event};
use crate::body::check;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::state::AppState;

async fn sign_out(state: &AppState, username: &str) -> Result<(), ApiError> {
    state
        .cognito()
        .admin_user_global_sign_out()
        .user_pool_id(&state.config().user_pool_id)
        .username(username)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
    Ok(())
}

/// POST /auth/users/{username}/disable
pub async fn disable(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path(username): Path<String>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserDisabled,
        async {
            let username = someone_else(&state, &admin, &username).await?;
            state
                .cognito()
                .admin_disable_user()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            sign_out(&state, &username).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}

/// POST /auth/users/{username}/enable
pub async fn enable(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path(username): Path<String>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserEnabled,
        async {
            check::username("username", &username)?;
            state
                .cognito()
                .admin_enable_user()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}

/// POST /auth/users/{username}/sign-out
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path(username): Path<String>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserSignedOut,
        async {
            let username = someone_else(&state, &admin, &username).await?;
            sign_out(&state, &username).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}

/// POST /auth/users/{username}/password-reset
pub async fn reset_password(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path(username): Path<String>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserPasswordReset,
        async {
            let username = someone_else(&state, &admin, &username).await?;
            state
                .cognito()
                .admin_reset_user_password()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            sign_out(&state, &username).await?;
            Ok(StatusCode::ACCEPTED)
        }
        .await,
    )
}

/// DELETE /auth/users/{username}
pub async fn delete(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path(username): Path<String>,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserDeleted,
        async {
            let username = someone_else(&state, &admin, &username).await?;
            state
                .cognito()
                .admin_delete_user()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}
