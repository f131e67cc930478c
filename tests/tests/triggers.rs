//! The project's triggers (crates/triggers), called by the local Cognito as
//! Cognito calls Lambda, proved through the whole API: a refused domain, an
//! invited user who still confirms by code, the default group, the role claim.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use base64::Engine;
use integration_tests::*;
use serde_json::{json, Value};

/// A pool that allows sign-up and runs the project's triggers with these rules.
async fn pool_with_triggers(allowed: &str, invited: &str) -> (Pool, TestApi) {
    let settings = triggers::settings::Settings::from_lookup(|name| match name {
        "ALLOWED_EMAIL_DOMAINS" => Some(allowed.to_owned()),
        "INVITED_EMAIL_DOMAINS" => Some(invited.to_owned()),
        "DEFAULT_GROUP" => Some("members".to_owned()),
        _ => None,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let functions = triggers::local::router(settings, sdk());
    tokio::spawn(async move { axum::serve(listener, functions).await });
    let at = |function| format!("{base}{}", triggers::local::path(function));
    let pool = create_pool(PoolOptions {
        allow_sign_up: true,
        pool: Some(json!({"LambdaConfig": {
            "PreSignUp": at("pre-sign-up"),
            "PostConfirmation": at("post-confirmation"),
            "PreTokenGeneration": at("pre-token-generation"),
        }})),
        groups: vec!["members"],
        ..Default::default()
    })
    .await;
    let api = TestApi::start(&pool).await;
    (pool, api)
}

fn unique(name: &str) -> String {
    format!("{name}-{}", uuid::Uuid::new_v4())
}

async fn id_claims(api: &TestApi, username: &str, password: &str) -> Value {
    let login = api.post("/auth/login", json!({"username": username, "password": password}), None).await;
    assert_eq!(login.status, 200, "{login:?}");
    let payload = login.body["tokens"]["idToken"].as_str().unwrap().split('.').nth(1).unwrap().to_owned();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn a_domain_the_rule_refuses_gets_the_rules_message_and_no_account() {
    // GIVEN sign-up open to example.com only
    let (pool, api) = pool_with_triggers("example.com", "").await;
    let username = unique("ted");
    // WHEN someone at another domain signs up
    let answer = api
        .post("/auth/signup", json!({"username": username, "email": "ted@elsewhere.net", "password": PASSWORD}), None)
        .await;
    // THEN the rule's sentence, once, and no account
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["detail"], "Sign-up is open to addresses at example.com only.");
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await;
    assert!(lookup.is_err(), "no user was created");
}

#[tokio::test]
async fn the_rule_runs_for_users_an_administrator_creates_too() {
    let (_, api) = pool_with_triggers("example.com", "").await;
    let admin = api.access_token(ADMIN_USERNAME, ADMIN_PASSWORD).await;
    let body = json!({"email": "eve@elsewhere.net", "username": unique("eve"), "sendInvitation": false, "temporaryPassword": "Temp-Passw0rd-1"});
    let answer = api.post("/auth/users", body, Some(&admin)).await;
    answer.assert_problem(400, "VALIDATION_FAILED");
    assert_eq!(answer.body["detail"], "Sign-up is open to addresses at example.com only.");
}

#[tokio::test]
async fn an_invited_domain_signs_up_outside_the_allowed_list_and_still_confirms_by_code() {
    // GIVEN sign-up open to example.com, and partner.example invited
    let (pool, api) = pool_with_triggers("example.com", "partner.example").await;
    let username = unique("pia");
    // WHEN someone types an address at the invited domain
    let answer = api
        .post("/auth/signup", json!({"username": username, "email": "pia@partner.example", "password": PASSWORD}), None)
        .await;
    // THEN the account waits for the emailed code, like any other
    assert_eq!(answer.status, 201, "{answer:?}");
    assert_eq!(answer.body["userConfirmed"], false);
    assert_eq!(answer.body["codeDelivery"]["deliveryMedium"], "EMAIL");
    let code = outbox_code(&username, "sign_up").await;
    let early = api.post("/auth/login", json!({"username": username, "password": PASSWORD}), None).await;
    early.assert_problem(401, "INVALID_CREDENTIALS");
    let user = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_ne!(verified, Some("true"), "no verified email before the code");
    // AND only the code confirms and verifies the address
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(id_claims(&api, &username, PASSWORD).await["email_verified"], true);
}

#[tokio::test]
async fn straight_at_cognito_an_email_shaped_username_with_another_email_is_refused() {
    // GIVEN an attacker who calls Cognito's public SignUp with the client id, around the API
    let (pool, _) = pool_with_triggers("", "").await;
    let answer = sdk()
        .sign_up()
        .client_id(&pool.client_id)
        .username("ceo@example.com")
        .password(PASSWORD)
        .user_attributes(attribute("email", "eve@attacker.example"))
        .send()
        .await;
    // THEN the pre sign-up rule refuses it
    let error = answer.expect_err("refused");
    assert_eq!(error.code(), Some("UserLambdaValidationException"), "{error:?}");
    let lookup = sdk().admin_get_user().user_pool_id(&pool.user_pool_id).username("ceo@example.com").send().await;
    assert!(lookup.is_err(), "no user was created");
}

#[tokio::test]
async fn a_confirmed_sign_up_joins_the_default_group_and_tokens_carry_the_role() {
    // GIVEN a user who signed up and confirmed with the emailed code
    let (pool, api) = pool_with_triggers("", "").await;
    let username = unique("raf");
    let signed_up = api
        .post("/auth/signup", json!({"username": username, "email": "raf@example.com", "password": PASSWORD}), None)
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let code = outbox_code(&username, "sign_up").await;
    let confirmed = api.post("/auth/signup/confirm", json!({"username": username, "code": code}), None).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    // THEN post confirmation put them in the default group
    let groups =
        sdk().admin_list_groups_for_user().user_pool_id(&pool.user_pool_id).username(&username).send().await.unwrap();
    assert_eq!(groups.groups().iter().filter_map(|g| g.group_name()).collect::<Vec<_>>(), ["members"]);
    // AND pre token generation named their role, and the administrator's
    let member = id_claims(&api, &username, PASSWORD).await;
    assert_eq!((&member["app_role"], &member["cognito:groups"]), (&json!("member"), &json!(["members"])));
    let admin = id_claims(&api, ADMIN_USERNAME, ADMIN_PASSWORD).await;
    assert_eq!((&admin["app_role"], &admin["cognito:groups"]), (&json!("admin"), &json!(["admin"])));
}
