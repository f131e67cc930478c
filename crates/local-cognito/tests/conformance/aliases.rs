//! preferred_username as a sign-in alias (CreateUserPool AliasAttributes).
//! Developer guide, "User pool attributes" (sign-in aliases): users sign in with
//! the alias; "If you select preferred_username as an alias, your user can provide
//! the value only when they confirm an account": the alias names its user once the
//! account is confirmed, so an invited user (FORCE_CHANGE_PASSWORD) signs in and
//! answers NEW_PASSWORD_REQUIRED by the username. Alias values are unique in the
//! pool: AliasExistsException (its message for preferred_username is assumed, after
//! the email one). ForceAliasCreation "is used only if the phone_number_verified or
//! email_verified attribute is set to True" (AdminCreateUser, ConfirmSignUp): it
//! never moves a preferred_username.

use aws_sdk_cognitoidentityprovider::types::{ChallengeNameType, MessageActionType};
use serde_json::json;

use crate::target::*;

fn alias_pool() -> serde_json::Value {
    json!({"pool": {"AliasAttributes": ["preferred_username"], "UsernameConfiguration": {"CaseSensitive": false}}})
}

#[tokio::test]
async fn a_preferred_username_alias_signs_in_once_the_account_is_confirmed() {
    // GIVEN a pool with preferred_username as an alias, and an invited user who has one
    let Some(target) = Target::custom(alias_pool(), "a pool with a preferred_username alias").await else { return };
    let username = target.invited_user(true).await;
    let alias = format!("jane_d-{}", &username[13..21]);
    target.set_attributes(&username, &[("preferred_username", &alias)]).await;
    // WHEN they sign in by the alias before confirming the account THEN it names no one
    let (code, message) = error_of(target.sign_in(&alias, PASSWORD).await);
    assert_eq!((code.as_str(), message.as_str()), ("NotAuthorizedException", "Incorrect username or password."));
    // AND a NEW_PASSWORD_REQUIRED session is not answered by the alias either
    let challenge = target.sign_in(&username, PASSWORD).await.expect("the username signs in");
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
    let answer = |name: &str| {
        let mut request = target
            .sdk
            .admin_respond_to_auth_challenge()
            .user_pool_id(&target.pool_id)
            .client_id(&target.client_id)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(challenge.session.clone().unwrap())
            .challenge_responses("USERNAME", name)
            .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd");
        if let Some(hash) = target.secret_hash(name) {
            request = request.challenge_responses("SECRET_HASH", hash);
        }
        request.send()
    };
    assert_eq!(error_of(answer(&alias).await).0, "NotAuthorizedException");
    // WHEN the user answers with the username (confirming the account)
    let challenge = target.sign_in(&username, PASSWORD).await.expect("the username signs in");
    let mut request = target
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(challenge.session.unwrap())
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd");
    if let Some(hash) = target.secret_hash(&username) {
        request = request.challenge_responses("SECRET_HASH", hash);
    }
    request.send().await.expect("the new password is set");
    // THEN the alias signs in, in any case (the pool's usernames are case-insensitive), as the user
    let tokens = target
        .sign_in(&alias.to_uppercase(), "Brand-New-Passw0rd")
        .await
        .expect("the alias signs in")
        .authentication_result
        .expect("tokens");
    assert_eq!(claims(&tokens.access_token.unwrap())["username"], username.as_str());
}

#[tokio::test]
async fn a_preferred_username_alias_belongs_to_one_user() {
    // GIVEN a confirmed user whose preferred_username is an alias
    let Some(target) = Target::custom(alias_pool(), "a pool with a preferred_username alias").await else { return };
    let first = target.confirmed_user().await;
    let alias = format!("pat-{}", &first[13..21]);
    target.set_attributes(&first, &[("preferred_username", &alias)]).await;
    // WHEN another user is created with it, even with ForceAliasCreation THEN AliasExistsException
    for force in [false, true] {
        let result = target
            .sdk
            .admin_create_user()
            .user_pool_id(&target.pool_id)
            .username(format!("second-{force}"))
            .user_attributes(attribute("preferred_username", &alias.to_uppercase()))
            .force_alias_creation(force)
            .message_action(MessageActionType::Suppress)
            .send()
            .await;
        let (code, message) = error_of(result);
        assert_eq!(code, "AliasExistsException");
        assert_eq!(message, "An account with the given preferred_username already exists.");
    }
    // AND another confirmed user cannot take it by an update
    let second = target.confirmed_user().await;
    let result = target
        .sdk
        .admin_update_user_attributes()
        .user_pool_id(&target.pool_id)
        .username(&second)
        .user_attributes(attribute("preferred_username", &alias))
        .send()
        .await;
    assert_eq!(error_of(result).0, "AliasExistsException");
    // AND the alias still signs the first user in
    let tokens = target.tokens(&alias).await;
    assert_eq!(claims(&tokens.access_token.unwrap())["username"], first.as_str());
}

#[tokio::test]
async fn without_the_alias_a_preferred_username_is_only_an_attribute() {
    // GIVEN the deployed pool (no AliasAttributes) and a user with a preferred_username
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let alias = format!("kim-{}", &username[13..21]);
    target.set_attributes(&username, &[("preferred_username", &alias)]).await;
    // WHEN someone signs in by it THEN it names no one
    assert_eq!(error_of(target.sign_in(&alias, PASSWORD).await).0, "NotAuthorizedException");
}
