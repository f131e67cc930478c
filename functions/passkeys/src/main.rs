//! Lambda function for /auth/me/passkeys (options, add, list, delete). Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::passkeys()).await
}
