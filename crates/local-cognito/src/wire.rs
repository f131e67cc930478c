//! Cognito's wire protocol (AWS JSON 1.1): `POST /` with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{self, Result};
use crate::{ops, Ctx, Emulator};

pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

pub type Operation = fn(&mut Ctx, Value) -> Result<Value>;

pub async fn dispatch(State(emulator): State<Emulator>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let Some(name) = target.strip_prefix(TARGET_PREFIX) else {
        return error::unknown_operation(format!("Unknown target: {target}")).into_response();
    };
    let Some(operation) = ops::find(name) else {
        return error::unknown_operation(format!("The local Cognito does not implement {name}")).into_response();
    };
    let input: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(input) => input,
            Err(_) => return error::serialization("The request body is not valid JSON").into_response(),
        }
    };
    match emulator.run(name, input, operation).await {
        Ok(output) => {
            let mut response = output.to_string().into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            response
        }
        Err(error) => error.into_response(),
    }
}

/// An operation's input, with Cognito's message for a missing or mistyped member.
pub fn input<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner().to_string();
        match inner.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            Some(field) => error::invalid_parameter(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(field)
            )),
            None => error::serialization(format!("Invalid value at '{path}': {inner}")),
        }
    })
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}
