//! Issuing tokens as Cognito issues them, and checking an access token the
//! way every token-authorized operation does (signature, expiry, revocation).

use serde_json::{json, Map, Value};

use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::keys::KeyUse;
use crate::lookups::{pool, user_not_found};
use crate::model::{ClientSettings, Pool, RefreshToken, User};
use crate::random;

/// Seconds each token (and a sign-in session) lives, from the client's settings.
pub struct Lifetimes {
    pub access: i64,
    pub id: i64,
    pub refresh: i64,
    pub session: i64,
}

impl Lifetimes {
    pub fn of(settings: &ClientSettings) -> Self {
        let units = settings.token_validity_units.clone().unwrap_or_default();
        // A value without a unit is in hours (access, ID) or days (refresh); no value is 60 minutes / 30 days.
        let seconds = |value: Option<i64>, unit: Option<String>, default_unit: i64, absent: i64| match value {
            None => absent,
            Some(value) => value * unit.as_deref().map(unit_seconds).unwrap_or(default_unit),
        };
        Self {
            access: seconds(settings.access_token_validity, units.access_token, 3_600, 3_600),
            id: seconds(settings.id_token_validity, units.id_token, 3_600, 3_600),
            refresh: seconds(settings.refresh_token_validity, units.refresh_token, 86_400, 30 * 86_400),
            session: settings.auth_session_validity.unwrap_or(3) * 60,
        }
    }
}

fn unit_seconds(unit: &str) -> i64 {
    match unit {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3_600,
        _ => 86_400,
    }
}

/// One sign-in's worth of identity: the user, the client, and the sign-in it
/// continues (`origin_jti`, `auth_time` survive refreshes).
pub struct Grant<'a> {
    pub pool_id: &'a str,
    pub client_id: &'a str,
    pub username: &'a str,
    pub origin_jti: String,
    pub auth_time: i64,
    pub device_key: Option<String>,
}

/// AuthenticationResult: access and ID tokens, and a refresh token when asked.
pub fn issue(ctx: &mut Ctx, grant: &Grant, with_refresh_token: bool) -> Result<Value> {
    let pool = pool(ctx.state, grant.pool_id)?;
    let client = pool.client(grant.client_id)?;
    let user = pool.user(grant.username)?;
    let lifetimes = Lifetimes::of(&client.settings);
    let issuer = format!("{}/{}", ctx.env.base_url, pool.id);
    let event_id = uuid::Uuid::new_v4().to_string();
    let groups = group_claims(pool, user);

    let mut access = json!({
        "sub": user.sub,
        "iss": issuer,
        "client_id": client.id,
        "origin_jti": grant.origin_jti,
        "event_id": event_id,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": grant.auth_time,
        "exp": ctx.now + lifetimes.access,
        "iat": ctx.now,
        "jti": uuid::Uuid::new_v4().to_string(),
        "username": user.username,
    });
    let mut id = json!({
        "sub": user.sub,
        "iss": issuer,
        "cognito:username": user.username,
        "origin_jti": grant.origin_jti,
        "aud": client.id,
        "event_id": event_id,
        "token_use": "id",
        "auth_time": grant.auth_time,
        "exp": ctx.now + lifetimes.id,
        "iat": ctx.now,
        "jti": uuid::Uuid::new_v4().to_string(),
    });
    if !groups.groups.is_empty() {
        access["cognito:groups"] = json!(groups.groups);
        id["cognito:groups"] = json!(groups.groups);
    }
    // Roles only in the ID token (developer guide, "Understanding the access token":
    // its claims name groups, not roles).
    if !groups.roles.is_empty() {
        id["cognito:roles"] = json!(groups.roles);
    }
    if let Some(role) = &groups.preferred_role {
        id["cognito:preferred_role"] = json!(role);
    }
    if let Some(device_key) = &grant.device_key {
        access["device_key"] = json!(device_key);
    }
    let id_claims = id.as_object_mut().expect("an object");
    for (name, value) in user.attributes.iter().filter(|(name, _)| client.can_read(name)) {
        id_claims.insert(name.clone(), claim_value(name, value));
    }

    let owner = pool.canonical(&user.username);
    let mut result = json!({
        "AccessToken": ctx.sign(KeyUse::Access, access),
        "IdToken": ctx.sign(KeyUse::Id, id),
        "ExpiresIn": lifetimes.access,
        "TokenType": "Bearer",
    });
    if with_refresh_token {
        let token = random::token(96);
        ctx.state.refresh_tokens.insert(
            token.clone(),
            RefreshToken {
                pool_id: grant.pool_id.to_owned(),
                client_id: grant.client_id.to_owned(),
                username: owner,
                origin_jti: grant.origin_jti.clone(),
                auth_time: grant.auth_time,
                expires: ctx.now + lifetimes.refresh,
                device_key: grant.device_key.clone(),
                superseded_at: None,
            },
        );
        result["RefreshToken"] = json!(token);
    }
    Ok(result)
}

/// The ID token carries the verified flags as booleans, as Cognito's do.
fn claim_value(name: &str, value: &str) -> Value {
    match name {
        "email_verified" | "phone_number_verified" => json!(value == "true"),
        _ => json!(value),
    }
}

/// Who an access token speaks for: checked as Cognito checks it on every
/// operation that takes one.
pub struct Caller {
    pub pool_id: String,
    pub client_id: String,
    pub username: String,
}

pub fn authenticate(ctx: &Ctx, access_token: &str) -> Result<Caller> {
    let invalid = || error::not_authorized("Invalid Access Token");
    let claims: Map<String, Value> = match ctx.env.keys.verify(access_token) {
        Some(Value::Object(claims)) => claims,
        _ => return Err(invalid()),
    };
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
    if text("token_use").as_deref() != Some("access") {
        return Err(invalid());
    }
    let issuer = text("iss").ok_or_else(invalid)?;
    let pool_id = issuer.strip_prefix(&format!("{}/", ctx.env.base_url)).ok_or_else(invalid)?.to_owned();
    if claims.get("exp").and_then(Value::as_i64).is_none_or(|exp| exp <= ctx.now) {
        return Err(error::not_authorized("Access Token has expired"));
    }
    let origin_jti = text("origin_jti").ok_or_else(invalid)?;
    // A deleted user's token (its sign-ins revoked with it) answers that the user is gone,
    // as Cognito's GetUser does (UserNotFoundException), not that the token was revoked.
    let pool: &Pool = ctx.state.pools.get(&pool_id).ok_or_else(invalid)?;
    let sub = text("sub").ok_or_else(invalid)?;
    let user = pool.users.values().find(|user| user.sub == sub).ok_or_else(user_not_found)?;
    if ctx.state.revoked_origins.contains(&origin_jti) {
        return Err(error::not_authorized("Access Token has been revoked"));
    }
    if !user.enabled {
        return Err(error::not_authorized("User is disabled."));
    }
    Ok(Caller { username: pool.canonical(&user.username), pool_id, client_id: text("client_id").ok_or_else(invalid)? })
}

/// Revokes every sign-in of a user: their refresh tokens and every access token issued from them.
pub fn revoke_all(ctx: &mut Ctx, pool_id: &str, username: &str) {
    let origins: Vec<String> = ctx
        .state
        .refresh_tokens
        .values()
        .filter(|token| token.pool_id == pool_id && token.username == username)
        .map(|token| token.origin_jti.clone())
        .collect();
    ctx.state.revoked_origins.extend(origins);
}

/// A user's groups as tokens carry them.
pub struct GroupClaims {
    /// `cognito:groups`: lowest Precedence first, groups without one last.
    pub groups: Vec<String>,
    /// `cognito:roles`: the RoleArn of each group that has one, in that order.
    pub roles: Vec<String>,
    /// `cognito:preferred_role`: the role of the group with the lowest Precedence.
    pub preferred_role: Option<String>,
}

/// CreateGroup, Precedence: "Groups with lower Precedence values take precedence over
/// groups with higher or null Precedence values ... it is the group with the lowest
/// precedence value whose role ARN is given in the user's tokens for the cognito:roles
/// and cognito:preferred_role claims. ... If the two groups have different role ARNs,
/// the cognito:preferred_role claim isn't set in users' tokens."
pub fn group_claims(pool: &Pool, user: &User) -> GroupClaims {
    let mut groups: Vec<(&String, Option<i64>, Option<&String>)> = user
        .groups
        .iter()
        .map(|name| {
            let group = pool.groups.get(name);
            (name, group.and_then(|g| g.precedence), group.and_then(|g| g.role_arn.as_ref()))
        })
        .collect();
    // Stable: groups of equal precedence keep their names' order.
    groups.sort_by_key(|(_, precedence, _)| (precedence.is_none(), *precedence));
    let mut roles: Vec<String> = Vec::new();
    for role in groups.iter().filter_map(|(_, _, role)| *role) {
        if !roles.contains(role) {
            roles.push(role.clone());
        }
    }
    let with_roles: Vec<_> = groups.iter().filter(|(_, _, role)| role.is_some()).collect();
    let preferred_role = with_roles.first().and_then(|(_, lowest, _)| {
        let tied: std::collections::BTreeSet<&String> = with_roles
            .iter()
            .filter(|(_, precedence, _)| precedence == lowest)
            .filter_map(|(_, _, role)| *role)
            .collect();
        (tied.len() == 1).then(|| tied.into_iter().next().expect("one").clone())
    });
    GroupClaims { groups: groups.into_iter().map(|(name, _, _)| name.clone()).collect(), roles, preferred_role }
}
