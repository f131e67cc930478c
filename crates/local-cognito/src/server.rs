//! The emulator over HTTP: Cognito's API, each pool's JWKS and OpenID
//! configuration, and the local controls; served on a loopback port.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use crate::emulator::{Emulator, Options};
use crate::error::{self, CONTENT_TYPE};
use crate::wire::{Operation, TARGET_PREFIX};
use crate::{browsers, fault_injection, local, ops, ses, web_acl};

impl Emulator {
    /// Cognito's API on `POST /`, each pool's JWKS and OpenID configuration,
    /// and the local controls under `/_local/`.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", post(dispatch))
            .route("/v2/email/outbound-emails", post(ses::send_email))
            .route("/{pool_id}/.well-known/jwks.json", get(local::jwks))
            .route("/{pool_id}/.well-known/openid-configuration", get(local::openid_configuration))
            .merge(local::routes())
            .with_state(self.clone())
            .layer(axum::middleware::from_fn_with_state(self.allowed_hosts(), browsers::guard))
    }
}

/// One call of Cognito's API: the operation the target names, on the JSON body,
/// unless a fault armed at `/_local/faults` strikes it.
pub async fn dispatch(State(emulator): State<Emulator>, headers: HeaderMap, body: Bytes) -> Response {
    let target = headers.get("x-amz-target").and_then(|value| value.to_str().ok()).unwrap_or_default();
    let Some(name) = target.strip_prefix(TARGET_PREFIX) else {
        return error::unknown_operation(format!("Unknown target: {target}")).into_response();
    };
    let Some(operation) = ops::find(name) else {
        return error::unknown_operation(format!("The local Cognito does not implement {name}")).into_response();
    };
    let input: Value = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice(&body) {
            Ok(input) => input,
            Err(_) => return error::serialization("The request body is not valid JSON").into_response(),
        }
    };
    if let Some(blocked) = emulator.with_state(|ctx| web_acl::refusal(ctx, name, &input, &headers)) {
        return blocked.into_response();
    }
    let Some(strike) = fault_injection::strike(&emulator, name, &input) else {
        return answer(emulator, name.to_owned(), input, operation).await;
    };
    fault_injection::strike_call(strike, answer(emulator, name.to_owned(), input, operation)).await
}

/// The operation's answer, as Cognito gives it.
async fn answer(emulator: Emulator, name: String, input: Value, operation: Operation) -> Response {
    match emulator.run(&name, input, operation).await {
        Ok(output) => {
            let mut response = output.to_string().into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
            response
        }
        Err(error) => error.into_response(),
    }
}

/// An operation's input, with Cognito's message for a missing or mistyped member.
/// An emulator serving on a loopback port until dropped.
pub struct Running {
    pub url: String,
    pub emulator: Emulator,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Starts an emulator on a thread and runtime of its own, so that it outlives
/// any one caller's runtime (one test's, say), and answers its URL.
pub fn spawn_on_own_thread(options: Options) -> std::io::Result<String> {
    let (started, url) = std::sync::mpsc::channel();
    std::thread::Builder::new().name("local-cognito".into()).spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => runtime,
            Err(error) => return drop(started.send(Err(error))),
        };
        runtime.block_on(async move {
            match start(options).await {
                Ok(running) => {
                    let _ = started.send(Ok(running.url.clone()));
                    std::future::pending::<()>().await;
                }
                Err(error) => drop(started.send(Err(error))),
            }
        });
    })?;
    url.recv().map_err(|_| std::io::Error::other("the local Cognito thread stopped"))?
}

/// Starts an emulator on the current Tokio runtime.
pub async fn start(options: Options) -> std::io::Result<Running> {
    let address = options.address.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let listener = tokio::net::TcpListener::bind(address).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let emulator = Emulator::new(url.clone(), &options)?;
    let router = emulator.router();
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    Ok(Running { url, emulator, shutdown: Some(shutdown) })
}
