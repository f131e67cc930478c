//! Every end-to-end test, one module a file, in one test binary: linked apart, the
//! files were 34 binaries, each linking the SDK, the router and the local Cognito
//! (a third of a fresh clone's build). Each test still runs in a process of its own
//! (nextest), so no test shares state with another.

mod accounts;
mod agreement;
mod attacker_review;
mod audit;
mod bad_input;
mod caller_key;
mod client_secret;
mod code_limits;
mod cookie_sessions;
mod cors;
mod create_user;
mod email_verification;
mod existence;
mod faults;
mod flow;
mod hardening;
mod lambda_conformance;
mod layering;
mod live_checks;
mod login_errors;
mod logout;
mod mfa;
mod passkeys;
mod passwordless;
mod passwordless_attacks;
mod profile_and_deletion;
mod recovery_limits;
mod refresh_and_devices;
mod secrets;
mod step_up;
mod triggers;
mod upstream;
mod user_admin;
mod walkthroughs;
