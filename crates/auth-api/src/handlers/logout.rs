//! POST /auth/logout: revokes the refresh token given (and so every access
//! token issued from it), or with `"everywhere": true` every sign-in of the
//! user. A second logout is harmless: 204 again.
//!
//! The bearer must be a real credential. With `everywhere`, GlobalSignOut
//! checks it at Cognito. With a `refreshToken`, it must be an access token of
//! this pool and app client (signature, issuer, client, use), expired or
//! revoked or not: logging out only ends access, an app often logs out after
//! its access token expired, and a second logout comes with the access token
//! the first revoked. A live check (GetUser) would refuse exactly those, and
//! would stop no attacker: whoever holds the refresh token can revoke it.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use axum::extract::State;
use http::StatusCode;
use serde::Deserialize;

use crate::bearer::BearerToken;
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutRequest {
    #[serde(default, deserialize_with = "present")]
    pub refresh_token: Option<Secret>,
    #[serde(default)]
    pub everywhere: bool,
}

impl Validate for LogoutRequest {
    fn validate(&self) -> Result<(), ApiError> {
        if let Some(token) = &self.refresh_token {
            check::length("refreshToken", token.expose(), 20, 8192)?;
        }
        if self.refresh_token.is_none() && !self.everywhere {
            return Err(ApiError::validation(
                "refreshToken",
                "send the `refreshToken` to end this sign-in, or `\"everywhere\": true` to end them all",
            ));
        }
        Ok(())
    }
}

pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    JsonBody(request): JsonBody<LogoutRequest>,
) -> Result<StatusCode, ApiError> {
    if let Some(refresh_token) = &request.refresh_token {
        state.access_tokens().verify_allowing_expiry(token.expose()).await?;
        // Cognito answers an unknown or already revoked token with success.
        state
            .cognito()
            .revoke_token()
            .client_id(&state.config().client_id)
            .token(refresh_token.expose())
            .set_client_secret(state.client_secret().await?.map(|secret| secret.expose().to_owned()))
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Revoke))?;
    }
    if request.everywhere {
        let signed_out = state.cognito().global_sign_out().access_token(token.expose()).send().await;
        if let Err(error) = signed_out {
            // Signed out already (the token was revoked): nothing left to do.
            if error.message() != Some("Access Token has been revoked") {
                return Err(from_sdk(error, CognitoCall::WithAccessToken));
            }
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
