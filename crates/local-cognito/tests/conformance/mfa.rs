//! MFA by the pool's MfaConfiguration and the user's factors. (Developer
//! guide, "Adding MFA to a user pool", "SMS and email message MFA",
//! "TOTP software token MFA"; API reference: AssociateSoftwareToken,
//! VerifySoftwareToken, SetUserMFAPreference, RespondToAuthChallenge.)
//! TOTP codes here come from the test's own RFC 6238 implementation.

use std::collections::HashMap;

use aws_sdk_cognitoidentityprovider::types::{ChallengeNameType, SmsMfaSettingsType, SoftwareTokenMfaSettingsType};
use hmac::Mac;
use serde_json::{json, Value};

use crate::target::*;

/// RFC 6238 (HMAC-SHA1, 30 s, 6 digits) over a base32 secret.
fn totp(secret: &str, at: u64) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut value, mut key) = (0u32, 0u64, Vec::new());
    for c in secret.trim_end_matches('=').bytes() {
        value = (value << 5) | alphabet.iter().position(|a| *a == c).expect("base32") as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            key.push((value >> bits) as u8);
        }
    }
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&(at / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[19] & 0xf) as usize;
    let number = u32::from_be_bytes(digest[offset..offset + 4].try_into().unwrap()) & 0x7fff_ffff;
    format!("{:06}", number % 1_000_000)
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[test]
fn the_tests_totp_matches_rfc_6238() {
    // RFC 6238 appendix B, SHA-1, T = 59: 94287082 (8 digits), so 287082 in 6.
    assert_eq!(totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59), "287082");
}

fn mfa_pool(configuration: &str, sms: bool, email: bool) -> Value {
    let mut mfa = json!({"MfaConfiguration": configuration, "SoftwareTokenMfaConfiguration": {"Enabled": true}});
    if sms {
        mfa["SmsMfaConfiguration"] =
            json!({"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}});
    }
    if email {
        mfa["EmailMfaConfiguration"] = json!({});
    }
    json!({"mfa": mfa, "client": {"ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], "AuthSessionValidity": 15}})
}

async fn respond(
    target: &Target,
    challenge: ChallengeNameType,
    session: &str,
    username: &str,
    responses: &[(&str, &str)],
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError,
    >,
> {
    let mut responses: HashMap<String, String> =
        responses.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    responses.insert("USERNAME".into(), username.into());
    target
        .sdk
        .respond_to_auth_challenge()
        .client_id(&target.client_id)
        .challenge_name(challenge)
        .session(session)
        .set_challenge_responses(Some(responses))
        .send()
        .await
}

#[tokio::test]
async fn required_mfa_without_a_factor_sets_up_totp_during_sign_in() {
    // GIVEN a pool that requires MFA and offers TOTP, and a user without a factor
    let Some(target) = Target::custom(mfa_pool("ON", false, false), "a pool with MFA").await else { return };
    let username = target.confirmed_user().await;
    // WHEN the user signs in THEN MFA_SETUP
    let answer = target.sign_in(&username, PASSWORD).await.unwrap();
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::MfaSetup));
    assert_eq!(answer.challenge_parameters().unwrap()["MFAS_CAN_SETUP"], r#"["SOFTWARE_TOKEN_MFA"]"#);
    // AND the session associates a secret, a bad code is refused, a good one verifies
    let associated = target.sdk.associate_software_token().session(answer.session.unwrap()).send().await.unwrap();
    let secret = associated.secret_code.unwrap();
    let bad = target
        .sdk
        .verify_software_token()
        .session(associated.session.clone().unwrap())
        .user_code("000000")
        .send()
        .await;
    if totp(&secret, now()) != "000000" {
        assert_eq!(error_of(bad).0, "EnableSoftwareTokenMFAException");
    }
    let at = target.now().await;
    let verified = target
        .sdk
        .verify_software_token()
        .session(associated.session.unwrap())
        .user_code(totp(&secret, at))
        .send()
        .await
        .expect("verified");
    // AND answering MFA_SETUP with that session gives tokens
    let done = respond(&target, ChallengeNameType::MfaSetup, &verified.session.unwrap(), &username, &[]).await.unwrap();
    assert!(done.authentication_result.is_some());
    // AND the next sign-in asks for the TOTP code
    let next = target.sign_in(&username, PASSWORD).await.unwrap();
    assert_eq!(next.challenge_name, Some(ChallengeNameType::SoftwareTokenMfa));
    // (the next step's code: the one VerifySoftwareToken took is spent)
    let code = totp(&secret, at + 30);
    let session = next.session.unwrap();
    let tokens = respond(
        &target,
        ChallengeNameType::SoftwareTokenMfa,
        &session,
        &username,
        &[("SOFTWARE_TOKEN_MFA_CODE", &code)],
    )
    .await;
    assert!(tokens.unwrap().authentication_result.is_some());
}

#[tokio::test]
async fn sms_mfa_sends_a_code_to_the_masked_phone_number() {
    // GIVEN a pool that requires MFA by SMS, and a user with a phone number
    let Some(target) = Target::custom(mfa_pool("ON", true, false), "a pool with MFA and the outbox").await else {
        return;
    };
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    // WHEN the user signs in THEN SMS_MFA, with the delivery described
    let answer = target.sign_in(&username, PASSWORD).await.unwrap();
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::SmsMfa));
    let parameters = answer.challenge_parameters().unwrap();
    assert_eq!(parameters["CODE_DELIVERY_DELIVERY_MEDIUM"], "SMS");
    assert_eq!(parameters["CODE_DELIVERY_DESTINATION"], "+*******0123");
    let session = answer.session.unwrap();
    // AND a wrong code is a mismatch; the right one gives tokens
    let code = target.outbox_code(&username, "mfa").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let result = respond(&target, ChallengeNameType::SmsMfa, &session, &username, &[("SMS_MFA_CODE", wrong)]).await;
    assert_eq!(error_of(result).0, "CodeMismatchException");
    let done = respond(&target, ChallengeNameType::SmsMfa, &session, &username, &[("SMS_MFA_CODE", &code)]).await;
    assert!(done.unwrap().authentication_result.is_some());
}

#[tokio::test]
async fn an_mfa_code_lives_three_minutes() {
    let Some(target) = Target::custom(mfa_pool("ON", true, false), "the clock").await else { return };
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    let session = target.sign_in(&username, PASSWORD).await.unwrap().session.unwrap();
    let code = target.outbox_code(&username, "mfa").await;
    target.advance_clock(180).await;
    let result = respond(&target, ChallengeNameType::SmsMfa, &session, &username, &[("SMS_MFA_CODE", &code)]).await;
    assert_eq!(error_of(result).0, "ExpiredCodeException");
}

#[tokio::test]
async fn email_otp_sends_a_code_by_email() {
    let Some(target) = Target::custom(mfa_pool("OPTIONAL", false, true), "a pool with email MFA").await else { return };
    let username = target.confirmed_user().await;
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
    let answer = target.sign_in(&username, PASSWORD).await.unwrap();
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::EmailOtp));
    assert_eq!(answer.challenge_parameters().unwrap()["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    let code = target.outbox_code(&username, "mfa").await;
    let done = respond(
        &target,
        ChallengeNameType::EmailOtp,
        &answer.session.unwrap(),
        &username,
        &[("EMAIL_OTP_CODE", &code)],
    )
    .await;
    assert!(done.unwrap().authentication_result.is_some());
}

#[tokio::test]
async fn optional_mfa_follows_the_users_own_settings() {
    // GIVEN a pool with optional MFA and a user without a factor: no challenge
    let Some(target) = Target::custom(mfa_pool("OPTIONAL", true, false), "a pool with MFA").await else { return };
    let username = target.confirmed_user().await;
    let access = target.tokens(&username).await.access_token.unwrap();
    // WHEN the user sets up TOTP with their access token and prefers it
    let secret = target.sdk.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    target.sdk.verify_software_token().access_token(&access).user_code(totp(&secret, now())).send().await.unwrap();
    target
        .sdk
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .unwrap();
    // THEN sign-in asks for the TOTP code, and GetUser shows the preference
    let answer = target.sign_in(&username, PASSWORD).await.unwrap();
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::SoftwareTokenMfa));
    let user = target.sdk.get_user().access_token(&access).send().await.unwrap();
    assert_eq!(user.preferred_mfa_setting(), Some("SOFTWARE_TOKEN_MFA"));
}

#[tokio::test]
async fn several_factors_without_a_preference_let_the_user_choose() {
    let Some(target) = Target::custom(mfa_pool("OPTIONAL", true, false), "a pool with MFA").await else { return };
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    let access = target.tokens(&username).await.access_token.unwrap();
    let secret = target.sdk.associate_software_token().access_token(&access).send().await.unwrap().secret_code.unwrap();
    target.sdk.verify_software_token().access_token(&access).user_code(totp(&secret, now())).send().await.unwrap();
    target
        .sdk
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).build())
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await
        .unwrap();
    let answer = target.sign_in(&username, PASSWORD).await.unwrap();
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::SelectMfaType));
    assert_eq!(answer.challenge_parameters().unwrap()["MFAS_CAN_CHOOSE"], r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#);
    let chosen = respond(
        &target,
        ChallengeNameType::SelectMfaType,
        &answer.session.unwrap(),
        &username,
        &[("ANSWER", "SOFTWARE_TOKEN_MFA")],
    )
    .await;
    assert_eq!(chosen.unwrap().challenge_name, Some(ChallengeNameType::SoftwareTokenMfa));
}

#[tokio::test]
async fn totp_cannot_be_turned_on_before_it_is_verified() {
    let Some(target) = Target::custom(mfa_pool("OPTIONAL", false, false), "a pool with MFA").await else { return };
    let access = target.tokens(&target.confirmed_user().await).await.access_token.unwrap();
    let result = target
        .sdk
        .set_user_mfa_preference()
        .access_token(&access)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).build())
        .send()
        .await;
    assert_eq!(error_of(result).0, "InvalidParameterException");
}

#[tokio::test]
async fn create_user_pool_refuses_required_mfa_without_sms() {
    // CreateUserPool (API reference, MfaConfiguration; CreateUserPool configures no
    // factor but SMS). Cognito's observed answer (aws-cdk#11478,
    // cloudformation-coverage-roadmap#2221): InvalidParameterException.
    let target = Target::standard().await;
    for configuration in ["ON", "OPTIONAL"] {
        // WHEN a pool is created with MFA required or optional and no SmsConfiguration
        let result = target
            .sdk
            .create_user_pool()
            .pool_name("conformance-mfa-without-factor")
            .mfa_configuration(configuration.into())
            .send()
            .await;
        // THEN Cognito refuses it
        assert_eq!(
            error_of(result),
            (
                "InvalidParameterException".into(),
                "SMS configuration and Auto verification for phone_number are required when MFA is required/optional"
                    .into()
            )
        );
    }
}

#[tokio::test]
async fn set_user_pool_mfa_config_refuses_mfa_without_a_factor() {
    // SetUserPoolMfaConfig (API reference, MfaConfiguration: "OPTIONAL ... ON ...";
    // the factors are its SmsMfaConfiguration, SoftwareTokenMfaConfiguration and
    // EmailMfaConfiguration). Cognito's observed answer (sst#5177).
    // GIVEN a pool without MFA
    let Some(target) = Target::custom(json!({}), "a pool of its own").await else { return };
    for configuration in ["ON", "OPTIONAL"] {
        // WHEN MFA is made required or optional with every factor off
        let result = target
            .sdk
            .set_user_pool_mfa_config()
            .user_pool_id(&target.pool_id)
            .mfa_configuration(configuration.into())
            .software_token_mfa_configuration(
                aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaConfigType::builder().enabled(false).build(),
            )
            .send()
            .await;
        // THEN Cognito refuses, and the pool keeps MFA off
        assert_eq!(
            error_of(result),
            (
                "InvalidParameterException".into(),
                "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration."
                    .into()
            )
        );
    }
    let config = target.sdk.get_user_pool_mfa_config().user_pool_id(&target.pool_id).send().await.unwrap();
    assert_eq!(config.mfa_configuration().map(|c| c.as_str()), Some("OFF"));
}

#[tokio::test]
async fn a_user_cannot_turn_on_a_factor_the_pool_does_not_offer() {
    // SetUserMFAPreference and AdminSetUserMFAPreference (API reference, Errors:
    // InvalidParameterException). Cognito's message is not documented: the text here
    // is an assumption; the point is that the factor is refused, not silently kept.
    // GIVEN a pool with optional MFA by TOTP only, and a user with a verified phone
    let Some(target) = Target::custom(mfa_pool("OPTIONAL", false, false), "a pool with MFA").await else { return };
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    let tokens = target.tokens(&username).await;
    // WHEN the user turns on SMS MFA, or an administrator does it for them
    let own = target
        .sdk
        .set_user_mfa_preference()
        .access_token(tokens.access_token().unwrap())
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await;
    let admin = target
        .sdk
        .admin_set_user_mfa_preference()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .sms_mfa_settings(SmsMfaSettingsType::builder().enabled(true).build())
        .send()
        .await;
    // THEN both are refused, and the user has no MFA factor
    let refused = ("InvalidParameterException".to_owned(), "SMS_MFA is not enabled for the user pool.".to_owned());
    assert_eq!(error_of(own), refused);
    assert_eq!(error_of(admin), refused);
    let user = target.sdk.admin_get_user().user_pool_id(&target.pool_id).username(&username).send().await.unwrap();
    assert!(user.user_mfa_setting_list().is_empty());
}
