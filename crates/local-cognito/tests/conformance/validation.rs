//! Model constraints: enums, ranges and required members fail before any
//! logic, in AWS's form "1 validation error detected: Value '...' at '...'
//! failed to satisfy constraint: ..." (InvalidParameterException; the API
//! reference's "Common Errors", and each operation's request syntax).

use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, PreventUserExistenceErrorTypes, TimeUnitsType, TokenValidityUnitsType,
};
use serde_json::{json, Value};

use crate::target::*;

/// A call on the wire, for inputs the SDK would not send as they are.
async fn raw(url: &str, operation: &str, body: Value) -> (String, String) {
    let answer: Value = reqwest::Client::new()
        .post(format!("{url}/"))
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        answer["__type"].as_str().unwrap_or_default().to_owned(),
        answer["message"].as_str().unwrap_or_default().to_owned(),
    )
}

fn invalid(message: &str) -> (String, String) {
    ("InvalidParameterException".into(), message.into())
}

#[tokio::test]
async fn an_unknown_explicit_auth_flow_is_refused() {
    // CreateUserPoolClient, ExplicitAuthFlows: "Valid Values: ADMIN_NO_SRP_AUTH | ... | ALLOW_USER_AUTH".
    let target = Target::standard().await;
    let result = target
        .sdk
        .create_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_name("conformance-enum")
        .explicit_auth_flows(ExplicitAuthFlowsType::from("ALLOW_EVERYTHING"))
        .send()
        .await;
    assert_eq!(
        error_of(result),
        invalid(
            "1 validation error detected: Value '[ALLOW_EVERYTHING]' at 'explicitAuthFlows' failed to satisfy \
             constraint: Member must satisfy constraint: [Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, \
             CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, \
             ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_AUTH]]"
        )
    );
}

#[tokio::test]
async fn an_unknown_prevent_user_existence_errors_is_refused() {
    // CreateUserPoolClient, PreventUserExistenceErrors: "Valid Values: LEGACY | ENABLED".
    let target = Target::standard().await;
    let result = target
        .sdk
        .create_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_name("conformance-enum")
        .prevent_user_existence_errors(PreventUserExistenceErrorTypes::from("SOMETIMES"))
        .send()
        .await;
    assert_eq!(
        error_of(result),
        invalid(
            "1 validation error detected: Value 'SOMETIMES' at 'preventUserExistenceErrors' failed to satisfy \
             constraint: Member must satisfy enum value set: [LEGACY, ENABLED]"
        )
    );
}

#[tokio::test]
async fn an_unknown_token_validity_unit_is_refused_not_read_as_days() {
    // CreateUserPoolClient, TokenValidityUnitsType: "Valid Values: seconds | minutes | hours | days".
    let target = Target::standard().await;
    let result = target
        .sdk
        .create_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_name("conformance-enum")
        .access_token_validity(1)
        .token_validity_units(TokenValidityUnitsType::builder().access_token(TimeUnitsType::from("weeks")).build())
        .send()
        .await;
    assert_eq!(
        error_of(result),
        invalid(
            "1 validation error detected: Value 'weeks' at 'tokenValidityUnits.accessToken' failed to satisfy \
             constraint: Member must satisfy enum value set: [seconds, minutes, hours, days]"
        )
    );
}

#[tokio::test]
async fn list_users_refuses_a_limit_over_60() {
    // ListUsers, Limit: "Valid Range: Minimum value of 0. Maximum value of 60."
    let target = Target::standard().await;
    let result = target.sdk.list_users().user_pool_id(&target.pool_id).limit(61).send().await;
    assert_eq!(
        error_of(result),
        invalid(
            "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have \
             value less than or equal to 60"
        )
    );
}

#[tokio::test]
async fn list_user_pools_needs_max_results() {
    // ListUserPools, MaxResults: "Required: Yes", "Valid Range: Minimum value of 1. Maximum value of 60."
    let target = Target::standard().await;
    let Some(url) = target.local_only("a raw request without MaxResults") else { return };
    assert_eq!(
        raw(url, "ListUserPools", json!({})).await,
        invalid(
            "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: Member must not \
             be null"
        )
    );
    assert_eq!(
        raw(url, "ListUserPools", json!({"MaxResults": 61})).await,
        invalid(
            "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have \
             value less than or equal to 60"
        )
    );
    let pools = target.sdk.list_user_pools().max_results(60).send().await.unwrap();
    assert!(!pools.user_pools().is_empty());
}
