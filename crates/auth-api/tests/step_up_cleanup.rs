//! Step-up's password check is a sign-in (AdminInitiateAuth): whatever it
//! mints is ended at once, so a proof leaves no usable session or device
//! behind. Cognito's answers are played by aws-smithy-mocks, which count the
//! calls (the local Cognito does not list an unconfirmed device, so this is
//! where the clean-up is seen).

use auth_api::app::{full_router, AppState};
use auth_api::config::Config;
use aws_sdk_cognitoidentityprovider::operation::admin_forget_device::AdminForgetDeviceOutput;
use aws_sdk_cognitoidentityprovider::operation::admin_initiate_auth::AdminInitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::associate_software_token::AssociateSoftwareTokenOutput;
use aws_sdk_cognitoidentityprovider::operation::get_user::GetUserOutput;
use aws_sdk_cognitoidentityprovider::operation::revoke_token::RevokeTokenOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthenticationResultType, NewDeviceMetadataType};
use aws_sdk_cognitoidentityprovider::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use axum::body::Body;
use http::Request;
use serde_json::json;
use tower::ServiceExt;

#[tokio::test]
async fn a_password_proof_revokes_the_tokens_and_forgets_the_device_it_minted() {
    // GIVEN Cognito answering the step-up's sign-in with tokens and a new device
    let user = mock!(Client::get_user)
        .then_output(|| GetUserOutput::builder().username("jane").set_user_attributes(Some(vec![])).build().unwrap());
    let sign_in = mock!(Client::admin_initiate_auth).then_output(|| {
        AdminInitiateAuthOutput::builder()
            .authentication_result(
                AuthenticationResultType::builder()
                    .access_token("minted-access")
                    .id_token("minted-id")
                    .refresh_token("minted-refresh")
                    .new_device_metadata(
                        NewDeviceMetadataType::builder().device_key("us-east-1_minted").device_group_key("g").build(),
                    )
                    .build(),
            )
            .build()
    });
    let revoke = mock!(Client::revoke_token)
        .match_requests(|request| request.token() == Some("minted-refresh"))
        .then_output(|| RevokeTokenOutput::builder().build());
    let forget = mock!(Client::admin_forget_device)
        .match_requests(|request| {
            request.device_key() == Some("us-east-1_minted") && request.username() == Some("jane")
        })
        .then_output(|| AdminForgetDeviceOutput::builder().build());
    let associate = mock!(Client::associate_software_token)
        .then_output(|| AssociateSoftwareTokenOutput::builder().secret_code("JBSWY3DPEHPK3PXP").build());
    let client = mock_client!(
        aws_sdk_cognitoidentityprovider,
        RuleMode::MatchAny,
        &[&user, &sign_in, &revoke, &forget, &associate]
    );
    let config = Config::from_lookup(|name| match name {
        "COGNITO_USER_POOL_ID" => Some("us-east-1_test".into()),
        "COGNITO_CLIENT_ID" => Some("client".into()),
        _ => None,
    })
    .unwrap();
    let app = full_router(AppState::new(config, client));
    // WHEN the user proves their password to start a TOTP set-up
    let request = Request::builder()
        .method("POST")
        .uri("/auth/me/mfa/totp")
        .header("authorization", "Bearer a.b.c")
        .header("content-type", "application/json")
        .body(Body::from(json!({"reauthentication": {"currentPassword": "Passw0rd-123"}}).to_string()))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    // THEN the set-up goes on, and the minted refresh token is revoked and the minted device forgotten
    assert_eq!(response.status(), 200);
    assert_eq!((sign_in.num_calls(), revoke.num_calls(), forget.num_calls()), (1, 1, 1));
}
