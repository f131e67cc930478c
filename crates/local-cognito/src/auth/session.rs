//! A sign-in's sessions: one per challenge, opaque, expiring, used once.

use serde_json::{json, Map, Value};

use crate::ctx::Ctx;
use crate::error::{self, Result};
use crate::lookups::pool;
use crate::model::{Challenge, Progress, Session};
use crate::random;
use crate::tokens::Lifetimes;

pub fn invalid_session() -> error::CognitoError {
    error::not_authorized("Invalid session for the user.")
}

/// Stores a session for `challenge` and answers it.
pub fn challenge(
    ctx: &mut Ctx,
    progress: Progress,
    challenge: Challenge,
    parameters: Map<String, Value>,
) -> Result<Value> {
    issue_session(ctx, Session::new(progress, challenge), parameters)
}

pub fn issue_session(ctx: &mut Ctx, mut session: Session, parameters: Map<String, Value>) -> Result<Value> {
    let pool = pool(ctx.state, &session.progress.pool_id)?;
    let lifetime = Lifetimes::of(&pool.client(&session.progress.client_id)?.settings).session;
    session.expires = ctx.now + lifetime;
    let name = session.challenge.name();
    let id = new_session_id();
    ctx.state.sessions.insert(id.clone(), session);
    Ok(json!({"ChallengeName": name, "Session": id, "ChallengeParameters": parameters}))
}

/// Finds the session and checks it belongs to this pool, client, user and challenge.
pub fn take_session(
    ctx: &mut Ctx,
    pool_id: &str,
    client_id: &str,
    id: &str,
    challenge: Option<&str>,
) -> Result<Session> {
    let session = ctx.state.sessions.get(id).cloned().ok_or_else(|| unknown_session(ctx, id))?;
    if session.expires <= ctx.now {
        ctx.state.sessions.remove(id);
        return Err(error::not_authorized("Invalid session for the user, session is expired."));
    }
    if session.progress.pool_id != pool_id
        || session.progress.client_id != client_id
        || challenge.is_some_and(|name| name != session.challenge.name())
    {
        return Err(invalid_session());
    }
    Ok(session)
}

/// A session that is not (or no longer) open: Cognito tells one answered before.
pub fn unknown_session(ctx: &Ctx, id: &str) -> error::CognitoError {
    match ctx.state.spent_sessions.get(id) {
        Some(expires) if *expires > ctx.now => {
            error::not_authorized("Invalid session for the user, session can only be used once.")
        }
        _ => invalid_session(),
    }
}

/// Ends a session that was answered, remembering it until it would have expired.
pub fn spend_session(ctx: &mut Ctx, id: &str) {
    if let Some(session) = ctx.state.sessions.remove(id) {
        let now = ctx.now;
        ctx.state.spent_sessions.retain(|_, expires| *expires > now);
        ctx.state.spent_sessions.insert(id.to_owned(), session.expires);
    }
}

/// Opaque, long and random, as Cognito's are.
pub fn new_session_id() -> String {
    random::token(192)
}
