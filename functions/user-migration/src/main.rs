//! The user pool's user migration trigger. The rule and the example store live in the triggers crate.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    triggers::lambda::run_user_migration().await
}
