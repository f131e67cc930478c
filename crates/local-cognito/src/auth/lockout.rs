//! Lockout after failed passwords, for every way a password is proved.

use crate::error::{self, Result};
use crate::model::User;

/// Cognito lets five sign-ins fail, then locks for 1 s, doubling with every
/// further failure up to about 15 minutes; 15 quiet minutes reset the count.
const FREE_FAILURES: u32 = 5;
const MAX_LOCKOUT: i64 = 900;

/// Refuses a locked-out user before the password is even looked at.
pub fn check_lockout(user: &User, now: i64) -> Result<()> {
    if user.lockout.locked_until > now {
        return Err(error::not_authorized("Password attempts exceeded"));
    }
    Ok(())
}

pub fn record_failure(user: &mut User, now: i64) {
    let lockout = &mut user.lockout;
    if now - lockout.last_failure > MAX_LOCKOUT {
        lockout.failures = 0;
    }
    lockout.failures += 1;
    lockout.last_failure = now;
    if lockout.failures >= FREE_FAILURES {
        let exponent = (lockout.failures - FREE_FAILURES).min(10);
        lockout.locked_until = now + (1i64 << exponent).min(MAX_LOCKOUT);
    }
}
