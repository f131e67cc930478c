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

/// The filter: the API at `level`, dependencies quieter, since the SDK's debug
/// output would include request bodies.
pub fn filter(level: &str) -> EnvFilter {
    EnvFilter::try_new(format!("{level},aws_smithy_runtime=warn,aws_smithy_runtime_api=warn,aws_config=warn,hyper=warn,hyper_util=warn,rustls=warn,reqwest=warn"))
        .unwrap_or_else(|_| EnvFilter::new("info"))
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
