//! The user pool's custom message trigger. The rule and the templates live in the triggers crate.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    triggers::lambda::run_custom_message().await
}
