//! The local server's own routes, beside the API's router and the triggers:
//! `GET /_local/outbox` and the console under `/_local/` (docs/console.md).
//! They exist only here, never in a Lambda function; pointed at a real pool
//! (no COGNITO_ENDPOINT_URL) they answer 404.

use auth_api::config::Config;
use axum::routing::get;
use axum::Router;

pub mod console;
pub mod loopback;
pub mod outbox;
mod problem;

/// `app` answering only at a loopback name (loopback.rs).
pub fn at_loopback_only(app: Router) -> Router {
    app.layer(axum::middleware::from_fn(loopback::loopback_only))
}

/// The outbox and the console, for the pool `config` names.
pub fn local_routes(config: &Config) -> Router {
    let outbox = outbox::Outbox::new(config.endpoint_url.clone());
    Router::new()
        .route("/_local/outbox", get(outbox::list))
        .with_state(outbox)
        .merge(console::routes(console::Settings::from_config(config)))
}
