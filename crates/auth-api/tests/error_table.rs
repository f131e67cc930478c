//! Every row of the error table, through the real router and the real SDK
//! client, with Cognito's wire answers played by aws-smithy-mocks.

use auth_api::app::{full_router, AppState};
use auth_api::cognito_error::{from_service_error, CognitoCall};
use auth_api::config::Config;
use auth_api::error::ErrorCode;
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use axum::body::Body;
use http::Request;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Cognito's error on the wire (awsJson 1.1): a status and a `__type`.
fn wire_error(status: u16, code: &str, message: &str) -> impl Fn() -> HttpResponse + Send + Sync + 'static {
    let body = json!({"__type": code, "message": message}).to_string();
    move || HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body.clone()))
}

fn config() -> Config {
    Config::from_lookup(|name| match name {
        "COGNITO_USER_POOL_ID" => Some("us-east-1_test".into()),
        "COGNITO_CLIENT_ID" => Some("client".into()),
        _ => None,
    })
    .unwrap()
}

struct Case {
    route: &'static str,
    cognito_status: u16,
    cognito_code: &'static str,
    cognito_message: &'static str,
    status: u16,
    code: &'static str,
}

const fn case(
    route: &'static str,
    cognito_code: &'static str,
    cognito_message: &'static str,
    status: u16,
    code: &'static str,
) -> Case {
    Case { route, cognito_status: 400, cognito_code, cognito_message, status, code }
}

const CASES: &[Case] = &[
    case("/auth/login", "NotAuthorizedException", "Incorrect username or password.", 401, "INVALID_CREDENTIALS"),
    case("/auth/login", "UserNotFoundException", "User does not exist.", 401, "INVALID_CREDENTIALS"),
    case("/auth/login", "UserNotConfirmedException", "User is not confirmed.", 401, "INVALID_CREDENTIALS"),
    case(
        "/auth/login",
        "PasswordResetRequiredException",
        "Password reset required for the user",
        403,
        "PASSWORD_RESET_REQUIRED",
    ),
    case("/auth/login", "InvalidParameterException", "Auth flow not enabled for this client", 500, "MISCONFIGURED"),
    case("/auth/login", "NotAuthorizedException", "Unable to verify secret hash for client abc", 500, "MISCONFIGURED"),
    case("/auth/login", "ResourceNotFoundException", "User pool client abc does not exist.", 500, "MISCONFIGURED"),
    case("/auth/login", "InvalidUserPoolConfigurationException", "x", 500, "MISCONFIGURED"),
    case(
        "/auth/login",
        "AccessDeniedException",
        "not authorized to perform cognito-idp:AdminInitiateAuth",
        500,
        "MISCONFIGURED",
    ),
    case("/auth/login", "NotAuthorizedException", "Password attempts exceeded", 401, "INVALID_CREDENTIALS"),
    case(
        "/auth/login",
        "UserLambdaValidationException",
        "PreAuthentication failed with error No.",
        401,
        "INVALID_CREDENTIALS",
    ),
    case("/auth/login", "TooManyRequestsException", "Too many requests", 429, "TOO_MANY_REQUESTS"),
    case("/auth/login", "LimitExceededException", "Attempt limit exceeded", 429, "TOO_MANY_REQUESTS"),
    case("/auth/login", "TooManyFailedAttemptsException", "Too many failed attempts", 429, "TOO_MANY_REQUESTS"),
    // The AWS front end's own throttling and timeouts (the SDK's throttling and transient lists).
    case("/auth/login", "ThrottlingException", "Rate exceeded", 429, "TOO_MANY_REQUESTS"),
    case("/auth/login", "RequestLimitExceeded", "Request limit exceeded.", 429, "TOO_MANY_REQUESTS"),
    case("/auth/login", "RequestTimeoutException", "timed out", 503, "UPSTREAM_UNAVAILABLE"),
    Case { cognito_status: 500, ..case("/auth/login", "InternalFailure", "internal", 503, "UPSTREAM_UNAVAILABLE") },
    Case {
        cognito_status: 500,
        ..case("/auth/login", "InternalErrorException", "internal", 503, "UPSTREAM_UNAVAILABLE")
    },
    Case { cognito_status: 503, ..case("/auth/login", "ServiceUnavailable", "<html>", 503, "UPSTREAM_UNAVAILABLE") },
    case("/auth/login", "SomethingNewException", "?", 500, "INTERNAL"),
    case(
        "/auth/new-password",
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
        401,
        "INVALID_SESSION",
    ),
    case("/auth/new-password", "ResourceNotFoundException", "4d2c-session", 401, "INVALID_SESSION"),
    case(
        "/auth/new-password",
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
        400,
        "INVALID_PASSWORD",
    ),
    case(
        "/auth/new-password",
        "PasswordHistoryPolicyViolationException",
        "Password has previously been used",
        400,
        "INVALID_PASSWORD",
    ),
    case(
        "/auth/new-password",
        "AliasExistsException",
        "An account with the email already exists.",
        409,
        "ALIAS_EXISTS",
    ),
    case(
        "/auth/new-password",
        "InvalidParameterException",
        "1 validation error detected: Value 'hunter2' at 'password'",
        400,
        "VALIDATION_FAILED",
    ),
    case(
        "/auth/email/verify",
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
        400,
        "CODE_MISMATCH",
    ),
    case(
        "/auth/email/verify",
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
        400,
        "CODE_EXPIRED",
    ),
    case("/auth/email/verify", "NotAuthorizedException", "Access Token has expired", 401, "TOKEN_EXPIRED"),
    case("/auth/email/verify", "LimitExceededException", "Attempt limit exceeded", 429, "TOO_MANY_REQUESTS"),
    case("/auth/email/verification-code", "CodeDeliveryFailureException", "x", 503, "UPSTREAM_UNAVAILABLE"),
    case(
        "/auth/email/verification-code",
        "NotAuthorizedException",
        "Access Token has been revoked",
        401,
        "UNAUTHENTICATED",
    ),
    case("/auth/me", "UserNotFoundException", "User does not exist.", 401, "UNAUTHENTICATED"),
    case("/auth/me", "NotAuthorizedException", "Invalid Access Token", 401, "UNAUTHENTICATED"),
    // An expired token is told apart: the client refreshes and retries.
    case("/auth/me", "NotAuthorizedException", "Access Token has expired", 401, "TOKEN_EXPIRED"),
    case("/auth/login", "ResourceNotFoundException", "Device does not exist.", 400, "UNKNOWN_DEVICE"),
    case("/auth/mfa", "CodeMismatchException", "Invalid code received for user", 400, "CODE_MISMATCH"),
    case("/auth/mfa", "ExpiredCodeException", "Invalid code or auth state for the user.", 400, "CODE_EXPIRED"),
    case("/auth/mfa", "NotAuthorizedException", "Invalid session for the user.", 401, "INVALID_SESSION"),
    case("/auth/mfa/setup/verify", "EnableSoftwareTokenMFAException", "Code mismatch", 400, "CODE_MISMATCH"),
    case("/auth/mfa/setup/verify", "NotAuthorizedException", "Invalid session for the user.", 401, "INVALID_SESSION"),
    case("/auth/me/mfa/totp/verify", "EnableSoftwareTokenMFAException", "Code mismatch", 400, "CODE_MISMATCH"),
    case("/auth/me/mfa/totp/verify", "SoftwareTokenMFANotFoundException", "not associated", 400, "VALIDATION_FAILED"),
    case(
        "/auth/me/mfa",
        "InvalidParameterException",
        "User does not have delivery config set to turn on SMS_MFA",
        400,
        "VALIDATION_FAILED",
    ),
    case("/auth/refresh", "NotAuthorizedException", "Invalid Refresh Token", 401, "INVALID_REFRESH_TOKEN"),
    case("/auth/refresh", "NotAuthorizedException", "Refresh Token has expired", 401, "INVALID_REFRESH_TOKEN"),
    // The local Cognito's answers that follow Cognito per operation (issue 15).
    case("/auth/refresh", "NotAuthorizedException", "Refresh Token has been revoked", 401, "INVALID_REFRESH_TOKEN"),
    case(
        "/auth/mfa",
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
        401,
        "INVALID_SESSION",
    ),
    case("/auth/mfa", "CodeMismatchException", "Invalid code or auth state for the user.", 400, "CODE_MISMATCH"),
    case("/auth/mfa", "ExpiredCodeException", "Your software token has already been used once.", 400, "CODE_EXPIRED"),
    case(
        "/auth/me/mfa/totp/verify",
        "EnableSoftwareTokenMFAException",
        "Code mismatch and fail enable Software Token MFA",
        400,
        "CODE_MISMATCH",
    ),
    case("/auth/me/devices", "NotAuthorizedException", "Access Token has been revoked", 401, "UNAUTHENTICATED"),
    case("/auth/me", "ConcurrentModificationException", "being modified", 503, "UPSTREAM_UNAVAILABLE"),
    // Step-up's password check (AdminInitiateAuth): a wrong password asks for a proof again.
    case(
        "/auth/me/mfa/totp",
        "NotAuthorizedException",
        "Incorrect username or password.",
        403,
        "REAUTHENTICATION_REQUIRED",
    ),
    case("/auth/me/mfa/totp", "NotAuthorizedException", "Password attempts exceeded", 429, "TOO_MANY_REQUESTS"),
];

/// A client whose every call of the route's operation answers with `case`'s error.
fn failing_client(case: &Case) -> Client {
    let answer = || wire_error(case.cognito_status, case.cognito_code, case.cognito_message);
    // Step-up finds the user and checks the password first: both pass here.
    let user = mock!(Client::get_user).then_output(|| {
        aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput::builder()
            .username("jane")
            .set_user_attributes(Some(vec![]))
            .build()
            .unwrap()
    });
    let password_right = mock!(Client::admin_initiate_auth).then_output(|| {
        aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput::builder()
            // An SMS challenge: the password is right (a TOTP one would ask for the code too).
            .challenge_name(aws_sdk_cognitoidentityprovider::types::ChallengeNameType::SmsMfa)
            .session("s".repeat(30))
            .build()
    });
    let rule: Rule = match case.route {
        "/auth/me/mfa/totp" => mock!(Client::admin_initiate_auth).then_http_response(answer()),
        "/auth/login" => mock!(Client::admin_initiate_auth).then_http_response(answer()),
        "/auth/new-password" => mock!(Client::admin_respond_to_auth_challenge).then_http_response(answer()),
        "/auth/email/verify" => mock!(Client::verify_user_attribute).then_http_response(answer()),
        "/auth/email/verification-code" => {
            mock!(Client::get_user_attribute_verification_code).then_http_response(answer())
        }
        "/auth/me" => mock!(Client::get_user).then_http_response(answer()),
        "/auth/mfa" => mock!(Client::admin_respond_to_auth_challenge).then_http_response(answer()),
        "/auth/mfa/setup/verify" | "/auth/me/mfa/totp/verify" => {
            mock!(Client::verify_software_token).then_http_response(answer())
        }
        "/auth/me/mfa" => mock!(Client::set_user_mfa_preference).then_http_response(answer()),
        "/auth/refresh" => mock!(Client::get_tokens_from_refresh_token).then_http_response(answer()),
        "/auth/me/devices" => mock!(Client::list_devices).then_http_response(answer()),
        other => panic!("no mock for {other}"),
    };
    // The per-user count of wrong MFA codes (code_limit): none yet, and a wrong code is stored.
    let failures = mock!(Client::admin_get_user).then_output(|| {
        aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput::builder()
            .username("jane")
            .build()
            .unwrap()
    });
    let counted = mock!(Client::admin_update_user_attributes).then_output(|| {
        aws_sdk_cognitoidentityprovider::operation::admin_update_user_attributes::AdminUpdateUserAttributesOutput::builder()
            .build()
    });
    let rules: Vec<&Rule> = match case.route {
        "/auth/mfa" => vec![&rule, &failures, &counted],
        "/auth/me/mfa/totp/verify" => vec![&rule, &user, &password_right],
        "/auth/me/mfa/totp" => vec![&rule, &user],
        _ => vec![&rule],
    };
    // No retries: the mapping is under test, not the SDK's back-off.
    mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, &rules, |conf| conf
        .retry_config(aws_sdk_cognitoidentityprovider::config::retry::RetryConfig::disabled()))
}

fn request_for(route: &str) -> Request<Body> {
    let (method, body) = match route {
        "/auth/login" => ("POST", json!({"username": "jane", "password": "Passw0rd-123"})),
        "/auth/new-password" => {
            ("POST", json!({"username": "jane", "session": "s".repeat(30), "newPassword": "hunter2"}))
        }
        "/auth/email/verify" => ("POST", json!({"code": "123456"})),
        "/auth/email/verification-code" => ("POST", json!({})),
        "/auth/mfa" => (
            "POST",
            json!({"username": "jane", "session": "s".repeat(30), "challenge": "SOFTWARE_TOKEN_MFA", "code": "123456"}),
        ),
        "/auth/mfa/setup/verify" => ("POST", json!({"username": "jane", "session": "s".repeat(30), "code": "123456"})),
        "/auth/me/mfa/totp/verify" => {
            ("POST", json!({"code": "123456", "reauthentication": {"currentPassword": "hunter2"}}))
        }
        "/auth/me/mfa/totp" => ("POST", json!({"reauthentication": {"currentPassword": "hunter2"}})),
        "/auth/me/mfa" => ("PUT", json!({"sms": true})),
        "/auth/refresh" => ("POST", json!({"refreshToken": "r".repeat(40)})),
        _ => ("GET", Value::Null),
    };
    let builder = Request::builder().method(method).uri(route).header("authorization", "Bearer a.b.c");
    if body.is_null() {
        builder.body(Body::empty()).unwrap()
    } else {
        builder.header("content-type", "application/json").body(Body::from(body.to_string())).unwrap()
    }
}

#[tokio::test]
async fn every_cognito_error_has_a_stable_status_and_code() {
    for case in CASES {
        // GIVEN Cognito answering with this error
        let app = full_router(AppState::new(config(), failing_client(case)));
        // WHEN the route is called
        let response = app.oneshot(request_for(case.route)).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body: Value =
            serde_json::from_slice(&axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap()).unwrap();
        // THEN the status and code are the table's, as problem+json
        let context = format!("{} {} {:?}", case.route, case.cognito_code, body);
        assert_eq!((status, body["code"].as_str().unwrap()), (case.status, case.code), "{context}");
        assert_eq!(headers["content-type"], "application/problem+json", "{context}");
        assert_eq!(body["status"], case.status, "{context}");
        assert!(!body["requestId"].as_str().unwrap().is_empty(), "{context}");
        if matches!(case.status, 429 | 503) {
            assert!(headers.contains_key("retry-after"), "{context}");
        }
        assert!(!body.to_string().contains("hunter2"), "no echoed password: {context}");
    }
}

#[test]
fn admin_only_errors_map_too() {
    // Create-user rows need a verified admin token, so they are checked on the mapping itself
    // (and end to end in tests/tests/create_user.rs).
    let rows = [
        ("UsernameExistsException", ErrorCode::UsernameExists),
        ("InvalidPasswordException", ErrorCode::InvalidPassword),
        ("AliasExistsException", ErrorCode::AliasExists),
        ("InvalidParameterException", ErrorCode::ValidationFailed),
        ("NotAuthorizedException", ErrorCode::Misconfigured),
        ("UnsupportedUserStateException", ErrorCode::InvalidUserState),
        ("UserNotFoundException", ErrorCode::NotFound),
        ("NotAuthorizedException", ErrorCode::Misconfigured),
    ];
    for (cognito_code, code) in rows {
        assert_eq!(from_service_error(Some(cognito_code), Some("m"), CognitoCall::Admin).code, code, "{cognito_code}");
    }
}

#[test]
fn revoke_errors_map_too() {
    // Logout's rows need an access token the pool signed, so they are checked on the mapping
    // itself (and end to end in tests/tests/logout.rs).
    let rows = [
        ("UnsupportedTokenTypeException", "Only refresh tokens can be revoked.", ErrorCode::ValidationFailed),
        ("UnauthorizedException", "Unable to verify secret", ErrorCode::Misconfigured),
        ("UnsupportedOperationException", "Token revocation isn't enabled", ErrorCode::Misconfigured),
    ];
    for (cognito_code, message, code) in rows {
        let mapped = from_service_error(Some(cognito_code), Some(message), CognitoCall::Revoke);
        assert_eq!(mapped.code, code, "{cognito_code}");
    }
}

#[test]
fn every_code_has_a_client_or_server_status() {
    for code in ErrorCode::ALL {
        let status = code.status().as_u16();
        assert!((400..600).contains(&status), "{code:?}");
        assert_eq!(code.as_str(), code.as_str().to_ascii_uppercase());
    }
}
