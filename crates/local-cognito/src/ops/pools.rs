//! User pools and app clients.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::ctx::{Ctx, REGION};
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut};
use crate::model::{AppClient, ClientSettings, Pool, PoolMfa, PoolSettings};
use crate::random;
use crate::wire::input;

pub fn create_user_pool(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let settings: PoolSettings = input(input_value)?;
    if settings.pool_name.is_empty() {
        return Err(error::invalid_parameter(
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null",
        ));
    }
    if !settings.username_attributes.is_empty() && !settings.alias_attributes.is_empty() {
        return Err(error::invalid_parameter("Only one of UsernameAttributes and AliasAttributes may be set"));
    }
    // The pool will sign tokens: have the keys ready by the first sign-in.
    ctx.env.keys.warm();
    let id = format!("{REGION}_{}", random::alphanumeric(9, random::MIXED_DIGITS));
    let mfa_configuration = settings.mfa_configuration.clone().unwrap_or_else(|| "OFF".into());
    let pool = Pool {
        arn: format!("arn:aws:cognito-idp:{REGION}:000000000000:userpool/{id}"),
        id: id.clone(),
        created: ctx.now,
        modified: ctx.now,
        mfa: PoolMfa { sms: mfa_configuration != "OFF" && settings.sms_configuration.is_some(), ..PoolMfa::default() },
        settings,
        clients: BTreeMap::new(),
        groups: BTreeMap::new(),
        users: BTreeMap::new(),
    };
    let described = describe(&pool);
    ctx.state.pools.insert(id, pool);
    Ok(json!({"UserPool": described}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoolId {
    user_pool_id: String,
}

pub fn describe_user_pool(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let PoolId { user_pool_id } = input(input_value)?;
    Ok(json!({"UserPool": describe(pool(ctx.state, &user_pool_id)?)}))
}

pub fn delete_user_pool(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let PoolId { user_pool_id } = input(input_value)?;
    pool(ctx.state, &user_pool_id)?;
    ctx.state.pools.remove(&user_pool_id);
    ctx.state.sessions.retain(|_, session| session.progress.pool_id != user_pool_id);
    ctx.state.refresh_tokens.retain(|_, token| token.pool_id != user_pool_id);
    Ok(json!({}))
}

pub fn list_user_pools(ctx: &mut Ctx, _input: Value) -> Result<Value> {
    let pools: Vec<Value> = ctx
        .state
        .pools
        .values()
        .map(|pool| {
            json!({"Id": pool.id, "Name": pool.settings.pool_name, "CreationDate": pool.created, "LastModifiedDate": pool.modified})
        })
        .collect();
    Ok(json!({"UserPools": pools}))
}

fn describe(pool: &Pool) -> Value {
    let mut described = serde_json::to_value(&pool.settings).expect("settings serialise");
    let extra = json!({
        "Id": pool.id,
        "Name": pool.settings.pool_name,
        "Arn": pool.arn,
        "CreationDate": pool.created,
        "LastModifiedDate": pool.modified,
        "MfaConfiguration": pool.settings.mfa_configuration.clone().unwrap_or_else(|| "OFF".into()),
        "EstimatedNumberOfUsers": pool.users.len(),
        "SchemaAttributes": pool.settings.schema.iter().map(|attribute| {
            let mut described = serde_json::to_value(attribute).expect("schema serialises");
            if attribute.developer_only_attribute == Some(true) {
                described["Name"] = json!(format!("dev:custom:{}", attribute.name));
            } else if !crate::attributes::STANDARD.contains(&attribute.name.as_str()) {
                described["Name"] = json!(format!("custom:{}", attribute.name));
            }
            described
        }).collect::<Vec<_>>(),
    });
    let object = described.as_object_mut().expect("an object");
    object.remove("PoolName");
    object.remove("Schema");
    object.extend(extra.as_object().expect("an object").clone());
    described
}

pub fn create_user_pool_client(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let mut input_value = input_value;
    let user_pool_id = take_pool_id(&mut input_value)?;
    let settings: ClientSettings = input(input_value)?;
    check_client_settings(&settings)?;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    check_write_attributes(pool, &settings)?;
    let id = random::alphanumeric(26, random::LOWER_DIGITS);
    let client = AppClient {
        id: id.clone(),
        name: settings.client_name.clone(),
        secret: settings.generate_secret.then(|| random::alphanumeric(51, random::LOWER_DIGITS)),
        created: ctx.now,
        settings,
    };
    let described = describe_client(&pool.id, &client);
    pool.clients.insert(id, client);
    Ok(json!({"UserPoolClient": described}))
}

pub fn describe_user_pool_client(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
        client_id: String,
    }
    let Input { user_pool_id, client_id } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    Ok(json!({"UserPoolClient": describe_client(&pool.id, pool.client(&client_id)?)}))
}

fn take_pool_id(input_value: &mut Value) -> Result<String> {
    input_value
        .as_object_mut()
        .and_then(|object| object.remove("UserPoolId"))
        .and_then(|id| id.as_str().map(str::to_owned))
        .ok_or_else(|| {
            error::invalid_parameter(
                "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null",
            )
        })
}

/// The ranges CreateUserPoolClient documents.
fn check_client_settings(settings: &ClientSettings) -> Result<()> {
    if let Some(minutes) = settings.auth_session_validity {
        if !(3..=15).contains(&minutes) {
            return Err(error::invalid_parameter("AuthSessionValidity must be between 3 and 15 minutes"));
        }
    }
    let lifetimes = crate::tokens::Lifetimes::of(settings);
    if !(300..=86_400).contains(&lifetimes.access) || !(300..=86_400).contains(&lifetimes.id) {
        return Err(error::invalid_parameter("Access and ID token validity must be between 5 minutes and 1 day"));
    }
    if !(3_600..=315_360_000).contains(&lifetimes.refresh) || lifetimes.refresh <= lifetimes.access.max(lifetimes.id) {
        return Err(error::invalid_parameter(
            "Refresh token validity must be between 60 minutes and 10 years, and longer than the access and ID tokens'",
        ));
    }
    Ok(())
}

/// Every client must be able to write the schema's required attributes (the
/// developer guide's user pool attributes, "Attribute permissions and scopes");
/// no list means all. Cognito's answer, as deployments meet it (aws-cdk#20760):
/// InvalidParameterException "Invalid write attributes specified while creating a client".
fn check_write_attributes(pool: &Pool, settings: &ClientSettings) -> Result<()> {
    let Some(writable) = settings.write_attributes.as_ref().filter(|names| !names.is_empty()) else {
        return Ok(());
    };
    if pool.required_attributes().iter().any(|required| !writable.contains(required)) {
        return Err(error::invalid_parameter("Invalid write attributes specified while creating a client"));
    }
    Ok(())
}

fn describe_client(pool_id: &str, client: &AppClient) -> Value {
    let mut described = serde_json::to_value(&client.settings).expect("settings serialise");
    let lifetimes = crate::tokens::Lifetimes::of(&client.settings);
    let object = described.as_object_mut().expect("an object");
    let units = client.settings.token_validity_units.clone().unwrap_or_default();
    object.extend(
        json!({
            "UserPoolId": pool_id,
            "ClientId": client.id,
            "ClientName": client.name,
            "CreationDate": client.created,
            "LastModifiedDate": client.created,
            "AccessTokenValidity": client.settings.access_token_validity.unwrap_or(60),
            "IdTokenValidity": client.settings.id_token_validity.unwrap_or(60),
            "RefreshTokenValidity": client.settings.refresh_token_validity.unwrap_or(30),
            "TokenValidityUnits": {
                "AccessToken": units.access_token.unwrap_or_else(|| default_unit(client.settings.access_token_validity, "hours", "minutes")),
                "IdToken": units.id_token.unwrap_or_else(|| default_unit(client.settings.id_token_validity, "hours", "minutes")),
                "RefreshToken": units.refresh_token.unwrap_or_else(|| "days".into()),
            },
            "AuthSessionValidity": lifetimes.session / 60,
            "EnableTokenRevocation": client.settings.enable_token_revocation.unwrap_or(true),
            "PreventUserExistenceErrors": client.settings.prevent_user_existence_errors.clone().unwrap_or_else(|| "LEGACY".into()),
        })
        .as_object()
        .expect("an object")
        .clone(),
    );
    if let Some(secret) = &client.secret {
        object.insert("ClientSecret".into(), json!(secret));
    }
    described
}

/// A validity given without a unit is in hours; none given is 60 minutes.
fn default_unit(value: Option<i64>, given: &str, absent: &str) -> String {
    if value.is_some() { given } else { absent }.to_owned()
}
