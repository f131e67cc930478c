//! What a fault armed at `/_local/faults` does to the call it strikes, on the
//! wire: Cognito's error instead of the answer, the answer late, or the
//! connection closed without one; before the operation's work, or after it
//! (`afterWork`: Cognito did the work and the answer is lost, late or an error).

use std::future::Future;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::emulator::Emulator;
use crate::error::CONTENT_TYPE;
use crate::faults::{Effect, Strike};
use crate::web_acl;

/// Whether an armed fault strikes this call (the pool found only when a fault is armed).
pub fn strike(emulator: &Emulator, operation: &str, input: &Value) -> Option<Strike> {
    if emulator.faults().is_empty() {
        return None;
    }
    let pool = emulator.with_state(|ctx| web_acl::pool_of(ctx, input));
    emulator.faults().strike(operation, pool.as_deref())
}

/// The struck call's answer. A delayed call's work is done on a task of its own, so
/// that it is done even when the caller has given up waiting, as Cognito's is.
pub async fn strike_call(strike: Strike, work: impl Future<Output = Response> + Send + 'static) -> Response {
    match (strike.effect, strike.after_work) {
        (Effect::Error { error, message, status }, after_work) => {
            if after_work {
                work.await;
            }
            error_response(&error, &message, status)
        }
        (Effect::Drop { .. }, after_work) => {
            if after_work {
                work.await;
            }
            dropped()
        }
        (Effect::Delay { delay_ms }, after_work) => {
            let delay = Duration::from_millis(delay_ms);
            let task = tokio::spawn(async move {
                if after_work {
                    let response = work.await;
                    tokio::time::sleep(delay).await;
                    response
                } else {
                    tokio::time::sleep(delay).await;
                    work.await
                }
            });
            task.await.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// Cognito's error as its JSON protocol carries it: the status, `x-amzn-ErrorType`
/// and `{"__type", "message"}`.
fn error_response(error: &str, message: &str, status: u16) -> Response {
    let body = serde_json::json!({"__type": error, "message": message}).to_string();
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(kind) = HeaderValue::from_str(error) {
        headers.insert("x-amzn-errortype", kind);
    }
    response
}

/// A response whose body fails before its first byte: the server then closes the
/// connection without writing anything, so the caller sees it dropped.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async { Err::<Bytes, _>(std::io::Error::other("fault: dropped")) });
    Response::new(Body::from_stream(failing))
}
