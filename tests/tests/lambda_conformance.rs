//! The real function binaries, run under a fake Lambda Runtime API, answer real
//! API Gateway events (REST payload 1.0 with a stage, HTTP API payload 2.0,
//! base64 bodies, multi-value headers) exactly as the local server answers.

use integration_tests::lambda_runtime_api::*;
use integration_tests::*;
use serde_json::{json, Value};

/// Settings a deployed function gets from template.yaml's Globals (see the agreement test).
const DEPLOYED_SETTINGS: &[(&str, &str)] = &[("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true")];

struct DeployedFunction {
    runtime: FakeRuntimeApi,
    process: tokio::process::Child,
}

impl DeployedFunction {
    async fn start(name: &str, pool: &Pool) -> Self {
        Self::start_binary(&function_binary(name), name, pool).await
    }

    async fn start_binary(binary: &std::path::Path, name: &str, pool: &Pool) -> Self {
        let runtime = FakeRuntimeApi::start().await;
        let mut environment = lambda_environment(&runtime, name);
        environment.extend(config_for(pool).into_iter().map(|(k, v)| (k.to_owned(), v)));
        environment.extend(DEPLOYED_SETTINGS.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let process = spawn_function(binary, &environment);
        runtime.wait_for_first_poll(std::time::Duration::from_secs(10)).await.expect("the function polled for events");
        Self { runtime, process }
    }

    async fn call(
        &self,
        request: &GatewayRequest<'_>,
        v2: bool,
    ) -> (u16, std::collections::HashMap<String, String>, Value) {
        let request_id = uuid::Uuid::new_v4().to_string();
        let event = if v2 { request.http_v2(&request_id) } else { request.rest_v1("prod", &request_id) };
        let (status, headers, body) = decode_gateway_response(self.runtime.invoke(event).await);
        if let Some(problem_id) = body.get("requestId") {
            assert_eq!(problem_id, &json!(request_id), "problems carry API Gateway's request id");
        }
        (status, headers, body)
    }
}

fn json_request<'a>(
    method: &'a str,
    path: &'a str,
    body: &Value,
    base64: bool,
    token: Option<&str>,
) -> GatewayRequest<'a> {
    let mut headers = vec![("Content-Type", "application/json".to_owned()), ("Accept", "*/*".to_owned())];
    if let Some(token) = token {
        headers.push(("Authorization", format!("Bearer {token}")));
    }
    GatewayRequest { method, path, headers, body: Some(body.to_string().into_bytes()), base64 }
}

fn without_request_id(mut body: Value) -> Value {
    if let Some(object) = body.as_object_mut() {
        object.remove("requestId");
    }
    body
}

#[tokio::test]
async fn the_login_function_answers_both_payload_formats_like_the_local_server() {
    // GIVEN the login function's release binary under the Runtime API, and the local server, on one pool
    let pool = create_pool(PoolOptions { client_secret: true, ..Default::default() }).await;
    let lambda = DeployedFunction::start("login", &pool).await;
    let local = TestApi::start(&pool).await;

    for v2 in [false, true] {
        let format = if v2 { "HTTP API v2" } else { "REST v1" };
        // WHEN the password is wrong THEN the same problem, as problem+json
        let wrong = json!({"username": ADMIN_USERNAME, "password": "Wrong-Passw0rd"});
        let (status, headers, body) = lambda.call(&json_request("POST", "/auth/login", &wrong, false, None), v2).await;
        let expected = local.post("/auth/login", wrong.clone(), None).await;
        assert_eq!(
            (status, without_request_id(body)),
            (expected.status, without_request_id(expected.body)),
            "{format}"
        );
        assert_eq!(headers.get("content-type").map(String::as_str), Some("application/problem+json"), "{format}");

        // WHEN the body is not JSON THEN the same 400
        let bad = GatewayRequest {
            body: Some(b"{\"username\":".to_vec()),
            ..json_request("POST", "/auth/login", &json!({}), false, None)
        };
        let (status, _, body) = lambda.call(&bad, v2).await;
        let expected =
            local.send("POST", "/auth/login", Some(("application/json", b"{\"username\":".to_vec())), None).await;
        assert_eq!(
            (status, without_request_id(body)),
            (expected.status, without_request_id(expected.body)),
            "{format}"
        );

        // WHEN the right password comes base64-encoded THEN tokens, which the local server accepts
        let right = json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD});
        let (status, _, body) = lambda.call(&json_request("POST", "/auth/login", &right, true, None), v2).await;
        assert_eq!(status, 200, "{format}: {body}");
        let token = body["tokens"]["accessToken"].as_str().expect("access token");
        assert_eq!(local.get("/auth/me", Some(token)).await.body["username"], ADMIN_USERNAME, "{format}");

        // WHEN a route of another function reaches it THEN 404, as problem+json
        let (status, _, body) = lambda.call(&json_request("POST", "/auth/users", &right, false, None), v2).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")), "{format}");
    }
}

#[tokio::test]
async fn the_first_login_flow_works_across_three_functions() {
    // GIVEN a user created by an administrator, and three functions
    let pool = create_pool(PoolOptions::default()).await;
    let login = DeployedFunction::start("login", &pool).await;
    let new_password = DeployedFunction::start("new-password", &pool).await;
    let current_user = DeployedFunction::start("current-user", &pool).await;
    let username = user_with_temporary_password(&pool, Some("flow@example.com")).await;

    // WHEN the user logs in (REST v1) THEN a challenge
    let (status, _, body) = login
        .call(
            &json_request("POST", "/auth/login", &json!({"username": username, "password": PASSWORD}), false, None),
            false,
        )
        .await;
    assert_eq!((status, &body["challenge"]["name"]), (200, &json!("NEW_PASSWORD_REQUIRED")), "{body}");
    let session = body["challenge"]["session"].as_str().unwrap();

    // WHEN the user answers it (HTTP API v2, base64) THEN tokens
    let answer = json!({"username": username, "session": session, "newPassword": "Brand-New-Passw0rd"});
    let (status, _, body) =
        new_password.call(&json_request("POST", "/auth/new-password", &answer, true, None), true).await;
    assert_eq!(status, 200, "{body}");
    let token = body["tokens"]["accessToken"].as_str().unwrap();

    // WHEN the user asks who they are (REST v1, GET, no body) THEN their attributes
    let me = GatewayRequest {
        method: "GET",
        path: "/auth/me",
        headers: vec![("Authorization", format!("Bearer {token}"))],
        body: None,
        base64: false,
    };
    let (status, _, body) = current_user.call(&me, false).await;
    assert_eq!((status, &body["username"]), (200, &json!(username)), "{body}");
    assert_eq!(body["attributes"]["email"], "flow@example.com");
}

#[tokio::test]
async fn a_function_without_its_settings_stops_at_start_naming_the_setting() {
    let runtime = FakeRuntimeApi::start().await;
    let output = tokio::process::Command::new(function_binary("login"))
        .env_clear()
        .envs(lambda_environment(&runtime, "login"))
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    let printed = String::from_utf8_lossy(&output.stderr) + String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("COGNITO_USER_POOL_ID is required but not set"), "{printed}");
    assert!(runtime.first_poll().is_none(), "it never polled for events");
}

#[tokio::test]
async fn the_device_flow_works_across_the_session_functions() {
    // GIVEN a pool with SMS MFA and remembered devices, a user with a phone number, and five functions
    let pool = create_pool(PoolOptions::mfa_required().with_devices(false)).await;
    let [login, mfa, refresh, devices, logout] =
        ["login", "mfa", "refresh", "devices", "logout"].map(|name| DeployedFunction::start(name, &pool));
    let (login, mfa, refresh, devices, logout) = (login.await, mfa.await, refresh.await, devices.await, logout.await);
    let username = confirmed_user(&pool, &[]).await;
    with_phone_number(&pool, &username).await;

    // WHEN the user logs in (REST v1) and answers SMS_MFA (HTTP API v2, base64) THEN tokens and a remembered device
    let credentials = json!({"username": username, "password": PASSWORD});
    let (_, _, body) = login.call(&json_request("POST", "/auth/login", &credentials, false, None), false).await;
    let session = body["challenge"]["session"].as_str().expect("an MFA challenge").to_owned();
    let code = outbox_code(&username, "mfa").await;
    let answer = json!({"username": username, "session": session, "challenge": "SMS_MFA", "code": code});
    let (status, _, body) = mfa.call(&json_request("POST", "/auth/mfa", &answer, true, None), true).await;
    assert_eq!(status, 200, "{body}");
    let (access, refresh_token) =
        (body["tokens"]["accessToken"].as_str().unwrap(), body["tokens"]["refreshToken"].as_str().unwrap());
    let device_key = body["device"]["deviceKey"].as_str().expect("a device").to_owned();

    // WHEN the client refreshes with the device (REST v1) THEN new tokens
    let refresh_body = json!({"refreshToken": refresh_token, "deviceKey": device_key});
    let (status, _, body) =
        refresh.call(&json_request("POST", "/auth/refresh", &refresh_body, false, None), false).await;
    assert_eq!(status, 200, "{body}");

    // WHEN the user forgets the device by its listed key, proving their password THEN 204, and the list is empty
    let list = GatewayRequest {
        method: "GET",
        path: "/auth/me/devices",
        headers: vec![("Authorization", format!("Bearer {access}"))],
        body: None,
        base64: false,
    };
    let (_, _, body) = devices.call(&list, false).await;
    let path = format!("/auth/me/devices/{}", body["devices"][0]["deviceKey"].as_str().expect("a listed device"));
    let proof = json!({"reauthentication": {"currentPassword": PASSWORD}});
    let forget = json_request("DELETE", &path, &proof, false, Some(access));
    assert_eq!(devices.call(&forget, true).await.0, 204);
    let (status, _, body) = devices.call(&list, false).await;
    assert_eq!((status, body), (200, json!({"devices": []})));

    // WHEN the user logs out (REST v1) THEN 204
    let bye = json!({"refreshToken": refresh_token});
    assert_eq!(logout.call(&json_request("POST", "/auth/logout", &bye, false, Some(access)), false).await.0, 204);
}

#[tokio::test]
async fn cookie_mode_sets_every_cookie_through_api_gateway_in_both_payload_formats() {
    // GIVEN the login function under the Runtime API
    let pool = create_pool(PoolOptions::default()).await;
    let lambda = DeployedFunction::start("login", &pool).await;
    let right = json!({"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD});
    for v2 in [false, true] {
        // WHEN a browser logs in in cookie mode
        let mut request = json_request("POST", "/auth/login", &right, false, None);
        request.headers.push(("X-Auth-Mode", "cookie".to_owned()));
        let id = uuid::Uuid::new_v4().to_string();
        let event = if v2 { request.http_v2(&id) } else { request.rest_v1("prod", &id) };
        let Outcome::Response(response) = lambda.runtime.invoke(event).await else { panic!("the function failed") };
        // THEN both refresh cookies reach API Gateway, each its own Set-Cookie (v1: multiValueHeaders,
        // v2: cookies), not folded into one header a browser would misread
        let cookies = if v2 { &response["cookies"] } else { &response["multiValueHeaders"]["set-cookie"] };
        let cookies: Vec<&str> = cookies.as_array().expect("cookies").iter().filter_map(Value::as_str).collect();
        assert_eq!(cookies.len(), 2, "v2 {v2}: {response}");
        for path in ["Path=/auth/refresh", "Path=/auth/logout"] {
            assert!(
                cookies
                    .iter()
                    .any(|c| c.starts_with("__Secure-auth-refresh=") && c.contains(path) && c.contains("HttpOnly")),
                "v2 {v2}: {cookies:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_handler_panic_answers_one_500_problem_and_the_same_process_serves_the_next_request() {
    // GIVEN a function whose one route panics (a test binary, never deployed), under the Runtime API
    let pool = create_pool(PoolOptions::default()).await;
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_panicking-function"));
    let mut function = DeployedFunction::start_binary(binary, "panicking-function", &pool).await;
    let local = TestApi::start(&pool).await;
    let token = local.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let get = |path: &'static str, token: Option<&str>| GatewayRequest {
        method: "GET",
        path,
        headers: token.map(|token| ("Authorization", format!("Bearer {token}"))).into_iter().collect(),
        body: None,
        base64: false,
    };

    for v2 in [false, true] {
        // WHEN the handler panics THEN one 500 problem, with the request id and nothing of the panic
        let (status, headers, body) = function.call(&get("/test/panic", None), v2).await;
        assert_eq!((status, &body["code"]), (500, &json!("INTERNAL")), "{body}");
        assert_eq!(headers.get("content-type").map(String::as_str), Some("application/problem+json"));
        assert!(!body.to_string().contains("on purpose"), "the panic's message leaked: {body}");

        // WHEN the next request comes THEN the same process answers it
        let (status, _, body) = function.call(&get("/auth/me", Some(&token)), v2).await;
        assert_eq!((status, &body["username"]), (200, &json!(ADMIN_USERNAME)), "{body}");
    }
    assert!(function.process.try_wait().unwrap().is_none(), "the function's process is still running");
}
