//! What each trigger function's `main` does: read its settings, start JSON
//! logs, and serve its events with lambda_runtime.

use lambda_runtime::{service_fn, Diagnostic, Error, LambdaEvent};

use crate::{events, rules::SignUpPolicy};

fn setting(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn init_logs() {
    // Events carry user attributes: log outcomes, never events.
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new(setting("LOG_LEVEL").unwrap_or_else(|| "info".into())))
        .without_time()
        .init();
}

/// ALLOWED_EMAIL_DOMAINS and INVITED_EMAIL_DOMAINS, comma-separated.
pub async fn run_pre_sign_up() -> Result<(), Error> {
    init_logs();
    let policy = SignUpPolicy::from_lists(
        &setting("ALLOWED_EMAIL_DOMAINS").unwrap_or_default(),
        &setting("INVITED_EMAIL_DOMAINS").unwrap_or_default(),
    );
    let policy = &policy;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        events::pre_sign_up(event.payload, policy).map_err(|refused| {
            tracing::info!(reason = %refused, "sign-up refused");
            // Cognito passes errorMessage on to the caller; errorType stays in the logs.
            Diagnostic { error_type: "SignUpRefused".into(), error_message: refused.0 }
        })
    }))
    .await
}

/// DEFAULT_GROUP: the group a confirmed sign-up joins.
pub async fn run_post_confirmation() -> Result<(), Error> {
    init_logs();
    let default_group = setting("DEFAULT_GROUP");
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let (cognito, default_group) = (&cognito, default_group.as_deref());
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        events::post_confirmation(event.payload, cognito, default_group).await
    }))
    .await
}

/// ADMIN_GROUP: the group whose members get `app_role: admin`.
pub async fn run_pre_token_generation() -> Result<(), Error> {
    init_logs();
    let admin_group = setting("ADMIN_GROUP").unwrap_or_else(|| "admin".into());
    let admin_group = admin_group.as_str();
    lambda_runtime::run(service_fn(move |event: LambdaEvent<_>| async move {
        Ok::<_, Error>(events::pre_token_generation(event.payload, admin_group))
    }))
    .await
}
