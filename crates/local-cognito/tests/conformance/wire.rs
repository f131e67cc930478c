//! The wire protocol: AWS JSON 1.1 on POST /, Cognito's error shape.

use crate::target::*;

/// Cognito API reference, "Common Errors": an unknown pool is ResourceNotFoundException.
#[tokio::test]
async fn an_unknown_pool_is_resource_not_found() {
    let target = Target::standard().await;
    let result = target.sdk.describe_user_pool().user_pool_id("us-east-1_Nowhere00").send().await;
    let (code, message) = error_of(result);
    assert_eq!(code, "ResourceNotFoundException");
    assert!(message.contains("us-east-1_Nowhere00"), "{message}");
}

/// Errors are HTTP 400 with x-amzn-ErrorType and {"__type", "message"} (AWS JSON 1.1 protocol).
#[tokio::test]
async fn errors_carry_the_exception_name_in_header_and_body() {
    let target = Target::standard().await;
    let Some(url) = target.local_only("a raw HTTP request to the emulator") else { return };
    let response = reqwest::Client::new()
        .post(url)
        .header("x-amz-target", "AWSCognitoIdentityProviderService.DescribeUserPool")
        .header("content-type", "application/x-amz-json-1.1")
        .body(r#"{"UserPoolId": "us-east-1_Nowhere00"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["x-amzn-errortype"], "ResourceNotFoundException");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["__type"], "ResourceNotFoundException");
    assert!(body["message"].as_str().is_some());
}

/// An operation the emulator does not implement says so, rather than pretending.
#[tokio::test]
async fn an_operation_not_implemented_is_named() {
    let target = Target::standard().await;
    let Some(url) = target.local_only("the emulator's list of operations") else { return };
    let response = reqwest::Client::new()
        .post(url)
        .header("x-amz-target", "AWSCognitoIdentityProviderService.CreateIdentityProvider")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-amzn-errortype"], "UnknownOperationException");
    assert!(response.text().await.unwrap().contains("CreateIdentityProvider"));
}

/// docs/local-cognito.md lists exactly the operations the emulator answers.
#[test]
fn the_documentation_lists_every_operation() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/local-cognito.md");
    let documentation = std::fs::read_to_string(path).unwrap();
    let table =
        &documentation[documentation.find("## Operations").unwrap()..documentation.find("## Behaviour").unwrap()];
    let rows: String = table.lines().filter(|line| line.starts_with('|')).collect::<Vec<_>>().join("\n");
    let documented: std::collections::BTreeSet<&str> = rows
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|name| name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !name.contains('_'))
        .collect();
    let implemented: std::collections::BTreeSet<&str> = local_cognito::operation_names().into_iter().collect();
    assert_eq!(documented, implemented);
}
