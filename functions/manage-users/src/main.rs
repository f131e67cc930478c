//! Lambda function for POST /auth/users/{username}/confirm and /auth/users/{username}/invitation. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::manage_users()).await
}
