//! The panic strategy this code was compiled with, as a marker every function's
//! binary carries, stripped release builds included: `scripts/panic-strategy.sh`
//! reads it from the built arm64 artefacts (docs/deployment.md, "Panics").
//!
//! "unwind" lets a panic in a handler answer one 500 and the execution
//! environment serve the next request; "abort" would end the process, and with
//! it the environment, on the first panic.

#[cfg(panic = "unwind")]
pub const MARKER: &str = "lambda-common:panic-strategy=unwind";
#[cfg(not(panic = "unwind"))]
pub const MARKER: &str = "lambda-common:panic-strategy=abort";

/// Keeps the marker in the binary (the linker drops unreferenced data): every
/// function's start calls it.
pub fn keep_marker() {
    std::hint::black_box(MARKER);
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tests_unwind_as_the_deployed_profile_does() {
        assert_eq!(super::MARKER, "lambda-common:panic-strategy=unwind");
    }
}
