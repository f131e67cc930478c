//! Administrators' user operations.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::aliases;
use crate::attributes::{self, AttributeInput, Write};
use crate::codes::{no_recovery_channel, send_code, CodePurpose};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, user_not_found};
use crate::model::{Lockout, Message, Pool, User, UserStatus};
use crate::wire::input;
use crate::{password, tokens};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserRef {
    user_pool_id: String,
    username: String,
}

/// ListUsers' and ListUsersInGroup's shape of a user.
pub fn summary(user: &User) -> Value {
    json!({
        "Username": user.username,
        "Attributes": attributes::list(user, |_| true),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    })
}

/// The MFA part of AdminGetUser and GetUser.
pub fn mfa_description(user: &User) -> Value {
    let mut factors = Vec::new();
    if user.mfa.sms_enabled {
        factors.push("SMS_MFA");
    }
    if user.mfa.email_enabled {
        factors.push("EMAIL_OTP");
    }
    if user.mfa.software_token_enabled {
        factors.push("SOFTWARE_TOKEN_MFA");
    }
    let mut described = json!({});
    if !factors.is_empty() {
        described["UserMFASettingList"] = json!(factors);
    }
    if let Some(preferred) = &user.mfa.preferred {
        described["PreferredMfaSetting"] = json!(preferred);
    }
    described
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateInput {
    user_pool_id: String,
    username: String,
    #[serde(default)]
    user_attributes: Vec<AttributeInput>,
    #[serde(default)]
    temporary_password: Option<String>,
    #[serde(default)]
    message_action: Option<String>,
    #[serde(default)]
    desired_delivery_mediums: Vec<String>,
    #[serde(default)]
    force_alias_creation: bool,
    #[serde(default)]
    #[allow(dead_code)]
    validation_data: Vec<AttributeInput>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
}

pub fn admin_create_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CreateInput = input(input_value)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &request.user_pool_id)?;
    if let Some(password) = &request.temporary_password {
        password::check_format("temporaryPassword", password)?;
        password::check_policy_worded(&policy(pool), password, password::ADMIN_CREATE_USER)?;
    }
    let temporary_password = request.temporary_password.clone().unwrap_or_else(|| password::temporary(&policy(pool)));

    if request.message_action.as_deref() == Some("RESEND") {
        let user = pool.user_mut(&request.username)?;
        if user.status != UserStatus::ForceChangePassword {
            return Err(error::CognitoError::new(
                "UnsupportedUserStateException",
                format!("Resend not possible. {} status is {}.", user.username, user.status.as_str()),
            ));
        }
        user.password = Some(password::hash_for(&request.user_pool_id, &user.username, &temporary_password));
        user.modified = now;
        let user = user.clone();
        let validity = i64::from(policy(pool).temporary_password_validity_days) * 86_400;
        pool.user_mut(&request.username)?.temporary_password_expires = Some(now + validity);
        let pool_id = pool.id.clone();
        invite(ctx, &pool_id, &user, &temporary_password, &request.desired_delivery_mediums)?;
        return Ok(json!({"User": describe_created(&user)}));
    }
    if let Some(action) = &request.message_action {
        if action != "SUPPRESS" {
            return Err(error::invalid_parameter(format!("Invalid MessageAction: {action}")));
        }
    }

    attributes::check(pool, &request.user_attributes, Write::Create)?;
    let mut values = BTreeMap::new();
    attributes::apply(&mut values, &request.user_attributes);
    let sub = uuid::Uuid::new_v4().to_string();
    let username = aliases::sign_in_name(pool, &request.username, &mut values, &sub)?;
    if pool.user_key(&username).is_some() || pool.users.contains_key(&pool.canonical(&username)) {
        return Err(error::username_exists("User account already exists"));
    }
    aliases::claim(pool, &mut values, None, request.force_alias_creation)?;
    // An invited user is never auto-confirmed (they set a password first); verification applies.
    attributes::apply_auto_verify(&ctx.pre_sign_up.take().unwrap_or_default(), &mut values);
    let validity = i64::from(policy(pool).temporary_password_validity_days) * 86_400;
    let mut user = User::new(
        username.clone(),
        sub,
        values,
        UserStatus::ForceChangePassword,
        password::hash_for(&request.user_pool_id, &username, &temporary_password),
        now,
    );
    user.temporary_password_expires = Some(now + validity);
    pool.users.insert(pool.canonical(&username), user.clone());
    let pool_id = pool.id.clone();
    if request.message_action.is_none() {
        invite(ctx, &pool_id, &user, &temporary_password, &request.desired_delivery_mediums)?;
    }
    Ok(json!({"User": describe_created(&user)}))
}

fn policy(pool: &Pool) -> crate::model::PasswordPolicy {
    pool.settings.policies.clone().unwrap_or_default().password_policy
}

fn invite(ctx: &mut Ctx, pool_id: &str, user: &User, temporary_password: &str, mediums: &[String]) -> Result<()> {
    // AdminCreateUser, DesiredDeliveryMediums: "The default value is SMS." A user with
    // no phone number then gets no invitation (the temporary password is the admin's to pass on).
    let defaulted = mediums.is_empty();
    let mediums: Vec<&str> = if defaulted { vec!["SMS"] } else { mediums.iter().map(String::as_str).collect() };
    for medium in mediums {
        let attribute = match medium {
            "EMAIL" => "email",
            "SMS" => "phone_number",
            other => return Err(error::invalid_parameter(format!("Invalid DesiredDeliveryMediums: {other}"))),
        };
        if let Some(destination) = user.attributes.get(attribute) {
            ctx.send(Message {
                user_pool_id: pool_id.to_owned(),
                username: user.username.clone(),
                destination: destination.clone(),
                delivery_medium: medium.to_owned(),
                kind: "invitation".into(),
                code: temporary_password.to_owned(),
                at: ctx.now,
                ..Message::default()
            });
        } else if medium == "SMS" && !defaulted {
            return Err(error::invalid_parameter("User has no phone number to send the invitation to."));
        }
    }
    Ok(())
}

fn describe_created(user: &User) -> Value {
    let mut described = summary(user);
    described["MFAOptions"] = json!([]);
    described
}

pub fn admin_get_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    let user = pool(ctx.state, &user_pool_id)?.user(&username)?;
    let mut described = json!({
        "Username": user.username,
        "UserAttributes": attributes::list(user, |_| true),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status.as_str(),
    });
    merge(&mut described, mfa_description(user));
    Ok(described)
}

pub fn merge(target: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (target.as_object_mut(), extra) {
        target.extend(extra);
    }
}

pub fn admin_delete_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    let key = pool.user_key(&username).ok_or_else(user_not_found)?;
    pool.users.remove(&key);
    tokens::revoke_all(ctx, &user_pool_id, &key);
    Ok(json!({}))
}

/// Cognito: disabling a user also revokes its tokens.
pub fn admin_disable_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    let key = pool.user_key(&username).ok_or_else(user_not_found)?;
    pool.users.get_mut(&key).expect("found").enabled = false;
    tokens::revoke_all(ctx, &user_pool_id, &key);
    Ok(json!({}))
}

pub fn admin_enable_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    pool_mut(ctx.state, &user_pool_id)?.user_mut(&username)?.enabled = true;
    Ok(json!({}))
}

pub fn admin_user_global_sign_out(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    let key = pool.user_key(&username).ok_or_else(user_not_found)?;
    tokens::revoke_all(ctx, &user_pool_id, &key);
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateInput {
    user_pool_id: String,
    username: String,
    user_attributes: Vec<AttributeInput>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
}

/// Administrators ignore the client's WriteAttributes and may set the verified flags.
/// An email or phone number listed in AttributesRequireVerificationBeforeUpdate
/// keeps its old value until the new one is verified, unless the same request
/// sets its verified flag to true (AdminUpdateUserAttributes, and
/// UserAttributeUpdateSettingsType: "Amazon Cognito doesn't change the value of
/// the attribute until your user responds to the verification message").
pub fn admin_update_user_attributes(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: UpdateInput = input(input_value)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &request.user_pool_id)?;
    attributes::check(pool, &request.user_attributes, Write::Update)?;
    let key = pool.user_key(&request.username).ok_or_else(user_not_found)?;
    let wait_for_verification: Vec<String> = pool
        .settings
        .user_attribute_update_settings
        .as_ref()
        .map(|s| s.attributes_require_verification_before_update.clone())
        .unwrap_or_default();
    let auto_verified = pool.settings.auto_verified_attributes.clone();
    let before = pool.users[&key].attributes.clone();
    let said_verified = |name: &str| {
        request
            .user_attributes
            .iter()
            .any(|a| a.name == format!("{name}_verified") && a.value.as_deref() == Some("true"))
    };
    let (deferred, immediate): (Vec<AttributeInput>, Vec<AttributeInput>) =
        request.user_attributes.iter().cloned().partition(|a| {
            wait_for_verification.contains(&a.name)
                && a.value.as_deref().is_some_and(|v| !v.is_empty())
                && before.get(&a.name) != a.value.as_ref()
                && !said_verified(&a.name)
        });
    let mut values = before.clone();
    attributes::apply(&mut values, &immediate);
    reset_verified_on_change(&before, &mut values, &immediate);
    aliases::claim(pool, &mut values, Some(&key), false)?;
    let user = pool.users.get_mut(&key).expect("found");
    user.attributes = values;
    for attribute in &deferred {
        user.pending_attributes.insert(attribute.name.clone(), attribute.value.clone().unwrap_or_default());
    }
    user.modified = now;
    let user = user.clone();
    // The code goes to the new value; the old one stays for sign-in and recovery.
    for attribute in deferred.iter().filter(|a| auto_verified.contains(&a.name)) {
        let purpose = CodePurpose::Verify(if attribute.name == "email" { "email" } else { "phone_number" });
        send_code(ctx, &request.user_pool_id, &key, &user, purpose)?;
    }
    Ok(json!({}))
}

/// A changed email or phone number is no longer verified, unless the same
/// request says it is.
pub fn reset_verified_on_change(
    before: &BTreeMap<String, String>,
    after: &mut BTreeMap<String, String>,
    given: &[AttributeInput],
) {
    for attribute in ["email", "phone_number"] {
        let flag = format!("{attribute}_verified");
        if before.get(attribute) != after.get(attribute) && !given.iter().any(|a| a.name == flag) {
            after.insert(flag, "false".into());
        }
    }
}

pub fn admin_reset_user_password(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    let key = pool.user_key(&username).ok_or_else(user_not_found)?;
    let user = pool.users[&key].clone();
    // A user who never set a password of their own (UNCONFIRMED, or invited and
    // still FORCE_CHANGE_PASSWORD) has nothing to reset: Cognito refuses both.
    if matches!(user.status, UserStatus::Unconfirmed | UserStatus::ForceChangePassword) {
        return Err(error::not_authorized("User password cannot be reset in the current state."));
    }
    // The code must reach a verified email or phone number, as for ForgotPassword;
    // otherwise the user would be locked out with no way back.
    send_code(ctx, &user_pool_id, &key, &user, CodePurpose::ForgotPassword)?.ok_or_else(no_recovery_channel)?;
    let user = pool_mut(ctx.state, &user_pool_id)?.users.get_mut(&key).expect("found");
    user.status = UserStatus::ResetRequired;
    user.modified = ctx.now;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SetPasswordInput {
    user_pool_id: String,
    username: String,
    password: String,
    #[serde(default)]
    permanent: bool,
}

pub fn admin_set_user_password(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: SetPasswordInput = input(input_value)?;
    password::check_format("password", &request.password)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &request.user_pool_id)?;
    password::check_policy(&policy(pool), &request.password)?;
    let validity = i64::from(policy(pool).temporary_password_validity_days) * 86_400;
    let user = pool.user_mut(&request.username)?;
    user.password = Some(password::hash_for(&request.user_pool_id, &user.username, &request.password));
    user.lockout = Lockout::default();
    user.modified = now;
    if request.permanent {
        user.status = UserStatus::Confirmed;
        user.temporary_password_expires = None;
    } else {
        user.status = UserStatus::ForceChangePassword;
        user.temporary_password_expires = Some(now + validity);
    }
    Ok(json!({}))
}

pub fn admin_confirm_sign_up(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let UserRef { user_pool_id, username } = input(input_value)?;
    let user = pool_mut(ctx.state, &user_pool_id)?.user_mut(&username)?;
    if user.status != UserStatus::Unconfirmed {
        return Err(error::not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            user.status.as_str()
        )));
    }
    user.status = UserStatus::Confirmed;
    user.modified = ctx.now;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    user_pool_id: String,
    #[serde(default)]
    filter: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    pagination_token: Option<String>,
    #[serde(default)]
    attributes_to_get: Option<Vec<String>>,
}

/// The attributes ListUsers can filter on, as its documentation lists them.
const FILTERABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

pub fn list_users(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: ListInput = input(input_value)?;
    let pool = pool(ctx.state, &request.user_pool_id)?;
    // ListUsers' model: Filter (UserFilterType) is at most 256 characters.
    if let Some(filter) = &request.filter {
        crate::validation::max_length("filter", filter, 256)?;
    }
    let filter = request.filter.as_deref().filter(|f| !f.trim().is_empty()).map(parse_filter).transpose()?;
    // ListUsers' model: Limit is 0 to 60 (0 is read as the default, an assumption).
    let limit = request.limit.unwrap_or(60);
    crate::validation::within("limit", limit, 0, 60)?;
    let limit = if limit == 0 { 60 } else { limit as usize };
    let matching: Vec<&User> =
        pool.users.values().filter(|user| filter.as_ref().is_none_or(|f| f.matches(user))).collect();
    let (page, next) = crate::paging::page(matching, request.pagination_token.as_deref(), limit)?;
    let page: Vec<Value> = page
        .iter()
        .map(|user| {
            let mut described = summary(user);
            if let Some(names) = &request.attributes_to_get {
                described["Attributes"] = attributes::list(user, |name| names.iter().any(|n| n == name));
                if !names.iter().any(|n| n == "sub") {
                    described["Attributes"].as_array_mut().expect("a list").remove(0);
                }
            }
            described
        })
        .collect();
    let mut output = json!({"Users": page});
    if let Some(next) = next {
        output["PaginationToken"] = json!(next);
    }
    Ok(output)
}

struct Filter {
    attribute: String,
    prefix: bool,
    value: String,
}

impl Filter {
    fn matches(&self, user: &User) -> bool {
        let actual = match self.attribute.as_str() {
            "username" => Some(user.username.as_str()),
            "sub" => Some(user.sub.as_str()),
            "cognito:user_status" => Some(user.status.as_str()),
            "status" => Some(if user.enabled { "Enabled" } else { "Disabled" }),
            name => user.attributes.get(name).map(String::as_str),
        };
        // ListUsers' Filter: "cognito:user_status ... (case-insensitive)"; `status` is case-sensitive.
        let fold = |text: &str| {
            if self.attribute == "cognito:user_status" {
                text.to_lowercase()
            } else {
                text.to_owned()
            }
        };
        let wanted = fold(&self.value);
        actual.map(fold).is_some_and(|actual| if self.prefix { actual.starts_with(&wanted) } else { actual == wanted })
    }
}

/// `attribute = "value"` or `attribute ^= "prefix"`.
fn parse_filter(filter: &str) -> Result<Filter> {
    let invalid = || error::invalid_parameter("Error while parsing filter.");
    // The operator is the first `=` (or `^=`): the quoted value may hold either.
    let at = filter.find('=').ok_or_else(invalid)?;
    let prefix = filter[..at].ends_with('^');
    let attribute = if prefix { &filter[..at - 1] } else { &filter[..at] };
    let rest = &filter[at + 1..];
    let attribute = attribute.trim().trim_matches('"').to_owned();
    if !FILTERABLE.contains(&attribute.as_str()) {
        return Err(error::invalid_parameter(format!("Invalid search attribute: {attribute}")));
    }
    let quoted = rest.trim().strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(invalid)?;
    // ListUsers' documentation: quotation marks inside the value are escaped with a backslash.
    let mut value = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next().ok_or_else(invalid)?),
            // An unescaped quotation mark ends the value: whatever follows it is not a filter.
            '"' => return Err(invalid()),
            c => value.push(c),
        }
    }
    Ok(Filter { attribute, prefix, value })
}

/// AdminDeleteUserAttributes: administrators ignore the client's WriteAttributes.
pub fn admin_delete_user_attributes(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
        username: String,
        user_attribute_names: Vec<String>,
    }
    let request: Input = input(input_value)?;
    let pool = pool_mut(ctx.state, &request.user_pool_id)?;
    let key = pool.user_key(&request.username).ok_or_else(user_not_found)?;
    attributes::delete(pool, &key, &request.user_attribute_names)?;
    pool.users.get_mut(&key).expect("found").modified = ctx.now;
    Ok(json!({}))
}
