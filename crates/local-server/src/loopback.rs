//! The local server answers only at a loopback name. It serves the whole API, the
//! outbox (codes, temporary passwords) and the console at a port a developer's
//! browser can reach: a page of another site whose name the attacker rebinds to
//! 127.0.0.1 would be same-origin with itself and read the outbox, so such a `Host`
//! is refused (DNS rebinding). curl, the SDKs and the local Cognito's trigger calls
//! name the loopback host they dialled.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::problem::problem;

pub async fn loopback_only(request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    if !is_loopback(host) {
        return problem(StatusCode::FORBIDDEN, "the local server answers only at localhost, 127.0.0.1 or [::1]");
    }
    next.run(request).await
}

/// `localhost`, `127.0.0.1` or `[::1]`, with or without a port.
pub fn is_loopback(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    matches!(name, "localhost" | "127.0.0.1" | "::1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_and_without_a_port() {
        for host in ["localhost", "localhost:3000", "127.0.0.1:3000", "[::1]:3000", "[::1]"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["", "evil.example:3000", "localhost.evil.example", "127.0.0.2:3000", "[::2]:3000"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
