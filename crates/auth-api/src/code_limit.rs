//! A per-user limit on wrong MFA codes, across sessions. Cognito allows five
//! wrong codes per sign-in session but any number of sessions: someone who
//! knows the password could sign in again and again and try a few codes each
//! time. After `MAX_FAILURES` wrong codes in `WINDOW_SECONDS`, every answer,
//! the right code included, is 429 until the window ends. Only a caller whose
//! session Cognito accepted (who proved the password) is counted or told.
//!
//! The count lives on the user, in a developer-only attribute (`dev:custom:`):
//! no client may read or write it through its app client, only admin calls
//! (AdminGetUser, AdminUpdateUserAttributes), so it needs no other store.
//! Two answers at the same instant may count as one (read, then write): the
//! limit is a brake, not an exact quota.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider::types::AttributeType;

use crate::cognito_error::{from_sdk, CognitoCall};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The user attribute holding `<count>:<window start, Unix seconds>`.
pub const ATTRIBUTE: &str = "dev:custom:failed_codes";
/// Wrong codes allowed in one window, whatever the number of sessions: above
/// Cognito's five per session, so one session's typos never reach it.
pub const MAX_FAILURES: u32 = 10;
/// The window starts at the first wrong code; the limit ends with it.
pub const WINDOW_SECONDS: u64 = 60 * 60;

/// Wrong codes counted in the current window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub since: u64,
}

impl Failures {
    /// Anything unreadable counts as no failures: the attribute is ours alone.
    pub fn parse(value: Option<&str>) -> Self {
        value
            .and_then(|v| v.split_once(':'))
            .and_then(|(count, since)| Some(Self { count: count.parse().ok()?, since: since.parse().ok()? }))
            .unwrap_or_default()
    }

    pub fn encode(self) -> String {
        format!("{}:{}", self.count, self.since)
    }

    fn window_open(self, now: u64) -> bool {
        now < self.since.saturating_add(WINDOW_SECONDS)
    }

    /// Seconds until the window ends, when the limit is reached.
    pub fn locked_for(self, now: u64) -> Option<u64> {
        (self.count >= MAX_FAILURES && self.window_open(now)).then(|| self.since + WINDOW_SECONDS - now)
    }

    /// The count after one more wrong code; a closed window starts again.
    pub fn after_failure(self, now: u64) -> Self {
        if self.count > 0 && self.window_open(now) {
            Self { count: self.count.saturating_add(1), since: self.since }
        } else {
            Self { count: 1, since: now }
        }
    }
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// The 429 a locked user's answers get. The caller proved the password, so it tells nothing new.
pub fn too_many(wait: u64) -> ApiError {
    ApiError::new(ErrorCode::TooManyRequests, "too many wrong codes for this user; try again later")
        .retry_after(u32::try_from(wait.max(1)).unwrap_or(u32::MAX))
}

/// The user's current count (AdminGetUser).
pub async fn read(state: &AppState, username: &str) -> Result<Failures, ApiError> {
    let user = state
        .cognito()
        .admin_get_user()
        .user_pool_id(&state.config().user_pool_id)
        .username(username)
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Admin))?;
    Ok(Failures::parse(user.user_attributes().iter().find(|a| a.name() == ATTRIBUTE).and_then(|a| a.value())))
}

/// Stores the count (AdminUpdateUserAttributes). A pool without the attribute is a
/// configuration error, loudly: the limit must not silently stop working.
pub async fn write(state: &AppState, username: &str, failures: Failures) -> Result<(), ApiError> {
    let attribute = AttributeType::builder().name(ATTRIBUTE).value(failures.encode()).build().expect("name is set");
    state
        .cognito()
        .admin_update_user_attributes()
        .user_pool_id(&state.config().user_pool_id)
        .username(username)
        .user_attributes(attribute)
        .send()
        .await
        .map_err(|error| {
            let mapped = from_sdk(error, CognitoCall::Admin);
            if mapped.code == ErrorCode::ValidationFailed {
                ApiError::new(
                    ErrorCode::Misconfigured,
                    "the user pool lacks the developer-only attribute failed_codes (see docs/deployment.md)",
                )
            } else {
                mapped
            }
        })
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_holds_until_the_window_ends_then_counting_starts_again() {
        let mut failures = Failures::default();
        for _ in 0..MAX_FAILURES - 1 {
            failures = failures.after_failure(1_000);
            assert_eq!(failures.locked_for(1_000), None);
        }
        failures = failures.after_failure(1_060);
        assert_eq!((failures.count, failures.since), (MAX_FAILURES, 1_000));
        assert_eq!(failures.locked_for(1_060), Some(WINDOW_SECONDS - 60));
        let ended = 1_000 + WINDOW_SECONDS;
        assert_eq!(failures.locked_for(ended), None);
        assert_eq!(failures.after_failure(ended), Failures { count: 1, since: ended });
    }

    #[test]
    fn the_stored_value_round_trips_and_garbage_counts_as_nothing() {
        let failures = Failures { count: 3, since: 1_764_558_000 };
        assert_eq!(Failures::parse(Some(&failures.encode())), failures);
        assert_eq!(Failures::parse(Some("x:y")), Failures::default());
        assert_eq!(Failures::parse(None), Failures::default());
    }
}
