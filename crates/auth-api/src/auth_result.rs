//! What a sign-in step answers: tokens, or the next challenge with its
//! session, and the device the server remembered. Shared by every endpoint
//! that signs in (login, new-password, MFA).

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthenticationResultType, ChallengeNameType};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthResponse {
    /// Which of the two this is: openapi.yaml's discriminator, so that typed clients switch on it.
    pub result: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Tokens>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub challenge: Option<Challenge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<RememberedDevice>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    #[default]
    Tokens,
    Challenge,
}

/// The challenges a client answers (openapi.yaml's ChallengeName); the server answers the
/// device challenges itself, and with ADMIN_USER_PASSWORD_AUTH Cognito asks no others.
/// The passwordless routes answer SELECT_CHALLENGE, EMAIL_OTP, SMS_OTP and WEB_AUTHN
/// (first_factor.rs).
pub const CLIENT_CHALLENGES: &[ChallengeNameType] = &[
    ChallengeNameType::SelectChallenge,
    ChallengeNameType::SmsOtp,
    ChallengeNameType::WebAuthn,
    ChallengeNameType::NewPasswordRequired,
    ChallengeNameType::MfaSetup,
    ChallengeNameType::SmsMfa,
    ChallengeNameType::EmailOtp,
    ChallengeNameType::SoftwareTokenMfa,
    ChallengeNameType::SelectMfaType,
];

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tokens {
    pub access_token: String,
    pub id_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    pub expires_in: i32,
    pub token_type: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    pub name: String,
    pub session: String,
    /// The username to answer with (Cognito's USER_ID_FOR_SRP when it differs).
    pub username: String,
    pub parameters: Map<String, Value>,
}

// Tokens and sessions are credentials: Debug shows that they are there, never what they are.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| ".."))
            .field("expires_in", &self.expires_in)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge").field("name", &self.name).field("username", &self.username).finish_non_exhaustive()
    }
}

/// A device the server confirmed: the client keeps `deviceKey` and sends it
/// with later sign-ins and refreshes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RememberedDevice {
    pub device_key: String,
    pub remembered: bool,
}

/// One step of a sign-in, whichever Cognito call produced it. No Debug: it holds a session.
#[derive(Default)]
pub struct SignInStep {
    pub result: Option<AuthenticationResultType>,
    pub challenge_name: Option<ChallengeNameType>,
    pub session: Option<String>,
    pub parameters: HashMap<String, String>,
}

impl From<AdminInitiateAuthOutput> for SignInStep {
    fn from(output: AdminInitiateAuthOutput) -> Self {
        Self {
            result: output.authentication_result,
            challenge_name: output.challenge_name,
            session: output.session,
            parameters: output.challenge_parameters.unwrap_or_default(),
        }
    }
}

impl From<AdminRespondToAuthChallengeOutput> for SignInStep {
    fn from(output: AdminRespondToAuthChallengeOutput) -> Self {
        Self {
            result: output.authentication_result,
            challenge_name: output.challenge_name,
            session: output.session,
            parameters: output.challenge_parameters.unwrap_or_default(),
        }
    }
}

impl Tokens {
    pub fn from_cognito(result: &AuthenticationResultType) -> Result<Self, ApiError> {
        Ok(Tokens {
            access_token: required(result.access_token(), "AccessToken")?,
            id_token: required(result.id_token(), "IdToken")?,
            refresh_token: result.refresh_token().map(str::to_owned),
            expires_in: result.expires_in(),
            token_type: result.token_type().unwrap_or("Bearer").to_owned(),
        })
    }
}

impl AuthResponse {
    pub fn from_step(step: &SignInStep, username: &str) -> Result<Self, ApiError> {
        if let Some(result) = &step.result {
            return Ok(AuthResponse { tokens: Some(Tokens::from_cognito(result)?), ..Default::default() });
        }
        let name = step.challenge_name.as_ref().ok_or_else(|| incomplete("neither tokens nor a challenge"))?;
        if !CLIENT_CHALLENGES.contains(name) {
            tracing::error!(challenge = name.as_str(), "a challenge no client can answer");
            return Err(ApiError::new(ErrorCode::Internal, "the sign-in asked a challenge this API does not answer"));
        }
        Ok(AuthResponse {
            result: Outcome::Challenge,
            challenge: Some(Challenge {
                name: name.as_str().to_owned(),
                session: required(step.session.as_deref(), "Session")?,
                username: step.parameters.get("USER_ID_FOR_SRP").map_or(username, String::as_str).to_owned(),
                parameters: challenge_parameters(name, &step.parameters),
            }),
            ..Default::default()
        })
    }
}

/// Cognito sends some parameters as JSON strings (NEW_PASSWORD_REQUIRED's
/// attributes, the MFA lists) and with `userAttributes.` prefixes; clients get
/// plain JSON and attribute names, in the order of their names (the same every time).
fn challenge_parameters(name: &ChallengeNameType, parameters: &HashMap<String, String>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut sorted: Vec<_> = parameters.iter().collect();
    sorted.sort();
    for (key, value) in sorted {
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
            (ChallengeNameType::NewPasswordRequired, "userAttributes")
            | (_, "MFAS_CAN_CHOOSE")
            | (_, "MFAS_CAN_SETUP") => serde_json::from_str(value).unwrap_or_else(|_| Value::from(value.as_str())),
            _ => Value::from(value.as_str()),
        };
        out.insert(key.clone(), parsed);
    }
    out
}

pub fn required(value: Option<&str>, name: &str) -> Result<String, ApiError> {
    value.map(str::to_owned).ok_or_else(|| incomplete(name))
}

pub fn incomplete(what: &str) -> ApiError {
    tracing::error!(missing = what, "Cognito's answer lacked a field");
    ApiError::new(ErrorCode::Internal, "Cognito's answer was incomplete")
}
