//! Cookie sessions for browsers (docs/web.md): with `X-Auth-Mode: cookie` the
//! refresh token and the device handle live in HttpOnly cookies, never in a
//! body; refresh and logout take the cookies; a request from an origin that is
//! not allowed, or without the header, gets nothing from them.

use cookie::{Cookie, SameSite};
use integration_tests::*;
use serde_json::{json, Value};

const APP: &str = "https://app.example";
const EVIL: &str = "https://evil.example";
const REFRESH: &str = "__Secure-auth-refresh";
const DEVICE: &str = "__Secure-auth-device";

/// An answer with every Set-Cookie kept (the harness's Answer keeps one value a header).
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

impl Reply {
    fn set_cookies(&self) -> Vec<Cookie<'static>> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|value| Cookie::parse(value.to_str().unwrap().to_owned()).expect("a well-formed Set-Cookie"))
            .collect()
    }

    /// The cookies named `name`, by path.
    fn cookies(&self, name: &str) -> Vec<(String, Cookie<'static>)> {
        let mut named: Vec<_> = self
            .set_cookies()
            .into_iter()
            .filter(|cookie| cookie.name() == name)
            .map(|cookie| (cookie.path().unwrap_or_default().to_owned(), cookie))
            .collect();
        named.sort_by(|a, b| a.0.cmp(&b.0));
        named
    }

    /// The one value the cookies named `name` carry (every path the same).
    fn cookie_value(&self, name: &str) -> String {
        let cookies = self.cookies(name);
        assert!(!cookies.is_empty(), "no {name} cookie: {self:?}");
        let value = cookies[0].1.value().to_owned();
        assert!(cookies.iter().all(|(_, cookie)| cookie.value() == value), "{cookies:?}");
        value
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|value| value.to_str().unwrap())
    }

    #[track_caller]
    fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!((self.status, self.body["code"].as_str()), (status, Some(code)), "{self:?}");
    }
}

/// A browser-like request: the mode header, an Origin, cookies, a bearer, a body.
#[derive(Default, Clone)]
struct Call<'a> {
    cookie_mode: bool,
    origin: Option<&'a str>,
    cookies: Vec<(&'a str, String)>,
    bearer: Option<&'a str>,
    mode_value: Option<&'a str>,
}

impl<'a> Call<'a> {
    fn browser() -> Self {
        Self { cookie_mode: true, origin: Some(APP), ..Default::default() }
    }

    fn cookie(mut self, name: &'a str, value: &str) -> Self {
        self.cookies.push((name, value.to_owned()));
        self
    }

    async fn post(&self, api: &TestApi, path: &str, body: Value) -> Reply {
        let mut request = reqwest::Client::new().post(format!("{}{path}", api.base)).json(&body);
        if self.cookie_mode {
            request = request.header("x-auth-mode", self.mode_value.unwrap_or("cookie"));
        }
        if let Some(origin) = self.origin {
            request = request.header("origin", origin);
        }
        if !self.cookies.is_empty() {
            let header: Vec<String> = self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect();
            request = request.header("cookie", header.join("; "));
        }
        if let Some(token) = self.bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("the API answers");
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let text = response.text().await.unwrap();
        Reply { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::String(text)) }
    }
}

async fn api_for(pool: &Pool) -> TestApi {
    let mut env = config_for(pool);
    env.insert("CORS_ALLOWED_ORIGINS", format!("{APP}, https://admin.example"));
    TestApi::start_with(env).await
}

async fn cookie_login(api: &TestApi, username: &str) -> Reply {
    let answer = Call::browser().post(api, "/auth/login", json!({"username": username, "password": PASSWORD})).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer
}

/// A signed-in browser: the API, the user, and the refresh cookie's value.
async fn signed_in(options: PoolOptions) -> (TestApi, String, String) {
    let pool = create_pool(options).await;
    let api = api_for(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let login = cookie_login(&api, &username).await;
    let refresh = login.cookie_value(REFRESH);
    (api, username, refresh)
}

#[tokio::test]
async fn cookie_mode_keeps_the_refresh_token_out_of_the_body() {
    // GIVEN a user
    let pool = create_pool(PoolOptions::default()).await;
    let api = api_for(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    // WHEN a browser logs in with X-Auth-Mode: cookie
    let login = cookie_login(&api, &username).await;
    // THEN the body has the access and ID tokens and no refresh token
    let tokens = login.body["tokens"].as_object().expect("tokens");
    assert!(tokens.contains_key("accessToken") && tokens.contains_key("idToken"), "{login:?}");
    assert!(!tokens.contains_key("refreshToken"), "{login:?}");
    assert!(!login.body.to_string().contains(&login.cookie_value(REFRESH)));
    // AND the refresh token is in HttpOnly, Secure, SameSite=Strict cookies for refresh and
    // logout only, living as long as the token (the client's 30 days by default)
    let cookies = login.cookies(REFRESH);
    let paths: Vec<&str> = cookies.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(paths, ["/auth/logout", "/auth/refresh"]);
    for (_, cookie) in &cookies {
        assert_eq!(cookie.http_only(), Some(true), "{cookie}");
        assert_eq!(cookie.secure(), Some(true), "{cookie}");
        assert_eq!(cookie.same_site(), Some(SameSite::Strict), "{cookie}");
        assert_eq!(cookie.max_age(), Some(cookie::time::Duration::days(30)), "{cookie}");
        assert!(cookie.domain().is_none(), "host-only: {cookie}");
    }
    // AND the access token works
    let access = login.body["tokens"]["accessToken"].as_str().unwrap();
    assert_eq!(api.get("/auth/me", Some(access)).await.status, 200);
}

#[tokio::test]
async fn the_cookie_lives_as_long_as_the_configured_refresh_tokens() {
    // GIVEN an API told its client's refresh tokens last 7 days
    let pool = create_pool(PoolOptions::default()).await;
    let mut env = config_for(&pool);
    env.insert("REFRESH_TOKEN_VALIDITY_DAYS", "7".into());
    let api = TestApi::start_with(env).await;
    let username = confirmed_user(&pool, &[]).await;
    // WHEN a browser (same origin: no Origin header) logs in THEN the cookie lasts 7 days
    let mut call = Call::browser();
    call.origin = None;
    let login = call.post(&api, "/auth/login", json!({"username": username, "password": PASSWORD})).await;
    assert_eq!(login.cookies(REFRESH)[0].1.max_age(), Some(cookie::time::Duration::days(7)), "{login:?}");
}

#[tokio::test]
async fn without_the_header_nothing_changes() {
    // GIVEN a user WHEN a mobile app logs in without X-Auth-Mode
    let pool = create_pool(PoolOptions::default()).await;
    let api = api_for(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let mut call = Call::browser();
    call.cookie_mode = false;
    let login = call.post(&api, "/auth/login", json!({"username": username, "password": PASSWORD})).await;
    // THEN the refresh token is in the body, and no cookie is set
    assert_eq!(login.status, 200, "{login:?}");
    assert!(login.body["tokens"]["refreshToken"].is_string(), "{login:?}");
    assert!(login.set_cookies().is_empty(), "{login:?}");
}

#[tokio::test]
async fn refresh_takes_the_cookie_from_a_listed_origin_or_from_no_origin() {
    // GIVEN a signed-in browser
    let (api, _, refresh) = signed_in(PoolOptions::default()).await;
    for origin in [Some(APP), Some("https://admin.example"), None] {
        // WHEN it refreshes with the cookie, from a listed origin or same-origin (no Origin header)
        let call = Call { origin, ..Call::browser() }.cookie(REFRESH, &refresh);
        let refreshed = call.post(&api, "/auth/refresh", json!({})).await;
        // THEN new tokens come back, with no refresh token in the body and no new cookie (no rotation)
        assert_eq!(refreshed.status, 200, "{origin:?}: {refreshed:?}");
        assert!(refreshed.body["tokens"].get("refreshToken").is_none(), "{refreshed:?}");
        assert!(refreshed.set_cookies().is_empty(), "{refreshed:?}");
        let access = refreshed.body["tokens"]["accessToken"].as_str().unwrap();
        assert_eq!(api.get("/auth/me", Some(access)).await.status, 200);
        // AND a listed origin may read the answer, with credentials
        if let Some(origin) = origin {
            assert_eq!(refreshed.header("access-control-allow-origin"), Some(origin), "{refreshed:?}");
            assert_eq!(refreshed.header("access-control-allow-credentials"), Some("true"), "{refreshed:?}");
        }
    }
    // AND an empty body does as well as {}
    let request = reqwest::Client::new()
        .post(format!("{}/auth/refresh", api.base))
        .header("x-auth-mode", "cookie")
        .header("origin", APP)
        .header("cookie", format!("{REFRESH}={refresh}"));
    assert_eq!(request.send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_foreign_origin_cannot_use_the_cookies() {
    // GIVEN a signed-in browser, and a page on another origin that makes it send its cookies
    // (as if SameSite and the preflight were both bypassed: a sibling site, an old browser)
    let (api, username, refresh) = signed_in(PoolOptions::default()).await;
    let attacker = Call { origin: Some(EVIL), ..Call::browser() }.cookie(REFRESH, &refresh);
    // WHEN it refreshes THEN 403 ORIGIN_NOT_ALLOWED, no tokens, and no CORS headers to read it by
    let stolen = attacker.post(&api, "/auth/refresh", json!({})).await;
    stolen.assert_problem(403, "ORIGIN_NOT_ALLOWED");
    assert!(stolen.body.get("tokens").is_none());
    assert!(!stolen.headers.keys().any(|h| h.as_str().starts_with("access-control-")), "{stolen:?}");
    // WHEN it logs the user out, or logs in in cookie mode (login CSRF) THEN refused the same way
    let access = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await.body["tokens"]
        ["accessToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let logout = Call { bearer: Some(&access), ..attacker.clone() }.post(&api, "/auth/logout", json!({})).await;
    logout.assert_problem(403, "ORIGIN_NOT_ALLOWED");
    assert!(logout.set_cookies().is_empty(), "{logout:?}");
    let login = attacker.post(&api, "/auth/login", json!({"username": username, "password": PASSWORD})).await;
    login.assert_problem(403, "ORIGIN_NOT_ALLOWED");
    assert!(login.set_cookies().is_empty(), "{login:?}");
    // AND an opaque origin (a sandboxed frame, a data: URL) is no listed origin
    let sandboxed = Call { origin: Some("null"), ..Call::browser() }.cookie(REFRESH, &refresh);
    sandboxed.post(&api, "/auth/refresh", json!({})).await.assert_problem(403, "ORIGIN_NOT_ALLOWED");
    // AND the session was neither used nor ended: the user's own refresh still works
    let own = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    assert_eq!(own.status, 200, "{own:?}");
}

#[tokio::test]
async fn a_cookie_without_the_header_is_ignored() {
    // GIVEN a signed-in browser's cookie, sent without X-Auth-Mode (a plain form post or
    // a simple cross-site request would look so)
    let (api, _, refresh) = signed_in(PoolOptions::default()).await;
    let plain = Call { cookie_mode: false, ..Call::browser() }.cookie(REFRESH, &refresh);
    // WHEN it refreshes THEN the cookie is not read: the body's refreshToken is asked for
    let refreshed = plain.post(&api, "/auth/refresh", json!({})).await;
    refreshed.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(refreshed.body["field"], "refreshToken");
    // WHEN it logs out (with a bearer) THEN the same; and the session still works
    let own = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    let access = own.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let logout = Call { bearer: Some(&access), ..plain }.post(&api, "/auth/logout", json!({})).await;
    logout.assert_problem(400, "VALIDATION_FAILED");
    assert!(logout.set_cookies().is_empty(), "{logout:?}");
    assert_eq!(Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await.status, 200);
}

#[tokio::test]
async fn cookie_mode_takes_no_token_from_the_body_and_one_header_value() {
    let (api, _, refresh) = signed_in(PoolOptions::default()).await;
    // WHEN a refresh token is sent in the body in cookie mode THEN it is refused, not used
    let both = Call::browser().cookie(REFRESH, &refresh);
    let answer = both.post(&api, "/auth/refresh", json!({"refreshToken": refresh})).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "refreshToken");
    // WHEN the header has another value THEN 400, naming it
    let odd = Call { mode_value: Some("cookies"), ..Call::browser() }.cookie(REFRESH, &refresh);
    let answer = odd.post(&api, "/auth/refresh", json!({})).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["field"], "X-Auth-Mode");
    // WHEN there is no cookie THEN 401 INVALID_REFRESH_TOKEN (sign in)
    Call::browser().post(&api, "/auth/refresh", json!({})).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
    // WHEN two cookies of the name arrive (one planted by a sibling subdomain) THEN neither is used
    let planted = Call::browser().cookie(REFRESH, &refresh).cookie(REFRESH, "planted-refresh-token-of-another");
    planted.post(&api, "/auth/refresh", json!({})).await.assert_problem(401, "INVALID_REFRESH_TOKEN");
}

#[tokio::test]
async fn logout_revokes_the_cookies_token_and_clears_the_cookies() {
    // GIVEN a signed-in browser
    let (api, _, refresh) = signed_in(PoolOptions::default()).await;
    let own = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    let access = own.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    // WHEN it logs out with the cookie
    let browser = Call { bearer: Some(&access), ..Call::browser() }.cookie(REFRESH, &refresh);
    let logout = browser.post(&api, "/auth/logout", json!({})).await;
    // THEN 204, and both refresh cookies are cleared (Max-Age=0, empty)
    assert_eq!(logout.status, 204, "{logout:?}");
    let cleared = logout.cookies(REFRESH);
    assert_eq!(cleared.len(), 2, "{logout:?}");
    for (_, cookie) in &cleared {
        assert_eq!((cookie.value(), cookie.max_age()), ("", Some(cookie::time::Duration::ZERO)), "{cookie}");
        assert_eq!(cookie.http_only().zip(cookie.secure()), Some((true, true)), "{cookie}");
    }
    // AND the token is revoked: a refresh with the old cookie fails, and clears the cookies again
    let after = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    after.assert_problem(401, "INVALID_REFRESH_TOKEN");
    assert_eq!(after.cookies(REFRESH).len(), 2, "{after:?}");
    // AND a second logout (no cookie left) is harmless, but still needs a bearer
    let again = Call { bearer: Some(&access), ..Call::browser() }.post(&api, "/auth/logout", json!({})).await;
    assert_eq!(again.status, 204, "{again:?}");
    let anonymous = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/logout", json!({})).await;
    anonymous.assert_problem(401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_rotated_refresh_token_replaces_the_cookie() {
    // GIVEN a client that rotates refresh tokens, and a signed-in browser
    let (api, _, first) = signed_in(PoolOptions {
        client: Some(json!({"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}})),
        ..Default::default()
    })
    .await;
    // WHEN it refreshes THEN the answer sets the new token in the cookies, not in the body
    let rotated = Call::browser().cookie(REFRESH, &first).post(&api, "/auth/refresh", json!({})).await;
    assert_eq!(rotated.status, 200, "{rotated:?}");
    assert!(rotated.body["tokens"].get("refreshToken").is_none(), "{rotated:?}");
    let second = rotated.cookie_value(REFRESH);
    assert_ne!(first, second);
    assert_eq!(rotated.cookies(REFRESH).len(), 2);
    // AND the old cookie no longer works; the new one does
    let old = Call::browser().cookie(REFRESH, &first).post(&api, "/auth/refresh", json!({})).await;
    old.assert_problem(401, "INVALID_REFRESH_TOKEN");
    assert_eq!(Call::browser().cookie(REFRESH, &second).post(&api, "/auth/refresh", json!({})).await.status, 200);
}

#[tokio::test]
async fn a_remembered_device_lives_in_a_cookie_for_login_and_refresh() {
    // GIVEN a pool that requires SMS MFA and remembers devices
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = api_for(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    // WHEN a browser signs in through MFA in cookie mode
    let login = cookie_login(&api, &username).await;
    let session = login.body["challenge"]["session"].as_str().expect("an MFA challenge").to_owned();
    let code = outbox_code(&username, "mfa").await;
    let body = json!({"username": username, "session": session, "challenge": "SMS_MFA", "code": code});
    let done = Call::browser().post(&api, "/auth/mfa", body).await;
    assert_eq!(done.status, 200, "{done:?}");
    // THEN the body has neither the refresh token nor the device; cookies hold both
    assert!(done.body.get("device").is_none() && done.body["tokens"].get("refreshToken").is_none(), "{done:?}");
    let (refresh, device) = (done.cookie_value(REFRESH), done.cookie_value(DEVICE));
    let paths: Vec<String> = done.cookies(DEVICE).into_iter().map(|(path, _)| path).collect();
    assert_eq!(paths, ["/auth/login", "/auth/refresh"]);
    let device_cookie = &done.cookies(DEVICE)[0].1;
    assert_eq!(
        (device_cookie.http_only(), device_cookie.secure(), device_cookie.same_site()),
        (Some(true), Some(true), Some(SameSite::Strict))
    );
    // AND it outlives the session (400 days, a browser's longest), so the next sign-in skips MFA
    assert_eq!(device_cookie.max_age(), Some(cookie::time::Duration::days(400)));
    // AND refresh needs the device cookie (the token is bound to the device)
    let without = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    without.assert_problem(401, "INVALID_REFRESH_TOKEN");
    let refresh = {
        // That refusal cleared the refresh cookie in the browser; sign in again with the device.
        let again = Call::browser()
            .cookie(DEVICE, &device)
            .post(&api, "/auth/login", json!({"username": username, "password": PASSWORD}))
            .await;
        // AND the device cookie skips MFA at login
        assert!(again.body["tokens"].is_object(), "{again:?}");
        again.cookie_value(REFRESH)
    };
    let with = Call::browser().cookie(REFRESH, &refresh).cookie(DEVICE, &device);
    let refreshed = with.post(&api, "/auth/refresh", json!({})).await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    // WHEN the device is forgotten THEN a login with its cookie meets MFA, and drops the cookie
    let access = refreshed.body["tokens"]["accessToken"].as_str().unwrap();
    let listed = api.get("/auth/me/devices", Some(access)).await.body["devices"][0]["deviceKey"].clone();
    sdk()
        .admin_forget_device()
        .user_pool_id(&pool.user_pool_id)
        .username(&username)
        .device_key(listed.as_str().expect("a listed device"))
        .send()
        .await
        .expect("device forgotten");
    let forgotten = Call::browser()
        .cookie(DEVICE, &device)
        .post(&api, "/auth/login", json!({"username": username, "password": PASSWORD}))
        .await;
    assert_eq!(forgotten.body["challenge"]["name"], "SMS_MFA", "{forgotten:?}");
    assert_dropped(&forgotten, DEVICE);
}

#[tokio::test]
async fn a_device_cookie_that_names_no_device_is_dropped() {
    // GIVEN a pool that requires SMS MFA and remembers devices, and a browser whose device
    // cookie this server did not make (forged, or from before a DEVICE_SECRET rotation)
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let api = api_for(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;
    let forged = Call::browser().cookie(DEVICE, "AQE3XJv1tW0cY5x-forged-8kQ2mZr7");
    // WHEN it signs in THEN MFA, as without a device, and the cookie is dropped
    let login = forged.post(&api, "/auth/login", json!({"username": username, "password": PASSWORD})).await;
    assert_eq!(login.body["challenge"]["name"], "SMS_MFA", "{login:?}");
    assert_dropped(&login, DEVICE);
    // AND with a wrong password the answer is INVALID_CREDENTIALS, as always, and says nothing of the device
    let wrong = forged.post(&api, "/auth/login", json!({"username": username, "password": "Wrong-Passw0rd-1"})).await;
    wrong.assert_problem(401, "INVALID_CREDENTIALS");
    assert!(wrong.set_cookies().is_empty(), "{wrong:?}");
}

/// Both cookies named `name` are cleared: empty, Max-Age=0.
#[track_caller]
fn assert_dropped(answer: &Reply, name: &str) {
    let cleared = answer.cookies(name);
    assert_eq!(cleared.len(), 2, "{answer:?}");
    for (_, cookie) in &cleared {
        assert_eq!((cookie.value(), cookie.max_age()), ("", Some(cookie::time::Duration::ZERO)), "{cookie}");
    }
}

#[tokio::test]
async fn a_first_login_new_password_answers_cookies_too() {
    // GIVEN a user with a temporary password
    let pool = create_pool(PoolOptions::default()).await;
    let api = api_for(&pool).await;
    let username = user_with_temporary_password(&pool, Some("new@example.com")).await;
    let login = cookie_login(&api, &username).await;
    assert_eq!(login.body["challenge"]["name"], "NEW_PASSWORD_REQUIRED", "{login:?}");
    let session = login.body["challenge"]["session"].as_str().unwrap();
    // WHEN the browser sets the new password in cookie mode
    let body = json!({"username": username, "session": session, "newPassword": "N3w-Passw0rd-Here"});
    let done = Call::browser().post(&api, "/auth/new-password", body).await;
    // THEN tokens without the refresh token, which is in the cookies and works
    assert_eq!(done.status, 200, "{done:?}");
    assert!(done.body["tokens"].get("refreshToken").is_none(), "{done:?}");
    let refresh = done.cookie_value(REFRESH);
    assert_eq!(Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await.status, 200);
}

#[tokio::test]
async fn finishing_mfa_setup_answers_cookies_too() {
    // GIVEN a pool that requires MFA and a user without a factor
    let pool = create_pool(PoolOptions::mfa_required()).await;
    let api = api_for(&pool).await;
    let username = confirmed_user(&pool, &[]).await;
    let login = cookie_login(&api, &username).await;
    assert_eq!(login.body["challenge"]["name"], "MFA_SETUP", "{login:?}");
    let session = login.body["challenge"]["session"].as_str().unwrap();
    let setup = api.post("/auth/mfa/setup", json!({"username": username, "session": session}), None).await;
    assert_eq!(setup.status, 200, "{setup:?}");
    let code = totp_next(setup.body["secret"].as_str().unwrap()).await;
    // WHEN the browser verifies the first code in cookie mode
    let body = json!({"username": username, "session": setup.body["session"], "code": code});
    let done = Call::browser().post(&api, "/auth/mfa/setup/verify", body).await;
    // THEN the refresh token is in the cookies only
    assert_eq!(done.status, 200, "{done:?}");
    assert!(done.body["tokens"].get("refreshToken").is_none(), "{done:?}");
    assert_eq!(done.cookies(REFRESH).len(), 2, "{done:?}");
}

#[tokio::test]
async fn logout_with_a_planted_second_cookie_still_revokes_the_users_token() {
    // GIVEN a signed-in browser, and a sibling subdomain that planted a second refresh cookie
    let (api, _, refresh) = signed_in(PoolOptions::default()).await;
    let own = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    let access = own.body["tokens"]["accessToken"].as_str().unwrap().to_owned();
    let browser = Call { bearer: Some(&access), ..Call::browser() }
        .cookie(REFRESH, "planted-refresh-token-of-the-attackers-own-account")
        .cookie(REFRESH, &refresh);
    // WHEN the user logs out
    let logout = browser.post(&api, "/auth/logout", json!({})).await;
    // THEN the user's own token is revoked all the same (revoking the planted one harms no one)
    assert_eq!(logout.status, 204, "{logout:?}");
    let after = Call::browser().cookie(REFRESH, &refresh).post(&api, "/auth/refresh", json!({})).await;
    after.assert_problem(401, "INVALID_REFRESH_TOKEN");
}
