//! The HTTP application: the layers every route shares, around one function's
//! routes (functions.rs) or all of them (the local server), over the shared
//! state (state.rs).

use axum::extract::DefaultBodyLimit;
use axum::Router;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderName, HeaderValue, Method};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowCredentials, AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::body::MAX_BODY_BYTES;
use crate::error::{ApiError, ErrorCode};
use crate::middleware::{self, RequestIds, REQUEST_ID};
use crate::web_session::AUTH_MODE;
// Where the functions, the local server and backend teams have always found it.
pub use crate::state::AppState;

/// Every route, for the local server.
pub fn full_router(state: AppState) -> Router {
    with_shared_layers(crate::functions::every_route(), state)
}

/// 404, with the route meant when the path is one with a trailing slash.
fn no_route(path: &str) -> ApiError {
    let trimmed = path.trim_end_matches('/');
    let names_a_route = |route: &str| {
        let (a, b) = (route.split('/'), trimmed.split('/'));
        route.split('/').count() == trimmed.split('/').count()
            && a.zip(b).all(|(want, got)| want == got || (want.starts_with('{') && !got.is_empty()))
    };
    // The route's pattern, not the path sent: nothing of the request is echoed.
    let meant = crate::routes::ROUTES.iter().find(|route| trimmed.len() < path.len() && names_a_route(route.path));
    if let Some(route) = meant {
        let detail = format!("no route matches this path: routes end without `/` ({})", route.path);
        return ApiError::new(ErrorCode::NotFound, detail);
    }
    ApiError::new(ErrorCode::NotFound, "no route matches this path")
}

/// The layers every route shares (request ids, no-store, problem bodies, CORS, the
/// body limit, a panic as a 500 problem) and the 404 and 405 fallbacks.
pub fn with_shared_layers(router: Router<AppState>, state: AppState) -> Router {
    let cors = cors_layer(&state.config().cors_allowed_origins);
    let listed_only = cors.as_ref().map(|_| {
        let origins: std::sync::Arc<[String]> = state.config().cors_allowed_origins.clone().into();
        axum::middleware::from_fn_with_state(origins, middleware::cors_for_listed_origins_only)
    });
    router
        .fallback(|uri: axum::http::Uri| async move { no_route(uri.path()) })
        .method_not_allowed_fallback(|| async {
            ApiError::new(ErrorCode::MethodNotAllowed, "this route does not take this method")
        })
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(middleware::drop_inbound_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RequestIds))
                // Answers carry tokens, sessions and personal data: no cache may keep them.
                .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .option_layer(listed_only)
                .option_layer(cors)
                .layer(axum::middleware::from_fn(middleware::finish_response))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
                // Innermost: a handler's panic becomes an ApiError the layers above finish.
                .layer(CatchPanicLayer::custom(panicked)),
        )
        .with_state(state)
}

/// A handler that panicked answers one 500 problem, and the process serves the next
/// request: the deployed profile unwinds (Cargo.toml, docs/deployment.md), and
/// lambda_http would otherwise report the invocation failed (API Gateway's bare 502).
/// The panic's message went to standard error through the panic hook; none of it
/// is in the answer.
fn panicked(_payload: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    ApiError::new(ErrorCode::Internal, "the request failed inside the API").into_response()
}

/// No CORS headers at all unless origins are configured. Listed origins may send
/// credentials (cookie sessions, web_session.rs) and the X-Auth-Mode header.
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    // Config checked every origin at start.
    let origins = origins.iter().map(|origin| origin.parse().expect("a checked origin")).collect::<Vec<HeaderValue>>();
    let listed = origins.clone();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            // Never with `*` (config refuses it); and only to a listed origin.
            .allow_credentials(AllowCredentials::predicate(move |origin, _| listed.contains(origin)))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH])
            .allow_headers([AUTHORIZATION, CONTENT_TYPE, AUTH_MODE.clone()])
            .expose_headers([REQUEST_ID.clone(), RETRY_AFTER, HeaderName::from_static("www-authenticate")])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
