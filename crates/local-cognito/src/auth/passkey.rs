//! Passkeys (WebAuthn), checked for real by webauthn-rs-core: registration
//! (StartWebAuthnRegistration's CredentialCreationOptions, then
//! CompleteWebAuthnRegistration's RegistrationResponseJSON, attestation `none` or
//! `packed`), and WEB_AUTHN, a passkey as USER_AUTH's first factor (the
//! challenge's CREDENTIAL_REQUEST_OPTIONS, then the AuthenticationResponseJSON the
//! answer's CREDENTIAL carries): challenge, origin, relying party id, signature,
//! user presence, user verification as WebAuthnUserVerification says, and the
//! signature counter (a counter that goes back is a cloned authenticator).
//! API reference: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
//! WebAuthnConfigurationType, RespondToAuthChallenge (WEB_AUTHN, CREDENTIAL).
//!
//! Origins: Cognito accepts the relying party's own origin over https and its
//! subdomains' (developer guide, "Passkey sign-in": the relying party ID is the
//! user pool's domain or one the app's origin sits under); for the relying party
//! `localhost`, http://localhost on any port, as browsers allow it for development.

use std::time::Duration;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AuthenticationState, COSEAlgorithm, Credential, PublicKeyCredential, RegisterPublicKeyCredential,
    RegistrationState, UserVerificationPolicy,
};
use webauthn_rs_core::WebauthnCore;

use super::session::{invalid_session, issue_session};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::{missing, pool, pool_mut};
use crate::model::{Passkey, PasskeyRegistration, Pool, Session, User};

/// How long a passkey ceremony's options are good for: the session's 3 minutes.
pub const CEREMONY_TIMEOUT_MS: u64 = 180_000;

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The pool's relying party and user verification (`preferred` by default).
pub fn relying_party(pool: &Pool) -> (Option<String>, String) {
    (
        pool.mfa.web_authn_relying_party_id.clone(),
        pool.mfa.web_authn_user_verification.clone().unwrap_or_else(|| "preferred".to_owned()),
    )
}

fn policy(user_verification: &str) -> UserVerificationPolicy {
    if user_verification == "required" {
        UserVerificationPolicy::Required
    } else {
        UserVerificationPolicy::Preferred
    }
}

/// The verifier for a relying party: its origins as the module's header says.
fn verifier(rp_id: &str) -> WebauthnCore {
    let (origin, subdomains, any_port) = if rp_id == "localhost" {
        ("http://localhost".to_owned(), false, true)
    } else {
        (format!("https://{rp_id}"), true, false)
    };
    let origin = url::Url::parse(&origin).expect("a relying party id makes an origin");
    WebauthnCore::new_unsafe_experts_only(
        rp_id,
        rp_id,
        vec![origin],
        Duration::from_millis(CEREMONY_TIMEOUT_MS),
        Some(subdomains),
        Some(any_port),
    )
}

/// Cognito's refusal of an assertion that does not verify: RespondToAuthChallenge
/// documents no WebAuthn exception, so the sign-in's NotAuthorizedException
/// (the message is an assumption).
pub fn assertion_refused() -> error::CognitoError {
    error::not_authorized("Incorrect username or password.")
}

fn stored(passkey: &Passkey) -> Option<Credential> {
    serde_json::from_value(passkey.credential.clone()).ok()
}

/// CREDENTIAL_REQUEST_OPTIONS in the form browsers' PublicKeyCredentialRequestOptionsJSON takes.
fn request_options(challenge: &str, rp_id: &str, allow: Vec<Value>, user_verification: &str) -> String {
    json!({
        "challenge": challenge,
        "timeout": CEREMONY_TIMEOUT_MS,
        "rpId": rp_id,
        "allowCredentials": allow,
        "userVerification": user_verification,
    })
    .to_string()
}

/// The WEB_AUTHN challenge: a fresh random challenge bound to the session, and
/// the user's passkeys as allowCredentials. A decoy lists one made-up credential,
/// the same for the same name, so that it looks like a user's.
pub fn assertion_challenge(ctx: &mut Ctx, mut session: Session) -> Result<Value> {
    let pool = pool(ctx.state, &session.progress.pool_id)?;
    let (rp_id, user_verification) = relying_party(pool);
    let rp_id = rp_id.unwrap_or_default();
    let options = if session.decoy {
        let id = Sha256::digest(format!("passkey\u{0}{}\u{0}{}", pool.id, session.progress.username.to_lowercase()));
        let challenge = b64url(&crate::random::bytes::<32>());
        let allow = vec![json!({"type": "public-key", "id": b64url(&id[..16]), "transports": ["internal", "hybrid"]})];
        request_options(&challenge, &rp_id, allow, &user_verification)
    } else {
        let user = pool.users.get(&session.progress.username).ok_or_else(invalid_session)?;
        let credentials: Vec<Credential> = user.passkeys.iter().filter_map(stored).collect();
        let core = verifier(&rp_id);
        let builder = core
            .new_challenge_authenticate_builder(credentials, Some(policy(&user_verification)))
            .map_err(|_| invalid_session())?;
        let (options, state) = core.generate_challenge_authenticate(builder).map_err(|_| invalid_session())?;
        let public_key = serde_json::to_value(&options.public_key).expect("options serialise");
        let allow: Vec<Value> = public_key["allowCredentials"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| json!({"type": "public-key", "id": c["id"], "transports": c["transports"].as_array().cloned().unwrap_or_default()}))
            .collect();
        session.web_authn_state = Some(serde_json::to_value(&state).expect("state serialises"));
        request_options(public_key["challenge"].as_str().unwrap_or_default(), &rp_id, allow, &user_verification)
    };
    let username = pool
        .users
        .get(&session.progress.username)
        .map_or_else(|| session.progress.username.clone(), |user| user.username.clone());
    let parameters = Map::from_iter([
        ("USERNAME".to_owned(), json!(username)),
        ("CREDENTIAL_REQUEST_OPTIONS".to_owned(), json!(options)),
    ]);
    issue_session(ctx, session, parameters)
}

/// WEB_AUTHN answered: CREDENTIAL, the AuthenticationResponseJSON. On success the
/// credential's counter (and backup state) is kept for the next check.
pub fn check_assertion(
    ctx: &mut Ctx,
    session: &Session,
    responses: &std::collections::HashMap<String, String>,
) -> Result<()> {
    let credential = responses.get("CREDENTIAL").ok_or_else(|| missing("CREDENTIAL"))?;
    let response: PublicKeyCredential = serde_json::from_str(credential).map_err(|_| assertion_refused())?;
    let state = session.web_authn_state.clone().ok_or_else(invalid_session)?;
    let mut state: AuthenticationState = serde_json::from_value(state).map_err(|_| invalid_session())?;
    let pool = pool_mut(ctx.state, &session.progress.pool_id)?;
    let rp_id = pool.mfa.web_authn_relying_party_id.clone().unwrap_or_default();
    let user = pool.users.get_mut(&session.progress.username).ok_or_else(invalid_session)?;
    // The user's passkeys as they are now: one deleted since the challenge no longer
    // signs in, and the counters are the latest.
    state.set_allowed_credentials(user.passkeys.iter().filter_map(stored).collect());
    let result = verifier(&rp_id).authenticate_credential(&response, &state).map_err(|_| assertion_refused())?;
    let passkey = user
        .passkeys
        .iter_mut()
        .find(|p| p.credential_id == b64url(result.cred_id().as_ref()))
        .ok_or_else(assertion_refused)?;
    let mut credential = stored(passkey).ok_or_else(assertion_refused)?;
    if result.needs_update() {
        credential.counter = result.counter();
        credential.backup_state = result.backup_state();
        credential.backup_eligible = result.backup_eligible();
        passkey.credential = serde_json::to_value(&credential).expect("a credential serialises");
    }
    Ok(())
}

/// Cognito keeps at most 20 passkeys a user (quotas: "passkeys per user"; an assumption here).
const MAX_PASSKEYS: usize = 20;

/// StartWebAuthnRegistration: the options for navigator.credentials.create(), shaped
/// as Cognito's CredentialCreationOptions (rp, user, challenge, pubKeyCredParams,
/// timeout, excludeCredentials, authenticatorSelection requiring a resident key).
pub fn start_registration(ctx: &mut Ctx, pool_id: &str, client_id: &str, key: &str) -> Result<Value> {
    let now = ctx.now;
    let pool = pool_mut(ctx.state, pool_id)?;
    let (rp_id, user_verification) = relying_party(pool);
    let allowed = pool.first_factors();
    if !allowed.iter().any(|factor| factor == "WEB_AUTHN") {
        return Err(error::CognitoError::new(
            "WebAuthnNotEnabledException",
            "Passkeys are not enabled for this user pool: allow WEB_AUTHN as a first factor.",
        ));
    }
    let rp_id = rp_id.ok_or_else(|| {
        error::CognitoError::new(
            "WebAuthnConfigurationMissingException",
            "The user pool has no WebAuthn relying party ID: set WebAuthnConfiguration.RelyingPartyId.",
        )
    })?;
    let user = pool.users.get_mut(key).ok_or_else(crate::lookups::user_not_found)?;
    if user.passkeys.len() >= MAX_PASSKEYS {
        return Err(error::limit_exceeded("The user has the most passkeys a user may have."));
    }
    let exclude: Vec<_> = user.passkeys.iter().filter_map(stored).map(|c| c.cred_id).collect();
    let core = verifier(&rp_id);
    let display = user.attributes.get("email").cloned().unwrap_or_else(|| user.username.clone());
    let builder = core
        .new_challenge_register_builder(user.sub.as_bytes(), &user.username, &display)
        .map_err(|e| error::invalid_parameter(format!("{e:?}")))?
        .user_verification_policy(policy(&user_verification))
        .require_resident_key(true)
        .exclude_credentials(Some(exclude))
        .credential_algorithms(vec![COSEAlgorithm::ES256, COSEAlgorithm::RS256]);
    let (options, state) =
        core.generate_challenge_register(builder).map_err(|e| error::internal_error(format!("{e:?}")))?;
    let public_key = serde_json::to_value(&options.public_key).expect("options serialise");
    let exclude: Vec<Value> = public_key["excludeCredentials"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"type": "public-key", "id": c["id"]}))
        .collect();
    user.passkey_registration = Some(PasskeyRegistration {
        state: serde_json::to_value(&state).expect("state serialises"),
        relying_party_id: rp_id.clone(),
        client_id: client_id.to_owned(),
        expires: now + (CEREMONY_TIMEOUT_MS / 1000) as i64,
    });
    Ok(json!({
        "rp": {"id": rp_id, "name": rp_id},
        "user": public_key["user"],
        "challenge": public_key["challenge"],
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}, {"type": "public-key", "alg": -257}],
        "timeout": CEREMONY_TIMEOUT_MS,
        "excludeCredentials": exclude,
        "authenticatorSelection": {"requireResidentKey": true, "residentKey": "required", "userVerification": user_verification},
        "extensions": {"credProps": true},
    }))
}

/// What the verifier's refusal of a registration is as Cognito's exception.
/// The exceptions are CompleteWebAuthnRegistration's; the messages are assumptions.
/// An attestation statement that does not verify, whatever the fault (signature,
/// `alg`, certificate, chain), is one refusal: the passkey's attestation is not
/// supported (W3C WebAuthn §7.1 step 19; §8.2 for `packed`).
fn registration_refusal(refusal: WebauthnError) -> error::CognitoError {
    let (kind, message) = match refusal {
        WebauthnError::InvalidRPOrigin | WebauthnError::CredentialCrossOrigin => {
            ("WebAuthnOriginNotAllowedException", "The passkey's origin is not allowed for the relying party.")
        }
        WebauthnError::InvalidRPIDHash => {
            ("WebAuthnRelyingPartyMismatchException", "The passkey was made for another relying party.")
        }
        WebauthnError::MismatchedChallenge => {
            ("WebAuthnChallengeNotFoundException", "The passkey does not answer the registration's challenge.")
        }
        WebauthnError::CredentialAlteredAlgFromRequest
        | WebauthnError::CredentialInsecureCryptography
        | WebauthnError::COSEKeyInvalidType
        | WebauthnError::COSEKeyInvalidCBORValue
        | WebauthnError::COSEKeyInvalidAlgorithm
        | WebauthnError::AttestationNotSupported
        | WebauthnError::AttestationStatementMapInvalid
        | WebauthnError::AttestationStatementResponseMissing
        | WebauthnError::AttestationStatementResponseInvalid
        | WebauthnError::AttestationStatementSigMissing
        | WebauthnError::AttestationStatementSigInvalid
        | WebauthnError::AttestationStatementVerMissing
        | WebauthnError::AttestationStatementVerInvalid
        | WebauthnError::AttestationStatementVerUnsupported
        | WebauthnError::AttestationStatementX5CMissing
        | WebauthnError::AttestationStatementX5CInvalid
        | WebauthnError::AttestationStatementAlgMissing
        | WebauthnError::AttestationStatementCertInfoMissing
        | WebauthnError::AttestationStatementMissingExtension
        | WebauthnError::AttestationStatementPubAreaMissing
        | WebauthnError::AttestationStatementAlgMismatch
        | WebauthnError::AttestationStatementAlgInvalid
        | WebauthnError::AttestationTrustFailure
        | WebauthnError::AttestationCertificateAAGUIDMismatch
        | WebauthnError::AttestationCertificateNonceMismatch
        | WebauthnError::AttestationCertificateRequirementsNotMet
        | WebauthnError::AttestationCredentialSubjectKeyMismatch
        | WebauthnError::AttestationLeafCertMissing
        | WebauthnError::AttestationNotVerifiable => {
            ("WebAuthnCredentialNotSupportedException", "The passkey's credential or attestation is not supported.")
        }
        _ => ("InvalidParameterException", "The passkey's registration response is not valid."),
    };
    error::CognitoError::new(kind, message)
}

/// CompleteWebAuthnRegistration: the RegistrationResponseJSON checked against the
/// registration started (once), and the passkey kept.
pub fn complete_registration(
    ctx: &mut Ctx,
    pool_id: &str,
    client_id: &str,
    key: &str,
    credential: &Value,
) -> Result<Value> {
    let now = ctx.now;
    let pool = pool_mut(ctx.state, pool_id)?;
    let user: &mut User = pool.users.get_mut(key).ok_or_else(crate::lookups::user_not_found)?;
    let not_found =
        || error::CognitoError::new("WebAuthnChallengeNotFoundException", "No passkey registration is in progress.");
    // Used once: a second answer, or one after it lapsed, finds no registration.
    let registration = user.passkey_registration.take().filter(|r| r.expires > now).ok_or_else(not_found)?;
    if registration.client_id != client_id {
        return Err(error::CognitoError::new(
            "WebAuthnClientMismatchException",
            "The passkey registration was started through another app client.",
        ));
    }
    let response: RegisterPublicKeyCredential = serde_json::from_value(credential.clone())
        .map_err(|_| error::invalid_parameter("The Credential is not a RegistrationResponseJSON."))?;
    let state: RegistrationState = serde_json::from_value(registration.state).map_err(|_| not_found())?;
    let verified = verifier(&registration.relying_party_id)
        .register_credential(&response, &state, None)
        .map_err(registration_refusal)?;
    let credential_id = b64url(verified.cred_id.as_ref());
    if user.passkeys.iter().any(|p| p.credential_id == credential_id) {
        return Err(error::invalid_parameter("The passkey is already registered."));
    }
    let transports = credential["response"]["transports"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    user.passkeys.push(Passkey {
        credential_id,
        relying_party_id: registration.relying_party_id,
        friendly_name: None,
        authenticator_attachment: credential["authenticatorAttachment"].as_str().map(str::to_owned),
        transports,
        created: now,
        credential: serde_json::to_value(&verified).expect("a credential serialises"),
    });
    Ok(json!({}))
}

/// A passkey as ListWebAuthnCredentials describes it (WebAuthnCredentialDescription).
pub fn describe(passkey: &Passkey) -> Value {
    let mut described = json!({
        "CredentialId": passkey.credential_id,
        // Cognito names a passkey after its authenticator's AAGUID; unknown ones get this (an assumption).
        "FriendlyCredentialName": passkey.friendly_name.clone().unwrap_or_else(|| "Passkey".to_owned()),
        "RelyingPartyId": passkey.relying_party_id,
        "AuthenticatorTransports": passkey.transports,
        "CreatedAt": passkey.created,
    });
    if let Some(attachment) = &passkey.authenticator_attachment {
        described["AuthenticatorAttachment"] = json!(attachment);
    }
    described
}
