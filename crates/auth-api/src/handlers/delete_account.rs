//! DELETE /auth/me: the signed-in user deletes their account (app stores require
//! it in the app). A fresh proof first (step-up: the password, with the TOTP code
//! for a TOTP user, or an emailed code), so a stolen access token alone deletes
//! nothing. Then DeleteUser with the user's own access token: it can delete only
//! the token's user, needs no IAM permission, and ends every session with the
//! account (Cognito refuses the user's refresh and access tokens afterwards, and
//! the devices go with the user). In cookie mode the session cookies are cleared.
//!
//! A member of the admin group is refused first (409 SELF_ADMINISTRATION, before any
//! proof is spent): the last administrator would otherwise delete the pool's last
//! way to administer it. Another administrator removes them from the group first
//! (the admin routes never let an administrator remove themself).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

use crate::admin;
use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{JsonBody, Validate};
use crate::caller::{audit_caller, get_user};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::step_up::{self, Reauthentication};
use crate::web_session::{clear_device_cookies, clear_refresh_cookies, AuthMode};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    #[serde(default, deserialize_with = "crate::body::present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for DeleteAccountRequest {
    fn validate(&self) -> Result<(), ApiError> {
        step_up::validate(self.reauthentication.as_ref())
    }
}

pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    mode: AuthMode,
    ClientContext(client): ClientContext,
    audit: Audit,
    JsonBody(request): JsonBody<DeleteAccountRequest>,
) -> Result<Response, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::AccountDeleted,
        async {
            // No proof is the first answer (a request without a body included), and an
            // administrator's refusal comes before a proof is spent.
            step_up::demand(request.reauthentication.as_ref())?;
            not_an_administrator(&state, &token).await?;
            step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
            state
                .cognito()
                .delete_user()
                .access_token(token.expose())
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            let mut answer = StatusCode::NO_CONTENT.into_response();
            if mode.is_cookie() {
                // The refresh token and the device handle name nothing any more.
                clear_refresh_cookies(&mut answer);
                clear_device_cookies(&mut answer);
            }
            Ok(answer)
        }
        .await,
    )
}

/// 409 for a member of the admin group, asked of Cognito now (GetUser, then
/// AdminListGroupsForUser), not of the token's possibly hour-old groups.
async fn not_an_administrator(state: &AppState, token: &Secret) -> Result<(), ApiError> {
    let user = get_user(state, token).await?;
    if admin::in_admin_group(state, user.username()).await? {
        return Err(ApiError::new(
            ErrorCode::SelfAdministration,
            "an administrator cannot delete their own account: another administrator must first remove you from the admin group",
        ));
    }
    Ok(())
}
