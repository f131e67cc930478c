//! PATCH /auth/me: the signed-in user edits their own profile, with their access
//! token alone. So only what a stolen token may safely change is changeable here:
//! attributes the app client may write (its WriteAttributes) that are profile, not
//! identity. The email (recovery, sign-in) changes only through POST /auth/me/email,
//! with a fresh proof; the phone number (SMS MFA codes, sign-in), `preferred_username`
//! (an administrator's, in ID tokens) and any attribute the pool signs users in with
//! are refused, and no `*_verified` flag is written.
//! A value sets an attribute (UpdateUserAttributes), `null` removes it
//! (DeleteUserAttributes); every attribute is checked against the pool's schema
//! before either call, so a refused request changes nothing.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use serde::Deserialize;

use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{JsonBody, Validate};
use crate::caller::audit_caller;
use crate::caller::get_user;
use crate::caller::CurrentUser;
use crate::client_rules::ClientRules;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::pool_rules::PoolRules;
use crate::state::AppState;

/// Attributes one request may name: Cognito's standard ones number twenty.
const MAX_ATTRIBUTES: usize = 32;
/// Cognito's AttributeType: a name of 1 to 32 characters, a value of at most 2048.
const MAX_NAME: usize = 32;
const MAX_VALUE: usize = 2048;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    /// Attribute name to its new value, or `null` to remove it.
    pub attributes: BTreeMap<String, Option<String>>,
}

impl Validate for UpdateProfileRequest {
    fn validate(&self) -> Result<(), ApiError> {
        if self.attributes.is_empty() {
            return Err(ApiError::validation("attributes", "name at least one attribute to change"));
        }
        if self.attributes.len() > MAX_ATTRIBUTES {
            return Err(ApiError::validation("attributes", format!("at most {MAX_ATTRIBUTES} attributes at once")));
        }
        for (name, value) in &self.attributes {
            if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_whitespace) {
                return Err(ApiError::validation("attributes", "attribute names are 1 to 32 characters, no spaces"));
            }
            let field = format!("attributes.{name}");
            match value.as_deref() {
                Some("") => return Err(ApiError::validation(field, format!("send `null` to remove `{name}`"))),
                Some(value) if value.chars().count() > MAX_VALUE => {
                    return Err(ApiError::validation(field, format!("`{name}` must be at most {MAX_VALUE} characters")))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The checks, then UpdateUserAttributes and DeleteUserAttributes with the caller's
/// token (Cognito enforces WriteAttributes again), then the profile as it now is.
pub async fn handle(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    audit: Audit,
    JsonBody(request): JsonBody<UpdateProfileRequest>,
) -> Result<Json<CurrentUser>, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::ProfileUpdated,
        async {
            // The token first: a stranger learns nothing, not even the pool's schema.
            get_user(&state, &token).await?;
            let (pool, client) = (state.pool_rules().await?, state.app_client_rules().await?);
            for (name, value) in &request.attributes {
                check(pool, client, name, value.as_deref())?;
            }
            let (set, removed): (Vec<_>, Vec<_>) = request.attributes.iter().partition(|(_, value)| value.is_some());
            if !set.is_empty() {
                let attributes = set
                    .iter()
                    .map(|(name, value)| {
                        aws_sdk_cognitoidentityprovider::types::AttributeType::builder()
                            .name(name.as_str())
                            .set_value((*value).clone())
                            .build()
                            .map_err(|_| ApiError::validation("attributes", "attribute names must not be empty"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                state
                    .cognito()
                    .update_user_attributes()
                    .access_token(token.expose())
                    .set_user_attributes(Some(attributes))
                    .send()
                    .await
                    .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            }
            if !removed.is_empty() {
                state
                    .cognito()
                    .delete_user_attributes()
                    .access_token(token.expose())
                    .set_user_attribute_names(Some(removed.iter().map(|(name, _)| (*name).clone()).collect()))
                    .send()
                    .await
                    .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
            }
            Ok(Json(CurrentUser::from(&get_user(&state, &token).await?)))
        }
        .await,
    )
}

/// One attribute against the rules: identity first (with where to go instead), then
/// the pool's schema, then the app client's WriteAttributes, then the value.
fn check(pool: &PoolRules, client: &ClientRules, name: &str, value: Option<&str>) -> Result<(), ApiError> {
    let field = format!("attributes.{name}");
    let refuse = |detail: String| Err(ApiError::validation(field.clone(), detail));
    if name == "email" {
        return refuse(
            "change the email with POST /auth/me/email: it needs `reauthentication`, and the new address \
             replaces the old one only once its code is verified"
                .into(),
        );
    }
    if name == "phone_number" {
        return refuse(
            "the phone number receives SMS sign-in codes and may sign in, so an access token alone cannot \
             change it; this API has no route that changes it"
                .into(),
        );
    }
    if name == "preferred_username" {
        return refuse(
            "`preferred_username` is set by an administrator only: it reaches ID tokens, where others may \
             trust it as a name, and the pool may sign users in with it"
                .into(),
        );
    }
    if pool.signs_in_with(name) {
        return refuse(format!("users sign in with `{name}`, so an access token alone cannot change it"));
    }
    if name.ends_with("_verified") || name == "sub" {
        return refuse(format!("`{name}` is set by Cognito, never by the user"));
    }
    if !pool.declares(name) {
        return refuse(format!("the user pool has no attribute `{name}`"));
    }
    if !client.may_write(name) {
        return refuse(format!("`{name}` is not one users may change (the app client's WriteAttributes)"));
    }
    if pool.is_immutable(name) {
        return refuse(format!("`{name}` cannot change once set (the schema makes it immutable)"));
    }
    let Some(value) = value else {
        if pool.required_attributes.iter().any(|required| required == name) {
            return refuse(format!("`{name}` is required: give it a new value instead"));
        }
        return Ok(());
    };
    pool.check_length(name, value)?;
    pool.check_type(name, value)?;
    if name == "birthdate" && !is_date(value) {
        return refuse("`birthdate` must be a date as YYYY-MM-DD".into());
    }
    Ok(())
}

/// YYYY-MM-DD, a day that exists (OpenID Connect's birthdate, as Cognito stores it).
fn is_date(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts.as_slice() else { return false };
    let digits = |part: &str, length: usize| part.len() == length && part.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return false;
    }
    let (year, month, day): (u32, u32, u32) =
        (year.parse().unwrap_or(0), month.parse().unwrap_or(0), day.parse().unwrap_or(0));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_birthdate_is_a_day_that_exists() {
        for good in ["1990-01-31", "2000-02-29", "1985-12-01"] {
            assert!(is_date(good), "{good}");
        }
        for bad in ["1990-1-31", "1900-02-29", "1990-13-01", "1990-04-31", "90-01-01", "1990/01/01", "１９９０-01-01"]
        {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
