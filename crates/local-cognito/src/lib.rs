//! A local Amazon Cognito user pool: the operations this project's API calls,
//! each as Cognito documents it, over Cognito's own wire protocol, with a
//! clock that tests can move. See `docs/local-cognito.md`.
//!
//! ```no_run
//! # async fn run() {
//! let running = local_cognito::start(local_cognito::Options::default()).await.unwrap();
//! println!("endpoint: {}", running.url);
//! # }
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::routing::{get, post};
use axum::Router;

mod attributes;
mod auth;
pub mod clock;
mod error;
mod keys;
mod local;
mod model;
mod ops;
mod paging;
mod password;
mod pool_defaults;
mod random;
mod seed;
pub mod srp;
mod store;
mod tokens;
mod triggers;
mod validation;
mod wire;

pub use clock::Clock;
pub use error::CognitoError;
pub use seed::{PoolIds, SeedOptions};

/// The region every local pool id starts with.
pub const REGION: &str = "us-east-1";

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Where to listen; port 0 picks a free one. Default 127.0.0.1:0.
    pub address: Option<SocketAddr>,
    /// Keep the state (pools, users, keys) in this file across restarts.
    pub state_file: Option<PathBuf>,
    /// Print every outbox message on standard output.
    pub print_outbox: bool,
    /// Hold the clock still but for `POST /_local/clock` moves (tests of expiry).
    pub frozen_clock: bool,
}

/// The emulator: its state, behind one lock, and what every operation reads.
#[derive(Clone)]
pub struct Emulator(Arc<Inner>);

struct Inner {
    state: Mutex<model::State>,
    env: Env,
    state_file: Option<PathBuf>,
    print_outbox: bool,
}

/// What an operation needs besides the state.
pub(crate) struct Env {
    pub clock: Clock,
    pub keys: keys::Keys,
    /// The emulator's own address: token issuers are `<base_url>/<poolId>`.
    pub base_url: String,
}

/// An operation's view of the emulator: the locked state and the time now.
pub(crate) struct Ctx<'a> {
    pub state: &'a mut model::State,
    pub env: &'a Env,
    pub now: i64,
    print_outbox: bool,
    /// Tokens to sign once the lock is released (RSA is the slow part of a sign-in):
    /// their placeholders stand in the output until then.
    unsigned: Option<Vec<Unsigned>>,
    /// The pre sign-up trigger's response, for SignUp and AdminCreateUser.
    pub pre_sign_up: Option<serde_json::Value>,
}

/// A token's placeholder, its key and its claims.
type Unsigned = (String, keys::KeyUse, serde_json::Value);

impl Emulator {
    pub fn new(base_url: String, options: &Options) -> std::io::Result<Self> {
        let clock = if options.frozen_clock { Clock::frozen() } else { Clock::default() };
        let (state, keys) = match &options.state_file {
            Some(path) if path.exists() => store::load(path, &clock)?,
            _ => (model::State::default(), keys::Keys::new()),
        };
        Ok(Self(Arc::new(Inner {
            state: Mutex::new(state),
            env: Env { clock, keys, base_url },
            state_file: options.state_file.clone(),
            print_outbox: options.print_outbox,
        })))
    }

    pub fn clock(&self) -> &Clock {
        &self.0.env.clock
    }

    /// Runs `operation` on the locked state, then saves it when a state file is set.
    pub(crate) fn with_state<T>(&self, operation: impl FnOnce(&mut Ctx) -> T) -> T {
        self.locked(None, operation).0
    }

    /// Runs the Cognito operation `name`, with its triggers outside the lock:
    /// pre sign-up first, then the operation, then pre token generation on each
    /// ID token before tokens are signed, then post confirmation.
    pub(crate) async fn run(
        &self,
        name: &str,
        input: serde_json::Value,
        operation: impl FnOnce(&mut Ctx, serde_json::Value) -> Result<serde_json::Value, CognitoError>,
    ) -> Result<serde_json::Value, CognitoError> {
        let pre_sign_up = triggers::before(self, name, &input).await?;
        // Only a confirming operation needs its input again, for post confirmation.
        let confirmation = triggers::confirmation_source(name).map(|source| (source, input.clone()));
        let (result, mut unsigned) = self.locked(Some(Vec::new()), |ctx| {
            ctx.pre_sign_up = pre_sign_up;
            operation(ctx, input)
        });
        let mut output = result?;
        for (_, _, claims) in unsigned.iter_mut().filter(|(_, _, claims)| claims["token_use"] == "id") {
            triggers::pre_token_generation(self, name, claims).await?;
        }
        if !unsigned.is_empty() {
            let signed: std::collections::HashMap<String, String> = unsigned
                .into_iter()
                .map(|(placeholder, key, claims)| (placeholder, self.0.env.keys.sign(key, &claims)))
                .collect();
            fill_placeholders(&mut output, &signed);
        }
        if let Some((source, input)) = confirmation {
            triggers::after(self, source, &input).await?;
        }
        Ok(output)
    }

    fn locked<T>(&self, unsigned: Option<Vec<Unsigned>>, operation: impl FnOnce(&mut Ctx) -> T) -> (T, Vec<Unsigned>) {
        let mut state = self.lock();
        let mut ctx = Ctx {
            state: &mut state,
            env: &self.0.env,
            now: self.clock().now(),
            print_outbox: self.0.print_outbox,
            unsigned,
            pre_sign_up: None,
        };
        let result = operation(&mut ctx);
        let unsigned = ctx.unsigned.take().unwrap_or_default();
        if let Some(path) = &self.0.state_file {
            if let Err(error) = store::save(path, &state, &self.0.env) {
                tracing::error!(%error, path = %path.display(), "the state could not be saved");
            }
        }
        (result, unsigned)
    }

    /// Reads the state (nothing is saved).
    pub(crate) fn read<T>(&self, look: impl FnOnce(&model::State) -> T) -> T {
        look(&self.lock())
    }

    fn lock(&self) -> MutexGuard<'_, model::State> {
        // A panic inside an operation must not take the whole emulator down.
        self.0.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn env(&self) -> &Env {
        &self.0.env
    }

    pub fn has_pool(&self, pool_id: &str) -> bool {
        self.lock().pools.contains_key(pool_id)
    }

    /// Forgets every pool, user and message, and puts the clock back.
    pub fn reset(&self) {
        *self.lock() = model::State::default();
        self.clock().set_offset(0);
    }

    /// A pool like the deployed one (`local-cognito/pool.json`), with its ids.
    pub fn seed(&self, options: &SeedOptions) -> Result<PoolIds, CognitoError> {
        self.with_state(|ctx| seed::create_pool(ctx, options))
    }

    /// Cognito's API on `POST /`, each pool's JWKS and OpenID configuration,
    /// and the local controls under `/_local/`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", post(wire::dispatch))
            .route("/{pool_id}/.well-known/jwks.json", get(local::jwks))
            .route("/{pool_id}/.well-known/openid-configuration", get(local::openid_configuration))
            .merge(local::routes())
            .with_state(self.clone())
    }
}

fn fill_placeholders(value: &mut serde_json::Value, signed: &std::collections::HashMap<String, String>) {
    match value {
        serde_json::Value::String(text) => {
            if let Some(token) = signed.get(text.as_str()) {
                *text = token.clone();
            }
        }
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| fill_placeholders(v, signed)),
        serde_json::Value::Array(list) => list.iter_mut().for_each(|v| fill_placeholders(v, signed)),
        _ => {}
    }
}

impl Ctx<'_> {
    /// A signed token: now, or a placeholder signed when the lock is released.
    pub fn sign(&mut self, key: keys::KeyUse, claims: serde_json::Value) -> String {
        match &mut self.unsigned {
            Some(unsigned) => {
                let placeholder = format!("\u{0}unsigned-token-{}", unsigned.len());
                unsigned.push((placeholder.clone(), key, claims));
                placeholder
            }
            None => self.env.keys.sign(key, &claims),
        }
    }

    /// Keeps a message Cognito would have sent, and prints it when asked to.
    pub fn send(&mut self, message: model::Message) {
        if self.print_outbox {
            println!("[outbox] {} for {} to {}: {}", message.kind, message.username, message.destination, message.code);
        }
        self.state.outbox.push(message);
    }
}

/// The RFC 6238 code for a base32 secret at a time, as an authenticator app
/// computes it: for tests of clients that set up TOTP against the emulator.
pub fn totp_code(secret_base32: &str, unix_seconds: u64) -> String {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_owned()).to_bytes().expect("a base32 secret");
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).generate(unix_seconds)
}

/// Every Cognito operation the emulator answers.
pub fn operation_names() -> Vec<&'static str> {
    ops::names().collect()
}

/// An emulator serving on a loopback port until dropped.
pub struct Running {
    pub url: String,
    pub emulator: Emulator,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Starts an emulator on a thread and runtime of its own, so that it outlives
/// any one caller's runtime (one test's, say), and answers its URL.
pub fn spawn_on_own_thread(options: Options) -> std::io::Result<String> {
    let (started, url) = std::sync::mpsc::channel();
    std::thread::Builder::new().name("local-cognito".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => return drop(started.send(Err(error))),
        };
        runtime.block_on(async move {
            match start(options).await {
                Ok(running) => {
                    let _ = started.send(Ok(running.url.clone()));
                    std::future::pending::<()>().await;
                }
                Err(error) => drop(started.send(Err(error))),
            }
        });
    })?;
    url.recv().map_err(|_| std::io::Error::other("the local Cognito thread stopped"))?
}

/// Starts an emulator on the current Tokio runtime.
pub async fn start(options: Options) -> std::io::Result<Running> {
    let address = options.address.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let listener = tokio::net::TcpListener::bind(address).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let emulator = Emulator::new(url.clone(), &options)?;
    let router = emulator.router();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running { url, emulator, shutdown: Some(shutdown) })
}
