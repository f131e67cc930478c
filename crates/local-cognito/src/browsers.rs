//! Browsers may not drive the emulator from another site. It holds every pool and
//! its controls (`/_local/reset`, the outbox with its codes), and a developer's
//! browser can reach a loopback port: a page of another site by a form or a no-cors
//! `fetch` (refused by its `Origin` or `Sec-Fetch-Site`), and by DNS rebinding (a
//! name of the attacker's that resolves to 127.0.0.1: refused by the `Host`, which
//! must be a loopback name or an IP address, which cannot be rebound). Clients that
//! are not browsers (the SDKs, curl) send neither header and name the host they
//! dialled. Behind another name (a container's), `--allow-host NAME` admits it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error;

/// Host names admitted besides loopback names and IP addresses.
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts(pub Arc<[String]>);

pub async fn guard(State(allowed): State<AllowedHosts>, request: Request, next: Next) -> Response {
    match refusal(request.headers(), &allowed) {
        Some(message) => {
            let mut response = error::forbidden(message).into_response();
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
        None => next.run(request).await,
    }
}

fn refusal(headers: &HeaderMap, allowed: &AllowedHosts) -> Option<&'static str> {
    let text = |name: &str| headers.get(name).map(|value| value.to_str().unwrap_or("\u{0}"));
    let host = text(header::HOST.as_str()).unwrap_or_default();
    if !admitted(name_of(host), allowed) {
        return Some("The local Cognito answers at localhost, 127.0.0.1, [::1] or an IP address (--allow-host NAME admits another name).");
    }
    if text("sec-fetch-site") == Some("cross-site") {
        return Some("The local Cognito does not answer pages of other sites.");
    }
    if let Some(origin) = text(header::ORIGIN.as_str()) {
        let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
        if !admitted(name_of(origin_host), allowed)
            || name_of(origin_host).parse::<std::net::IpAddr>().is_ok_and(|ip| !ip.is_loopback())
        {
            return Some("The local Cognito does not answer pages of other sites.");
        }
    }
    None
}

/// The name of `host[:port]` or `[v6][:port]`.
fn name_of(host: &str) -> &str {
    match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    }
}

fn admitted(name: &str, allowed: &AllowedHosts) -> bool {
    name == "localhost" || name.parse::<std::net::IpAddr>().is_ok() || allowed.0.iter().any(|host| host == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn sdks_and_curl_at_a_loopback_name_or_an_address_pass() {
        let none = AllowedHosts::default();
        for host in ["127.0.0.1:9229", "localhost:9229", "[::1]:9229", "10.0.0.7:9229"] {
            assert_eq!(refusal(&headers(&[("host", host)]), &none), None, "{host}");
        }
    }

    #[test]
    fn a_rebound_name_and_pages_of_other_sites_are_refused() {
        let none = AllowedHosts::default();
        assert!(refusal(&headers(&[("host", "evil.example:9229")]), &none).is_some());
        assert!(refusal(&headers(&[("host", "localhost.evil.example:9229")]), &none).is_some());
        assert!(refusal(&headers(&[("host", "")]), &none).is_some());
        let cross = [("host", "127.0.0.1:9229"), ("origin", "https://evil.example")];
        assert!(refusal(&headers(&cross), &none).is_some());
        assert!(refusal(&headers(&[("host", "127.0.0.1:9229"), ("origin", "null")]), &none).is_some());
        assert!(refusal(&headers(&[("host", "127.0.0.1:9229"), ("origin", "http://203.0.113.9")]), &none).is_some());
        let site = [("host", "127.0.0.1:9229"), ("sec-fetch-site", "cross-site")];
        assert!(refusal(&headers(&site), &none).is_some());
    }

    #[test]
    fn a_local_page_and_an_admitted_name_pass() {
        let local_page =
            [("host", "localhost:9229"), ("origin", "http://localhost:5173"), ("sec-fetch-site", "same-site")];
        assert_eq!(refusal(&headers(&local_page), &AllowedHosts::default()), None);
        let compose = AllowedHosts(Arc::from(vec!["cognito".to_owned()]));
        assert_eq!(refusal(&headers(&[("host", "cognito:9229")]), &compose), None);
    }
}
