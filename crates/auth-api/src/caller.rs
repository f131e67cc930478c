//! The caller's account as Cognito holds it: GetUser with the caller's own
//! access token, which Cognito refuses when the token is revoked or expired,
//! or the user disabled or deleted (401 UNAUTHENTICATED).

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use serde::Serialize;

use crate::audit::Audit;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;

/// The caller's username and attributes, as GET /auth/me and PATCH /auth/me answer them.
#[derive(Debug, Serialize)]
pub struct CurrentUser {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
}

impl From<&GetUserOutput> for CurrentUser {
    fn from(output: &GetUserOutput) -> Self {
        CurrentUser {
            username: output.username().to_owned(),
            attributes: output
                .user_attributes()
                .iter()
                .map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned()))
                .collect(),
        }
    }
}

pub async fn get_user(state: &AppState, token: &Secret) -> Result<GetUserOutput, ApiError> {
    state
        .cognito()
        .get_user()
        .access_token(token.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))
}

/// Names the token's user in the request's audit line, when this function can verify
/// the token's signature (issuer and client too; no Cognito call). An expired token
/// still names its user truthfully; a forged one names nobody, so a line never names
/// whom a forger claimed to be.
pub async fn audit_caller(state: &AppState, token: &Secret, audit: &Audit) {
    if let Ok(claims) = state.access_tokens().verify_allowing_expiry(token.expose()).await {
        audit.actor(claims.username.as_deref().unwrap_or(&claims.sub));
    }
}
