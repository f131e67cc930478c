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
//!
//! Layers, top to bottom (a module imports only from below it; see
//! `docs/architecture.md`): `server`, `local` → `fault_injection` → `operation`, `web_acl` → `migration`, `custom_message` → `triggers` →
//! `emulator` → `seed` → `ops` (the operation table) → `ops::*` → `auth` (the
//! sign-in engine) → `tokens`, `codes`, `client_secret` → `ctx`, `lookups`,
//! `wire` → the model.

mod aliases;
mod attributes;
mod auth;
mod browsers;
mod client_secret;
pub mod clock;
mod codes;
mod ctx;
mod custom_message;
mod emulator;
mod error;
mod fault_injection;
mod faults;
mod keys;
mod local;
mod lookups;
mod migration;
mod model;
mod operation;
mod ops;
mod paging;
mod password;
mod pool_defaults;
mod random;
mod seed;
mod server;
mod ses;
pub mod srp;
mod store;
mod tokens;
mod triggers;
mod validation;
mod web_acl;
mod wire;

pub use auth::totp_code;
pub use clock::Clock;
pub use ctx::REGION;
pub use emulator::{test_key_file, Emulator, Options};
pub use error::CognitoError;
pub use ops::operation_names;
pub use seed::{PoolIds, SeedOptions};
pub use server::{spawn_on_own_thread, start, Running};
pub use web_acl::{WebAcl, CALLER_KEY_HEADER};
