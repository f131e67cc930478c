//! USER_SRP_AUTH, the default flow of Amplify and amazon-cognito-identity-js: the
//! client proves the password by SRP and never sends it. API reference, InitiateAuth
//! (AuthParameters for USER_SRP_AUTH: USERNAME, SRP_A, SECRET_HASH) and
//! RespondToAuthChallenge (PASSWORD_VERIFIER: PASSWORD_CLAIM_SIGNATURE,
//! PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP, USERNAME); the challenge parameters SALT,
//! SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP; the client needs ALLOW_USER_SRP_AUTH
//! (ExplicitAuthFlows). The client is played by the aws-cognito-srp crate, an
//! implementation independent of the emulator's.

use aws_cognito_srp::{SrpClient, User};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use serde_json::json;

use crate::target::*;

fn srp_pool() -> serde_json::Value {
    json!({"client": {"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}})
}

/// Both steps of USER_SRP_AUTH with `password`: the answer to PASSWORD_VERIFIER.
async fn srp_sign_in(
    target: &Target,
    username: &str,
    password: &str,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeError,
    >,
> {
    let client = SrpClient::new(
        User::new(&target.pool_id, username, password),
        &target.client_id,
        target.client_secret.as_deref(),
    );
    let start = client.get_auth_parameters();
    let mut initiate = target
        .sdk
        .initiate_auth()
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", &start.username)
        .auth_parameters("SRP_A", &start.a);
    if let Some(hash) = client.get_secret_hash() {
        initiate = initiate.auth_parameters("SECRET_HASH", hash);
    }
    let challenge = initiate.send().await.expect("USER_SRP_AUTH starts");
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::PasswordVerifier));
    let parameters = challenge.challenge_parameters.unwrap();
    for name in ["SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"] {
        assert!(parameters.contains_key(name), "{name} missing from {parameters:?}");
    }
    let user_id = &parameters["USER_ID_FOR_SRP"];
    let proof = client
        .verify(&parameters["SECRET_BLOCK"], user_id, &parameters["SALT"], &parameters["SRP_B"])
        .expect("the client computes its proof");
    let mut answer = target
        .sdk
        .respond_to_auth_challenge()
        .client_id(&target.client_id)
        .challenge_name(ChallengeNameType::PasswordVerifier)
        .set_session(challenge.session)
        .challenge_responses("USERNAME", user_id)
        .challenge_responses("PASSWORD_CLAIM_SIGNATURE", proof.password_claim_signature)
        .challenge_responses("PASSWORD_CLAIM_SECRET_BLOCK", proof.password_claim_secret_block)
        .challenge_responses("TIMESTAMP", proof.timestamp);
    if let Some(hash) = target.secret_hash(user_id) {
        answer = answer.challenge_responses("SECRET_HASH", hash);
    }
    answer.send().await
}

#[tokio::test]
async fn user_srp_auth_signs_in_without_sending_the_password() {
    // GIVEN a client that allows USER_SRP_AUTH and a confirmed user
    let Some(target) = Target::custom(srp_pool(), "a client with ALLOW_USER_SRP_AUTH").await else { return };
    let username = target.confirmed_user().await;
    // WHEN the user proves the password by SRP
    let answer = srp_sign_in(&target, &username, PASSWORD).await.expect("the proof is accepted");
    // THEN tokens are issued for the user
    let tokens = answer.authentication_result.expect("tokens");
    assert_eq!(claims(&tokens.access_token.unwrap())["username"], username.as_str());
    assert!(tokens.refresh_token.is_some());
}

#[tokio::test]
async fn a_wrong_password_fails_the_password_verifier() {
    // GIVEN a client that allows USER_SRP_AUTH and a confirmed user
    let Some(target) = Target::custom(srp_pool(), "a client with ALLOW_USER_SRP_AUTH").await else { return };
    let username = target.confirmed_user().await;
    // WHEN the proof is made with the wrong password THEN it is refused as a wrong password is
    let (code, message) = error_of(srp_sign_in(&target, &username, "Wr0ng-Horse-Battery").await);
    assert_eq!((code.as_str(), message.as_str()), ("NotAuthorizedException", "Incorrect username or password."));
}

#[tokio::test]
async fn an_invited_user_proved_by_srp_must_set_a_new_password() {
    // GIVEN a user invited with a temporary password
    let Some(target) = Target::custom(srp_pool(), "a client with ALLOW_USER_SRP_AUTH").await else { return };
    let username = target.invited_user(true).await;
    // WHEN they prove the temporary password by SRP THEN NEW_PASSWORD_REQUIRED follows
    let answer = srp_sign_in(&target, &username, PASSWORD).await.expect("the proof is accepted");
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
}

#[tokio::test]
async fn user_srp_auth_needs_the_client_to_allow_it() {
    // GIVEN the deployed client (ADMIN_USER_PASSWORD_AUTH and refresh only)
    let target = Target::standard().await;
    let username = target.confirmed_user().await;
    let client = SrpClient::new(User::new(&target.pool_id, &username, PASSWORD), &target.client_id, None);
    let mut initiate = target
        .sdk
        .initiate_auth()
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", &username)
        .auth_parameters("SRP_A", client.get_auth_parameters().a);
    if let Some(hash) = target.secret_hash(&username) {
        initiate = initiate.auth_parameters("SECRET_HASH", hash);
    }
    // WHEN the user starts USER_SRP_AUTH THEN the flow is not enabled
    let (code, message) = error_of(initiate.send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("InvalidParameterException", "Auth flow not enabled for this client")
    );
}
