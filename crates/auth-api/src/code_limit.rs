//! A per-user limit on wrong codes, across sessions and codes. Cognito allows
//! five wrong codes per sign-in session, or per emailed code, but any number of
//! sessions and codes: a script signs in (or asks for a new code) again and
//! again and tries a few codes each time. After `MAX_FAILURES` wrong codes in
//! `WINDOW_SECONDS`, every answer, the right code included, is refused until
//! the window ends.
//!
//! Two windows, `Window::SignIn` and `Window::Reset`, each counted on its own:
//! - `SignIn`: MFA answers (the caller proved the password) and emailed step-up
//!   codes (the caller holds the user's token). The lock is told (429): these
//!   callers already know the user exists.
//! - `Reset`: password-reset codes, which anyone who knows a username can try.
//!   It has a window of its own so that a stranger cannot lock the user's
//!   sign-in, and so that a user whose sign-in someone else locked can still
//!   recover (a reset then clears both). Its lock is never told: the answer is
//!   the code route's one answer to a wrong code, as for an unknown user.
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
use crate::pool_user;
use crate::state::AppState;

/// The user attribute holding `<count>:<window start, Unix seconds>` for sign-in
/// codes, then `;<count>:<window start>` for reset codes when there are any. One
/// attribute keeps the pool's schema as deployed (at most 32 characters; a
/// count stops at `MAX_FAILURES`, so the value stays under 28).
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

    /// The count after one more wrong code; a closed window starts again. It
    /// stops at the limit: more tells nothing, and the stored value stays short.
    pub fn after_failure(self, now: u64) -> Self {
        if self.count > 0 && self.window_open(now) {
            Self { count: self.count.saturating_add(1).min(MAX_FAILURES), since: self.since }
        } else {
            Self { count: 1, since: now }
        }
    }
}

/// Which codes a wrong one counts against (see the module's comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// MFA answers and emailed step-up codes.
    SignIn,
    /// Password-reset codes.
    Reset,
}

/// Both windows' counts, as stored in `ATTRIBUTE`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub sign_in: Failures,
    pub reset: Failures,
}

impl Counts {
    /// A value written before reset codes were counted reads as sign-in codes only.
    pub fn parse(value: Option<&str>) -> Self {
        let (sign_in, reset) = match value.map(|v| v.split_once(';')) {
            Some(Some((sign_in, reset))) => (Some(sign_in), Some(reset)),
            Some(None) => (value, None),
            None => (None, None),
        };
        Self { sign_in: Failures::parse(sign_in), reset: Failures::parse(reset) }
    }

    pub fn encode(self) -> String {
        if self.reset == Failures::default() {
            self.sign_in.encode()
        } else {
            format!("{};{}", self.sign_in.encode(), self.reset.encode())
        }
    }

    pub fn get(self, window: Window) -> Failures {
        match window {
            Window::SignIn => self.sign_in,
            Window::Reset => self.reset,
        }
    }

    pub fn locked_for(self, window: Window, now: u64) -> Option<u64> {
        self.get(window).locked_for(now)
    }

    /// The counts after one more wrong code in `window`.
    pub fn after_failure(self, window: Window, now: u64) -> Self {
        match window {
            Window::SignIn => Self { sign_in: self.sign_in.after_failure(now), ..self },
            Window::Reset => Self { reset: self.reset.after_failure(now), ..self },
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

/// The user's current counts (AdminGetUser).
pub async fn read(state: &AppState, username: &str) -> Result<Counts, ApiError> {
    read_if_user(state, username)
        .await?
        .map(|(_, counts)| counts)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "the user does not exist"))
}

/// The user's username and counts, or None when there is no such user (AdminGetUser
/// takes an alias too; the username it answers is the one to write to).
pub async fn read_if_user(state: &AppState, username: &str) -> Result<Option<(String, Counts)>, ApiError> {
    Ok(pool_user::find(state, username)
        .await?
        .map(|user| (user.username().to_owned(), Counts::parse(pool_user::attribute(&user, ATTRIBUTE)))))
}

/// Clears both windows after the user proved who they are (a password reset or
/// change): whatever someone else's wrong codes locked is theirs again. Nothing
/// to clear, nothing written. A failure is logged, not answered: the password
/// has changed by then.
async fn clear(state: &AppState, username: &str, counts: Counts) {
    if counts == Counts::default() {
        return;
    }
    if let Err(error) = write(state, username, Counts::default()).await {
        tracing::warn!(code = error.code.as_str(), "the user's count of wrong codes was not cleared");
    }
}

/// Counts one more wrong code in `window`, reading the counts afresh (the read
/// before Cognito answered is stale if guesses came in parallel); the counts after it.
pub async fn record_failure(state: &AppState, username: &str, window: Window, now: u64) -> Result<Counts, ApiError> {
    let counts = read(state, username).await?.after_failure(window, now);
    write(state, username, counts).await?;
    Ok(counts)
}

/// Err(429) while the user is over the limit of wrong sign-in codes (MFA answers,
/// step-up codes): every answer is refused then, the right one too.
pub async fn refuse_if_locked(state: &AppState, username: &str, now: u64) -> Result<(), ApiError> {
    match read(state, username).await?.locked_for(Window::SignIn, now) {
        Some(wait) => Err(too_many(wait)),
        None => Ok(()),
    }
}

/// Counts a wrong sign-in code; the refusal is `wrong`, or the 429 once that code
/// reached the limit.
pub async fn count_wrong_code(state: &AppState, username: &str, now: u64, wrong: ApiError) -> ApiError {
    match record_failure(state, username, Window::SignIn, now).await {
        Ok(counts) => counts.locked_for(Window::SignIn, now).map_or(wrong, too_many),
        Err(error) => error,
    }
}

/// `clear`, reading the counts first; a failure is logged, not answered, too.
pub async fn read_and_clear(state: &AppState, username: &str) {
    match read(state, username).await {
        Ok(counts) => clear(state, username, counts).await,
        Err(error) => tracing::warn!(code = error.code.as_str(), "the user's count of wrong codes was not read"),
    }
}

/// Stores the counts (AdminUpdateUserAttributes). A pool without the attribute is a
/// configuration error, loudly: the limit must not silently stop working.
async fn write(state: &AppState, username: &str, counts: Counts) -> Result<(), ApiError> {
    let attribute = AttributeType::builder().name(ATTRIBUTE).value(counts.encode()).build().expect("name is set");
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
    fn a_count_stops_at_the_limit_so_the_stored_value_stays_within_the_attributes_32_characters() {
        let mut counts = Counts::default();
        for _ in 0..3 * MAX_FAILURES {
            counts = counts.after_failure(Window::SignIn, 9_999_999_999).after_failure(Window::Reset, 9_999_999_999);
        }
        assert_eq!((counts.sign_in.count, counts.reset.count), (MAX_FAILURES, MAX_FAILURES));
        assert!(counts.encode().len() <= 32, "{}", counts.encode());
        assert_eq!(Counts::parse(Some(&counts.encode())), counts);
    }

    #[test]
    fn the_windows_are_counted_apart_and_an_older_value_is_the_sign_in_count() {
        let counts = Counts::default().after_failure(Window::Reset, 1_000);
        assert_eq!((counts.sign_in, counts.reset), (Failures::default(), Failures { count: 1, since: 1_000 }));
        assert_eq!(counts.encode(), "0:0;1:1000");
        let older = Counts::parse(Some("3:1764558000"));
        assert_eq!((older.sign_in, older.reset), (Failures { count: 3, since: 1_764_558_000 }, Failures::default()));
        assert_eq!(older.encode(), "3:1764558000");
        assert_eq!(Counts::parse(Some("x;y")), Counts::default());
        assert_eq!(Counts::default().encode(), "0:0");
    }

    #[test]
    fn the_stored_value_round_trips_and_garbage_counts_as_nothing() {
        let failures = Failures { count: 3, since: 1_764_558_000 };
        assert_eq!(Failures::parse(Some(&failures.encode())), failures);
        assert_eq!(Failures::parse(Some("x:y")), Failures::default());
        assert_eq!(Failures::parse(None), Failures::default());
    }
}
