//! The admin check: a caller whose access token this function verified
//! itself (signature, issuer, expiry; the fast first gate), then confirmed
//! with Cognito as still live (not revoked, the user neither disabled nor
//! deleted: GetUser) and still in the admin group (AdminListGroupsForUser).
//! The token's own `cognito:groups` could be a day old.

use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::audit::{Audit, Event, Outcome};
use crate::bearer::BearerToken;
use crate::caller::get_user;
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub struct AdminCaller {
    pub username: String,
}

/// 403, and the `admin.access.refused` audit line: a signed-in user (their token's
/// signature held) reached for an admin route. `detail` is the route's pattern, not
/// the path sent.
fn forbidden(parts: &Parts, username: &str) -> ApiError {
    let audit = Audit::of_parts(parts);
    audit.actor(username);
    if let Some(route) = parts.extensions.get::<axum::extract::MatchedPath>() {
        audit.detail(&format!("{} {}", parts.method, route.as_str()));
    }
    let error = ApiError::new(ErrorCode::Forbidden, "only members of the admin group may do this");
    audit.write(Event::AdminAccessRefused, Outcome::of_error(error.code));
    error
}

impl FromRequestParts<AppState> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let BearerToken(token) = BearerToken::from_request_parts(parts, state).await?;
        let claims = state.access_tokens().verify(token.expose()).await?;
        let admin_group = &state.config().admin_group;
        if !claims.groups.iter().any(|group| group == admin_group) {
            return Err(forbidden(parts, claims.username.as_deref().unwrap_or(&claims.sub)));
        }
        let user = get_user(state, &token).await?;
        if !in_admin_group(state, user.username()).await? {
            return Err(forbidden(parts, user.username()));
        }
        Ok(AdminCaller { username: user.username().to_owned() })
    }
}

/// Whether `username` is in the admin group now, as Cognito holds it
/// (AdminListGroupsForUser), not as a token issued up to an hour ago says.
pub async fn in_admin_group(state: &AppState, username: &str) -> Result<bool, ApiError> {
    let groups = state
        .cognito()
        .admin_list_groups_for_user()
        .user_pool_id(&state.config().user_pool_id)
        .username(username)
        .limit(60)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
    let admin_group = state.config().admin_group.as_str();
    Ok(groups.groups().iter().any(|group| group.group_name() == Some(admin_group)))
}
