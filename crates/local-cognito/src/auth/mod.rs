//! The sign-in engine: from a verified password (or an answered challenge)
//! to the next challenge or to tokens, in Cognito's order: a new password,
//! then the device (DEVICE_SRP_AUTH), then MFA unless the device is
//! remembered, then tokens (with NewDeviceMetadata when devices are tracked).
//!
//! The whole state machine is here: `ops::sign_in` only decodes the requests
//! (InitiateAuth, RespondToAuthChallenge, their Admin twins) and answers what
//! this returns. Each step's details live in a module below this one.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

mod device;
mod lockout;
mod mfa;
mod new_password;
mod otp;
mod passkey;
pub mod refresh;
mod session;
pub mod user_auth;
pub mod user_srp;

use device::{device_password_verifier, device_srp_auth};
pub use lockout::{check_lockout, record_failure};
pub use mfa::{accept_totp, totp_already_used, totp_code, TotpRefusal};
use mfa::{mfa_challenge, mfa_code, mfa_step, software_token_code, MfaStep};
use new_password::{new_password, new_password_parameters};
pub use passkey::relying_party;
use session::challenge;
pub use session::{invalid_session, new_session_id, spend_session, take_session, unknown_session};

use crate::client_secret::check_secret_hash;
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool, pool_mut};
use crate::model::{AppClient, Challenge, Device, Progress, User, UserStatus};
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

/// Wrong answers a challenge survives before its session dies.
/// Cognito's number is undocumented: an assumption.
const CHALLENGE_ATTEMPTS: u32 = 5;

/// USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH: the password, then the next step.
pub fn password_sign_in(
    ctx: &mut Ctx,
    pool_id: &str,
    client: &AppClient,
    parameters: &HashMap<String, String>,
) -> Result<Value> {
    let username = parameters.get("USERNAME").filter(|u| !u.is_empty()).ok_or_else(|| missing("USERNAME"))?;
    let password = parameters.get("PASSWORD").filter(|p| !p.is_empty()).ok_or_else(|| missing("PASSWORD"))?;
    check_secret_hash(client, username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let Some(key) = pool(ctx.state, pool_id)?.user_key(username) else {
        return Err(if client.hides_user_existence() {
            error::not_authorized("Incorrect username or password.")
        } else {
            error::user_not_found("User does not exist.")
        });
    };
    verify_password(ctx, pool_id, &key, password)?;
    let now = ctx.now;
    let progress = Progress {
        pool_id: pool_id.to_owned(),
        client_id: client.id.clone(),
        username: key,
        auth_time: now,
        device_key: parameters.get("DEVICE_KEY").cloned(),
        mfa_passed: false,
        device_passed: false,
    };
    advance(ctx, progress)
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

/// The challenges USER_AUTH's SELECT_CHALLENGE session may be answered with by name.
const FIRST_FACTOR_ANSWERS: &[&str] = &["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];

/// An answer to the session's challenge, then the next step.
pub fn respond(
    ctx: &mut Ctx,
    pool_id: &str,
    client_id: &str,
    challenge_name: &str,
    session_id: &str,
    responses: &HashMap<String, String>,
) -> Result<Value> {
    let selecting = ctx.state.sessions.get(session_id).is_some_and(|s| s.challenge == Challenge::SelectChallenge)
        && FIRST_FACTOR_ANSWERS.contains(&challenge_name);
    let expected = if selecting { "SELECT_CHALLENGE" } else { challenge_name };
    let session = take_session(ctx, pool_id, client_id, session_id, Some(expected))?;
    if session.challenge == Challenge::SignUpConfirmed {
        return Err(invalid_session());
    }
    let username = responses.get("USERNAME").filter(|u| !u.is_empty()).ok_or_else(|| missing("USERNAME"))?;
    let pool = pool(ctx.state, pool_id)?;
    let client = pool.client(client_id)?.clone();
    let same_user = if session.decoy {
        pool.canonical(username) == pool.canonical(&session.progress.username)
    } else {
        pool.user_key(username).as_deref() == Some(session.progress.username.as_str())
    };
    if !same_user {
        return Err(invalid_session());
    }
    check_secret_hash(&client, username, responses.get("SECRET_HASH").map(String::as_str))?;
    if session.challenge == Challenge::SelectChallenge {
        return user_auth::select(ctx, session_id, session, challenge_name, responses);
    }

    let answered = match session.challenge {
        _ if session.decoy => user_auth::answer_decoy(ctx, &session, responses),
        Challenge::NewPasswordRequired => new_password(ctx, &session, responses),
        Challenge::SmsMfa => mfa_code(ctx, &session, responses.get("SMS_MFA_CODE")),
        Challenge::EmailOtp | Challenge::EmailOtpSignIn => mfa_code(ctx, &session, responses.get("EMAIL_OTP_CODE")),
        Challenge::SmsOtp => mfa_code(ctx, &session, responses.get("SMS_OTP_CODE")),
        Challenge::WebAuthn => passkey::check_assertion(ctx, &session, responses),
        Challenge::SelectChallenge | Challenge::SignUpConfirmed => Err(invalid_session()),
        Challenge::SoftwareTokenMfa => software_token_code(ctx, &session, responses.get("SOFTWARE_TOKEN_MFA_CODE")),
        Challenge::SelectMfaType => {
            let answer = responses.get("ANSWER").ok_or_else(|| missing("ANSWER"))?;
            if !session.choices.contains(answer) {
                return Err(error::invalid_parameter(format!(
                    "Invalid ANSWER: {answer} is not one of MFAS_CAN_CHOOSE"
                )));
            }
            spend_session(ctx, session_id);
            let factor = match answer.as_str() {
                "SMS_MFA" => Challenge::SmsMfa,
                "EMAIL_OTP" => Challenge::EmailOtp,
                _ => Challenge::SoftwareTokenMfa,
            };
            return mfa_challenge(ctx, session.progress, MfaStep::Factor(factor));
        }
        Challenge::MfaSetup => {
            if !session.software_token_verified {
                return Err(error::invalid_parameter(
                    "Verify a software token with this session (VerifySoftwareToken) first.",
                ));
            }
            Ok(())
        }
        Challenge::DeviceSrpAuth => {
            spend_session(ctx, session_id);
            return device_srp_auth(ctx, session, responses);
        }
        Challenge::DevicePasswordVerifier => device_password_verifier(ctx, &session, responses),
        Challenge::PasswordVerifier => user_srp::password_verifier(ctx, &session, responses),
    };
    if let Err(error) = answered {
        if error.kind == "CodeMismatchException" || session.challenge == Challenge::WebAuthn {
            let dead = ctx.state.sessions.get_mut(session_id).map(|s| {
                s.failed_attempts += 1;
                s.failed_attempts >= CHALLENGE_ATTEMPTS
            });
            if dead == Some(true) {
                ctx.state.sessions.remove(session_id);
            }
        }
        return Err(error);
    }
    spend_session(ctx, session_id);
    let mut progress = session.progress;
    match session.challenge {
        Challenge::NewPasswordRequired | Challenge::PasswordVerifier => {}
        Challenge::DevicePasswordVerifier => progress.device_passed = true,
        _ => progress.mfa_passed = true,
    }
    advance(ctx, progress)
}
