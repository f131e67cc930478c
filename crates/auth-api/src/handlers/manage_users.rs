//! Administrators (the admin-group token, checked as for create-user):
//! POST /auth/users/{username}/confirm confirms a user who signed up
//! (AdminConfirmSignUp; 409 for anyone not UNCONFIRMED), and
//! POST /auth/users/{username}/invitation re-sends an invitation with a fresh
//! temporary password (AdminCreateUser, RESEND; 409 unless FORCE_CHANGE_PASSWORD).

use aws_sdk_cognitoidentityprovider::types::{DeliveryMediumType, MessageActionType};
use axum::extract::{Path, State};
use http::StatusCode;

use crate::admin::AdminCaller;
use crate::audit::{Audit, Event};
use crate::body::check;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::state::AppState;

/// POST /auth/users/{username}/confirm
pub async fn confirm(
    State(state): State<AppState>,
    Path(username): Path<String>,
    admin: AdminCaller,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserConfirmed,
        async {
            check::username("username", &username)?;
            state
                .cognito()
                .admin_confirm_sign_up()
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

/// POST /auth/users/{username}/invitation
pub async fn resend_invitation(
    State(state): State<AppState>,
    Path(username): Path<String>,
    admin: AdminCaller,
    audit: Audit,
) -> Result<StatusCode, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserInvited,
        async {
            check::username("username", &username)?;
            state
                .cognito()
                .admin_create_user()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .message_action(MessageActionType::Resend)
                .desired_delivery_mediums(DeliveryMediumType::Email)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            Ok(StatusCode::ACCEPTED)
        }
        .await,
    )
}
