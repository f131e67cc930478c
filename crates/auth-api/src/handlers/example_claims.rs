//! GET /auth/example/claims: an example of a backend route that accepts this
//! pool's ID tokens, answering the caller's claims. Deployed, API Gateway's
//! Cognito user pool authorizer checks the ID token first; the function
//! verifies it again with [`Verified`], so the route is protected locally too,
//! where there is no authorizer. Copy it for your own routes.

use axum::Json;

use crate::error::ApiError;
use crate::jwt::IdClaims;
use crate::verified::Verified;

pub async fn handle(Verified(claims): Verified<IdClaims>) -> Result<Json<IdClaims>, ApiError> {
    Ok(Json(claims))
}
