//! POST /auth/users: an administrator creates a user with a temporary password.

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeliveryMediumType, MessageActionType};
use axum::extract::State;
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::admin::AdminCaller;
use crate::audit::{Audit, Event};
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Attributes set through their own fields, or by Cognito alone.
const RESERVED_ATTRIBUTES: &[(&str, &str)] = &[
    ("email", "use the `email` field"),
    ("email_verified", "use the `emailVerified` field"),
    ("sub", "Cognito assigns it"),
];

/// Optional fields may be left out, but not sent as `null`: the schema says what they are.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUserRequest {
    #[serde(deserialize_with = "crate::body::email_address")]
    pub email: String,
    /// A UUID is generated when absent.
    #[serde(default, deserialize_with = "present")]
    pub username: Option<String>,
    /// Cognito generates one when absent.
    #[serde(default, deserialize_with = "present")]
    pub temporary_password: Option<Secret>,
    /// Further attributes, among those the deployment allows (CREATE_USER_ATTRIBUTES).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Whether Cognito emails the temporary password. Default true.
    #[serde(default, deserialize_with = "present")]
    pub send_invitation: Option<bool>,
    /// Default false: the user proves the address with /auth/email/verify.
    #[serde(default, deserialize_with = "present")]
    pub email_verified: Option<bool>,
}

impl Validate for CreateUserRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::email("email", &self.email)?;
        if let Some(username) = &self.username {
            check::username("username", username)?;
            check::own_email_as_username("username", username, &self.email)?;
        }
        if let Some(password) = &self.temporary_password {
            check::password("temporaryPassword", password.expose())?;
        }
        for (name, value) in &self.attributes {
            let field = format!("attributes.{name}");
            if let Some((_, why)) = RESERVED_ATTRIBUTES.iter().find(|(reserved, _)| reserved == name) {
                return Err(ApiError::validation(&field, format!("`{name}` cannot be set here: {why}")));
            }
            check::length(&field, name, 1, 32 + "custom:".len())?;
            check::length(&field, value, 0, 2048)?;
        }
        if self.send_invitation == Some(false) && self.temporary_password.is_none() {
            return Err(ApiError::validation(
                "temporaryPassword",
                "without an invitation nobody learns the generated password: send `temporaryPassword`, or leave `sendInvitation` on",
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedUser {
    pub username: String,
    pub sub: String,
    pub status: String,
    pub attributes: BTreeMap<String, String>,
}

pub async fn handle(
    State(state): State<AppState>,
    admin: AdminCaller,
    audit: Audit,
    JsonBody(request): JsonBody<CreateUserRequest>,
) -> Result<(StatusCode, Json<CreatedUser>), ApiError> {
    audit.actor(&admin.username);
    audit.record(
        Event::AdminUserCreated,
        async {
            let allowed = &state.config().create_user_attributes;
            if let Some(name) = request.attributes.keys().find(|name| !allowed.contains(name)) {
                return Err(ApiError::validation(
                    format!("attributes.{name}"),
                    format!("`{name}` may not be set here; allowed: {}", allowed.join(", ")),
                ));
            }
            let username = request.username.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            audit.target(&username);
            let email_verified = if request.email_verified.unwrap_or(false) { "true" } else { "false" };
            let attributes = [("email", request.email.as_str()), ("email_verified", email_verified)]
                .into_iter()
                .chain(request.attributes.iter().map(|(name, value)| (name.as_str(), value.as_str())))
                .map(|(name, value)| AttributeType::builder().name(name).value(value).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| ApiError::validation("attributes", "attribute names must not be empty"))?;

            let mut call = state
                .cognito()
                .admin_create_user()
                .user_pool_id(&state.config().user_pool_id)
                .username(&username)
                .set_user_attributes(Some(attributes))
                .set_temporary_password(request.temporary_password.as_ref().map(|p| p.expose().to_owned()));
            call = if request.send_invitation.unwrap_or(true) {
                call.desired_delivery_mediums(DeliveryMediumType::Email)
            } else {
                call.message_action(MessageActionType::Suppress)
            };
            let output = call.send().await.map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            let user =
                output.user().ok_or_else(|| ApiError::new(ErrorCode::Internal, "Cognito's answer was incomplete"))?;

            let attributes: BTreeMap<String, String> = user
                .attributes()
                .iter()
                .map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned()))
                .collect();
            Ok((
                StatusCode::CREATED,
                Json(CreatedUser {
                    username: user.username().unwrap_or(&username).to_owned(),
                    sub: attributes.get("sub").cloned().unwrap_or_default(),
                    status: user.user_status().map_or("FORCE_CHANGE_PASSWORD", |s| s.as_str()).to_owned(),
                    attributes,
                }),
            ))
        }
        .await,
    )
}
