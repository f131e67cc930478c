//! The one clock every expiry reads. Tests move it forward with
//! `POST /_local/clock`; it never moves backwards.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// Seconds since the Unix epoch, as the emulator sees them.
    pub fn now(&self) -> i64 {
        let wall = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
        wall + self.offset()
    }

    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }

    pub fn set_offset(&self, seconds: i64) {
        self.offset_seconds.store(seconds, Ordering::Relaxed);
    }

    pub fn advance(&self, seconds: u32) -> i64 {
        self.offset_seconds.fetch_add(i64::from(seconds), Ordering::Relaxed) + i64::from(seconds)
    }
}
