//! Cognito's wire protocol (AWS JSON 1.1): `POST /` with
//! `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>`: what an
//! operation is, and how its input is read (`server` answers the requests).

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{self, Result};

pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

pub type Operation = fn(&mut Ctx, Value) -> Result<Value>;

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
