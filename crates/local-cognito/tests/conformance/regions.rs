//! Pools live in a region: Cognito's pool ids, ARNs and device keys carry it.
//! (API reference, CreateUserPool: UserPoolType `Id` pattern `[\w-]+_[0-9a-zA-Z]+`,
//! `Arn` `arn:aws:cognito-idp:<region>:<account>:userpool/<id>`; Developer guide,
//! "Verifying a JSON web token": the issuer `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`
//! and the keys at `<issuer>/.well-known/jwks.json`; "Working with devices": a device key
//! is `<region>_<uuid>`, observed as `us-east-1_e0c9...` in Cognito's answers.)
//! The emulator stands for one region, `Options::region` (`--region`), us-east-1 unless set.

use serde_json::{json, Value};

use crate::target::*;

#[tokio::test]
async fn pool_ids_arns_and_device_keys_carry_the_configured_region() {
    // GIVEN an emulator standing for ap-northeast-1, and a pool there that tracks devices
    let Some(target) = Target::custom_in(
        "ap-northeast-1",
        json!({"pool": {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": false, "DeviceOnlyRememberedOnUserPrompt": false}}}),
        "an emulator in another region",
    )
    .await
    else {
        return;
    };
    // THEN the pool id and its ARN name the region
    assert!(target.pool_id.starts_with("ap-northeast-1_"), "{}", target.pool_id);
    let pool = target.sdk.describe_user_pool().user_pool_id(&target.pool_id).send().await.unwrap();
    let pool = pool.user_pool.unwrap();
    assert_eq!(pool.id(), Some(target.pool_id.as_str()));
    assert_eq!(
        pool.arn().unwrap(),
        format!("arn:aws:cognito-idp:ap-northeast-1:000000000000:userpool/{}", target.pool_id)
    );
    // WHEN a user signs in with a password
    let username = target.confirmed_user().await;
    let tokens = target.tokens(&username).await;
    // THEN the new device's key starts with the region
    let device = tokens.new_device_metadata.clone().expect("NewDeviceMetadata");
    assert!(device.device_key().unwrap().starts_with("ap-northeast-1_"), "{:?}", device.device_key());
    // AND the tokens' issuer is the pool's, its keys are where the issuer says, and they verify
    let access = tokens.access_token.clone().unwrap();
    let claims = claims(&access);
    assert_eq!(claims["iss"], target.issuer().as_str());
    let jwks: Value = reqwest::get(format!("{}/.well-known/jwks.json", target.issuer()))
        .await
        .unwrap()
        .error_for_status()
        .expect("the pool's JWKS answers")
        .json()
        .await
        .unwrap();
    let kid = header(&access)["kid"].clone();
    assert!(jwks["keys"].as_array().unwrap().iter().any(|key| key["kid"] == kid), "{jwks}");
    let user = target.sdk.get_user().access_token(access).send().await.expect("the access token is accepted");
    assert_eq!(user.username(), username);
}

fn header(token: &str) -> Value {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
}
