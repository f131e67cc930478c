//! Lambda function for POST /auth/users/{username}/disable|enable|sign-out|password-reset and DELETE /auth/users/{username}. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::user_status()).await
}
