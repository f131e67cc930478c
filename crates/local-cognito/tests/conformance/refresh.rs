//! Refresh tokens: opaque, bound to their client, expiring, revocable,
//! rotating when the client says so. (Developer guide, "Refresh tokens";
//! API reference: RevokeToken, GetTokensFromRefreshToken.)

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, MessageActionType};
use serde_json::json;

use crate::target::*;

async fn refresh(
    target: &Target,
    client_id: &str,
    token: &str,
    secret_hash: Option<String>,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthError,
    >,
> {
    let mut request = target
        .sdk
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token);
    if let Some(hash) = secret_hash {
        request = request.auth_parameters("SECRET_HASH", hash);
    }
    request.send().await
}

#[tokio::test]
async fn an_unknown_refresh_token_is_refused_not_a_server_error() {
    let target = Target::standard().await;
    let result = refresh(&target, &target.client_id, "not-a-refresh-token", None).await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Invalid Refresh Token".into()));
}

#[tokio::test]
async fn a_refresh_token_works_only_for_its_client() {
    let target = Target::standard().await;
    if target.local_only("a second app client").is_none() {
        return;
    }
    let token = target.tokens(&target.confirmed_user().await).await.refresh_token.unwrap();
    let other =
        target.sdk.create_user_pool_client().user_pool_id(&target.pool_id).client_name("other").send().await.unwrap();
    let result = refresh(&target, other.user_pool_client().unwrap().client_id().unwrap(), &token, None).await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
}

#[tokio::test]
async fn a_refresh_token_expires_after_the_clients_validity() {
    // GIVEN a client whose refresh tokens live 60 minutes
    let seed = json!({"client": {"RefreshTokenValidity": 60, "AccessTokenValidity": 5, "IdTokenValidity": 5,
        "TokenValidityUnits": {"RefreshToken": "minutes", "AccessToken": "minutes", "IdToken": "minutes"}}});
    let Some(target) = Target::custom(seed, "the clock").await else { return };
    let token = target.tokens(&target.confirmed_user().await).await.refresh_token.unwrap();
    target.advance_clock(59 * 60).await;
    assert!(refresh(&target, &target.client_id, &token, None).await.is_ok());
    target.advance_clock(60).await;
    let result = refresh(&target, &target.client_id, &token, None).await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Refresh Token has expired".into()));
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_the_access_tokens_issued_from_it() {
    // GIVEN two sign-ins of one user
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let (revoked, kept) = (target.tokens(&username).await, target.tokens(&username).await);
    // WHEN the first sign-in's refresh token is revoked
    let revoke = || {
        let mut request =
            target.sdk.revoke_token().client_id(&target.client_id).token(revoked.refresh_token.clone().unwrap());
        if let Some(secret) = &target.client_secret {
            request = request.client_secret(secret);
        }
        request.send()
    };
    revoke().await.expect("revoked");
    // THEN its refresh and access tokens stop working, the other sign-in's do not, and revoking again is harmless
    let result = refresh(&target, &target.client_id, revoked.refresh_token.as_deref().unwrap(), None).await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
    let result = target.sdk.get_user().access_token(revoked.access_token.unwrap()).send().await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Access Token has been revoked".into()));
    target.sdk.get_user().access_token(kept.access_token.unwrap()).send().await.expect("the other sign-in works");
    revoke().await.expect("a second revocation is harmless");
}

#[tokio::test]
async fn only_refresh_tokens_can_be_revoked() {
    let target = Target::standard().await;
    let access = target.tokens(&target.confirmed_user().await).await.access_token.unwrap();
    let mut request = target.sdk.revoke_token().client_id(&target.client_id).token(access);
    if let Some(secret) = &target.client_secret {
        request = request.client_secret(secret);
    }
    assert_eq!(error_of(request.send().await).0, "UnsupportedTokenTypeException");
}

#[tokio::test]
async fn a_confidential_client_must_send_its_secret_to_revoke() {
    let Some(target) = Target::custom(json!({"clientSecret": true}), "a client with a secret").await else { return };
    let token = target.tokens(&target.confirmed_user().await).await.refresh_token.unwrap();
    let result = target.sdk.revoke_token().client_id(&target.client_id).token(token).send().await;
    assert_eq!(error_of(result).0, "UnauthorizedException");
}

#[tokio::test]
async fn with_rotation_each_refresh_gives_a_new_refresh_token_and_ends_the_old() {
    // GIVEN a client that rotates refresh tokens without a grace period
    let seed = json!({"client": {"RefreshTokenRotation": {"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}}});
    let Some(target) = Target::custom(seed, "an app client of its own").await else { return };
    let first = target.tokens(&target.confirmed_user().await).await.refresh_token.unwrap();
    // WHEN the token is refreshed with GetTokensFromRefreshToken
    let rotated = target
        .sdk
        .get_tokens_from_refresh_token()
        .client_id(&target.client_id)
        .refresh_token(&first)
        .send()
        .await
        .expect("refreshed")
        .authentication_result
        .unwrap();
    // THEN a new refresh token comes back, the old one is spent, and REFRESH_TOKEN_AUTH is not available
    let second = rotated.refresh_token.expect("a new refresh token");
    assert_ne!(second, first);
    let old =
        target.sdk.get_tokens_from_refresh_token().client_id(&target.client_id).refresh_token(&first).send().await;
    assert_eq!(error_of(old).0, "NotAuthorizedException");
    assert_eq!(error_of(refresh(&target, &target.client_id, &second, None).await).0, "NotAuthorizedException");
}

#[tokio::test]
async fn with_a_secret_the_refresh_hash_is_over_the_internal_username() {
    // GIVEN a pool that signs in by email, a client with a secret, and a user signed in by email
    let seed = json!({"clientSecret": true, "pool": {"UsernameAttributes": ["email"]}});
    let Some(target) = Target::custom(seed, "a pool that signs in by email").await else { return };
    let email = format!("{}@example.com", uuid::Uuid::new_v4());
    let created = target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let internal = created.user().unwrap().username().unwrap().to_owned();
    assert_ne!(internal, email, "the username is the sub");
    target
        .sdk
        .admin_set_user_password()
        .user_pool_id(&target.pool_id)
        .username(&email)
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    let token = target.tokens(&email).await.refresh_token.unwrap();
    // WHEN refreshing with SECRET_HASH over the email THEN it is refused; over the internal username it works
    let by_email = refresh(&target, &target.client_id, &token, target.secret_hash(&email)).await;
    assert_eq!(error_of(by_email).0, "NotAuthorizedException");
    refresh(&target, &target.client_id, &token, target.secret_hash(&internal)).await.expect("refreshed");
}
