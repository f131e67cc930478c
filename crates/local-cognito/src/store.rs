//! `--state FILE`: the whole state, the signing keys and the clock, as JSON,
//! so that accounts and issued tokens survive a restart of `make dev`.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::ctx::Env;
use crate::keys::{Keys, StoredKeys};
use crate::model::State;

#[derive(Serialize)]
struct Saving<'a> {
    state: &'a State,
    keys: StoredKeys,
    clock_offset: i64,
}

#[derive(Deserialize)]
struct Saved {
    state: State,
    keys: StoredKeys,
    clock_offset: i64,
}

pub fn load(path: &Path, clock: &Clock) -> io::Result<(State, Keys)> {
    let invalid = |reason: String| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {reason}", path.display()));
    let saved: Saved = serde_json::from_slice(&std::fs::read(path)?).map_err(|e| invalid(e.to_string()))?;
    let keys = Keys::restore(&saved.keys).ok_or_else(|| invalid("the signing keys are unreadable".into()))?;
    clock.set_offset(saved.clock_offset);
    Ok((saved.state, keys))
}

/// Writes beside the file, then renames: a crash never leaves half a file.
pub fn save(path: &Path, state: &State, env: &Env) -> io::Result<()> {
    let saving = Saving { state, keys: env.keys.store(), clock_offset: env.clock.offset() };
    let temporary = path.with_extension("saving");
    std::fs::write(&temporary, serde_json::to_vec(&saving)?)?;
    std::fs::rename(temporary, path)
}
