//! The one mapping from Cognito's errors to the API's. A client's mistake is a
//! 4xx, Cognito trouble a 503, our own misconfiguration a 500 that says which
//! setting; no answer tells a caller whether a user exists.

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

use crate::error::{ApiError, ErrorCode};

/// What kind of call failed: the same Cognito error means different things.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CognitoCall {
    /// AdminInitiateAuth with a username and password.
    Login,
    /// AdminRespondToAuthChallenge with a challenge session.
    AnswerChallenge,
    /// An admin call made on an administrator's behalf, such as AdminCreateUser.
    Admin,
    /// A call authorized by the user's own access token (GetUser, ...).
    WithAccessToken,
    /// GetTokensFromRefreshToken.
    Refresh,
    /// RevokeToken.
    Revoke,
    /// SignUp.
    SignUp,
    /// A public call authorized by what the user knows (a code, a username): ConfirmSignUp, ForgotPassword, ...
    Public,
    /// ChangePassword (the user's access token and current password).
    ChangePassword,
    /// The passkey calls with the user's access token: StartWebAuthnRegistration,
    /// CompleteWebAuthnRegistration, ListWebAuthnCredentials, DeleteWebAuthnCredential.
    Passkeys,
    /// A public call that checks a code or sends one (ConfirmSignUp, ConfirmForgotPassword,
    /// ForgotPassword, ResendConfirmationCode): every answer that only a real user can
    /// get is the one answer anyone gets for a wrong code.
    PublicCode,
}

/// The one answer of the public code routes to a wrong, expired, spent or locked-out
/// code, and to any username: it must not tell a real user from an unknown one.
pub fn wrong_or_expired_code() -> ApiError {
    ApiError {
        code: ErrorCode::CodeMismatch,
        ..ApiError::validation("code", "the code is wrong or has expired; request a new one")
    }
}

/// The one answer to a passkey sign-in Cognito refused: a forged or replayed assertion, a
/// passkey of another relying party or origin, an expired session, or a username that has
/// no passkey or no account, alike.
pub fn passkey_refused() -> ApiError {
    ApiError {
        field: Some("credential".into()),
        ..ApiError::new(
            ErrorCode::PasskeyRefused,
            "the passkey's answer was refused (another site's passkey, a used or expired challenge): start again at POST /auth/passwordless",
        )
    }
}

/// Whether a refusal of a choice-based sign-in (USER_AUTH) step is about the user: no
/// such user, disabled, unconfirmed, without the factor, or a session that is not theirs.
/// The passwordless routes answer those as they answer everyone (a challenge, a wrong
/// code, a refused passkey), so that no answer tells who exists or which factors they have.
pub fn about_the_user(code: Option<&str>, message: Option<&str>) -> bool {
    let message = message.unwrap_or_default();
    match code.unwrap_or_default() {
        "NotAuthorizedException" => !(message.contains("secret hash") || message.contains("configured for secret")),
        "InvalidParameterException" => !message.contains("Auth flow not enabled"),
        "ResourceNotFoundException" => !mentions_pool_or_client(message),
        "UserNotFoundException"
        | "UserNotConfirmedException"
        | "PasswordResetRequiredException"
        | "CodeMismatchException"
        | "ExpiredCodeException"
        | "TooManyFailedAttemptsException"
        | "LimitExceededException"
        | "CodeDeliveryFailureException"
        | "UserLambdaValidationException"
        | "UnexpectedLambdaException"
        | "InvalidLambdaResponseException" => true,
        _ => false,
    }
}

/// Seconds a client should wait before trying again after Cognito trouble.
const UPSTREAM_RETRY_AFTER: u32 = 5;

/// A trigger's fault: it failed, timed out or was throttled (UnexpectedLambdaException),
/// answered badly (InvalidLambdaResponseException) or refused (UserLambdaValidationException).
pub fn is_trigger_fault(cognito_code: &str) -> bool {
    matches!(
        cognito_code,
        "UnexpectedLambdaException" | "InvalidLambdaResponseException" | "UserLambdaValidationException"
    )
}

pub fn from_sdk<E>(error: SdkError<E, HttpResponse>, call: CognitoCall) -> ApiError
where
    E: ProvideErrorMetadata,
{
    let mapped = match &error {
        SdkError::ServiceError(context) => {
            let mapped = from_service_error(context.err().code(), context.err().message(), call);
            if mapped.code == ErrorCode::Internal && context.raw().status().is_server_error() {
                upstream_unavailable("Cognito answered with a server error")
            } else {
                mapped
            }
        }
        SdkError::TimeoutError(_) => upstream_unavailable("Cognito did not answer in time"),
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => {
            upstream_unavailable("Cognito could not be reached")
        }
        SdkError::ConstructionFailure(_) => ApiError::new(
            ErrorCode::Misconfigured,
            "the Cognito request could not be built: check the function's AWS credentials and region",
        ),
        _ => ApiError::new(ErrorCode::Internal, "unexpected failure calling Cognito"),
    };
    // Cognito's own message may carry user input, so only its code is logged.
    tracing::warn!(cognito_error = error.code().unwrap_or("none"), call = ?call, code = mapped.code.as_str(), "Cognito call failed");
    mapped
}

/// A refused challenge answer, told apart by Cognito's message: only an expired or
/// spent session needs a new login; an unknown one is most often the right session
/// sent with another challenge's name, which the same session can still answer.
fn invalid_session(message: &str) -> ApiError {
    let detail = if message.contains("session is expired") {
        "the session has expired (a sign-in's sessions last minutes); log in again"
    } else if message.contains("only be used once") {
        "this session was answered already; answer with the session of the latest answer, or log in again"
    } else {
        "the session is unknown, or was given for another challenge: send the `challenge` the answer that gave this session named, or log in again"
    };
    ApiError::new(ErrorCode::InvalidSession, detail)
}

/// Login's one answer for every refusal only a real account could get.
pub fn wrong_credentials() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidCredentials,
        "the username or password is wrong, or the account is not confirmed yet (POST /auth/signup/resend sends a new code)",
    )
}

pub fn upstream_unavailable(detail: &str) -> ApiError {
    ApiError::new(ErrorCode::UpstreamUnavailable, detail).retry_after(UPSTREAM_RETRY_AFTER)
}

/// Maps a modeled Cognito error by its code and message.
pub fn from_service_error(code: Option<&str>, message: Option<&str>, call: CognitoCall) -> ApiError {
    use CognitoCall::*;
    use ErrorCode as C;
    let message = message.unwrap_or_default();
    match code.unwrap_or_default() {
        "NotAuthorizedException" if message.contains("secret hash") || message.contains("configured for secret") => {
            ApiError::new(C::Misconfigured, "COGNITO_CLIENT_SECRET does not match the app client's secret")
        }
        "CodeMismatchException"
        | "ExpiredCodeException"
        | "UserNotFoundException"
        | "UserNotConfirmedException"
        | "NotAuthorizedException"
        | "LimitExceededException"
        | "TooManyFailedAttemptsException"
            if call == PublicCode =>
        {
            wrong_or_expired_code()
        }
        "NotAuthorizedException" if call == SignUp && message.contains("unauthorized attribute") => {
            ApiError::validation("attributes", "these attributes may not be set at sign-up")
        }
        // UpdateUserAttributes past the app client's WriteAttributes (changed since they were read).
        "NotAuthorizedException" if call == WithAccessToken && message.contains("unauthorized attribute") => {
            ApiError::validation("attributes", "the app client may not write one of these attributes")
        }
        "NotAuthorizedException" if call == SignUp && message.contains("SignUp is not permitted") => {
            ApiError::new(C::SignUpDisabled, "users cannot sign themselves up here; an administrator creates accounts")
        }
        "NotAuthorizedException" if call == ChangePassword && message.contains("Incorrect username or password") => {
            ApiError { field: Some("currentPassword".into()), ..ApiError::new(C::InvalidCredentials, "the current password is wrong") }
        }
        // A confirmed user's "User cannot be confirmed" would tell that the account exists:
        // it answers as the wrong code an unknown user gets.
        "NotAuthorizedException" if call == Public && message.starts_with("User cannot be confirmed") => {
            ApiError::validation("code", "the code is wrong").with_code(C::CodeMismatch)
        }
        "NotAuthorizedException" if call == Admin && message.starts_with("User cannot be confirmed") => {
            ApiError::new(C::InvalidUserState, "only an unconfirmed user can be confirmed")
        }
        // Only a real account can be locked out, meet a pre-authentication trigger, or be
        // unconfirmed: at login each answers as a wrong password does, or it would tell who
        // exists (sign up with someone's address and your own password, then log in: an
        // unconfirmed answer would say the sign-up made an account, so the address was free).
        // A trigger's fault at login (a migration trigger that timed out, was throttled or
        // answered badly) too: only a name the pool lacks runs the migration trigger, so a
        // fault there as a 500 would tell a stranger from a user. The log keeps Cognito's code.
        "NotAuthorizedException" | "UserNotConfirmedException" if call == Login => wrong_credentials(),
        fault if call == Login && is_trigger_fault(fault) =>
        {
            wrong_credentials()
        }
        "NotAuthorizedException" if message.contains("Password attempts exceeded") => {
            ApiError::new(C::TooManyRequests, "too many failed attempts; try again later").retry_after(60)
        }
        "UserNotFoundException" if call == Admin => ApiError::new(C::NotFound, "no user has this username"),
        // AdminResetUserPassword for a user who never chose a password (invited, or unconfirmed).
        "NotAuthorizedException" if call == Admin && message.starts_with("User password cannot be reset") => {
            ApiError::new(C::InvalidUserState, "only a user who has chosen a password can be sent a reset code")
        }
        "InvalidParameterException" if call == Admin && message.contains("no registered/verified email or phone_number") => {
            ApiError::new(C::InvalidUserState, "the user has no verified email or phone number to receive a reset code")
        }
        // AdminAddUserToGroup, AdminRemoveUserFromGroup: "Group not found."
        "ResourceNotFoundException" if call == Admin && message.starts_with("Group not found") => {
            ApiError::new(C::NotFound, "no group has this name")
        }
        "WebAuthnNotEnabledException" => ApiError::new(
            C::Misconfigured,
            "the user pool does not allow passkeys: add WEB_AUTHN to its sign-in policy's first factors (PasswordlessFactors)",
        ),
        "WebAuthnConfigurationMissingException" => ApiError::new(
            C::Misconfigured,
            "the user pool has no WebAuthn relying party: set WebAuthnRelyingPartyID (PasskeyRelyingPartyId)",
        ),
        "WebAuthnChallengeNotFoundException" => passkey_registration(
            "no passkey registration is under way, or it expired: ask for options again (POST /auth/me/passkeys/options)",
        ),
        "WebAuthnClientMismatchException" => {
            passkey_registration("the registration was started by another app client: ask for options again")
        }
        "WebAuthnCredentialNotSupportedException" => passkey_registration(
            "the authenticator's credential is not supported (its algorithm or attestation): try another authenticator",
        ),
        "WebAuthnOriginNotAllowedException" => passkey_registration(
            "the passkey was made on an origin the relying party does not allow: register it from the app's own site",
        ),
        "WebAuthnRelyingPartyMismatchException" => passkey_registration(
            "the passkey was made for another relying party id: use the options' `rp.id`",
        ),
        // StartWebAuthnRegistration: Cognito keeps at most 20 passkeys a user.
        "LimitExceededException" if call == Passkeys => {
            ApiError::new(C::InvalidUserState, "the user has as many passkeys as Cognito allows: delete one first")
        }
        "ResourceNotFoundException" if call == Passkeys && !mentions_pool_or_client(message) => {
            ApiError::new(C::NotFound, "no passkey of this user has this id")
        }
        "NotAuthorizedException" if matches!(call, WithAccessToken | ChangePassword | Passkeys) && message == "Access Token has expired" => {
            ApiError::new(C::TokenExpired, "the access token has expired: refresh it (POST /auth/refresh) and retry")
        }
        "NotAuthorizedException" | "UserNotFoundException" => match call {
            Login => wrong_credentials(),
            AnswerChallenge => invalid_session(message),
            WithAccessToken | Passkeys => ApiError::new(C::Unauthenticated, "the access token is invalid, expired or revoked"),
            ChangePassword => ApiError::new(C::Unauthenticated, "the access token is invalid, expired or revoked"),
            SignUp => ApiError::new(C::Misconfigured, "Cognito refused the sign-up: check the app client"),
            // ConfirmSignUp for a confirmed user, ForgotPassword for a disabled one.
            Public => ApiError::new(C::InvalidCredentials, "the request was refused for this user"),
            PublicCode => wrong_or_expired_code(),
            Refresh | Revoke => {
                ApiError::new(C::InvalidRefreshToken, "the refresh token is invalid, expired or revoked; log in again")
            }
            Admin => ApiError::new(C::Misconfigured, "Cognito refused the function's admin call"),
        },
        // RevokeToken's answer to a missing or wrong client secret.
        "UnauthorizedException" if call == Revoke => {
            ApiError::new(C::Misconfigured, "Cognito refused the revocation: check COGNITO_CLIENT_SECRET")
        }
        "UnsupportedTokenTypeException" => ApiError::validation("refreshToken", "send a refresh token, not an access or ID token"),
        "UnsupportedOperationException" => ApiError::new(C::Misconfigured, "the app client does not allow token revocation: turn on EnableTokenRevocation"),
        "ResourceNotFoundException" if message.contains("Device") => {
            ApiError::validation("deviceKey", "the device is not one of this user's; sign in without it").with_code(C::UnknownDevice)
        }
        "ResourceNotFoundException" if call == AnswerChallenge && !mentions_pool_or_client(message) => {
            invalid_session(message)
        }
        "ResourceNotFoundException" => ApiError::new(
            C::Misconfigured,
            "the user pool or app client does not exist: check COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID",
        ),
        "UserNotConfirmedException" => ApiError::new(C::UserNotConfirmed, "the user has not confirmed the account"),
        "PasswordResetRequiredException" => ApiError::new(C::PasswordResetRequired, "the user must reset the password"),
        "UsernameExistsException" => ApiError::new(C::UsernameExists, "a user with this username already exists"),
        "AliasExistsException" => ApiError::new(C::AliasExists, "another user already has this email"),
        "PasswordHistoryPolicyViolationException" => ApiError {
            field: Some(password_field(call).into()),
            ..ApiError::new(C::InvalidPassword, "the password was used recently: choose another")
        },
        // Cognito's message names the broken policy rule and nothing else.
        "InvalidPasswordException" => ApiError { field: Some(password_field(call).into()), ..ApiError::new(C::InvalidPassword, message) },
        "CodeMismatchException" | "EnableSoftwareTokenMFAException" => ApiError::validation("code", "the code is wrong").with_code(C::CodeMismatch),
        "SoftwareTokenMFANotFoundException" => ApiError::validation("code", "set up TOTP first: POST /auth/me/mfa/totp"),
        "ExpiredCodeException" => ApiError::validation("code", "the code has expired; request a new one").with_code(C::CodeExpired),
        "InvalidParameterException" if message.contains("delivery config") || message.contains("not verified software token") => {
            ApiError::new(C::ValidationFailed, "this factor cannot be turned on: the user lacks its phone number, email or verified TOTP")
        }
        "InvalidParameterException" if message.contains("Auth flow not enabled") => ApiError::new(
            C::Misconfigured,
            "the app client does not allow ADMIN_USER_PASSWORD_AUTH: add ALLOW_ADMIN_USER_PASSWORD_AUTH to its explicit auth flows",
        ),
        "InvalidParameterException" if message.contains("did not conform to the schema") => ApiError::validation(
            "attributes",
            format!("the user pool does not declare these attributes: {}", schema_violations(message).join(", ")),
        ),
        "InvalidParameterException" => ApiError::new(C::ValidationFailed, parameter_problem(message)),
        // The trigger's author chose its message for the client; Cognito's prefix goes.
        "UserLambdaValidationException" => ApiError::new(C::ValidationFailed, trigger_message(message)),
        // Documented by AdminCreateUser (RESEND) and ConfirmDevice: the client's state, not ours.
        "UnsupportedUserStateException" => ApiError::new(C::InvalidUserState, "the user is not in a state that allows this"),
        "DeviceKeyExistsException" => {
            ApiError::validation("deviceKey", "the device is already confirmed").with_code(C::UnknownDevice)
        }
        "ConcurrentModificationException" => upstream_unavailable("the user pool is being changed; try again"),
        "TooManyRequestsException" => ApiError::new(C::TooManyRequests, "Cognito's request rate limit was reached").retry_after(1),
        // The AWS front end's own throttling and timeouts (the SDK's throttling and
        // transient error lists), not modeled by Cognito but answered all the same.
        "ThrottlingException" | "Throttling" | "ThrottledException" | "RequestThrottledException" | "RequestLimitExceeded"
        | "RequestThrottled" | "SlowDown" => {
            ApiError::new(C::TooManyRequests, "Cognito's request rate limit was reached").retry_after(1)
        }
        "RequestTimeout" | "RequestTimeoutException" | "PriorRequestNotComplete" => {
            upstream_unavailable("Cognito did not answer in time")
        }
        "LimitExceededException" => ApiError::new(C::TooManyRequests, "a Cognito limit was reached; try again later").retry_after(30),
        "TooManyFailedAttemptsException" => ApiError::new(C::TooManyRequests, "too many failed attempts; try again later").retry_after(60),
        "CodeDeliveryFailureException" => upstream_unavailable("Cognito could not deliver the message"),
        "InternalErrorException" => upstream_unavailable("Cognito had an internal error"),
        // The pool's web ACL lets through only calls with the functions' caller key (caller_key.rs).
        "ForbiddenException" => ApiError::new(
            C::Misconfigured,
            "the user pool's web ACL blocked the function's call: check COGNITO_CALLER_KEY against the web ACL's rule",
        ),
        fault @ ("InvalidUserPoolConfigurationException"
        | "InvalidEmailRoleAccessPolicyException"
        | "InvalidSmsRoleAccessPolicyException"
        | "InvalidSmsRoleTrustRelationshipException"
        | "InvalidLambdaResponseException"
        | "UnexpectedLambdaException"
        | "AccessDeniedException"
        | "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "ExpiredTokenException") => ApiError::new(C::Misconfigured, format!("Cognito reports {fault}: check the pool and the function's IAM role")),
        other => ApiError::new(C::Internal, format!("unexpected Cognito error {}", if other.is_empty() { "without a code" } else { other })),
    }
}

/// A passkey registration Cognito refused: the signed-in user's own, so it says what to fix.
fn passkey_registration(detail: &str) -> ApiError {
    ApiError { field: Some("credential".into()), ..ApiError::new(ErrorCode::PasskeyRefused, detail) }
}

fn password_field(call: CognitoCall) -> &'static str {
    match call {
        CognitoCall::Admin => "temporaryPassword",
        _ => "newPassword",
    }
}

fn mentions_pool_or_client(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("pool") || message.contains("client")
}

/// The attribute names in "Attributes did not conform to the schema: a: ...\nb: ...".
fn schema_violations(message: &str) -> Vec<&str> {
    let list = message.split_once(": ").map_or("", |(_, rest)| rest);
    list.lines()
        .filter_map(|line| line.split_once(": ").map(|(name, _)| name.trim()))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Cognito's InvalidParameter messages that are safe and useful to show; any
/// other says only that a parameter was refused (it may name internals).
const SAFE_PARAMETER_MESSAGES: &[&str] = &[
    "Invalid email address format.",
    "Invalid phone number format.",
    "User is already confirmed.",
    "Cannot reset password for the user as there is no registered/verified email or phone_number",
];

fn parameter_problem(message: &str) -> String {
    if let Some(safe) = SAFE_PARAMETER_MESSAGES.iter().find(|safe| message.contains(**safe)) {
        return safe.trim_end_matches('.').to_owned();
    }
    if message.starts_with("Invalid attributes given,") && !message.contains('\'') {
        return message.to_owned();
    }
    without_echoed_values(message)
}

/// "PreSignUp failed with error Sign-up is by invitation only." -> the trigger's own sentence.
/// Cognito ends the message with a period, doubling one the trigger wrote.
fn trigger_message(message: &str) -> String {
    match message.split_once(" failed with error ") {
        Some((_, own)) if !own.trim().is_empty() => {
            let own = own.trim();
            let own = match own.strip_suffix('.') {
                Some(sentence) if sentence.ends_with(['.', '!', '?']) => sentence,
                _ => own,
            };
            own.chars().take(500).collect()
        }
        _ => "the request was refused by the user pool's rules".to_owned(),
    }
}

/// AWS validation messages quote the offending value ("Value 'x' at 'password'
/// failed to satisfy constraint"), and the value may itself contain quotes: such
/// messages are replaced by the names of the fields at fault, nothing of the value.
fn without_echoed_values(message: &str) -> String {
    if !message.contains("Value '") {
        return "Cognito rejected a parameter".into();
    }
    const BEFORE: &str = "' at '";
    const AFTER: &str = "' failed to satisfy constraint";
    let mut fields: Vec<&str> = message
        .match_indices(AFTER)
        .filter_map(|(end, _)| {
            let start = message[..end].rfind(BEFORE)? + BEFORE.len();
            let field = &message[start..end];
            (!field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_'))
                .then_some(field)
        })
        .collect();
    fields.dedup();
    if fields.is_empty() {
        "Cognito rejected a parameter".into()
    } else {
        format!("Cognito rejected the value of: {}", fields.join(", "))
    }
}

impl ApiError {
    fn with_code(mut self, code: ErrorCode) -> Self {
        self.code = code;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_values_are_dropped_from_validation_messages() {
        let message = "1 validation error detected: Value 'hunter2' at 'password' failed to satisfy constraint";
        assert_eq!(without_echoed_values(message), "Cognito rejected the value of: password");
        // A value that contains the separator itself leaks nothing either.
        let tricky = "1 validation error detected: Value 'pa' at 'ss' at 'word' failed to satisfy constraint: x";
        let cleaned = without_echoed_values(tricky);
        assert!(!cleaned.contains("pa") && !cleaned.contains("ss' at"), "{cleaned}");
        assert_eq!(without_echoed_values("Username should be an email."), "Cognito rejected a parameter");
    }

    #[test]
    fn only_safe_parameter_messages_and_the_triggers_own_words_reach_clients() {
        assert_eq!(parameter_problem("Invalid phone number format."), "Invalid phone number format");
        assert_eq!(
            parameter_problem("Internal detail: pool us-east-1_X lambda arn:..."),
            "Cognito rejected a parameter"
        );
        assert_eq!(trigger_message("PreSignUp failed with error Invitation required."), "Invitation required.");
        assert_eq!(trigger_message("PreSignUp failed with error Invitation required.."), "Invitation required.");
        assert_eq!(trigger_message("PreSignUp failed with error Not now!."), "Not now!");
        assert_eq!(trigger_message("arn:aws:lambda:... timed out"), "the request was refused by the user pool's rules");
    }

    #[test]
    fn a_lockout_a_trigger_or_an_unconfirmed_account_at_login_looks_like_a_wrong_password() {
        let wrong = from_service_error(
            Some("NotAuthorizedException"),
            Some("Incorrect username or password."),
            CognitoCall::Login,
        );
        for (code, message) in [
            ("NotAuthorizedException", "Password attempts exceeded"),
            ("UserLambdaValidationException", "PreAuthentication failed with error Blocked."),
            ("UserNotConfirmedException", "User is not confirmed."),
            ("UserLambdaValidationException", "UserMigration failed with error Incorrect username or password."),
            ("UnexpectedLambdaException", "UserMigration invocation failed due to error TimeoutException."),
            ("InvalidLambdaResponseException", "Invalid UserMigration response: userAttributes is required"),
        ] {
            assert_eq!(from_service_error(Some(code), Some(message), CognitoCall::Login), wrong, "{code}");
        }
    }

    #[test]
    fn schema_violations_are_named() {
        let message = "Attributes did not conform to the schema: custom:a: Attribute does not exist in the schema.\nnickname: Attribute does not exist in the schema.";
        assert_eq!(schema_violations(message), ["custom:a", "nickname"]);
    }

    #[test]
    fn on_public_code_routes_what_only_a_real_user_gets_is_a_wrong_code() {
        let unknown = from_service_error(
            Some("CodeMismatchException"),
            Some("Invalid verification code provided, please try again."),
            CognitoCall::PublicCode,
        );
        assert_eq!(unknown, wrong_or_expired_code());
        for (code, message) in [
            ("ExpiredCodeException", "Invalid code provided, please request a code again."),
            ("LimitExceededException", "Attempt limit exceeded, please try after some time."),
            ("TooManyFailedAttemptsException", "x"),
            ("UserNotFoundException", "User does not exist."),
            ("UserNotConfirmedException", "User is not confirmed."),
            ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED"),
            ("NotAuthorizedException", "User is disabled."),
        ] {
            let mapped = from_service_error(Some(code), Some(message), CognitoCall::PublicCode);
            assert_eq!(mapped, unknown, "{code}");
            assert_eq!(mapped.retry_after, None, "no header tells them apart");
        }
        let secret = from_service_error(
            Some("NotAuthorizedException"),
            Some("Unable to verify secret hash for client x"),
            CognitoCall::PublicCode,
        );
        assert_eq!(secret.code, ErrorCode::Misconfigured);
    }

    #[test]
    fn an_attribute_the_client_may_not_write_is_the_callers_mistake() {
        let mapped = from_service_error(
            Some("NotAuthorizedException"),
            Some("A client attempted to write unauthorized attribute"),
            CognitoCall::SignUp,
        );
        assert_eq!((mapped.code, mapped.field.as_deref()), (ErrorCode::ValidationFailed, Some("attributes")));
    }

    #[test]
    fn login_errors_do_not_reveal_whether_the_user_exists() {
        let unknown =
            from_service_error(Some("UserNotFoundException"), Some("User does not exist."), CognitoCall::Login);
        let wrong = from_service_error(
            Some("NotAuthorizedException"),
            Some("Incorrect username or password."),
            CognitoCall::Login,
        );
        assert_eq!(unknown, wrong);
    }
}
