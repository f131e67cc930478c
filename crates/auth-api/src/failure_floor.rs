//! A refused login takes at least a set time (LOGIN_FAILURE_MIN_MS). With user
//! migration on, a name the pool lacks runs the trigger (Lambda, a password hash)
//! before Cognito refuses it, while a pool user's wrong password is refused at once:
//! without a floor, the answer's time tells who is in the pool. The floor lifts both
//! to the same least time; it hides the difference only while the trigger is faster
//! than the floor (a cold start or a slow store shows through: docs/security.md).
//!
//! No random jitter is added: noise is averaged away by an attacker who asks again,
//! and it would only lengthen every refusal. Only INVALID_CREDENTIALS is padded: a
//! sign-in that succeeds or asks for a challenge is the password's owner's, and
//! other refusals (a malformed body, Cognito trouble) say nothing about who exists.

use std::time::Duration;

use tokio::time::Instant;

use crate::error::{ApiError, ErrorCode};

/// How much longer `answer`, `elapsed` after it began, must wait to reach `floor`.
pub fn padding<T>(answer: &Result<T, ApiError>, elapsed: Duration, floor: Option<Duration>) -> Option<Duration> {
    let floor = floor?;
    let refused = matches!(answer, Err(error) if error.code == ErrorCode::InvalidCredentials);
    (refused && elapsed < floor).then(|| floor - elapsed)
}

/// `answer`, no sooner than `floor` after `started` when it is a refused login.
pub async fn pad<T>(started: Instant, floor: Option<Duration>, answer: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Some(wait) = padding(&answer, started.elapsed(), floor) {
        tokio::time::sleep(wait).await;
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOOR: Option<Duration> = Some(Duration::from_millis(800));

    fn refused() -> Result<(), ApiError> {
        Err(crate::cognito_error::wrong_credentials())
    }

    #[test]
    fn a_fast_refusal_waits_out_the_floor() {
        assert_eq!(padding(&refused(), Duration::from_millis(30), FLOOR), Some(Duration::from_millis(770)));
    }

    #[test]
    fn a_refusal_past_the_floor_waits_no_more() {
        assert_eq!(padding(&refused(), Duration::from_millis(800), FLOOR), None);
        assert_eq!(padding(&refused(), Duration::from_millis(1200), FLOOR), None);
    }

    #[test]
    fn success_other_errors_and_no_floor_are_not_padded() {
        let short = Duration::from_millis(30);
        assert_eq!(padding(&Ok::<(), ApiError>(()), short, FLOOR), None);
        let malformed: Result<(), ApiError> = Err(ApiError::validation("username", "required"));
        assert_eq!(padding(&malformed, short, FLOOR), None);
        assert_eq!(padding(&refused(), short, None), None);
    }
}
