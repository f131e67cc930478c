//! The user pool's pre-token-generation trigger. The rule lives in the triggers crate.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    triggers::lambda::run_pre_token_generation().await
}
