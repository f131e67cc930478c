//! JSON request bodies: the checks every endpoint shares, so that bad input
//! gets a 4xx naming what is wrong and never reaches Cognito.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

/// The largest body any endpoint takes. The router enforces it for every route.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// Checks that a request is well-formed beyond what its type says.
pub trait Validate {
    fn validate(&self) -> Result<(), ApiError>;
}

/// A JSON body: `application/json`, at most [`MAX_BODY_BYTES`], no unknown
/// fields, then [`Validate`]d. An empty body reads as `{}`, so a missing
/// field is named rather than the body called empty.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Validate,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(is_json_media_type);
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    ErrorCode::PayloadTooLarge,
                    format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
                )
            } else {
                ApiError::new(ErrorCode::ValidationFailed, "the request body could not be read")
            }
        })?;
        let json: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else if is_json {
            &bytes
        } else {
            return Err(ApiError::new(
                ErrorCode::UnsupportedMediaType,
                "send the body as Content-Type: application/json",
            ));
        };
        let value: T = parse(json)?;
        value.validate()?;
        Ok(JsonBody(value))
    }
}

fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses with the failing field's path, and without echoing the value sent.
fn parse<T: DeserializeOwned>(json: &[u8]) -> Result<T, ApiError> {
    // serde would also take a struct from an array of its fields in order.
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
        && serde_json::from_slice::<serde::de::IgnoredAny>(json).is_ok()
    {
        return Err(ApiError::validation("body", "the body must be a JSON object"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if (inner.is_syntax() || inner.is_eof()) && serde_json::from_slice::<serde::de::IgnoredAny>(json).is_err() {
            return ApiError::new(ErrorCode::ValidationFailed, format!("the body is not valid JSON: {inner}"));
        }
        if inner.is_syntax() {
            // Valid JSON that serde reads as a syntax error: `null` where a named choice
            // (an enum) belongs. The choices are what a string there would be told.
            return null_for_a_choice::<T>(json, &path);
        }
        describe_data_error(&path, &inner.to_string())
    })?;
    deserializer
        .end()
        .map_err(|error| ApiError::new(ErrorCode::ValidationFailed, format!("the body is not valid JSON: {error}")))?;
    Ok(value)
}

/// The answer to `null` at `path` where one of several names belongs: the field,
/// and the names, found by putting a string no choice has in its place.
fn null_for_a_choice<T: DeserializeOwned>(json: &[u8], path: &str) -> ApiError {
    let field = path.to_owned();
    let mut body: serde_json::Value = serde_json::from_slice(json).unwrap_or_default();
    let pointer = format!("/{}", path.replace('.', "/"));
    let choices =
        body.pointer_mut(&pointer).map(|value| *value = serde_json::Value::String(String::new())).and_then(|()| {
            let message = serde_json::from_value::<T>(body).err()?.to_string();
            message.rsplit_once(", expected ").map(|(_, expected)| expected.to_owned())
        });
    let detail = match choices {
        Some(choices) => format!("`{field}` must be {choices}; leave it out rather than send null"),
        None => format!("`{field}` may not be null: leave it out"),
    };
    ApiError::validation(field, detail)
}

/// serde's data errors, reworded with the field named and any quoted value dropped.
fn describe_data_error(path: &str, message: &str) -> ApiError {
    let message = message.split(" at line ").next().unwrap_or(message);
    let join = |name: &str| {
        if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = backticked_after(message, "unknown field `") {
        // Here the path already ends at the unknown field.
        let field = if path.ends_with(name) { path.to_owned() } else { join(name) };
        return ApiError::validation(&field, format!("unknown field `{field}`"));
    }
    if let Some(name) = backticked_after(message, "missing field `") {
        return ApiError::validation(join(name), format!("missing field `{}`", join(name)));
    }
    let field = if path == "." { "body".to_owned() } else { path.to_owned() };
    // "invalid type: string \"x\", expected a boolean": keep only what was expected.
    let expected = message.rsplit_once(", expected ").map(|(_, expected)| expected);
    let detail = match expected {
        Some(expected) => format!("`{field}` must be {expected}"),
        None => format!("`{field}` is invalid"),
    };
    ApiError::validation(field, detail)
}

fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// For `#[serde(default, deserialize_with = "present")]` on an optional field:
/// it may be left out, but not sent as `null` (the schema says what it is).
pub fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// For `#[serde(deserialize_with = "email_address")]`: an email address as it is
/// stored, in lower case. One address, one account: `Ana@Example.com` and
/// `ana@example.com` are one address, and Cognito's lookups match exactly.
pub fn email_address<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    <String as serde::Deserialize>::deserialize(deserializer).map(|address| address.to_lowercase())
}

/// Shared field checks, each naming the field.
pub mod check {
    use crate::error::ApiError;

    pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
        let chars = value.chars().count();
        if chars < min || chars > max {
            let detail = if min == 1 && chars == 0 {
                format!("`{field}` must not be empty")
            } else {
                format!("`{field}` must be {min} to {max} characters long")
            };
            return Err(ApiError::validation(field, detail));
        }
        Ok(())
    }

    pub fn no_whitespace(field: &str, value: &str) -> Result<(), ApiError> {
        if value.chars().any(char::is_whitespace) {
            return Err(ApiError::validation(field, format!("`{field}` must not contain white space")));
        }
        Ok(())
    }

    /// Cognito usernames: 1 to 128 characters, no white space.
    pub fn username(field: &str, value: &str) -> Result<(), ApiError> {
        length(field, value, 1, 128)?;
        no_whitespace(field, value)
    }

    /// Cognito passwords: at most 256 characters; the pool's policy is Cognito's to check.
    pub fn password(field: &str, value: &str) -> Result<(), ApiError> {
        length(field, value, 1, 256)
    }

    pub fn optional_length(field: &str, value: Option<&str>, min: usize, max: usize) -> Result<(), ApiError> {
        value.map_or(Ok(()), |value| length(field, value, min, max))
    }

    /// Cognito's session strings are 20 to 2048 characters.
    pub fn session(field: &str, value: &str) -> Result<(), ApiError> {
        length(field, value, 20, 2048)
    }

    /// A WebAuthn credential as JSON (RegistrationResponseJSON or
    /// AuthenticationResponseJSON): an object with a string `id` and an object `response`.
    /// What it proves is Cognito's to check.
    pub fn credential(field: &str, value: &serde_json::Value) -> Result<(), ApiError> {
        let id = value.get("id").and_then(serde_json::Value::as_str);
        let shaped = id.is_some_and(|id| !id.is_empty() && id.len() <= 1024)
            && value.get("response").is_some_and(|r| r.is_object());
        if !shaped {
            return Err(ApiError::validation(
                field,
                format!("`{field}` must be the authenticator's response as JSON: an object with `id` and `response`"),
            ));
        }
        // The other members WebAuthn's JSON defines, when present, of their type (openapi.yaml's WebAuthnCredential).
        for (member, is_object) in
            [("rawId", false), ("type", false), ("authenticatorAttachment", false), ("clientExtensionResults", true)]
        {
            let fits = match value.get(member) {
                None => true,
                Some(given) if is_object => given.is_object(),
                Some(given) => given.is_string(),
            };
            if !fits {
                let kind = if is_object { "an object" } else { "a string" };
                return Err(ApiError::validation(format!("{field}.{member}"), format!("`{member}` must be {kind}")));
            }
        }
        Ok(())
    }

    /// A code sent by email or SMS, or shown by an authenticator app: digits.
    pub fn code(field: &str, value: &str) -> Result<(), ApiError> {
        length(field, value, 1, 16)?;
        if !value.chars().all(|c| c.is_ascii_digit()) {
            return Err(ApiError::validation(field, format!("`{field}` must be digits")));
        }
        Ok(())
    }

    /// A `deviceKey` as the API hands them out: opaque, URL-safe base64, bounded.
    pub fn device_key(field: &str, value: Option<&str>) -> Result<(), ApiError> {
        let Some(value) = value else { return Ok(()) };
        length(field, value, 3, crate::device_srp::MAX_HANDLE_CHARS)?;
        // The shape only: whether the server made the handle is checked (by
        // its MAC) where it is used, and a handle it did not make is as none.
        // `:` is the old unsigned `key:groupKey` form, read as no device.
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':')) {
            return Err(ApiError::validation(field, format!("`{field}` must be a deviceKey that a sign-in returned")));
        }
        Ok(())
    }

    /// A username that looks like an email must be the user's own, or it would
    /// squat someone else's address (`ceo@example.com` with the caller's email).
    pub fn own_email_as_username(field: &str, username: &str, email: &str) -> Result<(), ApiError> {
        if username.contains('@') && !username.eq_ignore_ascii_case(email) {
            return Err(ApiError::validation(
                field,
                "a username that looks like an email address must be the user's own email",
            ));
        }
        Ok(())
    }

    pub fn email(field: &str, value: &str) -> Result<(), ApiError> {
        length(field, value, 3, 254)?;
        let valid = value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }) && !value.chars().any(char::is_whitespace);
        if !valid {
            return Err(ApiError::validation(field, format!("`{field}` must be an email address")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Login {
        #[allow(dead_code)]
        username: String,
        #[allow(dead_code)]
        password: Secret,
        #[allow(dead_code)]
        remember: Option<bool>,
    }

    fn field_of(json: &str) -> (Option<String>, String) {
        let error = parse::<Login>(json.as_bytes()).unwrap_err();
        (error.field, error.detail)
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        assert_eq!(
            field_of(r#"{"username":"a","password":"b","admin":true}"#),
            (Some("admin".into()), "unknown field `admin`".into())
        );
        assert_eq!(field_of(r#"{"username":"a"}"#), (Some("password".into()), "missing field `password`".into()));
    }

    #[test]
    fn a_wrong_type_names_the_field_and_never_echoes_the_value() {
        let (field, detail) = field_of(r#"{"username":"a","password":"b","remember":"s3cret-value"}"#);
        assert_eq!(field.as_deref(), Some("remember"));
        assert!(!detail.contains("s3cret-value"), "{detail}");
        let (field, detail) = field_of(r#"{"username":"a","password":12345678}"#);
        assert_eq!(field.as_deref(), Some("password"));
        assert!(!detail.contains("12345678"), "{detail}");
    }

    #[test]
    fn syntax_errors_and_trailing_data_are_validation_errors() {
        assert_eq!(parse::<Login>(b"{").unwrap_err().code, ErrorCode::ValidationFailed);
        assert_eq!(
            parse::<Login>(br#"{"username":"a","password":"b"} x"#).unwrap_err().code,
            ErrorCode::ValidationFailed
        );
        assert_eq!(
            parse::<Login>(b"{\"username\":\"\xff\",\"password\":\"b\"}").unwrap_err().code,
            ErrorCode::ValidationFailed
        );
    }

    #[test]
    fn json_media_types_are_recognised() {
        assert!(is_json_media_type("application/json; charset=utf-8"));
        assert!(is_json_media_type("application/merge-patch+json"));
        assert!(!is_json_media_type("text/plain"));
    }

    #[test]
    fn emails_are_checked_loosely() {
        assert!(check::email("email", "jane@example.com").is_ok());
        assert!(check::email("email", "jane@localhost").is_err());
        assert!(check::email("email", "jane example@x.com").is_err());
    }

    #[test]
    fn a_credentials_members_are_of_webauthns_types() {
        let good = serde_json::json!({"id": "Y3JlZA", "rawId": "Y3JlZA", "type": "public-key",
            "response": {"clientDataJSON": "e30"}, "clientExtensionResults": {}});
        assert!(check::credential("credential", &good).is_ok());
        let mut bad = good.clone();
        bad["clientExtensionResults"] = serde_json::json!([]);
        let error = check::credential("credential", &bad).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("credential.clientExtensionResults"));
        let mut bad = good;
        bad["rawId"] = serde_json::json!(7);
        assert_eq!(check::credential("credential", &bad).unwrap_err().field.as_deref(), Some("credential.rawId"));
    }
}
