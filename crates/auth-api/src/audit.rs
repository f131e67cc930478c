//! The audit trail: one log line per administrative action and per security event,
//! of its own kind (`event`), with who (`actor`), to whom (`target`), the `outcome`
//! and its `reason`, the `request_id` and the caller's `source_ip`. Never a password,
//! code, token, session, secret or device handle: the line takes only what [`Audit`]
//! is told, and nothing it is told comes from a request body but usernames and
//! group names the handlers checked. docs/audit.md lists every kind.
//!
//! The lines go through `tracing` with the target `audit`, at info whatever LOG_LEVEL
//! says (telemetry.rs), so in Lambda each is one JSON line whose fields are top-level:
//! a CloudWatch metric filter matches `{ $.event = "auth.sign_in.failed" }`.

use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use http::request::Parts;

use crate::context_data::gateway_source_ip;
use crate::error::{ApiError, ErrorCode};

/// The `tracing` target of every audit line.
pub const TARGET: &str = "audit";

/// middleware.rs's request id header (a test checks they agree).
const REQUEST_ID_HEADER: &str = "x-request-id";

/// The `message` of every audit line.
pub const MESSAGE: &str = "audit";

macro_rules! events {
    ($($variant:ident = $name:literal, $doc:literal;)+) => {
        /// The kinds of audit line: a closed set, with stable dotted names (metric
        /// filters in template.yaml match them; tests/tests/agreement.rs checks that
        /// every name a filter uses is here).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Event { $(#[doc = $doc] $variant),+ }

        impl Event {
            pub const ALL: &'static [Event] = &[$(Event::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Event::$variant => $name),+ }
            }

            /// What the event records, for docs/audit.md.
            pub fn description(self) -> &'static str {
                match self { $(Event::$variant => $doc),+ }
            }
        }
    };
}

events! {
    SignInSucceeded = "auth.sign_in.succeeded", "A sign-in ended with tokens (login, new password, MFA answer, MFA set-up).";
    SignInChallenged = "auth.sign_in.challenged", "A sign-in step was accepted and the client must answer a further challenge (`detail`: its name).";
    SignInFailed = "auth.sign_in.failed", "A sign-in step was refused: wrong password or code, unknown user, expired session, locked.";
    SignedOut = "auth.signed_out", "Logout: one refresh token revoked, or every session (`detail`: `everywhere`).";
    SignUpConfirmed = "account.sign_up.confirmed", "A user confirmed their sign-up with the emailed code.";
    MfaChanged = "account.mfa.changed", "The user's MFA factors or preference changed (`detail`: which).";
    PasswordChanged = "account.password.changed", "The user changed their password with the current one.";
    PasswordReset = "account.password.reset", "A password was reset with a code from the forgot-password email.";
    EmailChanged = "account.email.changed", "The user set a new email address (unverified until account.email.verified).";
    EmailVerified = "account.email.verified", "The user verified their email address with the emailed code.";
    ProfileUpdated = "account.profile.updated", "The user changed profile attributes (`detail`: the attribute names).";
    DeviceRemembered = "account.device.remembered", "The user marked a device remembered.";
    DeviceNotRemembered = "account.device.not_remembered", "The user marked a device not remembered.";
    DeviceForgotten = "account.device.forgotten", "The user forgot a device.";
    PasskeyAdded = "account.passkey.added", "The user added a passkey (after the step-up its options needed).";
    PasskeyDeleted = "account.passkey.deleted", "The user deleted a passkey, with a fresh proof (step-up).";
    AccountDeleted = "account.deleted", "The user deleted their own account.";
    AdminAccessRefused = "admin.access.refused", "A signed-in caller outside the admin group called an admin route (`detail`: the route).";
    AdminUserCreated = "admin.user.created", "An administrator created a user.";
    AdminUserConfirmed = "admin.user.confirmed", "An administrator confirmed a user's sign-up.";
    AdminUserInvited = "admin.user.invited", "An administrator re-sent a user's invitation.";
    AdminUserDisabled = "admin.user.disabled", "An administrator disabled a user (and signed them out).";
    AdminUserEnabled = "admin.user.enabled", "An administrator enabled a user.";
    AdminUserDeleted = "admin.user.deleted", "An administrator deleted a user.";
    AdminUserSignedOut = "admin.user.signed_out", "An administrator signed a user out everywhere.";
    AdminUserPasswordReset = "admin.user.password_reset", "An administrator reset a user's password.";
    AdminUserGroupAdded = "admin.user.group_added", "An administrator added a user to a group (`group`).";
    AdminUserGroupRemoved = "admin.user.group_removed", "An administrator removed a user from a group (`group`).";
    AdminUsersListed = "admin.users.listed", "An administrator searched or listed the users.";
    AdminUserViewed = "admin.user.viewed", "An administrator read one user's record.";
}

/// How it ended. `refused` is the API's own policy saying no (a missing step-up,
/// the admin check, self-administration, a limit); `failure` is everything else
/// that did not succeed (a wrong password or code, an unknown user, Cognito down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure(ErrorCode),
    Refused(ErrorCode),
}

impl Outcome {
    pub fn of<T>(result: &Result<T, ApiError>) -> Self {
        match result {
            Ok(_) => Outcome::Success,
            Err(error) => Outcome::of_error(error.code),
        }
    }

    pub fn of_error(code: ErrorCode) -> Self {
        match code {
            ErrorCode::Forbidden
            | ErrorCode::ReauthenticationRequired
            | ErrorCode::SelfAdministration
            | ErrorCode::TooManyRequests
            | ErrorCode::OriginNotAllowed
            | ErrorCode::SignUpDisabled => Outcome::Refused(code),
            _ => Outcome::Failure(code),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure(_) => "failure",
            Outcome::Refused(_) => "refused",
        }
    }

    /// The ErrorCode's string: what the caller was answered.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Outcome::Success => None,
            Outcome::Failure(code) | Outcome::Refused(code) => Some(code.as_str()),
        }
    }
}

/// One request's audit context: its id and source IP (read from the request), and
/// who and what, as the handler learns them. A handler takes it as an extractor,
/// tells it the actor and target when it knows them, and [`Audit::record`]s the
/// outcome once, where the outcome is known.
#[derive(Debug, Default)]
pub struct Audit {
    request_id: String,
    source_ip: Option<String>,
    actor: OnceLock<String>,
    target: OnceLock<String>,
    group: OnceLock<String>,
    detail: OnceLock<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Audit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Audit::of_parts(parts))
    }
}

impl Audit {
    /// The API's request id (middleware.rs set it; a caller's own was dropped) and
    /// the IP API Gateway saw (none locally).
    pub fn of_parts(parts: &Parts) -> Self {
        let request_id =
            parts.headers.get(REQUEST_ID_HEADER).and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
        Audit { request_id, source_ip: gateway_source_ip(parts), ..Default::default() }
    }

    /// A fresh context for a second line of the same request (same id and IP, no actor yet).
    pub fn same_request(&self) -> Self {
        Audit { request_id: self.request_id.clone(), source_ip: self.source_ip.clone(), ..Default::default() }
    }

    /// Who acted: the caller's Cognito username once known (the first value told sticks).
    pub fn actor(&self, username: &str) -> &Self {
        let _ = self.actor.set(clean(username));
        self
    }

    /// Whom an administrator acted on.
    pub fn target(&self, username: &str) -> &Self {
        let _ = self.target.set(clean(username));
        self
    }

    pub fn group(&self, group: &str) -> &Self {
        let _ = self.group.set(clean(group));
        self
    }

    /// A fixed-vocabulary detail (a challenge's name, the MFA factors now): never input.
    pub fn detail(&self, detail: &str) -> &Self {
        let _ = self.detail.set(clean(detail));
        self
    }

    /// Writes the line for `event` with the outcome of `result`, and hands `result` back.
    pub fn record<T>(&self, event: Event, result: Result<T, ApiError>) -> Result<T, ApiError> {
        self.write(event, Outcome::of(&result));
        result
    }

    /// Writes the line.
    pub fn write(&self, event: Event, outcome: Outcome) {
        tracing::info!(
            target: "audit",
            event = event.name(),
            outcome = outcome.name(),
            reason = outcome.reason(),
            actor = self.actor.get().map(String::as_str),
            target = self.target.get().map(String::as_str),
            group = self.group.get().map(String::as_str),
            detail = self.detail.get().map(String::as_str),
            request_id = self.request_id.as_str(),
            source_ip = self.source_ip.as_deref(),
            "audit"
        );
    }
}

/// Usernames and group names were checked (no white space, at most 128 characters),
/// and JSON escapes the rest; the text format is read by people: no control
/// character, nothing long, whatever a caller slips past a check.
fn clean(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(128).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_dotted_and_lower_case() {
        let mut names: Vec<&str> = Event::ALL.iter().map(|event| event.name()).collect();
        for name in &names {
            assert!(name.split('.').count() >= 2, "{name}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'), "{name}");
        }
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "a name used twice");
    }

    #[test]
    fn policy_refusals_are_refused_and_the_rest_failures() {
        assert_eq!(Outcome::of_error(ErrorCode::ReauthenticationRequired).name(), "refused");
        assert_eq!(Outcome::of_error(ErrorCode::InvalidCredentials).name(), "failure");
        assert_eq!(Outcome::of_error(ErrorCode::InvalidCredentials).reason(), Some("INVALID_CREDENTIALS"));
        assert_eq!(Outcome::of::<()>(&Ok(())).reason(), None);
    }

    #[test]
    fn the_request_id_is_the_one_the_middleware_sets() {
        assert_eq!(REQUEST_ID_HEADER, crate::middleware::REQUEST_ID.as_str());
    }

    #[test]
    fn control_characters_and_length_are_cut() {
        assert_eq!(clean("eve\n{\"event\":\"x\"}"), "eve{\"event\":\"x\"}");
        assert_eq!(clean(&"a".repeat(300)).len(), 128);
    }
}
