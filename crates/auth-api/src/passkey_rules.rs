//! The pool's WebAuthn settings, read once with GetUserPoolMfaConfig: the relying
//! party id and whether user verification is required. The passwordless routes shape
//! a passkey challenge for a username that has no passkey (or no account) from them,
//! so that it looks like anyone's (first_factor.rs).

use aws_sdk_cognitoidentityprovider::Client;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasskeyRules {
    /// WebAuthnRelyingPartyID; None when the pool has none set.
    pub relying_party_id: Option<String>,
    /// WebAuthnUserVerification in WebAuthn's words: `required` or `preferred` (Cognito's default).
    pub user_verification: String,
}

impl PasskeyRules {
    pub async fn describe(cognito: &Client, user_pool_id: &str) -> Result<Self, ApiError> {
        let output = cognito
            .get_user_pool_mfa_config()
            .user_pool_id(user_pool_id)
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
        let config = output.web_authn_configuration();
        Ok(Self {
            relying_party_id: config.and_then(|c| c.relying_party_id()).map(str::to_owned),
            user_verification: config
                .and_then(|c| c.user_verification())
                .map_or("preferred", |uv| if uv.as_str() == "required" { "required" } else { "preferred" })
                .to_owned(),
        })
    }
}
