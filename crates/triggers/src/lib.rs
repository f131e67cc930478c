//! The user pool's Lambda triggers. `rules` holds the example rules a backend
//! team replaces (plain Rust, unit-tested); `events` fits them to Cognito's
//! trigger events; `lambda` is what each function's `main` calls, and `local`
//! serves the same functions to the local Cognito.

pub mod events;
pub mod lambda;
#[cfg(feature = "local")]
pub mod local;
pub mod rules;
pub mod settings;

/// The trigger functions, by crate name under `functions/`.
pub const FUNCTIONS: [&str; 3] = ["pre-sign-up", "post-confirmation", "pre-token-generation"];
