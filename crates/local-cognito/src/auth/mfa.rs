//! MFA: which factor a sign-in must pass (or choose, or set up), its
//! challenge and the code it sends, and checking the answer.

use serde_json::{json, Map, Value};

use super::session::{invalid_session, issue_session};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool, pool_mut};
use crate::model::{Challenge, IssuedCode, Message, Pool, Progress, Session, TotpUse, User};
use crate::{attributes, random};

/// Cognito: MFA codes sent by SMS or email work for 3 minutes.
const MFA_CODE_LIFETIME: i64 = 180;

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
                ..Message::default()
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
const TOTP_STEP: i64 = 30;

/// The time step a code belongs to, within one step of skew either way, or None.
fn totp_step(secret_base32: &str, code: &str, now: i64) -> Option<i64> {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, TOTP_STEP as u64, secret);
    let current = now.max(0) / TOTP_STEP;
    (current - 1..=current + 1).filter(|step| *step >= 0).find(|step| {
        let expected = totp.generate((step * TOTP_STEP) as u64);
        aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), code.as_bytes()).is_ok()
    })
}

/// Why a TOTP code was refused: each operation words a mismatch its own way.
#[derive(Debug, PartialEq, Eq)]
pub enum TotpRefusal {
    Mismatch,
    /// Cognito: "ExpiredCodeException: Your software token has already been used once."
    AlreadyUsed,
}

pub fn totp_already_used() -> error::CognitoError {
    error::expired_code("Your software token has already been used once.")
}

/// Accepts a code once (RFC 6238 section 5.2): a code of the step last
/// accepted for this secret, or of an earlier step, is refused; a code that
/// matches is remembered in `last_use`.
pub fn accept_totp(
    last_use: &mut Option<TotpUse>,
    secret: &str,
    code: &str,
    now: i64,
) -> std::result::Result<(), TotpRefusal> {
    let step = totp_step(secret, code, now).ok_or(TotpRefusal::Mismatch)?;
    if last_use.as_ref().is_some_and(|used| used.secret == secret && step <= used.step) {
        return Err(TotpRefusal::AlreadyUsed);
    }
    *last_use = Some(TotpUse { secret: secret.to_owned(), step });
    Ok(())
}

/// The RFC 6238 code for a base32 secret at a time, as an authenticator app
/// computes it: for tests of clients that set up TOTP against the emulator.
pub fn totp_code(secret_base32: &str, unix_seconds: u64) -> String {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_owned()).to_bytes().expect("a base32 secret");
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).generate(unix_seconds)
}

/// A wrong TOTP code at sign-in (SOFTWARE_TOKEN_MFA).
pub fn code_mismatch() -> error::CognitoError {
    error::code_mismatch("Invalid code received for user")
}

/// A wrong SMS or email code (SMS_MFA, EMAIL_OTP): observed Cognito answer.
fn sent_code_mismatch() -> error::CognitoError {
    error::code_mismatch("Invalid code or auth state for the user.")
}

pub fn mfa_code(ctx: &Ctx, session: &Session, given: Option<&String>) -> Result<()> {
    let given = given.ok_or_else(|| missing("CODE"))?;
    let issued = session.code.as_ref().ok_or_else(invalid_session)?;
    if issued.expires <= ctx.now {
        // Undocumented message: an assumption.
        return Err(error::expired_code("Invalid code or auth state for the user."));
    }
    if aws_lc_rs::constant_time::verify_slices_are_equal(issued.code.as_bytes(), given.as_bytes()).is_err() {
        return Err(sent_code_mismatch());
    }
    Ok(())
}

pub fn software_token_code(ctx: &mut Ctx, session: &Session, given: Option<&String>) -> Result<()> {
    let given = given.ok_or_else(|| missing("SOFTWARE_TOKEN_MFA_CODE"))?;
    let now = ctx.now;
    let user = pool_mut(ctx.state, &session.progress.pool_id)?
        .users
        .get_mut(&session.progress.username)
        .ok_or_else(invalid_session)?;
    let secret = user.mfa.software_token_secret.clone().ok_or_else(invalid_session)?;
    accept_totp(&mut user.mfa.software_token_last_use, &secret, given, now).map_err(|refusal| match refusal {
        TotpRefusal::Mismatch => code_mismatch(),
        TotpRefusal::AlreadyUsed => totp_already_used(),
    })
}
