//! POST /auth/email/verification-code and POST /auth/email/verify: the signed-in
//! user proves their email address. Authorized by the user's own access token,
//! so this function needs no Cognito IAM permission.

use axum::extract::State;
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::bearer::BearerToken;
use crate::body::{check, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;

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
    JsonBody(request): JsonBody<VerifyEmailRequest>,
) -> Result<Json<EmailVerified>, ApiError> {
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
