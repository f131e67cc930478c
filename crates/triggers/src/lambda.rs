//! What each trigger function's `main` does: read its settings, start JSON
//! logs, and serve its events with lambda_runtime.

use lambda_runtime::{service_fn, Diagnostic, Error, LambdaEvent};

use crate::{events, settings::Settings};

fn init_logs() {
    lambda_common::panic_strategy::keep_marker();
    // Events carry user attributes: log outcomes, never events.
    let level = std::env::var("LOG_LEVEL").ok().filter(|l| !l.is_empty()).unwrap_or_else(|| "info".into());
    tracing_subscriber::fmt().json().with_env_filter(tracing_subscriber::EnvFilter::new(level)).without_time().init();
}

/// A rule's refusal as Lambda reports it; Cognito passes errorMessage on to the caller.
pub(crate) fn refusal(refused: crate::rules::Rejection) -> Diagnostic {
    tracing::info!(reason = %refused, "sign-up refused");
    Diagnostic { error_type: "SignUpRefused".into(), error_message: refused.0 }
}

pub async fn run_pre_sign_up() -> Result<(), Error> {
    init_logs();
    let settings = &Settings::from_env();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        events::pre_sign_up(event.payload, &settings.sign_up).map_err(refusal)
    }))
    .await
}

pub async fn run_post_confirmation() -> Result<(), Error> {
    init_logs();
    let settings = &Settings::from_env();
    let cognito = &cognito_client(settings).await;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        events::post_confirmation(event.payload, cognito, settings.default_group.as_deref()).await
    }))
    .await
}

/// The trigger's Cognito client, from the one builder every function uses: the
/// compiled-in Amazon roots, and each call bounded (retries included) well inside
/// the 5 s Cognito waits for a trigger.
pub async fn cognito_client(settings: &Settings) -> aws_sdk_cognitoidentityprovider::Client {
    lambda_common::aws_clients::cognito_client(&lambda_common::aws_clients::Settings {
        region: &settings.region,
        endpoint_url: settings.cognito_endpoint_url.as_deref(),
        timeout: settings.cognito_timeout,
    })
    .await
}

pub async fn run_pre_token_generation() -> Result<(), Error> {
    init_logs();
    let settings = &Settings::from_env();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        Ok::<_, Error>(events::pre_token_generation(event.payload, &settings.admin_group))
    }))
    .await
}

pub async fn run_user_migration() -> Result<(), Error> {
    init_logs();
    let settings = &Settings::from_env();
    let store = settings.legacy_users()?;
    // ListUsers: whether another user of the pool holds a migrated user's email.
    let cognito = &cognito_client(settings).await;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| {
        let store = store.clone();
        // The event holds the password: only the outcome is logged.
        async move {
            events::user_migration(event.payload, store, &settings.sign_up, Some(cognito)).await.map_err(not_migrated)
        }
    }))
    .await
}

/// A migration that did not happen, as Lambda reports it: one message for every cause.
pub(crate) fn not_migrated(refused: crate::rules::Rejection) -> Diagnostic {
    tracing::info!("user not migrated");
    Diagnostic { error_type: "UserNotMigrated".into(), error_message: refused.0 }
}

pub async fn run_custom_message() -> Result<(), Error> {
    init_logs();
    lambda_runtime::run(service_fn(|event: LambdaEvent<_>| async move {
        // The event holds the code's placeholder, never the code; still, log no event.
        Ok::<_, Error>(events::custom_message(event.payload))
    }))
    .await
}
