//! Self sign-up: POST /auth/signup, /auth/signup/confirm, /auth/signup/resend.
//! Off unless the pool allows it (403 SIGN_UP_DISABLED). Nothing here tells who
//! exists: a taken username or email is answered as a fresh sign-up (and creates
//! nothing), confirmation and resends answer the same for unknown users as for
//! known ones, and a weak password is refused before Cognito is asked.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::types::AttributeType;
use axum::extract::State;
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::audit::{Audit, Event};
use crate::body::{check, present, JsonBody, Validate};
use crate::code_sent::{sent_alike, CodeSent, CodeSentAnswer, UsernameRequest, EMAILED};
use crate::cognito_error::{from_sdk, wrong_or_expired_code, CognitoCall};
use crate::config::Secret;
use crate::context_data::UserContext;
use crate::email_holders::holder_of;
use crate::error::{ApiError, ErrorCode};
use crate::pool_user;
use crate::state::AppState;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignUpRequest {
    /// The email when absent.
    #[serde(default, deserialize_with = "present")]
    pub username: Option<String>,
    #[serde(deserialize_with = "crate::body::email_address")]
    pub email: String,
    /// Optional when the pool allows a first factor without a password (an emailed or
    /// texted code, a passkey): the user then signs in at POST /auth/passwordless.
    #[serde(default, deserialize_with = "present")]
    pub password: Option<Secret>,
    /// Attributes users may write (the app client's WriteAttributes).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

impl Validate for SignUpRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::email("email", &self.email)?;
        if let Some(username) = &self.username {
            check::username("username", username)?;
            check::own_email_as_username("username", username, &self.email)?;
        }
        if let Some(password) = &self.password {
            check::password("password", password.expose())?;
        }
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
    UserContext(context): UserContext,
    JsonBody(request): JsonBody<SignUpRequest>,
) -> Result<(StatusCode, Json<SignedUp>), ApiError> {
    let username = request.username.clone().unwrap_or_else(|| request.email.clone());
    let rules: &crate::pool_rules::PoolRules = state.pool_rules().await?;
    // Checked here, before the address is looked up, so that a held address is
    // refused exactly as a new one: these would otherwise come from SignUp only.
    if !rules.sign_up_allowed {
        return Err(ApiError::new(
            ErrorCode::SignUpDisabled,
            "users cannot sign themselves up here; an administrator creates accounts",
        ));
    }
    match &request.password {
        Some(password) => rules.password_policy.check("password", password.expose())?,
        None if rules.allows_passwordless() => {}
        None => {
            return Err(ApiError::validation(
                "password",
                "`password` is required: this deployment signs in by password only, or its pool requires MFA",
            ))
        }
    }
    check_attributes(rules, state.client_rules().await?, &request)?;
    // What a new sign-up is answered; a taken username or email gets the same.
    let fresh = SignedUp {
        username: username.clone(),
        user_confirmed: false,
        code_delivery: rules.emails_sign_up_codes.then_some(EMAILED),
    };
    // One address, one account.
    if holder_of(&state, &request.email, None).await?.is_some() {
        tracing::info!("sign-up with an address another user holds: answered as a new one, nothing created");
        return Ok((StatusCode::CREATED, Json(fresh)));
    }
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
        .set_password(request.password.as_ref().map(|password| password.expose().to_owned()))
        .set_user_attributes(Some(attributes))
        .set_secret_hash(state.sign_up_secret_hash(&username).await?)
        .user_context_data(context)
        .send()
        .await;
    match output {
        Ok(output) => Ok((StatusCode::CREATED, Json(SignedUp { user_confirmed: output.user_confirmed(), ..fresh }))),
        // A 409 would tell that the username is taken.
        Err(error) if error.code() == Some("UsernameExistsException") => {
            tracing::info!("sign-up with a taken username: answered as a new one, nothing created");
            Ok((StatusCode::CREATED, Json(fresh)))
        }
        Err(error) => Err(name_the_attribute(from_sdk(error, CognitoCall::SignUp), &request)),
    }
}

/// The pool's schema and the client's WriteAttributes, as SignUp would apply them.
fn check_attributes(
    rules: &crate::pool_rules::PoolRules,
    client: &crate::client_rules::ClientRules,
    request: &SignUpRequest,
) -> Result<(), ApiError> {
    let undeclared: Vec<&str> =
        request.attributes.keys().map(String::as_str).filter(|name| !rules.declares(name)).collect();
    if !undeclared.is_empty() {
        let detail = format!("the user pool does not declare these attributes: {}", undeclared.join(", "));
        return Err(ApiError::validation("attributes", detail));
    }
    for (name, value) in &request.attributes {
        rules.check_length(name, value)?;
    }
    if let Some(name) = request.attributes.keys().find(|name| !client.may_write(name)) {
        return Err(ApiError::validation(format!("attributes.{name}"), format!("`{name}` may not be set at sign-up")));
    }
    if !client.may_write("email") {
        return Err(ApiError::new(
            ErrorCode::Misconfigured,
            "the app client may not write email: add it to WriteAttributes",
        ));
    }
    let missing: Vec<&str> = rules
        .required_attributes
        .iter()
        .map(String::as_str)
        .filter(|name| *name != "email" && !request.attributes.contains_key(*name))
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::validation(
            "attributes",
            format!("these attributes are required: {}", missing.join(", ")),
        ));
    }
    Ok(())
}

/// Cognito does not say which attribute the client may not write; with one sent, it is that one.
fn name_the_attribute(mut error: ApiError, request: &SignUpRequest) -> ApiError {
    if error.field.as_deref() == Some("attributes") && request.attributes.len() == 1 {
        error.field = request.attributes.keys().next().map(|name| format!("attributes.{name}"));
    }
    error
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

/// POST /auth/signup/confirm: the email becomes verified, unless another
/// account already holds it (then the answer is a wrong code's, and the
/// account stays unconfirmed).
pub async fn confirm(
    State(state): State<AppState>,
    UserContext(context): UserContext,
    audit: Audit,
    JsonBody(request): JsonBody<ConfirmRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    audit.record(
        Event::SignUpConfirmed,
        async {
            if let Some((username, email)) = email_of(&state, &request.username).await? {
                if holder_of(&state, &email, Some(&username)).await?.is_some() {
                    tracing::info!(
                        "confirmation of a sign-up whose address another account holds: refused as a wrong code"
                    );
                    return Err(wrong_or_expired_code());
                }
            }
            state
                .cognito()
                .confirm_sign_up()
                .client_id(state.sign_up_client_id())
                .username(&request.username)
                .confirmation_code(request.code.expose())
                .set_secret_hash(state.sign_up_secret_hash(&request.username).await?)
                .user_context_data(context)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::PublicCode))?;
            // The code held: the username is a real user's (a failure's may be anyone's text).
            audit.actor(&request.username);
            Ok(Json(serde_json::json!({"confirmed": true})))
        }
        .await,
    )
}

/// POST /auth/signup/resend: 202 alike for unknown, unconfirmed and confirmed users.
pub async fn resend(
    State(state): State<AppState>,
    UserContext(context): UserContext,
    JsonBody(request): JsonBody<UsernameRequest>,
) -> Result<(StatusCode, Json<CodeSentAnswer>), ApiError> {
    let sent = state
        .cognito()
        .resend_confirmation_code()
        .client_id(state.sign_up_client_id())
        .username(&request.username)
        .set_secret_hash(state.sign_up_secret_hash(&request.username).await?)
        .user_context_data(context)
        .send()
        .await;
    // "User is already confirmed." would tell that the account exists.
    sent_alike(sent, &[ErrorCode::ValidationFailed])
}

/// The username and email of `username` (AdminGetUser), or None for no such user.
async fn email_of(state: &AppState, username: &str) -> Result<Option<(String, String)>, ApiError> {
    Ok(pool_user::find(state, username).await?.and_then(|user| {
        pool_user::attribute(&user, "email").map(|email| (user.username().to_owned(), email.to_owned()))
    }))
}
