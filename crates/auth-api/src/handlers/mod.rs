//! One module per Lambda function: request types, their checks, the Cognito calls, the answers.

pub mod account_mfa;
pub mod create_user;
pub mod current_user;
pub mod delete_account;
pub mod devices;
pub mod email_verification;
pub mod example_claims;
pub mod login;
pub mod logout;
pub mod manage_users;
pub mod mfa;
pub mod new_password;
pub mod passkeys;
pub mod password;
pub mod passwordless;
pub mod refresh;
pub mod signup;
pub mod update_profile;
pub mod user_directory;
pub mod user_groups;
pub mod user_status;
