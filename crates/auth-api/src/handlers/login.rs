//! POST /auth/login: username and password (and a remembered device) in,
//! tokens or a challenge out.
//!
//! A device that names nothing (a forged or altered handle, a forgotten
//! device, another user's) is as no device: with the wrong password the
//! answer is INVALID_CREDENTIALS as always, and with the right one the
//! sign-in goes on without the device (the usual MFA challenge). So a
//! made-up `deviceKey` is no silent way to test a password.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ContextDataType};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use crate::audit::Audit;
use crate::auth_result::AuthResponse;
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::device_srp::DeviceId;
use crate::error::{ApiError, ErrorCode};
use crate::initiate_auth::initiate;
use crate::sign_in::{audit_step, complete, device_of, Attempt, Step};
use crate::state::AppState;
use crate::web_session::{clear_device_cookies, AuthMode, DEVICE_COOKIE};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: Secret,
    /// The `device.deviceKey` an earlier sign-in answered.
    #[serde(default, deserialize_with = "present")]
    pub device_key: Option<String>,
    /// A name for the device, should this sign-in remember it.
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

impl Validate for LoginRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::password("password", self.password.expose())?;
        check::device_key("deviceKey", self.device_key.as_deref())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)
    }
}

pub async fn handle(
    State(state): State<AppState>,
    client: ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    // A refused login takes at least LOGIN_FAILURE_MIN_MS (crate::failure_floor).
    let started = tokio::time::Instant::now();
    let floor = state.config().login_failure_min;
    crate::failure_floor::pad(started, floor, answer(state, client, mode, audit, request).await).await
}

async fn answer(
    state: AppState,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    request: LoginRequest,
) -> Result<Response, ApiError> {
    // In cookie mode a remembered device's handle comes from its cookie.
    let (handle, from_cookie) = match &request.device_key {
        Some(handle) => (Some(handle.as_str()), false),
        None => (mode.cookie(DEVICE_COOKIE), true),
    };
    if let Some(device) = device_of(&state, handle).await? {
        // Cognito checks the password, then the device: UNKNOWN_DEVICE would tell the caller
        // the password was right. Signing in again without it answers as if no device was sent
        // (whichever order Cognito checks in).
        match sign_in(&state, &request, &client, Some(device)).await {
            Err(error) if error.code == ErrorCode::UnknownDevice => {
                tracing::info!("the device named at sign-in is unknown or refused: signing in without it");
            }
            answer => return audited(&audit, &request, answer).map(|answer| mode.answer(&state, answer)),
        }
    } else if handle.is_none() {
        let answer = sign_in(&state, &request, &client, None).await;
        return audited(&audit, &request, answer).map(|answer| mode.answer(&state, answer));
    }
    // The handle named no device: a cookie that holds it is dropped, unless this sign-in
    // remembers a new device (whose cookie replaces it).
    let answer = audited(&audit, &request, sign_in(&state, &request, &client, None).await)?;
    let remembers = answer.device.is_some();
    let mut response = mode.answer(&state, answer);
    if from_cookie && !remembers {
        clear_device_cookies(&mut response);
    }
    Ok(response)
}

/// The sign-in's one audit line (a device retried without is one sign-in).
fn audited(
    audit: &Audit,
    request: &LoginRequest,
    answer: Result<AuthResponse, ApiError>,
) -> Result<AuthResponse, ApiError> {
    audit_step(audit, &request.username, Step::Unproven, answer)
}

/// AdminInitiateAuth (with the device's key, when there is a device), then the next steps.
async fn sign_in(
    state: &AppState,
    request: &LoginRequest,
    client: &ContextDataType,
    device: Option<DeviceId>,
) -> Result<AuthResponse, ApiError> {
    let mut parameters = vec![("PASSWORD", request.password.expose())];
    if let Some(device) = &device {
        parameters.push(("DEVICE_KEY", &device.key));
    }
    let call = initiate(state, AuthFlowType::AdminUserPasswordAuth, &request.username, &parameters, client).await?;
    let output = call.send().await.map_err(|error| from_sdk(error, CognitoCall::Login))?;
    let attempt =
        Attempt { username: &request.username, device, device_name: request.device_name.as_deref(), context: client };
    complete(state, output.into(), &attempt).await
}
