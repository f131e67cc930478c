//! Choice-based sign-in, `AuthFlow: USER_AUTH`, with one-time codes and passwords
//! as first factors. Developer guide: "Manage authentication methods in AWS SDKs"
//! (choice-based authentication), "Authentication flows" (passwordless sign-in);
//! API reference: InitiateAuth and AdminInitiateAuth (AuthParameters USERNAME,
//! PREFERRED_CHALLENGE; Session from ConfirmSignUp; AvailableChallenges),
//! RespondToAuthChallenge (SELECT_CHALLENGE with ANSWER, EMAIL_OTP_CODE,
//! SMS_OTP_CODE, PASSWORD), SignInPolicyType, CreateUserPool (UserPoolTier),
//! SignUp (Password optional), ConfirmSignUp (Session), WebAuthnMfaSettingsType
//! (passkey sign-in when MFA is required only with passkey MFA);
//! "Managing error responses" (PreventUserExistenceErrors).
//! These need a pool of their own settings: the emulator only.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use serde_json::{json, Value};

use crate::target::*;

const ALL_FACTORS: [&str; 4] = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];

/// A pool whose SignInPolicy allows `factors`, with an ALLOW_USER_AUTH client.
/// With every factor, the seed's `passwordless` option (`PASSWORDLESS=1 make dev`'s pool).
pub fn passwordless_pool(factors: &[&str], prevent: &str) -> Value {
    let mut seed = json!({
        "passwordless": true,
        "allowSignUp": true,
        "client": {
            "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "PreventUserExistenceErrors": prevent,
            "AuthSessionValidity": 15,
        },
    });
    if factors != ALL_FACTORS {
        seed["pool"] = json!({"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": factors}}});
    }
    seed
}

pub async fn passwordless_target(prevent: &str) -> Option<Target> {
    Target::custom(passwordless_pool(&ALL_FACTORS, prevent), "a pool that allows passwordless first factors").await
}

pub async fn user_auth(
    target: &Target,
    username: &str,
    preferred: Option<&str>,
    extra: &[(&str, &str)],
) -> Result<
    AdminInitiateAuthOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthError,
    >,
> {
    let mut request = target
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", username);
    if let Some(preferred) = preferred {
        request = request.auth_parameters("PREFERRED_CHALLENGE", preferred);
    }
    for (name, value) in extra {
        request = request.auth_parameters(*name, *value);
    }
    request.send().await
}

pub async fn answer(
    target: &Target,
    challenge: ChallengeNameType,
    session: &str,
    username: &str,
    responses: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeError,
    >,
> {
    let mut responses: HashMap<String, String> =
        responses.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    responses.insert("USERNAME".into(), username.into());
    target
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .challenge_name(challenge)
        .session(session)
        .set_challenge_responses(Some(responses))
        .send()
        .await
}

fn names(challenges: &[ChallengeNameType]) -> Vec<&str> {
    challenges.iter().map(ChallengeNameType::as_str).collect()
}

#[tokio::test]
async fn describe_user_pool_shows_the_sign_in_policy_tier_and_relying_party() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let pool = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap().user_pool.unwrap();
    let factors = pool.policies.unwrap().sign_in_policy.unwrap().allowed_first_auth_factors.unwrap();
    assert_eq!(factors.iter().map(|f| f.as_str()).collect::<Vec<_>>(), ALL_FACTORS);
    assert_eq!(pool.user_pool_tier.unwrap().as_str(), "ESSENTIALS");
    let mfa = target.sdk.get_user_pool_mfa_config().user_pool_id(&target.pool_id).send().await.unwrap();
    let web_authn = mfa.web_authn_configuration.unwrap();
    assert_eq!(web_authn.relying_party_id.as_deref(), Some("localhost"));
    assert_eq!(web_authn.user_verification.unwrap().as_str(), "preferred");
}

#[tokio::test]
async fn a_pool_without_a_sign_in_policy_allows_only_passwords() {
    // DescribeUserPool: AllowedFirstAuthFactors defaults to PASSWORD.
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    let pool = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap().user_pool.unwrap();
    let factors = pool.policies.unwrap().sign_in_policy.unwrap().allowed_first_auth_factors.unwrap();
    assert_eq!(factors.iter().map(|f| f.as_str()).collect::<Vec<_>>(), ["PASSWORD"]);
}

#[tokio::test]
async fn passwordless_factors_need_the_essentials_tier_and_a_password_factor() {
    let Some(target) = Target::custom(json!({}), "pools of its own").await else { return };
    let create = |tier: &str, factors: &[&str]| {
        let policy = aws_sdk_cognitoidentityprovider::types::SignInPolicyType::builder()
            .set_allowed_first_auth_factors(Some(factors.iter().map(|f| (*f).into()).collect()))
            .build();
        target
            .sdk
            .create_user_pool()
            .pool_name(format!("conformance-{}", uuid::Uuid::new_v4()))
            .user_pool_tier(tier.into())
            .policies(
                aws_sdk_cognitoidentityprovider::types::UserPoolPolicyType::builder().sign_in_policy(policy).build(),
            )
            .send()
    };
    // SignInPolicyType: "your user pool must be in the Essentials tier or higher".
    let (kind, _) = error_of(create("LITE", &["PASSWORD", "EMAIL_OTP"]).await);
    assert_eq!(kind, "FeatureUnavailableInTierException");
    // Passwords alone are every tier's.
    create("LITE", &["PASSWORD"]).await.expect("LITE with passwords only");
    // PASSWORD stays a first factor.
    let (kind, _) = error_of(create("ESSENTIALS", &["EMAIL_OTP"]).await);
    assert_eq!(kind, "InvalidParameterException");
    // The model: at most 4 factors, each a member of the enum.
    let (kind, message) = error_of(create("ESSENTIALS", &["PASSWORD", "MAGIC_LINK"]).await);
    assert_eq!(kind, "InvalidParameterException");
    assert!(message.contains("allowedFirstAuthFactors"), "{message}");
    create("PLUS", &["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]).await.expect("PLUS with every factor");
}

#[tokio::test]
async fn user_auth_needs_allow_user_auth_on_the_client() {
    let mut seed = passwordless_pool(&ALL_FACTORS, "ENABLED");
    seed["client"]["ExplicitAuthFlows"] = json!(["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
    let Some(target) = Target::custom(seed, "a client without ALLOW_USER_AUTH").await else { return };
    let username = target.confirmed_user().await;
    let (kind, message) = error_of(user_auth(&target, &username, None, &[]).await);
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("InvalidParameterException", "Auth flow not enabled for this client")
    );
}

#[tokio::test]
async fn without_a_preference_the_user_chooses_among_the_factors_they_have() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    // A user with a password and a verified email (no phone, no passkey).
    let username = target.confirmed_user().await;
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::SelectChallenge));
    assert_eq!(names(start.available_challenges()), ["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]);
    // A verified phone number adds SMS_OTP.
    target.with_phone(&username).await;
    let again = user_auth(&target, &username, None, &[]).await.unwrap();
    assert_eq!(names(again.available_challenges()), ["EMAIL_OTP", "SMS_OTP", "PASSWORD", "PASSWORD_SRP"]);
    // An unverified email is not a factor.
    target.set_attributes(&username, &[("email_verified", "false")]).await;
    let unverified = user_auth(&target, &username, None, &[]).await.unwrap();
    assert_eq!(names(unverified.available_challenges()), ["SMS_OTP", "PASSWORD", "PASSWORD_SRP"]);
}

#[tokio::test]
async fn email_otp_signs_in_with_the_code_sent_once() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    let start = user_auth(&target, &username, Some("EMAIL_OTP"), &[]).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::EmailOtp));
    let parameters = start.challenge_parameters().unwrap();
    assert_eq!(parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], "c***@e***");
    let code = target.outbox_code(&username, "otp").await;
    let session = start.session.unwrap();
    let done =
        answer(&target, ChallengeNameType::EmailOtp, &session, &username, &[("EMAIL_OTP_CODE", &code)]).await.unwrap();
    let tokens = done.authentication_result.expect("tokens");
    assert_eq!(claims(tokens.access_token().unwrap())["username"], username.as_str());
    // The session, and with it the code, was used once.
    let (kind, message) =
        error_of(answer(&target, ChallengeNameType::EmailOtp, &session, &username, &[("EMAIL_OTP_CODE", &code)]).await);
    assert_eq!(kind, "NotAuthorizedException");
    assert_eq!(message, "Invalid session for the user, session can only be used once.");
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_five_end_the_session() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    let start = user_auth(&target, &username, Some("EMAIL_OTP"), &[]).await.unwrap();
    let session = start.session.unwrap();
    let code = target.outbox_code(&username, "otp").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        let (kind, message) = error_of(
            answer(&target, ChallengeNameType::EmailOtp, &session, &username, &[("EMAIL_OTP_CODE", wrong)]).await,
        );
        assert_eq!(
            (kind.as_str(), message.as_str()),
            ("CodeMismatchException", "Invalid code or auth state for the user.")
        );
    }
    // The right code still works within the limit ... on a new sign-in: the fifth wrong answer ends this one.
    let (kind, _) =
        error_of(answer(&target, ChallengeNameType::EmailOtp, &session, &username, &[("EMAIL_OTP_CODE", wrong)]).await);
    assert_eq!(kind, "CodeMismatchException");
    let (kind, message) =
        error_of(answer(&target, ChallengeNameType::EmailOtp, &session, &username, &[("EMAIL_OTP_CODE", &code)]).await);
    assert_eq!((kind.as_str(), message.as_str()), ("NotAuthorizedException", "Invalid session for the user."));
}

#[tokio::test]
async fn a_code_lives_three_minutes() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    let start = user_auth(&target, &username, Some("SMS_OTP"), &[]).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::SmsOtp));
    assert_eq!(start.challenge_parameters().unwrap()["CODE_DELIVERY_DESTINATION"], "+*******0123");
    let code = target.outbox_code(&username, "otp").await;
    target.advance_clock(181).await;
    let result =
        answer(&target, ChallengeNameType::SmsOtp, &start.session.unwrap(), &username, &[("SMS_OTP_CODE", &code)])
            .await;
    assert_eq!(error_of(result).0, "ExpiredCodeException");
}

#[tokio::test]
async fn a_code_works_only_for_the_session_it_was_sent_for() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    let first = user_auth(&target, &username, Some("EMAIL_OTP"), &[]).await.unwrap();
    let first_code = target.outbox_code(&username, "otp").await;
    let second = user_auth(&target, &username, Some("EMAIL_OTP"), &[]).await.unwrap();
    let second_code = target.outbox_code(&username, "otp").await;
    if first_code != second_code {
        let result = answer(
            &target,
            ChallengeNameType::EmailOtp,
            &second.session.unwrap(),
            &username,
            &[("EMAIL_OTP_CODE", &first_code)],
        )
        .await;
        assert_eq!(error_of(result).0, "CodeMismatchException");
    }
    let done = answer(
        &target,
        ChallengeNameType::EmailOtp,
        &first.session.unwrap(),
        &username,
        &[("EMAIL_OTP_CODE", &first_code)],
    )
    .await;
    assert!(done.unwrap().authentication_result.is_some());
}

#[tokio::test]
async fn select_challenge_answers_lead_to_the_chosen_factor() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    // ANSWER EMAIL_OTP: the code challenge.
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    let chosen = answer(
        &target,
        ChallengeNameType::SelectChallenge,
        &start.session.unwrap(),
        &username,
        &[("ANSWER", "EMAIL_OTP")],
    )
    .await
    .unwrap();
    assert_eq!(chosen.challenge_name, Some(ChallengeNameType::EmailOtp));
    // ANSWER PASSWORD with the PASSWORD: tokens; a wrong one: the password's refusal.
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    let session = start.session.unwrap();
    let wrong = answer(
        &target,
        ChallengeNameType::SelectChallenge,
        &session,
        &username,
        &[("ANSWER", "PASSWORD"), ("PASSWORD", "Wr0ng-Password!")],
    )
    .await;
    assert_eq!(error_of(wrong), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    let done = answer(
        &target,
        ChallengeNameType::SelectChallenge,
        &start.session.unwrap(),
        &username,
        &[("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)],
    )
    .await
    .unwrap();
    assert!(done.authentication_result.is_some());
    // A factor the user does not have is refused.
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    let refused = answer(
        &target,
        ChallengeNameType::SelectChallenge,
        &start.session.unwrap(),
        &username,
        &[("ANSWER", "SMS_OTP")],
    )
    .await;
    assert_eq!(error_of(refused).0, "InvalidParameterException");
}

#[tokio::test]
async fn preferred_password_signs_in_at_once_and_counts_toward_the_lockout() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    let done = user_auth(&target, &username, Some("PASSWORD"), &[("PASSWORD", PASSWORD)]).await.unwrap();
    assert!(done.authentication_result.is_some());
    for _ in 0..5 {
        let wrong = user_auth(&target, &username, Some("PASSWORD"), &[("PASSWORD", "Wr0ng-Password!")]).await;
        assert_eq!(error_of(wrong).1, "Incorrect username or password.");
    }
    let locked = user_auth(&target, &username, Some("PASSWORD"), &[("PASSWORD", PASSWORD)]).await;
    assert_eq!(error_of(locked), ("NotAuthorizedException".into(), "Password attempts exceeded".into()));
}

#[tokio::test]
async fn a_preference_the_user_lacks_falls_back_to_select_challenge() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = target.confirmed_user().await;
    let start = user_auth(&target, &username, Some("SMS_OTP"), &[]).await.unwrap();
    assert_eq!(start.challenge_name, Some(ChallengeNameType::SelectChallenge));
    assert!(!names(start.available_challenges()).contains(&"SMS_OTP"));
}

#[tokio::test]
async fn passwordless_factors_are_not_offered_to_a_user_who_owes_mfa() {
    // WebAuthnMfaSettingsType: passwordless first factors do not stand in for MFA.
    let mut seed = passwordless_pool(&ALL_FACTORS, "ENABLED");
    seed["mfa"] = json!({"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": true},
                         "EmailMfaConfiguration": {}});
    let Some(target) = Target::custom(seed, "a pool with MFA and passwordless factors").await else { return };
    let username = target.confirmed_user().await;
    let before = user_auth(&target, &username, None, &[]).await.unwrap();
    assert!(names(before.available_challenges()).contains(&"EMAIL_OTP"));
    target
        .sdk
        .admin_set_user_mfa_preference()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .email_mfa_settings(
            aws_sdk_cognitoidentityprovider::types::EmailMfaSettingsType::builder().enabled(true).build(),
        )
        .send()
        .await
        .unwrap();
    let after = user_auth(&target, &username, None, &[]).await.unwrap();
    assert_eq!(names(after.available_challenges()), ["PASSWORD", "PASSWORD_SRP"]);
}

#[tokio::test]
async fn a_stranger_with_existence_errors_prevented_gets_a_decoy() {
    // "Managing error responses": with ENABLED, sign-in answers do not tell an
    // unknown username from a known one. The decoy is the same for the same name.
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let stranger = format!("stranger-{}", uuid::Uuid::new_v4());
    let first = user_auth(&target, &stranger, None, &[]).await.unwrap();
    assert_eq!(first.challenge_name, Some(ChallengeNameType::SelectChallenge));
    let offered = names(first.available_challenges()).iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(offered.ends_with(&["PASSWORD".to_owned(), "PASSWORD_SRP".to_owned()]), "{offered:?}");
    let again = user_auth(&target, &stranger, None, &[]).await.unwrap();
    assert_eq!(names(again.available_challenges()), offered);
    // A password answer fails as a wrong password does.
    let wrong = answer(
        &target,
        ChallengeNameType::SelectChallenge,
        &first.session.unwrap(),
        &stranger,
        &[("ANSWER", "PASSWORD"), ("PASSWORD", PASSWORD)],
    )
    .await;
    assert_eq!(error_of(wrong), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
    // PREFERRED_CHALLENGE PASSWORD: the same refusal at once.
    let direct = user_auth(&target, &stranger, Some("PASSWORD"), &[("PASSWORD", PASSWORD)]).await;
    assert_eq!(error_of(direct), ("NotAuthorizedException".into(), "Incorrect username or password.".into()));
    // PREFERRED_CHALLENGE EMAIL_OTP on an email-like name: a code challenge that no code passes, and no mail.
    let mut email_stranger = None;
    for n in 0..64 {
        let name = format!("stranger{n}-{}@example.com", uuid::Uuid::new_v4());
        let start = user_auth(&target, &name, Some("EMAIL_OTP"), &[]).await.unwrap();
        if start.challenge_name == Some(ChallengeNameType::EmailOtp) {
            email_stranger = Some((name, start));
            break;
        }
    }
    let (name, start) = email_stranger.expect("some names get an EMAIL_OTP decoy");
    assert_eq!(start.challenge_parameters().unwrap()["CODE_DELIVERY_DESTINATION"], "s***@e***");
    let refused =
        answer(&target, ChallengeNameType::EmailOtp, &start.session.unwrap(), &name, &[("EMAIL_OTP_CODE", "123456")])
            .await;
    assert_eq!(error_of(refused), ("CodeMismatchException".into(), "Invalid code or auth state for the user.".into()));
    let url = target.local.as_ref().unwrap();
    let outbox: Vec<Value> = reqwest::get(format!("{url}/_local/outbox")).await.unwrap().json().await.unwrap();
    assert!(outbox.iter().all(|m| m["username"] != name.as_str()), "a decoy sends nothing");
}

#[tokio::test]
async fn a_stranger_with_legacy_errors_is_told_no_such_user() {
    let Some(target) = passwordless_target("LEGACY").await else { return };
    let stranger = format!("stranger-{}", uuid::Uuid::new_v4());
    for preferred in [None, Some("EMAIL_OTP")] {
        let result = user_auth(&target, &stranger, preferred, &[]).await;
        assert_eq!(error_of(result), ("UserNotFoundException".into(), "User does not exist.".into()));
    }
}

#[tokio::test]
async fn sign_up_without_a_password_then_sign_in_with_the_confirmation_session() {
    let Some(target) = passwordless_target("ENABLED").await else { return };
    let username = format!("conformance-{}", uuid::Uuid::new_v4());
    let email = format!("{username}@example.com");
    target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username(&username)
        .user_attributes(attribute("email", &email))
        .send()
        .await
        .expect("SignUp without a Password");
    let code = target.outbox_code(&username, "sign_up").await;
    let confirmed = target
        .sdk
        .confirm_sign_up()
        .client_id(&target.sign_up_client_id)
        .username(&username)
        .confirmation_code(code)
        .send()
        .await
        .unwrap();
    let session = confirmed.session.expect("ConfirmSignUp's Session");
    // The sign-up client is the one the session belongs to.
    let signed_in = target
        .sdk
        .initiate_auth()
        .client_id(&target.sign_up_client_id)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", &username)
        .session(&session)
        .send()
        .await;
    let signed_in = match signed_in {
        Ok(answer) => answer,
        Err(error) => panic!("{:?}", error_of::<_, ()>(Err(error))),
    };
    assert!(signed_in.authentication_result.is_some());
    // The user has no password: only the email code is offered.
    let start = user_auth(&target, &username, None, &[]).await.unwrap();
    assert_eq!(names(start.available_challenges()), ["EMAIL_OTP"]);
}

#[tokio::test]
async fn sign_up_without_a_password_is_refused_where_passwords_are_the_only_factor() {
    let Some(target) = Target::custom(passwordless_pool(&["PASSWORD"], "ENABLED"), "a pool of its own").await else {
        return;
    };
    let result = target
        .sdk
        .sign_up()
        .client_id(&target.sign_up_client_id)
        .username(format!("conformance-{}", uuid::Uuid::new_v4()))
        .send()
        .await;
    assert_eq!(error_of(result).0, "InvalidParameterException");
}
