//! The emulator's own controls under /_local/ (not Cognito's API).

use serde_json::{json, Value};

use crate::target::*;

#[tokio::test]
async fn the_clock_moves_forward_and_reports_its_offset() {
    let Some(target) = Target::custom(json!({}), "the emulator's clock").await else { return };
    let url = target.local.clone().unwrap();
    target.advance_clock(90).await;
    let clock: Value = reqwest::get(format!("{url}/_local/clock")).await.unwrap().json().await.unwrap();
    assert_eq!(clock["offsetSeconds"], 90);
}

#[tokio::test]
async fn reset_forgets_every_pool() {
    let Some(target) = Target::custom(json!({}), "the emulator's reset").await else { return };
    let url = target.local.clone().unwrap();
    let reset = reqwest::Client::new().post(format!("{url}/_local/reset")).send().await.unwrap();
    assert_eq!(reset.status(), 204);
    let result = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await;
    assert_eq!(error_of(result).0, "ResourceNotFoundException");
}

/// A page of another site cannot drive the emulator through the developer's browser:
/// not by a form post to a control, nor by DNS rebinding its own name to 127.0.0.1.
#[tokio::test]
async fn pages_of_other_sites_and_rebound_names_are_refused() {
    let Some(target) = Target::custom(json!({}), "the emulator's browser guard").await else { return };
    let url = target.local.clone().unwrap();
    let http = reqwest::Client::new();
    // A form post from another site (no preflight: a simple request) to the reset
    let form = http
        .post(format!("{url}/_local/reset"))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("a=1")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 403);
    // A rebound name: the attacker's page is same-origin with itself, its Host is its own
    let rebound = http.get(format!("{url}/_local/outbox")).header("host", "evil.example:9229").send().await.unwrap();
    assert_eq!(rebound.status(), 403);
    let body: Value = rebound.json().await.unwrap();
    assert_eq!(body["__type"], "ForbiddenException");
    // Nothing was reset: the pool is still there
    target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.expect("the pool survives");
}

#[tokio::test]
async fn the_outbox_holds_every_message_with_its_destination() {
    let Some(target) =
        Target::custom(json!({"allowSignUp": true, "pool": {"AutoVerifiedAttributes": ["email"]}}), "the outbox").await
    else {
        return;
    };
    target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username("outbox-user")
        .password(PASSWORD)
        .user_attributes(attribute("email", "outbox@example.com"))
        .send()
        .await
        .unwrap();
    let messages: Vec<Value> =
        reqwest::get(format!("{}/_local/outbox", target.local.unwrap())).await.unwrap().json().await.unwrap();
    let message = messages.iter().find(|m| m["username"] == "outbox-user").expect("a message");
    assert_eq!(message["destination"], "outbox@example.com");
    assert_eq!(message["deliveryMedium"], "EMAIL");
    assert_eq!(message["kind"], "sign_up");
    assert_eq!(message["userPoolId"], target.pool_id.as_str());
}

#[tokio::test]
async fn with_a_state_file_users_and_tokens_survive_a_restart() {
    // GIVEN an emulator keeping its state in a file, with a pool and a signed-in user
    let directory = std::env::temp_dir().join(format!("local-cognito-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&directory).unwrap();
    let options = local_cognito::Options { state_file: Some(directory.join("state.json")), ..Default::default() };
    let first = local_cognito::start(options.clone()).await.unwrap();
    let ids = first.emulator.seed(&Default::default()).unwrap();
    let address = first.url.trim_start_matches("http://").parse().unwrap();
    let target_at = |url: &str| {
        let config = aws_sdk_cognitoidentityprovider::Config::builder()
            .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
            .region(aws_sdk_cognitoidentityprovider::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new("l", "l", None, None, "t"))
            .endpoint_url(url)
            .build();
        Target {
            sdk: aws_sdk_cognitoidentityprovider::Client::from_conf(config),
            pool_id: ids.user_pool_id.clone(),
            client_id: ids.client_id.clone(),
            client_secret: None,
            sign_up_client_id: ids.sign_up_client_id.clone(),
            local: Some(url.to_owned()),
        }
    };
    let before = target_at(&first.url);
    let username = before.confirmed_user().await;
    let access = before.tokens(&username).await.access_token.unwrap();
    drop(first);
    // WHEN the emulator restarts on the same address with the same file
    let mut second = None;
    for _ in 0..50 {
        match local_cognito::start(local_cognito::Options { address: Some(address), ..options.clone() }).await {
            Ok(running) => {
                second = Some(running);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
        }
    }
    let second = second.expect("restarted on the same address");
    let after = target_at(&second.url);
    // THEN the user signs in, and the token issued before the restart still verifies
    after.tokens(&username).await;
    let user = after.sdk.get_user().access_token(access).send().await.expect("the old token verifies");
    assert_eq!(user.username(), username.as_str());
    std::fs::remove_dir_all(directory).ok();
}

#[tokio::test]
async fn clearing_the_outbox_for_a_pool_leaves_other_pools_messages() {
    let seed = json!({"allowSignUp": true, "pool": {"AutoVerifiedAttributes": ["email"]}});
    let Some(cleared) = Target::custom(seed.clone(), "the outbox").await else { return };
    let url = cleared.local.clone().unwrap();
    // A second pool in the same emulator, as make dev keeps one per combination of settings.
    let http = reqwest::Client::new();
    let ids: Value = http.post(format!("{url}/_local/pools")).json(&seed).send().await.unwrap().json().await.unwrap();
    let kept = Target {
        sdk: cleared.sdk.clone(),
        pool_id: ids["userPoolId"].as_str().unwrap().to_owned(),
        client_id: ids["clientId"].as_str().unwrap().to_owned(),
        client_secret: None,
        sign_up_client_id: ids["signUpClientId"].as_str().unwrap().to_owned(),
        local: Some(url.clone()),
    };
    for (target, username) in [(&cleared, "cleared-user"), (&kept, "kept-user")] {
        target
            .sdk
            .sign_up()
            .client_id(&target.sign_up_client_id)
            .username(username)
            .password(PASSWORD)
            .user_attributes(attribute("email", &format!("{username}@example.com")))
            .send()
            .await
            .unwrap();
    }
    let clear = http
        .post(format!("{url}/_local/outbox/clear"))
        .json(&json!({"userPoolId": cleared.pool_id}))
        .send()
        .await
        .unwrap();
    assert_eq!(clear.status(), 200);
    let answer: Value = clear.json().await.unwrap();
    assert!(answer["removed"].as_u64().unwrap() >= 1, "{answer}");
    let messages: Vec<Value> = reqwest::get(format!("{url}/_local/outbox")).await.unwrap().json().await.unwrap();
    assert!(!messages.iter().any(|m| m["userPoolId"] == cleared.pool_id.as_str()), "{messages:?}");
    assert!(messages.iter().any(|m| m["username"] == "kept-user"), "the other pool keeps its messages");
}
