//! Sign-in without a password, through Cognito's choice-based sign-in (USER_AUTH):
//! POST /auth/passwordless starts it (a username, and the factor when the client knows
//! it), /auth/passwordless/factor picks the factor, /auth/passwordless/code answers an
//! emailed or texted code, /auth/passwordless/passkey answers with a passkey. The end is
//! login's: tokens (cookie mode too), a remembered device, or a further challenge.
//!
//! Every username gets the same answers (crate::first_factor): the deployment's
//! factors, the factor's challenge whether or not the user has it, and then a wrong
//! code or a refused passkey for whoever could not answer. Wrong codes count per user
//! in code_limit's Reset window (codes anyone who knows a username can try), and the
//! lock is answered as a wrong code: a 429 only real users could earn would tell a
//! stranger who exists.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType, ContextDataType};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use crate::audit::Audit;
use crate::auth_result::{AuthResponse, SignInStep};
use crate::body::{check, present, JsonBody, Validate};
use crate::cognito_error::{passkey_refused, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::error::ApiError;
use crate::first_factor::{check_allowed, factor_challenge, made_up_session, selection, FirstFactor};
use crate::first_factor_answer::{about_the_user_or, code, proves_the_factor, respond, CodeRequest};
use crate::initiate_auth;
use crate::sign_in::{audit_step, complete, Attempt, Step};
use crate::state::AppState;
use crate::web_session::AuthMode;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StartRequest {
    pub username: String,
    /// The factor, when the client knows it; without it the answer is SELECT_CHALLENGE.
    #[serde(default, deserialize_with = "present")]
    pub factor: Option<FirstFactor>,
}

impl Validate for StartRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FactorRequest {
    pub username: String,
    pub session: Secret,
    pub factor: FirstFactor,
}

impl Validate for FactorRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasskeyRequest {
    pub username: String,
    pub session: Secret,
    /// The authenticator's AuthenticationResponseJSON (navigator.credentials.get's
    /// answer, its binary fields base64url-encoded).
    pub credential: Value,
    #[serde(default, deserialize_with = "present")]
    pub device_name: Option<String>,
}

// The credential is a signature over the challenge: not shown.
impl std::fmt::Debug for PasskeyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasskeyRequest").field("username", &self.username).finish_non_exhaustive()
    }
}

impl Validate for PasskeyRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)?;
        check::session("session", self.session.expose())?;
        check::optional_length("deviceName", self.device_name.as_deref(), 1, 1024)?;
        check::credential("credential", &self.credential)
    }
}

/// POST /auth/passwordless
pub async fn start(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<StartRequest>,
) -> Result<Response, ApiError> {
    let answer = begin(&state, &client, &request.username, request.factor).await;
    audit_step(&audit, &request.username, Step::Unproven, answer).map(|answer| mode.answer(&state, answer))
}

/// POST /auth/passwordless/factor
pub async fn choose(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<FactorRequest>,
) -> Result<Response, ApiError> {
    let answer = pick(&state, &client, &request).await;
    audit_step(&audit, &request.username, Step::Unproven, answer).map(|answer| mode.answer(&state, answer))
}

/// POST /auth/passwordless/code
pub async fn answer_code(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<CodeRequest>,
) -> Result<Response, ApiError> {
    let answer = code(&state, &client, &request).await;
    audit_step(&audit, &request.username, Step::Unproven, answer).map(|answer| mode.answer(&state, answer))
}

/// POST /auth/passwordless/passkey
pub async fn answer_passkey(
    State(state): State<AppState>,
    ClientContext(client): ClientContext,
    mode: AuthMode,
    audit: Audit,
    JsonBody(request): JsonBody<PasskeyRequest>,
) -> Result<Response, ApiError> {
    let answer = passkey(&state, &client, &request).await;
    audit_step(&audit, &request.username, Step::Unproven, answer).map(|answer| mode.answer(&state, answer))
}

async fn allowed(state: &AppState, factor: Option<FirstFactor>) -> Result<Vec<FirstFactor>, ApiError> {
    let rules: &crate::pool_rules::PoolRules = state.pool_rules().await?;
    let allowed = FirstFactor::allowed(&rules.first_factors);
    check_allowed(&allowed, factor)?;
    Ok(allowed)
}

/// SELECT_CHALLENGE with the deployment's factors, or the factor's challenge.
async fn begin(
    state: &AppState,
    client: &ContextDataType,
    username: &str,
    factor: Option<FirstFactor>,
) -> Result<AuthResponse, ApiError> {
    let allowed = allowed(state, factor).await?;
    let step = initiate_or_stand_in(state, client, username, factor).await?;
    match factor {
        None => {
            let session = step.and_then(|step| step.session).unwrap_or_else(made_up_session);
            Ok(selection(&allowed, session, username))
        }
        Some(factor) => challenge_of(state, factor, step, username).await,
    }
}

/// The factor's challenge from Cognito's step: its own when it is that challenge, a
/// decoy with Cognito's session (or a made-up one) otherwise.
async fn challenge_of(
    state: &AppState,
    factor: FirstFactor,
    step: Option<SignInStep>,
    username: &str,
) -> Result<AuthResponse, ApiError> {
    let passkeys = state.passkey_rules().await?;
    let step = step.unwrap_or_default();
    let real = step.challenge_name == Some(factor.challenge());
    if !real {
        tracing::info!(factor = factor.word(), "Cognito did not ask this factor's challenge: answered with a decoy");
    }
    let options = step.parameters.get("CREDENTIAL_REQUEST_OPTIONS").filter(|_| real).map(String::as_str);
    let session = step.session.unwrap_or_else(made_up_session);
    Ok(factor_challenge(factor, session, username, options, passkeys))
}

/// AdminInitiateAuth with USER_AUTH; when Cognito refused for a reason about the user (a
/// custom message trigger that failed to write the user's code, a disabled user), the
/// step Cognito answers a username nobody has, of the same length: a decoy whose session
/// is of Cognito's shape, as a stranger's is (a session the API made up would be told
/// apart by its length). None when Cognito refuses that too (LEGACY: unknown names are
/// told apart anyway).
async fn initiate_or_stand_in(
    state: &AppState,
    client: &ContextDataType,
    username: &str,
    factor: Option<FirstFactor>,
) -> Result<Option<SignInStep>, ApiError> {
    if let Some(step) = initiate(state, client, username, factor).await? {
        return Ok(Some(step));
    }
    let nobody = nobodys_name(username.chars().count());
    Ok(initiate(state, client, &nobody, factor).await.ok().flatten())
}

/// A username no one has: random lowercase letters and digits, as many as the typed
/// username has characters but at least 24 (36^24 names: no one's by chance; a shorter
/// typed name's stand-in is longer, should Cognito's session length follow the name's).
fn nobodys_name(length: usize) -> String {
    use aws_lc_rs::rand::{SecureRandom, SystemRandom};
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; length.max(24)];
    SystemRandom::new().fill(&mut bytes).expect("the system's random source");
    bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect()
}

/// AdminInitiateAuth with USER_AUTH (and PREFERRED_CHALLENGE); None when Cognito
/// refused for a reason about the user.
async fn initiate(
    state: &AppState,
    client: &ContextDataType,
    username: &str,
    factor: Option<FirstFactor>,
) -> Result<Option<SignInStep>, ApiError> {
    let preferred = factor.map(|factor| ("PREFERRED_CHALLENGE", factor.cognito_name()));
    let call = initiate_auth::initiate(state, AuthFlowType::UserAuth, username, preferred.as_slice(), client).await?;
    match call.send().await {
        Ok(output) => Ok(Some(output.into())),
        Err(error) => about_the_user_or(error, CognitoCall::Login),
    }
}

/// SELECT_CHALLENGE answered; when Cognito refuses the session (expired, used, a
/// decoy's), the sign-in starts again with the factor preferred, so that the answer
/// is the factor's challenge whoever asked.
async fn pick(state: &AppState, client: &ContextDataType, request: &FactorRequest) -> Result<AuthResponse, ApiError> {
    allowed(state, Some(request.factor)).await?;
    let (session, username) = (request.session.expose(), request.username.as_str());
    let answer = (ChallengeNameType::SelectChallenge, ("ANSWER", request.factor.cognito_name()));
    let step = match respond(state, client, session, username, answer, false).await? {
        Some(step) if step.challenge_name == Some(request.factor.challenge()) => Some(step),
        _ => initiate_or_stand_in(state, client, username, Some(request.factor)).await?,
    };
    challenge_of(state, request.factor, step, username).await
}

async fn passkey(
    state: &AppState,
    client: &ContextDataType,
    request: &PasskeyRequest,
) -> Result<AuthResponse, ApiError> {
    let credential = serde_json::to_string(&request.credential).expect("JSON values serialize");
    let (session, username) = (request.session.expose(), request.username.as_str());
    let answer = (ChallengeNameType::WebAuthn, ("CREDENTIAL", credential.as_str()));
    let Some(step) = respond(state, client, session, username, answer, false).await?.filter(proves_the_factor) else {
        return Err(passkey_refused());
    };
    let attempt = Attempt { username, device: None, device_name: request.device_name.as_deref(), context: client };
    complete(state, step, &attempt).await
}
