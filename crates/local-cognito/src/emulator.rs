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
}

/// The emulator: its state, behind one lock, and what every operation reads.
#[derive(Clone)]
pub struct Emulator(Arc<Inner>);

struct Inner {
    state: Mutex<model::State>,
    env: Env,
    state_file: Option<PathBuf>,
    print_outbox: bool,
    /// Faults on demand (`/_local/faults`): never saved with the state.
    faults: Faults,
}

impl Emulator {
    pub fn new(base_url: String, options: &Options) -> std::io::Result<Self> {
        let clock = if options.frozen_clock { Clock::frozen() } else { Clock::default() };
        let (state, keys) = match &options.state_file {
            Some(path) if path.exists() => store::load(path, &clock)?,
            _ => (model::State::default(), keys::Keys::new()),
        };
        Ok(Self(Arc::new(Inner {
            state: Mutex::new(state),
            env: Env { clock, keys, base_url, region: options.region.clone().unwrap_or_else(|| REGION.to_owned()) },
            state_file: options.state_file.clone(),
            print_outbox: options.print_outbox,
            faults: Faults::default(),
        })))
    }

    pub fn clock(&self) -> &Clock {
        &self.0.env.clock
    }

    /// Runs `operation` on the locked state, then saves it when a state file is set.
    pub(crate) fn with_state<T>(&self, operation: impl FnOnce(&mut Ctx) -> T) -> T {
        self.locked(None, operation).0
    }

    /// Runs `operation` on the locked state and saves it; answers the tokens it left
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
        *self.lock() = model::State::default();
        self.0.faults.clear(None);
        self.clock().set_offset(0);
    }

    /// A pool like the deployed one (`local-cognito/pool.json`), with its ids.
    pub fn seed(&self, options: &SeedOptions) -> Result<PoolIds, CognitoError> {
        self.with_state(|ctx| seed::create_pool(ctx, options))
    }
}
