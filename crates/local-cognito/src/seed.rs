//! `POST /_local/pools`: a pool, app client and groups as `pool.json`
//! declares them (the deployed pool's twin), and optionally a confirmed
//! administrator. Built through the emulator's own operations.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::ctx::Ctx;
use crate::error::Result;
use crate::ops;

/// The pool `template.yaml` deploys; an agreement test keeps the two alike.
pub const POOL_DEFINITION: &str = include_str!("../pool.json");

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SeedOptions {
    pub client_secret: bool,
    pub explicit_auth_flows: Option<Vec<String>>,
    pub allow_sign_up: bool,
    pub admin: Option<Admin>,
    /// Overrides of CreateUserPool's input, merged over `pool.json`'s (MfaConfiguration, DeviceConfiguration, ...).
    pub pool: Option<Value>,
    /// Overrides of CreateUserPoolClient's input (AuthSessionValidity, RefreshTokenRotation, ...).
    pub client: Option<Value>,
    /// SetUserPoolMfaConfig's input, for pools with MFA.
    pub mfa: Option<Value>,
    /// Groups besides `pool.json`'s (the post confirmation trigger's default group, say).
    pub groups: Vec<String>,
    /// The deployed pool's web ACL (web_acl.rs): only requests with this caller key
    /// reach the pool's public operations.
    pub caller_key: Option<String>,
    /// Choice-based sign-in (`PASSWORDLESS=1 make dev`): the first factors PASSWORD,
    /// EMAIL_OTP, SMS_OTP and WEB_AUTHN, passkeys for the relying party `localhost`,
    /// and ALLOW_USER_AUTH on both clients (ConfirmSignUp's Session belongs to the
    /// sign-up client). `pool` and `client` still override.
    pub passwordless: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Admin {
    pub username: String,
    pub password: String,
    pub email: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolIds {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The client self sign-up goes through: it may write the email, and signs no one in.
    pub sign_up_client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_up_client_secret: Option<String>,
}

pub fn create_pool(ctx: &mut Ctx, options: &SeedOptions) -> Result<PoolIds> {
    let definition: Value = serde_json::from_str(POOL_DEFINITION).expect("pool.json is valid JSON");
    let mut pool = definition["pool"].clone();
    if options.allow_sign_up {
        pool["AdminCreateUserConfig"] = json!({"AllowAdminCreateUserOnly": false});
    }
    if options.passwordless {
        pool["Policies"]["SignInPolicy"] = json!({"AllowedFirstAuthFactors": PASSWORDLESS_FACTORS});
    }
    merge(&mut pool, options.pool.as_ref());
    let created = ops::call(ctx, "CreateUserPool", pool)?;
    let pool_id = created["UserPool"]["Id"].as_str().expect("pool id").to_owned();
    if options.passwordless {
        let web_authn = json!({"RelyingPartyId": "localhost", "UserVerification": "preferred"});
        ops::call(ctx, "SetUserPoolMfaConfig", json!({"UserPoolId": pool_id, "WebAuthnConfiguration": web_authn}))?;
    }
    if let Some(mfa) = &options.mfa {
        let mut mfa = mfa.clone();
        mfa["UserPoolId"] = json!(pool_id);
        ops::call(ctx, "SetUserPoolMfaConfig", mfa)?;
    }

    let mut client = definition["client"].clone();
    client["UserPoolId"] = json!(pool_id);
    client["GenerateSecret"] = json!(options.client_secret);
    if let Some(flows) = &options.explicit_auth_flows {
        client["ExplicitAuthFlows"] = json!(flows);
    }
    if options.passwordless {
        allow_user_auth(&mut client);
    }
    merge(&mut client, options.client.as_ref());
    let client = ops::call(ctx, "CreateUserPoolClient", client)?;
    let client = &client["UserPoolClient"];
    // A secret like the main client's (the deployed one always has one).
    let mut sign_up_client = definition["signUpClient"].clone();
    sign_up_client["UserPoolId"] = json!(pool_id);
    sign_up_client["GenerateSecret"] = json!(options.client_secret);
    if options.passwordless {
        allow_user_auth(&mut sign_up_client);
    }
    let sign_up_client = ops::call(ctx, "CreateUserPoolClient", sign_up_client)?;
    let sign_up_client = &sign_up_client["UserPoolClient"];

    let mut groups = definition["groups"].as_array().cloned().unwrap_or_default();
    groups.extend(options.groups.iter().map(|name| json!({"GroupName": name})));
    for group in &groups {
        let mut group = group.clone();
        group["UserPoolId"] = json!(pool_id);
        ops::call(ctx, "CreateGroup", group)?;
    }
    if let Some(admin) = &options.admin {
        let user = |extra: Value| {
            let mut input = json!({"UserPoolId": pool_id, "Username": admin.username});
            merge(&mut input, Some(&extra));
            input
        };
        ops::call(
            ctx,
            "AdminCreateUser",
            user(json!({
                "MessageAction": "SUPPRESS",
                "UserAttributes": [{"Name": "email", "Value": admin.email}, {"Name": "email_verified", "Value": "true"}],
            })),
        )?;
        ops::call(ctx, "AdminSetUserPassword", user(json!({"Password": admin.password, "Permanent": true})))?;
        if let Some(group) = groups.first() {
            ops::call(ctx, "AdminAddUserToGroup", user(json!({"GroupName": group["GroupName"]})))?;
        }
    }
    if let Some(caller_key) = &options.caller_key {
        let pool = ctx.state.pools.get_mut(&pool_id).expect("the pool was just created");
        pool.web_acl = Some(crate::model::WebAcl { caller_key: caller_key.clone() });
    }
    Ok(PoolIds {
        region: ctx.env.region.clone(),
        user_pool_id: pool_id,
        client_id: client["ClientId"].as_str().expect("client id").to_owned(),
        client_secret: client["ClientSecret"].as_str().map(str::to_owned),
        sign_up_client_id: sign_up_client["ClientId"].as_str().expect("client id").to_owned(),
        sign_up_client_secret: sign_up_client["ClientSecret"].as_str().map(str::to_owned),
    })
}

/// Top-level keys of `overrides` replace those of `base`.
/// The first factors `passwordless` turns on.
const PASSWORDLESS_FACTORS: [&str; 4] = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];

fn allow_user_auth(client: &mut Value) {
    let flows = client["ExplicitAuthFlows"].as_array_mut();
    match flows {
        Some(flows) if !flows.iter().any(|f| f == "ALLOW_USER_AUTH") => flows.push(json!("ALLOW_USER_AUTH")),
        Some(_) => {}
        None => client["ExplicitAuthFlows"] = json!(["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]),
    }
}

fn merge(base: &mut Value, overrides: Option<&Value>) {
    if let (Some(base), Some(Value::Object(overrides))) = (base.as_object_mut(), overrides) {
        for (key, value) in overrides {
            base.insert(key.clone(), value.clone());
        }
    }
}
