//! Logging: JSON lines in Lambda (CloudWatch parses them), readable text locally.
//! Request bodies are never logged; see `middleware` for the one line per request.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

impl LogFormat {
    /// JSON inside Lambda, text elsewhere.
    pub fn detect() -> Self {
        if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
            LogFormat::Json
        } else {
            LogFormat::Text
        }
    }
}

/// Dependencies whose debug and trace output can hold raw events, headers or
/// bodies (the Lambda runtime logs whole events, the SDK whole requests):
/// clamped to warn whatever LOG_LEVEL says.
const CLAMPED: &[&str] = &[
    "lambda_runtime",
    "lambda_runtime_api_client",
    "lambda_http",
    "aws_lambda_events",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sdk_cognitoidentityprovider",
    "aws_sdk_secretsmanager",
    "aws_sigv4",
    "aws_config",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
    "reqwest",
    "tower",
    "tower_http",
];

/// The filter: the API at `level`, the clamped dependencies at warn, and the audit
/// trail (audit.rs) at info whatever `level` says: LOG_LEVEL=warn must not silence it.
pub fn filter(level: &str) -> EnvFilter {
    let clamped: String = CLAMPED.iter().map(|target| format!(",{target}=warn")).collect();
    let audit = format!(",{}=info", crate::audit::TARGET);
    EnvFilter::try_new(format!("{level}{clamped}{audit}"))
        .unwrap_or_else(|_| EnvFilter::new(format!("info{clamped}{audit}")))
}

pub fn init(level: &str, format: LogFormat) {
    init_with_writer(level, format, std::io::stdout)
}

pub fn init_with_writer<W>(level: &str, format: LogFormat, writer: W)
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt().with_env_filter(filter(level)).with_writer(writer).with_target(false);
    // A second init (tests, local server restarts in-process) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    #[test]
    fn no_level_lets_the_runtime_or_the_sdk_log_an_event() {
        // GIVEN the most verbose level
        let captured = Captured::default();
        let subscriber =
            tracing_subscriber::fmt().with_env_filter(super::filter("trace")).with_writer(captured.clone()).finish();
        tracing::subscriber::with_default(subscriber, || {
            // WHEN the runtime and the SDK log what they log at debug and trace
            tracing::trace!(target: "lambda_runtime", "event: Authorization: Bearer secret-token");
            tracing::debug!(target: "aws_smithy_runtime::client", "body: {{\"PASSWORD\": \"hunter2\"}}");
            tracing::trace!(target: "auth_api::handlers", "the API's own trace");
        });
        // THEN only the API's own line is written
        let written = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(!written.contains("secret-token") && !written.contains("hunter2"), "{written}");
        assert!(written.contains("the API's own trace"), "{written}");
    }

    #[test]
    fn audit_lines_are_written_at_any_level_as_top_level_json_fields() {
        // GIVEN the quietest level, in JSON as in Lambda
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(super::filter("error"))
            .with_writer(captured.clone())
            .with_target(false)
            .json()
            .flatten_event(true)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            // WHEN an audit line and an ordinary info line are logged
            let audit = crate::audit::Audit::default();
            audit.actor("pat").write(crate::audit::Event::AccountDeleted, crate::audit::Outcome::Success);
            tracing::info!("an ordinary line");
        });
        // THEN the audit line alone is written, its fields at the top
        let written = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = written.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 1, "{written}");
        assert_eq!(lines[0]["event"], "account.deleted");
        assert_eq!(lines[0]["outcome"], "success");
        assert_eq!(lines[0]["actor"], "pat");
        assert_eq!(lines[0]["message"], "audit");
        assert!(lines[0].get("reason").is_none() && lines[0].get("target").is_none(), "{written}");
    }
}
