//! POST /auth/refresh: a refresh token (and the device it is bound to) in,
//! new tokens out; a new refresh token too when the app client rotates them.
//! GetTokensFromRefreshToken takes the client secret itself, so the
//! SECRET_HASH-over-which-username trap of REFRESH_TOKEN_AUTH never arises.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth_result::{incomplete, AuthResponse, Tokens};
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::device_srp::DeviceId;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::web_session::{clear_refresh_cookies, AuthMode, DEVICE_COOKIE, REFRESH_COOKIE};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    /// Required in token mode; in cookie mode it is the cookie's.
    #[serde(default, deserialize_with = "present")]
    pub refresh_token: Option<Secret>,
    /// The `device.deviceKey` of the sign-in, when the pool tracks devices.
    #[serde(default, deserialize_with = "present")]
    pub device_key: Option<String>,
}

impl Validate for RefreshRequest {
    fn validate(&self) -> Result<(), ApiError> {
        if let Some(token) = &self.refresh_token {
            check::length("refreshToken", token.expose(), 20, 8192)?;
        }
        check::device_key("deviceKey", self.device_key.as_deref())
    }
}

pub async fn handle(
    State(state): State<AppState>,
    mode: AuthMode,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<Response, ApiError> {
    let Some(refresh_token) = refresh_token(&mode, &request)? else {
        return Err(ApiError::new(ErrorCode::InvalidRefreshToken, "no session cookie: sign in"));
    };
    let handle = match &request.device_key {
        Some(handle) => Some(handle.as_str()),
        None => mode.cookie(DEVICE_COOKIE),
    };
    match refresh(&state, &refresh_token, handle).await {
        // A rotated token replaces the cookie (the old one stops working); without
        // rotation the cookie is left as it is, expiring with its token.
        Ok(tokens) => Ok(mode.answer(&state, AuthResponse { tokens: Some(tokens), ..Default::default() })),
        // A dead session's cookies are dropped, so the browser stops sending them.
        Err(error) if mode.is_cookie() && error.code == ErrorCode::InvalidRefreshToken => {
            let mut answer = error.into_response();
            clear_refresh_cookies(&mut answer);
            Ok(answer)
        }
        // A device-bound token without its device is refused like a dead one: say so.
        Err(mut error)
            if error.code == ErrorCode::InvalidRefreshToken && handle.is_none() && state.tracks_devices() =>
        {
            error.detail = "the refresh token is invalid, expired or revoked; if its sign-in remembered a device, \
                            send that device's `deviceKey` too, else sign in again"
                .into();
            Err(error)
        }
        Err(error) => Err(error),
    }
}

/// The body's token in token mode, the cookie's in cookie mode; never both.
fn refresh_token(mode: &AuthMode, request: &RefreshRequest) -> Result<Option<Secret>, ApiError> {
    match (mode.is_cookie(), &request.refresh_token) {
        (false, Some(token)) => Ok(Some(token.clone())),
        (false, None) => Err(ApiError::validation("refreshToken", "send the `refreshToken` (or use cookie mode)")),
        (true, Some(_)) => Err(ApiError::validation(
            "refreshToken",
            "in cookie mode the refresh token comes from its cookie: send no `refreshToken`",
        )),
        (true, None) => Ok(mode.cookie(REFRESH_COOKIE).map(Secret::new)),
    }
}

async fn refresh(state: &AppState, refresh_token: &Secret, handle: Option<&str>) -> Result<Tokens, ApiError> {
    // A handle this server did not make names no device: Cognito then refuses a device-bound token.
    let device = match (handle, state.device_secret().await?) {
        (Some(handle), Some(secret)) => DeviceId::from_handle(handle, secret),
        _ => None,
    };
    let output = state
        .cognito()
        .get_tokens_from_refresh_token()
        .client_id(&state.config().client_id)
        .refresh_token(refresh_token.expose())
        .set_client_secret(state.client_secret().await?.map(|secret| secret.expose().to_owned()))
        .set_device_key(device.map(|device| device.key))
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Refresh))?;
    let result = output.authentication_result().ok_or_else(|| incomplete("AuthenticationResult"))?;
    Tokens::from_cognito(result)
}
