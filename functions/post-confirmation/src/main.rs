//! The user pool's post-confirmation trigger. The rule lives in the triggers crate.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    triggers::lambda::run_post_confirmation().await
}
