//! What every function's `main` does: read the configuration, start logging,
//! build the Cognito client once, and serve the function's routes with
//! lambda_http.

use crate::{app, cognito, config::Config, telemetry};

/// Serves `routes` (one function's, from crate::functions) with the shared layers.
pub async fn run(routes: axum::Router<app::AppState>) -> Result<(), lambda_http::Error> {
    lambda_common::panic_strategy::keep_marker();
    let config = Config::from_env()?;
    telemetry::init(&config.log_level, telemetry::LogFormat::Json);
    let client = cognito::client(&config).await;
    lambda_http::run(app::with_shared_layers(routes, app::AppState::new(config, client))).await
}
