//! Page tokens for the list operations: opaque to callers, and a token the
//! emulator never issued is an error (InvalidParameterException), not page one.

use base64::Engine;

use crate::error::{self, Result};

const PREFIX: &str = "local-cognito-page:";

fn token(start: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{PREFIX}{start}"))
}

fn start_of(given: Option<&str>) -> Result<usize> {
    let Some(given) = given else { return Ok(0) };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(given)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(PREFIX).and_then(|n| n.parse().ok()))
        // Cognito's message for a token it did not issue is not documented: an assumption.
        .ok_or_else(|| error::invalid_parameter("Invalid pagination token."))
}

/// The page of `items` a token names, at most `limit` long, and the next page's token.
pub fn page<T>(items: Vec<T>, given: Option<&str>, limit: usize) -> Result<(Vec<T>, Option<String>)> {
    let start = start_of(given)?;
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let next = (start + limit < total).then(|| token(start + limit));
    Ok((page, next))
}
