//! The sign-in engine: from a verified password (or an answered challenge)
//! to the next challenge or to tokens, in Cognito's order: a new password,
//! then the device (DEVICE_SRP_AUTH), then MFA unless the device is
//! remembered, then tokens (with NewDeviceMetadata when devices are tracked).

use serde_json::{json, Map, Value};

use crate::ctx::{Ctx, REGION};
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut};
use crate::model::{Challenge, Device, IssuedCode, Message, Pool, Progress, Session, User, UserStatus};
use crate::tokens::{self, Grant, Lifetimes};
use crate::{attributes, random};

/// Cognito: MFA codes sent by SMS or email work for 3 minutes.
const MFA_CODE_LIFETIME: i64 = 180;

/// Cognito lets five sign-ins fail, then locks for 1 s, doubling with every
/// further failure up to about 15 minutes; 15 quiet minutes reset the count.
const FREE_FAILURES: u32 = 5;
const MAX_LOCKOUT: i64 = 900;

pub fn invalid_session() -> error::CognitoError {
    error::not_authorized("Invalid session for the user.")
}

/// Refuses a locked-out user before the password is even looked at.
pub fn check_lockout(user: &User, now: i64) -> Result<()> {
    if user.lockout.locked_until > now {
        return Err(error::not_authorized("Password attempts exceeded"));
    }
    Ok(())
}

pub fn record_failure(user: &mut User, now: i64) {
    let lockout = &mut user.lockout;
    if now - lockout.last_failure > MAX_LOCKOUT {
        lockout.failures = 0;
    }
    lockout.failures += 1;
    lockout.last_failure = now;
    if lockout.failures >= FREE_FAILURES {
        let exponent = (lockout.failures - FREE_FAILURES).min(10);
        lockout.locked_until = now + (1i64 << exponent).min(MAX_LOCKOUT);
    }
}

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
                key: format!("{REGION}_{}", uuid::Uuid::new_v4()),
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

/// Stores a session for `challenge` and answers it.
pub fn challenge(
    ctx: &mut Ctx,
    progress: Progress,
    challenge: Challenge,
    parameters: Map<String, Value>,
) -> Result<Value> {
    issue_session(ctx, Session::new(progress, challenge), parameters)
}

pub fn issue_session(ctx: &mut Ctx, mut session: Session, parameters: Map<String, Value>) -> Result<Value> {
    let pool = pool(ctx.state, &session.progress.pool_id)?;
    let lifetime = Lifetimes::of(&pool.client(&session.progress.client_id)?.settings).session;
    session.expires = ctx.now + lifetime;
    let name = session.challenge.name();
    let id = new_session_id();
    ctx.state.sessions.insert(id.clone(), session);
    Ok(json!({"ChallengeName": name, "Session": id, "ChallengeParameters": parameters}))
}

/// Finds the session and checks it belongs to this pool, client, user and challenge.
pub fn take_session(
    ctx: &mut Ctx,
    pool_id: &str,
    client_id: &str,
    id: &str,
    challenge: Option<&str>,
) -> Result<Session> {
    let session = ctx.state.sessions.get(id).cloned().ok_or_else(invalid_session)?;
    if session.expires <= ctx.now {
        ctx.state.sessions.remove(id);
        return Err(error::not_authorized("Invalid session for the user, session is expired."));
    }
    if session.progress.pool_id != pool_id
        || session.progress.client_id != client_id
        || challenge.is_some_and(|name| name != session.challenge.name())
    {
        return Err(invalid_session());
    }
    Ok(session)
}

/// Opaque, long and random, as Cognito's are.
pub fn new_session_id() -> String {
    random::token(192)
}

/// As Cognito sends them: JSON strings; required attributes the user lacks, prefixed.
fn new_password_parameters(pool: &Pool, user: &User) -> Map<String, Value> {
    let required: Vec<String> = pool
        .required_attributes()
        .into_iter()
        .filter(|name| !user.attributes.contains_key(name))
        .map(|name| format!("userAttributes.{name}"))
        .collect();
    Map::from_iter([
        ("USER_ID_FOR_SRP".to_owned(), json!(user.username)),
        ("requiredAttributes".to_owned(), json!(serde_json::to_string(&required).expect("a list"))),
        ("userAttributes".to_owned(), json!(serde_json::to_string(&user.attributes).expect("a map"))),
    ])
}

/// The MFA a user must pass, or None.
pub enum MfaStep {
    Factor(Challenge),
    Select(Vec<String>),
    Setup(Vec<String>),
}

/// The factors a user has turned on that the pool still offers.
pub fn enabled_factors(pool: &Pool, user: &User) -> Vec<Challenge> {
    let mut factors = Vec::new();
    if pool.mfa.sms && user.mfa.sms_enabled && user.attributes.contains_key("phone_number") {
        factors.push(Challenge::SmsMfa);
    }
    if pool.mfa.email && user.mfa.email_enabled && user.attributes.contains_key("email") {
        factors.push(Challenge::EmailOtp);
    }
    if pool.mfa.software_token && user.mfa.software_token_enabled && user.mfa.software_token_secret.is_some() {
        factors.push(Challenge::SoftwareTokenMfa);
    }
    factors
}

/// Cognito's choice by MfaConfiguration (OFF, OPTIONAL, ON), the user's
/// factors and preference.
pub fn mfa_step(pool: &Pool, user: &User) -> Option<MfaStep> {
    let configuration = pool.settings.mfa_configuration.as_deref().unwrap_or("OFF");
    if configuration == "OFF" {
        return None;
    }
    let factors = enabled_factors(pool, user);
    if factors.is_empty() {
        if configuration != "ON" {
            return None;
        }
        // Required MFA with no factor yet: SMS when the user has a phone number, else set one up.
        if pool.mfa.sms && user.attributes.contains_key("phone_number") {
            return Some(MfaStep::Factor(Challenge::SmsMfa));
        }
        let mut can_set_up = Vec::new();
        if pool.mfa.software_token {
            can_set_up.push("SOFTWARE_TOKEN_MFA".to_owned());
        }
        if pool.mfa.email {
            can_set_up.push("EMAIL_OTP".to_owned());
        }
        return Some(MfaStep::Setup(can_set_up));
    }
    if let Some(preferred) = user.mfa.preferred.as_deref() {
        if let Some(factor) = factors.iter().find(|f| f.name() == preferred) {
            return Some(MfaStep::Factor(factor.clone()));
        }
    }
    if factors.len() == 1 {
        return Some(MfaStep::Factor(factors[0].clone()));
    }
    Some(MfaStep::Select(factors.iter().map(|f| f.name().to_owned()).collect()))
}

pub fn mfa_challenge(ctx: &mut Ctx, progress: Progress, step: MfaStep) -> Result<Value> {
    let user = pool(ctx.state, &progress.pool_id)?.users.get(&progress.username).ok_or_else(invalid_session)?.clone();
    let mut parameters = Map::from_iter([("USER_ID_FOR_SRP".to_owned(), json!(user.username))]);
    let mut session = Session::new(progress, Challenge::SoftwareTokenMfa);
    match step {
        MfaStep::Factor(factor @ (Challenge::SmsMfa | Challenge::EmailOtp)) => {
            let (attribute, medium) =
                if factor == Challenge::SmsMfa { ("phone_number", "SMS") } else { ("email", "EMAIL") };
            let destination = user.attributes.get(attribute).cloned().unwrap_or_default();
            let code = random::code();
            ctx.send(Message {
                user_pool_id: session.progress.pool_id.clone(),
                username: user.username.clone(),
                destination: destination.clone(),
                delivery_medium: medium.into(),
                kind: "mfa".into(),
                code: code.clone(),
                at: ctx.now,
            });
            session.code = Some(IssuedCode { code, expires: ctx.now + MFA_CODE_LIFETIME, failed_attempts: 0 });
            parameters.insert("CODE_DELIVERY_DELIVERY_MEDIUM".into(), json!(medium));
            parameters.insert("CODE_DELIVERY_DESTINATION".into(), json!(attributes::mask(&destination)));
            session.challenge = factor;
        }
        MfaStep::Factor(factor) => session.challenge = factor,
        MfaStep::Select(choices) => {
            parameters.insert("MFAS_CAN_CHOOSE".into(), json!(serde_json::to_string(&choices).expect("a list")));
            session.choices = choices;
            session.challenge = Challenge::SelectMfaType;
        }
        MfaStep::Setup(choices) => {
            parameters.insert("MFAS_CAN_SETUP".into(), json!(serde_json::to_string(&choices).expect("a list")));
            session.choices = choices;
            session.challenge = Challenge::MfaSetup;
        }
    }
    issue_session(ctx, session, parameters)
}

/// TOTP per RFC 6238: 6 digits, 30-second steps, one step of skew either way.
pub fn totp_matches(secret_base32: &str, code: &str, now: i64) -> bool {
    let Some(secret) = totp_rs::Secret::Encoded(secret_base32.to_owned()).to_bytes().ok() else { return false };
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret);
    totp.check(code, now.max(0) as u64)
}

/// The RFC 6238 code for a base32 secret at a time, as an authenticator app
/// computes it: for tests of clients that set up TOTP against the emulator.
pub fn totp_code(secret_base32: &str, unix_seconds: u64) -> String {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_owned()).to_bytes().expect("a base32 secret");
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).generate(unix_seconds)
}
