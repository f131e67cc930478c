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
        let token = from_header(parts)?;
        if claims_token_use(token.expose()).as_deref() == Some("id") {
            // Cognito would refuse it as "Invalid Access Token"; the client is better
            // told which token to send. Read unverified, this only ever refuses.
            return Err(wrong_kind("access"));
        }
        Ok(BearerToken(token))
    }
}

/// The bearer token of `Authorization: Bearer <token>`, of whatever kind: the
/// verifying extractors (`Verified`, `LiveVerified`) check the kind themselves.
pub fn from_header(parts: &Parts) -> Result<Secret, ApiError> {
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
    Ok(Secret::new(token))
}

/// The `token_use` claim of a JWT, read without verifying it.
fn claims_token_use(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&json).ok()?;
    claims.get("token_use")?.as_str().map(str::to_owned)
}

/// WRONG_TOKEN_TYPE: a token of the pool's kind, but not the one the route takes.
pub fn wrong_kind(expected: &str) -> ApiError {
    let detail = if expected == "id" {
        "this is an access token: send the ID token (`tokens.idToken`) as the bearer"
    } else {
        "this is an ID token: send the access token (`tokens.accessToken`) as the bearer"
    };
    ApiError::new(ErrorCode::WrongTokenType, detail)
}

pub fn unauthenticated(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::Unauthenticated, detail)
}
