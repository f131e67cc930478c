//! Challenge sessions: bound to the user, client and challenge they were
//! issued for; single use; expiring after the client's AuthSessionValidity.
//! (Cognito API reference: AdminRespondToAuthChallenge, "Session"; CreateUserPoolClient,
//! "AuthSessionValidity": 3 to 15 minutes, default 3.)

use aws_sdk_cognitoidentityprovider::types::ChallengeNameType;
use serde_json::json;

use crate::target::*;

async fn new_password_session(target: &Target, username: &str) -> String {
    let answer = target.sign_in(username, PASSWORD).await.expect("signed in");
    assert_eq!(answer.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
    answer.session.expect("a session")
}

async fn answer_new_password(
    target: &Target,
    session: &str,
    username: &str,
    challenge: ChallengeNameType,
) -> Result<
    aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput,
    aws_sdk_cognitoidentityprovider::error::SdkError<
        aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeError,
    >,
> {
    let mut request = target
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&target.pool_id)
        .client_id(&target.client_id)
        .challenge_name(challenge.clone())
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd")
        .challenge_responses("SMS_MFA_CODE", "123456");
    if let Some(hash) = target.secret_hash(username) {
        request = request.challenge_responses("SECRET_HASH", hash);
    }
    request.send().await
}

#[tokio::test]
async fn a_session_answered_for_another_user_changes_nothing() {
    // GIVEN two invited users, and the first one's NEW_PASSWORD_REQUIRED session
    let target = Target::standard().await;
    let (first, second) = (target.invited_user(true).await, target.invited_user(true).await);
    let session = new_password_session(&target, &first).await;
    // WHEN the session is answered with the second user's name
    let result = answer_new_password(&target, &session, &second, ChallengeNameType::NewPasswordRequired).await;
    // THEN it is refused, and the second user still has the temporary password
    assert_eq!(error_of(result).0, "NotAuthorizedException");
    let still = target.sign_in(&second, PASSWORD).await.expect("the temporary password still works");
    assert_eq!(still.challenge_name, Some(ChallengeNameType::NewPasswordRequired));
}

#[tokio::test]
async fn a_session_answers_only_its_own_challenge() {
    // GIVEN a NEW_PASSWORD_REQUIRED session
    let target = Target::standard().await;
    let username = target.invited_user(true).await;
    let session = new_password_session(&target, &username).await;
    // WHEN it is answered as SMS_MFA THEN it is refused and issues no tokens
    let result = answer_new_password(&target, &session, &username, ChallengeNameType::SmsMfa).await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
}

#[tokio::test]
async fn a_session_is_used_once() {
    // GIVEN a NEW_PASSWORD_REQUIRED session that was answered
    let target = Target::standard().await;
    let username = target.invited_user(true).await;
    let session = new_password_session(&target, &username).await;
    let answered = answer_new_password(&target, &session, &username, ChallengeNameType::NewPasswordRequired).await;
    assert!(answered.expect("answered").authentication_result.is_some());
    // WHEN it is answered again THEN it is refused
    let again = answer_new_password(&target, &session, &username, ChallengeNameType::NewPasswordRequired).await;
    assert_eq!(error_of(again).0, "NotAuthorizedException");
}

#[tokio::test]
async fn a_session_belongs_to_the_client_it_was_issued_to() {
    // GIVEN a session issued to the pool's client, and a second client of the same pool
    let target = Target::standard().await;
    if target.local_only("a second app client").is_none() {
        return;
    }
    let username = target.invited_user(true).await;
    let session = new_password_session(&target, &username).await;
    let other = target
        .sdk
        .create_user_pool_client()
        .user_pool_id(&target.pool_id)
        .client_name("other")
        .explicit_auth_flows(aws_sdk_cognitoidentityprovider::types::ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .send()
        .await
        .unwrap();
    // WHEN the other client answers it THEN it is refused
    let result = target
        .sdk
        .admin_respond_to_auth_challenge()
        .user_pool_id(&target.pool_id)
        .client_id(other.user_pool_client().unwrap().client_id().unwrap())
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", &username)
        .challenge_responses("NEW_PASSWORD", "Brand-New-Passw0rd")
        .send()
        .await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
}

#[tokio::test]
async fn a_session_expires_after_the_clients_auth_session_validity() {
    // GIVEN a client whose sessions live 5 minutes, and a session from it
    let Some(target) = Target::custom(json!({"client": {"AuthSessionValidity": 5}}), "the clock").await else {
        return;
    };
    let username = target.invited_user(true).await;
    let session = new_password_session(&target, &username).await;
    // WHEN 5 minutes pass THEN the session is expired, with Cognito's message
    target.advance_clock(300).await;
    let result = answer_new_password(&target, &session, &username, ChallengeNameType::NewPasswordRequired).await;
    assert_eq!(
        error_of(result),
        ("NotAuthorizedException".into(), "Invalid session for the user, session is expired.".into())
    );
}

#[tokio::test]
async fn a_session_lives_three_minutes_by_default() {
    let Some(target) = Target::custom(json!({}), "the clock").await else { return };
    let username = target.invited_user(true).await;
    let session = new_password_session(&target, &username).await;
    // WHEN 2 minutes 59 seconds pass THEN the session still works
    target.advance_clock(179).await;
    let answered = answer_new_password(&target, &session, &username, ChallengeNameType::NewPasswordRequired).await;
    assert!(answered.expect("still valid").authentication_result.is_some());
    // AND a session left for 3 minutes does not
    let other = target.invited_user(true).await;
    let session = new_password_session(&target, &other).await;
    target.advance_clock(180).await;
    let result = answer_new_password(&target, &session, &other, ChallengeNameType::NewPasswordRequired).await;
    assert_eq!(error_of(result).0, "NotAuthorizedException");
}
