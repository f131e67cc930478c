//! WEB_AUTHN, a passkey as the first factor: the challenge's
//! CREDENTIAL_REQUEST_OPTIONS (PublicKeyCredentialRequestOptionsJSON, as a
//! string) and the check of the assertion the answer's CREDENTIAL carries.

use base64::Engine;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::session::{invalid_session, issue_session};
use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::pool;
use crate::model::{Pool, Session};
use crate::random;

/// How long a passkey ceremony's options are good for, in milliseconds (the
/// session's 3 minutes by default).
pub const CEREMONY_TIMEOUT_MS: i64 = 180_000;

pub fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The pool's relying party and user verification (`preferred` by default).
pub fn relying_party(pool: &Pool) -> (Option<String>, String) {
    (
        pool.mfa.web_authn_relying_party_id.clone(),
        pool.mfa.web_authn_user_verification.clone().unwrap_or_else(|| "preferred".to_owned()),
    )
}

/// Cognito's refusal of an assertion that does not verify. Undocumented wording:
/// an assumption, with the sign-in's NotAuthorizedException.
pub fn assertion_refused() -> error::CognitoError {
    error::not_authorized("Incorrect username or password.")
}

/// The WEB_AUTHN challenge: a fresh random challenge bound to the session, and
/// the user's passkeys as allowCredentials. A decoy lists one made-up credential,
/// the same for the same name, so that it looks like a user's.
pub fn assertion_challenge(ctx: &mut Ctx, mut session: Session) -> Result<Value> {
    let pool = pool(ctx.state, &session.progress.pool_id)?;
    let (rp_id, user_verification) = relying_party(pool);
    let allow: Vec<Value> = if session.decoy {
        let id = Sha256::digest(format!("passkey\u{0}{}\u{0}{}", pool.id, session.progress.username.to_lowercase()));
        vec![json!({"type": "public-key", "id": b64url(&id[..16]), "transports": ["internal", "hybrid"]})]
    } else {
        let user = pool.users.get(&session.progress.username).ok_or_else(invalid_session)?;
        user.passkeys
            .iter()
            .map(|passkey| json!({"type": "public-key", "id": passkey.credential_id, "transports": passkey.transports}))
            .collect()
    };
    let username = pool
        .users
        .get(&session.progress.username)
        .map_or_else(|| session.progress.username.clone(), |user| user.username.clone());
    let challenge = b64url(&random::bytes::<32>());
    let mut options = json!({
        "challenge": challenge,
        "timeout": CEREMONY_TIMEOUT_MS,
        "allowCredentials": allow,
        "userVerification": user_verification,
    });
    if let Some(rp_id) = rp_id {
        options["rpId"] = json!(rp_id);
    }
    session.web_authn_challenge = Some(challenge);
    let parameters = Map::from_iter([
        ("USERNAME".to_owned(), json!(username)),
        ("CREDENTIAL_REQUEST_OPTIONS".to_owned(), json!(options.to_string())),
    ]);
    issue_session(ctx, session, parameters)
}

/// WEB_AUTHN answered: CREDENTIAL, the AuthenticationResponseJSON.
pub fn check_assertion(
    ctx: &mut Ctx,
    session: &Session,
    responses: &std::collections::HashMap<String, String>,
) -> Result<()> {
    let _ = (ctx, session);
    responses.get("CREDENTIAL").ok_or_else(|| crate::lookups::missing("CREDENTIAL"))?;
    Err(assertion_refused())
}
