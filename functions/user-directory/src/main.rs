//! Lambda function for GET /auth/users, /auth/users/{username} and /auth/groups. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::user_directory()).await
}
