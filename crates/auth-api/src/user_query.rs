//! The administrators' user search: a few named query parameters, each mapped to
//! exactly one Cognito ListUsers `Filter`, and the opaque cursor that pages through
//! the answers.
//!
//! Cognito's filter is `attribute op "value"`, one attribute at a time. The
//! parameters here choose the attribute and the operator; the caller only gives
//! the value, and a value that could end the quoted string or escape anything
//! (`"`, `\`, control characters) is refused rather than escaped, so no value can
//! turn into a second condition or another attribute.
//!
//! The cursor is Cognito's PaginationToken bound to the filter it was issued for:
//! `base64url(version | SHA-256(filter)[..16] | token)`. A cursor sent with another
//! search is refused (400) before Cognito is asked. It is not MACed: everyone who may
//! send one is an administrator who may list every user anyway, and Cognito checks
//! its own token, so a forged token reaches nothing a real one would not.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// ListUsers' Limit is at most 60.
pub const MAX_LIMIT: i32 = 60;
pub const DEFAULT_LIMIT: i32 = 20;
/// Long enough for any username or address we accept; Cognito's whole filter is at most 256.
const MAX_VALUE_CHARS: usize = 128;
const CURSOR_VERSION: u8 = 1;
const BINDING_BYTES: usize = 16;
/// Cognito's PaginationToken is at most a few hundred characters; this bounds what is decoded.
const MAX_CURSOR_CHARS: usize = 4096;

/// Cognito's user statuses one may search for (the deprecated ones left out).
pub const STATUSES: &[&str] =
    &["UNCONFIRMED", "CONFIRMED", "FORCE_CHANGE_PASSWORD", "RESET_REQUIRED", "EXTERNAL_PROVIDER"];

/// What to search for: at most one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    /// `username ^= "..."` (case-sensitive, as Cognito compares usernames).
    UsernamePrefix(String),
    /// `email ^= "..."` (addresses are stored in lower case).
    EmailPrefix(String),
    /// `cognito:user_status = "..."`.
    Status(&'static str),
    /// `status = "Enabled"` or `"Disabled"`.
    Enabled(bool),
}

impl Search {
    /// The one Cognito filter this search is. Values were checked by `parse`.
    pub fn cognito_filter(&self) -> String {
        match self {
            Search::UsernamePrefix(value) => format!("username ^= \"{value}\""),
            Search::EmailPrefix(value) => format!("email ^= \"{value}\""),
            Search::Status(status) => format!("cognito:user_status = \"{status}\""),
            Search::Enabled(enabled) => format!("status = \"{}\"", if *enabled { "Enabled" } else { "Disabled" }),
        }
    }
}

/// One page's request, as the query string gave it.
#[derive(Debug, PartialEq, Eq)]
pub struct UserQuery {
    pub search: Option<Search>,
    pub limit: i32,
    /// Cognito's PaginationToken, unwrapped from the cursor and checked against the search.
    pub pagination_token: Option<String>,
}

impl UserQuery {
    pub fn filter(&self) -> Option<String> {
        self.search.as_ref().map(Search::cognito_filter)
    }

    /// The cursor for the page after this one.
    pub fn cursor(&self, pagination_token: &str) -> String {
        let bytes = [&[CURSOR_VERSION][..], &binding(self.filter().as_deref()), pagination_token.as_bytes()].concat();
        URL_SAFE_NO_PAD.encode(bytes)
    }
}

fn binding(filter: Option<&str>) -> [u8; BINDING_BYTES] {
    let digest = Sha256::new().chain_update(b"auth-api user search v1\n").chain_update(filter.unwrap_or("")).finalize();
    digest[..BINDING_BYTES].try_into().expect("a SHA-256 digest is 32 bytes")
}

fn bad_cursor() -> ApiError {
    ApiError::validation(
        "cursor",
        "the cursor is not one this search returned: send the same search with the cursor, or start again without one",
    )
}

/// Reads `username`, `email`, `status`, `enabled`, `limit` and `cursor`; anything
/// else, a repeated parameter, or two searches at once is a 400.
pub fn parse(pairs: &[(String, String)]) -> Result<UserQuery, ApiError> {
    const KNOWN: &[&str] = &["username", "email", "status", "enabled", "limit", "cursor"];
    for (at, (name, _)) in pairs.iter().enumerate() {
        if !KNOWN.contains(&name.as_str()) {
            return Err(ApiError::validation("query", format!("unknown query parameter; known: {}", KNOWN.join(", "))));
        }
        if pairs[..at].iter().any(|(earlier, _)| earlier == name) {
            return Err(ApiError::validation(name.as_str(), format!("`{name}` may be given once")));
        }
    }
    let get = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
    let mut searches = Vec::new();
    if let Some(value) = get("username") {
        searches.push(Search::UsernamePrefix(value_of("username", value)?.to_owned()));
    }
    if let Some(value) = get("email") {
        searches.push(Search::EmailPrefix(value_of("email", value)?.to_lowercase()));
    }
    if let Some(value) = get("status") {
        let status = STATUSES.iter().find(|s| s.eq_ignore_ascii_case(value)).ok_or_else(|| {
            ApiError::validation("status", format!("`status` must be one of {}", STATUSES.join(", ")))
        })?;
        searches.push(Search::Status(status));
    }
    if let Some(value) = get("enabled") {
        let enabled = match value {
            "true" => true,
            "false" => false,
            _ => return Err(ApiError::validation("enabled", "`enabled` must be true or false")),
        };
        searches.push(Search::Enabled(enabled));
    }
    if searches.len() > 1 {
        return Err(ApiError::validation(
            "query",
            "search by one of username, email, status or enabled at a time (Cognito filters on one attribute)",
        ));
    }
    let limit = match get("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => text.parse::<i32>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
            ApiError::validation("limit", format!("`limit` must be a whole number from 1 to {MAX_LIMIT}"))
        })?,
    };
    let search = searches.pop();
    let pagination_token = get("cursor").map(|cursor| unwrap_cursor(cursor, search.as_ref())).transpose()?;
    Ok(UserQuery { search, limit, pagination_token })
}

/// A search value: 1 to 128 characters, none of which could end Cognito's quoted
/// value or start an escape.
fn value_of<'a>(field: &str, value: &'a str) -> Result<&'a str, ApiError> {
    crate::body::check::length(field, value, 1, MAX_VALUE_CHARS)?;
    if value.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return Err(ApiError::validation(
            field,
            format!("`{field}` may not contain quotation marks, backslashes or control characters"),
        ));
    }
    Ok(value)
}

fn unwrap_cursor(cursor: &str, search: Option<&Search>) -> Result<String, ApiError> {
    if cursor.is_empty() || cursor.len() > MAX_CURSOR_CHARS {
        return Err(bad_cursor());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad_cursor())?;
    let (version, rest) = bytes.split_first().ok_or_else(bad_cursor)?;
    let (bound, token) = rest.split_at_checked(BINDING_BYTES).ok_or_else(bad_cursor)?;
    let filter = search.map(Search::cognito_filter);
    if *version != CURSOR_VERSION || bound != binding(filter.as_deref()) || token.is_empty() {
        return Err(bad_cursor());
    }
    String::from_utf8(token.to_vec()).map_err(|_| bad_cursor())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Result<UserQuery, ApiError> {
        parse(&pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect::<Vec<_>>())
    }

    #[test]
    fn each_parameter_is_one_filter() {
        assert_eq!(query(&[("username", "ana")]).unwrap().filter().unwrap(), "username ^= \"ana\"");
        assert_eq!(query(&[("email", "Ana@X")]).unwrap().filter().unwrap(), "email ^= \"ana@x\"");
        assert_eq!(query(&[("status", "confirmed")]).unwrap().filter().unwrap(), "cognito:user_status = \"CONFIRMED\"");
        assert_eq!(query(&[("enabled", "false")]).unwrap().filter().unwrap(), "status = \"Disabled\"");
        assert_eq!(query(&[]).unwrap().filter(), None);
    }

    #[test]
    fn no_value_can_leave_its_quotes() {
        for value in ["a\" or email ^= \"", "a\\", "a\\\"", "a\nb", "a\u{0}"] {
            let error = query(&[("username", value)]).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("username"), "{value:?}");
        }
    }

    #[test]
    fn one_search_at_a_time_and_each_parameter_once() {
        assert!(query(&[("username", "a"), ("email", "b")]).is_err());
        assert!(query(&[("username", "a"), ("username", "b")]).is_err());
        assert!(query(&[("filter", "username = \"a\"")]).is_err());
        assert!(query(&[("limit", "61")]).is_err());
        assert!(query(&[("limit", "0")]).is_err());
    }

    #[test]
    fn a_cursor_belongs_to_its_search() {
        let first = query(&[("username", "ana")]).unwrap();
        let cursor = first.cursor("cognito-token");
        let again = query(&[("username", "ana"), ("cursor", &cursor)]).unwrap();
        assert_eq!(again.pagination_token.as_deref(), Some("cognito-token"));
        assert_eq!(query(&[("username", "bob"), ("cursor", &cursor)]).unwrap_err().field.as_deref(), Some("cursor"));
        assert!(query(&[("cursor", &cursor)]).is_err());
        let mut bytes = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
        bytes[3] ^= 1;
        assert!(query(&[("username", "ana"), ("cursor", &URL_SAFE_NO_PAD.encode(bytes))]).is_err());
    }
}
