//! What each trigger function's `main` does: read its settings, start JSON
//! logs, and serve its events with lambda_runtime.

use lambda_runtime::{service_fn, Diagnostic, Error, LambdaEvent};

use crate::{events, settings::Settings};

fn init_logs() {
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
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let cognito = &aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        events::post_confirmation(event.payload, cognito, settings.default_group.as_deref()).await
    }))
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
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    // ListUsers: whether another user of the pool holds a migrated user's email.
    let cognito = &aws_sdk_cognitoidentityprovider::Client::new(&sdk);
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
