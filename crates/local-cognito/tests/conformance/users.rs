//! Users: statuses, temporary passwords, attributes, aliases, usernames.
//! (Developer guide, "Managing users in your user pool", "Working with user
//! attributes"; API reference: AdminCreateUser, AdminConfirmSignUp,
//! AdminResetUserPassword, UpdateUserAttributes, ListUsers.)

use aws_sdk_cognitoidentityprovider::types::{
    ChallengeNameType, DeliveryMediumType, MessageActionType, UserStatusType,
};
use serde_json::json;

use crate::target::*;

async fn status(target: &Target, username: &str) -> UserStatusType {
    target
        .sdk
        .admin_get_user()
        .user_pool_id(&target.pool_id)
        .username(username)
        .send()
        .await
        .unwrap()
        .user_status
        .unwrap()
}

async fn attributes(target: &Target, username: &str) -> std::collections::HashMap<String, String> {
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(username).send().await.unwrap();
    user.user_attributes().iter().map(|a| (a.name().to_owned(), a.value().unwrap_or_default().to_owned())).collect()
}

#[tokio::test]
async fn admin_confirm_sign_up_confirms_only_unconfirmed_users() {
    let target = Target::standard().await;
    let invited = target.invited_user(true).await;
    let result = target.sdk.admin_confirm_sign_up().user_pool_id(&target.pool_id).username(&invited).send().await;
    assert_eq!(
        error_of(result),
        ("NotAuthorizedException".into(), "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD".into())
    );
    assert_eq!(status(&target, &invited).await, UserStatusType::ForceChangePassword);
}

#[tokio::test]
async fn after_an_admin_reset_sign_in_says_the_password_must_be_reset() {
    // GIVEN a confirmed user whose password an administrator reset
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target.sdk.admin_reset_user_password().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(status(&target, &username).await, UserStatusType::ResetRequired);
    // WHEN the user signs in THEN PasswordResetRequiredException, not a new-password challenge
    assert_eq!(error_of(target.sign_in(&username, PASSWORD).await).0, "PasswordResetRequiredException");
}

#[tokio::test]
async fn a_temporary_password_expires_after_the_pools_validity() {
    // GIVEN a pool whose temporary passwords live 7 days, and an invited user
    let Some(target) = Target::custom(json!({}), "the clock").await else { return };
    let username = target.invited_user(true).await;
    target.advance_clock(7 * 86_400).await;
    // WHEN the user signs in a week later THEN Cognito's message
    assert_eq!(
        error_of(target.sign_in(&username, PASSWORD).await),
        (
            "NotAuthorizedException".into(),
            "Temporary password has expired and must be reset by an administrator.".into()
        )
    );
}

#[tokio::test]
async fn resending_an_invitation_keeps_the_user_and_replaces_the_password() {
    // GIVEN an invited user in a group
    let Some(target) = Target::custom(json!({}), "the outbox").await else { return };
    let username = target.invited_user(true).await;
    target
        .sdk
        .admin_add_user_to_group()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    let before = attributes(&target, &username).await;
    // WHEN the invitation is re-sent
    target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .message_action(MessageActionType::Resend)
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .expect("re-sent");
    // THEN the same user (sub, attributes, groups) has a new temporary password, and the old one is gone
    assert_eq!(attributes(&target, &username).await, before);
    let groups =
        target.sdk.admin_list_groups_for_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(groups.groups().len(), 1);
    let new_password = target.outbox_code(&username, "invitation").await;
    assert_eq!(error_of(target.sign_in(&username, PASSWORD).await).0, "NotAuthorizedException");
    let answer = target.sign_in(&username, &new_password).await.expect("the new password works");
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
}

#[tokio::test]
async fn a_verified_email_alias_belongs_to_one_user() {
    // GIVEN a pool with email as an alias and a user with a verified email
    let seed = json!({"pool": {"AliasAttributes": ["email"]}});
    let Some(target) = Target::custom(seed, "a pool with an email alias").await else { return };
    let first = target.confirmed_user().await;
    let email = format!("{first}@example.com");
    // WHEN another user is created with the same verified email THEN AliasExistsException
    let result = target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username("second")
        .user_attributes(attribute("email", &email))
        .user_attributes(attribute("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await;
    assert_eq!(error_of(result).0, "AliasExistsException");
    // AND the first user signs in with the alias
    target.tokens(&email).await;
}

#[tokio::test]
async fn usernames_are_case_insensitive_when_the_pool_says_so() {
    let seed = json!({"pool": {"UsernameConfiguration": {"CaseSensitive": false}}});
    let Some(target) = Target::custom(seed, "a pool of its own").await else { return };
    let created = |name: &'static str| {
        target
            .sdk
            .admin_create_user()
            .user_pool_id(&target.pool_id)
            .username(name)
            .message_action(MessageActionType::Suppress)
            .send()
    };
    created("Jane.Doe").await.expect("created");
    assert_eq!(error_of(created("JANE.DOE").await).0, "UsernameExistsException");
    target
        .sdk
        .admin_set_user_password()
        .user_pool_id(&target.pool_id)
        .username("jane.doe")
        .password(PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap();
    target.tokens("jAnE.dOe").await;
}

#[tokio::test]
async fn attributes_are_checked_against_the_schema() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let update = |name: &str, value: &str| {
        target
            .sdk
            .admin_update_user_attributes()
            .user_pool_id(&target.pool_id)
            .username(&username)
            .user_attributes(attribute(name, value))
            .send()
    };
    let (code, message) = error_of(update("custom:unknown", "x").await);
    assert_eq!(code, "InvalidParameterException");
    assert!(message.contains("custom:unknown: Attribute does not exist in the schema."), "{message}");
    assert_eq!(error_of(update("custom:universal_id", &"x".repeat(257)).await).0, "InvalidParameterException");
    assert_eq!(error_of(update("email", "not-an-email").await).0, "InvalidParameterException");
    update("custom:universal_id", "u-42").await.expect("a valid attribute is set");
}

#[tokio::test]
async fn a_user_writes_only_what_the_client_allows() {
    // GIVEN a client that lets users write only their birthdate
    let seed = json!({"client": {"WriteAttributes": ["birthdate"]}});
    let Some(target) = Target::custom(seed, "an app client of its own").await else { return };
    let access = target.tokens(&target.confirmed_user().await).await.access_token.unwrap();
    let update = |name: &str, value: &str| {
        target.sdk.update_user_attributes().access_token(&access).user_attributes(attribute(name, value)).send()
    };
    let result = update("custom:universal_id", "forged").await;
    assert_eq!(
        error_of(result),
        ("NotAuthorizedException".into(), "A client attempted to write unauthorized attribute".into())
    );
    update("birthdate", "1990-01-31").await.expect("a writable attribute");
}

/// SchemaAttributeType, DeveloperOnlyAttribute: developer attributes are named with a
/// `dev:` prefix, are read-only to every app client, and only IAM-authenticated (admin)
/// calls such as AdminUpdateUserAttributes create or update them. The deployed pool's
/// `failed_codes` counts wrong MFA codes this way (auth_api::code_limit).
#[tokio::test]
async fn a_developer_only_attribute_is_written_by_admin_calls_only() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    // WHEN an admin call sets it THEN AdminGetUser shows it under its dev: name
    target
        .sdk
        .admin_update_user_attributes()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .user_attributes(attribute("dev:custom:failed_codes", "3:1764558000"))
        .send()
        .await
        .expect("an admin call writes a developer-only attribute");
    assert_eq!(attributes(&target, &username).await["dev:custom:failed_codes"], "3:1764558000");
    // WHEN the user writes it with their access token THEN Cognito refuses, and the value stays
    let tokens = target.tokens(&username).await;
    let forged = target
        .sdk
        .update_user_attributes()
        .access_token(tokens.access_token().unwrap())
        .user_attributes(attribute("dev:custom:failed_codes", "0:0"))
        .send()
        .await;
    assert_eq!(error_of(forged).0, "NotAuthorizedException");
    assert_eq!(attributes(&target, &username).await["dev:custom:failed_codes"], "3:1764558000");
    // AND the app client (which does not list it in ReadAttributes) sees it in no token and no GetUser
    assert!(claims(tokens.id_token().unwrap()).get("dev:custom:failed_codes").is_none());
    let own = target.sdk.get_user().access_token(tokens.access_token().unwrap()).send().await.unwrap();
    assert!(own.user_attributes().iter().all(|a| !a.name().starts_with("dev:")));
}

#[tokio::test]
async fn a_changed_email_waits_for_its_code_when_the_pool_requires_it() {
    // GIVEN a pool that verifies emails and keeps the old one until the new one is verified
    let seed = json!({"client": {"WriteAttributes": ["email", "birthdate"]}, "pool": {"AutoVerifiedAttributes": ["email"],
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}}});
    let Some(target) = Target::custom(seed, "a pool of its own and the outbox").await else { return };
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    // WHEN the user changes their email
    let answer = target
        .sdk
        .update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("email", "new@example.com"))
        .send()
        .await
        .unwrap();
    // THEN a code goes to the new address, and the old one stays, still verified
    assert_eq!(answer.code_delivery_details_list()[0].destination(), Some("n***@e***"));
    let now = attributes(&target, &username).await;
    assert_eq!(
        (now["email"].as_str(), now["email_verified"].as_str()),
        (format!("{username}@example.com").as_str(), "true")
    );
    // AND once the code is verified the new email replaces it, verified
    let code = target.outbox_code(&username, "attribute_verification").await;
    target.sdk.verify_user_attribute().access_token(&access).attribute_name("email").code(code).send().await.unwrap();
    let now = attributes(&target, &username).await;
    assert_eq!((now["email"].as_str(), now["email_verified"].as_str()), ("new@example.com", "true"));
}

#[tokio::test]
async fn a_changed_email_is_no_longer_verified() {
    // GIVEN a pool that changes the email at once (the deployed one waits for the code:
    // account_security::an_administrators_email_change_keeps_the_old_address_until_the_new_one_is_verified)
    let seed = json!({"pool": {"UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": []}}});
    let Some(target) = Target::custom(seed, "a pool of its own").await else { return };
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("email", &format!("changed-{username}@example.com"))]).await;
    assert_eq!(attributes(&target, &username).await["email_verified"], "false");
}

#[tokio::test]
async fn passwords_follow_the_pools_policy_with_cognitos_messages() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let set = |password: &'static str| {
        target
            .sdk
            .admin_set_user_password()
            .user_pool_id(&target.pool_id)
            .username(&username)
            .password(password)
            .permanent(true)
            .send()
    };
    assert_eq!(
        error_of(set("Sh0rt").await),
        ("InvalidPasswordException".into(), "Password did not conform with policy: Password not long enough".into())
    );
    assert_eq!(
        error_of(set("no-uppercase-1").await),
        (
            "InvalidPasswordException".into(),
            "Password did not conform with policy: Password must have uppercase characters".into()
        )
    );
}

#[tokio::test]
async fn list_users_filters_on_username_email_and_sub() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let sub = attributes(&target, &username).await["sub"].clone();
    for filter in [
        format!("username = \"{username}\""),
        format!("email = \"{username}@example.com\""),
        format!("sub = \"{sub}\""),
        format!("username ^= \"{}\"", &username[..30]),
    ] {
        let users = target.sdk.list_users().user_pool_id(&target.pool_id).filter(&filter).send().await.unwrap();
        assert_eq!(users.users().len(), 1, "{filter}");
        assert_eq!(users.users()[0].username(), Some(username.as_str()));
    }
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_and_loses_their_tokens() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    target.sdk.admin_disable_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert_eq!(
        error_of(target.sign_in(&username, PASSWORD).await),
        ("NotAuthorizedException".into(), "User is disabled.".into())
    );
    assert_eq!(error_of(target.sdk.get_user().access_token(access).send().await).0, "NotAuthorizedException");
}

#[tokio::test]
async fn a_generated_temporary_password_is_sent_with_the_invitation() {
    // GIVEN a user created without a temporary password
    let Some(target) = Target::custom(json!({}), "the outbox").await else { return };
    let username = format!("invited-{}", uuid::Uuid::new_v4());
    target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .user_attributes(attribute("email", "invited@example.com"))
        .desired_delivery_mediums(DeliveryMediumType::Email)
        .send()
        .await
        .unwrap();
    // THEN the invitation carries a password that meets the policy and starts NEW_PASSWORD_REQUIRED
    let password = target.outbox_code(&username, "invitation").await;
    let answer = target.sign_in(&username, &password).await.expect("the invitation's password works");
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
}

#[tokio::test]
async fn change_password_needs_the_current_one() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    let change = |previous: &'static str| {
        target
            .sdk
            .change_password()
            .access_token(&access)
            .previous_password(previous)
            .proposed_password("Changed-Passw0rd-1")
            .send()
    };
    assert_eq!(error_of(change("Wrong-Passw0rd-1").await).0, "NotAuthorizedException");
    change(PASSWORD).await.expect("changed");
    target.sign_in(&username, "Changed-Passw0rd-1").await.expect("the new password works");
}

#[tokio::test]
async fn a_user_can_delete_themselves() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    target.sdk.delete_user().access_token(&access).send().await.expect("deleted");
    let result = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await;
    assert_eq!(error_of(result), ("UserNotFoundException".into(), "User does not exist.".into()));
}

/// DeleteUser: "A deleted user profile can no longer be used to sign in". GetUser
/// documents UserNotFoundException ("a user isn't found") for an access token whose
/// user is gone, which is what Cognito answers a deleted user's token (not that the
/// token was revoked). The refresh token is refused too (NotAuthorizedException), and
/// a new user given the same username inherits none of the old one's sign-ins.
#[tokio::test]
async fn a_deleted_users_tokens_are_refused_and_pass_to_no_namesake() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let tokens = target.tokens(&username).await;
    let (access, refresh) = (tokens.access_token.unwrap(), tokens.refresh_token.unwrap());
    target.sdk.delete_user().access_token(&access).send().await.expect("deleted");
    let read = target.sdk.get_user().access_token(&access).send().await;
    assert_eq!(error_of(read), ("UserNotFoundException".into(), "User does not exist.".into()));
    let refreshed = |token: String| {
        let mut call = target
            .sdk
            .initiate_auth()
            .client_id(&target.client_id)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", token);
        if let Some(hash) = target.secret_hash(&username) {
            call = call.auth_parameters("SECRET_HASH", hash);
        }
        call.send()
    };
    assert_eq!(error_of(refreshed(refresh.clone()).await).0, "NotAuthorizedException");
    // A namesake: same username, another user (another sub).
    target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("created again");
    assert_eq!(error_of(target.sdk.get_user().access_token(&access).send().await).0, "UserNotFoundException");
    assert_eq!(error_of(refreshed(refresh).await).0, "NotAuthorizedException");
}

#[tokio::test]
async fn an_administrator_signs_a_user_out_everywhere() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let tokens = target.tokens(&username).await;
    target.sdk.admin_user_global_sign_out().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    let result = target.sdk.get_user().access_token(tokens.access_token.unwrap()).send().await;
    assert_eq!(error_of(result), ("NotAuthorizedException".into(), "Access Token has been revoked".into()));
}

#[tokio::test]
async fn group_membership_reaches_the_tokens_and_leaves_them() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target
        .sdk
        .admin_add_user_to_group()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        claims(target.tokens(&username).await.access_token.as_deref().unwrap())["cognito:groups"],
        json!(["admin"])
    );
    target
        .sdk
        .admin_remove_user_from_group()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .group_name("admin")
        .send()
        .await
        .unwrap();
    assert!(claims(target.tokens(&username).await.access_token.as_deref().unwrap()).get("cognito:groups").is_none());
}

/// ListUsers: "Quotation marks within the filter string must be escaped using the
/// backslash (\) character" (API reference, ListUsers, Filter).
#[tokio::test]
async fn list_users_takes_escaped_quotes_in_the_filter_value() {
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let family_name = format!("Re\"ddy-{}", &username[username.len() - 12..]);
    target.set_attributes(&username, &[("family_name", &family_name)]).await;
    let filter = format!("family_name = \"{}\"", family_name.replace('"', "\\\""));
    let users = target.sdk.list_users().user_pool_id(&target.pool_id).filter(&filter).send().await.unwrap();
    assert_eq!(users.users().iter().filter_map(|u| u.username()).collect::<Vec<_>>(), [username.as_str()]);
}

#[tokio::test]
async fn admin_reset_refuses_an_invited_user() {
    // AdminResetUserPassword (API reference, Errors: NotAuthorizedException), with the
    // message Cognito answers for a FORCE_CHANGE_PASSWORD user.
    // GIVEN an invited user who never chose a password
    let target = Target::standard().await;
    let invited = target.invited_user(true).await;
    // WHEN an administrator resets the password
    let result = target.sdk.admin_reset_user_password().user_pool_id(&target.pool_id).username(&invited).send().await;
    // THEN Cognito refuses, and the user stays invited
    assert_eq!(
        error_of(result),
        ("NotAuthorizedException".into(), "User password cannot be reset in the current state.".into())
    );
    assert_eq!(status(&target, &invited).await, UserStatusType::ForceChangePassword);
}

#[tokio::test]
async fn admin_reset_needs_a_verified_channel_for_the_code() {
    // AdminResetUserPassword (API reference: "sends a code to the user's verified
    // email or phone"); Cognito's observed answer without one is ForgotPassword's
    // InvalidParameterException (amazon-cognito-identity-js#678, aws-sdk-js-v3#7101).
    // GIVEN a confirmed user with no verified email or phone number
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target.set_attributes(&username, &[("email_verified", "false")]).await;
    // WHEN an administrator resets the password
    let result = target.sdk.admin_reset_user_password().user_pool_id(&target.pool_id).username(&username).send().await;
    // THEN Cognito refuses, and the user can still sign in with the old password
    assert_eq!(
        error_of(result),
        (
            "InvalidParameterException".into(),
            "Cannot reset password for the user as there is no registered/verified email or phone_number".into()
        )
    );
    assert_eq!(status(&target, &username).await, UserStatusType::Confirmed);
}

#[tokio::test]
async fn describe_user_pool_shows_the_standard_schema_and_cognitos_defaults() {
    // DescribeUserPool (API reference, UserPoolType.SchemaAttributes: "A list of the user
    // attributes and their properties in your user pool", standard ones included, `sub`
    // required and immutable); PasswordPolicyType's defaults (8 characters, every class
    // required, temporary passwords 7 days); AdminCreateUserConfigType's
    // (AllowAdminCreateUserOnly false).
    // GIVEN a pool created with nothing but its name
    let target = Target::standard().await;
    let created = target.sdk.create_user_pool().pool_name("conformance-defaults").send().await.unwrap();
    let pool_id = created.user_pool().and_then(|p| p.id()).unwrap().to_owned();
    // WHEN it is described
    let described = target.sdk.describe_user_pool().user_pool_id(&pool_id).send().await.unwrap();
    let pool = described.user_pool().unwrap();
    // THEN the standard attributes are there, `sub` required and immutable
    let schema = pool.schema_attributes();
    let sub = schema.iter().find(|a| a.name() == Some("sub")).expect("sub is listed");
    assert_eq!((sub.required(), sub.mutable()), (Some(true), Some(false)));
    for name in ["email", "email_verified", "phone_number", "preferred_username", "updated_at", "birthdate"] {
        assert!(schema.iter().any(|a| a.name() == Some(name)), "{name} is listed");
    }
    // AND Cognito's defaults stand where the input said nothing
    let policy = pool.policies().and_then(|p| p.password_policy()).expect("a password policy");
    assert_eq!(policy.minimum_length(), Some(8));
    assert!(policy.require_uppercase() && policy.require_lowercase() && policy.require_numbers());
    assert!(policy.require_symbols());
    assert_eq!(policy.temporary_password_validity_days(), 7);
    let admin_create = pool.admin_create_user_config().expect("AdminCreateUserConfig");
    assert!(!admin_create.allow_admin_create_user_only());
    target.sdk.delete_user_pool().user_pool_id(&pool_id).send().await.unwrap();
}

#[tokio::test]
async fn an_invitation_goes_by_sms_unless_email_is_asked_for() {
    // AdminCreateUser, DesiredDeliveryMediums: "Specify SMS if the phone number will be
    // used. The default value is SMS."
    // GIVEN a user with an email and a phone number, invited without saying how
    let Some(target) = Target::custom(json!({}), "the outbox").await else { return };
    let username = format!("invited-{}", uuid::Uuid::new_v4());
    target
        .sdk
        .admin_create_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .user_attributes(attribute("email", "invited@example.com"))
        .user_attributes(attribute("phone_number", "+15555550123"))
        .send()
        .await
        .unwrap();
    // THEN the invitation went by SMS only
    let url = target.local.as_ref().unwrap();
    let messages: Vec<serde_json::Value> =
        reqwest::get(format!("{url}/_local/outbox")).await.unwrap().json().await.unwrap();
    let mediums: Vec<&str> = messages
        .iter()
        .filter(|m| m["username"] == username.as_str() && m["kind"] == "invitation")
        .filter_map(|m| m["deliveryMedium"].as_str())
        .collect();
    assert_eq!(mediums, vec!["SMS"]);
}

#[tokio::test]
async fn an_enabled_user_signs_in_again_and_is_listed_as_enabled() {
    // AdminEnableUser: "Activate sign-in for a user profile that previously had sign-in access
    // disabled." ListUsers, Filter: `status` (called Enabled in the Console) is "Enabled" or
    // "Disabled" (case-sensitive).
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    target.sdk.admin_disable_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    let disabled = target.sdk.list_users().user_pool_id(&target.pool_id).filter("status = \"Disabled\"").send().await;
    assert!(disabled.unwrap().users().iter().any(|u| u.username() == Some(username.as_str())));
    assert!(!target
        .sdk
        .admin_get_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .send()
        .await
        .unwrap()
        .enabled());
    target.sdk.admin_enable_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert!(target
        .sdk
        .admin_get_user()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .send()
        .await
        .unwrap()
        .enabled());
    target.sign_in(&username, PASSWORD).await.expect("an enabled user signs in");
    let result = target.sdk.admin_enable_user().user_pool_id(&target.pool_id).username("nobody-at-all").send().await;
    assert_eq!(error_of(result), ("UserNotFoundException".into(), "User does not exist.".into()));
}

#[tokio::test]
async fn a_deleted_user_is_gone_and_cannot_sign_in() {
    // AdminDeleteUser: "Deletes a user profile in your user pool." Afterwards the user is not
    // listed, AdminGetUser and a second AdminDeleteUser answer UserNotFoundException, and
    // their access token is refused.
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    target.sdk.admin_delete_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    let filter = format!("username = \"{username}\"");
    let listed = target.sdk.list_users().user_pool_id(&target.pool_id).filter(filter).send().await.unwrap();
    assert!(listed.users().is_empty());
    let result = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await;
    assert_eq!(error_of(result), ("UserNotFoundException".into(), "User does not exist.".into()));
    let result = target.sdk.admin_delete_user().user_pool_id(&target.pool_id).username(&username).send().await;
    assert_eq!(error_of(result), ("UserNotFoundException".into(), "User does not exist.".into()));
    assert!(target.sign_in(&username, PASSWORD).await.is_err());
    assert!(target.sdk.get_user().access_token(access).send().await.is_err());
}
