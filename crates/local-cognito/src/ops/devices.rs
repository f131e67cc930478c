//! Devices: confirmation with an SRP verifier, status, listing, forgetting.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool_mut, required};
use crate::model::{Device, DeviceVerifier, User};
use crate::tokens;
use crate::wire::input;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VerifierInput {
    password_verifier: String,
    salt: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeviceInput {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    user_pool_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    device_key: Option<String>,
    #[serde(default)]
    device_secret_verifier_config: Option<VerifierInput>,
    #[serde(default)]
    device_name: Option<String>,
    #[serde(default)]
    device_remembered_status: Option<String>,
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    pagination_token: Option<String>,
}

/// The user an access token (or, for Admin operations, a pool and username) names.
fn owner<'a>(ctx: &'a mut Ctx, request: &DeviceInput, admin: bool) -> Result<&'a mut User> {
    if admin {
        let pool_id = required(&request.user_pool_id, "userPoolId")?;
        let username = required(&request.username, "username")?;
        return pool_mut(ctx.state, pool_id)?.user_mut(username);
    }
    let token = required(&request.access_token, "accessToken")?;
    let caller = tokens::authenticate(ctx, token)?;
    Ok(pool_mut(ctx.state, &caller.pool_id)?.users.get_mut(&caller.username).expect("the caller exists"))
}

fn not_found() -> error::CognitoError {
    error::resource_not_found("Device does not exist.")
}

fn device_of<'a>(user: &'a mut User, request: &DeviceInput) -> Result<&'a mut Device> {
    let key = required(&request.device_key, "deviceKey")?;
    user.devices.get_mut(key).ok_or_else(not_found)
}

/// Cognito: ConfirmDevice answers UserConfirmationNecessary when the pool
/// remembers devices only when the user says so.
pub fn confirm_device(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: DeviceInput = input(input_value)?;
    let token = required(&request.access_token, "accessToken")?;
    let caller = tokens::authenticate(ctx, token)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &caller.pool_id)?;
    let on_prompt =
        pool.settings.device_configuration.as_ref().is_some_and(|c| c.device_only_remembered_on_user_prompt);
    let user = pool.users.get_mut(&caller.username).expect("the caller exists");
    let verifier = request
        .device_secret_verifier_config
        .as_ref()
        .ok_or_else(|| error::invalid_parameter("DeviceSecretVerifierConfig is required"))?;
    let device = device_of(user, &request)?;
    device.verifier =
        Some(DeviceVerifier { password_verifier: verifier.password_verifier.clone(), salt: verifier.salt.clone() });
    device.remembered = !on_prompt;
    device.last_modified = now;
    if let Some(name) = &request.device_name {
        device.name = Some(name.clone());
        device.attributes.insert("device_name".into(), name.clone());
    }
    Ok(json!({"UserConfirmationNecessary": on_prompt}))
}

pub fn update_device_status(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    update_status(ctx, input_value, false)
}

/// AdminUpdateDeviceStatus: UpdateDeviceStatus by pool and username.
pub fn admin_update_device_status(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    update_status(ctx, input_value, true)
}

fn update_status(ctx: &mut Ctx, input_value: Value, admin: bool) -> Result<Value> {
    let request: DeviceInput = input(input_value)?;
    let now = ctx.now;
    let user = owner(ctx, &request, admin)?;
    let given = request.device_remembered_status.as_deref().unwrap_or_default();
    crate::validation::one_of("deviceRememberedStatus", given, &["remembered", "not_remembered"])?;
    let remembered = given == "remembered";
    let device = device_of(user, &request)?;
    if device.verifier.is_none() {
        return Err(not_found());
    }
    device.remembered = remembered;
    device.last_modified = now;
    Ok(json!({}))
}

fn describe(device: &Device) -> Value {
    let mut attributes: Vec<Value> =
        vec![json!({"Name": "device_status", "Value": if device.remembered { "valid" } else { "not_remembered" }})];
    attributes.extend(device.attributes.iter().map(|(name, value)| json!({"Name": name, "Value": value})));
    json!({
        "DeviceKey": device.key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.last_modified,
        "DeviceLastAuthenticatedDate": device.last_authenticated,
    })
}

fn get(ctx: &mut Ctx, input_value: Value, admin: bool) -> Result<Value> {
    let request: DeviceInput = input(input_value)?;
    let user = owner(ctx, &request, admin)?;
    let device = device_of(user, &request)?;
    if device.verifier.is_none() {
        return Err(not_found());
    }
    Ok(json!({"Device": describe(device)}))
}

pub fn get_device(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    get(ctx, input_value, false)
}

pub fn admin_get_device(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    get(ctx, input_value, true)
}

/// Only confirmed devices are listed.
fn list(ctx: &mut Ctx, input_value: Value, admin: bool) -> Result<Value> {
    let request: DeviceInput = input(input_value)?;
    // ListDevices' model: Limit 0 to 60 (0 read as the default, an assumption).
    let limit = request.limit.unwrap_or(60);
    crate::validation::within("limit", limit, 0, 60)?;
    let limit = if limit == 0 { 60 } else { limit as usize };
    let user = owner(ctx, &request, admin)?;
    let devices: Vec<Value> = user.devices.values().filter(|d| d.verifier.is_some()).map(describe).collect();
    let (devices, next) = crate::paging::page(devices, request.pagination_token.as_deref(), limit)?;
    let mut output = json!({"Devices": devices});
    if let Some(next) = next {
        output["PaginationToken"] = json!(next);
    }
    Ok(output)
}

pub fn list_devices(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    list(ctx, input_value, false)
}

pub fn admin_list_devices(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    list(ctx, input_value, true)
}

/// Forgetting a device also ends the refresh tokens bound to it (their
/// refresh would need the device); access tokens live out their time.
fn forget(ctx: &mut Ctx, input_value: Value, admin: bool) -> Result<Value> {
    let request: DeviceInput = input(input_value)?;
    let user = owner(ctx, &request, admin)?;
    let key = required(&request.device_key, "deviceKey")?.to_owned();
    user.devices.remove(&key).ok_or_else(not_found)?;
    ctx.state.refresh_tokens.retain(|_, token| token.device_key.as_deref() != Some(key.as_str()));
    Ok(json!({}))
}

pub fn forget_device(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    forget(ctx, input_value, false)
}

pub fn admin_forget_device(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    forget(ctx, input_value, true)
}
