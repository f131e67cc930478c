//! Accepting this API's tokens in your own services: an axum extractor that
//! yields verified claims (works unchanged inside lambda_http). Give your
//! state an `Arc<AccessTokenVerifier>` through `FromRef`:
//!
//! ```no_run
//! use std::sync::Arc;
//! use auth_api::jwt::{AccessClaims, AccessTokenVerifier};
//! use auth_api::verified::Verified;
//! use axum::{routing::get, Router};
//!
//! async fn orders(Verified(caller): Verified<AccessClaims>) -> String {
//!     format!("{} is in {:?}", caller.sub, caller.groups)
//! }
//!
//! let pool = "eu-west-1_AbC123";
//! let issuer = format!("https://cognito-idp.eu-west-1.amazonaws.com/{pool}");
//! let verifier = Arc::new(AccessTokenVerifier::new(
//!     format!("{issuer}/.well-known/jwks.json"), issuer, "the-app-client-id".into()));
//! let app: Router = Router::new().route("/orders", get(orders)).with_state(verifier);
//! ```

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use http::request::Parts;

use crate::bearer;
use crate::error::ApiError;
use crate::jwt::{AccessClaims, AccessTokenVerifier, IdClaims};

/// The caller's verified claims: `Verified<AccessClaims>` for an access token,
/// `Verified<IdClaims>` for an ID token, from `Authorization: Bearer`.
/// Anything else answers 401 with a problem body.
pub struct Verified<C>(pub C);

/// Claims a [`Verified`] extractor can check: which token they come from.
pub trait VerifiedClaims: Sized + Send {
    fn verify(
        verifier: &AccessTokenVerifier,
        token: &str,
    ) -> impl std::future::Future<Output = Result<Self, ApiError>> + Send;
}

impl VerifiedClaims for AccessClaims {
    async fn verify(verifier: &AccessTokenVerifier, token: &str) -> Result<Self, ApiError> {
        verifier.verify(token).await
    }
}

impl VerifiedClaims for IdClaims {
    async fn verify(verifier: &AccessTokenVerifier, token: &str) -> Result<Self, ApiError> {
        verifier.verify_id(token).await
    }
}

impl<S, C> FromRequestParts<S> for Verified<C>
where
    S: Send + Sync,
    C: VerifiedClaims,
    Arc<AccessTokenVerifier>: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let token = bearer::from_header(parts)?;
        let verifier = Arc::<AccessTokenVerifier>::from_ref(state);
        C::verify(&verifier, token.expose()).await.map(Verified)
    }
}
