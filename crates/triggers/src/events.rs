//! Cognito's event plumbing around the rules: read what a rule needs from the
//! event, write its answer where Cognito reads it.

use std::sync::Arc;

use aws_lambda_events::event::cognito::{
    CognitoEventUserPoolsCustomMessage, CognitoEventUserPoolsMigrateUser,
    CognitoEventUserPoolsMigrateUserTriggerSource, CognitoEventUserPoolsPostConfirmation,
    CognitoEventUserPoolsPostConfirmationTriggerSource, CognitoEventUserPoolsPreSignup,
    CognitoEventUserPoolsPreTokenGen,
};
use aws_sdk_cognitoidentityprovider::Client;

use crate::legacy::LegacyUsers;
use crate::rules::{self, Rejection, SignUpPolicy};

/// Pre sign-up: refuse, or let Cognito go on as it would (the user confirms
/// with the emailed code). Never auto-confirm or auto-verify: the address is
/// only what the caller typed.
pub fn pre_sign_up(
    mut event: CognitoEventUserPoolsPreSignup,
    policy: &SignUpPolicy,
) -> Result<CognitoEventUserPoolsPreSignup, Rejection> {
    let username = event.cognito_event_user_pools_header.user_name.clone().unwrap_or_default();
    policy.decide(&username, event.request.user_attributes.get("email").map(String::as_str))?;
    event.response.auto_confirm_user = false;
    event.response.auto_verify_email = false;
    event.response.auto_verify_phone = false;
    Ok(event)
}

/// Post confirmation: put a newly signed-up user in the default group.
pub async fn post_confirmation(
    event: CognitoEventUserPoolsPostConfirmation,
    cognito: &Client,
    default_group: Option<&str>,
) -> Result<CognitoEventUserPoolsPostConfirmation, lambda_runtime::Error> {
    let header = &event.cognito_event_user_pools_header;
    let is_sign_up = header.trigger_source == Some(CognitoEventUserPoolsPostConfirmationTriggerSource::ConfirmSignUp);
    for group in rules::groups_on_confirmation(default_group, is_sign_up) {
        cognito
            .admin_add_user_to_group()
            .user_pool_id(header.user_pool_id.clone().unwrap_or_default())
            .username(header.user_name.clone().unwrap_or_default())
            .group_name(group)
            .send()
            .await?;
    }
    Ok(event)
}

/// Pre token generation (V1): add the rule's claims to the ID token.
pub fn pre_token_generation(
    mut event: CognitoEventUserPoolsPreTokenGen,
    admin_group: &str,
) -> CognitoEventUserPoolsPreTokenGen {
    let groups = &event.request.group_configuration;
    let mut details = aws_lambda_events::event::cognito::ClaimsOverrideDetails::default();
    details.claims_to_add_or_override =
        rules::extra_claims(&groups.groups_to_override, admin_group).into_iter().collect();
    // The crate always writes groupOverrideDetails, and Cognito applies what it is
    // given: hand back the user's own groups, or the token would lose them.
    details.group_override_details = groups.clone();
    event.response.claims_override_details = Some(details);
    event
}

/// User migration: a username the pool lacks, looked up in the old store (on a
/// blocking thread: hashing, or the store's own I/O), held to the sign-up rules, its
/// email checked against the pool's users (ListUsers), and claimed in the store (once
/// per user: `rules::conclude`). Every refusal is one message. `cognito` is the pool's
/// client; None only where there is no pool to ask (unit tests): then nobody holds it.
pub async fn user_migration(
    mut event: CognitoEventUserPoolsMigrateUser,
    store: Arc<dyn LegacyUsers>,
    policy: &SignUpPolicy,
    cognito: Option<&Client>,
) -> Result<CognitoEventUserPoolsMigrateUser, Rejection> {
    let header = &event.cognito_event_user_pools_header;
    let username = header.user_name.clone().unwrap_or_default();
    let pool_id = header.user_pool_id.clone().unwrap_or_default();
    let source = header.trigger_source.clone();
    let password = event.cognito_event_user_pools_migrate_user_request.password.clone();
    let (policy, asked, name) = (policy.clone(), store.clone(), username.clone());
    let decided = tokio::task::spawn_blocking(move || match (source, password) {
        (Some(CognitoEventUserPoolsMigrateUserTriggerSource::Authentication), Some(password)) => {
            rules::migrate_on_sign_in(asked.as_ref(), &policy, &name, &password)
        }
        (Some(CognitoEventUserPoolsMigrateUserTriggerSource::ForgotPassword), _) => {
            rules::migrate_on_forgot_password(asked.as_ref(), &policy, &name)
        }
        _ => Err(rules::not_migrated()),
    })
    .await
    .map_err(|_| rules::not_migrated())??;
    let held = match (cognito, decided.attributes.get("email")) {
        (Some(cognito), Some(email)) if decided.attributes.contains_key("email_verified") => {
            email_held(cognito, &pool_id, email).await
        }
        _ => false,
    };
    let decided = tokio::task::spawn_blocking(move || rules::conclude(store.as_ref(), &username, decided, held))
        .await
        .map_err(|_| rules::not_migrated())??;
    let response = &mut event.cognito_event_user_pools_migrate_user_response;
    response.user_attributes = decided.attributes.into_iter().collect();
    response.final_user_status = Some(decided.final_user_status.to_owned());
    // The user signs in on the spot, or gets the reset code: no welcome message.
    response.message_action = Some("SUPPRESS".to_owned());
    response.desired_delivery_mediums = None;
    response.force_alias_creation = false;
    Ok(event)
}

/// Whether a user of the pool past UNCONFIRMED has `email` (as given or in lower
/// case; ListUsers, first page). A pool that cannot answer counts as holding it: the
/// address then comes over unverified, which is the safe side.
async fn email_held(cognito: &Client, pool_id: &str, email: &str) -> bool {
    let lower = email.to_lowercase();
    for spelling in if lower == email { vec![email] } else { vec![email, lower.as_str()] } {
        // ListUsers' filter quotes the value: a quote or backslash in it is escaped.
        let filter = format!("email = \"{}\"", spelling.replace('\\', "\\\\").replace('"', "\\\""));
        let page =
            cognito.list_users().user_pool_id(pool_id).filter(filter).attributes_to_get("email").limit(60).send();
        match page.await {
            Ok(page) => {
                let unconfirmed = aws_sdk_cognitoidentityprovider::types::UserStatusType::Unconfirmed;
                if page.users().iter().any(|user| user.user_status() != Some(&unconfirmed)) {
                    return true;
                }
            }
            Err(error) => {
                tracing::warn!(error = %aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&error), "ListUsers failed: the email comes over unverified");
                return true;
            }
        }
    }
    false
}

/// Custom message: every email and SMS from the templates, in the user's
/// `locale`. Without Cognito's code placeholder the event goes back untouched
/// (Cognito's own message is sent): a message must carry its code.
pub fn custom_message(mut event: CognitoEventUserPoolsCustomMessage) -> CognitoEventUserPoolsCustomMessage {
    let source = serde_json::to_value(&event.cognito_event_user_pools_header.trigger_source).unwrap_or_default();
    let Some(kind) = source.as_str().and_then(rules::message_kind) else { return event };
    let Some(code) = event.request.code_parameter.clone().filter(|c| !c.is_empty()) else { return event };
    let locale = event.request.user_attributes.get("locale").and_then(|l| l.as_str());
    let message = rules::custom_message(kind, locale, &code, event.request.username_parameter.as_deref());
    event.response.email_subject = Some(message.subject);
    event.response.email_message = Some(message.email);
    event.response.sms_message = Some(message.sms);
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Shapes from Cognito's developer guide, "Pre sign-up Lambda trigger" and
    // "Pre token generation Lambda trigger".
    fn sign_up_event(email: &str) -> CognitoEventUserPoolsPreSignup {
        serde_json::from_value(json!({
            "version": "1", "region": "eu-west-1", "userPoolId": "eu-west-1_pool", "userName": "ana",
            "triggerSource": "PreSignUp_SignUp",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
            "request": {"userAttributes": {"email": email}, "validationData": null},
            "response": {"autoConfirmUser": false, "autoVerifyEmail": false, "autoVerifyPhone": false}
        }))
        .unwrap()
    }

    #[test]
    fn an_invited_sign_up_is_neither_confirmed_nor_verified_by_the_trigger() {
        let policy = SignUpPolicy::from_lists("example.com", "partner.example");
        let mut event = sign_up_event("ana@partner.example");
        // Even an event that arrives asking for it.
        event.response.auto_confirm_user = true;
        event.response.auto_verify_email = true;
        let answer = serde_json::to_value(pre_sign_up(event, &policy).unwrap()).unwrap();
        assert_eq!(answer["response"]["autoConfirmUser"], false);
        assert_eq!(answer["response"]["autoVerifyEmail"], false);
        assert_eq!(answer["response"]["autoVerifyPhone"], false);
        assert_eq!(answer["userName"], "ana", "the event goes back whole");
    }

    #[test]
    fn an_email_shaped_username_with_another_email_is_refused() {
        let mut event = sign_up_event("eve@attacker.example");
        event.cognito_event_user_pools_header.user_name = Some("ceo@example.com".into());
        assert!(pre_sign_up(event, &SignUpPolicy::default()).is_err());
    }

    #[test]
    fn a_refused_sign_up_is_an_error_carrying_the_rules_message() {
        let policy = SignUpPolicy::from_lists("example.com", "");
        let refused = pre_sign_up(sign_up_event("ana@elsewhere.net"), &policy).unwrap_err();
        assert_eq!(refused.to_string(), "Sign-up is open to addresses at example.com only.");
    }

    #[test]
    fn the_role_claim_is_added_and_the_users_groups_are_kept() {
        let event: CognitoEventUserPoolsPreTokenGen = serde_json::from_value(json!({
            "version": "1", "region": "eu-west-1", "userPoolId": "eu-west-1_pool", "userName": "ana",
            "triggerSource": "TokenGeneration_Authentication",
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
            "request": {
                "userAttributes": {"sub": "1", "email": "ana@example.com"},
                "groupConfiguration": {"groupsToOverride": ["admin", "members"], "iamRolesToOverride": [], "preferredRole": null}
            },
            "response": {"claimsOverrideDetails": null}
        }))
        .unwrap();
        let answer = serde_json::to_value(pre_token_generation(event, "admin")).unwrap();
        let details = &answer["response"]["claimsOverrideDetails"];
        assert_eq!(details["claimsToAddOrOverride"], json!({"app_role": "admin"}));
        assert_eq!(details["groupOverrideDetails"]["groupsToOverride"], json!(["admin", "members"]));
        assert_eq!(details["claimsToSuppress"], json!([]));
    }

    // Shapes from Cognito's developer guide, "Migrate user Lambda trigger".
    fn migration_event(source: &str, password: Option<&str>) -> CognitoEventUserPoolsMigrateUser {
        serde_json::from_value(json!({
            "version": "1", "region": "eu-west-1", "userPoolId": "eu-west-1_pool", "userName": "kenji",
            "triggerSource": source,
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
            "request": {"password": password, "validationData": null, "clientMetadata": {}},
            "response": {}
        }))
        .unwrap()
    }

    fn example_store() -> Arc<dyn LegacyUsers> {
        Arc::new(crate::legacy::JsonLegacyUsers::from_json(include_str!("../legacy-users.example.json")).unwrap())
    }

    #[tokio::test]
    async fn a_migration_at_sign_in_answers_the_users_attributes_confirmed_and_suppressed() {
        let event = migration_event("UserMigration_Authentication", Some("Legacy-Passw0rd"));
        let answer =
            serde_json::to_value(user_migration(event, example_store(), &SignUpPolicy::default(), None).await.unwrap())
                .unwrap();
        let response = &answer["response"];
        assert_eq!(response["userAttributes"]["email"], "kenji@example.com");
        assert_eq!(response["userAttributes"]["email_verified"], "true");
        assert_eq!(response["userAttributes"]["locale"], "ja");
        assert_eq!(response["finalUserStatus"], "CONFIRMED");
        assert_eq!(response["messageAction"], "SUPPRESS");
        assert_eq!(response["forceAliasCreation"], false, "never takes an address from another user");
    }

    #[tokio::test]
    async fn a_wrong_password_a_stranger_and_a_missing_password_get_one_refusal() {
        let store = example_store();
        let wrong = user_migration(
            migration_event("UserMigration_Authentication", Some("Wrong-1")),
            store.clone(),
            &SignUpPolicy::default(),
            None,
        )
        .await;
        let mut stranger = migration_event("UserMigration_Authentication", Some("Legacy-Passw0rd"));
        stranger.cognito_event_user_pools_header.user_name = Some("nobody".into());
        let stranger = user_migration(stranger, store.clone(), &SignUpPolicy::default(), None).await;
        let no_password = user_migration(
            migration_event("UserMigration_Authentication", None),
            store,
            &SignUpPolicy::default(),
            None,
        )
        .await;
        assert_eq!(wrong.unwrap_err(), rules::not_migrated());
        assert_eq!(stranger.unwrap_err(), rules::not_migrated());
        assert_eq!(no_password.unwrap_err(), rules::not_migrated());
    }

    #[tokio::test]
    async fn a_forgotten_password_migrates_without_a_password() {
        let event = migration_event("UserMigration_ForgotPassword", None);
        let answer =
            serde_json::to_value(user_migration(event, example_store(), &SignUpPolicy::default(), None).await.unwrap())
                .unwrap();
        assert_eq!(answer["response"]["finalUserStatus"], "RESET_REQUIRED");
        assert_eq!(answer["response"]["userAttributes"]["email_verified"], "true");
    }

    // Shapes from Cognito's developer guide, "Custom message Lambda trigger".
    fn message_event(source: &str, locale: Option<&str>) -> CognitoEventUserPoolsCustomMessage {
        serde_json::from_value(json!({
            "version": "1", "region": "eu-west-1", "userPoolId": "eu-west-1_pool", "userName": "kenji",
            "triggerSource": source,
            "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "CLIENT_ID_NOT_APPLICABLE"},
            "request": {
                "userAttributes": {"sub": "1", "email": "kenji@example.com", "locale": locale, "email_verified": "true"},
                "codeParameter": "{####}",
                "usernameParameter": if source == "CustomMessage_AdminCreateUser" { json!("{username}") } else { json!(null) },
                "clientMetadata": {}
            },
            "response": {"smsMessage": null, "emailMessage": null, "emailSubject": null}
        }))
        .unwrap()
    }

    #[test]
    fn a_japanese_invitation_carries_cognitos_placeholders_for_username_and_password() {
        let answer =
            serde_json::to_value(custom_message(message_event("CustomMessage_AdminCreateUser", Some("ja")))).unwrap();
        let response = &answer["response"];
        assert_eq!(response["emailSubject"], "アカウントへのご招待");
        assert!(response["emailMessage"].as_str().unwrap().contains("ユーザー名: {username}"));
        assert!(response["smsMessage"].as_str().unwrap().contains("{####}"));
    }

    #[test]
    fn every_source_is_written_and_an_unknown_locale_is_english() {
        for source in [
            "CustomMessage_SignUp",
            "CustomMessage_ResendCode",
            "CustomMessage_ForgotPassword",
            "CustomMessage_UpdateUserAttribute",
            "CustomMessage_VerifyUserAttribute",
            "CustomMessage_Authentication",
        ] {
            let answer = serde_json::to_value(custom_message(message_event(source, Some("pt-BR")))).unwrap();
            let email = answer["response"]["emailMessage"].as_str().unwrap_or_else(|| panic!("{source}"));
            assert!(email.contains("{####}") && email.is_ascii(), "{source}: {email}");
        }
    }

    #[test]
    fn without_a_code_parameter_the_event_goes_back_untouched() {
        let mut event = message_event("CustomMessage_SignUp", Some("ja"));
        event.request.code_parameter = None;
        let answer = custom_message(event.clone());
        assert_eq!(answer, event);
    }
}
