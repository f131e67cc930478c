//! Cognito's model constraints, checked before any logic, in AWS's own form:
//! `1 validation error detected: Value '...' at '...' failed to satisfy
//! constraint: ...` (InvalidParameterException).

use crate::error::{self, Result};

fn failed(value: &str, member: &str, constraint: &str) -> error::CognitoError {
    error::invalid_parameter(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
    ))
}

/// An enum member: `value` must be one of `allowed`.
pub fn one_of(member: &str, value: &str, allowed: &[&str]) -> Result<()> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(failed(value, member, &format!("Member must satisfy enum value set: [{}]", allowed.join(", "))))
}

/// A list of enum members (`member.1`, `member.2`, ... as AWS names them).
pub fn each_one_of(member: &str, values: &[String], allowed: &[&str]) -> Result<()> {
    if values.iter().all(|value| allowed.contains(&value.as_str())) {
        return Ok(());
    }
    let list = format!("[{}]", values.join(", "));
    Err(failed(
        &list,
        member,
        &format!("Member must satisfy constraint: [Member must satisfy enum value set: [{}]]", allowed.join(", ")),
    ))
}

/// An integer member within `min..=max`.
pub fn within(member: &str, value: i64, min: i64, max: i64) -> Result<()> {
    if value > max {
        return Err(failed(&value.to_string(), member, &format!("Member must have value less than or equal to {max}")));
    }
    if value < min {
        return Err(failed(
            &value.to_string(),
            member,
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    Ok(())
}

/// A string member at most `max` characters long.
pub fn max_length(member: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() <= max {
        return Ok(());
    }
    Err(failed(value, member, &format!("Member must have length less than or equal to {max}")))
}
