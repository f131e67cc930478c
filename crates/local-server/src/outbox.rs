//! GET /_local/outbox: what Cognito would have sent, read from the local
//! Cognito. Pointed at a real pool there is no outbox, and the route says so.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::problem::problem;

#[derive(Clone)]
pub struct Outbox {
    url: Option<String>,
    http: reqwest::Client,
}

impl Outbox {
    pub fn new(cognito_endpoint: Option<String>) -> Self {
        Self { url: cognito_endpoint.map(|endpoint| format!("{endpoint}/_local/outbox")), http: reqwest::Client::new() }
    }
}

pub async fn list(State(outbox): State<Outbox>) -> Response {
    let Some(url) = &outbox.url else {
        return problem(StatusCode::NOT_FOUND, "there is no outbox: the server is using a real Cognito pool");
    };
    let fetched = async { outbox.http.get(url).send().await?.error_for_status()?.text().await }.await;
    match fetched {
        Ok(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(_) => problem(StatusCode::SERVICE_UNAVAILABLE, "the local Cognito did not answer"),
    }
}
