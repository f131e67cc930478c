//! Lambda function for POST /auth/email/verification-code and POST /auth/email/verify. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::email_verification()).await
}
