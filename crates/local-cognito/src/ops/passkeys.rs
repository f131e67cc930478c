//! A user's passkeys, with their own access token: StartWebAuthnRegistration,
//! CompleteWebAuthnRegistration, ListWebAuthnCredentials, DeleteWebAuthnCredential
//! (API reference). The checks themselves are the engine's (`auth::passkey`).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{complete_registration, describe_passkey, start_registration};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, required};
use crate::tokens;
use crate::wire::input;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TokenOnly {
    access_token: String,
}

pub fn start_web_authn_registration(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let TokenOnly { access_token } = input(input_value)?;
    let caller = tokens::authenticate(ctx, &access_token)?;
    let options = start_registration(ctx, &caller.pool_id, &caller.client_id, &caller.username)?;
    Ok(json!({"CredentialCreationOptions": options}))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CompleteInput {
    access_token: String,
    #[serde(default)]
    credential: Option<Value>,
}

pub fn complete_web_authn_registration(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: CompleteInput = input(input_value)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let credential = request.credential.ok_or_else(|| {
        error::invalid_parameter(
            "1 validation error detected: Value null at 'credential' failed to satisfy constraint: Member must not be null",
        )
    })?;
    // A string holding the JSON is taken too (clients that stringify it).
    let credential = match credential {
        Value::String(text) => serde_json::from_str(&text)
            .map_err(|_| error::invalid_parameter("The Credential is not a RegistrationResponseJSON."))?,
        other => other,
    };
    complete_registration(ctx, &caller.pool_id, &caller.client_id, &caller.username, &credential)
}

pub fn list_web_authn_credentials(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        access_token: String,
        #[serde(default)]
        next_token: Option<String>,
        #[serde(default)]
        max_results: Option<i64>,
    }
    let request: Input = input(input_value)?;
    // ListWebAuthnCredentials' model: MaxResults 1 to 20.
    let limit = request.max_results.unwrap_or(20);
    crate::validation::within("maxResults", limit, 1, 20)?;
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let user = &pool(ctx.state, &caller.pool_id)?.users[&caller.username];
    let described: Vec<Value> = user.passkeys.iter().map(describe_passkey).collect();
    let (page, next) = crate::paging::page(described, request.next_token.as_deref(), limit as usize)?;
    let mut output = json!({"Credentials": page});
    if let Some(next) = next {
        output["NextToken"] = json!(next);
    }
    Ok(output)
}

pub fn delete_web_authn_credential(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        access_token: String,
        #[serde(default)]
        credential_id: Option<String>,
    }
    let request: Input = input(input_value)?;
    let credential_id = required(&request.credential_id, "credentialId")?.to_owned();
    let caller = tokens::authenticate(ctx, &request.access_token)?;
    let user = pool_mut(ctx.state, &caller.pool_id)?
        .users
        .get_mut(&caller.username)
        .ok_or_else(crate::lookups::user_not_found)?;
    let before = user.passkeys.len();
    user.passkeys.retain(|passkey| passkey.credential_id != credential_id);
    if user.passkeys.len() == before {
        // The exception is DeleteWebAuthnCredential's; the message is an assumption.
        return Err(error::resource_not_found("The passkey does not exist."));
    }
    Ok(json!({}))
}
