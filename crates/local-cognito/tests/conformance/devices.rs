//! Device tracking: NewDeviceMetadata, ConfirmDevice with an SRP verifier,
//! DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER checked against it, MFA
//! skipped on a remembered device, refresh bound to the device.
//! (Developer guide, "Working with devices"; API reference: ConfirmDevice,
//! UpdateDeviceStatus, ForgetDevice.) The device is played by the
//! aws-cognito-srp crate, an implementation independent of the emulator's.

use aws_cognito_srp::{SrpClient, TrackedDevice, UntrackedDevice};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, ChallengeNameType, DeviceRememberedStatusType, DeviceSecretVerifierConfigType,
};
use serde_json::json;

use crate::target::*;

struct Device {
    key: String,
    group_key: String,
    password: String,
}

fn tracking(on_prompt: bool) -> serde_json::Value {
    json!({
        "pool": {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": on_prompt}},
        "mfa": {"MfaConfiguration": "ON", "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::000000000000:role/sms"}}},
        "client": {"AuthSessionValidity": 15},
    })
}

/// A user with a phone number (SMS MFA) and no device yet.
async fn user(target: &Target) -> String {
    let username = target.confirmed_user().await;
    target.with_phone(&username).await;
    username
}

async fn sign_in(
    target: &Target,
    username: &str,
    device_key: Option<&str>,
) -> aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput {
    target
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .set_auth_parameters(Some(
            [("USERNAME", username), ("PASSWORD", PASSWORD)]
                .into_iter()
                .chain(device_key.map(|key| ("DEVICE_KEY", key)))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        ))
        .send()
        .await
        .expect("password accepted")
}

async fn answer(
    target: &Target,
    challenge: ChallengeNameType,
    session: String,
    responses: Vec<(&str, String)>,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeError,
    >,
> {
    target
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .challenge_name(challenge)
        .session(session)
        .set_challenge_responses(Some(responses.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
        .send()
        .await
}

/// Signs in through SMS MFA, confirms the new device; answers its tokens and the device.
async fn first_sign_in(
    target: &Target,
    username: &str,
) -> (aws_sdk_cognitoidentityprovider::types::AuthenticationResultType, Device, bool) {
    let challenge = sign_in(target, username, None).await;
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::SmsMfa));
    let code = target.outbox_code(username, "mfa").await;
    let done = answer(
        target,
        ChallengeNameType::SmsMfa,
        challenge.session.unwrap(),
        vec![("USERNAME", username.to_owned()), ("SMS_MFA_CODE", code)],
    )
    .await
    .unwrap();
    let tokens = done.authentication_result.unwrap();
    let metadata = tokens.new_device_metadata.clone().expect("NewDeviceMetadata");
    let (key, group_key) = (metadata.device_key.unwrap(), metadata.device_group_key.unwrap());
    // A device key starts with the pool's region, as the pool id does.
    let region = target.pool_id.split('_').next().unwrap();
    assert!(key.starts_with(&format!("{region}_")), "{key}");
    let verifier = SrpClient::new(UntrackedDevice::new(&target.pool_id, &group_key, &key), &target.client_id, None)
        .get_password_verifier();
    let confirmed = target
        .sdk
        .confirm_device()
        .access_token(tokens.access_token.clone().unwrap())
        .device_key(&key)
        .device_name("test phone")
        .device_secret_verifier_config(
            DeviceSecretVerifierConfigType::builder().password_verifier(verifier.verifier).salt(verifier.salt).build(),
        )
        .send()
        .await
        .expect("device confirmed");
    (tokens, Device { key, group_key, password: verifier.password }, confirmed.user_confirmation_necessary)
}

/// DEVICE_SRP_AUTH then DEVICE_PASSWORD_VERIFIER, as the device computes them.
async fn device_auth(
    target: &Target,
    username: &str,
    device: &Device,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeError,
    >,
> {
    let challenge = sign_in(target, username, Some(&device.key)).await;
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::DeviceSrpAuth));
    let srp = SrpClient::new(
        TrackedDevice::new(&target.pool_id, &device.group_key, &device.key, password),
        &target.client_id,
        None,
    );
    let start = srp.get_auth_parameters();
    let verifier = answer(
        target,
        ChallengeNameType::DeviceSrpAuth,
        challenge.session.unwrap(),
        vec![("USERNAME", username.to_owned()), ("DEVICE_KEY", start.device_key), ("SRP_A", start.a)],
    )
    .await
    .expect("DEVICE_SRP_AUTH answered");
    assert_eq!(verifier.challenge_name, Some(ChallengeNameType::DevicePasswordVerifier));
    let parameters = verifier.challenge_parameters().unwrap();
    let proof = srp.verify(&parameters["SECRET_BLOCK"], &parameters["SALT"], &parameters["SRP_B"]).unwrap();
    answer(
        target,
        ChallengeNameType::DevicePasswordVerifier,
        verifier.session.unwrap(),
        vec![
            ("USERNAME", username.to_owned()),
            ("DEVICE_KEY", device.key.clone()),
            ("PASSWORD_CLAIM_SECRET_BLOCK", proof.password_claim_secret_block),
            ("PASSWORD_CLAIM_SIGNATURE", proof.password_claim_signature),
            ("TIMESTAMP", proof.timestamp),
        ],
    )
    .await
}

async fn refresh(target: &Target, token: &str, device_key: Option<&str>) -> Result<(), String> {
    let mut request = target
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", token);
    if let Some(key) = device_key {
        request = request.auth_parameters("DEVICE_KEY", key);
    }
    let result = request.send().await;
    match result {
        Ok(_) => Ok(()),
        Err(_) => Err(error_of(result).1),
    }
}

#[tokio::test]
async fn a_remembered_device_signs_in_by_srp_and_skips_mfa() {
    // GIVEN a pool that tracks devices and requires SMS MFA, and a user who confirmed a device
    let Some(target) = Target::custom(tracking(false), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (_, device, confirmation_necessary) = first_sign_in(&target, &username).await;
    assert!(!confirmation_necessary, "devices are remembered without asking");
    // WHEN the user signs in with the device key THEN the device proves its password and no MFA is asked
    let done = device_auth(&target, &username, &device, &device.password).await.expect("device verified");
    let tokens = done.authentication_result.expect("tokens without MFA");
    assert!(tokens.new_device_metadata.is_none());
    assert_eq!(claims(tokens.access_token.as_deref().unwrap())["device_key"], device.key.as_str());
}

#[tokio::test]
async fn a_wrong_device_password_is_refused() {
    let Some(target) = Target::custom(tracking(false), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (_, device, _) = first_sign_in(&target, &username).await;
    let result = device_auth(&target, &username, &device, "not-the-device-password").await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
}

#[tokio::test]
async fn refresh_needs_the_device_key() {
    let Some(target) = Target::custom(tracking(false), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (tokens, device, _) = first_sign_in(&target, &username).await;
    let token = tokens.refresh_token.unwrap();
    assert_eq!(refresh(&target, &token, None).await.unwrap_err(), "Invalid Refresh Token");
    refresh(&target, &token, Some(&device.key)).await.expect("refreshed with the device key");
}

#[tokio::test]
async fn on_prompt_a_device_is_remembered_only_when_the_user_says_so() {
    // GIVEN a pool that remembers devices only on the user's word
    let Some(target) = Target::custom(tracking(true), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (tokens, device, confirmation_necessary) = first_sign_in(&target, &username).await;
    assert!(confirmation_necessary);
    // THEN a device sign-in still asks for MFA
    let done = device_auth(&target, &username, &device, &device.password).await.unwrap();
    assert_eq!(done.challenge_name, Some(ChallengeNameType::SmsMfa));
    // AND once remembered, it does not
    target
        .sdk
        .update_device_status()
        .access_token(tokens.access_token.unwrap())
        .device_key(&device.key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    let done = device_auth(&target, &username, &device, &device.password).await.unwrap();
    assert!(done.authentication_result.is_some());
}

#[tokio::test]
async fn a_forgotten_device_is_gone_with_its_refresh_tokens() {
    let Some(target) = Target::custom(tracking(false), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (tokens, device, _) = first_sign_in(&target, &username).await;
    let access = tokens.access_token.unwrap();
    let listed = target.sdk.list_devices().access_token(&access).send().await.unwrap();
    assert_eq!(listed.devices().len(), 1);
    assert_eq!(listed.devices()[0].device_key(), Some(device.key.as_str()));
    // WHEN the device is forgotten
    target.sdk.forget_device().access_token(&access).device_key(&device.key).send().await.unwrap();
    // THEN it is not listed, and its refresh token is dead
    let listed = target.sdk.list_devices().access_token(&access).send().await.unwrap();
    assert!(listed.devices().is_empty());
    assert!(refresh(&target, tokens.refresh_token.as_deref().unwrap(), Some(&device.key)).await.is_err());
}

#[tokio::test]
async fn another_users_device_key_is_refused() {
    let Some(target) = Target::custom(tracking(false), "a pool with device tracking").await else { return };
    let (owner, stranger) = (user(&target).await, user(&target).await);
    let (_, device, _) = first_sign_in(&target, &owner).await;
    let result = target
        .sdk
        .admin_initiate_auth()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &stranger)
        .auth_parameters("PASSWORD", PASSWORD)
        .auth_parameters("DEVICE_KEY", &device.key)
        .send()
        .await;
    assert_eq!(error_of(result).0, "ResourceNotFoundException");
}

#[tokio::test]
async fn an_administrator_remembers_a_device_for_the_user() {
    // AdminUpdateDeviceStatus (API reference): "Updates the status of a user's device so
    // that it is marked as remembered or not remembered".
    // GIVEN a device the user did not ask to remember
    let Some(target) = Target::custom(tracking(true), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (_, device, _) = first_sign_in(&target, &username).await;
    // WHEN an administrator marks it remembered
    target
        .sdk
        .admin_update_device_status()
        .user_pool_id(&target.pool_id)
        .username(&username)
        .device_key(&device.key)
        .device_remembered_status(DeviceRememberedStatusType::Remembered)
        .send()
        .await
        .unwrap();
    // THEN a device sign-in skips MFA
    let done = device_auth(&target, &username, &device, &device.password).await.unwrap();
    assert!(done.authentication_result.is_some());
}

#[tokio::test]
async fn list_devices_honours_limit_and_pagination_token() {
    // ListDevices (API reference): Limit, and PaginationToken in the request and answer.
    // GIVEN a user with two confirmed devices
    let Some(target) = Target::custom(tracking(false), "a pool with device tracking").await else { return };
    let username = user(&target).await;
    let (tokens, first, _) = first_sign_in(&target, &username).await;
    let (_, second, _) = first_sign_in(&target, &username).await;
    let access = tokens.access_token.unwrap();
    // WHEN they are listed one at a time THEN two pages, each device once
    let page = target.sdk.list_devices().access_token(&access).limit(1).send().await.unwrap();
    assert_eq!(page.devices().len(), 1);
    let next = target
        .sdk
        .list_devices()
        .access_token(&access)
        .limit(1)
        .pagination_token(page.pagination_token().expect("a second page"))
        .send()
        .await
        .unwrap();
    assert_eq!(next.devices().len(), 1);
    assert!(next.pagination_token().is_none());
    let mut keys: Vec<&str> = page.devices().iter().chain(next.devices()).filter_map(|d| d.device_key()).collect();
    keys.sort();
    let mut expected = vec![first.key.as_str(), second.key.as_str()];
    expected.sort();
    assert_eq!(keys, expected);
}
