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
//!
//! In cookie mode (web_session.rs) the refresh token is the cookie's, and the
//! answer clears the cookies, whatever was left to revoke.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde::Deserialize;

use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{check, present, JsonBody, Validate};
use crate::caller::audit_caller;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web_session::{clear_refresh_cookies, AuthMode, REFRESH_COOKIE};

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
        Ok(())
    }
}

/// Refresh cookies revoked at one logout, at most: ours and a few planted twins.
const MAX_REFRESH_COOKIES: usize = 4;

pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<LogoutRequest>,
) -> Result<Response, ApiError> {
    audit_caller(&state, &token, &audit).await;
    if request.everywhere {
        audit.detail("everywhere");
    }
    audit.record(
        Event::SignedOut,
        async {
            let refresh_tokens: Vec<Secret> = match (mode.is_cookie(), &request.refresh_token) {
                (false, Some(token)) => vec![token.clone()],
                (false, None) if request.everywhere => Vec::new(),
                (false, None) => {
                    return Err(ApiError::validation(
                        "refreshToken",
                        "send the `refreshToken` to end this sign-in, or `\"everywhere\": true` to end them all",
                    ))
                }
                (true, Some(_)) => {
                    return Err(ApiError::validation(
                        "refreshToken",
                        "in cookie mode the refresh token comes from its cookie: send no `refreshToken`",
                    ))
                }
                // Every cookie of the name: a twin planted by a sibling subdomain must not keep the
                // user's own token alive (revoking the planted one harms no one).
                (true, None) => {
                    mode.cookies_named(REFRESH_COOKIE, MAX_REFRESH_COOKIES).into_iter().map(Secret::new).collect()
                }
            };
            // Clearing cookies needs a real bearer too, even with no cookie left (a second logout).
            if !refresh_tokens.is_empty() || mode.is_cookie() {
                state.access_tokens().verify_allowing_expiry(token.expose()).await?;
            }
            // Cognito answers an unknown or already revoked token with success. Every token is
            // tried before a failure is answered: a planted twin's error must not spare ours.
            let mut failed = None;
            for refresh_token in &refresh_tokens {
                let revoked = state
                    .cognito()
                    .revoke_token()
                    .client_id(&state.config().client_id)
                    .token(refresh_token.expose())
                    .set_client_secret(state.client_secret().await?.map(|secret| secret.expose().to_owned()))
                    .send()
                    .await;
                if let Err(error) = revoked {
                    failed.get_or_insert(from_sdk(error, CognitoCall::Revoke));
                }
            }
            if let Some(error) = failed {
                return Err(error);
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
            let mut answer = StatusCode::NO_CONTENT.into_response();
            if mode.is_cookie() {
                clear_refresh_cookies(&mut answer);
            }
            Ok(answer)
        }
        .await,
    )
}
