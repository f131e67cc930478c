//! The signed-in user's passkeys (their own access token): POST
//! /auth/me/passkeys/options starts a registration (after a fresh proof: a stolen
//! access token must not enrol its thief's passkey), POST /auth/me/passkeys finishes
//! it with the authenticator's answer, GET lists them, DELETE
//! /auth/me/passkeys/{credentialId} deletes one (with a fresh proof).
//!
//! A passkey added is told to the user's verified email (best-effort, notice.rs): if
//! someone else finished a registration the user started, the user learns of it.

use aws_smithy_types::date_time::Format;
use axum::extract::{Path, State};
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::audit::{Audit, Event};
use crate::bearer::BearerToken;
use crate::body::{JsonBody, Validate};
use crate::caller::{audit_caller, get_user};
use crate::cognito_error::{from_sdk, CognitoCall};
use crate::config::Secret;
use crate::context_data::ClientContext;
use crate::document::{from_json, to_json};
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;
use crate::step_up::{self, Reauthentication};

/// A passkey as GET /auth/me/passkeys lists it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Passkey {
    pub credential_id: String,
    pub friendly_name: String,
    pub relying_party_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    pub transports: Vec<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct Passkeys {
    pub passkeys: Vec<Passkey>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreationOptions {
    /// PublicKeyCredentialCreationOptionsJSON as Cognito gives it.
    pub credential_creation_options: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofRequest {
    #[serde(default, deserialize_with = "crate::body::present")]
    pub reauthentication: Option<Reauthentication>,
}

impl Validate for ProofRequest {
    fn validate(&self) -> Result<(), ApiError> {
        step_up::validate(self.reauthentication.as_ref())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    /// The authenticator's RegistrationResponseJSON.
    pub credential: Value,
}

impl std::fmt::Debug for CompleteRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompleteRequest").finish_non_exhaustive()
    }
}

impl Validate for CompleteRequest {
    fn validate(&self) -> Result<(), ApiError> {
        crate::body::check::credential("credential", &self.credential)
    }
}

/// POST /auth/me/passkeys/options, with a fresh proof (step-up) in the body.
pub async fn options(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    JsonBody(request): JsonBody<ProofRequest>,
) -> Result<Json<CreationOptions>, ApiError> {
    step_up::demand(request.reauthentication.as_ref())?;
    step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
    let output = state
        .cognito()
        .start_web_authn_registration()
        .access_token(token.expose())
        .send()
        .await
        .map_err(|error| from_sdk(error, CognitoCall::Passkeys))?;
    Ok(Json(CreationOptions { credential_creation_options: to_json(output.credential_creation_options()) }))
}

/// POST /auth/me/passkeys
pub async fn complete(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
    audit: Audit,
    JsonBody(request): JsonBody<CompleteRequest>,
) -> Result<(StatusCode, Json<Passkey>), ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::PasskeyAdded,
        async {
            state
                .cognito()
                .complete_web_authn_registration()
                .access_token(token.expose())
                .credential(from_json(&request.credential))
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Passkeys))?;
            let id = request.credential["id"].as_str().unwrap_or_default();
            let passkeys = list_all(&state, &token).await?;
            let added = match passkeys.iter().position(|p| p.credential_id == id) {
                Some(at) => at,
                // The newest, should Cognito spell the id otherwise.
                None => (0..passkeys.len()).max_by_key(|at| passkeys[*at].created_at.clone()).ok_or_else(|| {
                    ApiError::new(ErrorCode::Internal, "the passkey Cognito registered is not in its list")
                })?,
            };
            let added = passkeys.into_iter().nth(added).expect("found above");
            tell_the_user(&state, &token, &added.friendly_name).await;
            Ok((StatusCode::CREATED, Json(added)))
        }
        .await,
    )
}

/// The notice to the verified email; best-effort.
async fn tell_the_user(state: &AppState, token: &Secret, name: &str) {
    match get_user(state, token).await {
        Ok(user) if step_up::email_verified(&user) => {
            let email = user.user_attributes().iter().find(|a| a.name() == "email").and_then(|a| a.value());
            if let Some(email) = email {
                state.notices().passkey_added(state.config(), email, name).await;
            }
        }
        Ok(_) => tracing::info!("a passkey was added for a user without a verified email: no notice"),
        Err(error) => tracing::warn!(code = error.code.as_str(), "no notice of the passkey: the user was not read"),
    }
}

/// GET /auth/me/passkeys
pub async fn list(State(state): State<AppState>, BearerToken(token): BearerToken) -> Result<Json<Passkeys>, ApiError> {
    Ok(Json(Passkeys { passkeys: list_all(&state, &token).await? }))
}

/// Cognito keeps at most 20 passkeys a user; pages are followed to the end all the same.
async fn list_all(state: &AppState, token: &Secret) -> Result<Vec<Passkey>, ApiError> {
    let mut passkeys = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10 {
        let output = state
            .cognito()
            .list_web_authn_credentials()
            .access_token(token.expose())
            .max_results(20)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|error| from_sdk(error, CognitoCall::Passkeys))?;
        passkeys.extend(output.credentials().iter().map(|credential| Passkey {
            credential_id: credential.credential_id().to_owned(),
            friendly_name: credential.friendly_credential_name().to_owned(),
            relying_party_id: credential.relying_party_id().to_owned(),
            authenticator_attachment: credential.authenticator_attachment().map(str::to_owned),
            transports: credential.authenticator_transports().to_vec(),
            created_at: credential.created_at().fmt(Format::DateTime).unwrap_or_default(),
        }));
        match output.next_token() {
            Some(token) if !token.is_empty() => next = Some(token.to_owned()),
            _ => break,
        }
    }
    Ok(passkeys)
}

/// A credential id as listed: base64url, bounded.
fn credential_id(path: &str) -> Result<&str, ApiError> {
    let fits = !path.is_empty()
        && path.len() <= 1024
        && path.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='));
    if !fits {
        return Err(ApiError::validation(
            "credentialId",
            "`credentialId` must be a passkey's id as GET /auth/me/passkeys lists it",
        ));
    }
    Ok(path)
}

/// DELETE /auth/me/passkeys/{credentialId}, with a fresh proof (step-up) in the body.
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    BearerToken(token): BearerToken,
    ClientContext(client): ClientContext,
    audit: Audit,
    JsonBody(request): JsonBody<ProofRequest>,
) -> Result<StatusCode, ApiError> {
    audit_caller(&state, &token, &audit).await;
    audit.record(
        Event::PasskeyDeleted,
        async {
            step_up::demand(request.reauthentication.as_ref())?;
            let id = credential_id(&id)?;
            step_up::require(&state, &token, request.reauthentication.as_ref(), client).await?;
            state
                .cognito()
                .delete_web_authn_credential()
                .access_token(token.expose())
                .credential_id(id)
                .send()
                .await
                .map_err(|error| from_sdk(error, CognitoCall::Passkeys))?;
            Ok(StatusCode::NO_CONTENT)
        }
        .await,
    )
}
