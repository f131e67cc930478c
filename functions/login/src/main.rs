//! Lambda function for POST /auth/login. Behaviour lives in the auth-api crate.

use auth_api::{app, cognito, config::Config, routes::Function, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env()?;
    telemetry::init(&config.log_level, telemetry::LogFormat::Json);
    let client = cognito::client(&config).await;
    lambda_http::run(app::router(app::AppState::new(config, client), Function::Login)).await
}
