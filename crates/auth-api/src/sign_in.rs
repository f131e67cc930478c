//! The end of every sign-in step, whichever endpoint took it: the server
//! answers the device challenges itself (DEVICE_SRP_AUTH and
//! DEVICE_PASSWORD_VERIFIER), confirms a new device when Cognito issues one,
//! and answers tokens or the next challenge the client must meet.

use aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::builders::AdminRespondToAuthChallengeFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{
    AuthenticationResultType, ChallengeNameType, ContextDataType, DeviceSecretVerifierConfigType, NewDeviceMetadataType,
};

use crate::audit::{Audit, Event};
use crate::auth_result::{incomplete, AuthResponse, Outcome, RememberedDevice, SignInStep};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::device_srp::{new_salt, DeviceId};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// Who is signing in, as the request said it.
pub struct Attempt<'a> {
    pub username: &'a str,
    /// The device the client named (`deviceKey`), if any.
    pub device: Option<DeviceId>,
    /// A name for a device confirmed in this sign-in.
    pub device_name: Option<&'a str>,
    /// The caller, for Cognito's threat protection on every challenge answer.
    pub context: &'a ContextDataType,
}

/// Which step of a sign-in failed, for the audit line's actor.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Username and password, a new-password session, a TOTP set-up code (checked
    /// against the session alone): a failure may name anyone or no one, and the
    /// username as typed is a stranger's text (or a password typed in the wrong
    /// field), so it is not logged.
    Unproven,
    /// An MFA code answered with AdminRespondToAuthChallenge, whose session Cognito
    /// ties to the username: a wrong or expired code means the user exists and
    /// passed the password, so they are named.
    Code,
}

/// Writes a sign-in step's audit line: tokens are `auth.sign_in.succeeded`, a
/// further challenge `auth.sign_in.challenged` (its name as `detail`), a failure
/// `auth.sign_in.failed`.
pub fn audit_step(
    audit: &Audit,
    username: &str,
    step: Step,
    result: Result<AuthResponse, ApiError>,
) -> Result<AuthResponse, ApiError> {
    match &result {
        Ok(answer) => {
            audit.actor(username);
            if let Some(challenge) = &answer.challenge {
                audit.detail(&challenge.name);
            }
            let event = if answer.result == Outcome::Tokens { Event::SignInSucceeded } else { Event::SignInChallenged };
            audit.record(event, result)
        }
        Err(error) => {
            if step == Step::Code && matches!(error.code, ErrorCode::CodeMismatch | ErrorCode::CodeExpired) {
                audit.actor(username);
            }
            audit.record(Event::SignInFailed, result)
        }
    }
}

/// The device a `deviceKey` names, when this server made the handle (its MAC
/// holds under the device secret). A forged, altered or old-form handle, or
/// any handle when no device secret is set, names no device: the sign-in
/// goes on as without one, before any Cognito call.
pub async fn device_of(state: &AppState, handle: Option<&str>) -> Result<Option<DeviceId>, ApiError> {
    let Some(handle) = handle else { return Ok(None) };
    let device = state.device_secret().await?.and_then(|secret| DeviceId::from_handle(handle, secret));
    if device.is_none() {
        tracing::info!("a deviceKey that this server did not make: signing in without a device");
    }
    Ok(device)
}

/// Turns a sign-in step into the API's answer.
pub async fn complete(state: &AppState, mut step: SignInStep, attempt: &Attempt<'_>) -> Result<AuthResponse, ApiError> {
    let mut device_proved = None;
    if step.challenge_name == Some(ChallengeNameType::DeviceSrpAuth) {
        let device = attempt.device.clone().ok_or_else(|| incomplete("the device of a DEVICE_SRP_AUTH"))?;
        step = prove_device(state, step, attempt, &device).await?;
        device_proved = Some(device);
    }
    let mut response = AuthResponse::from_step(&step, attempt.username)?;
    if let Some(result) = &step.result {
        response.device = match (result.new_device_metadata(), device_proved) {
            (Some(metadata), _) => remember(state, result, metadata, attempt).await?,
            (None, Some(device)) => {
                Some(RememberedDevice { device_key: device.handle(device_secret(state).await?), remembered: true })
            }
            (None, None) => None,
        };
    } else if let Some(device) = device_proved {
        // A device that is tracked but not remembered still passes MFA next.
        response.device =
            Some(RememberedDevice { device_key: device.handle(device_secret(state).await?), remembered: false });
    }
    Ok(response)
}

/// The server's device secret, or a configuration error when devices are
/// tracked but no secret is set.
async fn device_secret(state: &AppState) -> Result<&Secret, ApiError> {
    state.device_secret().await?.ok_or_else(|| {
        ApiError::new(ErrorCode::Misconfigured, "the user pool tracks devices: set DEVICE_SECRET or DEVICE_SECRET_ARN")
    })
}

/// A device Cognito no longer knows, or whose proof it refuses (a device
/// confirmed under another device secret), is UNKNOWN_DEVICE: login then
/// signs in again without it, so the caller meets the usual MFA challenge.
fn device_refused(error: ApiError) -> ApiError {
    match error.code {
        ErrorCode::InvalidCredentials | ErrorCode::InvalidSession => ApiError {
            field: Some("deviceKey".into()),
            ..ApiError::new(ErrorCode::UnknownDevice, "the device was refused")
        },
        _ => error,
    }
}

/// DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER, with the device's SRP proof.
async fn prove_device(
    state: &AppState,
    step: SignInStep,
    attempt: &Attempt<'_>,
    device: &DeviceId,
) -> Result<SignInStep, ApiError> {
    let config = state.config();
    let password = device.password(device_secret(state).await?);
    let srp = device.srp_client(&config.user_pool_id, &config.client_id, &password);
    let username = step.parameters.get("USERNAME").map_or(attempt.username, String::as_str).to_owned();
    let start = srp.get_auth_parameters();
    let verifier = respond(
        state,
        ChallengeNameType::DeviceSrpAuth,
        step.session.as_deref(),
        &username,
        &[("DEVICE_KEY", device.key.clone()), ("SRP_A", start.a)],
        attempt.context,
    )
    .await
    .map_err(device_refused)?;
    let parameter = |name: &str| {
        verifier.parameters.get(name).cloned().ok_or_else(|| incomplete("a DEVICE_PASSWORD_VERIFIER parameter"))
    };
    let proof = srp
        .verify(&parameter("SECRET_BLOCK")?, &parameter("SALT")?, &parameter("SRP_B")?)
        .map_err(|_| incomplete("a usable DEVICE_PASSWORD_VERIFIER challenge"))?;
    respond(
        state,
        ChallengeNameType::DevicePasswordVerifier,
        verifier.session.as_deref(),
        &username,
        &[
            ("DEVICE_KEY", device.key.clone()),
            ("PASSWORD_CLAIM_SECRET_BLOCK", proof.password_claim_secret_block),
            ("PASSWORD_CLAIM_SIGNATURE", proof.password_claim_signature),
            ("TIMESTAMP", proof.timestamp),
        ],
        attempt.context,
    )
    .await
    .map_err(device_refused)
}

/// AdminRespondToAuthChallenge with USERNAME, SECRET_HASH when needed,
/// `responses`, and the caller's ContextData (threat protection judges
/// every answer, not only the password).
pub async fn respond(
    state: &AppState,
    challenge: ChallengeNameType,
    session: Option<&str>,
    username: &str,
    responses: &[(&str, String)],
    context: &ContextDataType,
) -> Result<SignInStep, ApiError> {
    let responses = responses.iter().map(|(name, value)| (*name, value.as_str()));
    let call = answer(state, challenge, session, username, responses, context).await?;
    let output = call.send().await.map_err(|error| from_sdk(error, CognitoCall::AnswerChallenge))?;
    Ok(output.into())
}

/// `respond`'s call, built and not sent: for a caller that reads Cognito's refusal
/// its own way (first_factor_answer.rs).
pub async fn answer<'a>(
    state: &AppState,
    challenge: ChallengeNameType,
    session: Option<&str>,
    username: &str,
    responses: impl IntoIterator<Item = (&'a str, &'a str)>,
    context: &ContextDataType,
) -> Result<AdminRespondToAuthChallengeFluentBuilder, ApiError> {
    let config = state.config();
    let mut call = state
        .cognito()
        .admin_respond_to_auth_challenge()
        .user_pool_id(&config.user_pool_id)
        .client_id(&config.client_id)
        .challenge_name(challenge)
        .set_session(session.map(str::to_owned))
        .context_data(context.clone())
        .challenge_responses("USERNAME", username);
    for (name, value) in responses {
        call = call.challenge_responses(name, value);
    }
    if let Some(hash) = state.secret_hash(username).await? {
        call = call.challenge_responses("SECRET_HASH", hash);
    }
    Ok(call)
}

/// Confirms a device Cognito has just issued, with a verifier made from its
/// derived password (a fresh nonce each time). Without a device secret the
/// device is left unconfirmed.
async fn remember(
    state: &AppState,
    result: &AuthenticationResultType,
    metadata: &NewDeviceMetadataType,
    attempt: &Attempt<'_>,
) -> Result<Option<RememberedDevice>, ApiError> {
    let (Some(key), Some(group_key)) = (metadata.device_key(), metadata.device_group_key()) else {
        return Ok(None);
    };
    let Some(secret) = state.device_secret().await? else {
        tracing::warn!("Cognito issued a device but DEVICE_SECRET is not set: the device is not remembered");
        return Ok(None);
    };
    let device = DeviceId::new(key, group_key);
    let (verifier, salt) = device.verifier(&device.password(secret), &new_salt());
    let access_token = result.access_token().ok_or_else(|| incomplete("AccessToken"))?;
    let confirmed = state
        .cognito()
        .confirm_device()
        .access_token(access_token)
        .device_key(&device.key)
        .set_device_name(attempt.device_name.map(str::to_owned))
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder().password_verifier(verifier).salt(salt).build(),
        )
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::WithAccessToken))?;
    let remembered = !confirmed.user_confirmation_necessary;
    Ok(Some(RememberedDevice { device_key: device.handle(secret), remembered }))
}
