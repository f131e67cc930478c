//! For `make bench` only (feature `bench-ca`, never in a deployed build): the
//! first-request benchmark serves the local Cognito over HTTPS with a
//! certificate authority it makes for the run, and names its PEM file in
//! `AUTH_API_BENCH_CA_FILE`. Both of a function's HTTPS clients (the Cognito
//! SDK's, and the JWKS fetch's) then trust that CA besides their usual roots.

/// The environment variable naming the benchmark CA's PEM file.
pub const ENV: &str = "AUTH_API_BENCH_CA_FILE";

/// The benchmark CA's PEM, when the run names one. Unreadable is a bench bug: it panics.
pub fn pem() -> Option<Vec<u8>> {
    let path = std::env::var_os(ENV)?;
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{ENV}: {e}")))
}
