//! What every function's `main` does: read the configuration, start logging,
//! build the Cognito client once, and serve the function's routes with
//! lambda_http.

use crate::routes::Function;
use crate::{app, cognito, config::Config, telemetry};

pub async fn run(function: Function) -> Result<(), lambda_http::Error> {
    serve(|state| app::router(state, function)).await
}

/// What `run` does, with the router `router` builds from the state: for a test
/// function with routes of its own (tests/src/bin/panicking-function.rs).
pub async fn serve(router: impl FnOnce(app::AppState) -> axum::Router) -> Result<(), lambda_http::Error> {
    lambda_common::panic_strategy::keep_marker();
    let config = Config::from_env()?;
    telemetry::init(&config.log_level, telemetry::LogFormat::Json);
    let client = cognito::client(&config).await;
    lambda_http::run(router(app::AppState::new(config, client))).await
}
