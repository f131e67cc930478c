//! NEW_PASSWORD_REQUIRED: the challenge's parameters, and its answer (a new
//! password and the required attributes the user still lacks).

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::session::invalid_session;
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool_mut};
use crate::model::{Pool, Session, User, UserStatus};
use crate::{aliases, attributes, password};

/// As Cognito sends them: JSON strings; required attributes the user lacks, prefixed.
pub fn new_password_parameters(pool: &Pool, user: &User) -> Map<String, Value> {
    let required: Vec<String> = pool
        .required_attributes()
        .into_iter()
        .filter(|name| !user.attributes.contains_key(name))
        .map(|name| format!("userAttributes.{name}"))
        .collect();
    Map::from_iter([
        ("USER_ID_FOR_SRP".to_owned(), json!(user.username)),
        ("requiredAttributes".to_owned(), json!(serde_json::to_string(&required).expect("a list"))),
        ("userAttributes".to_owned(), json!(serde_json::to_string(&user.attributes).expect("a map"))),
    ])
}

pub fn new_password(ctx: &mut Ctx, session: &Session, responses: &HashMap<String, String>) -> Result<()> {
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
    aliases::claim(pool, &mut values, Some(&session.progress.username), false)?;
    let user = pool.users.get_mut(&session.progress.username).expect("found");
    user.attributes = values;
    user.password = Some(password::hash_for(&session.progress.pool_id, &user.username, new_password));
    user.status = UserStatus::Confirmed;
    user.temporary_password_expires = None;
    user.modified = now;
    Ok(())
}
