//! What the passwordless routes answer for each kind of username, with Cognito's
//! answers played by aws-smithy-mocks: a user with the factor, a user without it, a
//! stranger under PreventUserExistenceErrors ENABLED (Cognito simulates a challenge)
//! and under LEGACY (UserNotFoundException), a disabled user. The API's answers must
//! not tell them apart: same status, same body (but for the session), same factors.

use auth_api::app::{full_router, AppState};
use auth_api::config::Config;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::AdminRespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_update_user_attributes::AdminUpdateUserAttributesOutput;
use aws_sdk_cognitoidentityprovider::operation::describe_user_pool::DescribeUserPoolOutput;
use aws_sdk_cognitoidentityprovider::operation::get_user_pool_mfa_config::GetUserPoolMfaConfigOutput;
use aws_sdk_cognitoidentityprovider::types::{
    AuthFactorType, ChallengeNameType, SignInPolicyType, UserPoolPolicyType, UserPoolType, WebAuthnConfigurationType,
};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use axum::body::Body;
use http::Request;
use serde_json::{json, Value};
use tower::ServiceExt;

fn config() -> Config {
    Config::from_lookup(|name| match name {
        "COGNITO_USER_POOL_ID" => Some("us-east-1_test".into()),
        "COGNITO_CLIENT_ID" => Some("client".into()),
        _ => None,
    })
    .unwrap()
}

/// How Cognito answers the sign-in's first step for this username.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// The challenge asked for, as Cognito gives it (masked address, the user's credential ids).
    HasFactor,
    /// Cognito offers what the user has instead.
    LacksFactor,
    /// PreventUserExistenceErrors ENABLED: a simulated challenge.
    StrangerSimulated,
    /// PreventUserExistenceErrors LEGACY.
    StrangerLegacy,
    Disabled,
}

const EVERYONE: [Who; 5] =
    [Who::HasFactor, Who::LacksFactor, Who::StrangerSimulated, Who::StrangerLegacy, Who::Disabled];

fn wire_error(code: &'static str, message: &'static str) -> impl Fn() -> HttpResponse + Send + Sync + 'static {
    move || {
        let body = json!({"__type": code, "message": message}).to_string();
        HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body))
    }
}

const OPTIONS: &str = r#"{"challenge":"Y2hhbGxlbmdlLWZyb20tY29nbml0by0zMi1ieXRlcwA","rpId":"example.com","timeout":180000,"userVerification":"preferred","allowCredentials":[{"type":"public-key","id":"dXNlcnMtY3JlZGVudGlhbA"}]}"#;

fn initiate(who: Who, factor: &'static str) -> Rule {
    let challenge = move |name: ChallengeNameType, parameters: Vec<(&'static str, &'static str)>| {
        let mut output = AdminInitiateAuthOutput::builder().challenge_name(name).session("S".repeat(40));
        for (key, value) in parameters {
            output = output.challenge_parameters(key, value);
        }
        output.build()
    };
    match (who, factor) {
        (Who::HasFactor, "EMAIL_OTP") => mock!(Client::admin_initiate_auth).then_output(move || {
            challenge(
                ChallengeNameType::EmailOtp,
                vec![("CODE_DELIVERY_DESTINATION", "j***@e***"), ("CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL")],
            )
        }),
        (Who::HasFactor, "WEB_AUTHN") => mock!(Client::admin_initiate_auth)
            .then_output(move || challenge(ChallengeNameType::WebAuthn, vec![("CREDENTIAL_REQUEST_OPTIONS", OPTIONS)])),
        (Who::HasFactor, _) | (Who::LacksFactor, _) => mock!(Client::admin_initiate_auth)
            .then_output(move || challenge(ChallengeNameType::SelectChallenge, vec![])),
        (Who::StrangerSimulated, _) => {
            mock!(Client::admin_initiate_auth).then_output(move || challenge(ChallengeNameType::Password, vec![]))
        }
        (Who::StrangerLegacy, _) => mock!(Client::admin_initiate_auth)
            .then_http_response(wire_error("UserNotFoundException", "User does not exist.")),
        (Who::Disabled, _) => mock!(Client::admin_initiate_auth)
            .then_http_response(wire_error("NotAuthorizedException", "User is disabled.")),
    }
}

fn client(rules: &[&Rule]) -> Client {
    let pool = mock!(Client::describe_user_pool).then_output(|| {
        let policy = SignInPolicyType::builder()
            .allowed_first_auth_factors(AuthFactorType::Password)
            .allowed_first_auth_factors(AuthFactorType::EmailOtp)
            .allowed_first_auth_factors(AuthFactorType::WebAuthn)
            .build();
        DescribeUserPoolOutput::builder()
            .user_pool(
                UserPoolType::builder().policies(UserPoolPolicyType::builder().sign_in_policy(policy).build()).build(),
            )
            .build()
    });
    let mfa = mock!(Client::get_user_pool_mfa_config).then_output(|| {
        GetUserPoolMfaConfigOutput::builder()
            .web_authn_configuration(WebAuthnConfigurationType::builder().relying_party_id("example.com").build())
            .build()
    });
    let no_user =
        mock!(Client::admin_get_user).then_http_response(wire_error("UserNotFoundException", "User does not exist."));
    let counted =
        mock!(Client::admin_update_user_attributes).then_output(|| AdminUpdateUserAttributesOutput::builder().build());
    let mut all: Vec<&Rule> = rules.to_vec();
    all.extend([&pool, &mfa, &no_user, &counted]);
    mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, &all, |conf| conf
        .retry_config(aws_sdk_cognitoidentityprovider::config::retry::RetryConfig::disabled()))
}

async fn post(client: Client, path: &str, body: Value) -> (u16, Value) {
    let app = full_router(AppState::new(config(), client));
    let request = Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body: Value =
        serde_json::from_slice(&axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap()).unwrap();
    (status, body)
}

/// The answer without what differs by design on every call: the session, a passkey
/// challenge's random bytes, the request id.
fn shape(mut body: Value) -> Value {
    if let Some(challenge) = body.get_mut("challenge") {
        challenge["session"] = json!("<session>");
        if let Some(options) = challenge["parameters"].get_mut("credentialRequestOptions") {
            options["challenge"] = json!("<random>");
        }
    }
    if let Some(object) = body.as_object_mut() {
        object.remove("requestId");
    }
    body
}

#[tokio::test]
async fn every_username_is_offered_the_deployments_factors() {
    let mut answers = vec![];
    for who in EVERYONE {
        let rule = initiate(who, "");
        let (status, body) = post(client(&[&rule]), "/auth/passwordless", json!({"username": "jane"})).await;
        answers.push((status, shape(body)));
    }
    let first = &answers[0];
    assert_eq!(first.0, 200);
    assert_eq!(first.1["challenge"]["name"], "SELECT_CHALLENGE");
    assert_eq!(first.1["challenge"]["parameters"], json!({"factors": ["email", "passkey"]}));
    for (who, answer) in EVERYONE.iter().zip(&answers) {
        assert_eq!(answer, first, "{who:?}");
    }
}

#[tokio::test]
async fn every_username_gets_the_email_challenge_and_no_destination() {
    let mut answers = vec![];
    for who in EVERYONE {
        let rule = initiate(who, "EMAIL_OTP");
        let body = json!({"username": "jane", "factor": "email"});
        let (status, body) = post(client(&[&rule]), "/auth/passwordless", body).await;
        answers.push((status, shape(body)));
    }
    let expected = json!({"result": "challenge", "challenge": {"name": "EMAIL_OTP", "session": "<session>", "username": "jane", "parameters": {"deliveryMedium": "EMAIL"}}});
    for (who, answer) in EVERYONE.iter().zip(&answers) {
        assert_eq!(answer, &(200, expected.clone()), "{who:?}");
    }
}

#[tokio::test]
async fn every_username_gets_a_passkey_challenge_of_one_shape_without_the_users_credential_ids() {
    let mut answers = vec![];
    for who in EVERYONE {
        let rule = initiate(who, "WEB_AUTHN");
        let body = json!({"username": "jane", "factor": "passkey"});
        let (status, body) = post(client(&[&rule]), "/auth/passwordless", body).await;
        assert_eq!(status, 200, "{who:?}");
        let options = &body["challenge"]["parameters"]["credentialRequestOptions"];
        assert!(options.get("allowCredentials").is_none(), "{who:?}: {options}");
        assert_eq!(options["challenge"].as_str().unwrap().len(), 43, "{who:?}: 32 bytes, base64url");
        answers.push(shape(body));
    }
    assert_eq!(answers[0]["challenge"]["parameters"]["credentialRequestOptions"]["rpId"], "example.com");
    for (who, answer) in EVERYONE.iter().zip(&answers) {
        assert_eq!(answer, &answers[0], "{who:?}");
    }
}

#[tokio::test]
async fn a_factor_the_deployment_does_not_allow_is_refused_for_everyone_alike() {
    let rule = initiate(Who::HasFactor, "SMS_OTP");
    let (status, body) =
        post(client(&[&rule]), "/auth/passwordless", json!({"username": "jane", "factor": "sms"})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("FACTOR_NOT_ALLOWED")));
    assert_eq!(body["detail"], "this deployment allows these factors: email, passkey");
}

#[tokio::test]
async fn every_refused_code_is_the_one_wrong_code_answer() {
    let refusals: [(&str, &str); 6] = [
        ("CodeMismatchException", "Invalid code or auth state for the user."),
        ("ExpiredCodeException", "Invalid code provided, please request a code again."),
        ("NotAuthorizedException", "Invalid session for the user, session is expired."),
        ("NotAuthorizedException", "Invalid session for the user, session can only be used once."),
        ("UserNotFoundException", "User does not exist."),
        ("InvalidParameterException", "Invalid challenge for the session."),
    ];
    let mut answers = vec![];
    for (code, message) in refusals {
        let rule = mock!(Client::admin_respond_to_auth_challenge).then_http_response(wire_error(code, message));
        let body = json!({"username": "jane", "session": "S".repeat(40), "challenge": "EMAIL_OTP", "code": "12345678"});
        let (status, body) = post(client(&[&rule]), "/auth/passwordless/code", body).await;
        answers.push((code, status, shape(body)));
    }
    assert_eq!((answers[0].1, answers[0].2["code"].as_str()), (400, Some("CODE_MISMATCH")));
    for answer in &answers {
        assert_eq!((answer.1, &answer.2), (answers[0].1, &answers[0].2), "{}", answer.0);
    }
}

#[tokio::test]
async fn every_refused_passkey_is_the_one_passkey_answer_and_a_broken_deployment_is_not_hidden() {
    let credential = json!({"id": "Y3JlZA", "rawId": "Y3JlZA", "type": "public-key", "response": {"clientDataJSON": "e30", "authenticatorData": "AA", "signature": "AA"}});
    let body = json!({"username": "jane", "session": "S".repeat(40), "credential": credential});
    let mut answers = vec![];
    for (code, message) in [
        ("NotAuthorizedException", "Incorrect username or password."),
        ("NotAuthorizedException", "Invalid session for the user."),
        ("UserNotFoundException", "User does not exist."),
        ("InvalidParameterException", "Invalid credential."),
    ] {
        let rule = mock!(Client::admin_respond_to_auth_challenge).then_http_response(wire_error(code, message));
        let (status, answer) = post(client(&[&rule]), "/auth/passwordless/passkey", body.clone()).await;
        answers.push((status, shape(answer)));
    }
    assert_eq!((answers[0].0, answers[0].1["code"].as_str()), (400, Some("PASSKEY_REFUSED")));
    assert!(answers.iter().all(|answer| answer == &answers[0]), "{answers:?}");
    let broken = mock!(Client::admin_respond_to_auth_challenge)
        .then_http_response(wire_error("NotAuthorizedException", "Unable to verify secret hash for client client"));
    let (status, answer) = post(client(&[&broken]), "/auth/passwordless/passkey", body).await;
    assert_eq!((status, answer["code"].as_str()), (500, Some("MISCONFIGURED")));
}

#[tokio::test]
async fn a_right_code_answers_tokens() {
    let rule = mock!(Client::admin_respond_to_auth_challenge).then_output(|| {
        AdminRespondToAuthChallengeOutput::builder()
            .authentication_result(
                aws_sdk_cognitoidentityprovider::types::AuthenticationResultType::builder()
                    .access_token("a.b.c")
                    .id_token("i.d.t")
                    .refresh_token("r".repeat(40))
                    .expires_in(3600)
                    .token_type("Bearer")
                    .build(),
            )
            .build()
    });
    let user =
        mock!(Client::admin_get_user).then_output(|| AdminGetUserOutput::builder().username("jane").build().unwrap());
    let body = json!({"username": "jane", "session": "S".repeat(40), "challenge": "SMS_OTP", "code": "123456"});
    let (status, body) = post(client(&[&rule, &user]), "/auth/passwordless/code", body).await;
    assert_eq!((status, body["result"].as_str()), (200, Some("tokens")), "{body}");
}
