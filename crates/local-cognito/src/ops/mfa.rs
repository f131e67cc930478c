//! MFA: the pool's factors, TOTP set-up (with an access token, or with an
//! MFA_SETUP session during sign-in), and the user's preferences.

use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, take_session};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{pool, pool_mut, required};
use crate::model::{Challenge, PoolMfa, User};
use crate::random;
use crate::tokens;
use crate::wire::input;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Enabled {
    enabled: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoolMfaInput {
    user_pool_id: String,
    #[serde(default)]
    sms_mfa_configuration: Option<Value>,
    #[serde(default)]
    software_token_mfa_configuration: Option<Enabled>,
    #[serde(default)]
    email_mfa_configuration: Option<Value>,
    #[serde(default)]
    mfa_configuration: Option<String>,
    /// WebAuthnConfigurationType: the passkeys' relying party and user verification,
    /// "independent of the MFA configuration options in this operation".
    #[serde(default)]
    web_authn_configuration: Option<WebAuthnConfiguration>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WebAuthnConfiguration {
    #[serde(default)]
    relying_party_id: Option<String>,
    #[serde(default)]
    user_verification: Option<String>,
    #[serde(default)]
    factor_configuration: Option<String>,
}

pub fn set_user_pool_mfa_config(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: PoolMfaInput = input(input_value)?;
    if let Some(configuration) = &request.mfa_configuration {
        crate::validation::one_of("mfaConfiguration", configuration, &["OFF", "ON", "OPTIONAL"])?;
    }
    if let Some(web_authn) = &request.web_authn_configuration {
        use crate::validation::{max_length, one_of};
        if let Some(verification) = &web_authn.user_verification {
            one_of("webAuthnConfiguration.userVerification", verification, &["required", "preferred"])?;
        }
        if let Some(factors) = &web_authn.factor_configuration {
            let allowed = ["SINGLE_FACTOR_ONLY", "MULTI_FACTOR_WITH_USER_VERIFICATION"];
            one_of("webAuthnConfiguration.factorConfiguration", factors, &allowed)?;
        }
        if let Some(rp_id) = &web_authn.relying_party_id {
            max_length("webAuthnConfiguration.relyingPartyId", rp_id, 63)?;
        }
    }
    let pool = pool_mut(ctx.state, &request.user_pool_id)?;
    if let Some(web_authn) = request.web_authn_configuration {
        // API reference, WebAuthnConfigurationType: "To activate this setting, your
        // user pool must be in the Essentials tier or higher."
        if pool.settings.user_pool_tier.as_deref() == Some("LITE") {
            return Err(super::pools::lite_tier());
        }
        pool.mfa.web_authn_relying_party_id = web_authn.relying_party_id;
        pool.mfa.web_authn_user_verification = web_authn.user_verification;
        pool.mfa.web_authn_factor_configuration = web_authn.factor_configuration;
        // A request that configures only passkeys leaves MFA as it is.
        if request.mfa_configuration.is_none()
            && request.sms_mfa_configuration.is_none()
            && request.software_token_mfa_configuration.is_none()
            && request.email_mfa_configuration.is_none()
        {
            pool.modified = ctx.now;
            return describe_pool_mfa(pool);
        }
    }
    let sms = request.sms_mfa_configuration.is_some();
    let software_token = request.software_token_mfa_configuration.as_ref().is_some_and(|c| c.enabled);
    let email = request.email_mfa_configuration.is_some();
    let configuration =
        request.mfa_configuration.clone().or_else(|| pool.settings.mfa_configuration.clone()).unwrap_or("OFF".into());
    // Cognito's answers (observed: sst#5177, go-to-k/cdkd#1923): a required or
    // optional MFA needs a factor, else sign-in would silently skip MFA; and OFF
    // takes no factor.
    let any_factor = sms || software_token || email;
    if configuration != "OFF" && !any_factor {
        return Err(error::invalid_parameter(
            "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.",
        ));
    }
    if configuration == "OFF" && any_factor {
        return Err(error::invalid_parameter(
            "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
        ));
    }
    pool.mfa.sms = sms;
    pool.mfa.software_token = software_token;
    pool.mfa.email = email;
    pool.settings.mfa_configuration = Some(configuration);
    pool.modified = ctx.now;
    describe_pool_mfa(pool)
}

pub fn get_user_pool_mfa_config(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        user_pool_id: String,
    }
    let Input { user_pool_id } = input(input_value)?;
    describe_pool_mfa(pool(ctx.state, &user_pool_id)?)
}

fn describe_pool_mfa(pool: &crate::model::Pool) -> Result<Value> {
    let mut described = json!({
        "MfaConfiguration": pool.settings.mfa_configuration.clone().unwrap_or_else(|| "OFF".into()),
        "SoftwareTokenMfaConfiguration": {"Enabled": pool.mfa.software_token},
    });
    if pool.mfa.sms {
        described["SmsMfaConfiguration"] = json!({"SmsConfiguration": pool.settings.sms_configuration});
    }
    if pool.mfa.email {
        described["EmailMfaConfiguration"] = json!({});
    }
    let (rp_id, user_verification) = auth::relying_party(pool);
    let factors = pool.mfa.web_authn_factor_configuration.clone().unwrap_or_else(|| "SINGLE_FACTOR_ONLY".into());
    described["WebAuthnConfiguration"] = json!({"UserVerification": user_verification, "FactorConfiguration": factors});
    if let Some(rp_id) = rp_id {
        described["WebAuthnConfiguration"]["RelyingPartyId"] = json!(rp_id);
    }
    Ok(described)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TokenOrSession {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    session: Option<String>,
    #[serde(default)]
    user_code: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    friendly_device_name: Option<String>,
}

/// A base32 secret of 160 bits, as Cognito's are.
fn new_secret() -> String {
    let bytes = random::bytes::<20>();
    totp_rs::Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The MFA_SETUP session a set-up call names, wherever its client is.
fn setup_session(ctx: &mut Ctx, id: &str) -> Result<crate::model::Session> {
    let session = ctx.state.sessions.get(id).cloned().ok_or_else(|| auth::unknown_session(ctx, id))?;
    let (pool_id, client_id) = (session.progress.pool_id.clone(), session.progress.client_id.clone());
    take_session(ctx, &pool_id, &client_id, id, Some(Challenge::MfaSetup.name()))
}

pub fn associate_software_token(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: TokenOrSession = input(input_value)?;
    let secret = new_secret();
    match (&request.access_token, &request.session) {
        (Some(token), _) => {
            let caller = tokens::authenticate(ctx, token)?;
            let user =
                pool_mut(ctx.state, &caller.pool_id)?.users.get_mut(&caller.username).expect("the caller exists");
            user.mfa.pending_software_token_secret = Some(secret.clone());
            Ok(json!({"SecretCode": secret}))
        }
        (None, Some(id)) => {
            let mut session = setup_session(ctx, id)?;
            auth::spend_session(ctx, id);
            session.software_token_secret = Some(secret.clone());
            let next = auth::new_session_id();
            ctx.state.sessions.insert(next.clone(), session);
            Ok(json!({"SecretCode": secret, "Session": next}))
        }
        (None, None) => Err(error::invalid_parameter("Either AccessToken or Session must be given.")),
    }
}

/// VerifySoftwareToken's answers to a refused code: a wrong code is the observed
/// "Code mismatch and fail enable Software Token MFA"; a code used before, as at sign-in.
fn refused(refusal: auth::TotpRefusal) -> error::CognitoError {
    match refusal {
        auth::TotpRefusal::Mismatch => {
            error::enable_software_token_mfa("Code mismatch and fail enable Software Token MFA")
        }
        auth::TotpRefusal::AlreadyUsed => auth::totp_already_used(),
    }
}

pub fn verify_software_token(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: TokenOrSession = input(input_value)?;
    let code = required(&request.user_code, "userCode")?.to_owned();
    let now = ctx.now;
    match (&request.access_token, &request.session) {
        (Some(token), _) => {
            let caller = tokens::authenticate(ctx, token)?;
            let user =
                pool_mut(ctx.state, &caller.pool_id)?.users.get_mut(&caller.username).expect("the caller exists");
            let secret = user.mfa.pending_software_token_secret.clone().ok_or_else(not_associated)?;
            auth::accept_totp(&mut user.mfa.software_token_last_use, &secret, &code, now).map_err(refused)?;
            user.mfa.software_token_secret = Some(secret);
            user.mfa.pending_software_token_secret = None;
            Ok(json!({"Status": "SUCCESS"}))
        }
        (None, Some(id)) => {
            let mut session = setup_session(ctx, id)?;
            let secret = session.software_token_secret.clone().ok_or_else(not_associated)?;
            let user = pool_mut(ctx.state, &session.progress.pool_id)?
                .users
                .get_mut(&session.progress.username)
                .ok_or_else(auth::invalid_session)?;
            auth::accept_totp(&mut user.mfa.software_token_last_use, &secret, &code, now).map_err(refused)?;
            user.mfa.software_token_secret = Some(secret);
            user.mfa.software_token_enabled = true;
            auth::spend_session(ctx, id);
            session.software_token_verified = true;
            let next = auth::new_session_id();
            ctx.state.sessions.insert(next.clone(), session);
            Ok(json!({"Status": "SUCCESS", "Session": next}))
        }
        (None, None) => Err(error::invalid_parameter("Either AccessToken or Session must be given.")),
    }
}

fn not_associated() -> error::CognitoError {
    error::software_token_mfa_not_found("Software token TOTP not associated with the user.")
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "PascalCase", default)]
struct FactorSettings {
    enabled: Option<bool>,
    preferred_mfa: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PreferenceInput {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    user_pool_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default, rename = "SMSMfaSettings")]
    sms: Option<FactorSettings>,
    #[serde(default, rename = "SoftwareTokenMfaSettings")]
    software_token: Option<FactorSettings>,
    #[serde(default, rename = "EmailMfaSettings")]
    email: Option<FactorSettings>,
}

pub fn set_user_mfa_preference(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: PreferenceInput = input(input_value)?;
    let token = required(&request.access_token, "accessToken")?;
    let caller = tokens::authenticate(ctx, token)?;
    let pool = pool_mut(ctx.state, &caller.pool_id)?;
    let offered = pool.mfa.clone();
    let user = pool.users.get_mut(&caller.username).expect("the caller exists");
    apply_preference(user, &offered, &request)?;
    Ok(json!({}))
}

pub fn admin_set_user_mfa_preference(ctx: &mut Ctx, input_value: Value) -> Result<Value> {
    let request: PreferenceInput = input(input_value)?;
    let pool_id = required(&request.user_pool_id, "userPoolId")?.to_owned();
    let username = required(&request.username, "username")?.to_owned();
    let pool = pool_mut(ctx.state, &pool_id)?;
    let offered = pool.mfa.clone();
    let user = pool.user_mut(&username)?;
    apply_preference(user, &offered, &request)?;
    Ok(json!({}))
}

fn apply_preference(user: &mut User, offered: &PoolMfa, request: &PreferenceInput) -> Result<()> {
    let mut mfa = user.mfa.clone();
    let factors: [(Option<FactorSettings>, &str); 3] =
        [(request.sms, "SMS_MFA"), (request.software_token, "SOFTWARE_TOKEN_MFA"), (request.email, "EMAIL_OTP")];
    for (settings, name) in factors {
        let Some(settings) = settings else { continue };
        if let Some(enabled) = settings.enabled {
            // A factor the pool does not offer would be enabled yet never asked
            // for: sign-in would silently skip MFA. Cognito documents
            // InvalidParameterException; its message here is an assumption.
            let offered_factor = match name {
                "SMS_MFA" => offered.sms,
                "EMAIL_OTP" => offered.email,
                _ => offered.software_token,
            };
            if enabled && !offered_factor {
                return Err(error::invalid_parameter(format!("{name} is not enabled for the user pool.")));
            }
            if enabled {
                match name {
                    "SMS_MFA" if !user.attributes.contains_key("phone_number") => {
                        return Err(error::invalid_parameter(
                            "User does not have delivery config set to turn on SMS_MFA",
                        ))
                    }
                    "EMAIL_OTP" if !user.attributes.contains_key("email") => {
                        return Err(error::invalid_parameter(
                            "User does not have delivery config set to turn on EMAIL_OTP",
                        ))
                    }
                    "SOFTWARE_TOKEN_MFA" if mfa.software_token_secret.is_none() => {
                        return Err(error::invalid_parameter("User has not verified software token mfa"))
                    }
                    _ => {}
                }
            }
            match name {
                "SMS_MFA" => mfa.sms_enabled = enabled,
                "EMAIL_OTP" => mfa.email_enabled = enabled,
                _ => mfa.software_token_enabled = enabled,
            }
            if !enabled && mfa.preferred.as_deref() == Some(name) {
                mfa.preferred = None;
            }
        }
        match settings.preferred_mfa {
            Some(true) => mfa.preferred = Some(name.to_owned()),
            Some(false) if mfa.preferred.as_deref() == Some(name) => mfa.preferred = None,
            _ => {}
        }
    }
    user.mfa = mfa;
    Ok(())
}
