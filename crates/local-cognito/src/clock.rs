//! The one clock every expiry reads. Tests move it forward with
//! `POST /_local/clock`; it never moves backwards. A frozen clock stands
//! still but for those moves, so that a test's assertions about time do not
//! depend on when the wall clock ticks.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Clone, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
    /// The wall time the clock was frozen at; 0 when it runs.
    frozen_at: Arc<AtomicI64>,
}

fn wall() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Clock {
    /// A clock that stands still at the current time until moved.
    pub fn frozen() -> Self {
        let clock = Self::default();
        clock.frozen_at.store(wall(), Ordering::Relaxed);
        clock
    }

    /// Seconds since the Unix epoch, as the emulator sees them.
    pub fn now(&self) -> i64 {
        let base = match self.frozen_at.load(Ordering::Relaxed) {
            0 => wall(),
            frozen => frozen,
        };
        base + self.offset()
    }

    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }

    pub fn is_frozen(&self) -> bool {
        self.frozen_at.load(Ordering::Relaxed) != 0
    }

    pub fn set_offset(&self, seconds: i64) {
        self.offset_seconds.store(seconds, Ordering::Relaxed);
    }

    pub fn advance(&self, seconds: u32) -> i64 {
        self.offset_seconds.fetch_add(i64::from(seconds), Ordering::Relaxed) + i64::from(seconds)
    }
}
