//! ContextData reaches Cognito on every challenge answer (MFA codes, new
//! password, MFA set-up, the device's SRP steps), not only at login, so
//! threat protection judges the real caller at each step. The local Cognito
//! does not record ContextData, so the calls are checked here, on the wire
//! requests the SDK builds, with aws-smithy-mocks.

use auth_api::app::{full_router, AppState};
use auth_api::config::{Config, Secret};
use auth_api::device_srp::DeviceId;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_respond_to_auth_challenge::{
    AdminRespondToAuthChallengeInput, AdminRespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::operation::verify_software_token::VerifySoftwareTokenOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthenticationResultType, ChallengeNameType};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;
use axum::body::Body;
use http::Request;
use serde_json::{json, Value};
use tower::ServiceExt;

const DEVICE_SECRET: &str = "test-device-secret";
const USER_AGENT: &str = "the-callers-app/1.0";

fn config() -> Config {
    Config::from_lookup(|name| match name {
        "COGNITO_USER_POOL_ID" => Some("us-east-1_test".into()),
        "COGNITO_CLIENT_ID" => Some("client".into()),
        "DEVICE_SECRET" => Some(DEVICE_SECRET.into()),
        _ => None,
    })
    .unwrap()
}

/// The request carries the caller's ContextData: its IP and its User-Agent.
fn has_context(input: &AdminRespondToAuthChallengeInput) -> bool {
    input.context_data().is_some_and(|context| {
        context.ip_address() == "127.0.0.1"
            && context.http_headers().iter().any(|h| h.header_value() == Some(USER_AGENT))
    })
}

fn tokens() -> AuthenticationResultType {
    AuthenticationResultType::builder()
        .access_token("a.b.c")
        .id_token("a.b.c")
        .refresh_token("r".repeat(40))
        .expires_in(3600)
        .token_type("Bearer")
        .build()
}

/// Answers tokens only to a challenge answer that carries ContextData.
fn answer_with_context() -> Rule {
    mock!(Client::admin_respond_to_auth_challenge)
        .match_requests(has_context)
        .then_output(|| AdminRespondToAuthChallengeOutput::builder().authentication_result(tokens()).build())
}

fn client(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, rules, |conf| conf
        .retry_config(aws_sdk_cognitoidentityprovider::config::retry::RetryConfig::disabled()))
}

async fn post(client: Client, route: &str, body: Value) -> u16 {
    let request = Request::builder()
        .method("POST")
        .uri(route)
        .header("content-type", "application/json")
        .header("user-agent", USER_AGENT)
        .body(Body::from(body.to_string()))
        .unwrap();
    full_router(AppState::new(config(), client)).oneshot(request).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn mfa_and_new_password_answers_carry_context_data() {
    let session = "s".repeat(30);
    let cases = [
        ("/auth/mfa", json!({"username": "jane", "session": session, "challenge": "SMS_MFA", "code": "123456"})),
        ("/auth/new-password", json!({"username": "jane", "session": session, "newPassword": "Passw0rd-123!"})),
    ];
    // The per-user count of wrong MFA codes (code_limit), read after an MFA answer: none.
    let no_failures =
        mock!(Client::admin_get_user).then_output(|| AdminGetUserOutput::builder().username("jane").build().unwrap());
    for (route, body) in cases {
        // GIVEN a Cognito that answers only a challenge answer with ContextData
        let answer = answer_with_context();
        // WHEN the route is called THEN the answer carried it, and the sign-in finished
        assert_eq!(post(client(&[&answer, &no_failures]), route, body).await, 200, "{route}");
        assert_eq!(answer.num_calls(), 1, "{route}");
    }
}

#[tokio::test]
async fn the_mfa_set_up_answer_carries_context_data() {
    let verified = mock!(Client::verify_software_token)
        .then_output(|| VerifySoftwareTokenOutput::builder().session("t".repeat(30)).build());
    let answer = answer_with_context();
    let body = json!({"username": "jane", "session": "s".repeat(30), "code": "123456"});
    assert_eq!(post(client(&[&verified, &answer]), "/auth/mfa/setup/verify", body).await, 200);
    assert_eq!(answer.num_calls(), 1);
}

#[tokio::test]
async fn the_devices_srp_step_carries_context_data() {
    // GIVEN a remembered device, which Cognito asks to prove itself, then says it no longer knows
    let handle = DeviceId::new("us-east-1_0f5b6c1e-0d2a-4a8e-9b1f-3c7d8e9f0a1b", "-AbCdEfGh1")
        .handle(&Secret::new(DEVICE_SECRET));
    let with_device = mock!(Client::admin_initiate_auth)
        .match_requests(|input| input.auth_parameters().is_some_and(|p| p.contains_key("DEVICE_KEY")))
        .then_output(|| {
            AdminInitiateAuthOutput::builder()
                .challenge_name(ChallengeNameType::DeviceSrpAuth)
                .session("s".repeat(30))
                .challenge_parameters("USERNAME", "jane")
                .build()
        });
    let without_device = mock!(Client::admin_initiate_auth)
        .then_output(|| AdminInitiateAuthOutput::builder().authentication_result(tokens()).build());
    let device_step = mock!(Client::admin_respond_to_auth_challenge)
        .match_requests(|input| input.challenge_name() == Some(&ChallengeNameType::DeviceSrpAuth) && has_context(input))
        .then_http_response(|| {
            let body = json!({"__type": "ResourceNotFoundException", "message": "Device does not exist."}).to_string();
            HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body))
        });
    let client = client(&[&with_device, &without_device, &device_step]);
    // WHEN the user signs in with it
    let body = json!({"username": "jane", "password": "Passw0rd-123!", "deviceKey": handle});
    let status = post(client, "/auth/login", body).await;
    // THEN the device step carried ContextData, and the sign-in went on without the device
    assert_eq!(device_step.num_calls(), 1);
    assert_eq!((with_device.num_calls(), without_device.num_calls(), status), (1, 1, 200));
}
