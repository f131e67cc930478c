//! USER_SRP_AUTH: the password proved by SRP, never sent (the default flow of
//! Amplify and amazon-cognito-identity-js). InitiateAuth with USERNAME and SRP_A
//! answers PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP); the
//! answer's PASSWORD_CLAIM_SIGNATURE is checked against the verifier kept with the
//! password, then the sign-in goes on as after a password (new password, device,
//! MFA). API reference, InitiateAuth and RespondToAuthChallenge; developer guide,
//! "Authentication flows" (SRP). The signature is HMAC(key, poolName | userIdForSrp |
//! secretBlock | timestamp), the device SRP's with the pool name and username.

use std::collections::HashMap;

use base64::Engine;
use serde_json::{json, Map, Value};

use super::lockout::{check_lockout, record_failure};
use super::session::{invalid_session, issue_session};
use crate::client_secret::check_secret_hash;
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool, pool_mut};
use crate::model::{AppClient, Challenge, Progress, Session, SrpState};
use crate::{random, srp};

fn wrong_password() -> error::CognitoError {
    error::not_authorized("Incorrect username or password.")
}

/// InitiateAuth (or AdminInitiateAuth) with USER_SRP_AUTH: the PASSWORD_VERIFIER challenge.
pub fn start(ctx: &mut Ctx, pool_id: &str, client: &AppClient, parameters: &HashMap<String, String>) -> Result<Value> {
    let username = parameters.get("USERNAME").filter(|u| !u.is_empty()).ok_or_else(|| missing("USERNAME"))?;
    let big_a = parameters.get("SRP_A").filter(|a| !a.is_empty()).ok_or_else(|| missing("SRP_A"))?;
    check_secret_hash(client, username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let device_key = parameters.get("DEVICE_KEY").cloned();
    let pool = pool(ctx.state, pool_id)?;
    // Cognito answers an unknown user with a decoy challenge when existence errors are
    // prevented; here the refusal comes at once, with the same message as a wrong password.
    let Some(key) = pool.user_key(username) else {
        return Err(if client.hides_user_existence() {
            wrong_password()
        } else {
            error::user_not_found("User does not exist.")
        });
    };
    let progress = Progress {
        pool_id: pool_id.to_owned(),
        client_id: client.id.clone(),
        username: key,
        auth_time: ctx.now,
        device_key,
        mfa_passed: false,
        device_passed: false,
    };
    verifier_challenge(ctx, progress, big_a)
}

/// PASSWORD_VERIFIER for a known user and the client's SRP_A (USER_SRP_AUTH, and
/// USER_AUTH's PASSWORD_SRP).
pub fn verifier_challenge(ctx: &mut Ctx, progress: Progress, big_a: &str) -> Result<Value> {
    let pool = pool(ctx.state, &progress.pool_id)?;
    let user = pool.users.get(&progress.username).ok_or_else(invalid_session)?;
    check_lockout(user, ctx.now)?;
    // A password set before USER_SRP_AUTH existed has no verifier: it cannot be proved this way.
    let verifier = user.password.as_ref().and_then(|hash| hash.srp.clone()).ok_or_else(wrong_password)?;
    let (b, big_b) = srp::server_ephemeral(&verifier.password_verifier)
        .ok_or_else(|| error::internal_error("The user's stored verifier is unreadable."))?;
    let secret_block = base64::engine::general_purpose::STANDARD.encode(random::bytes::<64>());
    let parameters = Map::from_iter([
        ("USERNAME".to_owned(), json!(user.username)),
        ("USER_ID_FOR_SRP".to_owned(), json!(user.username)),
        ("SRP_B".to_owned(), json!(big_b)),
        ("SALT".to_owned(), json!(srp::salt_hex(&verifier.salt).unwrap_or_default())),
        ("SECRET_BLOCK".to_owned(), json!(secret_block)),
    ]);
    let session = Session {
        srp: Some(SrpState { b, big_b, big_a: big_a.to_owned(), secret_block }),
        ..Session::new(progress, Challenge::PasswordVerifier)
    };
    issue_session(ctx, session, parameters)
}

/// PASSWORD_VERIFIER: the claim signed with the key only the password gives.
pub fn password_verifier(ctx: &mut Ctx, session: &Session, responses: &HashMap<String, String>) -> Result<()> {
    let get = |name: &str| responses.get(name).map(String::as_str).ok_or_else(|| missing(name));
    let (signature, block, timestamp) =
        (get("PASSWORD_CLAIM_SIGNATURE")?, get("PASSWORD_CLAIM_SECRET_BLOCK")?, get("TIMESTAMP")?);
    let state = session.srp.as_ref().ok_or_else(invalid_session)?;
    if block != state.secret_block {
        return Err(invalid_session());
    }
    let now = ctx.now;
    let pool_id = &session.progress.pool_id;
    let pool_name = pool_id.split_once('_').map_or(pool_id.as_str(), |(_, name)| name).to_owned();
    let user = pool_mut(ctx.state, pool_id)?.users.get_mut(&session.progress.username).ok_or_else(invalid_session)?;
    check_lockout(user, now)?;
    let verifier = user.password.as_ref().and_then(|hash| hash.srp.clone()).ok_or_else(wrong_password)?;
    let expected = srp::expected_signature(&srp::Claim {
        verifier_base64: &verifier.password_verifier,
        b_hex: &state.b,
        big_b_hex: &state.big_b,
        big_a_hex: &state.big_a,
        device_group_key: &pool_name,
        device_key: &user.username,
        secret_block_base64: block,
        timestamp,
    });
    if expected.as_deref() != Some(signature) {
        record_failure(user, now);
        return Err(wrong_password());
    }
    user.lockout = Default::default();
    Ok(())
}
