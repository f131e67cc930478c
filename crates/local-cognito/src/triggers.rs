//! The pool's Lambda triggers. Locally a trigger is an `http://` URL in the
//! pool's LambdaConfig: the emulator POSTs Cognito's event and reads back the
//! event with its response, or Lambda's error (`{"errorMessage": ...}`, not 2xx).
//! Other values (ARNs) are kept but cannot be called here.
//!
//! Triggers run outside the state lock: a post confirmation trigger calls back
//! into the pool (AdminAddUserToGroup). User migration and custom messages have
//! modules of their own (`migration`, `custom_message`) on this one.

use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::emulator::Emulator;
use crate::error::{self, Result};
use crate::model::Pool;
use crate::tokens;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    PreSignUp,
    PostConfirmation,
    PreTokenGeneration,
    UserMigration,
    CustomMessage,
}

impl Trigger {
    fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::UserMigration => "UserMigration",
            Trigger::CustomMessage => "CustomMessage",
        }
    }
}

/// The URL of the pool's `trigger`, when it is one the emulator can call.
pub fn url(pool: &Pool, trigger: Trigger) -> Option<String> {
    let value = pool.settings.lambda_config.as_ref()?.get(trigger.name())?.as_str()?;
    (value.starts_with("http://") || value.starts_with("https://")).then(|| value.to_owned())
}

/// A trigger's event as Cognito sends it: the common header, `request`, and
/// `response` with the trigger's defaults.
pub fn event(pool_id: &str, client_id: Option<&str>, username: &str, source: &str, request: Value) -> Value {
    let response = if source.starts_with("PreSignUp_") {
        json!({"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false})
    } else if source.starts_with("TokenGeneration_") {
        json!({"claimsOverrideDetails": null})
    } else if source.starts_with("UserMigration_") {
        json!({"userAttributes": null, "finalUserStatus": null, "messageAction": null, "desiredDeliveryMediums": null, "forceAliasCreation": null, "enableSMSMFA": null})
    } else if source.starts_with("CustomMessage_") {
        json!({"smsMessage": null, "emailMessage": null, "emailSubject": null})
    } else {
        json!({})
    };
    json!({
        "version": "1",
        "region": pool_id.split_once('_').map_or(pool_id, |(region, _)| region),
        "userPoolId": pool_id,
        "userName": username,
        "triggerSource": source,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id.unwrap_or("CLIENT_ID_NOT_APPLICABLE")},
        "request": request,
        "response": response,
    })
}

/// User attributes as a trigger sees them: strings, with `sub` and the status.
pub fn user_attributes(user: &crate::model::User) -> Value {
    let mut attributes: Map<String, Value> =
        user.attributes.iter().map(|(name, value)| (name.clone(), Value::String(value.clone()))).collect();
    attributes.insert("sub".into(), Value::String(user.sub.clone()));
    attributes.insert("cognito:user_status".into(), serde_json::to_value(user.status).unwrap_or_default());
    Value::Object(attributes)
}

/// Calls the trigger; answers the `response` member Cognito reads.
pub async fn invoke(trigger: Trigger, url: &str, event: Value) -> Result<Value> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    // Cognito waits 5 s for a trigger.
    let client = CLIENT.get_or_init(|| reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap());
    let unreachable = || {
        error::unexpected_lambda(format!("{} invocation failed: the function at {url} did not answer.", trigger.name()))
    };
    let answer = client.post(url).json(&event).send().await.map_err(|_| unreachable())?;
    let succeeded = answer.status().is_success();
    let body: Value = answer
        .json()
        .await
        .map_err(|_| error::invalid_lambda_response(format!("Invalid {} response: not JSON", trigger.name())))?;
    if !succeeded {
        let message = body["errorMessage"].as_str().unwrap_or("Unhandled");
        return Err(error::user_lambda_validation(format!("{} failed with error {message}.", trigger.name())));
    }
    Ok(body.get("response").cloned().unwrap_or(Value::Null))
}

/// Runs `trigger` for the event `prepare` builds from the state, if the pool has one.
pub async fn run(
    emulator: &Emulator,
    trigger: Trigger,
    prepare: impl FnOnce(&crate::model::State) -> Option<(String, Value)>,
) -> Result<Option<Value>> {
    let Some((url, event)) = emulator.read(prepare) else {
        return Ok(None);
    };
    invoke(trigger, &url, event).await.map(Some)
}

pub(crate) fn text<'a>(input: &'a Value, member: &str) -> &'a str {
    input[member].as_str().unwrap_or_default()
}

/// The pool an operation's input names, by its app client or its id.
pub(crate) fn pool_named<'a>(state: &'a crate::model::State, input: &Value) -> Option<&'a Pool> {
    match input["ClientId"].as_str() {
        Some(client) => crate::lookups::pool_of_client(state, client).ok(),
        None => state.pools.get(text(input, "UserPoolId")),
    }
}

/// `[{Name, Value}]` as a trigger's `{name: value}`.
pub(crate) fn name_value_map(list: &Value) -> Value {
    let map: Map<String, Value> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a["Name"].as_str()?.to_owned(), a["Value"].clone())))
        .collect();
    Value::Object(map)
}

/// Before an operation: pre sign-up. Answers its response for the operation.
pub async fn before(emulator: &Emulator, operation: &str, input: &Value) -> Result<Option<Value>> {
    let source = match operation {
        "SignUp" => "PreSignUp_SignUp",
        // A re-sent invitation is no new sign-up.
        "AdminCreateUser" if input["MessageAction"] != "RESEND" => "PreSignUp_AdminCreateUser",
        _ => return Ok(None),
    };
    run(emulator, Trigger::PreSignUp, |state| {
        let client_id = input["ClientId"].as_str();
        let pool = pool_named(state, input)?;
        let url = url(pool, Trigger::PreSignUp)?;
        let request = json!({
            "userAttributes": name_value_map(&input["UserAttributes"]),
            "validationData": name_value_map(&input["ValidationData"]),
            "clientMetadata": input.get("ClientMetadata").cloned().unwrap_or(json!({})),
        });
        Some((url, event(&pool.id, client_id, text(input, "Username"), source, request)))
    })
    .await
}

/// The post confirmation trigger source of an operation that confirms, if it is one.
pub fn confirmation_source(operation: &str) -> Option<&'static str> {
    match operation {
        "ConfirmSignUp" | "AdminConfirmSignUp" => Some("PostConfirmation_ConfirmSignUp"),
        "ConfirmForgotPassword" => Some("PostConfirmation_ConfirmForgotPassword"),
        _ => None,
    }
}

/// After a confirming operation succeeded: post confirmation. A failing trigger
/// fails the call, yet the user stays confirmed, as in Cognito.
pub async fn after(emulator: &Emulator, source: &str, input: &Value) -> Result<()> {
    run(emulator, Trigger::PostConfirmation, |state| {
        let client_id = input["ClientId"].as_str();
        let pool = pool_named(state, input)?;
        let url = url(pool, Trigger::PostConfirmation)?;
        let user = pool.user(text(input, "Username")).ok()?;
        let request = json!({
            "userAttributes": user_attributes(user),
            "clientMetadata": input.get("ClientMetadata").cloned().unwrap_or(json!({})),
        });
        Some((url, event(&pool.id, client_id, &user.username, source, request)))
    })
    .await
    .map(drop)
}

/// Claims a pre token generation trigger may not change.
const PROTECTED_CLAIMS: &[&str] = &[
    "acr",
    "amr",
    "aud",
    "at_hash",
    "auth_time",
    "azp",
    "cognito:username",
    "exp",
    "iat",
    "identities",
    "iss",
    "jti",
    "nbf",
    "nonce",
    "origin_jti",
    "sub",
    "token_use",
];

/// Before an ID token is signed: pre token generation (version 1), applied to its claims.
pub async fn pre_token_generation(emulator: &Emulator, operation: &str, claims: &mut Value) -> Result<()> {
    let source = match operation {
        "GetTokensFromRefreshToken" => "TokenGeneration_RefreshTokens",
        _ => "TokenGeneration_Authentication",
    };
    let pool_id = text(claims, "iss").rsplit('/').next().unwrap_or_default().to_owned();
    let username = text(claims, "cognito:username").to_owned();
    let answer = run(emulator, Trigger::PreTokenGeneration, |state| {
        let pool = state.pools.get(&pool_id)?;
        let url = url(pool, Trigger::PreTokenGeneration)?;
        let user = pool.user(&username).ok()?;
        let groups = tokens::group_claims(pool, user);
        let request = json!({
            "userAttributes": user_attributes(user),
            "groupConfiguration": {
                "groupsToOverride": groups.groups,
                "iamRolesToOverride": groups.roles,
                "preferredRole": groups.preferred_role,
            },
            "clientMetadata": {},
        });
        let client_id = claims["aud"].as_str();
        Some((url, event(&pool.id, client_id, &user.username, source, request)))
    })
    .await?;
    let Some(details) = answer.as_ref().map(|a| &a["claimsOverrideDetails"]).filter(|d| d.is_object()) else {
        return Ok(());
    };
    let claims = claims.as_object_mut().expect("claims are an object");
    let changeable = |name: &String| !PROTECTED_CLAIMS.contains(&name.as_str());
    for (name, value) in details["claimsToAddOrOverride"].as_object().into_iter().flatten() {
        if changeable(name) {
            claims.insert(name.clone(), value.clone());
        }
    }
    for name in details["claimsToSuppress"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if changeable(&name.to_owned()) {
            claims.remove(name);
        }
    }
    if let Some(groups) = details["groupOverrideDetails"]["groupsToOverride"].as_array() {
        if groups.is_empty() {
            claims.remove("cognito:groups");
        } else {
            claims.insert("cognito:groups".into(), Value::Array(groups.clone()));
        }
    }
    if let Some(roles) = details["groupOverrideDetails"]["iamRolesToOverride"].as_array() {
        if roles.is_empty() {
            claims.remove("cognito:roles");
        } else {
            claims.insert("cognito:roles".into(), Value::Array(roles.clone()));
        }
    }
    if let Some(role) = details["groupOverrideDetails"].get("preferredRole").filter(|role| !role.is_null()) {
        claims.insert("cognito:preferred_role".into(), role.clone());
    }
    Ok(())
}
