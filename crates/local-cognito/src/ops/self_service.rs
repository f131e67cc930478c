//! What a signed-in user does with their own access token.

use serde::Deserialize;
use serde_json::{json, Value};

use super::users;
use crate::aliases;
use crate::attributes::{self, AttributeInput, Write};
use crate::codes::{check_code, send_code, CodePurpose};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, required};
use crate::password;
use crate::tokens::{self, Caller};
use crate::wire::input;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TokenOnly {
    access_token: String,
}

pub fn get_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let TokenOnly { access_token } = input(input_value)?;
    let caller = tokens::authenticate(ctx, &access_token)?;
    let pool = pool(ctx.state, &caller.pool_id)?;
    let client = pool.client(&caller.client_id)?;
    let user = &pool.users[&caller.username];
    let mut described = json!({
        "Username": user.username,
        "UserAttributes": attributes::list(user, |name| client.can_read(name)),
    });
    users::merge(&mut described, users::mfa_description(user));
    Ok(described)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateInput {
    access_token: String,
    user_attributes: Vec<AttributeInput>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
}

/// Obeys the client's WriteAttributes. An email or phone number listed in
/// AttributesRequireVerificationBeforeUpdate changes only once its code is verified.
pub fn update_user_attributes(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: UpdateInput = input(input_value)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &caller.pool_id)?;
    let client = pool.client(&caller.client_id)?.clone();
    if request.user_attributes.iter().any(|a| !client.can_write(&a.name)) {
        return Err(error::not_authorized("A client attempted to write unauthorized attribute"));
    }
    attributes::check(pool, &request.user_attributes, Write::Update)?;
    let wait_for_verification: Vec<String> = pool
        .settings
        .user_attribute_update_settings
        .as_ref()
        .map(|s| s.attributes_require_verification_before_update.clone())
        .unwrap_or_default();
    let auto_verified = pool.settings.auto_verified_attributes.clone();
    let before = pool.users[&caller.username].attributes.clone();
    let (deferred, immediate): (Vec<AttributeInput>, Vec<AttributeInput>) =
        request.user_attributes.iter().cloned().partition(|a| {
            wait_for_verification.contains(&a.name)
                && a.value.as_deref().is_some_and(|v| !v.is_empty())
                && before.get(&a.name) != a.value.as_ref()
        });
    let mut values = before.clone();
    attributes::apply(&mut values, &immediate);
    users::reset_verified_on_change(&before, &mut values, &immediate);
    aliases::claim(pool, &mut values, Some(&caller.username), false)?;
    let user = pool.users.get_mut(&caller.username).expect("the caller exists");
    user.attributes = values;
    for attribute in &deferred {
        user.pending_attributes.insert(attribute.name.clone(), attribute.value.clone().unwrap_or_default());
    }
    user.modified = now;
    let user = user.clone();

    let mut deliveries = Vec::new();
    for attribute in ["email", "phone_number"] {
        let changed = deferred.iter().chain(&immediate).any(|a| a.name == attribute)
            && (before.get(attribute) != user.attributes.get(attribute)
                || user.pending_attributes.contains_key(attribute));
        if changed && auto_verified.iter().any(|a| a == attribute) {
            let purpose = CodePurpose::Verify(if attribute == "email" { "email" } else { "phone_number" });
            if let Some(delivery) = send_code(ctx, &caller.pool_id, &caller.username, &user, purpose)? {
                deliveries.push(delivery);
            }
        }
    }
    Ok(json!({"CodeDeliveryDetailsList": deliveries}))
}

pub fn delete_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let TokenOnly { access_token } = input(input_value)?;
    let Caller { pool_id, username, .. } = tokens::authenticate(ctx, &access_token)?;
    pool_mut(ctx.state, &pool_id)?.users.remove(&username);
    tokens::revoke_all(ctx, &pool_id, &username);
    Ok(json!({}))
}

pub fn global_sign_out(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let TokenOnly { access_token } = input(input_value)?;
    let Caller { pool_id, username, .. } = tokens::authenticate(ctx, &access_token)?;
    tokens::revoke_all(ctx, &pool_id, &username);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ChangeInput {
    access_token: String,
    #[serde(default)]
    previous_password: Option<String>,
    proposed_password: String,
}

pub fn change_password(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: ChangeInput = input(input_value)?;
    password::check_format("proposedPassword", &request.proposed_password)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &caller.pool_id)?;
    let policy = pool.settings.policies.clone().unwrap_or_default().password_policy;
    let user = pool.users.get_mut(&caller.username).expect("the caller exists");
    let previous = request.previous_password.unwrap_or_default();
    if !user.password.as_ref().is_some_and(|hash| password::matches(hash, &previous)) {
        return Err(error::not_authorized("Incorrect username or password."));
    }
    password::check_policy(&policy, &request.proposed_password)?;
    user.password = Some(password::hash_for(&caller.pool_id, &user.username, &request.proposed_password));
    user.modified = now;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VerificationInput {
    access_token: String,
    attribute_name: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
}

fn verifiable(name: &str) -> Result<&'static str> {
    match name {
        "email" => Ok("email"),
        "phone_number" => Ok("phone_number"),
        other => Err(error::invalid_parameter(format!("Cannot verify attribute {other}."))),
    }
}

pub fn get_user_attribute_verification_code(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: VerificationInput = input(input_value)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let attribute = verifiable(&request.attribute_name)?;
    let user = pool(ctx.state, &caller.pool_id)?.users[&caller.username].clone();
    let delivery = send_code(ctx, &caller.pool_id, &caller.username, &user, CodePurpose::Verify(attribute))?
        .ok_or_else(|| error::invalid_parameter(format!("User has no attribute {attribute}.")))?;
    Ok(json!({"CodeDeliveryDetails": delivery}))
}

pub fn verify_user_attribute(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: VerificationInput = input(input_value)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let attribute = verifiable(&request.attribute_name)?;
    let code = required(&request.code, "code")?.to_owned();
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &caller.pool_id)?;
    let user = pool.users.get_mut(&caller.username).expect("the caller exists");
    check_code(user, CodePurpose::Verify(attribute), &code, now)?;
    let mut values = user.attributes.clone();
    if let Some(pending) = user.pending_attributes.remove(attribute) {
        values.insert(attribute.to_owned(), pending);
    }
    values.insert(format!("{attribute}_verified"), "true".into());
    aliases::claim(pool, &mut values, Some(&caller.username), false)?;
    let user = pool.users.get_mut(&caller.username).expect("the caller exists");
    user.attributes = values;
    user.modified = now;
    Ok(json!({}))
}

/// DeleteUserAttributes: a user's own, within the client's WriteAttributes.
pub fn delete_user_attributes(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        access_token: String,
        user_attribute_names: Vec<String>,
    }
    let request: Input = input(input_value)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &caller.pool_id)?;
    let client = pool.client(&caller.client_id)?.clone();
    if request.user_attribute_names.iter().any(|name| !client.can_write(name)) {
        return Err(error::not_authorized("A client attempted to write unauthorized attribute"));
    }
    attributes::delete(pool, &caller.username, &request.user_attribute_names)?;
    pool.users.get_mut(&caller.username).expect("the caller exists").modified = now;
    Ok(json!({}))
}
