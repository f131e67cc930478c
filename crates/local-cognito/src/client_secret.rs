//! How a call proves its app client: SECRET_HASH, or the client secret itself.

use base64::Engine;
use hmac::Mac;

use crate::error::{self, Result};
use crate::model::AppClient;

/// SECRET_HASH for a client with a secret: Base64(HMAC-SHA256(secret, username + client id)).
pub fn check_secret_hash(client: &AppClient, username: &str, given: Option<&str>) -> Result<()> {
    let Some(secret) = &client.secret else { return Ok(()) };
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(error::not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(username.as_bytes());
    mac.update(client.id.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), given.as_bytes()).is_err() {
        return Err(error::not_authorized(format!("Unable to verify secret hash for client {}", client.id)));
    }
    Ok(())
}

/// The client secret itself (GetTokensFromRefreshToken, RevokeToken).
pub fn check_client_secret(client: &AppClient, given: Option<&str>) -> Result<()> {
    match (&client.secret, given) {
        (None, _) => Ok(()),
        (Some(secret), Some(given))
            if aws_lc_rs::constant_time::verify_slices_are_equal(secret.as_bytes(), given.as_bytes()).is_ok() =>
        {
            Ok(())
        }
        (Some(_), _) => Err(error::not_authorized(format!("Unable to verify secret for client {}", client.id))),
    }
}
