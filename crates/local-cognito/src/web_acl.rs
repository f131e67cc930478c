//! The web ACL a pool may have: the one `template.yaml` associates with the
//! deployed pool, which lets through only requests carrying the API's caller
//! key in a header, so that nobody but the API's functions reaches the pool's
//! public operations (a stolen access token cannot call SetUserMFAPreference
//! or DeleteUser around the API's step-up).
//!
//! As Cognito documents it ("Associate an AWS WAF web ACL with a user pool"),
//! the web ACL sees the public API operations: those authorized by a client
//! id, a session or an access token, not by AWS credentials. A blocked request
//! gets HTTP 403 `ForbiddenException` ("This exception is thrown when WAF
//! doesn't allow your request based on a web ACL that's associated with your
//! user pool"), with the message real pools answer. Only this one rule is
//! emulated, not AWS WAF's rule language.

use axum::http::HeaderMap;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{self, CognitoError};
pub use crate::model::WebAcl;

/// The header the deployed web ACL reads.
pub const CALLER_KEY_HEADER: &str = "x-auth-api-caller-key";

/// The operations a web ACL on the pool sees: Cognito's public API, authorized
/// without AWS credentials (the developer guide's "unauthenticated" and
/// "authorized with a user's access token or session" operations).
const PUBLIC_OPERATIONS: &[&str] = &[
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "RevokeToken",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "GetUser",
    "UpdateUserAttributes",
    "DeleteUser",
    "DeleteUserAttributes",
    "ChangePassword",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "GlobalSignOut",
    "SetUserMFAPreference",
    "SetUserSettings",
    "ConfirmDevice",
    "GetDevice",
    "ListDevices",
    "ForgetDevice",
    "UpdateDeviceStatus",
];

/// The block answer, when the pool the request is for has a web ACL that refuses it.
pub fn refusal(ctx: &Ctx, operation: &str, input: &Value, headers: &HeaderMap) -> Option<CognitoError> {
    if !PUBLIC_OPERATIONS.contains(&operation) {
        return None;
    }
    let acl = ctx.state.pools.get(&pool_of(ctx, input)?)?.web_acl.as_ref()?;
    let presented = headers.get(CALLER_KEY_HEADER).map(|value| value.as_bytes());
    let allowed = presented
        .is_some_and(|key| aws_lc_rs::constant_time::verify_slices_are_equal(key, acl.caller_key.as_bytes()).is_ok());
    (!allowed).then(|| error::forbidden("Request not allowed due to WAF block."))
}

/// The pool a request is for: the one it names, or by its client id, its access
/// token's issuer, or its session. None when it names no pool (Cognito then
/// refuses it on its own terms).
pub(crate) fn pool_of(ctx: &Ctx, input: &Value) -> Option<String> {
    let text = |name: &str| input.get(name).and_then(Value::as_str);
    if let Some(pool_id) = text("UserPoolId") {
        return Some(pool_id.to_owned());
    }
    if let Some(client_id) = text("ClientId") {
        return ctx.state.pools.values().find(|pool| pool.clients.contains_key(client_id)).map(|pool| pool.id.clone());
    }
    if let Some(token) = text("AccessToken") {
        let claims = ctx.env.keys.verify(token)?;
        let issuer = claims.get("iss")?.as_str()?;
        return issuer.strip_prefix(&format!("{}/", ctx.env.base_url)).map(str::to_owned);
    }
    let session = ctx.state.sessions.get(text("Session")?)?;
    Some(session.progress.pool_id.clone())
}
