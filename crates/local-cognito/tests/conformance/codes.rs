//! Codes sent to users: sign-up (24 hours), forgotten password (1 hour),
//! attribute verification (24 hours). Random six digits; a resend replaces
//! the code; spent and expired codes give ExpiredCodeException; attempts are
//! limited. (Developer guide, "Signing up and confirming user accounts",
//! "Email settings"; API reference: ConfirmSignUp, ConfirmForgotPassword.)

use aws_sdk_cognitoidentityprovider::types::UserStatusType;
use serde_json::json;

use crate::target::*;

const SIGN_UP: &str = "sign_up";

async fn sign_up_pool() -> Option<Target> {
    let seed = json!({"allowSignUp": true, "pool": {"AutoVerifiedAttributes": ["email"]}});
    Target::custom(seed, "self sign-up, the outbox and the clock").await
}

async fn sign_up(target: &Target) -> String {
    let username = format!("signup-{}", uuid::Uuid::new_v4());
    let answer = target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username(&username)
        .password(PASSWORD)
        .user_attributes(attribute("email", "jane@example.com"))
        .send()
        .await
        .expect("signed up");
    assert!(!answer.user_confirmed);
    let delivery = answer.code_delivery_details.expect("a code was sent");
    assert_eq!(delivery.destination(), Some("j***@e***"));
    username
}

async fn confirm(target: &Target, username: &str, code: &str) -> Result<(), (String, String)> {
    let result = target
        .sdk
        .confirm_sign_up()
        .client_id(&target.client_id)
        .username(username)
        .confirmation_code(code)
        .send()
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(_) => Err(error_of(result)),
    }
}

#[tokio::test]
async fn a_sign_up_code_confirms_the_user_and_verifies_the_email() {
    let Some(target) = sign_up_pool().await else { return };
    let username = sign_up(&target).await;
    let code = target.outbox_code(&username, SIGN_UP).await;
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{code}");
    confirm(&target, &username, &code).await.expect("confirmed");
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(user.user_status, Some(UserStatusType::Confirmed));
    assert!(user.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("true")));
}

#[tokio::test]
async fn a_wrong_code_is_a_mismatch_and_a_confirmed_user_cannot_confirm_again() {
    let Some(target) = sign_up_pool().await else { return };
    let username = sign_up(&target).await;
    let code = target.outbox_code(&username, SIGN_UP).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(confirm(&target, &username, wrong).await.unwrap_err().0, "CodeMismatchException");
    confirm(&target, &username, &code).await.expect("confirmed");
    // A confirmed user cannot be confirmed again (Cognito's message names the status).
    assert_eq!(confirm(&target, &username, &code).await.unwrap_err().0, "NotAuthorizedException");
}

#[tokio::test]
async fn a_sign_up_code_expires_after_24_hours() {
    let Some(target) = sign_up_pool().await else { return };
    let username = sign_up(&target).await;
    let code = target.outbox_code(&username, SIGN_UP).await;
    target.advance_clock(24 * 3600).await;
    assert_eq!(confirm(&target, &username, &code).await.unwrap_err().0, "ExpiredCodeException");
}

#[tokio::test]
async fn a_resend_replaces_the_code() {
    let Some(target) = sign_up_pool().await else { return };
    let username = sign_up(&target).await;
    let first = target.outbox_code(&username, SIGN_UP).await;
    target.sdk.resend_confirmation_code().client_id(&target.client_id).username(&username).send().await.unwrap();
    let second = target.outbox_code(&username, SIGN_UP).await;
    if first != second {
        assert_eq!(confirm(&target, &username, &first).await.unwrap_err().0, "CodeMismatchException");
    }
    confirm(&target, &username, &second).await.expect("the new code confirms");
}

/// Cognito limits attempts but does not document the number: five here, an assumption.
#[tokio::test]
async fn attempts_at_a_code_are_limited() {
    let Some(target) = sign_up_pool().await else { return };
    let username = sign_up(&target).await;
    let code = target.outbox_code(&username, SIGN_UP).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(confirm(&target, &username, wrong).await.unwrap_err().0, "CodeMismatchException");
    }
    assert_eq!(confirm(&target, &username, &code).await.unwrap_err().0, "LimitExceededException");
}

#[tokio::test]
async fn a_forgot_password_code_resets_the_password_within_an_hour() {
    let Some(target) = Target::custom(json!({}), "the outbox and the clock").await else { return };
    let username = target.confirmed_user().await;
    let forgot = || target.sdk.forgot_password().client_id(&target.client_id).username(&username).send();
    let delivery = forgot().await.unwrap().code_delivery_details.unwrap();
    assert_eq!(delivery.delivery_medium().map(|m| m.as_str()), Some("EMAIL"));
    let reset = |code: String| {
        target
            .sdk
            .confirm_forgot_password()
            .client_id(&target.client_id)
            .username(&username)
            .confirmation_code(code)
            .password("Reset-Passw0rd-1")
            .send()
    };
    // An hour later the code has expired.
    let code = target.outbox_code(&username, "forgot_password").await;
    target.advance_clock(3600).await;
    assert_eq!(error_of(reset(code).await).0, "ExpiredCodeException");
    // A fresh code resets the password.
    forgot().await.unwrap();
    reset(target.outbox_code(&username, "forgot_password").await).await.expect("reset");
    target.sign_in(&username, "Reset-Passw0rd-1").await.expect("the new password works");
}

#[tokio::test]
async fn sign_up_is_refused_when_only_administrators_create_users() {
    let target = Target::standard().await;
    let result = target
        .sdk
        .sign_up()
        .client_id(&target.client_id)
        .username("someone")
        .password(PASSWORD)
        .set_secret_hash(target.secret_hash("someone"))
        .user_attributes(attribute("email", "someone@example.com"))
        .send()
        .await;
    assert_eq!(
        error_of(result),
        ("NotAuthorizedException".into(), "SignUp is not permitted for this user pool".into())
    );
}

#[tokio::test]
async fn sign_up_requires_the_schemas_required_attributes() {
    // GIVEN a pool whose schema requires the email (every client must then be able to write it)
    let seed = json!({"allowSignUp": true, "client": {"WriteAttributes": ["email", "birthdate"]}, "pool": {"Schema": [
        {"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}]}});
    let Some(target) = Target::custom(seed, "a pool of its own").await else { return };
    let result =
        target.sdk.sign_up().client_id(&target.sign_up_client_id).username("no-email").password(PASSWORD).send().await;
    let (code, message) = error_of(result);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("email"), "{message}");
}

/// The medium ForgotPassword chose for a user with a verified email and phone,
/// in a pool whose AccountRecoverySetting is `setting` (null: none).
async fn recovery_medium(setting: serde_json::Value) -> String {
    let seed = serde_json::json!({"pool": {"AccountRecoverySetting": setting}});
    let target = Target::custom(seed, "a pool of its own").await.expect("the emulator");
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    let sent = target.sdk.forgot_password().client_id(&target.client_id).username(&username).send().await.unwrap();
    sent.code_delivery_details.unwrap().delivery_medium().unwrap().as_str().to_owned()
}

#[tokio::test]
async fn account_recovery_setting_decides_where_the_reset_code_goes() {
    // AccountRecoverySettingType (API reference): the RecoveryMechanisms by Priority; "In
    // the absence of this setting, Amazon Cognito uses the legacy behavior to determine
    // the recovery method where SMS is preferred through email."
    if Target::custom(serde_json::json!({}), "pools of their own").await.is_none() {
        return;
    }
    let phone_first = serde_json::json!({"RecoveryMechanisms": [
        {"Name": "verified_email", "Priority": 2}, {"Name": "verified_phone_number", "Priority": 1}]});
    let email_only = serde_json::json!({"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]});
    assert_eq!(recovery_medium(phone_first).await, "SMS");
    assert_eq!(recovery_medium(email_only).await, "EMAIL");
    assert_eq!(recovery_medium(serde_json::Value::Null).await, "SMS");
}
