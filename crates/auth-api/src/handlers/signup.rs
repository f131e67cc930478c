//! Self sign-up: POST /auth/signup, /auth/signup/confirm, /auth/signup/resend.
//! Off unless the pool allows it (403 SIGN_UP_DISABLED). Confirmation and
//! resends answer the same for unknown users as for known ones.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::types::AttributeType;
use axum::extract::State;
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::{ApiError, ErrorCode};
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// Where a code went, as far as it is safe to say: the masked destination
/// would tell a real account from an unknown one, so it is left out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    pub delivery_medium: &'static str,
    pub attribute_name: &'static str,
}

pub const EMAILED: CodeSent = CodeSent { delivery_medium: "EMAIL", attribute_name: "email" };

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignUpRequest {
    /// The email when absent.
    #[serde(default, deserialize_with = "present")]
    pub username: Option<String>,
    pub email: String,
    pub password: Secret,
    /// Attributes users may write (the app client's WriteAttributes).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl Validate for SignUpRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::email("email", &self.email)?;
        if let Some(username) = &self.username {
            check::username("username", username)?;
        }
        check::password("password", self.password.expose())?;
        for (name, value) in &self.attributes {
            let field = format!("attributes.{name}");
            if matches!(name.as_str(), "email" | "email_verified" | "phone_number_verified" | "sub") {
                return Err(ApiError::validation(field, format!("`{name}` cannot be set here")));
            }
            check::length(&field, name, 1, 32 + "custom:".len())?;
            check::length(&field, value, 0, 2048)?;
        }
        Ok(())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedUp {
    pub username: String,
    pub user_confirmed: bool,
    pub code_delivery: Option<CodeSent>,
}

/// POST /auth/signup
pub async fn sign_up(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<SignUpRequest>,
) -> Result<(StatusCode, Json<SignedUp>), ApiError> {
    let username = request.username.clone().unwrap_or_else(|| request.email.clone());
    let attributes = std::iter::once(("email", request.email.as_str()))
        .chain(request.attributes.iter().map(|(name, value)| (name.as_str(), value.as_str())))
        .map(|(name, value)| AttributeType::builder().name(name).value(value).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| ApiError::validation("attributes", "attribute names must not be empty"))?;
    let output = state
        .cognito()
        .sign_up()
        .client_id(state.sign_up_client_id())
        .username(&username)
        .password(request.password.expose())
        .set_user_attributes(Some(attributes))
        .set_secret_hash(state.sign_up_secret_hash(&username).await?)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::SignUp))?;
    let code_delivery = output.code_delivery_details().map(|_| EMAILED);
    Ok((StatusCode::CREATED, Json(SignedUp { username, user_confirmed: output.user_confirmed(), code_delivery })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfirmRequest {
    pub username: String,
    pub code: Secret,
}

impl Validate for ConfirmRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::code("code", self.code.expose())
    }
}

/// POST /auth/signup/confirm: the email becomes verified.
pub async fn confirm(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<ConfirmRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state
        .cognito()
        .confirm_sign_up()
        .client_id(state.sign_up_client_id())
        .username(&request.username)
        .confirmation_code(request.code.expose())
        .set_secret_hash(state.sign_up_secret_hash(&request.username).await?)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Public))?;
    Ok(Json(serde_json::json!({"confirmed": true})))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsernameRequest {
    pub username: String,
}

impl Validate for UsernameRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)
    }
}

/// POST /auth/signup/resend: 202 alike for unknown, unconfirmed and confirmed users.
pub async fn resend(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<UsernameRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let sent = state
        .cognito()
        .resend_confirmation_code()
        .client_id(state.sign_up_client_id())
        .username(&request.username)
        .set_secret_hash(state.sign_up_secret_hash(&request.username).await?)
        .send()
        .await;
    // "User is already confirmed." would tell that the account exists.
    sent_alike(sent, &[ErrorCode::ValidationFailed])
}

/// 202 with the same body whoever the username names: the errors listed,
/// which would tell a real account from an unknown one, answer alike.
pub fn sent_alike<T, E: ProvideErrorMetadata>(
    sent: Result<T, SdkError<E, HttpResponse>>,
    about_the_user: &[ErrorCode],
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if let Err(error) = sent {
        let mapped = from_sdk(error, CognitoCall::Public);
        if !about_the_user.contains(&mapped.code) {
            return Err(mapped);
        }
    }
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({"codeDelivery": EMAILED}))))
}
