//! What every function's `main` does: read the configuration, start logging,
//! build the Cognito client once, and serve the function's routes with
//! lambda_http.

use crate::routes::Function;
use crate::{app, cognito, config::Config, telemetry};

pub async fn run(function: Function) -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(&config.log_level, telemetry::LogFormat::Json);
    let client = cognito::client(&config).await;
    lambda_http::run(app::router(app::AppState::new(config, client), function)).await
}
