//! What a login step answers: tokens, or the next challenge with its session.
//! Shared by login and new-password, whose Cognito outputs have the same shape.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{AuthenticationResultType, ChallengeNameType};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthResponse {
    Tokens(Tokens),
    Challenge(Challenge),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub access_token: String,
    pub id_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub expires_in: i32,
    pub token_type: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    pub name: String,
    pub session: String,
    /// The username to answer with (Cognito's USER_ID_FOR_SRP when it differs).
    pub username: String,
    pub parameters: Map<String, Value>,
}

/// The fields common to AdminInitiateAuthOutput and AdminRespondToAuthChallengeOutput.
pub struct CognitoAuthOutput<'a> {
    pub result: Option<&'a AuthenticationResultType>,
    pub challenge_name: Option<&'a ChallengeNameType>,
    pub session: Option<&'a str>,
    pub parameters: Option<&'a HashMap<String, String>>,
}

/// Borrows the common fields of either output type as a [`CognitoAuthOutput`].
#[macro_export]
macro_rules! cognito_auth_output {
    ($output:expr) => {
        $crate::auth_result::CognitoAuthOutput {
            result: $output.authentication_result(),
            challenge_name: $output.challenge_name(),
            session: $output.session(),
            parameters: $output.challenge_parameters(),
        }
    };
}

impl AuthResponse {
    pub fn from_cognito(output: CognitoAuthOutput<'_>, username: &str) -> Result<Self, ApiError> {
        if let Some(result) = output.result {
            return Ok(AuthResponse::Tokens(Tokens {
                access_token: required(result.access_token(), "AccessToken")?,
                id_token: required(result.id_token(), "IdToken")?,
                refresh_token: result.refresh_token().map(str::to_owned),
                expires_in: result.expires_in(),
                token_type: result.token_type().unwrap_or("Bearer").to_owned(),
            }));
        }
        let name = output.challenge_name.ok_or_else(|| incomplete("neither tokens nor a challenge"))?;
        let empty = HashMap::new();
        let parameters = output.parameters.unwrap_or(&empty);
        Ok(AuthResponse::Challenge(Challenge {
            name: name.as_str().to_owned(),
            session: required(output.session, "Session")?,
            username: parameters.get("USER_ID_FOR_SRP").map_or(username, String::as_str).to_owned(),
            parameters: challenge_parameters(name, parameters),
        }))
    }
}

/// Cognito sends NEW_PASSWORD_REQUIRED's parameters as JSON strings with
/// `userAttributes.` prefixes; clients get plain JSON and attribute names.
fn challenge_parameters(name: &ChallengeNameType, parameters: &HashMap<String, String>) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in parameters {
        if key == "USER_ID_FOR_SRP" {
            continue;
        }
        let parsed = match (name, key.as_str()) {
            (ChallengeNameType::NewPasswordRequired, "requiredAttributes") => {
                let names: Vec<String> = serde_json::from_str(value).unwrap_or_default();
                Value::from(
                    names.iter().map(|n| n.trim_start_matches("userAttributes.").to_owned()).collect::<Vec<_>>(),
                )
            }
            (ChallengeNameType::NewPasswordRequired, "userAttributes") => {
                serde_json::from_str(value).unwrap_or_else(|_| Value::Object(Map::new()))
            }
            _ => Value::from(value.as_str()),
        };
        out.insert(key.clone(), parsed);
    }
    out
}

fn required(value: Option<&str>, name: &str) -> Result<String, ApiError> {
    value.map(str::to_owned).ok_or_else(|| incomplete(name))
}

fn incomplete(what: &str) -> ApiError {
    tracing::error!(missing = what, "Cognito's answer lacked a field");
    ApiError::new(ErrorCode::Internal, "Cognito's answer was incomplete")
}
