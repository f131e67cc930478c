//! The signed-in user's devices (their own access token): GET
//! /auth/me/devices lists them; PUT /auth/me/devices/{deviceKey}
//! `{"remembered": bool}` remembers one or stops remembering it; DELETE
//! forgets it, and ends the refresh tokens bound to it.

use aws_sdk_cognitoidentityprovider::types::{DeviceRememberedStatusType, DeviceType};
use aws_smithy_types::date_time::Format;
use axum::extract::{Path, State};
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{JsonBody, Validate};
use crate::caller::audit_caller;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::context_data::ClientContext;
use crate::error::ApiError;
use crate::state::AppState;
use crate::step_up::{self, Reauthentication};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// Cognito's device key (not the sign-in's `deviceKey`, which only the server reads).
    pub device_key: String,
    pub name: Option<String>,
    pub remembered: bool,
    pub created_at: Option<String>,
    pub last_used_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Devices {
    pub devices: Vec<Device>,
}

fn attribute<'a>(device: &'a DeviceType, name: &str) -> Option<&'a str> {
    device.device_attributes().iter().find(|a| a.name() == name).and_then(|a| a.value())
}

fn timestamp(value: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    value.and_then(|t| t.fmt(Format::DateTime).ok())
}

/// GET /auth/me/devices
pub async fn list(State(state): State<AppState>, BearerToken(token): BearerToken) -> Result<Json<Devices>, ApiError> {
    let output = state
        .cognito()
        .list_devices()
        .access_token(token.expose())
        .limit(60)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
    let devices = output
        .devices()
        .iter()
        .map(|device| Device {
            device_key: device.device_key().unwrap_or_default().to_owned(),
            name: attribute(device, "device_name").map(str::to_owned),
            remembered: attribute(device, "device_status") == Some("valid"),
            created_at: timestamp(device.device_create_date()),
            last_used_at: timestamp(device.device_last_authenticated_date()),
        })
        .collect();
    Ok(Json(Devices { devices }))
}

/// Cognito's device key from the path, as GET /auth/me/devices lists it
/// (Cognito's pattern `[\w-]+_[0-9a-f-]+`, at most 55 characters). The
/// `deviceKey` a sign-in answered is refused: it is a credential, and paths
/// land in access logs.
fn device_key(path: &str) -> Result<String, ApiError> {
    let bare = path.len() <= 55
        && path.rsplit_once('_').is_some_and(|(head, id)| {
            !head.is_empty()
                && !id.is_empty()
                && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && id.chars().all(|c| c.is_ascii_digit() || matches!(c, 'a'..='f' | '-'))
        });
    if !bare {
        return Err(ApiError::validation(
            "deviceKey",
            "`deviceKey` must be a device's key as GET /auth/me/devices lists it, not the deviceKey a sign-in answered",
        ));
    }
    Ok(path.to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    pub remembered: bool,
}

impl Validate for UpdateRequest {
    fn validate(&self) -> Result<(), ApiError> {
        Ok(())
    }
}

/// PUT /auth/me/devices/{deviceKey}
pub async fn update(
    State(state): State<AppState>,
    Path(key): Path<String>,
    BearerToken(token): BearerToken,
    audit: Audit,
    JsonBody(request): JsonBody<UpdateRequest>,
) -> Result<StatusCode, ApiError> {
    audit_caller(&state, &token, &audit).await;
    let event = if request.remembered { Event::DeviceRemembered } else { Event::DeviceNotRemembered };
    audit.record(
        event,
        async {
            let status = if request.remembered {
                DeviceRememberedStatusType::Remembered
            } else {
                DeviceRememberedStatusType::NotRemembered
            };
            state
                .cognito()
                .update_device_status()
                .access_token(token.expose())
                .device_key(device_key(&key)?)
                .device_remembered_status(status)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgetRequest {
    #[serde(default, deserialize_with = "crate::body::present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for ForgetRequest {
    fn validate(&self) -> Result<(), ApiError> {
        step_up::validate(self.reauthentication.as_ref())
    }
}

/// DELETE /auth/me/devices/{deviceKey}, with a fresh proof (step-up) in the body.
pub async fn forget(
    State(state): State<AppState>,
    Path(key): Path<String>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    audit: Audit,
    JsonBody(request): JsonBody<ForgetRequest>,
) -> Result<StatusCode, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::DeviceForgotten,
        async {
            let device_key = device_key(&key)?;
            step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
            state
                .cognito()
                .forget_device()
                .access_token(token.expose())
                .device_key(device_key)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}
