//! The local Cognito measured against Cognito's documentation, through the
//! real Rust SDK. Each test names the documentation it follows; where the
//! documentation is silent, the test says the behaviour is an assumption.
//!
//! By default the tests run against the emulator, started in-process. Set
//! CONFORMANCE_USER_POOL_ID and CONFORMANCE_CLIENT_ID (a pool deployed by
//! template.yaml) to run the same tests against Cognito itself; see
//! docs/local-cognito.md.

mod target;

mod account_security;
mod administration;
mod aliases;
mod codes;
mod devices;
mod existence;
mod faults;
mod group_claims;
mod lists;
mod local_controls;
mod mfa;
mod migration_and_messages;
mod packed_attestation;
mod passkeys;
mod passwordless;
mod passwordless_attacks;
mod refresh;
mod regions;
mod sessions;
mod sign_in_answers;
mod tokens;
mod triggers;
mod user_srp;
mod users;
mod validation;
mod web_acl;
mod wire;
