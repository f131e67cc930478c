//! A test function, never deployed: the current-user function's routes, served
//! exactly as a deployed function serves them (auth_api::lambda::run, the shared
//! layers), plus `GET /test/panic`, whose handler panics. The runtime conformance
//! test (tests/tests/lambda_conformance.rs) runs it under the fake Runtime API to
//! show that a handler panic answers one 500 problem and the next request is served
//! by the same process.
//!
//! The panic lives only here, in the integration-tests package: no crate a deployed
//! function depends on has a way to panic on demand, and template.yaml and
//! functions/ name no such function (the agreement test keeps it so).

use axum::routing::get;

/// The route whose handler panics.
const PANIC_PATH: &str = "/test/panic";

async fn panic_on_purpose() -> &'static str {
    panic!("a handler panicked on purpose (the runtime conformance test)")
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    auth_api::lambda::run(auth_api::functions::current_user().route(PANIC_PATH, get(panic_on_purpose))).await
}
