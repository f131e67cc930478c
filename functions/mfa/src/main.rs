//! Lambda function for POST /auth/mfa, /auth/mfa/setup and /auth/mfa/setup/verify. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::mfa()).await
}
