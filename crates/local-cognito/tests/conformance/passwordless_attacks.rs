//! An attacker's review of choice-based sign-in: what the emulator must do so that
//! the API's answers can be tested for what a stranger learns. A sign-in code goes
//! through the custom message trigger like every other message (developer guide,
//! "Custom message Lambda trigger": the trigger "receives the contents of all email
//! and SMS messages" before the pool sends them; a passwordless code's source is
//! CustomMessage_Authentication, as an MFA code's: an assumption, the source table
//! names MFA codes only), and a trigger that fails fails the call: only a real user's
//! code runs the trigger, so its fault is about the user. Emulator only (a pool with
//! triggers of its own).

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::passwordless::{passwordless_pool, user_auth};
use crate::target::*;

/// A custom message function: refuses users whose email starts with `broken`, writes
/// everyone else's message with the code.
async fn custom_message(Json(mut event): Json<Value>) -> (StatusCode, Json<Value>) {
    let email = event["request"]["userAttributes"]["email"].as_str().unwrap_or_default().to_owned();
    if email.starts_with("broken") {
        return (StatusCode::BAD_REQUEST, Json(json!({"errorType": "Error", "errorMessage": "Template missing"})));
    }
    let code = event["request"]["codeParameter"].as_str().unwrap_or_default().to_owned();
    let source = event["triggerSource"].as_str().unwrap_or_default().to_owned();
    event["response"] = json!({"emailSubject": source, "emailMessage": format!("Your code is {code}."),
        "smsMessage": format!("Code {code}")});
    (StatusCode::OK, Json(event))
}

async fn passwordless_pool_with_messages() -> Option<Target> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/custom-message", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/custom-message", axum::routing::post(custom_message));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mut seed = passwordless_pool(&["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"], "ENABLED");
    seed["pool"] = json!({"LambdaConfig": {"CustomMessage": url}});
    Target::custom(seed, "a passwordless pool with a custom message trigger").await
}

async fn user_with_email(target: &Target, email: &str) -> String {
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("email", email), ("email_verified", "true")]).await;
    username
}

async fn sign_in_messages(target: &Target, username: &str) -> Vec<Value> {
    let url = target.local.as_ref().unwrap();
    let messages: Vec<Value> = reqwest::get(format!("{url}/_local/outbox")).await.unwrap().json().await.unwrap();
    messages.into_iter().filter(|m| m["username"] == username && m["kind"] == "otp").collect()
}

#[tokio::test]
async fn a_sign_in_code_is_written_by_the_custom_message_trigger() {
    let Some(target) = passwordless_pool_with_messages().await else { return };
    let username = user_with_email(&target, &format!("ana-{}@example.com", uuid::Uuid::new_v4())).await;
    let started = user_auth(&target, &username, Some("EMAIL_OTP"), &[]).await.expect("a code challenge");
    assert_eq!(started.challenge_name, Some(ChallengeNameType::EmailOtp));
    let message = sign_in_messages(&target, &username).await.pop().expect("a sign-in code");
    let code = message["code"].as_str().unwrap();
    assert_eq!(message["subject"], "CustomMessage_Authentication");
    assert_eq!(message["text"], format!("Your code is {code}."));
}

#[tokio::test]
async fn a_failing_custom_message_trigger_fails_a_sign_in_codes_start_and_sends_nothing() {
    let Some(target) = passwordless_pool_with_messages().await else { return };
    let username = user_with_email(&target, &format!("broken-{}@example.com", uuid::Uuid::new_v4())).await;
    let refused = error_of(user_auth(&target, &username, Some("EMAIL_OTP"), &[]).await);
    assert_eq!(
        refused,
        ("UserLambdaValidationException".into(), "CustomMessage failed with error Template missing.".into())
    );
    assert!(sign_in_messages(&target, &username).await.is_empty());
    // A stranger's decoy sends nothing, so runs no trigger: a challenge, not an error.
    let stranger = format!("broken-{}@example.com", uuid::Uuid::new_v4());
    assert!(user_auth(&target, &stranger, Some("EMAIL_OTP"), &[]).await.is_ok());
}
