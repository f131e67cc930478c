//! The API's one error type. Every failure, whatever its source, ends here and
//! leaves as an RFC 9457 `application/problem+json` body with a stable `code`.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident = $name:literal => $status:expr, $title:literal;)+) => {
        /// A stable, upper-snake code clients may switch on.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ErrorCode { $($variant),+ }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name),+ }
            }

            pub fn status(self) -> StatusCode {
                match self { $(ErrorCode::$variant => $status),+ }
            }

            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title),+ }
            }
        }
    };
}

error_codes! {
    ValidationFailed = "VALIDATION_FAILED" => StatusCode::BAD_REQUEST, "The request is not valid";
    InvalidPassword = "INVALID_PASSWORD" => StatusCode::BAD_REQUEST, "The password does not meet the password policy";
    CodeMismatch = "CODE_MISMATCH" => StatusCode::BAD_REQUEST, "The code is wrong";
    CodeExpired = "CODE_EXPIRED" => StatusCode::BAD_REQUEST, "The code has expired";
    UnknownDevice = "UNKNOWN_DEVICE" => StatusCode::BAD_REQUEST, "The device is not one of the user's";
    FactorNotAllowed = "FACTOR_NOT_ALLOWED" => StatusCode::BAD_REQUEST, "The deployment does not allow this sign-in factor";
    PasskeyRefused = "PASSKEY_REFUSED" => StatusCode::BAD_REQUEST, "The passkey's answer was refused";
    Unauthenticated = "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED, "A valid access token is required";
    TokenExpired = "TOKEN_EXPIRED" => StatusCode::UNAUTHORIZED, "The access token has expired";
    WrongTokenType = "WRONG_TOKEN_TYPE" => StatusCode::UNAUTHORIZED, "This kind of token does not belong here";
    InvalidCredentials = "INVALID_CREDENTIALS" => StatusCode::UNAUTHORIZED, "The username or password is wrong";
    InvalidSession = "INVALID_SESSION" => StatusCode::UNAUTHORIZED, "The challenge session is expired or unknown";
    InvalidRefreshToken = "INVALID_REFRESH_TOKEN" => StatusCode::UNAUTHORIZED, "The refresh token is invalid, expired or revoked";
    Forbidden = "FORBIDDEN" => StatusCode::FORBIDDEN, "The caller may not do this";
    UserNotConfirmed = "USER_NOT_CONFIRMED" => StatusCode::FORBIDDEN, "The user is not confirmed";
    PasswordResetRequired = "PASSWORD_RESET_REQUIRED" => StatusCode::FORBIDDEN, "The user must reset the password";
    ReauthenticationRequired = "REAUTHENTICATION_REQUIRED" => StatusCode::FORBIDDEN, "A fresh proof of identity is required";
    OriginNotAllowed = "ORIGIN_NOT_ALLOWED" => StatusCode::FORBIDDEN, "The request's origin may not use cookie sessions";
    NotFound = "NOT_FOUND" => StatusCode::NOT_FOUND, "No such route";
    MethodNotAllowed = "METHOD_NOT_ALLOWED" => StatusCode::METHOD_NOT_ALLOWED, "The route does not take this method";
    SignUpDisabled = "SIGN_UP_DISABLED" => StatusCode::FORBIDDEN, "Users cannot sign themselves up";
    UsernameExists = "USERNAME_EXISTS" => StatusCode::CONFLICT, "The username is taken";
    InvalidUserState = "INVALID_USER_STATE" => StatusCode::CONFLICT, "The user is not in a state that allows this";
    AliasExists = "ALIAS_EXISTS" => StatusCode::CONFLICT, "The email belongs to another user";
    SelfAdministration = "SELF_ADMINISTRATION" => StatusCode::CONFLICT, "An administrator cannot do this to their own account";
    PayloadTooLarge = "PAYLOAD_TOO_LARGE" => StatusCode::PAYLOAD_TOO_LARGE, "The request body is too large";
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE" => StatusCode::UNSUPPORTED_MEDIA_TYPE, "The request body must be application/json";
    TooManyRequests = "TOO_MANY_REQUESTS" => StatusCode::TOO_MANY_REQUESTS, "Too many requests";
    Internal = "INTERNAL" => StatusCode::INTERNAL_SERVER_ERROR, "Internal error";
    Misconfigured = "MISCONFIGURED" => StatusCode::INTERNAL_SERVER_ERROR, "The service is misconfigured";
    UpstreamUnavailable = "UPSTREAM_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE, "Cognito is unavailable";
}

impl ErrorCode {
    /// The problem `type`: a URN per code, documented in openapi.yaml.
    pub fn type_uri(self) -> String {
        format!("urn:auth-api:problem:{}", self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// An answer that is not a success: a code plus what the caller should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: ErrorCode,
    /// Safe to show: never a password, code, token, session or secret.
    pub detail: String,
    /// The request field at fault, for validation errors.
    pub field: Option<String>,
    /// Seconds, for 429 and 503.
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), field: None, retry_after: None }
    }

    pub fn validation(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { field: Some(field.into()), ..Self::new(ErrorCode::ValidationFailed, detail) }
    }

    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

impl std::error::Error for ApiError {}

/// The problem body. `requestId` is filled in by the response middleware,
/// which is the one place that knows the request id.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: &'a str,
    pub code: ErrorCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
    pub request_id: &'a str,
}

impl ApiError {
    pub fn problem<'a>(&'a self, request_id: &'a str) -> Problem<'a> {
        Problem {
            type_uri: self.code.type_uri(),
            title: self.code.title(),
            status: self.code.status().as_u16(),
            detail: &self.detail,
            code: self.code,
            field: self.field.as_deref(),
            request_id,
        }
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.code.status().into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        // RFC 6750: a token that was sent but will not do is an `invalid_token`.
        let challenge = match self.code {
            ErrorCode::Unauthenticated => Some("Bearer"),
            ErrorCode::TokenExpired => {
                Some(r#"Bearer error="invalid_token", error_description="The access token expired""#)
            }
            ErrorCode::WrongTokenType => Some(r#"Bearer error="invalid_token""#),
            _ => None,
        };
        if let Some(challenge) = challenge {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        // The body is written by `middleware::render_problems`, with the request id.
        response.extensions_mut().insert(self);
        response
    }
}
