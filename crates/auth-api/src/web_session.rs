//! Cookie sessions for browsers (docs/web.md). A request opts in with
//! `X-Auth-Mode: cookie`; then the refresh token and a remembered device's
//! handle travel in HttpOnly cookies that page scripts cannot read, and the
//! body carries only the short-lived access and ID tokens. Without the header
//! nothing changes (token mode, for mobile and server clients).
//!
//! CSRF: cookies are read only from a request that carries the header (a
//! custom header: another origin's page must pass a CORS preflight to send it)
//! and whose Origin, when it has one, is an allowed CORS origin.

use axum::extract::FromRequestParts;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, ORIGIN, SET_COOKIE};
use http::request::Parts;
use http::{HeaderName, HeaderValue};

use crate::auth_result::AuthResponse;
use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub static AUTH_MODE: HeaderName = HeaderName::from_static("x-auth-mode");

/// `__Secure-`: browsers take the cookie only with Secure, over HTTPS (or
/// localhost). Not `__Host-`, which demands Path=/ and so would send the
/// refresh token to every route (docs/web.md weighs the two).
pub const REFRESH_COOKIE: &str = "__Secure-auth-refresh";
pub const DEVICE_COOKIE: &str = "__Secure-auth-device";
/// Only the routes that read a cookie get it: one cookie per path.
pub const REFRESH_PATHS: [&str; 2] = ["/auth/refresh", "/auth/logout"];
pub const DEVICE_PATHS: [&str; 2] = ["/auth/login", "/auth/refresh"];
/// A remembered device outlives any one session, so that the next sign-in skips
/// MFA; 400 days is the longest a browser keeps a cookie (Chrome's cap).
const DEVICE_COOKIE_DAYS: i64 = 400;

/// How a request wants its session: tokens in the body (the default), or cookies.
pub enum AuthMode {
    Token,
    /// The cookies the request carried.
    Cookie(Vec<Cookie<'static>>),
}

impl FromRequestParts<AppState> for AuthMode {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Some(mode) = parts.headers.get(&AUTH_MODE) else { return Ok(AuthMode::Token) };
        if mode.as_bytes() != b"cookie" {
            return Err(ApiError::validation("X-Auth-Mode", "X-Auth-Mode takes one value: `cookie`"));
        }
        // A page of another origin can send the header only after a preflight its origin
        // passes; this refuses it even where the preflight was skipped or answered by others.
        // No Origin: a same-origin GET/HEAD, or a client that is not a browser (no CSRF victim).
        if let Some(origin) = parts.headers.get(ORIGIN) {
            let allowed = &state.config().cors_allowed_origins;
            if !allowed.iter().any(|listed| listed.as_bytes() == origin.as_bytes()) {
                return Err(ApiError::new(
                    ErrorCode::OriginNotAllowed,
                    "cookie sessions are open only to the API's allowed origins (CORS_ALLOWED_ORIGINS)",
                ));
            }
        }
        let cookies = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .map(Cookie::into_owned)
            .collect();
        Ok(AuthMode::Cookie(cookies))
    }
}

impl AuthMode {
    pub fn is_cookie(&self) -> bool {
        matches!(self, AuthMode::Cookie(_))
    }

    /// The value of the one cookie called `name`. Two (one planted by a sibling
    /// subdomain beside ours, say) count as none rather than be guessed between.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        let AuthMode::Cookie(cookies) = self else { return None };
        let mut named = cookies.iter().filter(|cookie| cookie.name() == name);
        let first = named.next();
        if named.next().is_some() {
            tracing::info!(cookie = name, "two cookies of one name: neither is used");
            return None;
        }
        first.map(Cookie::value).filter(|value| !value.is_empty())
    }

    /// Every value of the cookies called `name`, at most `limit`: logout revokes them
    /// all, so that a planted twin cannot keep the user's own token alive.
    pub fn cookies_named(&self, name: &str, limit: usize) -> Vec<&str> {
        let AuthMode::Cookie(cookies) = self else { return Vec::new() };
        cookies.iter().filter(|c| c.name() == name).map(Cookie::value).filter(|v| !v.is_empty()).take(limit).collect()
    }

    /// A sign-in's answer: in cookie mode the refresh token and the device
    /// handle leave the body for cookies.
    pub fn answer(&self, state: &AppState, mut response: AuthResponse) -> Response {
        if !self.is_cookie() {
            return Json(response).into_response();
        }
        let refresh_token = response.tokens.as_mut().and_then(|tokens| tokens.refresh_token.take());
        let device = response.device.take();
        let mut answer = Json(response).into_response();
        if let Some(token) = refresh_token {
            set_refresh_cookies(&mut answer, state, &token);
        }
        if let Some(device) = device {
            let max_age = cookie::time::Duration::days(DEVICE_COOKIE_DAYS);
            for path in DEVICE_PATHS {
                set(&mut answer, session_cookie(DEVICE_COOKIE, &device.device_key, path, max_age));
            }
        }
        answer
    }
}

/// The refresh cookies, living as long as the app client's refresh tokens.
pub fn set_refresh_cookies(response: &mut Response, state: &AppState, token: &str) {
    let seconds = i64::try_from(state.config().refresh_token_validity.as_secs()).unwrap_or(i64::MAX);
    for path in REFRESH_PATHS {
        set(response, session_cookie(REFRESH_COOKIE, token, path, cookie::time::Duration::seconds(seconds)));
    }
}

/// Tells the browser to drop the refresh cookies (Max-Age=0, same name and path).
pub fn clear_refresh_cookies(response: &mut Response) {
    for path in REFRESH_PATHS {
        let mut cookie = session_cookie(REFRESH_COOKIE, "", path, cookie::time::Duration::ZERO);
        cookie.make_removal();
        set(response, cookie);
    }
}

/// Tells the browser to drop the device cookies: the handle names no device.
pub fn clear_device_cookies(response: &mut Response) {
    for path in DEVICE_PATHS {
        let mut cookie = session_cookie(DEVICE_COOKIE, "", path, cookie::time::Duration::ZERO);
        cookie.make_removal();
        set(response, cookie);
    }
}

/// HttpOnly: no script reads it, so an XSS cannot carry it off. Secure: HTTPS
/// only. SameSite=Strict: no other site's page, link or form sends it.
fn session_cookie(
    name: &'static str,
    value: &str,
    path: &'static str,
    max_age: cookie::time::Duration,
) -> Cookie<'static> {
    Cookie::build((name, value.to_owned()))
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .path(path)
        .max_age(max_age)
        .build()
}

fn set(response: &mut Response, cookie: Cookie<'_>) {
    // Refresh tokens (JWE) and device handles (base64url) are cookie-safe.
    match HeaderValue::from_str(&cookie.to_string()) {
        Ok(value) => {
            response.headers_mut().append(SET_COOKIE, value);
        }
        Err(_) => tracing::error!(cookie = cookie.name(), "a cookie value could not be a header"),
    }
}
