//! The user migration trigger (developer guide, "Migrate user Lambda trigger" and
//! "Importing users with a user migration Lambda trigger"). When a sign-in with a
//! password (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH; never SRP) or a
//! ForgotPassword names a user the pool does not have, Cognito asks the trigger;
//! on success it creates the user from the answer and the operation goes on as
//! if the user had been there. The trigger's refusal fails the call
//! (`UserMigration failed with error ...`), and no user is made.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::emulator::Emulator;
use crate::error::{self, Result};
use crate::lookups::pool_mut;
use crate::model::{Message, User, UserStatus};
use crate::triggers::{event, invoke, name_value_map, pool_named, text, url, Trigger};
use crate::{aliases, attributes, client_secret, ops, password};

/// A user the trigger vouched for, to create before the operation runs.
pub struct Migrated {
    pool_id: String,
    username: String,
    /// What the user typed at sign-in; none in the forgot-password flow.
    password: Option<String>,
    response: Value,
}

/// The trigger source of an operation that may migrate, with the username and
/// password it names, or None.
fn source<'a>(operation: &str, input: &'a Value) -> Option<(&'static str, &'a str, Option<&'a str>)> {
    let parameters = &input["AuthParameters"];
    match (operation, text(input, "AuthFlow")) {
        ("InitiateAuth", "USER_PASSWORD_AUTH")
        | ("AdminInitiateAuth", "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH") => {
            let password = parameters["PASSWORD"].as_str().filter(|p| !p.is_empty())?;
            Some(("UserMigration_Authentication", parameters["USERNAME"].as_str()?, Some(password)))
        }
        ("ForgotPassword", _) => Some(("UserMigration_ForgotPassword", input["Username"].as_str()?, None)),
        _ => None,
    }
    .filter(|(_, username, _)| !username.is_empty())
}

/// Before an operation: the trigger, when the operation would meet an unknown
/// user with everything else in order (client, flow, secret hash).
pub async fn before(emulator: &Emulator, operation: &str, input: &Value) -> Result<Option<Migrated>> {
    let Some((source, username, typed)) = source(operation, input) else { return Ok(None) };
    let prepared = emulator.read(|state| {
        let pool = pool_named(state, input)?;
        if operation == "AdminInitiateAuth" && text(input, "UserPoolId") != pool.id {
            return None;
        }
        let url = url(pool, Trigger::UserMigration)?;
        let client_id = text(input, "ClientId");
        let client = pool.client(client_id).ok()?;
        let secret_hash = match operation {
            "ForgotPassword" => input["SecretHash"].as_str(),
            _ => input["AuthParameters"]["SECRET_HASH"].as_str(),
        };
        client_secret::check_secret_hash(client, username, secret_hash).ok()?;
        if operation != "ForgotPassword" {
            ops::check_flow(client, text(input, "AuthFlow"), operation == "AdminInitiateAuth").ok()?;
        }
        if pool.user_key(username).is_some() {
            return None;
        }
        let metadata = input.get("ClientMetadata").cloned().unwrap_or(json!({}));
        // The guide: sign-in's ClientMetadata reaches the trigger as validationData,
        // ForgotPassword's as clientMetadata.
        let mut request = match typed {
            Some(password) => json!({"password": password, "validationData": metadata, "clientMetadata": {}}),
            None => json!({"validationData": {}, "clientMetadata": metadata}),
        };
        if let Some(validation) = input.get("ValidationData") {
            request["validationData"] = name_value_map(validation);
        }
        Some((pool.id.clone(), url, event(&pool.id, Some(client_id), username, source, request)))
    });
    let Some((pool_id, url, event)) = prepared else { return Ok(None) };
    let response = invoke(Trigger::UserMigration, &url, event).await?;
    Ok(Some(Migrated { pool_id, username: username.to_owned(), password: typed.map(str::to_owned), response }))
}

fn invalid(why: &str) -> error::CognitoError {
    error::invalid_lambda_response(format!("Invalid UserMigration response: {why}"))
}

/// Inside the operation's lock, before it runs: the migrated user joins the pool,
/// with the password they typed, and the welcome message unless suppressed.
pub fn create(ctx: &mut Ctx, migrated: Migrated) -> Result<()> {
    let Migrated { pool_id, username, password, response } = migrated;
    let now = ctx.now;
    let pool = pool_mut(ctx.state, &pool_id)?;
    if pool.user_key(&username).is_some() {
        return Ok(()); // another call migrated them meanwhile
    }
    let given = response["userAttributes"]
        .as_object()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| invalid("userAttributes is required"))?;
    let inputs: Vec<attributes::AttributeInput> = given
        .iter()
        .map(|(name, value)| attributes::AttributeInput {
            name: name.clone(),
            value: value.as_str().map(str::to_owned),
        })
        .collect();
    attributes::check(pool, &inputs, attributes::Write::Create)?;
    let mut values = BTreeMap::new();
    attributes::apply(&mut values, &inputs);
    // "RESET_REQUIRED, or not set" at sign-in; the forgot-password flow always resets.
    let status = match (&password, response["finalUserStatus"].as_str()) {
        (None, _) | (Some(_), Some("RESET_REQUIRED")) => UserStatus::ResetRequired,
        (Some(_), None | Some("CONFIRMED")) => UserStatus::Confirmed,
        (Some(_), Some(_)) => return Err(invalid("finalUserStatus must be CONFIRMED or RESET_REQUIRED")),
    };
    let action = response["messageAction"].as_str();
    if action.is_some_and(|a| a != "SUPPRESS" && a != "RESEND") {
        return Err(invalid("messageAction must be SUPPRESS or RESEND"));
    }
    let sub = uuid::Uuid::new_v4().to_string();
    let username = aliases::sign_in_name(pool, &username, &mut values, &sub)?;
    aliases::claim(pool, &mut values, None, response["forceAliasCreation"] == true)?;
    let hash = password::hash_for(&pool_id, &username, password.as_deref().unwrap_or_default());
    let mut user = User::new(username.clone(), sub, values, status, hash, now);
    if password.is_none() {
        user.password = None;
    }
    user.mfa.sms_enabled = response["enableSMSMFA"] == true && user.attributes.contains_key("phone_number");
    pool.users.insert(pool.canonical(&username), user.clone());
    if action != Some("SUPPRESS") {
        welcome(ctx, &pool_id, &user, &response["desiredDeliveryMediums"]);
    }
    Ok(())
}

/// "The welcome message usually sent by Amazon Cognito to new users", by SMS unless
/// the answer asks for EMAIL. Cognito documents neither its text nor its code: here
/// it is a message of kind `welcome` with no code (an assumption).
fn welcome(ctx: &mut Ctx, pool_id: &str, user: &User, mediums: &Value) {
    let mediums: Vec<&str> =
        mediums.as_array().map_or_else(|| vec!["SMS"], |m| m.iter().filter_map(Value::as_str).collect());
    for medium in mediums {
        let attribute = if medium == "EMAIL" { "email" } else { "phone_number" };
        let Some(destination) = user.attributes.get(attribute) else { continue };
        ctx.send(Message {
            user_pool_id: pool_id.to_owned(),
            username: user.username.clone(),
            destination: destination.clone(),
            delivery_medium: medium.to_owned(),
            kind: "welcome".into(),
            at: ctx.now,
            ..Message::default()
        });
    }
}
