//! MFA during sign-in: POST /auth/mfa answers an MFA challenge (a code, or
//! the factor chosen); POST /auth/mfa/setup and /auth/mfa/setup/verify set up
//! TOTP when the pool requires MFA and the user has no factor (MFA_SETUP).

use aws_sdk_cognitoidentityprovider::types::{ChallengeNameType, ContextDataType};
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Deserialize;

use crate::audit::{Audit, Event, Outcome};
use crate::auth_result::{incomplete, AuthResponse, SignInStep};
use crate::body::{check, present, JsonBody, Validate};
use crate::code_limit;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::error::{ApiError, ErrorCode};
use crate::first_factor_answer::{self, CodeChallenge, CodeRequest};
use crate::mfa::{totp_uri, Factor, TotpSetup};
use crate::revocation::revoke_unused;
use crate::sign_in::{audit_step, complete, respond, Attempt, Step};
use crate::state::AppState;
use crate::web_session::AuthMode;

/// The MFA challenges a client answers here, as login names them.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MfaChallenge {
    SmsMfa,
    EmailOtp,
    SoftwareTokenMfa,
    SelectMfaType,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerRequest {
    pub username: String,
    pub session: Secret,
    pub challenge: MfaChallenge,
    /// The code, for SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA.
    #[serde(default, deserialize_with = "present")]
    pub code: Option<Secret>,
    /// The factor chosen, for SELECT_MFA_TYPE.
    #[serde(default, deserialize_with = "present")]
    pub factor: Option<Factor>,
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

impl Validate for AnswerRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)?;
        match (self.challenge, &self.code, self.factor) {
            (MfaChallenge::SelectMfaType, None, Some(_)) => Ok(()),
            (MfaChallenge::SelectMfaType, _, _) => Err(ApiError::validation(
                "factor",
                "SELECT_MFA_TYPE is answered with `factor` (sms, email or totp), and no `code`",
            )),
            (_, Some(code), None) => check::code("code", code.expose()),
            _ => Err(ApiError::validation("code", "this challenge is answered with `code`, and no `factor`")),
        }
    }
}

/// POST /auth/mfa
pub async fn answer(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<AnswerRequest>,
) -> Result<Response, ApiError> {
    let answer = answer_challenge(&state, &client, &request).await;
    // An EMAIL_OTP session may be a passwordless one, anyone's: a wrong code names no one.
    let step = if request.challenge == MfaChallenge::EmailOtp { Step::Unproven } else { Step::Code };
    audit_step(&audit, &request.username, step, answer).map(|answer| mode.answer(&state, answer))
}

async fn answer_challenge(
    state: &AppState,
    client: &ContextDataType,
    request: &AnswerRequest,
) -> Result<AuthResponse, ApiError> {
    if let (MfaChallenge::EmailOtp, Some(code)) = (request.challenge, &request.code) {
        // EMAIL_OTP is also USER_AUTH's first factor, whose sessions anyone who knows a
        // username gets: answered as the passwordless code route answers it, alike for
        // everyone, and counted where strangers may count (first_factor_answer::code).
        let request = CodeRequest {
            username: request.username.clone(),
            session: request.session.clone(),
            challenge: CodeChallenge::EmailOtp,
            code: code.clone(),
            device_name: request.device_name.clone(),
        };
        return first_factor_answer::code(state, client, &request).await;
    }
    let (challenge, response) = match (request.challenge, &request.code, request.factor) {
        (MfaChallenge::SmsMfa, Some(code), _) => (ChallengeNameType::SmsMfa, ("SMS_MFA_CODE", code.expose())),
        (MfaChallenge::EmailOtp, Some(code), _) => (ChallengeNameType::EmailOtp, ("EMAIL_OTP_CODE", code.expose())),
        (MfaChallenge::SoftwareTokenMfa, Some(code), _) => {
            (ChallengeNameType::SoftwareTokenMfa, ("SOFTWARE_TOKEN_MFA_CODE", code.expose()))
        }
        (_, _, Some(factor)) => (ChallengeNameType::SelectMfaType, ("ANSWER", factor.cognito_name())),
        _ => unreachable!("validated"),
    };
    let step = respond(
        state,
        challenge,
        Some(request.session.expose()),
        &request.username,
        &[(response.0, response.1.to_owned())],
        client,
    )
    .await;
    // A code answer is counted per user (code_limit); choosing a factor is not.
    let step = if request.code.is_some() { limit_codes(state, &request.username, step).await? } else { step? };
    let attempt = Attempt {
        username: &request.username,
        device: None,
        device_name: request.device_name.as_deref(),
        context: client,
    };
    complete(state, step, &attempt).await
}

/// Counts a wrong code; refuses every answer, the right one too, while the user is
/// over the limit. Only answers Cognito took for this user's session get here,
/// so an unknown user or a made-up session is never counted or told.
async fn limit_codes(
    state: &AppState,
    username: &str,
    step: Result<SignInStep, ApiError>,
) -> Result<SignInStep, ApiError> {
    let now = code_limit::now();
    match step {
        Err(wrong) if wrong.code == ErrorCode::CodeMismatch => {
            Err(code_limit::count_wrong_code(state, username, now, wrong).await)
        }
        // A used or expired code is no right answer either: while locked it gets the
        // same 429, so the lock does not tell which codes were once good.
        Err(expired) if expired.code == ErrorCode::CodeExpired => {
            code_limit::refuse_if_locked(state, username, now).await?;
            Err(expired)
        }
        Err(other) => Err(other),
        Ok(step) => match code_limit::refuse_if_locked(state, username, now).await {
            Err(locked) => {
                discard(state, &step).await;
                Err(locked)
            }
            Ok(()) => Ok(step),
        },
    }
}

/// Revokes the refresh token (and its access tokens) of a sign-in that is refused.
async fn discard(state: &AppState, step: &SignInStep) {
    if let Some(refresh_token) = step.result.as_ref().and_then(|r| r.refresh_token()) {
        revoke_unused(state, refresh_token, "a sign-in refused by the code limit").await;
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartSetupRequest {
    pub username: String,
    pub session: Secret,
}

impl Validate for StartSetupRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())
    }
}

/// POST /auth/mfa/setup
pub async fn start_setup(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<StartSetupRequest>,
) -> Result<Json<TotpSetup>, ApiError> {
    let output = state
        .cognito()
        .associate_software_token()
        .session(request.session.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::AnswerChallenge))?;
    let secret = output.secret_code().ok_or_else(|| incomplete("SecretCode"))?.to_owned();
    Ok(Json(TotpSetup {
        otpauth_uri: totp_uri(&state.config().mfa_issuer, &request.username, &secret),
        secret,
        session: Some(output.session().ok_or_else(|| incomplete("Session"))?.to_owned()),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FinishSetupRequest {
    pub username: String,
    pub session: Secret,
    pub code: Secret,
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

impl Validate for FinishSetupRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())?;
        check::code("code", self.code.expose())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)
    }
}

/// POST /auth/mfa/setup/verify: verifies the first code, then finishes MFA_SETUP.
pub async fn finish_setup(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<FinishSetupRequest>,
) -> Result<Response, ApiError> {
    let answer = finish(&state, &client, &request).await;
    if answer.is_ok() {
        // TOTP is on from here: the account's MFA changed, as it does at PUT /auth/me/mfa.
        Audit::same_request(&audit)
            .actor(&request.username)
            .detail("totp:on")
            .write(Event::MfaChanged, Outcome::Success);
    }
    audit_step(&audit, &request.username, Step::Unproven, answer).map(|answer| mode.answer(&state, answer))
}

async fn finish(
    state: &AppState,
    client: &ContextDataType,
    request: &FinishSetupRequest,
) -> Result<AuthResponse, ApiError> {
    let verified = state
        .cognito()
        .verify_software_token()
        .session(request.session.expose())
        .user_code(request.code.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::AnswerChallenge))?;
    let step = respond(state, ChallengeNameType::MfaSetup, verified.session(), &request.username, &[], client).await?;
    let attempt = Attempt {
        username: &request.username,
        device: None,
        device_name: request.device_name.as_deref(),
        context: client,
    };
    complete(state, step, &attempt).await
}
