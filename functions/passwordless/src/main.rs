//! Lambda function for POST /auth/passwordless, /auth/passwordless/factor, /auth/passwordless/code and /auth/passwordless/passkey. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::passwordless()).await
}
