//! The library's tests against a mocked Cognito (aws-smithy-mocks) and fixed keys,
//! one module a file, in one test binary (linked apart, each file linked the SDK).

mod context_data;
mod error_table;
mod jwks;
mod passwordless_answers;
mod step_up_cleanup;
