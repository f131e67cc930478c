//! Test harness: fresh pools in the local Cognito, the API's real router served
//! on a loopback port, and an HTTP client that reads problem+json answers.
//!
//! Each test process starts its own local Cognito in memory on a free port,
//! so tests share no state and run in parallel. LOCAL_COGNITO_URL points them
//! at an emulator already running instead.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

use auth_api::app::{full_router, AppState};
use auth_api::config::Config;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::Client;
use serde_json::{json, Value};

pub mod captured_logs;
pub mod flows;
pub mod lambda_runtime_api;
pub mod passkey_device;
pub mod secrets_manager;
pub mod walkthrough;

pub const ADMIN_USERNAME: &str = "admin";
pub const ADMIN_PASSWORD: &str = "Admin-Passw0rd";
pub const PASSWORD: &str = "Corr3ct-Horse-Battery";

static EMULATOR_URL: OnceLock<String> = OnceLock::new();

/// The local Cognito's address: LOCAL_COGNITO_URL, or this process's own
/// emulator, started on first use on a thread of its own (so that it outlives
/// any one test's runtime).
pub fn local_cognito_url() -> String {
    if !own_emulator() {
        return std::env::var("LOCAL_COGNITO_URL").expect("LOCAL_COGNITO_URL is set");
    }
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

/// Whether the local Cognito is this process's own (LOCAL_COGNITO_URL unset).
fn own_emulator() -> bool {
    std::env::var("LOCAL_COGNITO_URL").map_or(true, |url| url.is_empty())
}

/// Moves the local Cognito's clock forward: every expiry follows it.
pub async fn advance_clock(seconds: u32) {
    reqwest::Client::new()
        .post(format!("{}/_local/clock", local_cognito_url()))
        .json(&json!({"seconds": seconds}))
        .send()
        .await
        .and_then(|response| response.error_for_status())
        .expect("the clock moved");
}

#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// An app client with a secret, as deployed (template.yaml's default).
    pub client_secret: bool,
    pub auth_flows: Option<Vec<&'static str>>,
    pub allow_sign_up: bool,
    /// CreateUserPool settings over pool.json's (MFA, devices, ...).
    pub pool: Option<Value>,
    /// CreateUserPoolClient settings over pool.json's.
    pub client: Option<Value>,
    /// SetUserPoolMfaConfig's input.
    pub mfa: Option<Value>,
    /// Groups besides the admin group.
    pub groups: Vec<&'static str>,
    /// Choice-based sign-in, as `PASSWORDLESS=1 make dev` seeds it: the first factors
    /// PASSWORD, EMAIL_OTP, SMS_OTP and WEB_AUTHN, passkeys for `localhost`, ALLOW_USER_AUTH.
    pub passwordless: bool,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            client_secret: true,
            auth_flows: None,
            allow_sign_up: false,
            pool: None,
            client: None,
            mfa: None,
            groups: Vec::new(),
            passwordless: false,
        }
    }
}

impl PoolOptions {
    /// MFA required, by SMS (users with a phone number) or TOTP.
    pub fn mfa_required() -> Self {
        Self::mfa("ON")
    }

    pub fn mfa(configuration: &str) -> Self {
        Self {
            mfa: Some(json!({
                "MfaConfiguration": configuration,
                "SoftwareTokenMfaConfiguration": {"Enabled": true},
                "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}},
            })),
            ..Default::default()
        }
    }

    /// A pool where users sign in without a password too, and sign up by themselves.
    pub fn passwordless() -> Self {
        Self { passwordless: true, allow_sign_up: true, ..Default::default() }
    }

    /// Devices tracked; remembered always, or only when the user says so.
    pub fn with_devices(mut self, only_on_prompt: bool) -> Self {
        self.pool = Some(json!({"DeviceConfiguration": {
            "ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": only_on_prompt}}));
        self
    }
}

#[derive(Clone, Debug)]
pub struct Pool {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub region: String,
    /// The client self sign-up goes through (it may write the email; it signs no one in).
    pub sign_up_client_id: String,
    pub sign_up_client_secret: Option<String>,
}

/// A new pool like the deployed one, with a confirmed admin user
/// (`ADMIN_USERNAME` / `ADMIN_PASSWORD`) in the admin group.
pub async fn create_pool(options: PoolOptions) -> Pool {
    let url = format!("{}/_local/pools", local_cognito_url());
    let body = json!({
        "clientSecret": options.client_secret,
        "explicitAuthFlows": options.auth_flows,
        "allowSignUp": options.allow_sign_up,
        "pool": options.pool,
        "client": options.client,
        "mfa": options.mfa,
        "groups": options.groups,
        "passwordless": options.passwordless,
        // The web ACL template.yaml deploys: only the functions (and this harness's set-up) reach the public API.
        "callerKey": CALLER_KEY,
        "admin": {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD, "email": "admin@example.com"},
    });
    let response = reqwest::Client::new().post(&url).json(&body).send().await.unwrap_or_else(|e| {
        panic!("the local Cognito at {url} did not answer: {e}. If LOCAL_COGNITO_URL is set, start that emulator (`cargo run -p local-cognito`) or unset it.")
    });
    let status = response.status();
    let text = response.text().await.expect("the seed's answer");
    assert!(status.is_success(), "pool not created: {status} {text}");
    let mut ids: HashMap<String, String> = serde_json::from_str(&text).expect("pool ids");
    Pool {
        user_pool_id: ids["userPoolId"].clone(),
        client_id: ids["clientId"].clone(),
        client_secret: ids.get("clientSecret").cloned(),
        region: ids["region"].clone(),
        sign_up_client_id: ids["signUpClientId"].clone(),
        sign_up_client_secret: ids.remove("signUpClientSecret"),
    }
}

/// The SECRET_HASH a public Cognito call for `username` needs, when the client has a secret.
pub fn secret_hash(pool: &Pool, username: &str) -> Option<String> {
    let secret = auth_api::config::Secret::new(pool.client_secret.clone()?);
    Some(auth_api::secret_hash::secret_hash(username, &pool.client_id, &secret))
}

/// The SECRET_HASH a direct call through the pool's sign-up client needs.
pub fn sign_up_secret_hash(pool: &Pool, username: &str) -> Option<String> {
    let secret = auth_api::config::Secret::new(pool.sign_up_client_secret.clone()?);
    Some(auth_api::secret_hash::secret_hash(username, &pool.sign_up_client_id, &secret))
}

/// The address account notices come from in the tests.
pub const NOTICE_FROM: &str = "notices@example.com";

/// The caller key every test pool's web ACL lets through (the functions send it).
pub const CALLER_KEY: &str = "test-caller-key";

/// An SDK client for test set-up, against the local Cognito: it carries the
/// functions' caller key, so the pool's web ACL lets its public calls through.
pub fn sdk() -> Client {
    let config = sdk_config()
        .interceptor(auth_api::caller_key::CallerKey::new(auth_api::config::Secret::new(CALLER_KEY)))
        .build();
    Client::from_conf(config)
}

/// An SDK client as an attacker has one: straight at Cognito's public API,
/// without the functions' caller key.
pub fn attacker_sdk() -> Client {
    Client::from_conf(sdk_config().build())
}

fn sdk_config() -> aws_sdk_cognitoidentityprovider::config::Builder {
    aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "tests"))
        .endpoint_url(local_cognito_url())
}

/// The settings a function would get for `pool`, pointed at the local Cognito.
pub fn config_for(pool: &Pool) -> HashMap<&'static str, String> {
    let mut env = HashMap::from([
        ("COGNITO_USER_POOL_ID", pool.user_pool_id.clone()),
        ("COGNITO_CLIENT_ID", pool.client_id.clone()),
        ("COGNITO_ENDPOINT_URL", local_cognito_url()),
        ("AWS_REGION", pool.region.clone()),
        ("DEVICE_SECRET", "test-device-secret".to_owned()),
        ("COGNITO_CALLER_KEY", CALLER_KEY.to_owned()),
        ("NOTICE_FROM", NOTICE_FROM.to_owned()),
        // SES (the notices) is the local Cognito's stand-in, into the same outbox.
        ("AWS_ENDPOINT_URL_SESV2", local_cognito_url()),
    ]);
    if let Some(secret) = &pool.client_secret {
        env.insert("COGNITO_CLIENT_SECRET", secret.clone());
    }
    env.insert("COGNITO_SIGN_UP_CLIENT_ID", pool.sign_up_client_id.clone());
    if let Some(secret) = &pool.sign_up_client_secret {
        env.insert("COGNITO_SIGN_UP_CLIENT_SECRET", secret.clone());
    }
    env
}

/// The API's real router, served on 127.0.0.1, configured by `env`.
pub struct TestApi {
    pub base: String,
    http: reqwest::Client,
}

impl TestApi {
    pub async fn start(pool: &Pool) -> Self {
        Self::start_with(config_for(pool)).await
    }

    pub async fn start_with(env: HashMap<&'static str, String>) -> Self {
        let config = Config::from_lookup(|name| env.get(name).cloned()).expect("test configuration");
        // The function's SDK client reads credentials from the environment, as in Lambda.
        for (name, value) in [("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local")] {
            if std::env::var_os(name).is_none() {
                // Set before the API's SDK client is built; nextest gives each test its own process.
                std::env::set_var(name, value);
            }
        }
        // The SDK reads service endpoints from the environment, as in Lambda.
        if let Some(ses) = env.get("AWS_ENDPOINT_URL_SESV2") {
            std::env::set_var("AWS_ENDPOINT_URL_SESV2", ses);
        }
        let client = auth_api::cognito::client(&config).await;
        let router = full_router(AppState::new(config, client));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
        Self { base, http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client") }
    }

    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> Answer {
        self.send("POST", path, Some(("application/json", body.to_string().into_bytes())), token).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        self.send("GET", path, None, token).await
    }

    /// Any method, any bytes, any content type: for bad-input tests.
    pub async fn send(&self, method: &str, path: &str, body: Option<(&str, Vec<u8>)>, token: Option<&str>) -> Answer {
        let mut request = self.http.request(method.parse().expect("method"), format!("{}{path}", self.base));
        if let Some((content_type, bytes)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the API answers");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, headers, body }
    }

    /// Logs in and returns the access token, failing the test otherwise.
    pub async fn access_token(&self, username: &str, password: &str) -> String {
        let answer = self.post("/auth/login", json!({"username": username, "password": password}), None).await;
        assert_eq!(answer.status, 200, "login of {username}: {answer:?}");
        answer.body["tokens"]["accessToken"].as_str().expect("access token").to_owned()
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// The problem `code`, after checking the answer is RFC 9457 problem+json.
    pub fn problem_code(&self) -> &str {
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "{self:?}");
        for field in ["type", "title", "status", "detail", "code", "requestId"] {
            assert!(self.body.get(field).is_some(), "problem lacks {field}: {self:?}");
        }
        assert_eq!(self.body["status"], self.status, "{self:?}");
        assert_eq!(self.body["requestId"].as_str(), self.header("x-request-id"), "{self:?}");
        self.body["code"].as_str().expect("code")
    }

    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.problem_code()), (status, code), "{self:?}");
    }
}

/// A user who has set a permanent password (CONFIRMED), optionally in groups.
pub async fn confirmed_user(pool: &Pool, groups: &[&str]) -> String {
    let sdk = sdk();
    let username = format!("user-{}", uuid::Uuid::new_v4());
    sdk.admin_create_user()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .user_attributes(attribute("email", &format!("{username}@example.com")))
        .send()
        .await
        .expect("user created");
    sdk.admin_set_user_password()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .expect("password set");
    for group in groups {
        sdk.admin_add_user_to_group()
            .user_pool_id(&pool.user_pool_id)
            .username(&username)
            .group_name(*group)
            .send()
            .await
            .expect("added to group");
    }
    username
}

/// A user created by an administrator with `PASSWORD` as temporary password
/// (FORCE_CHANGE_PASSWORD), with an email unless `email` is None.
pub async fn user_with_temporary_password(pool: &Pool, email: Option<&str>) -> String {
    let username = format!("user-{}", uuid::Uuid::new_v4());
    sdk()
        .admin_create_user()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .temporary_password(PASSWORD)
        .set_user_attributes(email.map(|email| vec![attribute("email", email)]))
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .expect("user created");
    username
}

pub fn attribute(name: &str, value: &str) -> aws_sdk_cognitoidentityprovider::types::AttributeType {
    aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name(name).value(value).build().expect("attribute")
}

/// Every message the local Cognito "sent" (and the API's notices through SES), oldest first.
pub async fn outbox() -> Vec<Value> {
    reqwest::get(format!("{}/_local/outbox", local_cognito_url()))
        .await
        .expect("outbox")
        .json()
        .await
        .expect("outbox json")
}

/// The notices the API sent to `address` through SES (the outbox's `notice` messages), oldest first.
pub async fn notices_to(address: &str) -> Vec<Value> {
    outbox().await.into_iter().filter(|m| m["kind"] == "notice" && m["destination"] == address).collect()
}

/// The newest message of `kind` the local Cognito "sent" to `username`.
pub async fn outbox_code(username: &str, kind: &str) -> String {
    let messages = outbox().await;
    messages
        .iter()
        .rev()
        .find(|m| m["username"] == username && m["kind"] == kind)
        .and_then(|m| m["code"].as_str())
        .unwrap_or_else(|| panic!("no {kind} message for {username}"))
        .to_owned()
}

/// An answer as a caller sees it, minus what differs on every request (the
/// request id and the date): two answers that must not tell users apart compare equal.
pub fn seen(answer: &Answer) -> (u16, std::collections::BTreeMap<String, String>, Value) {
    let headers = answer
        .headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "x-request-id" | "date"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut body = answer.body.clone();
    if let Some(fields) = body.as_object_mut() {
        fields.remove("requestId");
    }
    (answer.status, headers, body)
}

/// A six-digit code that is not `code`.
pub fn wrong_code(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// Marks a user's email verified (password recovery needs it).
pub async fn verify_email(pool: &Pool, username: &str) {
    sdk()
        .admin_update_user_attributes()
        .user_pool_id(&pool.user_pool_id)
        .username(username)
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .expect("email verified");
}

/// Gives a user a phone number, for SMS MFA.
pub async fn with_phone_number(pool: &Pool, username: &str) {
    sdk()
        .admin_update_user_attributes()
        .user_pool_id(&pool.user_pool_id)
        .username(username)
        .user_attributes(attribute("phone_number", "+15555550123"))
        .user_attributes(attribute("phone_number_verified", "true"))
        .send()
        .await
        .expect("phone number set");
}

/// The TOTP code an authenticator app shows now for `secret` (by the wall clock): for
/// deriving a wrong code; a code to be accepted comes from `totp_next`.
pub fn totp_now(secret: &str) -> String {
    local_cognito::totp_code(
        secret,
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs(),
    )
}

/// The TOTP code to answer with next for `secret`. Cognito (and the local one) takes
/// each code once ("Your software token has already been used once."), and no code of
/// an earlier step after it; so each call gives a code of a later step than the last
/// one given for the secret, by the local Cognito's clock, within the one step of skew
/// it allows either way. Only a test needing a fourth code within one 30-second step
/// needs the next step: the clock is moved on to it (waited for, with a shared emulator).
pub async fn totp_next(secret: &str) -> String {
    static LAST_STEP: std::sync::Mutex<Option<HashMap<String, i64>>> = std::sync::Mutex::new(None);
    loop {
        let clock: Value = reqwest::get(format!("{}/_local/clock", local_cognito_url()))
            .await
            .and_then(|response| response.error_for_status())
            .expect("the local Cognito's clock")
            .json()
            .await
            .expect("the clock as JSON");
        let now = clock["now"].as_i64().expect("the local Cognito's time");
        let (step, into_step) = (now / 30, now % 30);
        // The previous step's code is safe only well before this step ends.
        let earliest = if into_step < 25 { step - 1 } else { step };
        {
            let mut last = LAST_STEP.lock().unwrap();
            let last = last.get_or_insert_with(HashMap::new);
            let candidate = last.get(secret).map_or(earliest, |used| (used + 1).max(earliest));
            if candidate <= step + 1 {
                last.insert(secret.to_owned(), candidate);
                return local_cognito::totp_code(secret, (candidate * 30) as u64);
            }
        }
        // Every code of the window is spent: the next step's comes with time. This
        // process's own emulator has its clock moved (nothing else shares it); an
        // emulator others use too is waited for.
        let to_next_step = (30 - into_step) as u32;
        if own_emulator() {
            advance_clock(to_next_step).await;
        } else {
            tokio::time::sleep(Duration::from_secs(to_next_step.into())).await;
        }
    }
}

/// Every user in the pool with their status, to prove a request changed nothing.
pub async fn pool_snapshot(pool: &Pool) -> Vec<(String, String)> {
    let users = sdk().list_users().user_pool_id(&pool.user_pool_id).send().await.expect("list users");
    let mut snapshot: Vec<_> = users
        .users()
        .iter()
        .map(|u| {
            (
                u.username().unwrap_or_default().to_owned(),
                u.user_status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            )
        })
        .collect();
    snapshot.sort();
    snapshot
}
