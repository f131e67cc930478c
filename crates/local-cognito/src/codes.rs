//! The codes Cognito sends (sign-up, forgotten password, attribute
//! verification): issuing one into the outbox, and checking and spending it.

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, user_not_found};
use crate::model::{IssuedCode, Message, Pool, User};
use crate::{attributes, random};

/// Wrong codes a code survives; then LimitExceededException until a new code is sent.
/// Cognito documents a limit but not its number: an assumption.
pub const CODE_ATTEMPTS: u32 = 5;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    SignUp,
    ForgotPassword,
    Verify(&'static str),
}

impl CodePurpose {
    fn key(self) -> String {
        match self {
            Self::SignUp => "sign_up".into(),
            Self::ForgotPassword => "forgot_password".into(),
            Self::Verify(attribute) => format!("verify:{attribute}"),
        }
    }

    /// Cognito: sign-up and attribute codes live 24 hours, forgot-password codes 1 hour.
    fn lifetime(self) -> i64 {
        match self {
            Self::ForgotPassword => 3_600,
            _ => 86_400,
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Self::SignUp => "sign_up",
            Self::ForgotPassword => "forgot_password",
            Self::Verify(_) => "attribute_verification",
        }
    }
}

/// Issues a new code (replacing any earlier one) and puts it in the outbox.
/// Answers CodeDeliveryDetails, or None when the user has nowhere to receive it.
pub fn send_code(ctx: &mut Ctx, pool_id: &str, key: &str, user: &User, purpose: CodePurpose) -> Result<Option<Value>> {
    let attribute = match purpose {
        CodePurpose::Verify(attribute) => Some(attribute),
        CodePurpose::SignUp => {
            let pool = pool(ctx.state, pool_id)?;
            ["email", "phone_number"].into_iter().find(|a| {
                pool.settings.auto_verified_attributes.iter().any(|v| v == a) && user.attributes.contains_key(*a)
            })
        }
        CodePurpose::ForgotPassword => recovery_order(pool(ctx.state, pool_id)?, user).into_iter().find(|a| {
            user.attributes.contains_key(*a)
                && user.attributes.get(&format!("{a}_verified")).is_some_and(|v| v == "true")
        }),
    };
    let Some(attribute) = attribute else { return Ok(None) };
    let destination = user
        .pending_attributes
        .get(attribute)
        .or_else(|| user.attributes.get(attribute))
        .cloned()
        .ok_or_else(|| error::invalid_parameter(format!("User has no attribute {attribute}.")))?;
    let code = random::code();
    let medium = if attribute == "email" { "EMAIL" } else { "SMS" };
    let issued = IssuedCode { code: code.clone(), expires: ctx.now + purpose.lifetime(), failed_attempts: 0 };
    pool_mut(ctx.state, pool_id)?.users.get_mut(key).ok_or_else(user_not_found)?.codes.insert(purpose.key(), issued);
    ctx.send(Message {
        user_pool_id: pool_id.to_owned(),
        username: user.username.clone(),
        destination: destination.clone(),
        delivery_medium: medium.into(),
        kind: purpose.kind().into(),
        code,
        at: ctx.now,
        ..Message::default()
    });
    Ok(Some(delivery(&destination, medium, attribute)))
}

/// Where a password reset code may go, first choice first (AccountRecoverySettingType):
/// the pool's RecoveryMechanisms by Priority (`admin_only`: nowhere; a phone does not
/// qualify when the user has SMS MFA on); without the setting, Cognito's legacy
/// order, "where SMS is preferred through email".
fn recovery_order(pool: &Pool, user: &User) -> Vec<&'static str> {
    let Some(setting) = &pool.settings.account_recovery_setting else { return vec!["phone_number", "email"] };
    let mut mechanisms: Vec<(i64, &str)> = setting["RecoveryMechanisms"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| (m["Priority"].as_i64().unwrap_or(i64::MAX), m["Name"].as_str().unwrap_or_default()))
        .collect();
    mechanisms.sort();
    mechanisms
        .into_iter()
        .filter_map(|(_, name)| match name {
            "verified_email" => Some("email"),
            "verified_phone_number" if !user.mfa.sms_enabled => Some("phone_number"),
            _ => None,
        })
        .collect()
}

/// Cognito's answer when a password reset has no verified email or phone number to go to.
pub fn no_recovery_channel() -> error::CognitoError {
    error::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
}

pub fn delivery(destination: &str, medium: &str, attribute: &str) -> Value {
    json!({"Destination": attributes::mask(destination), "DeliveryMedium": medium, "AttributeName": attribute})
}

/// Checks a code and spends it when right.
pub fn check_code(user: &mut User, purpose: CodePurpose, given: &str, now: i64) -> Result<()> {
    let key = purpose.key();
    let Some(issued) = user.codes.get_mut(&key) else {
        return Err(error::expired_code("Invalid code provided, please request a code again."));
    };
    if issued.failed_attempts >= CODE_ATTEMPTS {
        return Err(error::limit_exceeded("Attempt limit exceeded, please try after some time."));
    }
    if issued.expires <= now {
        user.codes.remove(&key);
        return Err(error::expired_code("Invalid code provided, please request a code again."));
    }
    if aws_lc_rs::constant_time::verify_slices_are_equal(issued.code.as_bytes(), given.as_bytes()).is_err() {
        issued.failed_attempts += 1;
        return Err(error::code_mismatch("Invalid verification code provided, please try again."));
    }
    user.codes.remove(&key);
    Ok(())
}
