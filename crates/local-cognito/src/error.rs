//! Errors as Cognito sends them: HTTP 400 (500 for its own faults), the
//! exception name in `x-amzn-ErrorType`, and `{"__type", "message"}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Cognito's content type (AWS JSON 1.1), for answers and errors alike.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CognitoError {
    pub kind: &'static str,
    pub message: String,
}

pub type Result<T> = std::result::Result<T, CognitoError>;

impl CognitoError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
}

/// One constructor per exception the emulator raises, named as Cognito names them.
macro_rules! exceptions {
    ($($function:ident => $kind:literal),* $(,)?) => {
        $(pub fn $function(message: impl Into<String>) -> CognitoError {
            CognitoError::new($kind, message)
        })*
    };
}

exceptions! {
    alias_exists => "AliasExistsException",
    code_mismatch => "CodeMismatchException",
    enable_software_token_mfa => "EnableSoftwareTokenMFAException",
    expired_code => "ExpiredCodeException",
    forbidden => "ForbiddenException",
    group_exists => "GroupExistsException",
    internal_error => "InternalErrorException",
    invalid_parameter => "InvalidParameterException",
    invalid_password => "InvalidPasswordException",
    limit_exceeded => "LimitExceededException",
    not_authorized => "NotAuthorizedException",
    password_reset_required => "PasswordResetRequiredException",
    resource_not_found => "ResourceNotFoundException",
    unsupported_operation => "UnsupportedOperationException",
    unsupported_token_type => "UnsupportedTokenTypeException",
    user_not_confirmed => "UserNotConfirmedException",
    user_not_found => "UserNotFoundException",
    username_exists => "UsernameExistsException",
    user_lambda_validation => "UserLambdaValidationException",
    unexpected_lambda => "UnexpectedLambdaException",
    invalid_lambda_response => "InvalidLambdaResponseException",
    unknown_operation => "UnknownOperationException",
    serialization => "SerializationException",
    software_token_mfa_not_found => "SoftwareTokenMFANotFoundException",
}

impl IntoResponse for CognitoError {
    fn into_response(self) -> Response {
        let status = match self.kind {
            "InternalErrorException" => StatusCode::INTERNAL_SERVER_ERROR,
            // A web ACL's block (web_acl.rs).
            "ForbiddenException" => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        let body = serde_json::json!({"__type": self.kind, "message": self.message}).to_string();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        headers.insert("x-amzn-errortype", HeaderValue::from_static(self.kind));
        response
    }
}
