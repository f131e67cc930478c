//! A fake of the Lambda Runtime API, enough to run a function's real
//! `bootstrap` binary on this machine: it hands out events from
//! `/runtime/invocation/next` and collects what the function answers.
//! Also the place that builds API Gateway events from the shipped fixtures.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::{json, Value};
use tokio::sync::{oneshot, Notify};

#[derive(Debug)]
pub enum Outcome {
    Response(Value),
    Error(String),
}

#[derive(Default)]
struct Shared {
    queue: Mutex<VecDeque<(String, Value)>>,
    queued: Notify,
    waiting: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    first_poll: Mutex<Option<Instant>>,
    init_error: Mutex<Option<String>>,
}

pub struct FakeRuntimeApi {
    pub address: SocketAddr,
    shared: Arc<Shared>,
}

impl FakeRuntimeApi {
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("runtime API") });
        Self { address, shared }
    }

    /// When the function first asked for an event: the end of its cold start.
    pub fn first_poll(&self) -> Option<Instant> {
        *self.shared.first_poll.lock().unwrap()
    }

    pub async fn wait_for_first_poll(&self, limit: Duration) -> Option<Instant> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(at) = self.first_poll() {
                return Some(at);
            }
            if let Some(error) = self.shared.init_error.lock().unwrap().clone() {
                panic!("the function failed to start: {error}");
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        None
    }

    /// Hands `event` to the function and waits for its answer.
    pub async fn invoke(&self, event: Value) -> Outcome {
        let id = uuid::Uuid::new_v4().to_string();
        let (sender, receiver) = oneshot::channel();
        self.shared.waiting.lock().unwrap().insert(id.clone(), sender);
        self.shared.queue.lock().unwrap().push_back((id, event));
        self.shared.queued.notify_one();
        tokio::time::timeout(Duration::from_secs(30), receiver)
            .await
            .expect("the function answered in time")
            .expect("answer")
    }
}

async fn next(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    shared.first_poll.lock().unwrap().get_or_insert_with(Instant::now);
    loop {
        let notified = shared.queued.notified();
        if let Some((id, event)) = shared.queue.lock().unwrap().pop_front() {
            let deadline =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap() + Duration::from_secs(15);
            let mut headers = HeaderMap::new();
            headers.insert("lambda-runtime-aws-request-id", id.parse().unwrap());
            headers.insert("lambda-runtime-deadline-ms", deadline.as_millis().to_string().parse().unwrap());
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:auth".parse().unwrap(),
            );
            headers.insert("lambda-runtime-trace-id", "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c".parse().unwrap());
            return (StatusCode::OK, headers, event.to_string());
        }
        notified.await;
    }
}

async fn response(State(shared): State<Arc<Shared>>, UrlPath(id): UrlPath<String>, body: String) -> StatusCode {
    finish(&shared, &id, Outcome::Response(serde_json::from_str(&body).unwrap_or(Value::String(body))))
}

async fn error(State(shared): State<Arc<Shared>>, UrlPath(id): UrlPath<String>, body: String) -> StatusCode {
    finish(&shared, &id, Outcome::Error(body))
}

async fn init_error(State(shared): State<Arc<Shared>>, body: String) -> StatusCode {
    *shared.init_error.lock().unwrap() = Some(body);
    StatusCode::ACCEPTED
}

fn finish(shared: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    if let Some(sender) = shared.waiting.lock().unwrap().remove(id) {
        let _ = sender.send(outcome);
    }
    StatusCode::ACCEPTED
}

/// Where the function binaries are: LAMBDA_BINARIES_DIR, else target/debug (the code is
/// the same in every profile; `make bench` measures the release ones).
pub fn function_binary(name: &str) -> PathBuf {
    let dir = std::env::var_os("LAMBDA_BINARIES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug"));
    let binary = dir.join(name);
    assert!(
        binary.is_file(),
        "{} is missing: build the functions with `cargo build --bins` (make test does), \
         or set LAMBDA_BINARIES_DIR",
        binary.display()
    );
    binary
}

/// The environment Lambda gives every function, plus `settings`.
pub fn lambda_environment(runtime: &FakeRuntimeApi, function: &str) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime.address.to_string()),
        ("AWS_LAMBDA_FUNCTION_NAME", function.to_owned()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".to_owned()),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/23/[$LATEST]0123456789abcdef".to_owned()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{function}")),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "local".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "local".to_owned()),
        ("AWS_SESSION_TOKEN", "local".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// Starts the function's binary against `runtime`; it is killed when dropped.
pub fn spawn_function(binary: &Path, environment: &[(String, String)]) -> tokio::process::Child {
    tokio::process::Command::new(binary)
        .env_clear()
        .envs(environment.iter().cloned())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("function started")
}

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture")).expect("fixture JSON")
}

/// A request as a test wants to send it, whatever the payload format.
pub struct GatewayRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Option<Vec<u8>>,
    pub base64: bool,
}

impl GatewayRequest<'_> {
    fn body_field(&self) -> Value {
        match &self.body {
            None => Value::Null,
            Some(bytes) if self.base64 => Value::String(BASE64.encode(bytes)),
            Some(bytes) => Value::String(String::from_utf8(bytes.clone()).expect("a text body; use base64 for bytes")),
        }
    }

    /// REST API proxy event (payload 1.0), deployed at `stage`: headers and
    /// multiValueHeaders both, as API Gateway sends them.
    pub fn rest_v1(&self, stage: &str, request_id: &str) -> Value {
        let mut event = fixture("apigw-rest-v1-request.json");
        let headers: serde_json::Map<String, Value> =
            self.headers.iter().map(|(k, v)| (k.to_string(), Value::from(v.clone()))).collect();
        let multi: serde_json::Map<String, Value> =
            self.headers.iter().map(|(k, v)| (k.to_string(), json!([v]))).collect();
        event["resource"] = json!(self.path);
        event["path"] = json!(self.path);
        event["httpMethod"] = json!(self.method);
        event["headers"] = Value::Object(headers);
        event["multiValueHeaders"] = Value::Object(multi);
        event["queryStringParameters"] = Value::Null;
        event["multiValueQueryStringParameters"] = Value::Null;
        event["pathParameters"] = Value::Null;
        event["body"] = self.body_field();
        event["isBase64Encoded"] = json!(self.base64);
        let context = &mut event["requestContext"];
        context["stage"] = json!(stage);
        context["path"] = json!(format!("/{stage}{}", self.path));
        context["resourcePath"] = json!(self.path);
        context["httpMethod"] = json!(self.method);
        context["requestId"] = json!(request_id);
        event
    }

    /// HTTP API event (payload 2.0) on the $default stage: lower-case headers.
    pub fn http_v2(&self, request_id: &str) -> Value {
        let mut event = fixture("apigw-http-v2-request.json");
        let headers: serde_json::Map<String, Value> =
            self.headers.iter().map(|(k, v)| (k.to_lowercase(), Value::from(v.clone()))).collect();
        event["rawPath"] = json!(self.path);
        event["headers"] = Value::Object(headers);
        event["requestContext"]["http"]["method"] = json!(self.method);
        event["requestContext"]["http"]["path"] = json!(self.path);
        event["requestContext"]["requestId"] = json!(request_id);
        event["body"] = self.body_field();
        event["isBase64Encoded"] = json!(self.base64);
        event
    }
}

/// The status, headers and JSON body of a function's API Gateway answer (either payload format).
pub fn decode_gateway_response(outcome: Outcome) -> (u16, HashMap<String, String>, Value) {
    let Outcome::Response(response) = outcome else { panic!("the function reported an error: {outcome:?}") };
    let status = response["statusCode"].as_u64().expect("statusCode") as u16;
    let mut headers: HashMap<String, String> = response["headers"]
        .as_object()
        .map(|h| h.iter().map(|(k, v)| (k.to_lowercase(), v.as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    if let Some(multi) = response["multiValueHeaders"].as_object() {
        for (k, values) in multi {
            if let Some(first) = values.as_array().and_then(|v| v.first()).and_then(Value::as_str) {
                headers.entry(k.to_lowercase()).or_insert_with(|| first.to_owned());
            }
        }
    }
    let text = match (&response["body"], response["isBase64Encoded"].as_bool().unwrap_or(false)) {
        (Value::String(body), true) => String::from_utf8(BASE64.decode(body).expect("base64")).expect("utf-8"),
        (Value::String(body), false) => body.clone(),
        _ => String::new(),
    };
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, headers, body)
}
