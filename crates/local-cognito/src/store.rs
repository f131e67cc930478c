//! `--state FILE`: the whole state, the signing keys and the clock, as JSON,
//! so that accounts and issued tokens survive a restart of `make dev`.
//!
//! Crash-safe: every change an operation made is on disk before its answer
//! leaves, and the file is always whole. A snapshot is written beside the file,
//! flushed (fsync), renamed over it, and the directory flushed too, so a
//! `kill -9` or a power cut at any moment leaves either the old file or the new
//! one. Only a snapshot that differs from the last one is written: reads (the
//! console polls every few seconds) write nothing.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

/// The state file, and what was last written to it.
pub struct Store {
    path: PathBuf,
    /// The last snapshot taken; taken under the state lock, so in the order of the changes.
    taken: Mutex<Taken>,
    /// The generation on disk; held while a snapshot is written, so writes never interleave.
    written: Mutex<u64>,
    /// A write failed: the next snapshot is written even if nothing changed since.
    failed: AtomicBool,
}

#[derive(Default)]
struct Taken {
    generation: u64,
    bytes: Option<Arc<Vec<u8>>>,
}

/// A snapshot to write, taken under the state lock and written after it is released.
pub struct Snapshot {
    generation: u64,
    bytes: Arc<Vec<u8>>,
}

impl Store {
    pub fn new(path: PathBuf) -> Self {
        Self { path, taken: Mutex::default(), written: Mutex::new(0), failed: AtomicBool::new(false) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The state as it is now, unless it is what was last taken. Call it with the
    /// state locked, so that snapshots are taken in the order of the changes.
    pub fn snapshot(&self, state: &State, env: &Env) -> io::Result<Option<Snapshot>> {
        let saving = Saving { state, keys: env.keys.store(), clock_offset: env.clock.offset() };
        let bytes = serde_json::to_vec(&saving)?;
        let mut taken = self.taken.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let failed = self.failed.swap(false, Ordering::Relaxed);
        if !failed && taken.bytes.as_deref() == Some(&bytes) {
            return Ok(None);
        }
        taken.generation += 1;
        let bytes = Arc::new(bytes);
        taken.bytes = Some(bytes.clone());
        Ok(Some(Snapshot { generation: taken.generation, bytes }))
    }

    /// Writes `snapshot` unless a later one is already on disk (it holds this one's
    /// changes too). When this returns Ok, the snapshot's changes survive a crash.
    pub fn write(&self, snapshot: Snapshot) -> io::Result<()> {
        let mut written = self.written.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *written >= snapshot.generation {
            return Ok(());
        }
        let outcome = replace(&self.path, &snapshot.bytes);
        match &outcome {
            Ok(()) => *written = snapshot.generation,
            Err(_) => self.failed.store(true, Ordering::Relaxed),
        }
        outcome
    }
}

/// Writes beside the file, flushes, renames over it, and flushes the directory:
/// a crash at any moment leaves the old file or the new one, never half of one.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = path.with_extension("saving");
    let mut file = OpenOptions::new().write(true).create(true).truncate(true).open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, path)?;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(directory)?.sync_all()
}
