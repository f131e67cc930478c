//! Self sign-up, confirmation, and forgotten passwords: everything that
//! works by a code sent to the user (the code bookkeeping is in `codes`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::aliases;
use crate::attributes::{self, AttributeInput, Write};
use crate::client_secret::check_secret_hash;
use crate::codes::{check_code, delivery, no_recovery_channel, send_code, CodePurpose};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, pool_of_client, required, user_not_found};
use crate::model::{AppClient, Lockout, Pool, User, UserStatus};
use crate::password;
use crate::wire::input;

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
    // SignUp's Password is optional since choice-based sign-in: a user of a pool
    // that allows passwordless first factors may sign up without one (API reference,
    // SignUp, Password). Elsewhere it stays required, with the model's message.
    let password = match request.password.as_deref().filter(|p| !p.is_empty()) {
        None if crate::auth::user_auth::allows_passwordless(pool) => None,
        _ => Some(required(&request.password, "password")?),
    };
    if let Some(password) = password {
        password::check_format("password", password)?;
        password::check_policy(&pool.settings.policies.clone().unwrap_or_default().password_policy, password)?;
    }
    attributes::check(pool, &request.user_attributes, Write::Create)?;
    if request.user_attributes.iter().any(|a| !client.can_write(&a.name)) {
        return Err(error::not_authorized("A client attempted to write unauthorized attribute"));
    }
    let mut values = BTreeMap::new();
    attributes::apply(&mut values, &request.user_attributes);
    let sub = uuid::Uuid::new_v4().to_string();
    let username = aliases::sign_in_name(pool, &request.username, &mut values, &sub)?;
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
    attributes::apply_auto_verify(&answer, &mut values);
    // An auto-confirmed user gets no code (and, as in Cognito, no post confirmation).
    let confirmed = answer["autoConfirmUser"] == true;
    let status = if confirmed { UserStatus::Confirmed } else { UserStatus::Unconfirmed };
    let hash = password::hash_for(&pool_id, &username, password.unwrap_or_default());
    let mut user = User::new(username, sub.clone(), values, status, hash, ctx.now);
    if password.is_none() {
        user.password = None;
    }
    pool_mut(ctx.state, &pool_id)?.users.insert(key.clone(), user.clone());
    let mut output = json!({"UserConfirmed": confirmed, "UserSub": sub});
    if !confirmed {
        if let Some(delivery) = send_code(ctx, &pool_id, &key, &user, CodePurpose::SignUp)? {
            output["CodeDeliveryDetails"] = delivery;
        }
    }
    Ok(output)
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
        user_not_found()
    }
}

fn mismatch() -> error::CognitoError {
    error::code_mismatch("Invalid verification code provided, please try again.")
}

pub fn confirm_sign_up(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let code = required(&request.confirmation_code, "confirmationCode")?.to_owned();
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
    aliases::claim(pool, &mut values, Some(&key), request.force_alias_creation)?;
    let user = pool.users.get_mut(&key).expect("found");
    user.attributes = values;
    user.status = UserStatus::Confirmed;
    user.modified = now;
    // API reference, ConfirmSignUp, Session: passed to InitiateAuth with USER_AUTH,
    // it signs the user in without another code.
    let session = crate::auth::user_auth::sign_up_session(ctx, &pool_id, &client.id, &key)?;
    Ok(json!({"Session": session}))
}

pub fn resend_confirmation_code(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let (client, pool_id, key) = client_and_user(ctx, &request)?;
    let Some(key) = key else {
        return if client.hides_user_existence() {
            Ok(simulated_delivery(ctx, &pool_id)?)
        } else {
            Err(user_not_found())
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
        return if client.hides_user_existence() { simulated_delivery(ctx, &pool_id) } else { Err(user_not_found()) };
    };
    let user = pool(ctx.state, &pool_id)?.users[&key].clone();
    if !user.enabled {
        return Err(error::not_authorized("User is disabled."));
    }
    let delivery =
        send_code(ctx, &pool_id, &key, &user, CodePurpose::ForgotPassword)?.ok_or_else(no_recovery_channel)?;
    Ok(json!({"CodeDeliveryDetails": delivery}))
}

pub fn confirm_forgot_password(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CodeInput = input(input_value)?;
    let code = required(&request.confirmation_code, "confirmationCode")?.to_owned();
    let new_password = required(&request.password, "password")?.to_owned();
    password::check_format("password", &new_password)?;
    let (client, pool_id, key) = client_and_user(ctx, &request)?;
    let key = key.ok_or_else(|| unknown_user(&client, mismatch()))?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &pool_id)?;
    let policy = pool.settings.policies.clone().unwrap_or_default().password_policy;
    password::check_policy_worded(&policy, &new_password, password::CONFIRM_FORGOT_PASSWORD)?;
    let user = pool.users.get_mut(&key).expect("found");
    check_code(user, CodePurpose::ForgotPassword, &code, now)?;
    user.password = Some(password::hash_for(&pool_id, &user.username, &new_password));
    user.status = UserStatus::Confirmed;
    user.temporary_password_expires = None;
    user.lockout = Lockout::default();
    user.modified = now;
    Ok(json!({}))
}
