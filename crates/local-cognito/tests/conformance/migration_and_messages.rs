//! The user migration and custom message triggers. (Developer guide, "Migrate
//! user Lambda trigger", "Importing users with a user migration Lambda trigger",
//! "Custom message Lambda trigger".) A stub plays the functions and records the
//! events it is sent; usernames tell it what to answer.

use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, DeliveryMediumType, UserStatusType};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::target::*;

const OLD_PASSWORD: &str = "old password, any policy";

#[derive(Clone, Default)]
struct Stub {
    events: Arc<Mutex<Vec<Value>>>,
}

/// Migration: `legacy-*` users exist in the old store with OLD_PASSWORD
/// (`legacy-reset-*` must reset, `legacy-welcome-*` gets the welcome email);
/// anyone else is refused. Messages: written with both placeholders, except for
/// `plain-*` users (no code placeholder) and `broken-*` users (the function fails).
async fn function(
    State(stub): State<Stub>,
    Path(name): Path<String>,
    Json(mut event): Json<Value>,
) -> (StatusCode, Json<Value>) {
    stub.events.lock().unwrap().push(json!({"function": name, "event": event.clone()}));
    let username = event["userName"].as_str().unwrap_or_default().to_owned();
    let refuse =
        |message: &str| (StatusCode::BAD_REQUEST, Json(json!({"errorType": "Error", "errorMessage": message})));
    match name.as_str() {
        "user-migration" => {
            let sign_in = event["triggerSource"] == "UserMigration_Authentication";
            if !username.starts_with("legacy-") || (sign_in && event["request"]["password"] != OLD_PASSWORD) {
                return refuse("Bad password");
            }
            event["response"]["userAttributes"] =
                json!({"email": format!("{username}@example.com"), "email_verified": "true", "locale": "ja"});
            if username.starts_with("legacy-reset-") {
                event["response"]["finalUserStatus"] = json!("RESET_REQUIRED");
            } else if sign_in {
                event["response"]["finalUserStatus"] = json!("CONFIRMED");
            }
            if username.starts_with("legacy-welcome-") {
                event["response"]["desiredDeliveryMediums"] = json!(["EMAIL"]);
            } else {
                event["response"]["messageAction"] = json!("SUPPRESS");
            }
        }
        "custom-message" if username.starts_with("broken-") => return refuse("Template missing"),
        "custom-message" => {
            let code = event["request"]["codeParameter"].as_str().unwrap_or_default().to_owned();
            let code = if username.starts_with("plain-") { "(no code)".to_owned() } else { code };
            let greeting = match event["request"]["usernameParameter"].as_str() {
                Some(user) => format!("Welcome {user}"),
                None => "Hello".to_owned(),
            };
            event["response"] = json!({
                "emailSubject": format!("Subject for {}", event["triggerSource"].as_str().unwrap()),
                "emailMessage": format!("{greeting}, your code is {code}."),
                "smsMessage": format!("Code {code}"),
            });
        }
        _ => {}
    }
    (StatusCode::OK, Json(event))
}

async fn pool_with(triggers: &[(&str, &str)]) -> Option<(Target, Stub)> {
    let stub = Stub::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/{name}", axum::routing::post(function)).with_state(stub.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let config: serde_json::Map<String, Value> =
        triggers.iter().map(|(trigger, path)| (trigger.to_string(), json!(format!("{base}/{path}")))).collect();
    let seed = json!({
        "allowSignUp": true,
        "explicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        "pool": {"LambdaConfig": config},
    });
    let target = Target::custom(seed, "triggers the emulator can call").await?;
    Some((target, stub))
}

async fn migrating_pool() -> Option<(Target, Stub)> {
    pool_with(&[("UserMigration", "user-migration")]).await
}

async fn messages_pool() -> Option<(Target, Stub)> {
    pool_with(&[("CustomMessage", "custom-message")]).await
}

impl Stub {
    fn events_of(&self, function: &str) -> Vec<Value> {
        self.events.lock().unwrap().iter().filter(|e| e["function"] == function).map(|e| e["event"].clone()).collect()
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4())
}

async fn outbox(target: &Target, username: &str) -> Vec<Value> {
    let url = target.local.as_ref().unwrap();
    let messages: Vec<Value> = reqwest::get(format!("{url}/_local/outbox")).await.unwrap().json().await.unwrap();
    messages.into_iter().filter(|m| m["username"] == username).collect()
}

#[tokio::test]
async fn a_password_sign_in_of_an_unknown_user_migrates_them_with_the_password_they_typed() {
    let Some((target, stub)) = migrating_pool().await else { return };
    let username = unique("legacy-");
    // WHEN a user the pool lacks signs in with ADMIN_USER_PASSWORD_AUTH
    let answer = target.sign_in(&username, OLD_PASSWORD).await.expect("signed in");
    // THEN tokens on the spot, a CONFIRMED user with the trigger's attributes
    assert!(answer.authentication_result().and_then(|r| r.id_token()).is_some());
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::Confirmed));
    assert!(user.user_attributes().iter().any(|a| a.name() == "locale" && a.value() == Some("ja")));
    // AND the event as the guide shows it: the typed password, once
    let events = stub.events_of("user-migration");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["triggerSource"], "UserMigration_Authentication");
    assert_eq!(events[0]["userName"], username.as_str());
    assert_eq!(events[0]["request"]["password"], OLD_PASSWORD);
    assert_eq!(events[0]["callerContext"]["clientId"], target.client_id.as_str());
    // AND the user now lives in the pool: the next sign-in asks nobody, a wrong password fails
    target.sign_in(&username, OLD_PASSWORD).await.expect("signed in again");
    let (kind, _) = error_of(target.sign_in(&username, "another password").await);
    assert_eq!(kind, "NotAuthorizedException");
    assert_eq!(stub.events_of("user-migration").len(), 1);
    assert!(outbox(&target, &username).await.is_empty(), "messageAction SUPPRESS: no welcome");
}

#[tokio::test]
async fn the_triggers_refusal_is_user_lambda_validation_and_no_user_is_made() {
    let Some((target, _)) = migrating_pool().await else { return };
    let username = unique("legacy-");
    let refused = error_of(target.sign_in(&username, "a wrong password").await);
    assert_eq!(
        refused,
        ("UserLambdaValidationException".into(), "UserMigration failed with error Bad password.".into())
    );
    let lookup = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await;
    assert_eq!(error_of(lookup).0, "UserNotFoundException");
}

#[tokio::test]
async fn a_reset_required_migration_answers_password_reset_required() {
    let Some((target, _)) = migrating_pool().await else { return };
    let username = unique("legacy-reset-");
    let (kind, _) = error_of(target.sign_in(&username, OLD_PASSWORD).await);
    assert_eq!(kind, "PasswordResetRequiredException");
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::ResetRequired));
}

#[tokio::test]
async fn forgot_password_migrates_without_a_password_and_sends_the_reset_code() {
    let Some((target, stub)) = migrating_pool().await else { return };
    let username = unique("legacy-");
    let mut request = target.sdk.forgot_password().client_id(&target.client_id).username(&username);
    if let Some(hash) = target.secret_hash(&username) {
        request = request.secret_hash(hash);
    }
    let sent = request.send().await.expect("a code is sent");
    assert_eq!(sent.code_delivery_details().and_then(|d| d.delivery_medium()), Some(&DeliveryMediumType::Email));
    let events = stub.events_of("user-migration");
    assert_eq!(events[0]["triggerSource"], "UserMigration_ForgotPassword");
    assert!(events[0]["request"].get("password").is_none(), "the guide: not set in the forgot-password flow");
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::ResetRequired));
    // WHEN the user sets a new password with the code
    let code = target.outbox_code(&username, "forgot_password").await;
    let mut confirm = target
        .sdk
        .confirm_forgot_password()
        .client_id(&target.client_id)
        .username(&username)
        .confirmation_code(code)
        .password("New-Passw0rd-1");
    if let Some(hash) = target.secret_hash(&username) {
        confirm = confirm.secret_hash(hash);
    }
    confirm.send().await.unwrap();
    // THEN they sign in with it, and the old password is nothing
    target.sign_in(&username, "New-Passw0rd-1").await.expect("signed in");
    assert_eq!(error_of(target.sign_in(&username, OLD_PASSWORD).await).0, "NotAuthorizedException");
}

#[tokio::test]
async fn an_srp_sign_in_never_migrates() {
    let Some((target, stub)) = migrating_pool().await else { return };
    let username = unique("legacy-");
    let mut request = target
        .sdk
        .initiate_auth()
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("SRP_A", "abcdef");
    if let Some(hash) = target.secret_hash(&username) {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    let _ = request.send().await;
    assert!(stub.events_of("user-migration").is_empty(), "the guide: SRP sends no password to check");
}

#[tokio::test]
async fn without_message_action_the_migrated_user_is_welcomed() {
    let Some((target, _)) = migrating_pool().await else { return };
    let username = unique("legacy-welcome-");
    target.sign_in(&username, OLD_PASSWORD).await.expect("signed in");
    let messages = outbox(&target, &username).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "welcome", "assumption: the welcome message's content is undocumented");
    assert_eq!(messages[0]["deliveryMedium"], "EMAIL");
}

async fn sign_up(target: &Target, username: &str) {
    let request = target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(attribute("email", &format!("{username}@example.com")));
    request.send().await.expect("signed up");
}

#[tokio::test]
async fn a_sign_up_code_is_written_by_the_trigger_with_the_code_in_place_of_its_placeholder() {
    let Some((target, stub)) = messages_pool().await else { return };
    let username = unique("ana-");
    sign_up(&target, &username).await;
    let message = outbox(&target, &username).await.pop().expect("a message");
    let code = message["code"].as_str().unwrap();
    assert_eq!(message["subject"], "Subject for CustomMessage_SignUp");
    assert_eq!(message["text"], format!("Hello, your code is {code}."));
    let events = stub.events_of("custom-message");
    assert_eq!(events[0]["triggerSource"], "CustomMessage_SignUp");
    assert_eq!(events[0]["request"]["codeParameter"], "{####}");
    assert_eq!(events[0]["request"]["usernameParameter"], Value::Null);
    assert!(events[0]["request"]["userAttributes"]["email"].is_string());
    assert!(!events[0].to_string().contains(code), "the trigger never sees the code");
}

#[tokio::test]
async fn an_invitation_carries_the_username_and_temporary_password_where_the_placeholders_were() {
    let Some((target, stub)) = messages_pool().await else { return };
    let username = unique("bo-");
    target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .temporary_password("Temp-Passw0rd-1")
        .user_attributes(attribute("email", "bo@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    let message = outbox(&target, &username).await.pop().expect("an invitation");
    assert_eq!(message["kind"], "invitation");
    assert_eq!(message["text"], format!("Welcome {username}, your code is Temp-Passw0rd-1."));
    let events = stub.events_of("custom-message");
    assert_eq!(events[0]["triggerSource"], "CustomMessage_AdminCreateUser");
    assert_eq!(events[0]["request"]["usernameParameter"], "{username}");
}

#[tokio::test]
async fn each_code_names_its_source_sign_up_resend_and_forgotten_password() {
    let Some((target, stub)) = messages_pool().await else { return };
    let username = unique("cy-");
    sign_up(&target, &username).await;
    let hash = target.secret_hash(&username);
    target
        .sdk
        .resend_confirmation_code()
        .client_id(&target.client_id)
        .username(&username)
        .set_secret_hash(hash.clone())
        .send()
        .await
        .unwrap();
    target.sdk.admin_confirm_sign_up().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    target.set_attributes(&username, &[("email_verified", "true")]).await;
    target
        .sdk
        .forgot_password()
        .client_id(&target.client_id)
        .username(&username)
        .set_secret_hash(hash)
        .send()
        .await
        .unwrap();
    let sources: Vec<Value> = stub.events_of("custom-message").iter().map(|e| e["triggerSource"].clone()).collect();
    assert_eq!(sources, ["CustomMessage_SignUp", "CustomMessage_ResendCode", "CustomMessage_ForgotPassword"]);
    let reset = outbox(&target, &username).await.pop().unwrap();
    assert_eq!(reset["subject"], "Subject for CustomMessage_ForgotPassword");
}

#[tokio::test]
async fn an_answer_without_the_code_placeholder_leaves_cognitos_own_message() {
    let Some((target, _)) = messages_pool().await else { return };
    let username = unique("plain-");
    sign_up(&target, &username).await;
    let message = outbox(&target, &username).await.pop().expect("a message");
    assert!(message.get("text").is_none() && message.get("subject").is_none(), "assumption: {message}");
    assert!(message["code"].as_str().is_some_and(|c| !c.is_empty()), "the code still goes out");
}

#[tokio::test]
async fn a_failing_custom_message_trigger_fails_the_call_and_sends_nothing() {
    let Some((target, _)) = messages_pool().await else { return };
    let username = unique("broken-");
    let request = target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username(&username)
        .password(PASSWORD)
        .user_attributes(attribute("email", "broken@example.com"));
    let refused = error_of(request.send().await);
    assert_eq!(
        refused,
        ("UserLambdaValidationException".into(), "CustomMessage failed with error Template missing.".into())
    );
    assert!(outbox(&target, &username).await.is_empty());
}
