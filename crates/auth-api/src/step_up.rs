//! Step-up: a sensitive change (MFA off or replaced, the email, forgetting a
//! device) needs a fresh proof in the request itself, not only an access
//! token: a token stolen a minute after sign-in is the common case, so a
//! recent sign-in proves nothing. Without a proof, 403 REAUTHENTICATION_REQUIRED.
//!
//! The proof is `"reauthentication": {"currentPassword": ...}`, with
//! `"mfaCode"` (the authenticator's current code) when the user has TOTP, so
//! that the password alone does not turn off the factor that guards it; or
//! `{"emailCode": ...}` (a code POST /auth/me/reauthentication sent to the
//! user's verified email).

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, ContextDataType,
};
use serde::Deserialize;

use crate::auth_result::SignInStep;
use crate::caller::get_user;
use crate::code_limit;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::device_admin;
use crate::error::{ApiError, ErrorCode};
use crate::initiate_auth::initiate;
use crate::revocation::revoke_unused;
use crate::sign_in::respond;
use crate::state::AppState;

/// The request field that carries the proof.
pub const FIELD: &str = "reauthentication";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reauthentication {
    #[serde(default, deserialize_with = "crate::body::present")]
    pub current_password: Option<Secret>,
    /// With the password, for a user with TOTP: the authenticator's current code.
    #[serde(default, deserialize_with = "crate::body::present")]
    pub mfa_code: Option<Secret>,
    #[serde(default, deserialize_with = "crate::body::present")]
    pub email_code: Option<Secret>,
}

impl Reauthentication {
    /// Exactly one proof, well-formed.
    pub fn validate(&self) -> Result<(), ApiError> {
        use crate::body::check;
        match (&self.current_password, &self.email_code, &self.mfa_code) {
            (Some(password), None, mfa_code) => {
                check::password("reauthentication.currentPassword", password.expose())?;
                mfa_code.as_ref().map_or(Ok(()), |code| check::code("reauthentication.mfaCode", code.expose()))
            }
            (None, Some(code), None) => check::code("reauthentication.emailCode", code.expose()),
            (None, None, Some(_)) => Err(ApiError::validation(FIELD, "send `mfaCode` with `currentPassword`")),
            _ => Err(ApiError::validation(
                FIELD,
                "send `currentPassword` (with `mfaCode` when the user has TOTP) or `emailCode`, not both",
            )),
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
        Some(Reauthentication { current_password: Some(password), mfa_code, .. }) => {
            let totp = has_totp(&user);
            if totp && matches!(user.preferred_mfa_setting(), Some("SMS_MFA" | "EMAIL_OTP")) {
                // Cognito would ask for the preferred factor's code, never the TOTP one,
                // and the password alone must not turn TOTP off: the email proves it instead.
                return Err(required(
                    "reauthentication.emailCode",
                    "this user has TOTP but signs in with another factor: prove it with a code from POST /auth/me/reauthentication",
                ));
            }
            if mfa_code.is_none() && totp {
                return Err(needs_mfa_code());
            }
            check_password(state, user.username(), password, mfa_code.as_ref().filter(|_| totp), client).await?
        }
        Some(Reauthentication { email_code: Some(code), .. }) => check_email_code(state, token, &user, code).await?,
        _ => return Err(no_proof()),
    }
    Ok(user)
}

/// REAUTHENTICATION_REQUIRED before anything is asked of Cognito, when no proof came.
pub fn demand(proof: Option<&Reauthentication>) -> Result<(), ApiError> {
    proof.map(|_| ()).ok_or_else(no_proof)
}

fn no_proof() -> ApiError {
    required(
        FIELD,
        "this change needs `reauthentication`: the current password, or a code from POST /auth/me/reauthentication",
    )
}

/// Whether the user has TOTP on: then the password alone is no proof.
fn has_totp(user: &GetUserOutput) -> bool {
    user.user_mfa_setting_list().iter().any(|factor| factor == "SOFTWARE_TOKEN_MFA")
}

fn needs_mfa_code() -> ApiError {
    required(
        "reauthentication.mfaCode",
        "this user has TOTP: send the authenticator's current code as `mfaCode` with the password, or use `emailCode`",
    )
}

/// Whether the user's email is there and verified.
pub fn email_verified(user: &GetUserOutput) -> bool {
    user.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("true"))
        && user.user_attributes().iter().any(|a| a.name() == "email" && a.value().is_some_and(|v| !v.is_empty()))
}

/// AdminInitiateAuth with the password, then `mfa_code` (given exactly when
/// the user has TOTP) to the SOFTWARE_TOKEN_MFA challenge, which must come:
/// tokens mean the proof holds. Without TOTP, an SMS or email MFA challenge
/// itself means the password is right. Whatever the sign-in minted is ended
/// at once.
async fn check_password(
    state: &AppState,
    username: &str,
    password: &Secret,
    mfa_code: Option<&Secret>,
    client: ContextDataType,
) -> Result<(), ApiError> {
    let parameters = [("PASSWORD", password.expose())];
    let call = initiate(state, AuthFlowType::AdminUserPasswordAuth, username, &parameters, &client).await?;
    let mut step: SignInStep = match call.send().await {
        Ok(output) => output.into(),
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
    // Both SMS and TOTP on, neither preferred: the code given is a TOTP code.
    if step.challenge_name == Some(ChallengeNameType::SelectMfaType) && mfa_code.is_some() {
        let answer = [("ANSWER", "SOFTWARE_TOKEN_MFA".to_owned())];
        step = respond(state, ChallengeNameType::SelectMfaType, step.session.as_deref(), username, &answer, &client)
            .await?;
    }
    let mut totp_answered = false;
    if step.challenge_name == Some(ChallengeNameType::SoftwareTokenMfa) {
        let code = mfa_code.ok_or_else(needs_mfa_code)?;
        step = check_totp(state, username, &step, code, &client).await?;
        totp_answered = true;
    }
    // A user with TOTP proves it here, or not at all: tokens without the TOTP
    // challenge, or another factor's challenge, prove only the password.
    if mfa_code.is_some() && !totp_answered {
        if let Some(result) = &step.result {
            discard(state, username, result).await;
        }
        return Err(required("reauthentication.mfaCode", "the MFA code could not be checked: use `emailCode`"));
    }
    if let Some(result) = &step.result {
        discard(state, username, result).await;
    }
    Ok(())
}

/// The TOTP answer to the password check's challenge. Wrong codes count per
/// user with sign-in codes (code_limit's SignIn window), as MFA answers do.
async fn check_totp(
    state: &AppState,
    username: &str,
    step: &SignInStep,
    code: &Secret,
    client: &ContextDataType,
) -> Result<SignInStep, ApiError> {
    let now = code_limit::now();
    code_limit::refuse_if_locked(state, username, now).await?;
    let answer = [("SOFTWARE_TOKEN_MFA_CODE", code.expose().to_owned())];
    match respond(state, ChallengeNameType::SoftwareTokenMfa, step.session.as_deref(), username, &answer, client).await
    {
        Ok(answered) => Ok(answered),
        Err(wrong) if matches!(wrong.code, ErrorCode::CodeMismatch | ErrorCode::CodeExpired) => {
            let wrong = required("reauthentication.mfaCode", "the MFA code is wrong or already used");
            Err(code_limit::count_wrong_code(state, username, now, wrong).await)
        }
        Err(other) => Err(other),
    }
}

/// Ends what a password check signed in: its refresh token (and so its access
/// token), and a device Cognito issued with it.
async fn discard(state: &AppState, username: &str, result: &AuthenticationResultType) {
    if let Some(refresh_token) = result.refresh_token() {
        revoke_unused(state, refresh_token, "the step-up's password check").await;
    }
    if let Some(device) = result.new_device_metadata().and_then(|d| d.device_key()) {
        if let Err(error) = device_admin::forget(state, username, device).await {
            tracing::warn!(code = error.code.as_str(), "the step-up's new device could not be forgotten");
        }
    }
}

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
    code_limit::refuse_if_locked(state, user.username(), now).await?;
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
    let wrong = required("reauthentication.emailCode", "the code is wrong or expired: request a new one");
    Err(code_limit::count_wrong_code(state, user.username(), now, wrong).await)
}
