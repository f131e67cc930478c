//! One-time codes as a first factor (USER_AUTH's EMAIL_OTP and SMS_OTP): the
//! code sent to the user's verified email or phone number, and its challenge.
//! Developer guide, "Authentication flows": passwordless sign-in with one-time
//! passwords; API reference, RespondToAuthChallenge (EMAIL_OTP_CODE,
//! SMS_OTP_CODE). A code works once, for its session only, for 3 minutes
//! like an MFA code; wrong answers count against the session (auth::respond).

use serde_json::{json, Map, Value};

use super::session::{invalid_session, issue_session};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::lookups::pool;
use crate::model::{Challenge, IssuedCode, Message, Session};
use crate::{attributes, random};

/// Cognito: sign-in codes sent by email or SMS work for 3 minutes, as MFA codes do.
pub const OTP_LIFETIME: i64 = 180;

/// The medium and attribute of a one-time code challenge.
fn channel(challenge: &Challenge) -> (&'static str, &'static str) {
    match challenge {
        Challenge::SmsOtp => ("SMS", "phone_number"),
        _ => ("EMAIL", "email"),
    }
}

/// Sends a code for `session` (EmailOtpSignIn or SmsOtp) and answers the challenge.
/// A decoy session (a user the pool lacks) sends nothing and keeps no code.
pub fn otp_challenge(ctx: &mut Ctx, mut session: Session) -> Result<Value> {
    let (medium, attribute) = channel(&session.challenge);
    let (username, destination) = if session.decoy {
        (session.progress.username.clone(), decoy_destination(&session.progress.username, medium))
    } else {
        let user = pool(ctx.state, &session.progress.pool_id)?
            .users
            .get(&session.progress.username)
            .ok_or_else(invalid_session)?;
        (user.username.clone(), user.attributes.get(attribute).cloned().unwrap_or_default())
    };
    if !session.decoy {
        let code = random::code();
        ctx.send(Message {
            user_pool_id: session.progress.pool_id.clone(),
            username: username.clone(),
            destination: destination.clone(),
            delivery_medium: medium.into(),
            kind: "otp".into(),
            code: code.clone(),
            at: ctx.now,
            ..Message::default()
        });
        session.code = Some(IssuedCode { code, expires: ctx.now + OTP_LIFETIME, failed_attempts: 0 });
    }
    let parameters = Map::from_iter([
        ("USERNAME".to_owned(), json!(username)),
        ("CODE_DELIVERY_DELIVERY_MEDIUM".to_owned(), json!(medium)),
        ("CODE_DELIVERY_DESTINATION".to_owned(), json!(attributes::mask(&destination))),
    ]);
    issue_session(ctx, session, parameters)
}

/// Where a decoy says its code went, before masking: the username when it is an
/// address of the medium (a pool that signs in by email or phone), else a stand-in.
fn decoy_destination(username: &str, medium: &str) -> String {
    match medium {
        "SMS" if username.starts_with('+') => username.to_owned(),
        "SMS" => "+10000000000".to_owned(),
        _ if username.contains('@') => username.to_owned(),
        _ => "user@example.com".to_owned(),
    }
}
