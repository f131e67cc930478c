//! The HTTP application: state, the router built from the route table, and
//! the layers every route shares. Lambda functions and the local server both
//! serve what `router` returns.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::Client;
use axum::extract::DefaultBodyLimit;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, X_CONTENT_TYPE_OPTIONS};
use http::{HeaderName, HeaderValue, Method};
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::body::MAX_BODY_BYTES;
use crate::client_rules::ClientRules;
use crate::config::{Config, Secret};
use crate::error::{ApiError, ErrorCode};
use crate::handlers;
use crate::jwt::AccessTokenVerifier;
use crate::live::LiveCheck;
use crate::middleware::{self, RequestIds, REQUEST_ID};
use crate::pool_rules::PoolRules;
use crate::routes::{routes_of, Function, Operation, ROUTES};
use crate::secret_hash::secret_hash;
use crate::stored_secret::StoredSecret;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    config: Config,
    cognito: Client,
    access_tokens: Arc<AccessTokenVerifier>,
    live: Arc<LiveCheck>,
    client_secret: StoredSecret,
    sign_up_client_secret: StoredSecret,
    device_secret: StoredSecret,
    /// Read on first use, then kept for the execution environment.
    pool_rules: tokio::sync::OnceCell<PoolRules>,
    client_rules: tokio::sync::OnceCell<ClientRules>,
}

impl AppState {
    pub fn new(config: Config, cognito: Client) -> Self {
        let access_tokens = Arc::new(
            AccessTokenVerifier::new(config.jwks_url(), config.issuer(), config.client_id.clone())
                .with_fetch_timeout(config.cognito_timeout),
        );
        let client_secret = StoredSecret::new("COGNITO_CLIENT_SECRET_ARN", config.client_secret.clone());
        let sign_up_client_secret =
            StoredSecret::new("COGNITO_SIGN_UP_CLIENT_SECRET_ARN", config.sign_up_client_secret.clone());
        let device_secret = StoredSecret::new("DEVICE_SECRET_ARN", config.device_secret.clone());
        let (pool_rules, client_rules) = (tokio::sync::OnceCell::new(), tokio::sync::OnceCell::new());
        let live = Arc::new(LiveCheck::new(cognito.clone(), config.user_pool_id.clone(), config.admin_group.clone()));
        Self(Arc::new(Inner {
            config,
            cognito,
            access_tokens,
            live,
            client_secret,
            device_secret,
            sign_up_client_secret,
            pool_rules,
            client_rules,
        }))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn cognito(&self) -> &Client {
        &self.0.cognito
    }

    pub fn access_tokens(&self) -> &AccessTokenVerifier {
        &self.0.access_tokens
    }

    /// The app client's secret, when it has one.
    pub async fn client_secret(&self) -> Result<Option<&Secret>, ApiError> {
        self.0.client_secret.get(self.config()).await
    }

    /// The key device passwords are derived from, when devices are remembered.
    pub async fn device_secret(&self) -> Result<Option<&Secret>, ApiError> {
        self.0.device_secret.get(self.config()).await
    }

    /// The pool's password policy and code delivery (DescribeUserPool, once).
    pub async fn pool_rules(&self) -> Result<&PoolRules, ApiError> {
        self.0.pool_rules.get_or_try_init(|| PoolRules::describe(self.cognito(), &self.config().user_pool_id)).await
    }

    /// The sign-up client's WriteAttributes (DescribeUserPoolClient, once).
    pub async fn client_rules(&self) -> Result<&ClientRules, ApiError> {
        let pool = &self.config().user_pool_id;
        self.0
            .client_rules
            .get_or_try_init(|| ClientRules::describe(self.cognito(), pool, self.sign_up_client_id()))
            .await
    }

    /// The SECRET_HASH to send for `username`, when the app client has a secret.
    pub async fn secret_hash(&self, username: &str) -> Result<Option<String>, ApiError> {
        let secret = self.0.client_secret.get(self.config()).await?;
        Ok(secret.map(|secret| secret_hash(username, &self.config().client_id, secret)))
    }

    /// The app client sign-up goes through: the sign-up client when configured.
    pub fn sign_up_client_id(&self) -> &str {
        self.config().sign_up_client_id.as_deref().unwrap_or(&self.config().client_id)
    }

    /// The SECRET_HASH for `username` on the sign-up client, when it has a secret.
    pub async fn sign_up_secret_hash(&self, username: &str) -> Result<Option<String>, ApiError> {
        if self.config().sign_up_client_id.is_none() {
            return self.secret_hash(username).await;
        }
        let secret = self.0.sign_up_client_secret.get(self.config()).await?;
        Ok(secret.map(|secret| secret_hash(username, self.sign_up_client_id(), secret)))
    }
}

/// The token verifier, for [`crate::verified::Verified`].
impl axum::extract::FromRef<AppState> for Arc<AccessTokenVerifier> {
    fn from_ref(state: &AppState) -> Self {
        state.0.access_tokens.clone()
    }
}

/// The live check, for [`crate::live::LiveVerified`].
impl axum::extract::FromRef<AppState> for Arc<LiveCheck> {
    fn from_ref(state: &AppState) -> Self {
        state.0.live.clone()
    }
}

/// The routes of one Lambda function.
pub fn router(state: AppState, function: Function) -> Router {
    with_shared_layers(routes_of(function).fold(Router::new(), add_route), state)
}

/// Every route, for the local server.
pub fn full_router(state: AppState) -> Router {
    with_shared_layers(ROUTES.iter().fold(Router::new(), add_route), state)
}

fn add_route(router: Router<AppState>, route: &crate::routes::Route) -> Router<AppState> {
    let filter = MethodFilter::try_from(route.method.clone()).expect("route methods are standard");
    router.route(route.path, handler(route.operation, filter))
}

fn handler(operation: Operation, filter: MethodFilter) -> MethodRouter<AppState> {
    match operation {
        Operation::CreateUser => on(filter, handlers::create_user::handle),
        Operation::Login => on(filter, handlers::login::handle),
        Operation::NewPassword => on(filter, handlers::new_password::handle),
        Operation::SendEmailVerificationCode => on(filter, handlers::email_verification::send_code),
        Operation::VerifyEmail => on(filter, handlers::email_verification::verify),
        Operation::GetCurrentUser => on(filter, handlers::current_user::handle),
        Operation::AnswerMfa => on(filter, handlers::mfa::answer),
        Operation::StartMfaSetup => on(filter, handlers::mfa::start_setup),
        Operation::FinishMfaSetup => on(filter, handlers::mfa::finish_setup),
        Operation::GetMfa => on(filter, handlers::account_mfa::get),
        Operation::UpdateMfa => on(filter, handlers::account_mfa::update),
        Operation::StartTotpSetup => on(filter, handlers::account_mfa::start_totp),
        Operation::VerifyTotp => on(filter, handlers::account_mfa::verify_totp),
        Operation::Refresh => on(filter, handlers::refresh::handle),
        Operation::ListDevices => on(filter, handlers::devices::list),
        Operation::UpdateDevice => on(filter, handlers::devices::update),
        Operation::ForgetDevice => on(filter, handlers::devices::forget),
        Operation::Logout => on(filter, handlers::logout::handle),
        Operation::SignUp => on(filter, handlers::signup::sign_up),
        Operation::ConfirmSignUp => on(filter, handlers::signup::confirm),
        Operation::ResendSignUpCode => on(filter, handlers::signup::resend),
        Operation::ForgotPassword => on(filter, handlers::password::forgot),
        Operation::ResetPassword => on(filter, handlers::password::reset),
        Operation::ChangePassword => on(filter, handlers::password::change),
        Operation::AdminConfirmUser => on(filter, handlers::manage_users::confirm),
        Operation::ResendInvitation => on(filter, handlers::manage_users::resend_invitation),
        Operation::GetExampleClaims => on(filter, handlers::example_claims::handle),
        Operation::ChangeEmail => on(filter, handlers::email_verification::change),
        Operation::SendReauthenticationCode => on(filter, handlers::email_verification::send_reauthentication_code),
    }
}

fn with_shared_layers(router: Router<AppState>, state: AppState) -> Router {
    let cors = cors_layer(&state.config().cors_allowed_origins);
    router
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, "no route matches this path") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(ErrorCode::MethodNotAllowed, "this route does not take this method")
        })
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(middleware::drop_inbound_request_id))
                .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), RequestIds))
                // Answers carry tokens, sessions and personal data: no cache may keep them.
                .layer(SetResponseHeaderLayer::overriding(CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .layer(SetResponseHeaderLayer::overriding(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
                .option_layer(cors)
                .layer(axum::middleware::from_fn(middleware::finish_response))
                .layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .with_state(state)
}

/// No CORS headers at all unless origins are configured.
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    // Config checked every origin at start.
    let origins = origins.iter().map(|origin| origin.parse().expect("a checked origin")).collect::<Vec<_>>();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([AUTHORIZATION, CONTENT_TYPE])
            .expose_headers([REQUEST_ID.clone(), RETRY_AFTER, HeaderName::from_static("www-authenticate")])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
