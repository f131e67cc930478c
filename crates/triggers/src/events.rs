//! Cognito's event plumbing around the rules: read what a rule needs from the
//! event, write its answer where Cognito reads it.

use aws_lambda_events::event::cognito::{
    CognitoEventUserPoolsPostConfirmation, CognitoEventUserPoolsPostConfirmationTriggerSource,
    CognitoEventUserPoolsPreSignup, CognitoEventUserPoolsPreTokenGen,
};
use aws_sdk_cognitoidentityprovider::Client;

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
}
