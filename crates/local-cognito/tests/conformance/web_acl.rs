//! A web ACL on the pool (the one template.yaml deploys): the public API
//! operations, authorized by a client id, a session or an access token, go
//! through it; operations authorized with AWS credentials do not. A blocked
//! request is HTTP 403 `ForbiddenException`. (Developer guide, "Associate an
//! AWS WAF web ACL with a user pool"; API reference, ForbiddenException. The
//! message is the one real pools answer, as reported by their users.)
//!
//! Emulator only: against a real pool the web ACL is AWS WAF's, and
//! docs/deployment.md's smoke check covers it.

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, SoftwareTokenMfaSettingsType};
use serde_json::json;

use crate::target::*;

const CALLER_KEY: &str = "conformance-caller-key";

/// A pool whose web ACL lets through only requests with the caller key.
async fn guarded() -> Option<Target> {
    Target::custom(
        json!({
            "callerKey": CALLER_KEY,
            "clientSecret": true,
            "explicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
        "a web ACL of its own on the pool",
    )
    .await
}

#[tokio::test]
async fn public_operations_without_the_caller_key_are_blocked_with_forbidden() {
    let Some(target) = guarded().await else { return };
    let username = target.confirmed_user().await;
    let hash = target.secret_hash(&username).unwrap();
    let initiate = |key: Option<&'static str>| {
        let request = target
            .sdk
            .initiate_auth()
            .client_id(&target.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &username)
            .auth_parameters("PASSWORD", PASSWORD)
            .auth_parameters("SECRET_HASH", &hash)
            .customize()
            .mutate_request(move |request| {
                if let Some(key) = key {
                    request.headers_mut().insert(local_cognito::CALLER_KEY_HEADER, key);
                }
            });
        request.send()
    };
    // WHEN InitiateAuth comes without the key, or with another one
    // THEN the web ACL blocks it, before Cognito looks at the password
    for key in [None, Some("guessed")] {
        let (kind, message) = error_of(initiate(key).await);
        assert_eq!((kind.as_str(), message.as_str()), ("ForbiddenException", "Request not allowed due to WAF block."));
    }
    // AND with the key, it is answered as usual
    let tokens = initiate(Some(CALLER_KEY)).await.unwrap().authentication_result.unwrap();
    assert!(tokens.access_token.is_some());
}

#[tokio::test]
async fn an_access_token_alone_reaches_no_operation_through_the_web_acl() {
    // GIVEN a user's access token (taken from an administrator's sign-in, which the web ACL never sees)
    let Some(target) = guarded().await else { return };
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    // WHEN its holder calls the user-authorized operations straight at Cognito
    let get_user = target.sdk.get_user().access_token(&access).send().await;
    let mfa_off = target
        .sdk
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(false).build())
        .send()
        .await;
    let associate = target.sdk.associate_software_token().access_token(&access).send().await;
    let delete = target.sdk.delete_user().access_token(&access).send().await;
    // THEN each is blocked
    for kind in [error_of(get_user).0, error_of(mfa_off).0, error_of(associate).0, error_of(delete).0] {
        assert_eq!(kind, "ForbiddenException");
    }
    // AND the same token with the caller key works, and the user is still there
    let user = target
        .sdk
        .get_user()
        .access_token(&access)
        .customize()
        .mutate_request(|request| {
            request.headers_mut().insert(local_cognito::CALLER_KEY_HEADER, CALLER_KEY);
        })
        .send()
        .await
        .unwrap();
    assert_eq!(user.username(), username);
}
