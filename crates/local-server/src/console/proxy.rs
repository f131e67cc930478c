//! `POST /_local/cognito`: one Cognito operation for the console's page, sent
//! on with the caller key. Only the operations the page uses pass, and only on
//! the API's own pool: the page can list, confirm, disable, enable and delete
//! that pool's users and read its settings, nothing else (no other pool, no
//! password set, no sign-in on someone's behalf).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::upstream::{Answer, Upstream};
use crate::problem::problem;

/// What the page calls; every one names its pool by UserPoolId.
pub const OPERATIONS: &[&str] = &[
    "DescribeUserPool",
    "GetUserPoolMfaConfig",
    "ListUserPoolClients",
    "DescribeUserPoolClient",
    "ListGroups",
    "ListUsers",
    "AdminGetUser",
    "AdminListGroupsForUser",
    "AdminListDevices",
    "AdminConfirmSignUp",
    "AdminDisableUser",
    "AdminEnableUser",
    "AdminDeleteUser",
];

/// What stands in for a client secret: the page shows only that there is one.
pub const HIDDEN: &str = "(hidden by the local console)";

pub async fn forward(State(upstream): State<Upstream>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let operation = target.strip_prefix("AWSCognitoIdentityProviderService.").unwrap_or_default();
    if !OPERATIONS.contains(&operation) {
        // The target is not echoed: it is the caller's text.
        return problem(StatusCode::FORBIDDEN, "the local console does not use this operation");
    }
    let mut input: Value =
        if body.is_empty() { json!({}) } else { serde_json::from_slice(&body).unwrap_or(Value::Null) };
    let Some(fields) = input.as_object_mut() else {
        return problem(StatusCode::BAD_REQUEST, "the body is not a JSON object");
    };
    // The page may leave the pool out; naming another is refused.
    match fields.get("UserPoolId") {
        None => drop(fields.insert("UserPoolId".into(), json!(&*upstream.user_pool_id))),
        Some(named) if named.as_str() == Some(&upstream.user_pool_id) => {}
        Some(_) => return problem(StatusCode::FORBIDDEN, "the local console works on the API's own user pool only"),
    }
    match upstream.call(operation, &input).await {
        Ok(answer) if operation == "DescribeUserPoolClient" && answer.status.is_success() => {
            amz_json(answer.status, without_secret(&answer.body))
        }
        Ok(Answer { status, body }) => amz_json(status, body),
        Err(_) => problem(StatusCode::SERVICE_UNAVAILABLE, "the local Cognito did not answer"),
    }
}

/// A client as DescribeUserPoolClient answers it, its secret replaced.
fn without_secret(body: &[u8]) -> Bytes {
    let mut output: Value = serde_json::from_slice(body).unwrap_or_default();
    if let Some(secret) = output.pointer_mut("/UserPoolClient/ClientSecret") {
        *secret = json!(HIDDEN);
    }
    Bytes::from(output.to_string())
}

fn amz_json(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-amz-json-1.1"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_secret_never_reaches_the_page() {
        let body = json!({"UserPoolClient": {"ClientId": "c", "ClientSecret": "s3cr3t-value"}}).to_string();
        let shown = without_secret(body.as_bytes());
        let text = std::str::from_utf8(&shown).unwrap();
        assert!(!text.contains("s3cr3t-value"));
        assert!(text.contains(HIDDEN));
    }

    #[test]
    fn a_client_without_a_secret_gets_none() {
        let body = json!({"UserPoolClient": {"ClientId": "c"}}).to_string();
        let shown: Value = serde_json::from_slice(&without_secret(body.as_bytes())).unwrap();
        assert!(shown["UserPoolClient"].get("ClientSecret").is_none());
    }
}
