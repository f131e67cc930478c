//! The docs' walkthroughs, run by the tests (`tests/tests/walkthroughs.rs`): every
//! `console` block in docs/ is a transcript of `make dev` and the commands after it,
//! and the test fails when a command prints something the document does not show.

pub mod matching;
pub mod runner;
pub mod transcript;

pub use runner::{repository_root, run_document};
