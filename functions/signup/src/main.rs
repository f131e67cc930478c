//! Lambda function for POST /auth/signup, /auth/signup/confirm and /auth/signup/resend. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::signup()).await
}
