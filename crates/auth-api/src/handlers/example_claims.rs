//! GET /auth/example/claims: an example of a backend route that accepts this
//! pool's ID tokens, answering the caller's claims. Deployed, API Gateway's
//! Cognito user pool authorizer checks the ID token first; the function
//! verifies it again, so the route is protected locally too, where there is no
//! authorizer. Copy it for your own routes.
//!
//! It answers `app_role` and `cognito:groups`, which decide what the caller may
//! do, so it checks with Cognito ([`LiveVerified`]): a disabled or deleted user
//! is refused, and the role follows the user's groups now, not when the token
//! was issued. Routes that only need to know who the caller is can use the
//! offline [`crate::verified::Verified`].

use axum::Json;

use crate::error::ApiError;
use crate::jwt::IdClaims;
use crate::live::LiveVerified;

pub async fn handle(LiveVerified(claims): LiveVerified<IdClaims>) -> Result<Json<IdClaims>, ApiError> {
    Ok(Json(claims))
}
