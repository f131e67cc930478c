//! Faults on demand (`/_local/faults`, the emulator's own control): an armed
//! operation answers Cognito's own errors as Cognito's JSON protocol carries them
//! (the "Errors" section of each operation in the Amazon Cognito user pools API
//! Reference, and its "Common Errors": `__type`, `message`, the HTTP status),
//! answers late, or drops the connection; for its next N calls or a seeded
//! fraction of them. The emulator only: a real pool cannot be told to fail.

use aws_sdk_cognitoidentityprovider::error::SdkError;
use serde_json::{json, Value};

use crate::target::*;

async fn arm(url: &str, fault: Value) -> reqwest::Response {
    reqwest::Client::new().post(format!("{url}/_local/faults")).json(&fault).send().await.unwrap()
}

async fn armed(url: &str) -> Vec<Value> {
    reqwest::get(format!("{url}/_local/faults")).await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn an_armed_error_reaches_the_sdk_as_cognitos_own_with_its_status() {
    let Some(target) = Target::custom(json!({}), "faults on demand").await else { return };
    let url = target.local.clone().unwrap();
    for (error, status) in
        [("TooManyRequestsException", 400), ("InternalErrorException", 500), ("ServiceUnavailable", 503)]
    {
        assert_eq!(arm(&url, json!({"operation": "DescribeUserPool", "error": error})).await.status(), 201);
        let result = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await;
        let SdkError::ServiceError(context) = result.expect_err("the fault strikes") else { panic!("a service error") };
        assert_eq!(context.raw().status().as_u16(), status, "{error}");
        use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata as _;
        assert_eq!(context.err().code(), Some(error));
        reqwest::Client::new().delete(format!("{url}/_local/faults")).send().await.unwrap();
    }
    // Disarmed, the operation answers again; another operation never saw the fault.
    target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.expect("disarmed");
}

#[tokio::test]
async fn a_count_strikes_the_next_calls_only_and_the_list_says_so() {
    let Some(target) = Target::custom(json!({}), "faults on demand").await else { return };
    let url = target.local.clone().unwrap();
    let fault = json!({"operation": "AdminGetUser", "userPoolId": target.pool_id, "error": "TooManyRequestsException", "count": 2});
    let answer: Value = arm(&url, fault).await.json().await.unwrap();
    assert_eq!((answer["remaining"].clone(), answer["struck"].clone()), (json!(2), json!(0)));
    let username = target.confirmed_user().await;
    let get = || target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send();
    // The SDK's own retries (standard mode, 3 attempts) spend both strikes on one call.
    get().await.expect("the third attempt is not struck");
    assert!(armed(&url).await.is_empty(), "spent, the fault disarms");
    get().await.expect("no fault is armed");
}

#[tokio::test]
async fn a_dropped_connection_is_no_answer_and_after_the_work_the_work_stands() {
    let Some(target) = Target::custom(json!({}), "faults on demand").await else { return };
    let url = target.local.clone().unwrap();
    // Every call of AdminCreateUser is answered by a closed connection, after Cognito made the user.
    arm(&url, json!({"operation": "AdminCreateUser", "drop": true, "afterWork": true})).await;
    let result = target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username("dropped-user")
        .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
        .send()
        .await;
    let error = result.expect_err("no answer");
    assert!(matches!(error, SdkError::DispatchFailure(_) | SdkError::ResponseError(_)), "{error:?}");
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username("dropped-user").send().await;
    assert_eq!(user.expect("the user was made").username(), "dropped-user");
    // Before the work (the default), the call does nothing.
    arm(&url, json!({"operation": "AdminDeleteUser", "drop": true})).await;
    let deleted = target.sdk.admin_delete_user().user_pool_id(&target.pool_id).username("dropped-user").send().await;
    assert!(deleted.is_err());
    target
        .sdk
        .admin_get_user()
        .user_pool_id(&target.pool_id)
        .username("dropped-user")
        .send()
        .await
        .expect("still there");
}

#[tokio::test]
async fn a_seeded_rate_strikes_the_same_calls_each_time() {
    let Some(target) = Target::custom(json!({}), "faults on demand").await else { return };
    let url = target.local.clone().unwrap();
    let http = reqwest::Client::new();
    let call = || {
        http.post(&url)
            .header("x-amz-target", "AWSCognitoIdentityProviderService.ListUserPools")
            .header("content-type", "application/x-amz-json-1.1")
            .body(r#"{"MaxResults": 1}"#)
            .send()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        arm(&url, json!({"operation": "ListUserPools", "error": "TooManyRequestsException", "rate": 0.5, "seed": 42}))
            .await;
        let mut struck = Vec::new();
        for _ in 0..40 {
            struck.push(call().await.unwrap().status() == 400);
        }
        let listed = armed(&url).await;
        assert_eq!(listed[0]["seen"], 40);
        assert_eq!(listed[0]["struck"], struck.iter().filter(|s| **s).count());
        http.delete(format!("{url}/_local/faults")).send().await.unwrap();
        runs.push(struck);
    }
    assert_eq!(runs[0], runs[1], "the same seed strikes the same calls");
    assert!(runs[0].contains(&true) && runs[0].contains(&false));
}

#[tokio::test]
async fn a_fault_that_cannot_be_armed_is_refused_with_the_reason() {
    let Some(target) = Target::custom(json!({}), "faults on demand").await else { return };
    let url = target.local.clone().unwrap();
    for fault in [
        json!({"operation": "NoSuchOperation", "drop": true}),
        json!({"operation": "GetUser", "error": "UserNotFoundException"}),
        json!({"operation": "GetUser", "drop": true, "delayMs": 10}),
        json!({"operation": "GetUser", "drop": true, "rate": 0}),
    ] {
        let answer = arm(&url, fault.clone()).await;
        assert_eq!(answer.status(), 400, "{fault}");
        let body: Value = answer.json().await.unwrap();
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    }
    assert!(armed(&url).await.is_empty());
}
