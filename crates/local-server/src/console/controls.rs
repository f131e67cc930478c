//! The console's controls beyond single operations: the local Cognito's clock,
//! read and moved, and "reset the pool".

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::upstream::{Answer, Failure, Upstream};
use crate::problem::problem;

/// GET /_local/clock: the local Cognito's `{now, offsetSeconds, frozen}`.
pub async fn clock(State(upstream): State<Upstream>) -> Response {
    passed_on(upstream.control("/_local/clock", None).await)
}

/// POST /_local/clock `{"seconds": N}`: moves it forward (never back).
pub async fn move_clock(State(upstream): State<Upstream>, body: Bytes) -> Response {
    passed_on(upstream.control("/_local/clock", Some(body)).await)
}

fn passed_on(answer: Result<Answer, Failure>) -> Response {
    match answer {
        Ok(Answer { status, body }) => (status, [(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => problem(StatusCode::SERVICE_UNAVAILABLE, "the local Cognito did not answer"),
    }
}

/// POST /_local/pool/reset: the pool as a developer starts testing again.
/// Every user but the admin group's members is deleted (make dev's admin is
/// one, and signs in as before), and the pool's messages leave the outbox.
/// The pool itself, its clients and groups stay, so the ids the running API
/// was started with still hold (the local Cognito's `/_local/reset` would
/// forget every pool). The clock stays where it is: it never moves back.
pub async fn reset_pool(State(upstream): State<Upstream>) -> Response {
    match reset(&upstream).await {
        Ok(done) => Json(done).into_response(),
        Err(Failure::Unreachable) => problem(StatusCode::SERVICE_UNAVAILABLE, "the local Cognito did not answer"),
        Err(Failure::Refused { operation, message }) => {
            tracing::warn!(operation, message, "the pool's reset stopped");
            let detail =
                format!("the reset stopped: the local Cognito refused {operation} (the server's log says why)");
            problem(StatusCode::BAD_GATEWAY, &detail)
        }
    }
}

async fn reset(upstream: &Upstream) -> Result<Value, Failure> {
    let pool = &*upstream.user_pool_id;
    // Who stays is read first, and a failure stops the reset: never delete the admins.
    let admins = json!({"UserPoolId": pool, "GroupName": &*upstream.admin_group});
    let kept = usernames(upstream, "ListUsersInGroup", admins).await?;
    let mut deleted = Vec::new();
    for username in usernames(upstream, "ListUsers", json!({"UserPoolId": pool})).await? {
        if !kept.contains(&username) {
            upstream.output("AdminDeleteUser", json!({"UserPoolId": pool, "Username": username})).await?;
            deleted.push(username);
        }
    }
    let clear =
        upstream.control("/_local/outbox/clear", Some(Bytes::from(json!({"userPoolId": pool}).to_string()))).await?;
    let removed: Value = serde_json::from_slice(&clear.body).unwrap_or_default();
    let mut kept: Vec<String> = kept.into_iter().collect();
    kept.sort();
    Ok(json!({"deleted": deleted, "kept": kept, "messagesRemoved": removed["removed"]}))
}

/// Every username a listing answers, over all its pages.
async fn usernames(upstream: &Upstream, operation: &'static str, input: Value) -> Result<HashSet<String>, Failure> {
    // ListUsers pages with PaginationToken, ListUsersInGroup with NextToken.
    let token_name = if operation == "ListUsers" { "PaginationToken" } else { "NextToken" };
    let mut names = HashSet::new();
    let mut token: Option<String> = None;
    loop {
        let mut page_input = input.clone();
        if let Some(token) = &token {
            page_input[token_name] = json!(token);
        }
        let output = upstream.output(operation, page_input).await?;
        let users = output["Users"].as_array().into_iter().flatten();
        names.extend(users.filter_map(|user| user["Username"].as_str().map(str::to_owned)));
        match output[token_name].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return Ok(names),
        }
    }
}
