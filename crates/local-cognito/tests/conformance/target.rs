//! What the conformance tests run against: the local Cognito (by default),
//! or a real user pool when CONFORMANCE_USER_POOL_ID and
//! CONFORMANCE_CLIENT_ID are set (with AWS credentials and AWS_REGION in the
//! environment, and CONFORMANCE_CLIENT_SECRET for a client with a secret).
//!
//! Against a real pool, a test that needs what only the emulator has (a
//! pool of its own settings, the outbox, a movable clock) says so on
//! standard error and stops there: those are the only skips, and they never
//! happen against the emulator.

use std::sync::OnceLock;

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};
use aws_sdk_cognitoidentityprovider::Client;
use base64::Engine;
use hmac::Mac;
use serde_json::{json, Value};

pub const PASSWORD: &str = "Corr3ct-Horse-Battery";

static EMULATOR_URL: OnceLock<String> = OnceLock::new();

fn emulator_url() -> String {
    EMULATOR_URL
        .get_or_init(|| {
            local_cognito::spawn_on_own_thread(local_cognito::Options {
                key_file: Some(local_cognito::test_key_file()),
                ..Default::default()
            })
            .unwrap_or_else(|e| panic!("the local Cognito could not start: {e}"))
        })
        .clone()
}

fn real_pool() -> Option<(String, String, Option<String>)> {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some((var("CONFORMANCE_USER_POOL_ID")?, var("CONFORMANCE_CLIENT_ID")?, var("CONFORMANCE_CLIENT_SECRET")))
}

pub struct Target {
    pub sdk: Client,
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// The client self sign-up goes through (CONFORMANCE_SIGN_UP_CLIENT_ID against a
    /// real pool; the main client when unset).
    pub sign_up_client_id: String,
    /// The emulator's URL; None against a real pool.
    pub local: Option<String>,
}

impl Target {
    /// The pool `template.yaml` deploys: the emulator seeds its twin
    /// (`pool.json`); against a real pool, the one named.
    pub async fn standard() -> Self {
        if let Some((pool_id, client_id, client_secret)) = real_pool() {
            let config = aws_config::defaults(BehaviorVersion::latest()).load().await;
            let sign_up_client_id = std::env::var("CONFORMANCE_SIGN_UP_CLIENT_ID")
                .ok()
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| client_id.clone());
            return Self {
                sdk: Client::new(&config),
                pool_id,
                client_id,
                client_secret,
                sign_up_client_id,
                local: None,
            };
        }
        Self::seeded(json!({})).await
    }

    /// A pool with settings of its own (POST /_local/pools options), in an
    /// emulator of its own whose clock stands still but for the test's moves
    /// (so moving it touches no other test, and no wall-clock tick changes an
    /// assertion): the emulator only.
    pub async fn custom(seed: Value, needs: &str) -> Option<Self> {
        if real_pool().is_some() {
            eprintln!("SKIP against a real pool: this test needs {needs}");
            return None;
        }
        Self::custom_in(local_cognito::REGION, seed, needs).await
    }

    /// Like `custom`, in an emulator that stands for `region` (its pools are there).
    pub async fn custom_in(region: &str, seed: Value, needs: &str) -> Option<Self> {
        if real_pool().is_some() {
            eprintln!("SKIP against a real pool: this test needs {needs}");
            return None;
        }
        let options = local_cognito::Options {
            frozen_clock: true,
            region: Some(region.to_owned()),
            key_file: Some(local_cognito::test_key_file()),
            ..Default::default()
        };
        let url = local_cognito::spawn_on_own_thread(options).expect("an emulator starts");
        Some(Self::seeded_at(url, region, seed).await)
    }

    async fn seeded(seed: Value) -> Self {
        Self::seeded_at(emulator_url(), local_cognito::REGION, seed).await
    }

    async fn seeded_at(url: String, region: &str, seed: Value) -> Self {
        let ids: Value = reqwest::Client::new()
            .post(format!("{url}/_local/pools"))
            .json(&seed)
            .send()
            .await
            .expect("the local Cognito answers")
            .error_for_status()
            .expect("the pool is created")
            .json()
            .await
            .expect("ids");
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_owned()))
            .credentials_provider(Credentials::new("local", "local", None, None, "conformance"))
            .endpoint_url(&url)
            .build();
        Self {
            sdk: Client::from_conf(config),
            pool_id: ids["userPoolId"].as_str().unwrap().to_owned(),
            client_id: ids["clientId"].as_str().unwrap().to_owned(),
            client_secret: ids["clientSecret"].as_str().map(str::to_owned),
            sign_up_client_id: ids["signUpClientId"].as_str().unwrap().to_owned(),
            local: Some(url),
        }
    }

    /// The issuer Cognito (or the emulator) writes into this pool's tokens.
    pub fn issuer(&self) -> String {
        match &self.local {
            Some(url) => format!("{url}/{}", self.pool_id),
            None => {
                let region = self.pool_id.split('_').next().unwrap();
                format!("https://cognito-idp.{region}.amazonaws.com/{}", self.pool_id)
            }
        }
    }

    /// The emulator only: Some(url), or None after saying why on standard error.
    pub fn local_only(&self, needs: &str) -> Option<&str> {
        if self.local.is_none() {
            eprintln!("SKIP against a real pool: this test needs {needs}");
        }
        self.local.as_deref()
    }

    pub fn secret_hash(&self, username: &str) -> Option<String> {
        let secret = self.client_secret.as_ref()?;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(username.as_bytes());
        mac.update(self.client_id.as_bytes());
        Some(base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
    }

    /// AdminInitiateAuth with ADMIN_USER_PASSWORD_AUTH.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<
        aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput,
        aws_sdk_cognitoidentityprovider::error::SdkError<
            aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthError,
        >,
    > {
        let mut request = self
            .sdk
            .admin_initiate_auth()
            .user_pool_id(&self.pool_id)
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", password);
        if let Some(hash) = self.secret_hash(username) {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        request.send().await
    }

    /// Tokens for a confirmed user, failing the test otherwise.
    pub async fn tokens(&self, username: &str) -> aws_sdk_cognitoidentityprovider::types::AuthenticationResultType {
        self.sign_in(username, PASSWORD).await.expect("signed in").authentication_result.expect("tokens")
    }

    /// A CONFIRMED user with PASSWORD and an email, named uniquely.
    pub async fn confirmed_user(&self) -> String {
        let username = self.new_user(true).await;
        self.sdk
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(&username)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .expect("password set");
        username
    }

    /// A FORCE_CHANGE_PASSWORD user whose temporary password is PASSWORD.
    pub async fn invited_user(&self, with_email: bool) -> String {
        self.new_user(with_email).await
    }

    async fn new_user(&self, with_email: bool) -> String {
        let username = format!("conformance-{}", uuid::Uuid::new_v4());
        let mut request = self
            .sdk
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(&username)
            .temporary_password(PASSWORD)
            .message_action(MessageActionType::Suppress);
        if with_email {
            request = request
                .user_attributes(attribute("email", &format!("{username}@example.com")))
                .user_attributes(attribute("email_verified", "true"));
        }
        request.send().await.expect("user created");
        username
    }

    /// Sets attributes as an administrator (AdminUpdateUserAttributes).
    pub async fn set_attributes(&self, username: &str, attributes: &[(&str, &str)]) {
        let list = attributes.iter().map(|(name, value)| attribute(name, value)).collect();
        self.sdk
            .admin_update_user_attributes()
            .user_pool_id(&self.pool_id)
            .username(username)
            .set_user_attributes(Some(list))
            .send()
            .await
            .expect("attributes set");
    }

    /// A phone number, verified, for SMS MFA.
    pub async fn with_phone(&self, username: &str) {
        self.set_attributes(username, &[("phone_number", "+15555550123"), ("phone_number_verified", "true")]).await;
    }

    /// The newest code of `kind` sent to `username` (the emulator's outbox).
    pub async fn outbox_code(&self, username: &str, kind: &str) -> String {
        let url = self.local.as_ref().expect("the outbox exists only locally");
        let messages: Vec<Value> = reqwest::get(format!("{url}/_local/outbox")).await.unwrap().json().await.unwrap();
        messages
            .iter()
            .rev()
            .find(|m| m["username"] == username && m["kind"] == kind)
            .and_then(|m| m["code"].as_str())
            .unwrap_or_else(|| panic!("no {kind} message for {username}"))
            .to_owned()
    }

    /// The time codes are computed at: the emulator's clock (frozen for a pool
    /// of its own), or the wall clock against a real pool.
    pub async fn now(&self) -> u64 {
        match &self.local {
            Some(url) => {
                let clock: Value = reqwest::get(format!("{url}/_local/clock")).await.unwrap().json().await.unwrap();
                clock["now"].as_u64().expect("the emulator's time")
            }
            None => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs(),
        }
    }

    /// Moves the emulator's clock forward.
    pub async fn advance_clock(&self, seconds: u32) {
        let url = self.local.as_ref().expect("the clock moves only locally");
        reqwest::Client::new()
            .post(format!("{url}/_local/clock"))
            .json(&json!({"seconds": seconds}))
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }
}

pub fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().unwrap()
}

/// The exception name and message of a failed call.
pub fn error_of<E, T>(result: Result<T, aws_sdk_cognitoidentityprovider::error::SdkError<E>>) -> (String, String)
where
    E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata + std::fmt::Debug,
    T: std::fmt::Debug,
{
    use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata as _;
    let error = result.expect_err("the call fails");
    (error.code().unwrap_or_default().to_owned(), error.message().unwrap_or_default().to_owned())
}

/// The claims of a JWT, unverified (verification is tested on its own).
pub fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}
