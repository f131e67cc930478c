//! The local Cognito as the console's actions reach it: Cognito's JSON protocol
//! with the caller key added here, server-side (the page never sees the key),
//! and its `/_local/*` controls.

use std::sync::Arc;

use auth_api::caller_key;
use auth_api::config::Secret;
use axum::body::Bytes;
use axum::http::StatusCode;
use serde_json::Value;

use super::Settings;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

#[derive(Clone)]
pub struct Upstream {
    url: String,
    pub user_pool_id: Arc<str>,
    pub admin_group: Arc<str>,
    caller_key: Option<Secret>,
    http: reqwest::Client,
}

/// An answer as the local Cognito gave it: its status and body.
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

/// The local Cognito did not answer, or answered with an error.
#[derive(Debug)]
pub enum Failure {
    Unreachable,
    Refused { operation: &'static str, message: String },
}

impl Upstream {
    pub fn new(url: String, settings: &Settings) -> Self {
        Self {
            url,
            user_pool_id: settings.user_pool_id.as_str().into(),
            admin_group: settings.admin_group.as_str().into(),
            caller_key: settings.caller_key.clone(),
            http: reqwest::Client::new(),
        }
    }

    /// One Cognito operation, answered as it is.
    pub async fn call(&self, operation: &str, input: &Value) -> Result<Answer, Failure> {
        let mut request = self
            .http
            .post(&self.url)
            .header("x-amz-target", format!("{TARGET_PREFIX}{operation}"))
            .header("content-type", AMZ_JSON)
            .body(input.to_string());
        // As auth_api::caller_key adds it to every call the functions make.
        if let Some(key) = &self.caller_key {
            request = request.header(caller_key::HEADER, key.expose());
        }
        answer(request).await
    }

    /// One Cognito operation that must succeed, its output read.
    pub async fn output(&self, operation: &'static str, input: Value) -> Result<Value, Failure> {
        let answer = self.call(operation, &input).await?;
        let output: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        if !answer.status.is_success() {
            let message = output["message"].as_str().unwrap_or("no message").to_owned();
            return Err(Failure::Refused { operation, message });
        }
        Ok(output)
    }

    /// One of the local Cognito's own controls, such as `/_local/clock`.
    pub async fn control(&self, path: &str, body: Option<Bytes>) -> Result<Answer, Failure> {
        let url = format!("{}{path}", self.url);
        let request = match body {
            Some(body) => self.http.post(url).header("content-type", "application/json").body(body),
            None => self.http.get(url),
        };
        answer(request).await
    }
}

async fn answer(request: reqwest::RequestBuilder) -> Result<Answer, Failure> {
    let response = request.send().await.map_err(|_| Failure::Unreachable)?;
    let status = response.status();
    let body = response.bytes().await.map_err(|_| Failure::Unreachable)?;
    Ok(Answer { status, body })
}
