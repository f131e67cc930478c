//! The whole /auth API on one port, for local work: the same router the Lambda
//! functions serve, plus `GET /_local/outbox`, the console at `/_local/`
//! (docs/console.md) and the pool's triggers under `/_local/triggers/`
//! (docs/triggers.md), which exist only here.
//!
//! Configured like a function (docs/api.md) and the triggers, plus PORT (default 3000).

use auth_api::{app, cognito, config::Config, telemetry};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    telemetry::init(&config.log_level, telemetry::LogFormat::detect());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| format!("PORT is invalid: {port}"))?,
        Err(_) => 3000,
    };
    let client = cognito::client(&config).await;
    let triggers = triggers::local::router(triggers::settings::Settings::from_env(), client.clone());
    let local_routes = local_server::local_routes(&config).merge(triggers);
    let app = local_server::at_loopback_only(local_routes.merge(app::full_router(app::AppState::new(config, client))));

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!("auth API listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
    Ok(())
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! { _ = interrupt => {}, _ = terminate.recv() => {} }
}
