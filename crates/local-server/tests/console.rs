//! The local console's server side (src/console.rs): only its own page may use
//! it, only for the operations the page uses and on the API's own pool, the
//! caller key goes to the local Cognito and never to the page, and against a
//! real pool there is no console at all.

use std::sync::{Arc, Mutex};

use auth_api::config::Secret;
use axum::http::HeaderMap;
use local_server::console::{self, Settings, CONSOLE_HEADER};
use serde_json::{json, Value};

const CALLER_KEY: &str = "test-caller-key-0123456789";

/// A local Cognito of this test's own, with a pool like make dev's.
struct Stack {
    cognito: String,
    pool_id: String,
    client_id: String,
    console: String,
    _emulator: local_cognito::Running,
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    // As the page calls it: by the name localhost (a loopback name, see guard.rs).
    format!("http://localhost:{}", address.port())
}

async fn seed(cognito: &str) -> Value {
    let seed = json!({
        "clientSecret": true,
        "allowSignUp": true,
        "callerKey": CALLER_KEY,
        "admin": {"username": "admin", "password": "Admin-Passw0rd", "email": "admin@example.com"},
    });
    let answer = reqwest::Client::new().post(format!("{cognito}/_local/pools")).json(&seed).send().await.unwrap();
    assert_eq!(answer.status(), 201);
    answer.json().await.unwrap()
}

async fn stack() -> Stack {
    let emulator = local_cognito::start(local_cognito::Options::default()).await.unwrap();
    let ids = seed(&emulator.url).await;
    let pool_id = ids["userPoolId"].as_str().unwrap().to_owned();
    let settings = Settings {
        cognito_url: Some(emulator.url.clone()),
        user_pool_id: pool_id.clone(),
        admin_group: "admin".into(),
        caller_key: Some(Secret::new(CALLER_KEY)),
    };
    Stack {
        cognito: emulator.url.clone(),
        pool_id,
        client_id: ids["clientId"].as_str().unwrap().to_owned(),
        console: serve(console::routes(settings)).await,
        _emulator: emulator,
    }
}

/// A Cognito operation straight at the local Cognito, as the API calls it.
async fn cognito(url: &str, operation: &str, input: Value) -> Value {
    let answer = reqwest::Client::new()
        .post(url)
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-auth-api-caller-key", CALLER_KEY)
        .body(input.to_string())
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success(), "{operation}: {}", answer.text().await.unwrap());
    answer.json().await.unwrap()
}

/// The console's request as its page sends it; `extra` headers are added or replace.
async fn from_page(url: &str, operation: &str, input: Value, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut headers = HeaderMap::new();
    headers.insert(CONSOLE_HEADER, "1".parse().unwrap());
    headers.insert("sec-fetch-site", "same-origin".parse().unwrap());
    headers.insert("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}").parse().unwrap());
    for (name, value) in extra {
        headers.insert(axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
    }
    reqwest::Client::new()
        .post(format!("{url}/_local/cognito"))
        .headers(headers)
        .body(input.to_string())
        .send()
        .await
        .unwrap()
}

async fn usernames(stack: &Stack) -> Vec<String> {
    let listed = cognito(&stack.cognito, "ListUsers", json!({"UserPoolId": stack.pool_id})).await;
    let mut names: Vec<String> =
        listed["Users"].as_array().unwrap().iter().map(|u| u["Username"].as_str().unwrap().to_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_page_lists_the_pools_users_and_may_leave_the_pool_out() {
    let stack = stack().await;
    for input in [json!({}), json!({"UserPoolId": stack.pool_id})] {
        let answer = from_page(&stack.console, "ListUsers", input, &[]).await;
        assert_eq!(answer.status(), 200);
        let users: Value = answer.json().await.unwrap();
        assert_eq!(users["Users"][0]["Username"], "admin");
    }
}

#[tokio::test]
async fn operations_the_console_does_not_use_are_refused() {
    let stack = stack().await;
    let user = json!({"Username": "admin"});
    for operation in
        ["AdminSetUserPassword", "AdminInitiateAuth", "AdminCreateUser", "DeleteUserPool", "ListUserPools", "Bogus", ""]
    {
        let answer = from_page(&stack.console, operation, user.clone(), &[]).await;
        assert_eq!(answer.status(), 403, "{operation}");
    }
    // Without the service's prefix, the name alone is not enough either.
    let answer = reqwest::Client::new()
        .post(format!("{}/_local/cognito", stack.console))
        .header(CONSOLE_HEADER, "1")
        .header("x-amz-target", "ListUsers")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    for operation in console::OPERATIONS {
        assert!(!operation.is_empty() && (operation.starts_with("Admin") || !operation.contains("Password")));
    }
}

#[tokio::test]
async fn another_pool_is_refused_even_in_the_same_local_cognito() {
    let stack = stack().await;
    let other = seed(&stack.cognito).await;
    let other_pool = other["userPoolId"].as_str().unwrap();
    for operation in ["ListUsers", "AdminDeleteUser", "DescribeUserPool"] {
        let input = json!({"UserPoolId": other_pool, "Username": "admin"});
        let answer = from_page(&stack.console, operation, input, &[]).await;
        assert_eq!(answer.status(), 403, "{operation}");
    }
    let not_text = from_page(&stack.console, "ListUsers", json!({"UserPoolId": 7}), &[]).await;
    assert_eq!(not_text.status(), 403);
    let not_an_object = from_page(&stack.console, "ListUsers", json!([stack.pool_id]), &[]).await;
    assert_eq!(not_an_object.status(), 400);
    let still_there =
        cognito(&stack.cognito, "AdminGetUser", json!({"UserPoolId": other_pool, "Username": "admin"})).await;
    assert_eq!(still_there["Username"], "admin");
}

#[tokio::test]
async fn without_the_consoles_header_every_action_is_refused() {
    let stack = stack().await;
    let http = reqwest::Client::new();
    let requests = [
        http.post(format!("{}/_local/cognito", stack.console))
            .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUsers")
            .body("{}"),
        http.get(format!("{}/_local/clock", stack.console)),
        http.post(format!("{}/_local/clock", stack.console)).body(r#"{"seconds": 60}"#),
        http.post(format!("{}/_local/pool/reset", stack.console)),
        // A form can send neither the header nor another value of it.
        http.post(format!("{}/_local/pool/reset", stack.console)).header(CONSOLE_HEADER, "0"),
    ];
    for request in requests {
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 403);
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(usernames(&stack).await, ["admin"], "the reset did not run");
}

#[tokio::test]
async fn cross_site_requests_and_other_host_names_are_refused() {
    let stack = stack().await;
    let port = stack.console.rsplit(':').next().unwrap();
    let refused: &[&[(&str, &str)]] = &[
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[("sec-fetch-site", "none")],
        &[("origin", "http://localhost:5173")],
        &[("origin", "null")],
        // DNS rebinding: a name of the attacker's, resolved to 127.0.0.1.
        &[("host", "attacker.example")],
    ];
    for headers in refused {
        let answer = from_page(&stack.console, "ListUsers", json!({}), headers).await;
        assert_eq!(answer.status(), 403, "{headers:?}");
    }
    let origin = format!("http://localhost:{port}");
    let accepted: &[&[(&str, &str)]] = &[
        &[("origin", origin.as_str())],
        &[("host", &format!("127.0.0.1:{port}"))],
        &[("host", &format!("[::1]:{port}"))],
    ];
    for headers in accepted {
        let answer = from_page(&stack.console, "ListUsers", json!({}), headers).await;
        assert_eq!(answer.status(), 200, "{headers:?}");
    }
    // No CORS answer: a cross-origin page's preflight for the header fails.
    let preflight = reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, format!("{}/_local/cognito", stack.console))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", CONSOLE_HEADER)
        .send()
        .await
        .unwrap();
    assert!(preflight.headers().get("access-control-allow-origin").is_none());
    assert!(!preflight.status().is_success());
}

#[tokio::test]
async fn against_a_real_pool_there_is_no_console() {
    let settings = Settings {
        cognito_url: None,
        user_pool_id: "us-east-1_real".into(),
        admin_group: "admin".into(),
        caller_key: Some(Secret::new(CALLER_KEY)),
    };
    let url = serve(console::routes(settings)).await;
    let http = reqwest::Client::new();
    for path in ["/_local", "/_local/", "/_local/console.js", "/_local/clock"] {
        let answer = http.get(format!("{url}{path}")).header(CONSOLE_HEADER, "1").send().await.unwrap();
        assert_eq!(answer.status(), 404, "{path}");
    }
    for path in ["/_local/cognito", "/_local/clock", "/_local/pool/reset"] {
        let answer = http
            .post(format!("{url}{path}"))
            .header(CONSOLE_HEADER, "1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUsers")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 404, "{path}");
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
    }
}

#[tokio::test]
async fn the_caller_key_goes_to_cognito_and_the_client_secret_never_to_the_page() {
    // GIVEN a stand-in for the local Cognito that keeps the headers it was sent
    let seen: Arc<Mutex<Vec<HeaderMap>>> = Arc::default();
    let keep = seen.clone();
    let fake = axum::Router::new().route(
        "/",
        axum::routing::post(move |headers: HeaderMap| {
            keep.lock().unwrap().push(headers);
            async { r#"{"UserPoolClient": {"ClientId": "c", "ClientSecret": "the-real-client-secret"}}"# }
        }),
    );
    let fake_url = serve(fake).await;
    let settings = Settings {
        cognito_url: Some(fake_url),
        user_pool_id: "us-east-1_pool".into(),
        admin_group: "admin".into(),
        caller_key: Some(Secret::new(CALLER_KEY)),
    };
    let url = serve(console::routes(settings)).await;
    // WHEN the page describes the client
    let answer = from_page(&url, "DescribeUserPoolClient", json!({"ClientId": "c"}), &[]).await;
    // THEN Cognito got the caller key, and the page got neither it nor the secret
    let headers = seen.lock().unwrap()[0].clone();
    assert_eq!(headers["x-auth-api-caller-key"], CALLER_KEY);
    assert_eq!(headers["x-amz-target"], "AWSCognitoIdentityProviderService.DescribeUserPoolClient");
    assert!(headers.get(CONSOLE_HEADER).is_none());
    let text = answer.text().await.unwrap();
    assert!(!text.contains("the-real-client-secret") && !text.contains(CALLER_KEY), "{text}");
    assert!(text.contains(console::HIDDEN));
}

#[tokio::test]
async fn describing_the_real_client_hides_its_secret() {
    let stack = stack().await;
    let answer = from_page(&stack.console, "DescribeUserPoolClient", json!({"ClientId": stack.client_id}), &[]).await;
    assert_eq!(answer.status(), 200);
    let client: Value = answer.json().await.unwrap();
    assert_eq!(client["UserPoolClient"]["ClientSecret"], console::HIDDEN);
}

#[tokio::test]
async fn resetting_the_pool_keeps_the_admins_and_clears_only_this_pools_inbox() {
    // GIVEN two more users (one invited: a message in the outbox), a second admin,
    // and another pool with a message of its own
    let stack = stack().await;
    let pool = stack.pool_id.as_str();
    let invite = |username: &str| json!({"UserPoolId": pool, "Username": username, "DesiredDeliveryMediums": ["EMAIL"], "UserAttributes": [{"Name": "email", "Value": format!("{username}@example.com")}]});
    cognito(&stack.cognito, "AdminCreateUser", invite("jane")).await;
    cognito(&stack.cognito, "AdminCreateUser", invite("joe")).await;
    cognito(&stack.cognito, "AdminCreateUser", invite("ada")).await;
    cognito(
        &stack.cognito,
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool, "Username": "ada", "GroupName": "admin"}),
    )
    .await;
    let other = seed(&stack.cognito).await;
    let other_pool = other["userPoolId"].as_str().unwrap();
    let other_user = json!({"UserPoolId": other_pool, "Username": "elsewhere", "DesiredDeliveryMediums": ["EMAIL"], "UserAttributes": [{"Name": "email", "Value": "e@example.com"}]});
    cognito(&stack.cognito, "AdminCreateUser", other_user).await;
    // WHEN the console resets the pool
    let answer = reqwest::Client::new()
        .post(format!("{}/_local/pool/reset", stack.console))
        .header(CONSOLE_HEADER, "1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let done: Value = answer.json().await.unwrap();
    // THEN the admins stay, the others are gone, and so are this pool's messages only
    assert_eq!(done["kept"], json!(["ada", "admin"]));
    let mut deleted: Vec<&str> = done["deleted"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    deleted.sort();
    assert_eq!(deleted, ["jane", "joe"]);
    assert_eq!(done["messagesRemoved"], 3);
    assert_eq!(usernames(&stack).await, ["ada", "admin"]);
    let outbox: Vec<Value> =
        reqwest::get(format!("{}/_local/outbox", stack.cognito)).await.unwrap().json().await.unwrap();
    assert!(outbox.iter().all(|m| m["userPoolId"] == other_pool), "{outbox:?}");
    assert_eq!(outbox.len(), 1);
    // AND the pool, its client and the admin's sign-in are as before
    let described = from_page(&stack.console, "DescribeUserPool", json!({}), &[]).await;
    assert_eq!(described.status(), 200);
}

#[tokio::test]
async fn a_reset_that_cannot_tell_who_the_admins_are_deletes_no_one() {
    let stack = stack().await;
    let settings = Settings {
        cognito_url: Some(stack.cognito.clone()),
        user_pool_id: stack.pool_id.clone(),
        admin_group: "no-such-group".into(),
        caller_key: None,
    };
    let url = serve(console::routes(settings)).await;
    let answer = reqwest::Client::new()
        .post(format!("{url}/_local/pool/reset"))
        .header(CONSOLE_HEADER, "1")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
    assert_eq!(usernames(&stack).await, ["admin"]);
}

#[tokio::test]
async fn the_clock_is_read_and_moved_through_the_console() {
    let stack = stack().await;
    let http = reqwest::Client::new();
    let before: Value = http
        .get(format!("{}/_local/clock", stack.console))
        .header(CONSOLE_HEADER, "1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moved = http
        .post(format!("{}/_local/clock", stack.console))
        .header(CONSOLE_HEADER, "1")
        .header("content-type", "application/json")
        .body(r#"{"seconds": 3600}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["offsetSeconds"].as_i64().unwrap(), before["offsetSeconds"].as_i64().unwrap() + 3600);
    let backwards = http
        .post(format!("{}/_local/clock", stack.console))
        .header(CONSOLE_HEADER, "1")
        .header("content-type", "application/json")
        .body(r#"{"seconds": -60}"#)
        .send()
        .await
        .unwrap();
    assert!(backwards.status().is_client_error(), "the clock never moves back");
}

#[tokio::test]
async fn the_page_runs_only_its_own_script_and_cannot_be_framed() {
    let stack = stack().await;
    for (path, content_type) in [
        ("/_local/", "text/html; charset=utf-8"),
        ("/_local/console.js", "text/javascript; charset=utf-8"),
        ("/_local/console.css", "text/css; charset=utf-8"),
    ] {
        let answer = reqwest::get(format!("{}{path}", stack.console)).await.unwrap();
        assert_eq!(answer.status(), 200);
        let headers = answer.headers();
        assert_eq!(headers["content-type"], content_type);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.starts_with("default-src 'self'; script-src 'self';") && policy.contains("frame-ancestors 'none'")
        );
        assert!(!policy.contains("unsafe"));
    }
    let page = reqwest::get(format!("{}/_local/", stack.console)).await.unwrap().text().await.unwrap();
    assert!(!page.contains("<script>") && !page.contains(" onclick="), "no inline script: the policy would block it");
    let redirect = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = redirect.get(format!("{}/_local", stack.console)).send().await.unwrap();
    assert_eq!(answer.headers()["location"], "/_local/");
}
