//! What happens to every response: request ids, problem bodies, one log line.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderName;
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing::Instrument;

use crate::error::ApiError;

pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// API Gateway's request id inside Lambda, so logs and answers match its
/// access log; a fresh UUID elsewhere.
#[derive(Clone, Copy, Default)]
pub struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, request: &http::Request<B>) -> Option<RequestId> {
        let from_gateway = match request.extensions().get::<lambda_http::request::RequestContext>() {
            Some(lambda_http::request::RequestContext::ApiGatewayV1(context)) => context.request_id.clone(),
            Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
            _ => None,
        };
        let id = from_gateway.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        id.parse().ok().map(RequestId::new)
    }
}

/// A caller's own `x-request-id` is never trusted: it is dropped before the
/// API's id is set (tower-http keeps an id already present).
pub async fn drop_inbound_request_id(mut request: Request, next: Next) -> Response {
    request.headers_mut().remove(&REQUEST_ID);
    next.run(request).await
}

/// Another origin's request gets no CORS header at all: tower-http's CorsLayer
/// leaves out only Allow-Origin (and, here, Allow-Credentials) for it, and would
/// still list the methods and headers the API takes.
pub async fn cors_for_listed_origins_only(
    axum::extract::State(origins): axum::extract::State<std::sync::Arc<[String]>>,
    request: Request,
    next: Next,
) -> Response {
    let listed = request
        .headers()
        .get(http::header::ORIGIN)
        .is_some_and(|origin| origins.iter().any(|listed| listed.as_bytes() == origin.as_bytes()));
    let mut response = next.run(request).await;
    if !listed {
        let cors: Vec<HeaderName> =
            response.headers().keys().filter(|name| name.as_str().starts_with("access-control-")).cloned().collect();
        for name in cors {
            response.headers_mut().remove(name);
        }
    }
    response
}

/// Writes the problem body of an [`ApiError`] (the one place that knows the
/// request id) and logs one line per request: id, route, status, latency.
/// Bodies are never logged.
pub async fn finish_response(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();

    // Lines logged while handling (a Cognito failure, say) carry the request id too.
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut response = next.run(request).instrument(span).await;

    let error = response.extensions_mut().remove::<ApiError>();
    if let Some(error) = &error {
        let body = serde_json::to_vec(&error.problem(&request_id)).expect("problems serialize");
        *response.body_mut() = Body::from(body);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_micros() as f64 / 1000.0;
    let code = error.as_ref().map_or("", |e| e.code.as_str());
    if status >= 500 {
        tracing::error!(request_id, %method, route, status, code, latency_ms, detail = error.as_ref().map_or("", |e| e.detail.as_str()), "request");
    } else {
        tracing::info!(request_id, %method, route, status, code, latency_ms, "request");
    }
    response
}
