//! Lambda function for GET and PUT /auth/me/mfa, POST /auth/me/mfa/totp and /auth/me/mfa/totp/verify. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::account_mfa()).await
}
