//! The sign-in engine: from a verified password (or an answered challenge)
//! to the next challenge or to tokens, in Cognito's order (`steps`): a new
//! password, then the device (DEVICE_SRP_AUTH), then MFA unless the device is
//! remembered, then tokens (with NewDeviceMetadata when devices are tracked).
//! USER_AUTH's first factors (`user_auth`, `otp`, `passkey`) come before them.
//!
//! The whole state machine is here: `ops::sign_in` only decodes the requests
//! (InitiateAuth, RespondToAuthChallenge, their Admin twins) and answers what
//! this returns. Each step's details live in a module below this one.

use std::collections::HashMap;

use serde_json::Value;

mod device;
mod lockout;
mod mfa;
mod new_password;
mod otp;
mod passkey;
pub mod refresh;
mod session;
mod steps;
pub mod user_auth;
pub mod user_srp;

use device::{device_password_verifier, device_srp_auth};
pub use mfa::{accept_totp, totp_already_used, totp_code, TotpRefusal};
use mfa::{mfa_challenge, mfa_code, software_token_code, MfaStep};
use new_password::new_password;
pub use passkey::{complete_registration, describe as describe_passkey, relying_party, start_registration};
pub use session::{invalid_session, new_session_id, spend_session, take_session, unknown_session};
pub use steps::{advance, verify_password};

use crate::client_secret::check_secret_hash;
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool};
use crate::model::{AppClient, Challenge, Progress};

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
    let selecting = ctx.state.sessions.get(session_id).is_some_and(|s| s.challenge == Challenge::SelectFirstFactor)
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
    if session.challenge == Challenge::SelectFirstFactor {
        return user_auth::select(ctx, session_id, session, challenge_name, responses);
    }

    let answered = match session.challenge {
        _ if session.decoy => user_auth::answer_decoy(ctx, &session, responses),
        Challenge::NewPasswordRequired => new_password(ctx, &session, responses),
        Challenge::SmsMfa => mfa_code(ctx, &session, responses.get("SMS_MFA_CODE")),
        Challenge::EmailOtp | Challenge::EmailOtpSignIn => mfa_code(ctx, &session, responses.get("EMAIL_OTP_CODE")),
        Challenge::SmsOtp => mfa_code(ctx, &session, responses.get("SMS_OTP_CODE")),
        Challenge::WebAuthn => passkey::check_assertion(ctx, &session, responses),
        Challenge::SelectFirstFactor | Challenge::SignUpConfirmed => Err(invalid_session()),
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
