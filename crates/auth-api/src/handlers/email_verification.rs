//! POST /auth/email/verification-code and POST /auth/email/verify: the signed-in
//! user proves their email address (authorized by the user's own access token).
//! POST /auth/me/email changes it (step-up, then AdminUpdateUserAttributes: the
//! old address stays until the new one is verified; every session ends), and
//! POST /auth/me/reauthentication emails a code that proves the user (step-up).

use axum::extract::State;
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{check, JsonBody, Validate};
use crate::caller::audit_caller;
use crate::caller::get_user;
use crate::code_sent::{CodeSentAnswer, EMAILED};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::email_holders::holder_of;
use crate::error::{ApiError, ErrorCode};
use crate::sessions;
use crate::state::AppState;
use crate::step_up::{self, Reauthentication};

const EMAIL: &str = "email";

/// The code request takes no fields; an empty body is fine.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendCodeRequest {}

impl Validate for SendCodeRequest {
    fn validate(&self) -> Result<(), ApiError> {
        Ok(())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    pub code_delivery: CodeDelivery,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeDelivery {
    pub destination: Option<String>,
    pub delivery_medium: Option<String>,
    pub attribute_name: Option<String>,
}

pub async fn send_code(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    JsonBody(_): JsonBody<SendCodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    send(&state, &token).await
}

/// GetUserAttributeVerificationCode for the email: 202 with where it went.
async fn send(state: &AppState, token: &Secret) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    let output = state
        .cognito()
        .get_user_attribute_verification_code()
        .access_token(token.expose())
        .attribute_name(EMAIL)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
    let delivery = output.code_delivery_details();
    Ok((
        StatusCode::ACCEPTED,
        Json(CodeSent {
            code_delivery: CodeDelivery {
                destination: delivery.and_then(|d| d.destination()).map(str::to_owned),
                delivery_medium: delivery.and_then(|d| d.delivery_medium()).map(|m| m.as_str().to_owned()),
                attribute_name: delivery.and_then(|d| d.attribute_name()).map(str::to_owned),
            },
        }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    pub code: Secret,
}

impl Validate for VerifyEmailRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::length("code", self.code.expose(), 1, 2048)?;
        check::no_whitespace("code", self.code.expose())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailVerified {
    pub email_verified: bool,
}

pub async fn verify(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    audit: Audit,
    JsonBody(request): JsonBody<VerifyEmailRequest>,
) -> Result<Json<EmailVerified>, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::EmailVerified,
        async {
            state
                .cognito()
                .verify_user_attribute()
                .access_token(token.expose())
                .attribute_name(EMAIL)
                .code(request.code.expose())
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            Ok(Json(EmailVerified { email_verified: true }))
        }
        .await,
    )
}

/// POST /auth/me/reauthentication: a code to the user's verified email, to
/// send as `reauthentication.emailCode` with one sensitive change.
pub async fn send_reauthentication_code(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    JsonBody(_): JsonBody<SendCodeRequest>,
) -> Result<(StatusCode, Json<CodeSent>), ApiError> {
    let user = get_user(&state, &token).await?;
    // A code to an address nobody proved would prove nothing.
    if !step_up::email_verified(&user) {
        return Err(ApiError::new(
            ErrorCode::InvalidUserState,
            "the user has no verified email: reauthenticate with the current password",
        ));
    }
    send(&state, &token).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeEmailRequest {
    #[serde(deserialize_with = "crate::body::email_address")]
    pub email: String,
    #[serde(default, deserialize_with = "crate::body::present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for ChangeEmailRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::email("email", &self.email)?;
        step_up::validate(self.reauthentication.as_ref())
    }
}

/// POST /auth/me/email: the only way to change the email (the app client
/// cannot write it). Cognito sends a code to the new address and keeps the old
/// one (sign-in, recovery) until /auth/email/verify gets that code; the old
/// one gets a notice (crate::notice). Every session ends: the caller signs in
/// again to send the code.
pub async fn change(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    audit: Audit,
    JsonBody(request): JsonBody<ChangeEmailRequest>,
) -> Result<(StatusCode, Json<CodeSentAnswer>), ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::EmailChanged,
        async {
            let user = step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
            let current = user.user_attributes().iter().find(|a| a.name() == EMAIL).and_then(|a| a.value());
            if current.is_some_and(|email| email.eq_ignore_ascii_case(&request.email)) {
                return Err(ApiError::validation("email", "this is already the user's email"));
            }
            // One address, one account. A held address is answered as any other (the same
            // 202, every session ends) and nothing changes: no answer tells that it is held.
            if holder_of(&state, &request.email, Some(user.username())).await?.is_some() {
                tracing::info!("email change to an address another account holds: answered alike, nothing changed");
            } else {
                let email = aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                    .name(EMAIL)
                    .value(&request.email)
                    .build()
                    .map_err(|_| ApiError::validation("email", "`email` must be an email address"))?;
                state
                    .cognito()
                    .admin_update_user_attributes()
                    .user_pool_id(&state.config().user_pool_id)
                    .username(user.username())
                    .user_attributes(email)
                    .send()
                    .await
                    .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            }
            sessions::end_all(&state, user.username()).await?;
            // Then the owner hears of it at the address that still recovers the account (a
            // held address too: the owner, not the caller, reads it). After the sessions end,
            // so that a slow SES never leaves a thief's session alive.
            if let Some(old) = current.filter(|_| step_up::email_verified(&user)) {
                state.notices().email_changing(state.config(), old, &request.email).await;
            }
            // Where the code went is the address the caller just gave: nothing to mask.
            Ok((StatusCode::ACCEPTED, Json(CodeSentAnswer { code_delivery: EMAILED })))
        }
        .await,
    )
}
