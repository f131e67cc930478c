//! Administrators read the user directory (the admin-group token, checked live
//! before anything is looked up, so a non-admin learns nothing, not even whether a
//! user exists): GET /auth/users searches (ListUsers, one filter: user_query.rs),
//! GET /auth/users/{username} adds groups, MFA and devices (AdminGetUser,
//! AdminListGroupsForUser, AdminListDevices), GET /auth/groups lists the groups
//! (ListGroups). Answers hold no attribute but the listed ones: no developer-only
//! attribute (such as the count of wrong codes), nothing secret.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, DeviceType, UserType};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;

use crate::admin::AdminCaller;
use crate::audit::{Audit, Event};
use crate::body::check;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::mfa::Factor;
use crate::state::AppState;
use crate::user_query::{self, UserQuery};

/// A user as listed: who they are and whether they can sign in.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSummary {
    pub username: String,
    pub sub: Option<String>,
    pub status: String,
    pub enabled: bool,
    pub email: Option<String>,
    pub email_verified: bool,
    pub created_at: Option<String>,
    pub modified_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    /// Absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Mfa {
    /// The factors turned on: `totp`, `sms`, `email`.
    pub factors: Vec<Factor>,
    pub preferred: Option<Factor>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    pub device_key: String,
    pub name: Option<String>,
    pub remembered: bool,
    pub created_at: Option<String>,
    pub last_used_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UserDetail {
    #[serde(flatten)]
    pub summary: UserSummary,
    pub groups: Vec<String>,
    pub mfa: Mfa,
    pub devices: Vec<Device>,
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub name: String,
    pub description: Option<String>,
    pub precedence: Option<i32>,
}

#[derive(Debug, Serialize)]
pub struct Groups {
    pub groups: Vec<Group>,
}

fn timestamp(value: Option<&DateTime>) -> Option<String> {
    value.and_then(|t| t.fmt(Format::DateTime).ok())
}

fn find<'a>(attributes: &'a [AttributeType], name: &str) -> Option<&'a str> {
    attributes.iter().find(|a| a.name() == name).and_then(|a| a.value())
}

fn summary(
    username: &str,
    attributes: &[AttributeType],
    status: Option<&str>,
    enabled: bool,
    times: (Option<&DateTime>, Option<&DateTime>),
) -> UserSummary {
    UserSummary {
        username: username.to_owned(),
        sub: find(attributes, "sub").map(str::to_owned),
        status: status.unwrap_or("UNKNOWN").to_owned(),
        enabled,
        email: find(attributes, "email").map(str::to_owned),
        email_verified: find(attributes, "email_verified") == Some("true"),
        created_at: timestamp(times.0),
        modified_at: timestamp(times.1),
    }
}

fn listed(user: &UserType) -> UserSummary {
    summary(
        user.username().unwrap_or_default(),
        user.attributes(),
        user.user_status().map(|s| s.as_str()),
        user.enabled(),
        (user.user_create_date(), user.user_last_modified_date()),
    )
}

/// GET /auth/users?username=|email=|status=|enabled=&limit=&cursor=
pub async fn list(
    State(state): State<AppState>,
    admin: AdminCaller,
    RawQuery(raw): RawQuery,
    audit: Audit,
) -> Result<Json<UserPage>, ApiError> {
    audit.actor(&admin.username);
    audit.record(
        Event::AdminUsersListed,
        async {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let query: UserQuery = user_query::parse(&pairs)?;
            let output = state
                .cognito()
                .list_users()
                .user_pool_id(&state.config().user_pool_id)
                .set_filter(query.filter())
                .limit(query.limit)
                .set_pagination_token(query.pagination_token.clone())
                .send()
                .await
                .map_err(|error| {
                    // A token Cognito did not issue, or no longer honours.
                    if query.pagination_token.is_some()
                        && error.as_service_error().is_some_and(|e| e.is_invalid_parameter_exception())
                    {
                        return ApiError::validation(
                            "cursor",
                            "the cursor has expired or is not valid: start the search again",
                        );
                    }
                    from_sdk(error, CognitoCall::Admin)
                })?;
            let cursor = output.pagination_token().filter(|token| !token.is_empty()).map(|token| query.cursor(token));
            Ok(Json(UserPage { users: output.users().iter().map(listed).collect(), cursor }))
        }
        .await,
    )
}

/// GET /auth/users/{username}
pub async fn get(
    State(state): State<AppState>,
    admin: AdminCaller,
    Path(username): Path<String>,
    audit: Audit,
) -> Result<Json<UserDetail>, ApiError> {
    audit.actor(&admin.username).target(&username);
    audit.record(
        Event::AdminUserViewed,
        async {
            check::username("username", &username)?;
            let pool = &state.config().user_pool_id;
            let user = state
                .cognito()
                .admin_get_user()
                .user_pool_id(pool)
                .username(&username)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            let name = user.username().to_owned();
            let mut groups = Vec::new();
            let mut next: Option<String> = None;
            loop {
                let page = state
                    .cognito()
                    .admin_list_groups_for_user()
                    .user_pool_id(pool)
                    .username(&name)
                    .limit(60)
                    .set_next_token(next.take())
                    .send()
                    .await
                    .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
                groups.extend(page.groups().iter().filter_map(|g| g.group_name().map(str::to_owned)));
                match page.next_token() {
                    Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                    _ => break,
                }
            }
            let devices = state
                .cognito()
                .admin_list_devices()
                .user_pool_id(pool)
                .username(&name)
                .limit(60)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
            let enabled_factor =
                |factor: Factor| user.user_mfa_setting_list().iter().any(|n| n == factor.cognito_name());
            let mfa = Mfa {
                factors: Factor::ALL.into_iter().filter(|f| enabled_factor(*f)).collect(),
                preferred: Factor::ALL.into_iter().find(|f| user.preferred_mfa_setting() == Some(f.cognito_name())),
            };
            Ok(Json(UserDetail {
                summary: summary(
                    &name,
                    user.user_attributes(),
                    user.user_status().map(|s| s.as_str()),
                    user.enabled(),
                    (user.user_create_date(), user.user_last_modified_date()),
                ),
                groups,
                mfa,
                devices: devices.devices().iter().map(device).collect(),
            }))
        }
        .await,
    )
}

fn device(device: &DeviceType) -> Device {
    let attributes = device.device_attributes();
    Device {
        device_key: device.device_key().unwrap_or_default().to_owned(),
        name: find(attributes, "device_name").map(str::to_owned),
        remembered: find(attributes, "device_status") == Some("valid"),
        created_at: timestamp(device.device_create_date()),
        last_used_at: timestamp(device.device_last_authenticated_date()),
    }
}

/// GET /auth/groups: every group (a pool has at most 10,000; pages of 60 are read through).
pub async fn groups(State(state): State<AppState>, _admin: AdminCaller) -> Result<Json<Groups>, ApiError> {
    let mut groups = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let page = state
            .cognito()
            .list_groups()
            .user_pool_id(&state.config().user_pool_id)
            .limit(60)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
        groups.extend(page.groups().iter().map(|g| Group {
            name: g.group_name().unwrap_or_default().to_owned(),
            description: g.description().map(str::to_owned),
            precedence: g.precedence(),
        }));
        match page.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_owned()),
            _ => break,
        }
    }
    Ok(Json(Groups { groups }))
}
