//! Live checks (auth_api::live): a token that passes the offline check after
//! its user was disabled, signed out everywhere or removed from a group is
//! refused, or answered with the current groups, once Cognito is asked.

use std::sync::Arc;

use auth_api::config::Config;
use auth_api::jwt::{AccessClaims, AccessTokenVerifier};
use auth_api::live::{LiveCheck, LiveVerified};
use auth_api::verified::Verified;
use axum::extract::FromRef;
use axum::routing::get;
use axum::{Json, Router};
use integration_tests::*;
use serde_json::{json, Value};

/// A pool whose ID tokens carry `app_role` from the project's pre token generation trigger.
async fn pool_with_role_claim() -> (Pool, TestApi) {
    let settings = triggers::settings::Settings::from_lookup(|_| None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let functions = triggers::local::router(settings, sdk());
    tokio::spawn(async move { axum::serve(listener, functions).await });
    let trigger = format!("{base}{}", triggers::local::path("pre-token-generation"));
    let pool = create_pool(PoolOptions {
        pool: Some(json!({"LambdaConfig": {"PreTokenGeneration": trigger}})),
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    (pool, api)
}

async fn id_token(api: &TestApi, username: &str) -> String {
    let login = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
    login.body["tokens"]["idToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_example_route_answers_the_role_the_user_has_now_not_when_the_token_was_issued() {
    let (pool, api) = pool_with_role_claim().await;
    // GIVEN an admin's ID token, answered as an admin's
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = id_token(&api, &admin).await;
    let claims = api.get("/auth/example/claims", Some(&token)).await;
    assert_eq!((claims.status, &claims.body["app_role"]), (200, &json!("admin")), "{claims:?}");
    // WHEN the user leaves the admin group
    sdk()
        .admin_remove_user_from_group()
        .user_pool_id(&pool.user_pool_id)
        .username(&admin)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    // THEN the same, unexpired token is answered with the current role and groups
    let claims = api.get("/auth/example/claims", Some(&token)).await;
    assert_eq!(claims.status, 200, "{claims:?}");
    assert_eq!((&claims.body["app_role"], &claims.body["cognito:groups"]), (&json!("member"), &json!([])));
}

#[tokio::test]
async fn the_example_route_refuses_a_disabled_or_deleted_users_token() {
    let (pool, api) = pool_with_role_claim().await;
    // GIVEN an admin's ID token WHEN the user is disabled THEN the route refuses it
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = id_token(&api, &admin).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&admin).send().await.unwrap();
    api.get("/auth/example/claims", Some(&token)).await.assert_problem(401, "UNAUTHENTICATED");
    // GIVEN another admin's token WHEN the user is deleted and the username taken again THEN refused
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = id_token(&api, &admin).await;
    sdk().admin_delete_user().user_pool_id(&pool.user_pool_id).username(&admin).send().await.unwrap();
    api.get("/auth/example/claims", Some(&token)).await.assert_problem(401, "UNAUTHENTICATED");
    sdk()
        .admin_create_user()
        .user_pool_id(&pool.user_pool_id)
        .username(&admin)
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    sdk()
        .admin_add_user_to_group()
        .user_pool_id(&pool.user_pool_id)
        .username(&admin)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    api.get("/auth/example/claims", Some(&token)).await.assert_problem(401, "UNAUTHENTICATED");
}

/// A backend team's service: one route checked offline, one live.
#[derive(Clone)]
struct Service {
    verifier: Arc<AccessTokenVerifier>,
    live: Arc<LiveCheck>,
}

impl FromRef<Service> for Arc<AccessTokenVerifier> {
    fn from_ref(service: &Service) -> Self {
        service.verifier.clone()
    }
}

impl FromRef<Service> for Arc<LiveCheck> {
    fn from_ref(service: &Service) -> Self {
        service.live.clone()
    }
}

async fn backend_service(pool: &Pool) -> String {
    let env = config_for(pool);
    let config = Config::from_lookup(|name| env.get(name).cloned()).unwrap();
    for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, "local");
        }
    }
    let cognito = auth_api::cognito::client(&config).await;
    let service = Service {
        verifier: Arc::new(AccessTokenVerifier::new(config.jwks_url(), config.issuer(), config.client_id.clone())),
        live: Arc::new(LiveCheck::new(cognito, config.user_pool_id.clone(), config.admin_group.clone())),
    };
    async fn offline(Verified(claims): Verified<AccessClaims>) -> Json<Value> {
        Json(json!({"groups": claims.groups}))
    }
    async fn live(LiveVerified(claims): LiveVerified<AccessClaims>) -> Json<Value> {
        Json(json!({"groups": claims.groups}))
    }
    let app = Router::new().route("/offline", get(offline)).route("/live", get(live)).with_state(service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

async fn call(base: &str, path: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new().get(format!("{base}{path}")).bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    // A refusal's problem body is written by the API's own middleware, absent here.
    (status, if status == 200 { response.json().await.unwrap() } else { Value::Null })
}

#[tokio::test]
async fn a_live_check_refuses_access_tokens_the_offline_check_still_accepts() {
    let pool = create_pool(PoolOptions::default()).await;
    let api = TestApi::start(&pool).await;
    let service = backend_service(&pool).await;
    // GIVEN an admin's access token WHEN the user signs out everywhere
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = api.access_token(&admin, PASSWORD).await;
    assert_eq!(call(&service, "/live", &token).await, (200, json!({"groups": ["admin"]})));
    api.post("/auth/logout", json!({"everywhere": true}), Some(&token)).await;
    // THEN the offline check cannot tell (until the token expires), the live one refuses it
    assert_eq!(call(&service, "/offline", &token).await.0, 200);
    assert_eq!(call(&service, "/live", &token).await.0, 401);
    // GIVEN another admin WHEN the user is disabled THEN the live check refuses the token
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = api.access_token(&admin, PASSWORD).await;
    sdk().admin_disable_user().user_pool_id(&pool.user_pool_id).username(&admin).send().await.unwrap();
    assert_eq!(call(&service, "/offline", &token).await.0, 200);
    assert_eq!(call(&service, "/live", &token).await.0, 401);
    // GIVEN another admin WHEN the user leaves the admin group THEN the live check answers the current groups
    let admin = confirmed_user(&pool, &["admin"]).await;
    let token = api.access_token(&admin, PASSWORD).await;
    sdk()
        .admin_remove_user_from_group()
        .user_pool_id(&pool.user_pool_id)
        .username(&admin)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    assert_eq!(call(&service, "/offline", &token).await, (200, json!({"groups": ["admin"]})));
    assert_eq!(call(&service, "/live", &token).await, (200, json!({"groups": []})));
}
