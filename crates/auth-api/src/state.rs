//! The state every handler shares: the configuration, the Cognito client, the
//! token verifier and live check, the secrets (read on first use), and what is
//! read from the pool once per execution environment. It sits below the
//! handlers and the router (app.rs), which both take it.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::Client;

use crate::client_rules::ClientRules;
use crate::config::{Config, Secret};
use crate::error::ApiError;
use crate::jwt::AccessTokenVerifier;
use crate::live::LiveCheck;
use crate::notice::Notices;
use crate::passkey_rules::PasskeyRules;
use crate::pool_rules::PoolRules;
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
    notices: Notices,
    /// Read on first use, then kept for the execution environment.
    pool_rules: tokio::sync::OnceCell<PoolRules>,
    client_rules: tokio::sync::OnceCell<ClientRules>,
    app_client_rules: tokio::sync::OnceCell<ClientRules>,
    passkey_rules: tokio::sync::OnceCell<PasskeyRules>,
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
            notices: Notices::default(),
            pool_rules,
            client_rules,
            app_client_rules: tokio::sync::OnceCell::new(),
            passkey_rules: tokio::sync::OnceCell::new(),
        }))
    }

    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub fn cognito(&self) -> &Client {
        &self.0.cognito
    }

    /// Notices to users about changes to their account (SES).
    pub fn notices(&self) -> &Notices {
        &self.0.notices
    }

    pub fn access_tokens(&self) -> &AccessTokenVerifier {
        &self.0.access_tokens
    }

    /// The app client's secret, when it has one.
    pub async fn client_secret(&self) -> Result<Option<&Secret>, ApiError> {
        self.0.client_secret.get(self.config()).await
    }

    /// Whether devices are remembered here (a device secret is configured).
    pub fn tracks_devices(&self) -> bool {
        self.0.device_secret.is_configured()
    }

    /// The key device passwords are derived from, when devices are remembered.
    pub async fn device_secret(&self) -> Result<Option<&Secret>, ApiError> {
        self.0.device_secret.get(self.config()).await
    }

    /// The pool's password policy and code delivery (DescribeUserPool, once).
    pub async fn pool_rules(&self) -> Result<&PoolRules, ApiError> {
        self.0.pool_rules.get_or_try_init(|| PoolRules::describe(self.cognito(), &self.config().user_pool_id)).await
    }

    /// The pool's relying party id and user verification (GetUserPoolMfaConfig, once).
    pub async fn passkey_rules(&self) -> Result<&PasskeyRules, ApiError> {
        self.0
            .passkey_rules
            .get_or_try_init(|| PasskeyRules::describe(self.cognito(), &self.config().user_pool_id))
            .await
    }

    /// The sign-up client's WriteAttributes (DescribeUserPoolClient, once).
    pub async fn client_rules(&self) -> Result<&ClientRules, ApiError> {
        let pool = &self.config().user_pool_id;
        self.0
            .client_rules
            .get_or_try_init(|| ClientRules::describe(self.cognito(), pool, self.sign_up_client_id()))
            .await
    }

    /// The WriteAttributes of the app client that signs users in, whose access tokens
    /// UpdateUserAttributes takes (DescribeUserPoolClient, once).
    pub async fn app_client_rules(&self) -> Result<&ClientRules, ApiError> {
        let config = self.config();
        self.0
            .app_client_rules
            .get_or_try_init(|| ClientRules::describe(self.cognito(), &config.user_pool_id, &config.client_id))
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
