//! The API's log lines, captured in memory: tests read what a flow logged.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use auth_api::telemetry::{init_with_writer, LogFormat};

#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Everything logged so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).expect("log lines are UTF-8")
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process's one subscriber, JSON at `level`, made on first use (a test process
/// has one subscriber: the first call's level holds).
pub fn captured_logs(level: &str) -> &'static CapturedLogs {
    static LOGS: OnceLock<CapturedLogs> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = CapturedLogs::default();
        let writer = logs.clone();
        init_with_writer(level, LogFormat::Json, move || writer.clone());
        logs
    })
}
