//! The emulator: its state behind one lock, and what every operation reads.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::ctx::{Ctx, Env, Unsigned, REGION};
use crate::error::CognitoError;
use crate::faults::Faults;
use crate::seed::{self, PoolIds, SeedOptions};
use crate::{keys, model, store};

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
    /// The region the emulator stands for (pool ids, ARNs, device keys). Default us-east-1.
    pub region: Option<String>,
    /// Host names it answers at besides loopback names and IP addresses (browsers.rs).
    pub allowed_hosts: Vec<String>,
    /// Sign with the keys in this file, made and written there when it holds none, unless
    /// a state file has keys. Tests give every emulator of a run the same file: two RSA
    /// keys made once, not in each test's process (most of the conformance suite's CPU).
    pub key_file: Option<PathBuf>,
}

/// The key file tests share (Options::key_file): in the system's temporary directory,
/// made by the first emulator of a run that needs it.
pub fn test_key_file() -> PathBuf {
    std::env::temp_dir().join("local-cognito-test-signing-keys.json")
}

/// The emulator: its state, behind one lock, and what every operation reads.
#[derive(Clone)]
pub struct Emulator(Arc<Inner>);

struct Inner {
    state: Mutex<model::State>,
    env: Env,
    store: Option<store::Store>,
    print_outbox: bool,
    allowed_hosts: crate::browsers::AllowedHosts,
    /// Faults on demand (`/_local/faults`): never saved with the state.
    faults: Faults,
}

impl Emulator {
    pub fn new(base_url: String, options: &Options) -> std::io::Result<Self> {
        let clock = if options.frozen_clock { Clock::frozen() } else { Clock::default() };
        let (state, keys) = match &options.state_file {
            Some(path) if path.exists() => store::load(path, &clock)?,
            _ => {
                (model::State::default(), options.key_file.as_deref().map_or_else(keys::Keys::new, keys::Keys::shared))
            }
        };
        Ok(Self(Arc::new(Inner {
            state: Mutex::new(state),
            env: Env { clock, keys, base_url, region: options.region.clone().unwrap_or_else(|| REGION.to_owned()) },
            store: options.state_file.clone().map(store::Store::new),
            print_outbox: options.print_outbox,
            allowed_hosts: crate::browsers::AllowedHosts(options.allowed_hosts.clone().into()),
            faults: Faults::default(),
        })))
    }

    pub(crate) fn allowed_hosts(&self) -> crate::browsers::AllowedHosts {
        self.0.allowed_hosts.clone()
    }

    pub fn clock(&self) -> &Clock {
        &self.0.env.clock
    }

    /// Runs `operation` on the locked state, then saves it when a state file is set
    /// and the operation changed it.
    pub(crate) fn with_state<T>(&self, operation: impl FnOnce(&mut Ctx) -> T) -> T {
        self.locked(None, operation).0
    }

    /// Runs `operation` on the locked state and saves it (store.rs: only a change is
    /// written, and it is on disk when this returns); answers the tokens it left
    /// unsigned when `unsigned` is Some.
    pub(crate) fn locked<T>(
        &self,
        unsigned: Option<Vec<Unsigned>>,
        operation: impl FnOnce(&mut Ctx) -> T,
    ) -> (T, Vec<Unsigned>) {
        let mut state = self.lock();
        let mut ctx = Ctx::new(&mut state, &self.0.env, self.clock().now(), self.0.print_outbox, unsigned);
        let result = operation(&mut ctx);
        let unsigned = ctx.take_unsigned();
        if let Some(store) = &self.0.store {
            // Taken under the lock, in the order of the changes; written after it.
            let snapshot = store.snapshot(&state, &self.0.env);
            drop(state);
            if let Err(error) = snapshot.and_then(|snapshot| snapshot.map_or(Ok(()), |s| store.write(s))) {
                tracing::error!(%error, path = %store.path().display(), "the state could not be saved");
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

    pub(crate) fn faults(&self) -> &Faults {
        &self.0.faults
    }

    pub(crate) fn env(&self) -> &Env {
        &self.0.env
    }

    pub fn has_pool(&self, pool_id: &str) -> bool {
        self.lock().pools.contains_key(pool_id)
    }

    /// Forgets every pool, user, message and fault, and puts the clock back.
    pub fn reset(&self) {
        self.with_state(|ctx| {
            *ctx.state = model::State::default();
            ctx.env.clock.set_offset(0);
        });
        self.0.faults.clear(None);
    }

    /// Moves the clock forward by `seconds` (saved with the state); answers the new offset.
    pub fn advance_clock(&self, seconds: u32) -> i64 {
        self.with_state(|ctx| ctx.env.clock.advance(seconds))
    }

    /// A pool like the deployed one (`local-cognito/pool.json`), with its ids.
    pub fn seed(&self, options: &SeedOptions) -> Result<PoolIds, CognitoError> {
        self.with_state(|ctx| seed::create_pool(ctx, options))
    }
}
