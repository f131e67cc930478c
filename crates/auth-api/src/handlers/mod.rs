//! One module per endpoint: request type, its checks, the Cognito call, the answer.

pub mod create_user;
pub mod current_user;
pub mod email_verification;
pub mod login;
pub mod new_password;
