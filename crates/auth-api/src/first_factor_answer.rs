//! The answers to a first factor's challenge (USER_AUTH): the one way a code or a
//! passkey is sent to Cognito, counted and judged. Below the handlers that take
//! them: POST /auth/passwordless/code and /passkey, and POST /auth/mfa's EMAIL_OTP,
//! whose sessions may be a first factor's (anyone who knows a username gets one).

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{ChallengeNameType, ContextDataType};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use serde::Deserialize;

use crate::auth_result::{AuthResponse, SignInStep};
use crate::body::{check, present, Validate};
use crate::code_limit::{self, Window};
use crate::cognito_error::{about_the_user, from_sdk, wrong_or_expired_code, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;
use crate::sign_in::{self, complete, Attempt};
use crate::state::AppState;

/// The code challenges answered at /auth/passwordless/code.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CodeChallenge {
    EmailOtp,
    SmsOtp,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CodeRequest {
    pub username: String,
    pub session: Secret,
    pub challenge: CodeChallenge,
    pub code: Secret,
    /// A name for the device, should this sign-in remember it.
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

impl Validate for CodeRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())?;
        check::code("code", self.code.expose())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)
    }
}

/// Ok(None) for a refusal about the user (answered as anyone's), else the mapped error.
pub fn about_the_user_or<E: ProvideErrorMetadata, T>(
    error: SdkError<E, HttpResponse>,
    call: CognitoCall,
) -> Result<Option<T>, ApiError> {
    if about_the_user(error.code(), error.message()) {
        tracing::info!(cognito_error = error.code().unwrap_or("none"), "a passwordless step refused for the user");
        return Ok(None);
    }
    Err(from_sdk(error, call))
}

/// A challenge and its one answer.
pub type Answer<'a> = (ChallengeNameType, (&'a str, &'a str));

/// AdminRespondToAuthChallenge; None when Cognito refused for a reason about the user.
/// A wrong code counts against the user (`counted`; a CodeMismatchException comes only
/// for a real user's session).
pub async fn respond(
    state: &AppState,
    client: &ContextDataType,
    session: &str,
    username: &str,
    (challenge, answer): Answer<'_>,
    counted: bool,
) -> Result<Option<SignInStep>, ApiError> {
    let call = sign_in::answer(state, challenge, Some(session), username, [answer], client).await?;
    match call.send().await {
        Ok(output) => Ok(Some(output.into())),
        Err(error) => {
            if counted && error.code() == Some("CodeMismatchException") {
                if let Some((holder, _)) = code_limit::read_if_user(state, username).await? {
                    code_limit::record_failure(state, &holder, Window::Reset, code_limit::now()).await?;
                }
            }
            about_the_user_or(error, CognitoCall::AnswerChallenge)
        }
    }
}

/// Whether Cognito's step follows a first factor passed: not a SELECT_CHALLENGE session
/// that Cognito took the answer's challenge name as a choice from (first_factor.rs).
pub fn proves_the_factor(step: &SignInStep) -> bool {
    let chose = asks_a_first_factor(step.challenge_name.as_ref());
    if chose {
        tracing::info!("a code or passkey answered a SELECT_CHALLENGE session: answered as a wrong answer");
    }
    !chose
}

/// A code answered: POST /auth/passwordless/code's, and POST /auth/mfa's EMAIL_OTP (the
/// MFA challenge and the first factor share the name, so a first factor's session, which
/// anyone who knows a username gets, can be answered there too). A wrong code counts in
/// the Reset window, which strangers can reach; a user locked in either window is
/// answered as a wrong code.
pub async fn code(state: &AppState, client: &ContextDataType, request: &CodeRequest) -> Result<AuthResponse, ApiError> {
    let (challenge, parameter) = match request.challenge {
        CodeChallenge::EmailOtp => (ChallengeNameType::EmailOtp, "EMAIL_OTP_CODE"),
        CodeChallenge::SmsOtp => (ChallengeNameType::SmsOtp, "SMS_OTP_CODE"),
    };
    let now = code_limit::now();
    let user = code_limit::read_if_user(state, &request.username).await?;
    let locked = |counts: &code_limit::Counts| {
        counts.locked_for(Window::Reset, now).or(counts.locked_for(Window::SignIn, now)).is_some()
    };
    if user.as_ref().is_some_and(|(_, counts)| locked(counts)) {
        tracing::info!("a passwordless code for a user over the limit of wrong codes: answered as a wrong code");
        return Err(wrong_or_expired_code());
    }
    let (session, username) = (request.session.expose(), request.username.as_str());
    let answer = (challenge, (parameter, request.code.expose()));
    let Some(step) = respond(state, client, session, username, answer, true).await?.filter(proves_the_factor) else {
        return Err(wrong_or_expired_code());
    };
    let attempt = Attempt { username, device: None, device_name: request.device_name.as_deref(), context: client };
    complete(state, step, &attempt).await
}

/// Whether a step after an answered code or passkey asks for a first factor: then the
/// session answered was not that code's or passkey's challenge but SELECT_CHALLENGE's
/// (Cognito took the challenge's name as the choice), so nothing was proved, and the
/// step's parameters (a masked address, the user's credential ids) would tell a
/// stranger which factors the user has. Such a step is refused as a wrong answer.
fn asks_a_first_factor(step: Option<&ChallengeNameType>) -> bool {
    use ChallengeNameType as C;
    matches!(
        step,
        Some(
            C::SelectChallenge
                | C::EmailOtp
                | C::SmsOtp
                | C::WebAuthn
                | C::Password
                | C::PasswordSrp
                | C::PasswordVerifier
        )
    )
}
