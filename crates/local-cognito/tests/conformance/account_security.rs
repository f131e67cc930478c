//! What the API's takeover defences rely on Cognito for: the app client cannot
//! write the email, a required attribute must be writable by every client, an
//! administrator's email change keeps the old address until the new one is
//! verified, a sign-up client that allows no sign-in flow issues no tokens, and
//! AdminUserGlobalSignOut ends refresh and access tokens alike.
//! (API reference: CreateUserPoolClient WriteAttributes, UpdateUserAttributes,
//! AdminUpdateUserAttributes, UserAttributeUpdateSettingsType,
//! AdminUserGlobalSignOut, AdminInitiateAuth; developer guide, "Working with
//! user attributes", attribute permissions and scopes.)

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use serde_json::json;

use crate::target::*;

async fn attributes(target: &Target, username: &str) -> std::collections::HashMap<String, String> {
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(username).send().await.unwrap();
    user.user_attributes().iter().map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned())).collect()
}

#[tokio::test]
async fn a_stolen_access_token_cannot_change_the_email_or_preferred_username() {
    // GIVEN the deployed pool's app client and a signed-in user (the attacker holds the access token)
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    // WHEN the token's holder calls Cognito's public UpdateUserAttributes, around the API
    for (name, value) in [("email", "attacker@example.net"), ("preferred_username", "admin")] {
        let result = target
            .sdk
            .update_user_attributes()
            .access_token(&access)
            .user_attributes(attribute(name, value))
            .send()
            .await;
        // THEN Cognito refuses: the client may not write it
        assert_eq!(
            error_of(result),
            ("NotAuthorizedException".into(), "A client attempted to write unauthorized attribute".into()),
            "{name}"
        );
    }
    assert_eq!(attributes(&target, &username).await["email"], format!("{username}@example.com"));
}

#[tokio::test]
async fn every_client_must_be_able_to_write_the_required_attributes() {
    // GIVEN a pool whose schema requires the email
    let seed = json!({"client": {"WriteAttributes": ["email", "birthdate"]}, "pool": {"Schema": [
        {"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}]}});
    let Some(target) = Target::custom(seed, "a pool of its own").await else { return };
    let create = |write: &[&str]| {
        target
            .sdk
            .create_user_pool_client()
            .user_pool_id(&target.pool_id)
            .client_name("another")
            .set_write_attributes(Some(write.iter().map(|name| name.to_string()).collect()))
            .send()
    };
    // WHEN a client that cannot write it is created THEN Cognito refuses
    assert_eq!(
        error_of(create(&["birthdate"]).await),
        ("InvalidParameterException".into(), "Invalid write attributes specified while creating a client".into())
    );
    // AND one that can is created
    create(&["email"]).await.expect("a client that writes the required email");
}

#[tokio::test]
async fn an_administrators_email_change_keeps_the_old_address_until_the_new_one_is_verified() {
    // GIVEN the deployed pool (AttributesRequireVerificationBeforeUpdate: email) and a user with a verified email
    let Some(target) = Target::custom(json!({}), "the outbox").await else { return };
    let username = target.confirmed_user().await;
    let old = format!("{username}@example.com");
    // WHEN an administrator changes the email
    target.set_attributes(&username, &[("email", "new@example.com")]).await;
    // THEN the old address stays, still verified, and the code goes to the new one
    let now = attributes(&target, &username).await;
    assert_eq!((now["email"].as_str(), now["email_verified"].as_str()), (old.as_str(), "true"));
    let messages: Vec<serde_json::Value> =
        reqwest::get(format!("{}/_local/outbox", target.local.as_ref().unwrap())).await.unwrap().json().await.unwrap();
    let sent = messages.iter().rev().find(|m| m["username"] == username.as_str()).expect("a message");
    assert_eq!(
        (sent["kind"].as_str(), sent["destination"].as_str()),
        (Some("attribute_verification"), Some("new@example.com"))
    );
    // AND the code, verified, moves the email
    let code = target.outbox_code(&username, "attribute_verification").await;
    let access = target.tokens(&username).await.access_token.unwrap();
    target.sdk.verify_user_attribute().access_token(&access).attribute_name("email").code(code).send().await.unwrap();
    let now = attributes(&target, &username).await;
    assert_eq!((now["email"].as_str(), now["email_verified"].as_str()), ("new@example.com", "true"));
}

#[tokio::test]
async fn an_administrator_who_says_the_new_email_is_verified_changes_it_at_once() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("email", "direct@example.com"), ("email_verified", "true")]).await;
    assert_eq!(attributes(&target, &username).await["email"], "direct@example.com");
}

#[tokio::test]
async fn the_sign_up_client_signs_no_one_in() {
    // GIVEN the deployed sign-up client (ExplicitAuthFlows: ALLOW_REFRESH_TOKEN_AUTH only)
    let Some(target) = Target::custom(json!({}), "the emulator's sign-up client").await else { return };
    let username = target.confirmed_user().await;
    // WHEN a password sign-in is tried through it THEN Cognito refuses the flow
    let result = target
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&target.pool_id)
        .client_id(&target.sign_up_client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await;
    assert_eq!(error_of(result), ("InvalidParameterException".into(), "Auth flow not enabled for this client".into()));
}

#[tokio::test]
async fn admin_global_sign_out_ends_refresh_tokens_and_the_access_tokens_they_issued() {
    // GIVEN a user signed in twice, one of them refreshed since
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let (first, second) = (target.tokens(&username).await, target.tokens(&username).await);
    let mut refresh = target
        .sdk
        .initiate_auth()
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", second.refresh_token.clone().unwrap());
    if let Some(hash) = target.secret_hash(&username) {
        refresh = refresh.auth_parameters("SECRET_HASH", hash);
    }
    let refreshed = refresh.clone().send().await.unwrap().authentication_result.unwrap();
    // WHEN an administrator signs the user out everywhere (AdminUserGlobalSignOut)
    target.sdk.admin_user_global_sign_out().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    // THEN every access token says "Access Token has been revoked", and the refresh token no longer refreshes
    for access in [first.access_token, second.access_token, refreshed.access_token] {
        let result = target.sdk.get_user().access_token(access.unwrap()).send().await;
        assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Access Token has been revoked".into()));
    }
    assert_eq!(error_of(refresh.send().await).0, "NotAuthorizedException");
}
