//! Lambda function for PUT and DELETE /auth/users/{username}/groups/{group}. Behaviour lives in the auth-api crate.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    auth_api::lambda::run(auth_api::functions::user_groups()).await
}
