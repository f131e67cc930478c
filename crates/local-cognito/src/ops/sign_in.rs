//! InitiateAuth, RespondToAuthChallenge (and their Admin twins), refresh
//! and revocation: the requests decoded and the answers encoded; the sign-in
//! itself is the engine's (`auth`).

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::refresh::{refresh, rotates, SecretCheck};
use crate::auth::{self, password_sign_in};
use crate::client_secret::check_client_secret;
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool, pool_of_client, required};
use crate::model::AppClient;
use crate::validation;
use crate::wire::input;

/// AuthFlowType's members (API reference, InitiateAuth and AdminInitiateAuth, AuthFlow).
const AUTH_FLOWS: &[&str] = &[
    "USER_SRP_AUTH",
    "REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN",
    "CUSTOM_AUTH",
    "ADMIN_NO_SRP_AUTH",
    "USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH",
    "USER_AUTH",
];

/// Cognito's defaults when a client declares no ExplicitAuthFlows.
const DEFAULT_FLOWS: &[&str] = &["ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InitiateInput {
    #[serde(default)]
    user_pool_id: Option<String>,
    client_id: String,
    auth_flow: String,
    #[serde(default)]
    auth_parameters: HashMap<String, String>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    analytics_metadata: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    context_data: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    user_context_data: Option<Value>,
    /// ConfirmSignUp's, for USER_AUTH.
    #[serde(default)]
    session: Option<String>,
}

pub fn initiate_auth(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: InitiateInput = input(input_value)?;
    validation::one_of("authFlow", &request.auth_flow, AUTH_FLOWS)?;
    let pool_id = pool_of_client(ctx.state, &request.client_id)?.id.clone();
    initiate(ctx, &pool_id, request, false)
}

pub fn admin_initiate_auth(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: InitiateInput = input(input_value)?;
    validation::one_of("authFlow", &request.auth_flow, AUTH_FLOWS)?;
    let pool_id = required(&request.user_pool_id, "userPoolId")?.to_owned();
    pool(ctx.state, &pool_id)?;
    initiate(ctx, &pool_id, request, true)
}

fn initiate(ctx: &mut Ctx, pool_id: &str, request: InitiateInput, admin: bool) -> Result<Value> {
    let client = pool(ctx.state, pool_id)?.client(&request.client_id)?.clone();
    let flow = request.auth_flow.as_str();
    check_flow(&client, flow, admin)?;
    let parameters = &request.auth_parameters;
    if flow.starts_with("REFRESH_TOKEN") {
        // Cognito, "Refresh tokens": REFRESH_TOKEN_AUTH is not available to clients that rotate
        // refresh tokens. The exception it answers is undocumented: an assumption.
        if rotates(&client) {
            return Err(error::not_authorized(
                "Refresh token rotation is enabled for this app client: use GetTokensFromRefreshToken",
            ));
        }
        let token = parameters.get("REFRESH_TOKEN").ok_or_else(|| missing("REFRESH_TOKEN"))?;
        let secret_hash = SecretCheck::Hash(parameters.get("SECRET_HASH").map(String::as_str));
        return refresh(ctx, &client, token, parameters.get("DEVICE_KEY").map(String::as_str), secret_hash, false);
    }
    if flow == "USER_AUTH" {
        return auth::user_auth::start(ctx, pool_id, &client, parameters, request.session.as_deref());
    }
    if flow == "USER_SRP_AUTH" {
        return auth::user_srp::start(ctx, pool_id, &client, parameters);
    }
    password_sign_in(ctx, pool_id, &client, parameters)
}

/// Whether `client` lets `flow` sign in (AdminInitiateAuth's flows when `admin`).
pub fn check_flow(client: &AppClient, flow: &str, admin: bool) -> Result<()> {
    let permits: &[&str] = match (flow, admin) {
        ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", true) => {
            &["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]
        }
        ("USER_PASSWORD_AUTH", false) => &["ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"],
        ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN", _) => &["ALLOW_REFRESH_TOKEN_AUTH"],
        ("USER_SRP_AUTH", _) => &["ALLOW_USER_SRP_AUTH"],
        ("USER_AUTH", _) => &["ALLOW_USER_AUTH"],
        ("CUSTOM_AUTH" | "ADMIN_USER_SRP_AUTH", _) => {
            return Err(error::invalid_parameter(format!("The local Cognito does not implement the {flow} flow.")))
        }
        _ => return Err(error::invalid_parameter("Initiate Auth method not supported.")),
    };
    let enabled: Vec<&str> = match &client.settings.explicit_auth_flows {
        Some(flows) if !flows.is_empty() => flows.iter().map(String::as_str).collect(),
        _ => DEFAULT_FLOWS.to_vec(),
    };
    if !permits.iter().any(|flow| enabled.contains(flow)) {
        return Err(error::invalid_parameter("Auth flow not enabled for this client"));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GetTokensInput {
    refresh_token: String,
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    device_key: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
}

/// Refresh with rotation when the client turns it on.
pub fn get_tokens_from_refresh_token(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: GetTokensInput = input(input_value)?;
    let client = pool_of_client(ctx.state, &request.client_id)?.client(&request.client_id)?.clone();
    let rotate = rotates(&client);
    let secret = SecretCheck::Secret(request.client_secret.as_deref());
    let answer = refresh(ctx, &client, &request.refresh_token, request.device_key.as_deref(), secret, rotate)?;
    Ok(json!({"AuthenticationResult": answer["AuthenticationResult"]}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RevokeInput {
    token: String,
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
}

/// Revokes a refresh token and every access token issued from it.
pub fn revoke_token(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: RevokeInput = input(input_value)?;
    let client = pool_of_client(ctx.state, &request.client_id)?.client(&request.client_id)?.clone();
    if client.settings.enable_token_revocation == Some(false) {
        return Err(error::unsupported_operation("Token revocation isn't enabled for this app client."));
    }
    // RevokeToken documents no NotAuthorizedException: a bad secret is UnauthorizedException.
    check_client_secret(&client, request.client_secret.as_deref())
        .map_err(|error| error::CognitoError::new("UnauthorizedException", error.message))?;
    if request.token.split('.').count() == 3 {
        return Err(error::unsupported_token_type("Only refresh tokens can be revoked."));
    }
    let Some(record) = ctx.state.refresh_tokens.get(&request.token).cloned() else {
        // An unknown or already revoked token: nothing to do (RFC 7009).
        return Ok(json!({}));
    };
    if record.client_id != client.id {
        return Err(error::CognitoError::new("UnauthorizedException", "The token was not issued to this client."));
    }
    // The record stays as a tombstone, so that the token answers "Refresh Token has been revoked".
    ctx.state.revoked_origins.insert(record.origin_jti.clone());
    Ok(json!({}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RespondInput {
    #[serde(default)]
    user_pool_id: Option<String>,
    client_id: String,
    challenge_name: String,
    #[serde(default)]
    session: Option<String>,
    #[serde(default)]
    challenge_responses: HashMap<String, String>,
    #[serde(default)]
    #[allow(dead_code)]
    client_metadata: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    analytics_metadata: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    context_data: Option<Value>,
    #[serde(default)]
    #[allow(dead_code)]
    user_context_data: Option<Value>,
}

pub fn respond_to_auth_challenge(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: RespondInput = input(input_value)?;
    let pool_id = pool_of_client(ctx.state, &request.client_id)?.id.clone();
    respond(ctx, &pool_id, request)
}

pub fn admin_respond_to_auth_challenge(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: RespondInput = input(input_value)?;
    let pool_id = required(&request.user_pool_id, "userPoolId")?.to_owned();
    pool(ctx.state, &pool_id)?.client(&request.client_id)?;
    respond(ctx, &pool_id, request)
}

fn respond(ctx: &mut Ctx, pool_id: &str, request: RespondInput) -> Result<Value> {
    let session_id = required(&request.session, "session")?;
    auth::respond(ctx, pool_id, &request.client_id, &request.challenge_name, session_id, &request.challenge_responses)
}
