//! The user pool's Lambda triggers. `rules` holds the example rules a backend
//! team replaces (plain Rust, unit-tested); `events` fits them to Cognito's
//! trigger events; `lambda` is what each function's `main` calls, and `local`
//! serves the same functions to the local Cognito. `legacy` is the old user
//! store user migration asks; `messages` the custom messages' templates.

pub mod events;
pub mod lambda;
pub mod legacy;
#[cfg(feature = "local")]
pub mod local;
pub mod messages;
pub mod rules;
pub mod settings;

/// The trigger functions, by crate name under `functions/`.
pub const FUNCTIONS: [&str; 5] =
    ["pre-sign-up", "post-confirmation", "pre-token-generation", "user-migration", "custom-message"];
