//! Groups and membership.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut};
use crate::model::{Group, Pool};
use crate::wire::input;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupInput {
    user_pool_id: String,
    group_name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    precedence: Option<i64>,
    #[serde(default)]
    role_arn: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Membership {
    user_pool_id: String,
    username: String,
    group_name: String,
}

pub fn create_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let group: GroupInput = input(input_value)?;
    let pool = pool_mut(ctx.state, &group.user_pool_id)?;
    if pool.groups.contains_key(&group.group_name) {
        return Err(error::group_exists("A group with the name already exists."));
    }
    let created = Group {
        name: group.group_name.clone(),
        description: group.description,
        precedence: group.precedence,
        role_arn: group.role_arn,
        created: ctx.now,
    };
    let described = describe(&pool.id, &created);
    pool.groups.insert(group.group_name, created);
    Ok(json!({"Group": described}))
}

pub fn get_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let GroupName { user_pool_id, group_name } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    Ok(json!({"Group": describe(&pool.id, group(pool, &group_name)?)}))
}

pub fn list_groups(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
    }
    let Input { user_pool_id } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    Ok(json!({"Groups": pool.groups.values().map(|g| describe(&pool.id, g)).collect::<Vec<_>>()}))
}

fn group<'a>(pool: &'a Pool, name: &str) -> Result<&'a Group> {
    pool.groups.get(name).ok_or_else(|| error::resource_not_found("Group not found."))
}

fn describe(pool_id: &str, group: &Group) -> Value {
    let mut described = json!({
        "GroupName": group.name,
        "UserPoolId": pool_id,
        "CreationDate": group.created,
        "LastModifiedDate": group.created,
    });
    for (key, value) in [
        ("Description", group.description.clone().map(Value::from)),
        ("Precedence", group.precedence.map(Value::from)),
        ("RoleArn", group.role_arn.clone().map(Value::from)),
    ] {
        if let Some(value) = value {
            described[key] = value;
        }
    }
    described
}

pub fn admin_add_user_to_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let membership: Membership = input(input_value)?;
    let pool = pool_mut(ctx.state, &membership.user_pool_id)?;
    group(pool, &membership.group_name)?;
    pool.user_mut(&membership.username)?.groups.insert(membership.group_name);
    Ok(json!({}))
}

pub fn admin_remove_user_from_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let membership: Membership = input(input_value)?;
    let pool = pool_mut(ctx.state, &membership.user_pool_id)?;
    group(pool, &membership.group_name)?;
    pool.user_mut(&membership.username)?.groups.remove(&membership.group_name);
    Ok(json!({}))
}

pub fn admin_list_groups_for_user(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
        username: String,
    }
    let Input { user_pool_id, username } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    let user = pool.user(&username)?;
    let groups: Vec<Value> =
        user.groups.iter().filter_map(|name| pool.groups.get(name)).map(|g| describe(&pool.id, g)).collect();
    Ok(json!({"Groups": groups}))
}

pub fn list_users_in_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let GroupName { user_pool_id, group_name } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    group(pool, &group_name)?;
    let users: Vec<Value> =
        pool.users.values().filter(|u| u.groups.contains(&group_name)).map(super::users::summary).collect();
    Ok(json!({"Users": users}))
}

/// The input of the operations that name one group of one pool.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupName {
    user_pool_id: String,
    group_name: String,
}
