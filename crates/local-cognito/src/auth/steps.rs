//! The steps after a first factor, in Cognito's order: a new password, then
//! the device (DEVICE_SRP_AUTH), then MFA unless the device is remembered or
//! the first factor was passwordless, then tokens (with NewDeviceMetadata when
//! devices are tracked); and the password check every password flow shares.

use serde_json::{json, Map, Value};

use super::lockout::{check_lockout, record_failure};
use super::mfa::{mfa_challenge, mfa_step};
use super::new_password::new_password_parameters;
use super::session::{challenge, invalid_session};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut};
use crate::model::{Challenge, Device, Progress, User, UserStatus};
use crate::tokens::{self, Grant};
use crate::{password, random};

/// What a verified password leads to, by the user's status.
pub fn check_status(user: &User, now: i64) -> Result<()> {
    if !user.enabled {
        return Err(error::not_authorized("User is disabled."));
    }
    match user.status {
        UserStatus::Unconfirmed => Err(error::user_not_confirmed("User is not confirmed.")),
        UserStatus::ResetRequired => Err(error::password_reset_required("Password reset required for the user")),
        UserStatus::ForceChangePassword if user.temporary_password_expires.is_some_and(|at| at <= now) => {
            Err(error::not_authorized("Temporary password has expired and must be reset by an administrator."))
        }
        _ => Ok(()),
    }
}

/// The next step of a sign-in: a challenge, or tokens.
pub fn advance(ctx: &mut Ctx, progress: Progress) -> Result<Value> {
    let pool = pool(ctx.state, &progress.pool_id)?;
    let user = pool.users.get(&progress.username).ok_or_else(invalid_session)?;
    check_status(user, ctx.now)?;
    if user.status == UserStatus::ForceChangePassword {
        let parameters = new_password_parameters(pool, user);
        return challenge(ctx, progress, Challenge::NewPasswordRequired, parameters);
    }
    let device = progress
        .device_key
        .as_ref()
        .map(|key| user.devices.get(key).ok_or_else(|| error::resource_not_found("Device does not exist.")));
    let device = device.transpose()?.filter(|device| device.verifier.is_some()).cloned();
    if device.is_some() && !progress.device_passed {
        let parameters = Map::from_iter([("USERNAME".to_owned(), json!(user.username))]);
        return challenge(ctx, progress, Challenge::DeviceSrpAuth, parameters);
    }
    let remembered = device.as_ref().is_some_and(|device| device.remembered);
    if !progress.mfa_passed && !remembered {
        if let Some(step) = mfa_step(pool, user) {
            return mfa_challenge(ctx, progress, step);
        }
    }
    finish(ctx, progress, device)
}

/// Tokens for a sign-in that passed every step.
fn finish(ctx: &mut Ctx, progress: Progress, device: Option<Device>) -> Result<Value> {
    let pool = pool(ctx.state, &progress.pool_id)?;
    let tracks_devices = pool.settings.device_configuration.is_some();
    let mut new_device = None;
    let device_key = match device {
        Some(device) => Some(device.key),
        None if tracks_devices && progress.device_key.is_none() => {
            let device = Device {
                key: format!("{}_{}", pool.region(), uuid::Uuid::new_v4()),
                group_key: format!("-{}", random::alphanumeric(9, random::MIXED_DIGITS)),
                name: None,
                created: ctx.now,
                last_modified: ctx.now,
                last_authenticated: ctx.now,
                verifier: None,
                remembered: false,
                attributes: Default::default(),
            };
            new_device = Some(json!({"DeviceKey": device.key, "DeviceGroupKey": device.group_key}));
            let key = device.key.clone();
            let user = pool_mut(ctx.state, &progress.pool_id)?
                .users
                .get_mut(&progress.username)
                .ok_or_else(invalid_session)?;
            user.devices.insert(key.clone(), device);
            Some(key)
        }
        None => None,
    };
    let grant = Grant {
        pool_id: &progress.pool_id,
        client_id: &progress.client_id,
        username: &progress.username,
        origin_jti: uuid::Uuid::new_v4().to_string(),
        auth_time: progress.auth_time,
        device_key,
    };
    let mut result = tokens::issue(ctx, &grant, true)?;
    if let Some(metadata) = new_device {
        result["NewDeviceMetadata"] = metadata;
    }
    Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
}

/// Checks a user's password, with the lockout: a locked user is refused even the
/// right one, a wrong one counts, the right one clears the count.
pub fn verify_password(ctx: &mut Ctx, pool_id: &str, key: &str, password: &str) -> Result<()> {
    let now = ctx.now;
    let user = pool_mut(ctx.state, pool_id)?.users.get_mut(key).ok_or_else(invalid_session)?;
    check_lockout(user, now)?;
    if !user.password.as_ref().is_some_and(|hash| password::matches(hash, password)) {
        record_failure(user, now);
        return Err(error::not_authorized("Incorrect username or password."));
    }
    user.lockout = Default::default();
    Ok(())
}
