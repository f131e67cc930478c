//! The local controls under `/_local/`, and each pool's public key set and
//! OpenID configuration as Cognito serves them.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::emulator::Emulator;
use crate::faults::Arm;
use crate::ops;
use crate::seed::SeedOptions;

pub fn routes() -> Router<Emulator> {
    Router::new()
        .route("/_local/pools", post(create_pool))
        .route("/_local/outbox", get(outbox))
        .route("/_local/outbox/clear", post(clear_outbox))
        .route("/_local/clock", get(clock).post(advance_clock))
        .route("/_local/reset", post(reset))
        .route("/_local/faults", get(faults).post(arm_fault).delete(clear_faults))
        .route("/_local/faults/{id}", delete(clear_fault))
}

/// GET /_local/faults: every armed fault, oldest first, with what it has struck.
async fn faults(State(emulator): State<Emulator>) -> Response {
    Json(emulator.faults().list()).into_response()
}

/// POST /_local/faults: arms a fault (docs/local-cognito.md); answers it with its id.
async fn arm_fault(State(emulator): State<Emulator>, body: Result<Json<Arm>, JsonRejection>) -> Response {
    let fault = body
        .map_err(|rejection| rejection.body_text())
        .and_then(|Json(arm)| arm.fault(|name| ops::find(name).is_some()));
    match fault {
        Ok(fault) => (StatusCode::CREATED, Json(emulator.faults().arm(fault))).into_response(),
        Err(why) => (StatusCode::BAD_REQUEST, Json(json!({"message": why}))).into_response(),
    }
}

/// DELETE /_local/faults: disarms every fault; answers how many went.
async fn clear_faults(State(emulator): State<Emulator>) -> Response {
    Json(json!({"removed": emulator.faults().clear(None)})).into_response()
}

/// DELETE /_local/faults/{id}: disarms one fault.
async fn clear_fault(State(emulator): State<Emulator>, Path(id): Path<u64>) -> Response {
    match emulator.faults().clear(Some(id)) {
        0 => (StatusCode::NOT_FOUND, Json(json!({"message": format!("no fault {id} is armed")}))).into_response(),
        removed => Json(json!({"removed": removed})).into_response(),
    }
}

/// POST /_local/pools: a pool like the deployed one; answers its ids.
async fn create_pool(State(emulator): State<Emulator>, body: Option<Json<SeedOptions>>) -> Response {
    let options = body.map(|Json(options)| options).unwrap_or_default();
    match emulator.seed(&options) {
        Ok(ids) => (StatusCode::CREATED, Json(ids)).into_response(),
        Err(error) => error.into_response(),
    }
}

/// GET /_local/outbox: every message Cognito would have sent, oldest first.
async fn outbox(State(emulator): State<Emulator>) -> Response {
    let messages = emulator.with_state(|ctx| ctx.state.outbox.clone());
    Json(messages).into_response()
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Clear {
    user_pool_id: Option<String>,
}

/// POST /_local/outbox/clear: forgets the messages sent so far, every one, or
/// with `{"userPoolId"}` that pool's and the notices (which name no pool), so
/// that other pools kept in the same state keep theirs. Answers how many went.
async fn clear_outbox(State(emulator): State<Emulator>, body: Option<Json<Clear>>) -> Response {
    let Clear { user_pool_id } = body.map(|Json(clear)| clear).unwrap_or_default();
    let removed = emulator.with_state(|ctx| {
        let before = ctx.state.outbox.len();
        match &user_pool_id {
            Some(pool_id) => ctx.state.outbox.retain(|m| !(m.user_pool_id == *pool_id || m.user_pool_id.is_empty())),
            None => ctx.state.outbox.clear(),
        }
        before - ctx.state.outbox.len()
    });
    Json(json!({"removed": removed})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    seconds: u32,
}

async fn clock(State(emulator): State<Emulator>) -> Response {
    let clock = emulator.clock();
    Json(json!({"now": clock.now(), "offsetSeconds": clock.offset(), "frozen": clock.is_frozen()})).into_response()
}

/// POST /_local/clock {"seconds": N}: every expiry follows the moved clock.
async fn advance_clock(State(emulator): State<Emulator>, Json(advance): Json<Advance>) -> Response {
    let offset = emulator.advance_clock(advance.seconds);
    Json(json!({"now": emulator.clock().now(), "offsetSeconds": offset})).into_response()
}

async fn reset(State(emulator): State<Emulator>) -> StatusCode {
    emulator.reset();
    StatusCode::NO_CONTENT
}

pub async fn jwks(State(emulator): State<Emulator>, Path(pool_id): Path<String>) -> Response {
    if !emulator.with_state(|ctx| ctx.state.pools.contains_key(&pool_id)) {
        return pool_not_found(&pool_id);
    }
    // Key generation may still be running on its thread: wait off the runtime.
    let keys = emulator.env().keys.clone();
    let set = tokio::task::spawn_blocking(move || keys.jwks()).await.expect("the key set is built");
    Json(set).into_response()
}

pub async fn openid_configuration(State(emulator): State<Emulator>, Path(pool_id): Path<String>) -> Response {
    if !emulator.with_state(|ctx| ctx.state.pools.contains_key(&pool_id)) {
        return pool_not_found(&pool_id);
    }
    let issuer = format!("{}/{pool_id}", emulator.env().base_url);
    Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public"],
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["sub", "email", "email_verified", "phone_number", "phone_number_verified", "cognito:username", "cognito:groups"],
    }))
    .into_response()
}

fn pool_not_found(pool_id: &str) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"message": format!("User pool {pool_id} does not exist.")}))).into_response()
}
