//! The passwordless first factors (Cognito's choice-based sign-in, `USER_AUTH`) as the
//! API offers them, and the challenges it answers with.
//!
//! No answer may tell a stranger whether a username is a user's, or which factors that
//! user has. Cognito's own answers would: the factors it offers (AvailableChallenges)
//! are the user's, a code challenge names a masked address, a passkey challenge lists
//! the user's credential ids, and a username without the factor (or without an account)
//! gets another challenge or an error. So the API never passes those on:
//! - the factors offered are the deployment's (the pool's AllowedFirstAuthFactors), the
//!   same for every username;
//! - a code challenge says only how the code travels (`deliveryMedium`);
//! - a passkey challenge carries the request options without `allowCredentials`
//!   (passkeys are discoverable: the authenticator finds its own), and a fixed timeout;
//! - when Cognito does not answer with the factor's challenge, the API answers that
//!   challenge all the same (a decoy: no code is sent, no passkey can answer it), with
//!   Cognito's session when it gave one, so that the wrong code or refused passkey that
//!   follows is the answer anyone gets.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::auth_result::{AuthResponse, Challenge, Outcome};
use crate::error::{ApiError, ErrorCode};
use crate::passkey_rules::PasskeyRules;

/// A first factor without a password, in the API's words.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FirstFactor {
    Email,
    Sms,
    Passkey,
}

/// How long a passkey challenge's options say the browser may wait: Cognito's
/// default sign-in session (AuthSessionValidity, 3 minutes).
pub const PASSKEY_TIMEOUT_MS: u64 = 180_000;

impl FirstFactor {
    pub const ALL: [FirstFactor; 3] = [FirstFactor::Email, FirstFactor::Sms, FirstFactor::Passkey];

    /// Cognito's name, as AllowedFirstAuthFactors, PREFERRED_CHALLENGE and ANSWER spell it.
    pub fn cognito_name(self) -> &'static str {
        match self {
            FirstFactor::Email => "EMAIL_OTP",
            FirstFactor::Sms => "SMS_OTP",
            FirstFactor::Passkey => "WEB_AUTHN",
        }
    }

    pub fn challenge(self) -> ChallengeNameType {
        ChallengeNameType::from(self.cognito_name())
    }

    pub fn word(self) -> &'static str {
        match self {
            FirstFactor::Email => "email",
            FirstFactor::Sms => "sms",
            FirstFactor::Passkey => "passkey",
        }
    }

    /// The factors a pool's AllowedFirstAuthFactors allows, in the API's order.
    pub fn allowed(first_factors: &[String]) -> Vec<FirstFactor> {
        Self::ALL.into_iter().filter(|f| first_factors.iter().any(|allowed| allowed == f.cognito_name())).collect()
    }
}

/// FACTOR_NOT_ALLOWED unless the deployment allows `factor` (or, for None, any factor).
pub fn check_allowed(allowed: &[FirstFactor], factor: Option<FirstFactor>) -> Result<(), ApiError> {
    let fine = match factor {
        Some(factor) => allowed.contains(&factor),
        None => !allowed.is_empty(),
    };
    if fine {
        return Ok(());
    }
    let offered = allowed.iter().map(|f| f.word()).collect::<Vec<_>>();
    let detail = if offered.is_empty() {
        "this deployment signs in by password only (POST /auth/login)".to_owned()
    } else {
        format!("this deployment allows these factors: {}", offered.join(", "))
    };
    Err(ApiError { field: Some("factor".into()), ..ApiError::new(ErrorCode::FactorNotAllowed, detail) })
}

/// SELECT_CHALLENGE with the deployment's factors.
pub fn selection(allowed: &[FirstFactor], session: String, username: &str) -> AuthResponse {
    let factors = allowed.iter().map(|f| Value::from(f.word())).collect::<Vec<_>>();
    let mut parameters = Map::new();
    parameters.insert("factors".into(), Value::Array(factors));
    challenge(ChallengeNameType::SelectChallenge, session, username, parameters)
}

/// The factor's challenge: from Cognito's `options` (CREDENTIAL_REQUEST_OPTIONS, when
/// Cognito answered with this challenge), or made up alike.
pub fn factor_challenge(
    factor: FirstFactor,
    session: String,
    username: &str,
    options: Option<&str>,
    passkeys: &PasskeyRules,
) -> AuthResponse {
    let mut parameters = Map::new();
    match factor {
        FirstFactor::Email => {
            parameters.insert("deliveryMedium".into(), Value::from("EMAIL"));
        }
        FirstFactor::Sms => {
            parameters.insert("deliveryMedium".into(), Value::from("SMS"));
        }
        FirstFactor::Passkey => {
            parameters.insert("credentialRequestOptions".into(), request_options(options, passkeys));
        }
    }
    challenge(factor.challenge(), session, username, parameters)
}

/// PublicKeyCredentialRequestOptionsJSON with exactly `challenge`, `rpId` (when the pool
/// names one), `timeout` and `userVerification`: Cognito's challenge when it gave one,
/// else a fresh random one no authenticator has signed.
fn request_options(options: Option<&str>, passkeys: &PasskeyRules) -> Value {
    let cognito: Map<String, Value> = options
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .and_then(|value| value.as_object().cloned())
        .unwrap_or_default();
    let text = |name: &str| cognito.get(name).and_then(Value::as_str).map(str::to_owned);
    let mut out = Map::new();
    out.insert("challenge".into(), Value::from(text("challenge").unwrap_or_else(|| random_text(32))));
    if let Some(rp_id) = text("rpId").or_else(|| passkeys.relying_party_id.clone()) {
        out.insert("rpId".into(), Value::from(rp_id));
    }
    out.insert("timeout".into(), Value::from(PASSKEY_TIMEOUT_MS));
    let verification = text("userVerification").unwrap_or_else(|| passkeys.user_verification.clone());
    out.insert("userVerification".into(), Value::from(verification));
    Value::Object(out)
}

fn challenge(name: ChallengeNameType, session: String, username: &str, parameters: Map<String, Value>) -> AuthResponse {
    AuthResponse {
        result: Outcome::Challenge,
        // The username as typed: Cognito's own (when an alias was typed) would tell whose it is.
        challenge: Some(Challenge {
            name: name.as_str().to_owned(),
            session,
            username: username.to_owned(),
            parameters,
        }),
        ..Default::default()
    }
}

/// A session for a sign-in Cognito refused outright (a LEGACY app client's unknown user,
/// a disabled one): no Cognito call takes it, so every answer to it is a refusal.
pub fn made_up_session() -> String {
    random_text(SESSION_BYTES)
}

/// Cognito's sessions are about this long once base64-encoded.
const SESSION_BYTES: usize = 690;

fn random_text(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    SystemRandom::new().fill(&mut buffer).expect("the system's random source");
    URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> PasskeyRules {
        PasskeyRules { relying_party_id: Some("example.com".into()), user_verification: "preferred".into() }
    }

    #[test]
    fn the_factors_offered_are_the_pools_in_the_apis_order() {
        let pool = ["WEB_AUTHN", "PASSWORD", "EMAIL_OTP"].map(String::from);
        assert_eq!(FirstFactor::allowed(&pool), [FirstFactor::Email, FirstFactor::Passkey]);
        assert!(check_allowed(&FirstFactor::allowed(&pool), Some(FirstFactor::Sms)).is_err());
        assert_eq!(check_allowed(&[], None).unwrap_err().code, ErrorCode::FactorNotAllowed);
    }

    #[test]
    fn a_passkey_challenge_has_the_same_keys_whether_cognito_gave_it_or_not() {
        let cognito = r#"{"challenge":"abc","rpId":"example.com","timeout":60000,"userVerification":"preferred","allowCredentials":[{"type":"public-key","id":"Y3JlZA"}]}"#;
        let real = request_options(Some(cognito), &rules());
        let made_up = request_options(None, &rules());
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&real), keys(&made_up));
        assert_eq!(real["challenge"], "abc");
        assert!(real.get("allowCredentials").is_none(), "the user's credential ids are not told");
        assert_eq!(real["timeout"], made_up["timeout"]);
    }

    #[test]
    fn a_code_challenge_names_no_destination() {
        let answer = factor_challenge(FirstFactor::Email, "s".repeat(30), "ana", None, &rules());
        let challenge = answer.challenge.unwrap();
        assert_eq!(challenge.name, "EMAIL_OTP");
        assert_eq!(Value::Object(challenge.parameters), serde_json::json!({"deliveryMedium": "EMAIL"}));
    }
}
