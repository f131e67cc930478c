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
        #[serde(flatten)]
        page: PageInput,
    }
    let Input { user_pool_id, page } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    page.answer("Groups", pool.groups.values().map(|g| describe(&pool.id, g)).collect())
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
        #[serde(flatten)]
        page: PageInput,
    }
    let Input { user_pool_id, username, page } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    let user = pool.user(&username)?;
    let groups: Vec<Value> =
        user.groups.iter().filter_map(|name| pool.groups.get(name)).map(|g| describe(&pool.id, g)).collect();
    page.answer("Groups", groups)
}

pub fn list_users_in_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
        group_name: String,
        #[serde(flatten)]
        page: PageInput,
    }
    let Input { user_pool_id, group_name, page } = input(input_value)?;
    let pool = pool(ctx.state, &user_pool_id)?;
    group(pool, &group_name)?;
    let users: Vec<Value> =
        pool.users.values().filter(|u| u.groups.contains(&group_name)).map(super::users::summary).collect();
    page.answer("Users", users)
}

/// Limit (0 to 60 in the group lists' models; 0 read as the default, an
/// assumption) and NextToken.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct PageInput {
    limit: Option<i64>,
    next_token: Option<String>,
}

impl PageInput {
    fn answer(self, name: &str, items: Vec<Value>) -> Result<Value> {
        let limit = self.limit.unwrap_or(60);
        crate::validation::within("limit", limit, 0, 60)?;
        let limit = if limit == 0 { 60 } else { limit as usize };
        let (items, next) = crate::paging::page(items, self.next_token.as_deref(), limit)?;
        let mut output = json!({ name: items });
        if let Some(next) = next {
            output["NextToken"] = json!(next);
        }
        Ok(output)
    }
}

/// The input of the operations that name one group of one pool.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupName {
    user_pool_id: String,
    group_name: String,
}

/// DeleteGroup: members leave the group (their tokens say so from their next sign-in).
pub fn delete_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let GroupName { user_pool_id, group_name } = input(input_value)?;
    let pool = pool_mut(ctx.state, &user_pool_id)?;
    group(pool, &group_name)?;
    pool.groups.remove(&group_name);
    for user in pool.users.values_mut() {
        user.groups.remove(&group_name);
    }
    Ok(json!({}))
}

/// UpdateGroup: only the members given change.
pub fn update_group(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let update: GroupInput = input(input_value)?;
    let pool = pool_mut(ctx.state, &update.user_pool_id)?;
    group(pool, &update.group_name)?;
    let pool_id = pool.id.clone();
    let group = pool.groups.get_mut(&update.group_name).expect("found");
    if update.description.is_some() {
        group.description = update.description;
    }
    if update.precedence.is_some() {
        group.precedence = update.precedence;
    }
    if update.role_arn.is_some() {
        group.role_arn = update.role_arn;
    }
    Ok(json!({"Group": describe(&pool_id, group)}))
}
