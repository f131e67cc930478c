//! Lambda triggers: pre sign-up, post confirmation, pre token generation.
//! (Developer guide, "Customizing user pool workflows with Lambda triggers" and
//! each trigger's page.) Locally a trigger is an http:// URL in LambdaConfig;
//! here a stub plays the functions and records the events it is sent.

use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::types::UserStatusType;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::target::*;

#[derive(Clone)]
struct Stub {
    events: Arc<Mutex<Vec<Value>>>,
    /// The pool, for post confirmation's call back (AdminAddUserToGroup).
    sdk: Arc<Mutex<Option<aws_sdk_cognitoidentityprovider::Client>>>,
}

/// The example rules, in miniature: blocked.example is refused, invited.example is
/// confirmed and verified; confirmed sign-ups join `members`; ID tokens get a claim.
async fn function(
    State(stub): State<Stub>,
    Path(name): Path<String>,
    Json(mut event): Json<Value>,
) -> (StatusCode, Json<Value>) {
    stub.events.lock().unwrap().push(json!({"function": name, "event": event.clone()}));
    let email = event["request"]["userAttributes"]["email"].as_str().unwrap_or_default().to_owned();
    match name.as_str() {
        "pre-sign-up" if email.ends_with("@blocked.example") => {
            return (StatusCode::BAD_REQUEST, Json(json!({"errorType": "Refused", "errorMessage": "Blocked domain"})));
        }
        "pre-sign-up" if email.ends_with("@invited.example") => {
            event["response"] = json!({"autoConfirmUser": true, "autoVerifyEmail": true, "autoVerifyPhone": false});
        }
        "post-confirmation" if event["triggerSource"] == "PostConfirmation_ConfirmSignUp" => {
            let sdk = stub.sdk.lock().unwrap().clone().unwrap();
            sdk.admin_add_user_to_group()
                .user_pool_id(event["userPoolId"].as_str().unwrap())
                .username(event["userName"].as_str().unwrap())
                .group_name("members")
                .send()
                .await
                .expect("the trigger calls back into the pool");
        }
        "pre-token-generation" => {
            event["response"] = json!({"claimsOverrideDetails": {
                "claimsToAddOrOverride": {"app_role": "tester", "sub": "forged"},
                "claimsToSuppress": ["birthdate"],
                "groupOverrideDetails": {"groupsToOverride": ["overridden"], "iamRolesToOverride": [], "preferredRole": null},
            }});
        }
        _ => {}
    }
    (StatusCode::OK, Json(event))
}

/// A pool whose three triggers are the stub's, and the stub's record.
async fn pool_with_triggers() -> Option<(Target, Stub)> {
    let stub = Stub { events: Default::default(), sdk: Default::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route("/{name}", axum::routing::post(function)).with_state(stub.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let seed = json!({"allowSignUp": true, "pool": {"LambdaConfig": {
        "PreSignUp": format!("{base}/pre-sign-up"),
        "PostConfirmation": format!("{base}/post-confirmation"),
        "PreTokenGeneration": format!("{base}/pre-token-generation"),
    }}});
    let target = Target::custom(seed, "triggers the emulator can call").await?;
    *stub.sdk.lock().unwrap() = Some(target.sdk.clone());
    target.sdk.create_group().user_pool_id(&target.pool_id).group_name("members").send().await.unwrap();
    Some((target, stub))
}

impl Stub {
    fn events_of(&self, function: &str) -> Vec<Value> {
        self.events.lock().unwrap().iter().filter(|e| e["function"] == function).map(|e| e["event"].clone()).collect()
    }
}

async fn sign_up(target: &Target, email: &str) -> Result<bool, (String, String)> {
    let username = email.split('@').next().unwrap();
    let answer = target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username(username)
        .password(PASSWORD)
        .user_attributes(attribute("email", email))
        .user_attributes(attribute("birthdate", "1990-01-01"))
        .send()
        .await;
    answer.map(|a| a.user_confirmed).map_err(|e| error_of::<_, ()>(Err(e)))
}

#[tokio::test]
async fn a_pre_sign_up_refusal_is_user_lambda_validation_with_the_functions_message() {
    let Some((target, stub)) = pool_with_triggers().await else { return };
    // WHEN the trigger refuses the sign-up
    let refused = sign_up(&target, "ana@blocked.example").await.unwrap_err();
    // THEN Cognito's prefix, the function's message, and no user
    assert_eq!(refused, ("UserLambdaValidationException".into(), "PreSignUp failed with error Blocked domain.".into()));
    let events = stub.events_of("pre-sign-up");
    assert_eq!(events[0]["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(events[0]["request"]["userAttributes"]["email"], "ana@blocked.example");
    assert_eq!(events[0]["callerContext"]["clientId"], target.sign_up_client_id.as_str());
    let lookup = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username("ana").send().await;
    assert_eq!(error_of(lookup).0, "UserNotFoundException");
}

#[tokio::test]
async fn an_auto_confirmed_sign_up_gets_no_code_and_no_post_confirmation() {
    let Some((target, stub)) = pool_with_triggers().await else { return };
    assert!(sign_up(&target, "bo@invited.example").await.unwrap(), "UserConfirmed");
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username("bo").send().await.unwrap();
    assert_eq!(user.user_status(), Some(&UserStatusType::Confirmed));
    assert!(user.user_attributes().iter().any(|a| a.name() == "email_verified" && a.value() == Some("true")));
    assert!(stub.events_of("post-confirmation").is_empty(), "assumption: auto-confirmation is no confirmation event");
    target.tokens("bo").await;
}

#[tokio::test]
async fn confirming_a_sign_up_runs_post_confirmation_which_may_call_the_pool_back() {
    let Some((target, stub)) = pool_with_triggers().await else { return };
    assert!(!sign_up(&target, "cy@example.com").await.unwrap());
    let code = target.outbox_code("cy", "sign_up").await;
    // WHEN the user confirms (the trigger adds them to a group through the pool's own API)
    target
        .sdk
        .confirm_sign_up()
        .client_id(&target.client_id)
        .username("cy")
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    // THEN the event names the user and their attributes, and the trigger's call took effect
    let events = stub.events_of("post-confirmation");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["triggerSource"], "PostConfirmation_ConfirmSignUp");
    assert_eq!(events[0]["userName"], "cy");
    assert_eq!(events[0]["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert!(events[0]["request"]["userAttributes"]["sub"].is_string());
    let groups =
        target.sdk.admin_list_groups_for_user().user_pool_id(&target.pool_id).username("cy").send().await.unwrap();
    assert_eq!(groups.groups().iter().filter_map(|g| g.group_name()).collect::<Vec<_>>(), ["members"]);
}

#[tokio::test]
async fn a_confirmed_password_reset_runs_post_confirmation_as_such() {
    let Some((target, stub)) = pool_with_triggers().await else { return };
    let username = target.confirmed_user().await;
    target.sdk.forgot_password().client_id(&target.client_id).username(&username).send().await.unwrap();
    let code = target.outbox_code(&username, "forgot_password").await;
    target
        .sdk
        .confirm_forgot_password()
        .client_id(&target.client_id)
        .username(&username)
        .confirmation_code(code)
        .password("Reset-Passw0rd-1")
        .send()
        .await
        .unwrap();
    let events = stub.events_of("post-confirmation");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["triggerSource"], "PostConfirmation_ConfirmForgotPassword");
}

#[tokio::test]
async fn pre_token_generation_changes_the_id_token_but_not_its_protected_claims() {
    let Some((target, stub)) = pool_with_triggers().await else { return };
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("birthdate", "1990-01-01")]).await;
    let tokens = target.tokens(&username).await;
    let id = claims(tokens.id_token().unwrap());
    assert_eq!(id["app_role"], "tester");
    assert_eq!(id["cognito:groups"], json!(["overridden"]));
    assert!(id.get("birthdate").is_none(), "suppressed");
    assert_ne!(id["sub"], "forged", "sub cannot be overridden");
    let access = claims(tokens.access_token().unwrap());
    assert!(access.get("app_role").is_none(), "version 1 events change the ID token only");
    let events = stub.events_of("pre-token-generation");
    assert_eq!(events[0]["triggerSource"], "TokenGeneration_Authentication");
    assert_eq!(events[0]["request"]["userAttributes"]["birthdate"], "1990-01-01");
}

#[tokio::test]
async fn a_trigger_that_does_not_answer_is_unexpected_lambda() {
    let seed = json!({"allowSignUp": true, "pool": {"LambdaConfig": {"PreSignUp": "http://127.0.0.1:9/pre-sign-up"}}});
    let Some(target) = Target::custom(seed, "triggers the emulator can call").await else { return };
    let (kind, _) = sign_up(&target, "dee@example.com").await.unwrap_err();
    assert_eq!(kind, "UnexpectedLambdaException");
}

#[tokio::test]
async fn a_trigger_named_by_arn_is_kept_but_not_called_locally() {
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:pre-sign-up";
    let seed = json!({"allowSignUp": true, "pool": {"LambdaConfig": {"PreSignUp": arn}}});
    let Some(target) = Target::custom(seed, "an emulator that cannot call Lambda").await else { return };
    assert!(!sign_up(&target, "dee@example.com").await.unwrap());
    let pool = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap();
    assert_eq!(pool.user_pool().and_then(|p| p.lambda_config()).and_then(|c| c.pre_sign_up()), Some(arn));
}
