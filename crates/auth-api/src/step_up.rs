//! Step-up: a sensitive change (MFA off or replaced, the email, forgetting a
//! device) needs a fresh proof in the request itself, not only an access
//! token: a token stolen a minute after sign-in is the common case, so a
//! recent sign-in proves nothing. Without a proof, 403 REAUTHENTICATION_REQUIRED.
//!
//! The proof is `"reauthentication": {"currentPassword": ...}` or
//! `{"emailCode": ...}` (a code POST /auth/me/reauthentication sent to the
//! user's verified email).

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ContextDataType};
use serde::Deserialize;

use crate::caller::get_user;
use crate::code_limit::{self, Window};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::device_admin;
use crate::error::{ApiError, ErrorCode};
use crate::revocation::revoke_unused;
use crate::state::AppState;

/// The request field that carries the proof.
pub const FIELD: &str = "reauthentication";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reauthentication {
    #[serde(default, deserialize_with = "crate::body::present")]
    pub current_password: Option<Secret>,
    #[serde(default, deserialize_with = "crate::body::present")]
    pub email_code: Option<Secret>,
}

impl Reauthentication {
    /// Exactly one proof, well-formed.
    pub fn validate(&self) -> Result<(), ApiError> {
        use crate::body::check;
        match (&self.current_password, &self.email_code) {
            (Some(password), None) => check::password("reauthentication.currentPassword", password.expose()),
            (None, Some(code)) => check::code("reauthentication.emailCode", code.expose()),
            _ => Err(ApiError::validation(FIELD, "send exactly one of `currentPassword` and `emailCode`")),
        }
    }
}

/// Checks an optional proof's shape (for a request's `Validate`).
pub fn validate(proof: Option<&Reauthentication>) -> Result<(), ApiError> {
    proof.map_or(Ok(()), Reauthentication::validate)
}

fn required(field: &str, detail: &str) -> ApiError {
    ApiError { field: Some(field.into()), ..ApiError::new(ErrorCode::ReauthenticationRequired, detail) }
}

/// The token's user (GetUser: the token is live), once `proof` proves it is
/// them. A wrong password counts toward Cognito's lockout as a sign-in does;
/// `client` (the caller's ContextData) lets threat protection judge that sign-in.
pub async fn require(
    state: &AppState,
    token: &Secret,
    proof: Option<&Reauthentication>,
    client: ContextDataType,
) -> Result<GetUserOutput, ApiError> {
    let user = get_user(state, token).await?;
    match proof {
        Some(Reauthentication { current_password: Some(password), .. }) => {
            check_password(state, user.username(), password, client).await?
        }
        Some(Reauthentication { email_code: Some(code), .. }) => check_email_code(state, token, &user, code).await?,
        _ => return Err(required(
            FIELD,
            "this change needs `reauthentication`: the current password, or a code from POST /auth/me/reauthentication",
        )),
    }
    Ok(user)
}

/// Whether the user's email is there and verified.
pub fn email_verified(user: &GetUserOutput) -> bool {
    user.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("true"))
        && user.user_attributes().iter().any(|a| a.name() == "email" && a.value().is_some_and(|v| !v.is_empty()))
}

/// AdminInitiateAuth with the password: tokens or an MFA challenge both mean
/// the password is right. Whatever the sign-in minted is ended at once.
async fn check_password(
    state: &AppState,
    username: &str,
    password: &Secret,
    client: ContextDataType,
) -> Result<(), ApiError> {
    let config = state.config();
    let mut call = state
        .cognito()
        .admin_initiate_auth()
        .user_pool_id(&config.user_pool_id)
        .client_id(&config.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .context_data(client)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password.expose());
    if let Some(hash) = state.secret_hash(username).await? {
        call = call.auth_parameters("SECRET_HASH", hash);
    }
    let output = match call.send().await {
        Ok(output) => output,
        Err(error) => {
            let (code, message) = (error.code().unwrap_or_default(), error.message().unwrap_or_default());
            if code == "NotAuthorizedException" && message.contains("Password attempts exceeded") {
                return Err(ApiError::new(ErrorCode::TooManyRequests, "too many failed attempts; try again later")
                    .retry_after(60));
            }
            if matches!(code, "NotAuthorizedException" | "UserNotFoundException") {
                return Err(required("reauthentication.currentPassword", "the current password is wrong"));
            }
            return Err(from_sdk(error, CognitoCall::Login));
        }
    };
    if let Some(result) = output.authentication_result() {
        if let Some(refresh_token) = result.refresh_token() {
            revoke_unused(state, refresh_token, "the step-up's password check").await;
        }
        if let Some(device) = result.new_device_metadata().and_then(|d| d.device_key()) {
            if let Err(error) = device_admin::forget(state, username, device).await {
                tracing::warn!(code = error.code.as_str(), "the step-up's new device could not be forgotten");
            }
        }
    }
    Ok(())
}

/// RevokeToken for the refresh token a password check minted (and so the access
/// token issued with it). It never left the function: a failure is only logged.
/// VerifyUserAttribute with a code sent to the verified email. Cognito limits wrong
/// guesses per code, and a token thief can ask for a new code every few guesses:
/// wrong codes also count per user, with sign-in codes (code_limit's SignIn
/// window: a thief could lock the user's sign-in, but the user's recovery lifts
/// it and ends the thief's sessions, where a lock on reset codes would block that
/// recovery). While locked, every code, the right one too, is 429: the caller
/// holds the user's token, so telling them is no existence oracle.
async fn check_email_code(
    state: &AppState,
    token: &Secret,
    user: &GetUserOutput,
    code: &Secret,
) -> Result<(), ApiError> {
    if !email_verified(user) {
        return Err(required(
            "reauthentication.emailCode",
            "the user has no verified email: reauthenticate with the current password",
        ));
    }
    let now = code_limit::now();
    if let Some(wait) = code_limit::read(state, user.username()).await?.locked_for(Window::SignIn, now) {
        return Err(code_limit::too_many(wait));
    }
    let verified = state
        .cognito()
        .verify_user_attribute()
        .access_token(token.expose())
        .attribute_name("email")
        .code(code.expose())
        .send()
        .await;
    let Err(error) = verified else { return Ok(()) };
    let mapped = from_sdk(error, CognitoCall::WithAccessToken);
    if !matches!(mapped.code, ErrorCode::CodeMismatch | ErrorCode::CodeExpired) {
        return Err(mapped);
    }
    let counts = code_limit::record_failure(state, user.username(), Window::SignIn, now).await?;
    Err(counts.locked_for(Window::SignIn, now).map_or_else(
        || required("reauthentication.emailCode", "the code is wrong or expired: request a new one"),
        code_limit::too_many,
    ))
}
