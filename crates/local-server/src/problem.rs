//! The problem+json answers of the local-only routes, shaped like the API's.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub fn problem(status: StatusCode, detail: &str) -> Response {
    let body =
        serde_json::json!({ "type": "about:blank", "title": detail, "status": status.as_u16(), "detail": detail });
    (status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response()
}
