//! A stand-in for Secrets Manager's GetSecretValue, over its wire protocol
//! (AWS JSON 1.1), so the client-secret tests read through the real SDK
//! without another emulator. It knows only the secrets a test puts in it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

#[derive(Clone, Default)]
pub struct SecretsManager {
    pub url: String,
    secrets: Arc<Mutex<HashMap<String, String>>>,
}

impl SecretsManager {
    pub async fn start() -> Self {
        let secrets: Arc<Mutex<HashMap<String, String>>> = Arc::default();
        let router = Router::new().route("/", post(get_secret_value)).with_state(secrets.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
        Self { url, secrets }
    }

    /// Stores a secret and returns its ARN.
    pub fn put(&self, name: &str, value: &str) -> String {
        let arn = format!("arn:aws:secretsmanager:us-east-1:123456789012:secret:{name}-AbCdEf");
        self.secrets.lock().unwrap().insert(arn.clone(), value.to_owned());
        arn
    }
}

async fn get_secret_value(
    State(secrets): State<Arc<Mutex<HashMap<String, String>>>>,
    headers: HeaderMap,
    body: String,
) -> impl IntoResponse {
    let target = headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let request: Value = serde_json::from_str(&body).unwrap_or_default();
    let id = request["SecretId"].as_str().unwrap_or_default();
    let found = secrets.lock().unwrap().get(id).cloned();
    let (status, error_type, body) = match (target, found) {
        ("secretsmanager.GetSecretValue", Some(value)) => (
            StatusCode::OK,
            None,
            json!({"ARN": id, "Name": id, "SecretString": value, "VersionId": "v1", "CreatedDate": 1.7e9}),
        ),
        ("secretsmanager.GetSecretValue", None) => (
            StatusCode::BAD_REQUEST,
            Some("ResourceNotFoundException"),
            json!({"__type": "ResourceNotFoundException", "message": "Secrets Manager can't find the specified secret."}),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            Some("UnknownOperationException"),
            json!({"__type": "UnknownOperationException", "message": target}),
        ),
    };
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
    if let Some(error_type) = error_type {
        response.headers_mut().insert("x-amzn-errortype", error_type.parse().unwrap());
    }
    response
}
