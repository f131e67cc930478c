//! `Authorization: Bearer <access token>`.

use axum::extract::FromRequestParts;
use http::header::AUTHORIZATION;
use http::request::Parts;

use crate::config::Secret;
use crate::error::{ApiError, ErrorCode};

/// Cognito access tokens are about 1 KB; anything far larger is not one.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The caller's access token, not yet verified: Cognito verifies it on the
/// token-authorized calls (GetUser, VerifyUserAttribute, ...).
pub struct BearerToken(pub Secret);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| unauthenticated("send the access token as Authorization: Bearer <token>"))?;
        let value = header.to_str().map_err(|_| unauthenticated("the Authorization header is malformed"))?;
        let (scheme, token) =
            value.trim().split_once(' ').ok_or_else(|| unauthenticated("the Authorization header is malformed"))?;
        let token = token.trim();
        if !scheme.eq_ignore_ascii_case("bearer")
            || token.is_empty()
            || token.len() > MAX_TOKEN_BYTES
            || token.contains(' ')
        {
            return Err(unauthenticated("the Authorization header must be: Bearer <access token>"));
        }
        Ok(BearerToken(Secret::new(token)))
    }
}

pub fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, detail)
}
