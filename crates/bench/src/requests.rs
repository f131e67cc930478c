//! One request per function for the first-request benchmark: a real call of
//! one of its routes that makes the function call Cognito (the TLS handshake
//! is what is measured), prepared before the function starts. Requests that
//! change something get a fresh user each time.

use auth_api::routes::Function;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, AuthenticationResultType};
use integration_tests::flows::password_proof;
use integration_tests::lambda_runtime_api::GatewayRequest;
use integration_tests::*;
use serde_json::{json, Value};

/// The group `user-groups` adds users to (the pool is made with it).
pub const GROUP: &str = "members";

pub struct Prepared {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
    pub bearer: Option<String>,
}

impl Prepared {
    fn new(method: &'static str, path: impl Into<String>, body: Option<Value>, bearer: Option<String>) -> Self {
        Self { method, path: path.into(), body, bearer }
    }

    /// A REST API (payload 1.0) event, as API Gateway sends it.
    pub fn event(&self) -> Value {
        let mut headers = vec![("Content-Type", "application/json".to_owned())];
        if let Some(token) = &self.bearer {
            headers.push(("Authorization", format!("Bearer {token}")));
        }
        let request = GatewayRequest {
            method: self.method,
            path: &self.path,
            headers,
            body: self.body.as_ref().map(|b| b.to_string().into_bytes()),
            base64: false,
        };
        request.rest_v1("prod", &uuid::Uuid::new_v4().to_string())
    }
}

/// Tokens of a sign-in made straight with the SDK (set-up, not measured).
pub async fn sign_in(pool: &Pool, username: &str, password: &str) -> AuthenticationResultType {
    sdk()
        .admin_initiate_auth()
        .user_pool_id(&pool.user_pool_id)
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .set_auth_parameters(Some(auth_parameters(pool, username, password)))
        .send()
        .await
        .expect("set-up sign-in")
        .authentication_result
        .expect("tokens")
}

fn auth_parameters(pool: &Pool, username: &str, password: &str) -> std::collections::HashMap<String, String> {
    let mut parameters =
        std::collections::HashMap::from([("USERNAME".into(), username.into()), ("PASSWORD".into(), password.into())]);
    if let Some(hash) = secret_hash(pool, username) {
        parameters.insert("SECRET_HASH".into(), hash);
    }
    parameters
}

async fn access_token(pool: &Pool, username: &str, password: &str) -> String {
    sign_in(pool, username, password).await.access_token.expect("access token")
}

/// The request measured for `function`.
pub async fn prepare(function: Function, pool: &Pool) -> Prepared {
    use Function::*;
    let admin = || access_token(pool, ADMIN_USERNAME, ADMIN_PASSWORD);
    match function {
        CreateUser => {
            let username = format!("new-{}", uuid::Uuid::new_v4());
            let body = json!({"email": format!("{username}@example.com"), "username": username,
                "temporaryPassword": "Temp-Passw0rd-1", "sendInvitation": false});
            Prepared::new("POST", "/auth/users", Some(body), Some(admin().await))
        }
        Login => Prepared::new(
            "POST",
            "/auth/login",
            Some(json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD})),
            None,
        ),
        NewPassword => {
            let username = user_with_temporary_password(pool, Some("bench@example.com")).await;
            let challenge = sdk()
                .admin_initiate_auth()
                .user_pool_id(&pool.user_pool_id)
                .client_id(&pool.client_id)
                .auth_flow(AuthFlowType::AdminUserPasswordAuth)
                .set_auth_parameters(Some(auth_parameters(pool, &username, PASSWORD)))
                .send()
                .await
                .expect("NEW_PASSWORD_REQUIRED");
            let session = challenge.session.expect("a session");
            let body = json!({"username": username, "session": session, "newPassword": "Brand-New-Passw0rd"});
            Prepared::new("POST", "/auth/new-password", Some(body), None)
        }
        EmailVerification => {
            let username = confirmed_user(pool, &[]).await;
            let token = access_token(pool, &username, PASSWORD).await;
            Prepared::new("POST", "/auth/email/verification-code", Some(json!({})), Some(token))
        }
        CurrentUser => Prepared::new("GET", "/auth/me", None, Some(admin().await)),
        // No MFA pool here: a session Cognito refuses still makes the round trip.
        Mfa => {
            let body = json!({"username": ADMIN_USERNAME, "session": "A".repeat(64),
                "challenge": "SOFTWARE_TOKEN_MFA", "code": "123456"});
            Prepared::new("POST", "/auth/mfa", Some(body), None)
        }
        AccountMfa => Prepared::new("GET", "/auth/me/mfa", None, Some(admin().await)),
        Refresh => {
            let tokens = sign_in(pool, ADMIN_USERNAME, ADMIN_PASSWORD).await;
            let body = json!({"refreshToken": tokens.refresh_token.expect("refresh token")});
            Prepared::new("POST", "/auth/refresh", Some(body), None)
        }
        Devices => Prepared::new("GET", "/auth/me/devices", None, Some(admin().await)),
        Logout => {
            let username = confirmed_user(pool, &[]).await;
            let tokens = sign_in(pool, &username, PASSWORD).await;
            let body = json!({"refreshToken": tokens.refresh_token.expect("refresh token")});
            Prepared::new("POST", "/auth/logout", Some(body), tokens.access_token)
        }
        SignUp => {
            let username = format!("signup-{}", uuid::Uuid::new_v4());
            let body = json!({"username": username, "password": PASSWORD, "email": format!("{username}@example.com")});
            Prepared::new("POST", "/auth/signup", Some(body), None)
        }
        Password => {
            let username = confirmed_user(pool, &[]).await;
            verify_email(pool, &username).await;
            Prepared::new("POST", "/auth/password/forgot", Some(json!({"username": username})), None)
        }
        ManageUsers => {
            let username = user_with_temporary_password(pool, Some("bench@example.com")).await;
            let path = format!("/auth/users/{username}/invitation");
            Prepared::new("POST", path, Some(json!({})), Some(admin().await))
        }
        ExampleClaims => {
            let tokens = sign_in(pool, ADMIN_USERNAME, ADMIN_PASSWORD).await;
            Prepared::new("GET", "/auth/example/claims", None, tokens.id_token)
        }
        UserDirectory => Prepared::new("GET", "/auth/users", None, Some(admin().await)),
        UserStatus => {
            let username = confirmed_user(pool, &[]).await;
            Prepared::new("POST", format!("/auth/users/{username}/enable"), None, Some(admin().await))
        }
        UserGroups => {
            let username = confirmed_user(pool, &[]).await;
            Prepared::new("PUT", format!("/auth/users/{username}/groups/{GROUP}"), None, Some(admin().await))
        }
        UpdateProfile => {
            let username = confirmed_user(pool, &[]).await;
            let body = json!({"attributes": {"birthdate": "1990-01-31"}});
            Prepared::new("PATCH", "/auth/me", Some(body), Some(access_token(pool, &username, PASSWORD).await))
        }
        DeleteAccount => {
            let username = confirmed_user(pool, &[]).await;
            let body = json!({"reauthentication": password_proof()});
            Prepared::new("DELETE", "/auth/me", Some(body), Some(access_token(pool, &username, PASSWORD).await))
        }
        // The pool's first factors are read, then the code is sent: USER_AUTH's EMAIL_OTP.
        Passwordless => {
            let username = confirmed_user(pool, &[]).await;
            verify_email(pool, &username).await;
            Prepared::new("POST", "/auth/passwordless", Some(json!({"username": username, "factor": "email"})), None)
        }
        Passkeys => Prepared::new("GET", "/auth/me/passkeys", None, Some(admin().await)),
    }
}
