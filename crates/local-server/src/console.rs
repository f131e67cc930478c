//! The local console at `/_local/` (docs/console.md): one static page (HTML,
//! CSS and plain JavaScript beside this file, compiled in) that shows the local
//! pool's users, the outbox as an inbox, the clock and the pool's settings, and
//! acts on them through the local Cognito's own API.
//!
//! The page never holds the caller key: it calls this server (`proxy`), which
//! adds the key, and only for the operations the page uses, on the API's own
//! pool, from the page's own origin (`guard`). Nothing of it is deployed.

use auth_api::config::{Config, Secret};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum::Router;

use crate::problem::problem;

mod controls;
mod guard;
mod proxy;
mod upstream;

pub use guard::CONSOLE_HEADER;
pub use proxy::{HIDDEN, OPERATIONS};
use upstream::Upstream;

const PAGE: &str = include_str!("console/index.html");
const SCRIPT: &str = include_str!("console/console.js");
const STYLE: &str = include_str!("console/console.css");

/// The page loads only its own script and style, and may be framed by no one.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// What the console needs of the server's settings. Never the client secret.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The local Cognito; None when the server points at a real pool.
    pub cognito_url: Option<String>,
    pub user_pool_id: String,
    /// Its members survive "reset the pool" (make dev's admin is one).
    pub admin_group: String,
    pub caller_key: Option<Secret>,
}

impl Settings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            cognito_url: config.endpoint_url.clone(),
            user_pool_id: config.user_pool_id.clone(),
            admin_group: config.admin_group.clone(),
            caller_key: config.caller_key.clone(),
        }
    }
}

/// The page, its two files, and what it calls; all 404 against a real pool.
pub fn routes(settings: Settings) -> Router {
    let Some(cognito_url) = settings.cognito_url.clone() else {
        return ["/_local", "/_local/", "/_local/console.js", "/_local/console.css"]
            .into_iter()
            .chain(["/_local/cognito", "/_local/clock", "/_local/pool/reset"])
            .fold(Router::new(), |router, path| router.route(path, any(not_here)));
    };
    let upstream = Upstream::new(cognito_url, &settings);
    let actions = Router::new()
        .route("/_local/cognito", post(proxy::forward))
        .route("/_local/clock", get(controls::clock).post(controls::move_clock))
        .route("/_local/pool/reset", post(controls::reset_pool))
        .layer(middleware::from_fn(guard::same_origin_only))
        .with_state(upstream);
    Router::new()
        .route("/_local", get(|| async { Redirect::to("/_local/") }))
        .route("/_local/", get(|| async { file("text/html; charset=utf-8", PAGE) }))
        .route("/_local/console.js", get(|| async { file("text/javascript; charset=utf-8", SCRIPT) }))
        .route("/_local/console.css", get(|| async { file("text/css; charset=utf-8", STYLE) }))
        .merge(actions)
}

fn file(content_type: &'static str, body: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn not_here() -> Response {
    problem(StatusCode::NOT_FOUND, "there is no console: the server is using a real Cognito pool")
}
