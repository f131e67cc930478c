//! Live checks: [`LiveVerified`] verifies a token as [`crate::verified::Verified`] does, then
//! asks Cognito whether it still stands, for the decisions that cannot wait
//! for the token to expire (money, admin actions, role changes).
//!
//! The offline check sees only the token: a token that was revoked (logout
//! everywhere), whose user was disabled or deleted, or whose groups changed,
//! still passes until it expires (the app client's token validity, 1 hour by
//! default). The live check costs two Cognito calls per request (about
//! 10 to 50 ms each, and Cognito's per-pool request quotas). Give your state an
//! `Arc<LiveCheck>` beside the verifier:
//!
//! ```no_run
//! use std::sync::Arc;
//! use auth_api::jwt::{AccessClaims, AccessTokenVerifier};
//! use auth_api::live::{LiveCheck, LiveVerified};
//! use axum::extract::FromRef;
//! use axum::{routing::post, Router};
//!
//! #[derive(Clone)]
//! struct State { verifier: Arc<AccessTokenVerifier>, live: Arc<LiveCheck> }
//! impl FromRef<State> for Arc<AccessTokenVerifier> { fn from_ref(s: &State) -> Self { s.verifier.clone() } }
//! impl FromRef<State> for Arc<LiveCheck> { fn from_ref(s: &State) -> Self { s.live.clone() } }
//!
//! async fn refund(LiveVerified(caller): LiveVerified<AccessClaims>) -> String {
//!     format!("{} is, right now, in {:?}", caller.sub, caller.groups)
//! }
//!
//! # async fn build(verifier: Arc<AccessTokenVerifier>) {
//! let cognito = aws_sdk_cognitoidentityprovider::Client::new(&aws_config::load_from_env().await);
//! let live = Arc::new(LiveCheck::new(cognito, "eu-west-1_AbC123".into(), "admin".into()));
//! let app: Router = Router::new().route("/refunds", post(refund)).with_state(State { verifier, live });
//! # }
//! ```
//!
//! IAM: `cognito-idp:AdminListGroupsForUser` for access tokens (GetUser is
//! authorized by the token itself), plus `cognito-idp:AdminGetUser` for ID tokens.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::UserStatusType;
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use axum::extract::{FromRef, FromRequestParts};
use http::request::Parts;
use serde_json::Value;

use crate::bearer::{self, unauthenticated};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::ApiError;
use crate::jwt::{AccessClaims, AccessTokenVerifier, IdClaims};
use crate::verified::VerifiedClaims;

/// What a live check needs: a Cognito client, the pool, and the group whose
/// members the pre token generation trigger calls `app_role: admin`.
pub struct LiveCheck {
    cognito: Client,
    user_pool_id: String,
    admin_group: String,
}

impl LiveCheck {
    pub fn new(cognito: Client, user_pool_id: String, admin_group: String) -> Self {
        Self { cognito, user_pool_id, admin_group }
    }

    /// The user's groups now, from Cognito.
    async fn current_groups(&self, username: &str) -> Result<Vec<String>, ApiError> {
        let mut groups = Vec::new();
        let mut next = None;
        loop {
            let page = self
                .cognito
                .admin_list_groups_for_user()
                .user_pool_id(&self.user_pool_id)
                .username(username)
                .limit(60)
                .set_next_token(next)
                .send()
                .await
                .map_err(|error| gone_or(error, CognitoCall::Admin))?;
            groups.extend(page.groups().iter().filter_map(|g| g.group_name()).map(str::to_owned));
            match page.next_token() {
                Some(token) => next = Some(token.to_owned()),
                None => return Ok(groups),
            }
        }
    }
}

/// A deleted user answers 401, as a revoked token does; other failures map as usual.
fn gone_or<E: ProvideErrorMetadata>(error: SdkError<E, HttpResponse>, call: CognitoCall) -> ApiError {
    if error.code() == Some("UserNotFoundException") {
        return unauthenticated("the token's user no longer exists");
    }
    from_sdk(error, call)
}

/// The caller's claims, verified offline and then confirmed with Cognito:
/// the token is not revoked, the user exists and is enabled, and `groups`
/// (and, for ID tokens, `app_role`) are the user's current ones.
pub struct LiveVerified<C>(pub C);

/// Claims a [`LiveVerified`] extractor can confirm with Cognito.
pub trait LiveClaims: VerifiedClaims {
    fn confirm(self, live: &LiveCheck, token: &str)
        -> impl std::future::Future<Output = Result<Self, ApiError>> + Send;
}

impl LiveClaims for AccessClaims {
    /// GetUser with the token itself: Cognito refuses a revoked token, a disabled or deleted user.
    async fn confirm(mut self, live: &LiveCheck, token: &str) -> Result<Self, ApiError> {
        let user = live
            .cognito
            .get_user()
            .access_token(token)
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
        self.groups = live.current_groups(user.username()).await?;
        Ok(self)
    }
}

impl LiveClaims for IdClaims {
    /// Cognito cannot tell whether an ID token was revoked: logout everywhere
    /// leaves ID tokens valid until they expire. AdminGetUser tells disabled,
    /// deleted (or deleted and re-created: another `sub`) and reset users.
    async fn confirm(mut self, live: &LiveCheck, _token: &str) -> Result<Self, ApiError> {
        let (user, groups) = tokio::try_join!(
            async {
                live.cognito
                    .admin_get_user()
                    .user_pool_id(&live.user_pool_id)
                    .username(&self.username)
                    .send()
                    .await
                    .map_err(|error| gone_or(error, CognitoCall::Admin))
            },
            live.current_groups(&self.username),
        )?;
        let sub = user.user_attributes().iter().find(|a| a.name() == "sub").and_then(|a| a.value());
        if sub != Some(self.sub.as_str()) {
            return Err(unauthenticated("the token's user no longer exists"));
        }
        if !user.enabled() {
            return Err(unauthenticated("the user is disabled"));
        }
        if !matches!(user.user_status(), Some(UserStatusType::Confirmed | UserStatusType::ExternalProvider)) {
            return Err(unauthenticated("the user must sign in again"));
        }
        // The same rule as the pre token generation trigger, over the current groups.
        for (name, value) in triggers::rules::extra_claims(&groups, &live.admin_group) {
            self.other.insert(name, Value::String(value));
        }
        self.groups = groups;
        Ok(self)
    }
}

impl<S, C> FromRequestParts<S> for LiveVerified<C>
where
    S: Send + Sync,
    C: LiveClaims,
    Arc<AccessTokenVerifier>: FromRef<S>,
    Arc<LiveCheck>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let token = bearer::from_header(parts)?;
        let verifier = Arc::<AccessTokenVerifier>::from_ref(state);
        let claims = C::verify(&verifier, token.expose()).await?;
        let live = Arc::<LiveCheck>::from_ref(state);
        claims.confirm(&live, token.expose()).await.map(LiveVerified)
    }
}
