//! Revoking a refresh token that a function minted and will not hand out (a
//! sign-in refused by the code limit, a step-up's password check): RevokeToken
//! also ends the access tokens issued with it. The tokens never leave the
//! function, so a failure is logged (by code, never the token) and not fatal.

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::state::AppState;

pub async fn revoke_unused(state: &AppState, refresh_token: &str, what: &'static str) {
    let secret = match state.client_secret().await {
        Ok(secret) => secret.map(|s| s.expose().to_owned()),
        Err(error) => {
            tracing::warn!(code = error.code.as_str(), what, "a minted refresh token was not revoked");
            return;
        }
    };
    let revoked = state
        .cognito()
        .revoke_token()
        .client_id(&state.config().client_id)
        .token(refresh_token)
        .set_client_secret(secret)
        .send()
        .await;
    if let Err(error) = revoked {
        let error = from_sdk(error, CognitoCall::Revoke);
        tracing::warn!(code = error.code.as_str(), what, "a minted refresh token was not revoked");
    }
}
