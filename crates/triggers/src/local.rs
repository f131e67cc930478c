//! The triggers as HTTP routes, for the local Cognito, whose LambdaConfig then
//! names `<base>/_local/triggers/<function>`. Each answers as Lambda does to
//! Cognito: the event with its response, or `{"errorType","errorMessage"}`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};

use crate::{events, settings::Settings};

/// The path each trigger function is served on.
pub fn path(function: &str) -> String {
    format!("/_local/triggers/{function}")
}

struct Triggers {
    settings: Settings,
    cognito: aws_sdk_cognitoidentityprovider::Client,
    legacy_users: Arc<dyn crate::legacy::LegacyUsers>,
}

/// `cognito` is the client post confirmation and user migration call the pool with. Panics
/// when LEGACY_USERS_FILE names a file that is not a legacy users file.
pub fn router(settings: Settings, cognito: aws_sdk_cognitoidentityprovider::Client) -> Router {
    let legacy_users = settings.legacy_users().unwrap_or_else(|e| panic!("LEGACY_USERS_FILE: {e}"));
    Router::new()
        .route(&path("pre-sign-up"), post(pre_sign_up))
        .route(&path("post-confirmation"), post(post_confirmation))
        .route(&path("pre-token-generation"), post(pre_token_generation))
        .route(&path("user-migration"), post(user_migration))
        .route(&path("custom-message"), post(custom_message))
        .with_state(Arc::new(Triggers { settings, cognito, legacy_users }))
}

fn failed(error_type: &str, message: String) -> Response {
    let body = serde_json::json!({"errorType": error_type, "errorMessage": message});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

async fn pre_sign_up(State(triggers): State<Arc<Triggers>>, Json(event): Json<serde_json::Value>) -> Response {
    let Ok(event) = serde_json::from_value(event) else {
        return failed("InvalidEvent", "not a pre sign-up event".into());
    };
    match events::pre_sign_up(event, &triggers.settings.sign_up) {
        Ok(answer) => Json(answer).into_response(),
        Err(refused) => {
            let diagnostic = crate::lambda::refusal(refused);
            failed(&diagnostic.error_type, diagnostic.error_message)
        }
    }
}

async fn post_confirmation(State(triggers): State<Arc<Triggers>>, Json(event): Json<serde_json::Value>) -> Response {
    let Ok(event) = serde_json::from_value(event) else {
        return failed("InvalidEvent", "not a post confirmation event".into());
    };
    match events::post_confirmation(event, &triggers.cognito, triggers.settings.default_group.as_deref()).await {
        Ok(answer) => Json(answer).into_response(),
        Err(error) => {
            tracing::error!(%error, "post confirmation failed");
            failed("Error", error.to_string())
        }
    }
}

async fn pre_token_generation(State(triggers): State<Arc<Triggers>>, Json(event): Json<serde_json::Value>) -> Response {
    let Ok(event) = serde_json::from_value(event) else {
        return failed("InvalidEvent", "not a pre token generation event".into());
    };
    Json(events::pre_token_generation(event, &triggers.settings.admin_group)).into_response()
}

async fn user_migration(State(triggers): State<Arc<Triggers>>, Json(event): Json<serde_json::Value>) -> Response {
    let Ok(event) = serde_json::from_value(event) else {
        return failed("InvalidEvent", "not a user migration event".into());
    };
    let (policy, cognito) = (&triggers.settings.sign_up, Some(&triggers.cognito));
    match events::user_migration(event, triggers.legacy_users.clone(), policy, cognito).await {
        Ok(answer) => Json(answer).into_response(),
        Err(refused) => {
            let diagnostic = crate::lambda::not_migrated(refused);
            failed(&diagnostic.error_type, diagnostic.error_message)
        }
    }
}

async fn custom_message(Json(event): Json<serde_json::Value>) -> Response {
    let Ok(event) = serde_json::from_value(event) else {
        return failed("InvalidEvent", "not a custom message event".into());
    };
    Json(events::custom_message(event)).into_response()
}
