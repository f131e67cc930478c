//! Passwords: POST /auth/password/forgot (always 202, the same body, whoever
//! the username is), /auth/password/reset (the emailed code and a new
//! password), /auth/password/change (the user's access token). A
//! reset or a change ends every session of the user.

use axum::extract::State;
use axum::Json;
use http::StatusCode;
use serde::Deserialize;

use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{check, JsonBody, Validate};
use crate::caller::audit_caller;
use crate::caller::get_user;
use crate::code_limit::{self, Window};
use crate::code_sent::{sent_alike, CodeSentAnswer, UsernameRequest};
use crate::cognito_error::{from_sdk, wrong_or_expired_code, CognitoCall};
use crate::config::Secret;
use crate::context_data::UserContext;
use crate::error::{ApiError, ErrorCode};
use crate::sessions;
use crate::state::AppState;

/// POST /auth/password/forgot
pub async fn forgot(
    State(state): State<AppState>,
    UserContext(context): UserContext,
    JsonBody(request): JsonBody<UsernameRequest>,
) -> Result<(StatusCode, Json<CodeSentAnswer>), ApiError> {
    let sent = state
        .cognito()
        .forgot_password()
        .client_id(&state.config().client_id)
        .username(&request.username)
        .set_secret_hash(state.secret_hash(&request.username).await?)
        .user_context_data(context)
        .send()
        .await;
    // No verified email, a disabled user: answered as for anyone, or the answer would tell.
    sent_alike(sent, &[ErrorCode::ValidationFailed, ErrorCode::InvalidCredentials])
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetRequest {
    pub username: String,
    pub code: Secret,
    pub new_password: Secret,
}

impl Validate for ResetRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::code("code", self.code.expose())?;
        check::password("newPassword", self.new_password.expose())
    }
}

/// POST /auth/password/reset: a wrong, expired or locked-out code and an unknown
/// username get one answer; a weak password is refused before Cognito is asked.
///
/// Cognito limits wrong codes per code, and a script can ask for a new code every
/// few guesses: wrong codes are also counted per user (code_limit, the reset
/// window, apart from sign-in codes so that a stranger cannot lock the user's
/// sign-in). A locked user's answer, the right code's included, is the one answer
/// to a wrong code, without asking Cognito; an unknown user is never counted.
pub async fn reset(
    State(state): State<AppState>,
    UserContext(context): UserContext,
    audit: Audit,
    JsonBody(request): JsonBody<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    audit.record(
        Event::PasswordReset,
        async {
            let rules: &crate::pool_rules::PoolRules = state.pool_rules().await?;
            rules.password_policy.check("newPassword", request.new_password.expose())?;
            let now = code_limit::now();
            let user = code_limit::read_if_user(&state, &request.username).await?;
            if user.as_ref().is_some_and(|(_, counts)| counts.locked_for(Window::Reset, now).is_some()) {
                return Err(wrong_or_expired_code());
            }
            let confirmed = state
                .cognito()
                .confirm_forgot_password()
                .client_id(&state.config().client_id)
                .username(&request.username)
                .confirmation_code(request.code.expose())
                .password(request.new_password.expose())
                .set_secret_hash(state.secret_hash(&request.username).await?)
                .user_context_data(context)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::PublicCode));
            match (confirmed, user) {
                (Err(wrong), Some((username, _))) if wrong.code == ErrorCode::CodeMismatch => {
                    code_limit::record_failure(&state, &username, Window::Reset, now).await?;
                    return Err(wrong);
                }
                (Err(error), _) => return Err(error),
                // The user proved they hold the recovery address: no one else's wrong codes lock them now.
                (Ok(_), Some((username, _))) => code_limit::read_and_clear(&state, &username).await,
                (Ok(_), None) => {}
            }
            // The code held: the username is a real user's (a failure's may be anyone's text).
            audit.actor(&request.username);
            // Whoever else held a session, a refresh token or a remembered device is out.
            sessions::end_all(&state, &request.username).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangeRequest {
    pub current_password: Secret,
    pub new_password: Secret,
}

impl Validate for ChangeRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::password("currentPassword", self.current_password.expose())?;
        check::password("newPassword", self.new_password.expose())
    }
}

/// POST /auth/password/change: then every session ends, the caller's too
/// (the client signs in again with the new password).
pub async fn change(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    audit: Audit,
    JsonBody(request): JsonBody<ChangeRequest>,
) -> Result<StatusCode, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::PasswordChanged,
        async {
            let rules: &crate::pool_rules::PoolRules = state.pool_rules().await?;
            rules.password_policy.check("newPassword", request.new_password.expose())?;
            let user = get_user(&state, &token).await?;
            state
                .cognito()
                .change_password()
                .access_token(token.expose())
                .previous_password(request.current_password.expose())
                .proposed_password(request.new_password.expose())
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::ChangePassword))?;
            // The user proved the password (and the attacker who knew the old one no longer
            // does): wrong codes someone else tried lock them no more.
            code_limit::read_and_clear(&state, user.username()).await;
            sessions::end_all(&state, user.username()).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}
