//! Only the console's own page may use its actions. They act on the pool with
//! the caller key, so another site must not reach them through the developer's
//! browser: not by a form or a simple `fetch` (they need a custom header, which
//! no cross-origin request carries without a CORS preflight, and these routes
//! answer none), not by a cross-site `fetch` in a browser that says so
//! (`Sec-Fetch-Site`, `Origin`), and not by DNS rebinding (a name of the
//! attacker's that resolves to 127.0.0.1 is same-origin with itself, so the
//! `Host` must be a loopback name).

use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::loopback::is_loopback;
use crate::problem::problem;

/// The header the page sends with every action: `x-local-console: 1`.
pub const CONSOLE_HEADER: &str = "x-local-console";

pub async fn same_origin_only(request: Request, next: Next) -> Response {
    match refusal(request.headers()) {
        Some(detail) => problem(StatusCode::FORBIDDEN, detail),
        None => next.run(request).await,
    }
}

fn refusal(headers: &HeaderMap) -> Option<&'static str> {
    let text = |name| headers.get(name).map(|value| value.to_str().unwrap_or("\u{0}"));
    if text(CONSOLE_HEADER) != Some("1") {
        return Some("only the local console's page may call this (it sends x-local-console: 1)");
    }
    if text("sec-fetch-site").is_some_and(|site| site != "same-origin") {
        return Some("only the local console's own page may call this, not a page of another origin");
    }
    let host = text(header::HOST.as_str()).unwrap_or_default();
    if !is_loopback(host) {
        return Some("the local console answers only at localhost, 127.0.0.1 or [::1]");
    }
    if text(header::ORIGIN.as_str()).is_some_and(|origin| origin != format!("http://{host}")) {
        return Some("only the local console's own page may call this, not a page of another origin");
    }
    None
}
