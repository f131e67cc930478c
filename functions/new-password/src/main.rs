//! Lambda function for POST /auth/new-password. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::new_password()).await
}
