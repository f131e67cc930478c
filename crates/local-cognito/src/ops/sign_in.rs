//! InitiateAuth, RespondToAuthChallenge (and their Admin twins), refresh
//! and revocation.

use std::collections::HashMap;

use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::auth::{self, invalid_session, take_session};
use crate::client_secret::{check_client_secret, check_secret_hash};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, pool_of_client, required};
use crate::model::{AppClient, Challenge, Progress, RefreshToken, Session, SrpState};
use crate::tokens::{self, Grant};
use crate::wire::input;
use crate::{attributes, password, random, srp};

/// Wrong answers a challenge survives before its session dies.
/// Cognito's number is undocumented: an assumption.
const CHALLENGE_ATTEMPTS: u32 = 5;

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
    #[serde(default)]
    #[allow(dead_code)]
    session: Option<String>,
}

pub fn initiate_auth(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: InitiateInput = input(input_value)?;
    let pool_id = pool_of_client(ctx.state, &request.client_id)?.id.clone();
    initiate(ctx, &pool_id, request, false)
}

pub fn admin_initiate_auth(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: InitiateInput = input(input_value)?;
    let pool_id = required(&request.user_pool_id, "userPoolId")?.to_owned();
    pool(ctx.state, &pool_id)?;
    initiate(ctx, &pool_id, request, true)
}

fn initiate(ctx: &mut Ctx, pool_id: &str, request: InitiateInput, admin: bool) -> Result<Value> {
    let client = pool(ctx.state, pool_id)?.client(&request.client_id)?.clone();
    let flow = request.auth_flow.as_str();
    let permits: &[&str] = match (flow, admin) {
        ("ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH", true) => {
            &["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]
        }
        ("USER_PASSWORD_AUTH", false) => &["ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"],
        ("REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN", _) => &["ALLOW_REFRESH_TOKEN_AUTH"],
        ("USER_SRP_AUTH" | "CUSTOM_AUTH" | "USER_AUTH" | "ADMIN_USER_SRP_AUTH", _) => {
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
    password_sign_in(ctx, pool_id, &client, parameters)
}

fn missing(name: &str) -> error::CognitoError {
    error::invalid_parameter(format!("Missing required parameter {name}"))
}

fn password_sign_in(
    ctx: &mut Ctx,
    pool_id: &str,
    client: &AppClient,
    parameters: &HashMap<String, String>,
) -> Result<Value> {
    let username = parameters.get("USERNAME").filter(|u| !u.is_empty()).ok_or_else(|| missing("USERNAME"))?;
    let password = parameters.get("PASSWORD").filter(|p| !p.is_empty()).ok_or_else(|| missing("PASSWORD"))?;
    check_secret_hash(client, username, parameters.get("SECRET_HASH").map(String::as_str))?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, pool_id)?;
    let Some(key) = pool.user_key(username) else {
        return Err(if client.hides_user_existence() {
            error::not_authorized("Incorrect username or password.")
        } else {
            error::user_not_found("User does not exist.")
        });
    };
    let user = pool.users.get_mut(&key).expect("found");
    auth::check_lockout(user, now)?;
    if !user.password.as_ref().is_some_and(|hash| password::matches(hash, password)) {
        auth::record_failure(user, now);
        return Err(error::not_authorized("Incorrect username or password."));
    }
    user.lockout = Default::default();
    let progress = Progress {
        pool_id: pool_id.to_owned(),
        client_id: client.id.clone(),
        username: key,
        auth_time: now,
        device_key: parameters.get("DEVICE_KEY").cloned(),
        mfa_passed: false,
        device_passed: false,
    };
    auth::advance(ctx, progress)
}

fn rotates(client: &AppClient) -> bool {
    client.settings.refresh_token_rotation.as_ref().is_some_and(|r| r.feature == "ENABLED")
}

/// How a refresh proves the client: SECRET_HASH (InitiateAuth) or the secret itself.
enum SecretCheck<'a> {
    Hash(Option<&'a str>),
    Secret(Option<&'a str>),
}

fn refresh(
    ctx: &mut Ctx,
    client: &AppClient,
    token: &str,
    device_key: Option<&str>,
    secret: SecretCheck,
    rotate: bool,
) -> Result<Value> {
    let invalid = || error::not_authorized("Invalid Refresh Token");
    let record = ctx.state.refresh_tokens.get(token).cloned().ok_or_else(invalid)?;
    if record.client_id != client.id {
        return Err(invalid());
    }
    if ctx.state.revoked_origins.contains(&record.origin_jti) {
        return Err(error::not_authorized("Refresh Token has been revoked"));
    }
    let grace = client.settings.refresh_token_rotation.as_ref().and_then(|r| r.retry_grace_period_seconds).unwrap_or(0);
    if record.superseded_at.is_some_and(|at| at + grace <= ctx.now) {
        return Err(invalid());
    }
    if record.expires <= ctx.now {
        return Err(error::not_authorized("Refresh Token has expired"));
    }
    let pool = pool(ctx.state, &record.pool_id)?;
    let user = pool.users.get(&record.username).ok_or_else(|| error::not_authorized("User does not exist."))?;
    match secret {
        // Cognito computes it over the user's own username (the sub when the pool signs in by email).
        SecretCheck::Hash(given) => check_secret_hash(client, &user.username, given)?,
        SecretCheck::Secret(given) => check_client_secret(client, given)?,
    }
    if !user.enabled {
        return Err(error::not_authorized("User is disabled."));
    }
    // Cognito, "Refresh tokens": with device tracking, a refresh must name the device its
    // sign-in was bound to, whether that device was confirmed or only issued.
    if record.device_key.is_some() && record.device_key.as_deref() != device_key {
        return Err(invalid());
    }
    let device_key = record.device_key.clone();
    let grant = Grant {
        pool_id: &record.pool_id.clone(),
        client_id: &record.client_id,
        username: &record.username,
        origin_jti: record.origin_jti.clone(),
        auth_time: record.auth_time,
        device_key: device_key.clone(),
    };
    let mut result = tokens::issue(ctx, &grant, false)?;
    if rotate {
        let replacement = random::token(96);
        let now = ctx.now;
        ctx.state.refresh_tokens.insert(
            replacement.clone(),
            RefreshToken {
                device_key,
                superseded_at: None,
                expires: now + tokens::Lifetimes::of(&client.settings).refresh,
                ..record.clone()
            },
        );
        if let Some(old) = ctx.state.refresh_tokens.get_mut(token) {
            old.superseded_at.get_or_insert(now);
        }
        result["RefreshToken"] = json!(replacement);
    }
    Ok(json!({"AuthenticationResult": result, "ChallengeParameters": {}}))
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
    ctx.state.revoked_origins.insert(record.origin_jti.clone());
    ctx.state.refresh_tokens.retain(|_, token| token.origin_jti != record.origin_jti);
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
    let session_id = required(&request.session, "session")?.to_owned();
    let session = take_session(ctx, pool_id, &request.client_id, &session_id, Some(&request.challenge_name))?;
    let responses = &request.challenge_responses;
    let username = responses.get("USERNAME").filter(|u| !u.is_empty()).ok_or_else(|| missing("USERNAME"))?;
    let pool = pool(ctx.state, pool_id)?;
    let client = pool.client(&request.client_id)?.clone();
    if pool.user_key(username).as_deref() != Some(session.progress.username.as_str()) {
        return Err(invalid_session());
    }
    check_secret_hash(&client, username, responses.get("SECRET_HASH").map(String::as_str))?;

    let answered = match session.challenge {
        Challenge::NewPasswordRequired => new_password(ctx, &session, responses),
        Challenge::SmsMfa => mfa_code(ctx, &session, responses.get("SMS_MFA_CODE")),
        Challenge::EmailOtp => mfa_code(ctx, &session, responses.get("EMAIL_OTP_CODE")),
        Challenge::SoftwareTokenMfa => software_token_code(ctx, &session, responses.get("SOFTWARE_TOKEN_MFA_CODE")),
        Challenge::SelectMfaType => {
            let answer = responses.get("ANSWER").ok_or_else(|| missing("ANSWER"))?;
            if !session.choices.contains(answer) {
                return Err(error::invalid_parameter(format!(
                    "Invalid ANSWER: {answer} is not one of MFAS_CAN_CHOOSE"
                )));
            }
            ctx.state.sessions.remove(&session_id);
            let factor = match answer.as_str() {
                "SMS_MFA" => Challenge::SmsMfa,
                "EMAIL_OTP" => Challenge::EmailOtp,
                _ => Challenge::SoftwareTokenMfa,
            };
            return auth::mfa_challenge(ctx, session.progress, auth::MfaStep::Factor(factor));
        }
        Challenge::MfaSetup => {
            if !session.software_token_verified {
                return Err(error::invalid_parameter(
                    "Verify a software token with this session (VerifySoftwareToken) first.",
                ));
            }
            Ok(())
        }
        Challenge::DeviceSrpAuth => {
            ctx.state.sessions.remove(&session_id);
            return device_srp_auth(ctx, session, responses);
        }
        Challenge::DevicePasswordVerifier => device_password_verifier(ctx, &session, responses),
    };
    if let Err(error) = answered {
        if error.kind == "CodeMismatchException" {
            let dead = ctx.state.sessions.get_mut(&session_id).map(|s| {
                s.failed_attempts += 1;
                s.failed_attempts >= CHALLENGE_ATTEMPTS
            });
            if dead == Some(true) {
                ctx.state.sessions.remove(&session_id);
            }
        }
        return Err(error);
    }
    ctx.state.sessions.remove(&session_id);
    let mut progress = session.progress;
    match session.challenge {
        Challenge::NewPasswordRequired => {}
        Challenge::DevicePasswordVerifier => progress.device_passed = true,
        _ => progress.mfa_passed = true,
    }
    auth::advance(ctx, progress)
}

fn new_password(ctx: &mut Ctx, session: &Session, responses: &HashMap<String, String>) -> Result<()> {
    let new_password =
        responses.get("NEW_PASSWORD").filter(|p| !p.is_empty()).ok_or_else(|| missing("NEW_PASSWORD"))?;
    password::check_format("NEW_PASSWORD", new_password)?;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &session.progress.pool_id)?;
    password::check_policy(&pool.settings.policies.clone().unwrap_or_default().password_policy, new_password)?;
    let client = pool.client(&session.progress.client_id)?.clone();
    let given: Vec<attributes::AttributeInput> = responses
        .iter()
        .filter_map(|(key, value)| {
            key.strip_prefix("userAttributes.")
                .map(|name| attributes::AttributeInput { name: name.to_owned(), value: Some(value.clone()) })
        })
        .collect();
    attributes::check(pool, &given, attributes::Write::Create)?;
    if given.iter().any(|a| !client.can_write(&a.name)) {
        return Err(error::not_authorized("A client attempted to write unauthorized attribute"));
    }
    let user = pool.users.get(&session.progress.username).ok_or_else(invalid_session)?;
    let mut values = user.attributes.clone();
    attributes::apply(&mut values, &given);
    let missing: Vec<String> =
        pool.required_attributes().into_iter().filter(|name| !values.contains_key(name)).collect();
    if !missing.is_empty() {
        return Err(error::invalid_parameter(format!("Invalid attributes given, {} is missing", missing.join(", "))));
    }
    super::users::claim_aliases(pool, &mut values, Some(&session.progress.username), false)?;
    let user = pool.users.get_mut(&session.progress.username).expect("found");
    user.attributes = values;
    user.password = Some(password::hash(new_password));
    user.status = crate::model::UserStatus::Confirmed;
    user.temporary_password_expires = None;
    user.modified = now;
    Ok(())
}

fn code_mismatch() -> error::CognitoError {
    error::code_mismatch("Invalid code received for user")
}

fn mfa_code(ctx: &Ctx, session: &Session, given: Option<&String>) -> Result<()> {
    let given = given.ok_or_else(|| missing("CODE"))?;
    let issued = session.code.as_ref().ok_or_else(invalid_session)?;
    if issued.expires <= ctx.now {
        // Undocumented message: an assumption.
        return Err(error::expired_code("Invalid code or auth state for the user."));
    }
    if aws_lc_rs::constant_time::verify_slices_are_equal(issued.code.as_bytes(), given.as_bytes()).is_err() {
        return Err(code_mismatch());
    }
    Ok(())
}

fn software_token_code(ctx: &Ctx, session: &Session, given: Option<&String>) -> Result<()> {
    let given = given.ok_or_else(|| missing("SOFTWARE_TOKEN_MFA_CODE"))?;
    let user = pool(ctx.state, &session.progress.pool_id)?
        .users
        .get(&session.progress.username)
        .ok_or_else(invalid_session)?;
    let secret = user.mfa.software_token_secret.as_deref().ok_or_else(invalid_session)?;
    if !auth::totp_matches(secret, given, ctx.now) {
        return Err(code_mismatch());
    }
    Ok(())
}

fn device_srp_auth(ctx: &mut Ctx, session: Session, responses: &HashMap<String, String>) -> Result<Value> {
    let big_a = responses.get("SRP_A").ok_or_else(|| missing("SRP_A"))?.clone();
    let device_key = responses.get("DEVICE_KEY").ok_or_else(|| missing("DEVICE_KEY"))?;
    if session.progress.device_key.as_ref() != Some(device_key) {
        return Err(invalid_session());
    }
    let user = pool(ctx.state, &session.progress.pool_id)?
        .users
        .get(&session.progress.username)
        .ok_or_else(invalid_session)?;
    let device = user.devices.get(device_key).ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let verifier = device.verifier.clone().ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let (b, big_b) = srp::server_ephemeral(&verifier.password_verifier)
        .ok_or_else(|| error::internal_error("The device's stored verifier is unreadable."))?;
    let secret_block = base64::engine::general_purpose::STANDARD.encode(random::bytes::<64>());
    let parameters = Map::from_iter([
        ("USERNAME".to_owned(), json!(user.username)),
        ("DEVICE_KEY".to_owned(), json!(device_key)),
        ("SRP_B".to_owned(), json!(big_b)),
        ("SALT".to_owned(), json!(srp::salt_hex(&verifier.salt).unwrap_or_default())),
        ("SECRET_BLOCK".to_owned(), json!(secret_block)),
    ]);
    let next = Session {
        challenge: Challenge::DevicePasswordVerifier,
        srp: Some(SrpState { b, big_b, big_a, secret_block }),
        ..session
    };
    auth::issue_session(ctx, next, parameters)
}

fn device_password_verifier(ctx: &mut Ctx, session: &Session, responses: &HashMap<String, String>) -> Result<()> {
    let get = |name: &str| responses.get(name).map(String::as_str).ok_or_else(|| missing(name));
    let (signature, block, timestamp, device_key) =
        (get("PASSWORD_CLAIM_SIGNATURE")?, get("PASSWORD_CLAIM_SECRET_BLOCK")?, get("TIMESTAMP")?, get("DEVICE_KEY")?);
    let state = session.srp.as_ref().ok_or_else(invalid_session)?;
    if session.progress.device_key.as_deref() != Some(device_key) || block != state.secret_block {
        return Err(invalid_session());
    }
    let now = ctx.now;
    let user = pool_mut(ctx.state, &session.progress.pool_id)?
        .users
        .get_mut(&session.progress.username)
        .ok_or_else(invalid_session)?;
    let device = user.devices.get_mut(device_key).ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let verifier = device.verifier.clone().ok_or_else(|| error::resource_not_found("Device does not exist."))?;
    let expected = srp::expected_signature(&srp::Claim {
        verifier_base64: &verifier.password_verifier,
        b_hex: &state.b,
        big_b_hex: &state.big_b,
        big_a_hex: &state.big_a,
        device_group_key: &device.group_key,
        device_key,
        secret_block_base64: block,
        timestamp,
    });
    if expected.as_deref() != Some(signature) {
        return Err(error::not_authorized("Incorrect username or password."));
    }
    device.last_authenticated = now;
    Ok(())
}
