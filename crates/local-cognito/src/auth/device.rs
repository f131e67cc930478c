//! DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER: a remembered device proves
//! its secret by SRP before MFA is skipped for it.

use std::collections::HashMap;

use base64::Engine;
use serde_json::{json, Map, Value};

use super::session::{invalid_session, issue_session};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool, pool_mut};
use crate::model::{Challenge, Session, SrpState};
use crate::{random, srp};

pub fn device_srp_auth(ctx: &mut Ctx, session: Session, responses: &HashMap<String, String>) -> Result<Value> {
    let big_a = responses.get("SRP_A").ok_or_else(|| missing("SRP_A"))?.clone();
    let device_key = responses.get("DEVICE_KEY").ok_or_else(|| missing("DEVICE_KEY"))?;
    if session.progress.device_key.as_ref() != Some(device_key) {
        return Err(invalid_session());
    }
    let user = pool(ctx.state, &session.progress.pool_id)?
        .users
        .get(&session.progress.username)
        .ok_or_else(invalid_session)?;
    let device = user.devices.get(device_key).ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let verifier = device.verifier.clone().ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let (b, big_b) = srp::server_ephemeral(&verifier.password_verifier)
        .ok_or_else(|| error::internal_error("The device's stored verifier is unreadable."))?;
    let secret_block = base64::engine::general_purpose::STANDARD.encode(random::bytes::<64>());
    let parameters = Map::from_iter([
        ("USERNAME".to_owned(), json!(user.username)),
        ("DEVICE_KEY".to_owned(), json!(device_key)),
        ("SRP_B".to_owned(), json!(big_b)),
        ("SALT".to_owned(), json!(srp::salt_hex(&verifier.salt).unwrap_or_default())),
        ("SECRET_BLOCK".to_owned(), json!(secret_block)),
    ]);
    let next = Session {
        challenge: Challenge::DevicePasswordVerifier,
        srp: Some(SrpState { b, big_b, big_a, secret_block }),
        ..session
    };
    issue_session(ctx, next, parameters)
}

pub fn device_password_verifier(ctx: &mut Ctx, session: &Session, responses: &HashMap<String, String>) -> Result<()> {
    let get = |name: &str| responses.get(name).map(String::as_str).ok_or_else(|| missing(name));
    let (signature, block, timestamp, device_key) =
        (get("PASSWORD_CLAIM_SIGNATURE")?, get("PASSWORD_CLAIM_SECRET_BLOCK")?, get("TIMESTAMP")?, get("DEVICE_KEY")?);
    let state = session.srp.as_ref().ok_or_else(invalid_session)?;
    if session.progress.device_key.as_deref() != Some(device_key) || block != state.secret_block {
        return Err(invalid_session());
    }
    let now = ctx.now;
    let user = pool_mut(ctx.state, &session.progress.pool_id)?
        .users
        .get_mut(&session.progress.username)
        .ok_or_else(invalid_session)?;
    let device = user.devices.get_mut(device_key).ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let verifier = device.verifier.clone().ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let expected = srp::expected_signature(&srp::Claim {
        verifier_base64: &verifier.password_verifier,
        b_hex: &state.b,
        big_b_hex: &state.big_b,
        big_a_hex: &state.big_a,
        device_group_key: &device.group_key,
        device_key,
        secret_block_base64: block,
        timestamp,
    });
    if expected.as_deref() != Some(signature) {
        return Err(error::not_authorized("Incorrect username or password."));
    }
    device.last_authenticated = now;
    Ok(())
}
