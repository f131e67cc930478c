//! Self sign-up, confirmation, and forgotten passwords: everything that
//! works by a code sent to the user. Also the code bookkeeping every
//! code-based operation shares.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::{pool, pool_mut, pool_of_client, users};
use crate::attributes::{self, AttributeInput, Write};
use crate::error::{self, Result};
use crate::model::{AppClient, IssuedCode, Lockout, Message, Pool, User, UserStatus};
use crate::wire::input;
use crate::{password, random, Ctx};

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
    pool_mut(ctx.state, pool_id)?
        .users
        .get_mut(key)
        .ok_or_else(super::user_not_found)?
        .codes
        .insert(purpose.key(), issued);
    ctx.send(Message {
        user_pool_id: pool_id.to_owned(),
        username: user.username.clone(),
        destination: destination.clone(),
        delivery_medium: medium.into(),
        kind: purpose.kind().into(),
        code,
        at: ctx.now,
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

/// SECRET_HASH for a client with a secret: Base64(HMAC-SHA256(secret, username + client id)).
pub fn check_secret_hash(client: &AppClient, username: &str, given: Option<&str>) -> Result<()> {
    let Some(secret) = &client.secret else { return Ok(()) };
    let Some(given) = given.filter(|g| !g.is_empty()) else {
        return Err(error::not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    };
    use base64::Engine;
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(username.as_bytes());
    mac.update(client.id.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    if aws_lc_rs::constant_time::verify_slices_are_equal(expected.as_bytes(), given.as_bytes()).is_err() {
        return Err(error::not_authorized(format!("Unable to verify secret hash for client {}", client.id)));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SignUpInput {
    client_id: String,
    username: String,
    password: Option<String>,
    #[serde(default)]
    secret_hash: Option<String>,
    #[serde(default)]
    user_attributes: Vec<AttributeInput>,
    #[serde(default)]
    #[allow(dead_code)]
    validation_data: Vec<AttributeInput>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
}

pub fn sign_up(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: SignUpInput = input(input_value)?;
    let pool = pool_of_client(ctx.state, &request.client_id)?;
    let client = pool.client(&request.client_id)?.clone();
    check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
    if pool.settings.admin_create_user_config.as_ref().is_some_and(|c| c.allow_admin_create_user_only) {
        return Err(error::not_authorized("SignUp is not permitted for this user pool"));
    }
    let password = super::required(&request.password, "password")?;
    password::check_format("password", password)?;
    password::check_policy(&pool.settings.policies.clone().unwrap_or_default().password_policy, password)?;
    attributes::check(pool, &request.user_attributes, Write::Create)?;
    if request.user_attributes.iter().any(|a| !client.can_write(&a.name)) {
        return Err(error::not_authorized("A client attempted to write unauthorized attribute"));
    }
    let mut values = BTreeMap::new();
    attributes::apply(&mut values, &request.user_attributes);
    let sub = uuid::Uuid::new_v4().to_string();
    let username = users::sign_in_name(pool, &request.username, &mut values, &sub)?;
    let missing: Vec<String> =
        pool.required_attributes().into_iter().filter(|name| !values.contains_key(name)).collect();
    if !missing.is_empty() {
        return Err(error::invalid_parameter(format!(
            "Attributes did not conform to the schema: {}",
            missing
                .iter()
                .map(|name| format!("{name}: The attribute {name} is required"))
                .collect::<Vec<_>>()
                .join("\n")
        )));
    }
    if pool.users.contains_key(&pool.canonical(&username)) || pool.user_key(&request.username).is_some() {
        let message = if pool.settings.username_attributes.is_empty() {
            "User already exists".to_owned()
        } else {
            format!("An account with the given {} already exists.", pool.settings.username_attributes[0])
        };
        return Err(error::username_exists(message));
    }
    let pool_id = pool.id.clone();
    let key = pool.canonical(&username);
    let answer = ctx.pre_sign_up.take().unwrap_or_default();
    apply_auto_verify(&answer, &mut values);
    // An auto-confirmed user gets no code (and, as in Cognito, no post confirmation).
    let confirmed = answer["autoConfirmUser"] == true;
    let status = if confirmed { UserStatus::Confirmed } else { UserStatus::Unconfirmed };
    let user = User::new(username, sub.clone(), values, status, password::hash(password), ctx.now);
    pool_mut(ctx.state, &pool_id)?.users.insert(key.clone(), user.clone());
    let mut output = json!({"UserConfirmed": confirmed, "UserSub": sub});
    if !confirmed {
        if let Some(delivery) = send_code(ctx, &pool_id, &key, &user, CodePurpose::SignUp)? {
            output["CodeDeliveryDetails"] = delivery;
        }
    }
    Ok(output)
}

/// The pre sign-up trigger's autoVerifyEmail and autoVerifyPhone, on attributes given.
pub fn apply_auto_verify(answer: &Value, values: &mut BTreeMap<String, String>) {
    for (flag, attribute) in [("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number")] {
        if answer[flag] == true && values.contains_key(attribute) {
            values.insert(format!("{attribute}_verified"), "true".into());
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CodeInput {
    client_id: String,
    username: String,
    #[serde(default)]
    confirmation_code: Option<String>,
    #[serde(default)]
    secret_hash: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    force_alias_creation: bool,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    user_context_data: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    analytics_metadata: Option<Value>,
}

/// The client, after its secret hash; and the user's key, or None when unknown.
fn client_and_user(ctx: &Ctx, request: &CodeInput) -> Result<(AppClient, String, Option<String>)> {
    let pool = pool_of_client(ctx.state, &request.client_id)?;
    let client = pool.client(&request.client_id)?.clone();
    check_secret_hash(&client, &request.username, request.secret_hash.as_deref())?;
    Ok((client, pool.id.clone(), pool.user_key(&request.username)))
}

/// What a user that does not exist gets where the client hides existence.
fn unknown_user(client: &AppClient, hidden: error::CognitoError) -> error::CognitoError {
    if client.hides_user_existence() {
        hidden
    } else {
        super::user_not_found()
    }
}

fn mismatch() -> error::CognitoError {
    error::code_mismatch("Invalid verification code provided, please try again.")
}

pub fn confirm_sign_up(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let code = super::required(&request.confirmation_code, "confirmationCode")?.to_owned();
    let (client, pool_id, key) = client_and_user(ctx, &request)?;
    let key = key.ok_or_else(|| unknown_user(&client, mismatch()))?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &pool_id)?;
    let user = pool.users.get_mut(&key).expect("found");
    if user.status != UserStatus::Unconfirmed {
        return Err(error::not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        )));
    }
    check_code(user, CodePurpose::SignUp, &code, now)?;
    let mut values = user.attributes.clone();
    for attribute in ["email", "phone_number"] {
        if pool.settings.auto_verified_attributes.iter().any(|a| a == attribute) && values.contains_key(attribute) {
            values.insert(format!("{attribute}_verified"), "true".into());
            break;
        }
    }
    users::claim_aliases(pool, &mut values, Some(&key), request.force_alias_creation)?;
    let user = pool.users.get_mut(&key).expect("found");
    user.attributes = values;
    user.status = UserStatus::Confirmed;
    user.modified = now;
    Ok(json!({}))
}

pub fn resend_confirmation_code(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let (client, pool_id, key) = client_and_user(ctx, &request)?;
    let Some(key) = key else {
        return if client.hides_user_existence() {
            Ok(simulated_delivery(ctx, &pool_id)?)
        } else {
            Err(super::user_not_found())
        };
    };
    let user = pool(ctx.state, &pool_id)?.users[&key].clone();
    if user.status != UserStatus::Unconfirmed {
        return Err(error::invalid_parameter("User is already confirmed."));
    }
    let delivery = send_code(ctx, &pool_id, &key, &user, CodePurpose::SignUp)?
        .ok_or_else(|| error::invalid_parameter("User has no verifiable attribute to send a code to."))?;
    Ok(json!({"CodeDeliveryDetails": delivery}))
}

/// Where Cognito hides whether a user exists, a code "goes" to a plausible address.
/// The shape Cognito simulates is undocumented: an assumption.
fn simulated_delivery(ctx: &Ctx, pool_id: &str) -> Result<Value> {
    let pool: &Pool = pool(ctx.state, pool_id)?;
    let by_sms = pool.settings.auto_verified_attributes.iter().all(|a| a == "phone_number")
        && !pool.settings.auto_verified_attributes.is_empty();
    let details =
        if by_sms { delivery("+10000000000", "SMS", "phone_number") } else { delivery("u@e", "EMAIL", "email") };
    Ok(json!({"CodeDeliveryDetails": details}))
}

pub fn forgot_password(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let (client, pool_id, key) = client_and_user(ctx, &request)?;
    let Some(key) = key else {
        return if client.hides_user_existence() {
            simulated_delivery(ctx, &pool_id)
        } else {
            Err(super::user_not_found())
        };
    };
    let user = pool(ctx.state, &pool_id)?.users[&key].clone();
    if !user.enabled {
        return Err(error::not_authorized("User is disabled."));
    }
    let delivery =
        send_code(ctx, &pool_id, &key, &user, CodePurpose::ForgotPassword)?.ok_or_else(no_recovery_channel)?;
    Ok(json!({"CodeDeliveryDetails": delivery}))
}

/// Cognito's answer when a password reset has no verified email or phone number to go to.
pub fn no_recovery_channel() -> error::CognitoError {
    error::invalid_parameter(
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
}

pub fn confirm_forgot_password(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let code = super::required(&request.confirmation_code, "confirmationCode")?.to_owned();
    let new_password = super::required(&request.password, "password")?.to_owned();
    password::check_format("password", &new_password)?;
    let (client, pool_id, key) = client_and_user(ctx, &request)?;
    let key = key.ok_or_else(|| unknown_user(&client, mismatch()))?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &pool_id)?;
    password::check_policy(&pool.settings.policies.clone().unwrap_or_default().password_policy, &new_password)?;
    let user = pool.users.get_mut(&key).expect("found");
    check_code(user, CodePurpose::ForgotPassword, &code, now)?;
    user.password = Some(password::hash(&new_password));
    user.status = UserStatus::Confirmed;
    user.temporary_password_expires = None;
    user.lockout = Lockout::default();
    user.modified = now;
    Ok(json!({}))
}
