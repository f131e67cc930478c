//! REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken: new tokens for a
//! sign-in that is still valid, rotating the refresh token when asked.

use serde_json::{json, Value};

use crate::client_secret::{check_client_secret, check_secret_hash};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::pool;
use crate::model::{AppClient, RefreshToken};
use crate::random;
use crate::tokens::{self, Grant};

pub fn rotates(client: &AppClient) -> bool {
    client.settings.refresh_token_rotation.as_ref().is_some_and(|r| r.feature == "ENABLED")
}

/// How a refresh proves the client: SECRET_HASH (InitiateAuth) or the secret itself.
pub enum SecretCheck<'a> {
    Hash(Option<&'a str>),
    Secret(Option<&'a str>),
}

pub fn refresh(
    ctx: &mut Ctx,
    client: &AppClient,
    token: &str,
    device_key: Option<&str>,
    secret: SecretCheck,
    rotate: bool,
) -> Result<Value> {
    let invalid = || error::not_authorized("Invalid Refresh Token");
    let record = ctx.state.refresh_tokens.get(token).cloned().ok_or_else(invalid)?;
    if record.client_id != client.id {
        return Err(invalid());
    }
    let grace = client.settings.refresh_token_rotation.as_ref().and_then(|r| r.retry_grace_period_seconds).unwrap_or(0);
    if record.superseded_at.is_some_and(|at| at + grace <= ctx.now) {
        return Err(invalid());
    }
    if record.expires <= ctx.now {
        return Err(error::not_authorized("Refresh Token has expired"));
    }
    let pool = pool(ctx.state, &record.pool_id)?;
    let user = pool.users.get(&record.username).ok_or_else(|| error::not_authorized("User does not exist."))?;
    match secret {
        // Cognito computes it over the user's own username (the sub when the pool signs in by email).
        SecretCheck::Hash(given) => check_secret_hash(client, &user.username, given)?,
        SecretCheck::Secret(given) => check_client_secret(client, given)?,
    }
    if !user.enabled {
        return Err(error::not_authorized("User is disabled."));
    }
    // Revocation keeps the record (a tombstone), so this can answer as Cognito does; a deleted
    // or disabled user's tokens answer as above.
    if ctx.state.revoked_origins.contains(&record.origin_jti) {
        return Err(error::not_authorized("Refresh Token has been revoked"));
    }
    // Cognito, "Refresh tokens": with device tracking, a refresh must name the device its
    // sign-in was bound to, whether that device was confirmed or only issued.
    if record.device_key.is_some() && record.device_key.as_deref() != device_key {
        return Err(invalid());
    }
    let device_key = record.device_key.clone();
    let grant = Grant {
        pool_id: &record.pool_id.clone(),
        client_id: &record.client_id,
        username: &record.username,
        origin_jti: record.origin_jti.clone(),
        auth_time: record.auth_time,
        device_key: device_key.clone(),
    };
    let mut result = tokens::issue(ctx, &grant, false)?;
    if rotate {
        let replacement = random::token(96);
        let now = ctx.now;
        ctx.state.refresh_tokens.insert(
            replacement.clone(),
            RefreshToken {
                device_key,
                superseded_at: None,
                expires: now + tokens::Lifetimes::of(&client.settings).refresh,
                ..record.clone()
            },
        );
        if let Some(old) = ctx.state.refresh_tokens.get_mut(token) {
            old.superseded_at.get_or_insert(now);
        }
        result["RefreshToken"] = json!(replacement);
    }
    Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
}
