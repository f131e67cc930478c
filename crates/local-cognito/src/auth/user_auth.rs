//! USER_AUTH, choice-based sign-in (developer guide, "Manage authentication
//! methods in AWS SDKs" and "Authentication flows"; API reference,
//! InitiateAuth's AuthParameters and RespondToAuthChallenge's ChallengeResponses):
//! the user names themselves (USERNAME, optionally PREFERRED_CHALLENGE), and
//! Cognito answers the preferred first factor when the user has it, or
//! SELECT_CHALLENGE with the AvailableChallenges to choose from (ANSWER).
//!
//! Which factors a user has: PASSWORD and PASSWORD_SRP with a password; EMAIL_OTP
//! with a verified email; SMS_OTP with a verified phone number; WEB_AUTHN with a
//! passkey; each only when the pool's SignInPolicy allows it. The passwordless
//! factors are not offered when the user would owe MFA (the pool requires it, or
//! the user has turned a factor on): API reference, WebAuthnMfaSettingsType,
//! "passkey sign-in is available when MFA is required" only with passkey MFA,
//! which is not emulated. A passwordless first factor passed needs no MFA.

use std::collections::HashMap;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::mfa::mfa_step;
use super::otp::otp_challenge;
use super::passkey::assertion_challenge;
use super::session::{invalid_session, issue_session, spend_session, take_session};
use super::steps::{advance, verify_password};
use super::user_srp;
use crate::client_secret::check_secret_hash;
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool};
use crate::model::{AppClient, Challenge, Pool, Progress, Session, User};

/// SignInPolicyType's AllowedFirstAuthFactors members.
pub const FIRST_FACTORS: &[&str] = &["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];

/// What PREFERRED_CHALLENGE and ANSWER may name.
const CHALLENGES: &[&str] = &["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];

/// The pool's first factors: its SignInPolicy, or PASSWORD alone (Cognito's default).
pub fn allowed_first_factors(pool: &Pool) -> Vec<String> {
    pool.first_factors()
}

/// Whether the pool lets users sign in without a password (SignUp may then omit it).
pub fn allows_passwordless(pool: &Pool) -> bool {
    allowed_first_factors(pool).iter().any(|factor| factor != "PASSWORD")
}

fn verified(user: &User, attribute: &str) -> bool {
    user.attributes.contains_key(attribute)
        && user.attributes.get(&format!("{attribute}_verified")).is_some_and(|v| v == "true")
}

/// The challenges this user may choose, in Cognito's names.
pub fn available_challenges(pool: &Pool, user: &User) -> Vec<String> {
    let allowed = allowed_first_factors(pool);
    let allows = |factor: &str| allowed.iter().any(|a| a == factor);
    let mut available = Vec::new();
    if mfa_step(pool, user).is_none() {
        if allows("WEB_AUTHN") && !user.passkeys.is_empty() {
            available.push("WEB_AUTHN");
        }
        if allows("EMAIL_OTP") && verified(user, "email") {
            available.push("EMAIL_OTP");
        }
        if allows("SMS_OTP") && verified(user, "phone_number") {
            available.push("SMS_OTP");
        }
    }
    if allows("PASSWORD") && user.password.is_some() {
        available.extend(["PASSWORD", "PASSWORD_SRP"]);
    }
    available.into_iter().map(str::to_owned).collect()
}

/// A decoy's challenges for a username the pool lacks: the password ones, and each
/// passwordless factor the pool allows or not by a hash of the pool and the name, so
/// that the same name always gets the same answer and names differ as users do.
fn decoy_challenges(pool: &Pool, username: &str) -> Vec<String> {
    let digest = Sha256::digest(format!("{}\u{0}{}\u{0}{}", pool.id, pool.created, username.to_lowercase()));
    let allowed = allowed_first_factors(pool);
    let mut available = Vec::new();
    for (bit, factor) in ["WEB_AUTHN", "EMAIL_OTP", "SMS_OTP"].into_iter().enumerate() {
        if allowed.iter().any(|a| a == factor) && digest[0] & (1 << bit) != 0 {
            available.push(factor.to_owned());
        }
    }
    available.extend(["PASSWORD".to_owned(), "PASSWORD_SRP".to_owned()]);
    available
}

fn check_challenge_name(name: &str, member: &str) -> Result<()> {
    if CHALLENGES.contains(&name) {
        return Ok(());
    }
    // Undocumented message: an assumption.
    Err(error::invalid_parameter(format!("Invalid {member}: {name} is not a supported challenge.")))
}

/// InitiateAuth or AdminInitiateAuth with USER_AUTH. `session`: ConfirmSignUp's.
pub fn start(
    ctx: &mut Ctx,
    pool_id: &str,
    client: &AppClient,
    parameters: &HashMap<String, String>,
    session: Option<&str>,
) -> Result<Value> {
    let username = parameters.get("USERNAME").filter(|u| !u.is_empty()).ok_or_else(|| missing("USERNAME"))?;
    check_secret_hash(client, username, parameters.get("SECRET_HASH").map(String::as_str))?;
    if let Some(session_id) = session.filter(|s| !s.is_empty()) {
        return after_sign_up(ctx, pool_id, client, username, session_id);
    }
    let preferred = parameters.get("PREFERRED_CHALLENGE").filter(|p| !p.is_empty());
    if let Some(preferred) = preferred {
        check_challenge_name(preferred, "PREFERRED_CHALLENGE")?;
    }
    let pool = pool(ctx.state, pool_id)?;
    let mut progress = Progress {
        pool_id: pool_id.to_owned(),
        client_id: client.id.clone(),
        username: username.clone(),
        auth_time: ctx.now,
        device_key: parameters.get("DEVICE_KEY").cloned(),
        mfa_passed: false,
        device_passed: false,
    };
    let Some(key) = pool.user_key(username) else {
        if !client.hides_user_existence() {
            return Err(error::user_not_found("User does not exist."));
        }
        let available = decoy_challenges(pool, username);
        return choose(ctx, progress, true, available, preferred.map(String::as_str), parameters);
    };
    let available = available_challenges(pool, &pool.users[&key]);
    progress.username = key;
    choose(ctx, progress, false, available, preferred.map(String::as_str), parameters)
}

/// The preferred challenge when the user has it, else SELECT_CHALLENGE.
fn choose(
    ctx: &mut Ctx,
    progress: Progress,
    decoy: bool,
    available: Vec<String>,
    preferred: Option<&str>,
    parameters: &HashMap<String, String>,
) -> Result<Value> {
    match preferred {
        Some(preferred) if available.iter().any(|a| a == preferred) => {
            begin(ctx, progress, decoy, preferred, parameters)
        }
        _ => {
            let session =
                Session { choices: available.clone(), decoy, ..Session::new(progress, Challenge::SelectFirstFactor) };
            let mut answer = issue_session(ctx, session, Map::new())?;
            answer["AvailableChallenges"] = json!(available);
            Ok(answer)
        }
    }
}

/// Starts the chosen first factor; `answers` carries its inputs (PASSWORD, SRP_A).
fn begin(
    ctx: &mut Ctx,
    progress: Progress,
    decoy: bool,
    factor: &str,
    answers: &HashMap<String, String>,
) -> Result<Value> {
    let session = |challenge| Session { decoy, ..Session::new(progress.clone(), challenge) };
    match factor {
        "PASSWORD" => {
            let password = answers.get("PASSWORD").filter(|p| !p.is_empty()).ok_or_else(|| missing("PASSWORD"))?;
            if decoy {
                return Err(error::not_authorized("Incorrect username or password."));
            }
            verify_password(ctx, &progress.pool_id, &progress.username, password)?;
            advance(ctx, progress)
        }
        "PASSWORD_SRP" => {
            let big_a = answers.get("SRP_A").filter(|a| !a.is_empty()).ok_or_else(|| missing("SRP_A"))?;
            if decoy {
                return Err(error::not_authorized("Incorrect username or password."));
            }
            user_srp::verifier_challenge(ctx, progress, big_a)
        }
        "EMAIL_OTP" => otp_challenge(ctx, session(Challenge::EmailOtpSignIn)),
        "SMS_OTP" => otp_challenge(ctx, session(Challenge::SmsOtp)),
        _ => assertion_challenge(ctx, session(Challenge::WebAuthn)),
    }
}

/// SELECT_CHALLENGE answered: `ANSWER` (or the challenge named itself, as
/// RespondToAuthChallenge's ChallengeName lists PASSWORD and PASSWORD_SRP) must be
/// one of the AvailableChallenges; the session is spent and the factor begins.
pub fn select(
    ctx: &mut Ctx,
    session_id: &str,
    session: Session,
    challenge_name: &str,
    responses: &HashMap<String, String>,
) -> Result<Value> {
    let answer = match challenge_name {
        "SELECT_CHALLENGE" => responses.get("ANSWER").filter(|a| !a.is_empty()).ok_or_else(|| missing("ANSWER"))?,
        named => named,
    };
    check_challenge_name(answer, "ANSWER")?;
    if !session.choices.iter().any(|choice| choice == answer) {
        // Undocumented message: an assumption.
        return Err(error::invalid_parameter(format!("Invalid ANSWER: {answer} is not one of AvailableChallenges")));
    }
    spend_session(ctx, session_id);
    begin(ctx, session.progress, session.decoy, answer, responses)
}

/// A decoy session's answer: never passes, and fails as a real one would.
pub fn answer_decoy(ctx: &mut Ctx, session: &Session, responses: &HashMap<String, String>) -> Result<()> {
    let _ = ctx;
    match session.challenge {
        Challenge::EmailOtpSignIn | Challenge::SmsOtp => {
            let name = if session.challenge == Challenge::SmsOtp { "SMS_OTP_CODE" } else { "EMAIL_OTP_CODE" };
            responses.get(name).ok_or_else(|| missing(name))?;
            Err(error::code_mismatch("Invalid code or auth state for the user."))
        }
        _ => {
            responses.get("CREDENTIAL").ok_or_else(|| missing("CREDENTIAL"))?;
            Err(super::passkey::assertion_refused())
        }
    }
}

/// InitiateAuth USER_AUTH with ConfirmSignUp's Session (API reference, InitiateAuth,
/// Session: "sign in a user directly from the sign-up process with the USER_AUTH
/// authentication flow"): the code the user confirmed is the first factor.
fn after_sign_up(ctx: &mut Ctx, pool_id: &str, client: &AppClient, username: &str, session_id: &str) -> Result<Value> {
    let session = take_session(ctx, pool_id, &client.id, session_id, Some(Challenge::SignUpConfirmed.name()))?;
    if pool(ctx.state, pool_id)?.user_key(username).as_deref() != Some(session.progress.username.as_str()) {
        return Err(invalid_session());
    }
    spend_session(ctx, session_id);
    let mut progress = session.progress;
    progress.auth_time = ctx.now;
    progress.mfa_passed = true;
    advance(ctx, progress)
}

/// The Session ConfirmSignUp answers: one sign-in for this user through this client.
pub fn sign_up_session(ctx: &mut Ctx, pool_id: &str, client_id: &str, key: &str) -> Result<String> {
    let progress = Progress {
        pool_id: pool_id.to_owned(),
        client_id: client_id.to_owned(),
        username: key.to_owned(),
        auth_time: ctx.now,
        device_key: None,
        mfa_passed: true,
        device_passed: false,
    };
    let answer = issue_session(ctx, Session::new(progress, Challenge::SignUpConfirmed), Map::new())?;
    Ok(answer["Session"].as_str().unwrap_or_default().to_owned())
}
