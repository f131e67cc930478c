//! User pools and app clients.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut};
use crate::model::{AppClient, ClientSettings, Pool, PoolMfa, PoolSettings};
use crate::random;
use crate::wire::input;

/// UserPoolTier's members; a new pool is ESSENTIALS unless it says otherwise.
const TIERS: &[&str] = &["LITE", "ESSENTIALS", "PLUS"];

/// The sign-in settings of CreateUserPool and UpdateUserPool: the model's enums and
/// lengths first, then Cognito's rules. SignInPolicyType: 1 to 4 of PASSWORD,
/// EMAIL_OTP, SMS_OTP, WEB_AUTHN, and "to activate this setting, your user pool must
/// be in the Essentials tier or higher" (FeatureUnavailableInTierException, "a feature
/// you attempted to configure isn't available in your current feature plan");
/// PASSWORD may not be left out (deployments that tried were refused: the developer
/// guide's "password is always available as a first factor"). The messages are an assumption.
fn check_sign_in_settings(settings: &mut PoolSettings) -> Result<()> {
    use crate::validation::{each_one_of, one_of};
    let tier = settings.user_pool_tier.get_or_insert_with(|| "ESSENTIALS".to_owned()).clone();
    one_of("userPoolTier", &tier, TIERS)?;
    let Some(policy) = settings.policies.as_ref().and_then(|p| p.sign_in_policy.as_ref()) else { return Ok(()) };
    let factors = &policy.allowed_first_auth_factors;
    let member = "policies.signInPolicy.allowedFirstAuthFactors";
    each_one_of(member, factors, crate::auth::user_auth::FIRST_FACTORS)?;
    if factors.is_empty() || factors.len() > 4 {
        let constraint = if factors.is_empty() { "greater than or equal to 1" } else { "less than or equal to 4" };
        return Err(error::invalid_parameter(format!(
            "1 validation error detected: Value '[{}]' at '{member}' failed to satisfy constraint: Member must have length {constraint}",
            factors.join(", ")
        )));
    }
    if !factors.iter().any(|f| f == "PASSWORD") {
        return Err(error::invalid_parameter("PASSWORD must be one of the AllowedFirstAuthFactors."));
    }
    let passwordless = factors.iter().any(|f| f != "PASSWORD");
    if tier == "LITE" && passwordless {
        return Err(lite_tier());
    }
    Ok(())
}

/// Cognito's refusal of a feature the LITE plan lacks (the message is an assumption).
pub fn lite_tier() -> error::CognitoError {
    error::CognitoError::new(
        "FeatureUnavailableInTierException",
        "Passwordless sign-in and passkeys are not available in the LITE tier: choose ESSENTIALS or PLUS.",
    )
}

pub fn create_user_pool(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let mut settings: PoolSettings = input(input_value)?;
    check_sign_in_settings(&mut settings)?;
    if settings.pool_name.is_empty() {
        return Err(error::invalid_parameter(
            "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: Member must not be null",
        ));
    }
    if !settings.username_attributes.is_empty() && !settings.alias_attributes.is_empty() {
        return Err(error::invalid_parameter("Only one of UsernameAttributes and AliasAttributes may be set"));
    }
    if let Some(configuration) = &settings.mfa_configuration {
        crate::validation::one_of("mfaConfiguration", configuration, &["OFF", "ON", "OPTIONAL"])?;
        // CreateUserPool configures only SMS: a required or optional MFA without it is
        // refused (observed: aws-cdk#11478, cloudformation-coverage-roadmap#2221);
        // TOTP and email come later with SetUserPoolMfaConfig.
        if configuration != "OFF" && settings.sms_configuration.is_none() {
            return Err(error::invalid_parameter(
                "SMS configuration and Auto verification for phone_number are required when MFA is required/optional",
            ));
        }
    }
    // The pool will sign tokens: have the keys ready by the first sign-in.
    ctx.env.keys.warm();
    let region = &ctx.env.region;
    let id = format!("{region}_{}", random::alphanumeric(9, random::MIXED_DIGITS));
    let mfa_configuration = settings.mfa_configuration.clone().unwrap_or_else(|| "OFF".into());
    let pool = Pool {
        arn: format!("arn:aws:cognito-idp:{region}:000000000000:userpool/{id}"),
        id: id.clone(),
        created: ctx.now,
        modified: ctx.now,
        mfa: PoolMfa { sms: mfa_configuration != "OFF" && settings.sms_configuration.is_some(), ..PoolMfa::default() },
        settings,
        clients: BTreeMap::new(),
        groups: BTreeMap::new(),
        users: BTreeMap::new(),
        web_acl: None,
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

pub fn list_user_pools(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    // ListUserPools' model: MaxResults is required, 1 to 60.
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        max_results: i64,
        #[serde(default)]
        next_token: Option<String>,
    }
    let request: Input = input(input_value)?;
    crate::validation::within("maxResults", request.max_results, 1, 60)?;
    let pools: Vec<Value> = ctx
        .state
        .pools
        .values()
        .map(|pool| {
            json!({"Id": pool.id, "Name": pool.settings.pool_name, "CreationDate": pool.created, "LastModifiedDate": pool.modified})
        })
        .collect();
    let (pools, next) = crate::paging::page(pools, request.next_token.as_deref(), request.max_results as usize)?;
    let mut output = json!({"UserPools": pools});
    if let Some(next) = next {
        output["NextToken"] = json!(next);
    }
    Ok(output)
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
        "SchemaAttributes": crate::pool_defaults::schema(pool),
    });
    let object = described.as_object_mut().expect("an object");
    object.remove("PoolName");
    object.remove("Schema");
    object.extend(extra.as_object().expect("an object").clone());
    crate::pool_defaults::fill(object);
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
        modified: None,
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

/// ExplicitAuthFlowsType, as CreateUserPoolClient's model lists it.
const AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];

/// The enums CreateUserPoolClient's model declares, in AWS's validation form.
fn check_client_enums(settings: &ClientSettings) -> Result<()> {
    use crate::validation::{each_one_of, one_of};
    if let Some(flows) = &settings.explicit_auth_flows {
        each_one_of("explicitAuthFlows", flows, AUTH_FLOWS)?;
    }
    if let Some(prevent) = &settings.prevent_user_existence_errors {
        one_of("preventUserExistenceErrors", prevent, &["LEGACY", "ENABLED"])?;
    }
    if let Some(units) = &settings.token_validity_units {
        for (member, unit) in [
            ("tokenValidityUnits.accessToken", &units.access_token),
            ("tokenValidityUnits.idToken", &units.id_token),
            ("tokenValidityUnits.refreshToken", &units.refresh_token),
        ] {
            if let Some(unit) = unit {
                one_of(member, unit, &["seconds", "minutes", "hours", "days"])?;
            }
        }
    }
    Ok(())
}

/// The ranges CreateUserPoolClient documents.
fn check_client_settings(settings: &ClientSettings) -> Result<()> {
    check_client_enums(settings)?;
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
            "LastModifiedDate": client.modified.unwrap_or(client.created),
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

/// UpdateUserPool: what the request leaves out returns to its default (the API
/// reference: "If you don't provide a value for an attribute, Amazon Cognito sets
/// it to its default value"); the name, schema, sign-in attributes and username
/// case sensitivity are not in its input and stay as created.
pub fn update_user_pool(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let mut input_value = input_value;
    let user_pool_id = take_pool_id(&mut input_value)?;
    if let Some(object) = input_value.as_object_mut() {
        for fixed in ["PoolName", "Schema", "UsernameAttributes", "AliasAttributes", "UsernameConfiguration"] {
            if object.remove(fixed).is_some() {
                return Err(error::invalid_parameter(format!("{fixed} cannot be changed by UpdateUserPool.")));
            }
        }
    }
    let mut settings: PoolSettings = input(input_value)?;
    if let Some(configuration) = &settings.mfa_configuration {
        crate::validation::one_of("mfaConfiguration", configuration, &["OFF", "ON", "OPTIONAL"])?;
    }
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    // The tier stays as it was unless the request changes it.
    if settings.user_pool_tier.is_none() {
        settings.user_pool_tier = pool.settings.user_pool_tier.clone();
    }
    check_sign_in_settings(&mut settings)?;
    let configuration = settings.mfa_configuration.clone().unwrap_or_else(|| "OFF".into());
    let sms = settings.sms_configuration.is_some() && pool.mfa.sms;
    // Cognito's observed answer (cloudformation-coverage-roadmap#1176): MFA cannot be
    // turned on here without a factor; SetUserPoolMfaConfig configures the factors.
    if configuration != "OFF" && !(sms || pool.mfa.software_token || pool.mfa.email) {
        return Err(error::invalid_parameter("Cannot turn MFA functionality ON, once the user pool has been created."));
    }
    let kept = pool.settings.clone();
    settings.pool_name = kept.pool_name;
    settings.schema = kept.schema;
    settings.username_attributes = kept.username_attributes;
    settings.alias_attributes = kept.alias_attributes;
    settings.username_configuration = kept.username_configuration;
    settings.mfa_configuration = Some(configuration);
    pool.mfa.sms = sms;
    pool.settings = settings;
    pool.modified = ctx.now;
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ClientRef {
    user_pool_id: String,
    client_id: String,
}

/// UpdateUserPoolClient: like UpdateUserPool, members left out return to their
/// defaults; the secret stays (GenerateSecret is not in its input).
pub fn update_user_pool_client(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let mut input_value = input_value;
    let user_pool_id = take_pool_id(&mut input_value)?;
    let client_id = input_value
        .as_object_mut()
        .and_then(|object| object.remove("ClientId"))
        .and_then(|id| id.as_str().map(str::to_owned))
        .ok_or_else(|| {
            error::invalid_parameter(
                "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
            )
        })?;
    let mut settings: ClientSettings = input(input_value)?;
    check_client_settings(&settings)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    check_write_attributes(pool, &settings)?;
    let client = pool
        .clients
        .get_mut(&client_id)
        .ok_or_else(|| error::resource_not_found(format!("User pool client {client_id} does not exist.")))?;
    if settings.client_name.is_empty() {
        settings.client_name = client.name.clone();
    }
    client.name = settings.client_name.clone();
    client.settings = settings;
    client.modified = Some(now);
    let client = client.clone();
    Ok(json!({"UserPoolClient": describe_client(&user_pool_id, &client)}))
}

pub fn list_user_pool_clients(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
        #[serde(default)]
        max_results: Option<i64>,
        #[serde(default)]
        next_token: Option<String>,
    }
    let request: Input = input(input_value)?;
    // ListUserPoolClients' model: MaxResults 1 to 60.
    let limit = request.max_results.unwrap_or(60);
    crate::validation::within("maxResults", limit, 1, 60)?;
    let pool = pool(ctx.state, &request.user_pool_id)?;
    let clients: Vec<Value> =
        pool.clients.values().map(|c| json!({"ClientId": c.id, "UserPoolId": pool.id, "ClientName": c.name})).collect();
    let (clients, next) = crate::paging::page(clients, request.next_token.as_deref(), limit as usize)?;
    let mut output = json!({"UserPoolClients": clients});
    if let Some(next) = next {
        output["NextToken"] = json!(next);
    }
    Ok(output)
}

/// The client's sign-ins in progress and refresh tokens end with it.
pub fn delete_user_pool_client(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let ClientRef { user_pool_id, client_id } = input(input_value)?;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    pool.client(&client_id)?;
    pool.clients.remove(&client_id);
    ctx.state.sessions.retain(|_, session| session.progress.client_id != client_id);
    ctx.state.refresh_tokens.retain(|_, token| token.client_id != client_id);
    Ok(json!({}))
}

/// AddCustomAttributes: new `custom:` attributes (given without the prefix); the
/// schema only grows, and a pool holds at most 50 custom attributes.
pub fn add_custom_attributes(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
        custom_attributes: Vec<crate::model::SchemaAttribute>,
    }
    let request: Input = input(input_value)?;
    let pool = pool_mut(ctx.state, &request.user_pool_id)?;
    for attribute in &request.custom_attributes {
        let name = attribute.name.strip_prefix("custom:").unwrap_or(&attribute.name);
        if pool.settings.schema.iter().any(|declared| declared.name == name)
            || crate::attributes::STANDARD.contains(&name)
        {
            // The message is an assumption; the exception is AddCustomAttributes' documented one.
            return Err(error::invalid_parameter(format!("Existing attribute already has name custom:{name}.")));
        }
    }
    let custom =
        pool.settings.schema.iter().filter(|a| !crate::attributes::STANDARD.contains(&a.name.as_str())).count();
    if custom + request.custom_attributes.len() > 50 {
        return Err(error::invalid_parameter("A user pool can have at most 50 custom attributes."));
    }
    for mut attribute in request.custom_attributes {
        attribute.name = attribute.name.strip_prefix("custom:").unwrap_or(&attribute.name).to_owned();
        pool.settings.schema.push(attribute);
    }
    pool.modified = ctx.now;
    Ok(json!({}))
}
