//! What every Lambda function of the project shares, the API's and the user
//! pool's triggers alike, kept below both `auth-api` and `triggers` so that
//! neither has to depend on the other for it:
//!
//! - `aws_clients`: the one way a function builds its Cognito client (and the
//!   loader its other AWS clients start from): the compiled-in Amazon roots,
//!   the timeouts and the bounded retries;
//! - `panic_strategy`: the panic strategy the binary was compiled with, kept in
//!   the binary so that a build can be checked for it;
//! - `bench_ca` (feature `bench-ca`, `make bench` only): the first-request
//!   benchmark's own CA, trusted besides the Amazon roots.

pub mod aws_clients;
#[cfg(feature = "bench-ca")]
pub mod bench_ca;
pub mod panic_strategy;
