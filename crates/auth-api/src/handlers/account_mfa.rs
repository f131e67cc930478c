//! The signed-in user's MFA (their own access token): GET and PUT
//! /auth/me/mfa (factors and preference), POST /auth/me/mfa/totp (start TOTP
//! set-up) and POST /auth/me/mfa/totp/verify (verify it and prefer it).
//! Turning a factor off, choosing the preferred one, and adding or replacing
//! the authenticator need a fresh proof (step-up); every change then ends
//! every session.

use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use aws_sdk_cognitoidentityprovider::types::{EmailMfaSettingsType, SmsMfaSettingsType, SoftwareTokenMfaSettingsType};
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::audit::{Audit, Event};
use crate::auth_result::incomplete;
use crate::bearer::BearerToken;
use crate::body::{check, present, JsonBody, Validate};
use crate::caller::audit_caller;
use crate::caller::get_user;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::error::ApiError;
use crate::mfa::{totp_uri, Factor, TotpSetup};
use crate::sessions;
use crate::state::AppState;
use crate::step_up::{self, Reauthentication};

#[derive(Debug, Default, Serialize)]
pub struct Factors {
    pub totp: bool,
    pub sms: bool,
    pub email: bool,
}

#[derive(Debug, Serialize)]
pub struct MfaSettings {
    pub factors: Factors,
    pub preferred: Option<Factor>,
}

/// The user's factors and preference, as Cognito holds them (GetUser).
async fn settings(state: &AppState, token: &Secret) -> Result<MfaSettings, ApiError> {
    Ok(settings_of(&get_user(state, token).await?))
}

fn settings_of(user: &GetUserOutput) -> MfaSettings {
    let enabled = |factor: Factor| user.user_mfa_setting_list().iter().any(|name| name == factor.cognito_name());
    MfaSettings {
        factors: Factors { totp: enabled(Factor::Totp), sms: enabled(Factor::Sms), email: enabled(Factor::Email) },
        preferred: Factor::ALL.into_iter().find(|f| user.preferred_mfa_setting() == Some(f.cognito_name())),
    }
}

/// GET /auth/me/mfa
pub async fn get(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<Json<MfaSettings>, ApiError> {
    settings(&state, &token).await.map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    #[serde(default, deserialize_with = "present")]
    pub totp: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub sms: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    pub email: Option<bool>,
    /// Makes this factor the preferred one (and turns it on).
    #[serde(default, deserialize_with = "present")]
    pub preferred: Option<Factor>,
    /// The proof a change that weakens or redirects MFA needs.
    #[serde(default, deserialize_with = "present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for UpdateRequest {
    fn validate(&self) -> Result<(), ApiError> {
        step_up::validate(self.reauthentication.as_ref())?;
        if let Some(preferred) = self.preferred {
            if self.switch(preferred) == Some(false) {
                return Err(ApiError::validation("preferred", "a factor turned off cannot be the preferred one"));
            }
        }
        if self.totp.is_none() && self.sms.is_none() && self.email.is_none() && self.preferred.is_none() {
            return Err(ApiError::validation("totp", "name at least one of `totp`, `sms`, `email`, `preferred`"));
        }
        Ok(())
    }
}

impl UpdateRequest {
    /// Turning a factor off or choosing the preferred one needs a fresh proof;
    /// turning one on does not (it weakens nothing).
    fn needs_step_up(&self) -> bool {
        [self.totp, self.sms, self.email].contains(&Some(false)) || self.preferred.is_some()
    }

    /// The change, for the audit line: `totp:on,sms:off,preferred:email` (names of this API's own).
    fn change(&self) -> String {
        let switches = [("totp", self.totp), ("sms", self.sms), ("email", self.email)];
        let mut parts: Vec<String> = switches
            .iter()
            .filter_map(|(name, on)| on.map(|on| format!("{name}:{}", if on { "on" } else { "off" })))
            .collect();
        if let Some(preferred) = self.preferred {
            parts.push(format!("preferred:{}", preferred.api_name()));
        }
        parts.join(",")
    }

    fn switch(&self, factor: Factor) -> Option<bool> {
        match factor {
            Factor::Totp => self.totp,
            Factor::Sms => self.sms,
            Factor::Email => self.email,
        }
    }

    /// (enabled, preferred) for SetUserMFAPreference, or None to leave the factor alone.
    fn setting(&self, factor: Factor) -> Option<(bool, bool)> {
        let preferred = self.preferred == Some(factor);
        match (self.switch(factor), preferred) {
            (None, false) => None,
            (enabled, _) => Some((enabled.unwrap_or(true), preferred)),
        }
    }
}

/// PUT /auth/me/mfa
pub async fn update(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    audit: Audit,
    JsonBody(request): JsonBody<UpdateRequest>,
) -> Result<Json<MfaSettings>, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.detail(&request.change());
    audit.record(
        Event::MfaChanged,
        async {
            if request.needs_step_up() {
                step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
            }
            set_preference(&state, &token, &request).await?;
            let user = get_user(&state, &token).await?;
            // Any MFA change, turning a factor on included, ends every session: whoever
            // holds a refresh token from before must meet the factors as they are now.
            sessions::end_all(&state, user.username()).await?;
            Ok(Json(settings_of(&user)))
        }
        .await,
    )
}

async fn set_preference(state: &AppState, token: &Secret, request: &UpdateRequest) -> Result<(), ApiError> {
    let mut call = state.cognito().set_user_mfa_preference().access_token(token.expose());
    if let Some((enabled, preferred)) = request.setting(Factor::Totp) {
        call = call.software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder().enabled(enabled).preferred_mfa(preferred).build(),
        );
    }
    if let Some((enabled, preferred)) = request.setting(Factor::Sms) {
        call = call.sms_mfa_settings(SmsMfaSettingsType::builder().enabled(enabled).preferred_mfa(preferred).build());
    }
    if let Some((enabled, preferred)) = request.setting(Factor::Email) {
        call =
            call.email_mfa_settings(EmailMfaSettingsType::builder().enabled(enabled).preferred_mfa(preferred).build());
    }
    call.send().await.map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartTotpRequest {
    #[serde(default, deserialize_with = "present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for StartTotpRequest {
    fn validate(&self) -> Result<(), ApiError> {
        step_up::validate(self.reauthentication.as_ref())
    }
}

/// POST /auth/me/mfa/totp (step-up: a new secret is the first half of replacing the authenticator)
pub async fn start_totp(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    JsonBody(request): JsonBody<StartTotpRequest>,
) -> Result<Json<TotpSetup>, ApiError> {
    let user = step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
    let associated = state
        .cognito()
        .associate_software_token()
        .access_token(token.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
    let secret = associated.secret_code().ok_or_else(|| incomplete("SecretCode"))?.to_owned();
    // The account an authenticator app shows: the email when there is one.
    let account = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "email")
        .and_then(|a| a.value())
        .unwrap_or(user.username())
        .to_owned();
    Ok(Json(TotpSetup { otpauth_uri: totp_uri(&state.config().mfa_issuer, &account, &secret), secret, session: None }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyTotpRequest {
    pub code: Secret,
    /// The authenticator's name, for the user's own reference.
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for VerifyTotpRequest {
    fn validate(&self) -> Result<(), ApiError> {
        step_up::validate(self.reauthentication.as_ref())?;
        check::code("code", self.code.expose())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 131)
    }
}

/// POST /auth/me/mfa/totp/verify: the first code proves the set-up; TOTP
/// becomes preferred (step-up); then every session ends.
pub async fn verify_totp(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    audit: Audit,
    JsonBody(request): JsonBody<VerifyTotpRequest>,
) -> Result<Json<MfaSettings>, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.detail("totp:on,preferred:totp");
    audit.record(
        Event::MfaChanged,
        async {
            let user = step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
            state
                .cognito()
                .verify_software_token()
                .access_token(token.expose())
                .user_code(request.code.expose())
                .set_friendly_device_name(request.device_name.clone())
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            let prefer_totp = UpdateRequest {
                totp: Some(true),
                sms: None,
                email: None,
                preferred: Some(Factor::Totp),
                reauthentication: None,
            };
            set_preference(&state, &token, &prefer_totp).await?;
            let settings = settings(&state, &token).await?;
            sessions::end_all(&state, user.username()).await?;
            Ok(Json(settings))
        }
        .await,
    )
}
