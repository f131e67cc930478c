//! The answer when a code was (or may have been) sent: 202 with where it went, as far
//! as it is safe to say, and the same for every username. Sign-up's resend and the
//! password reset send one to a username; the email change to the caller's address.

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use axum::Json;
use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::body::{check, Validate};
use crate::cognito_error::{from_sdk, is_trigger_fault, wrong_or_expired_code, CognitoCall};
use crate::error::{ApiError, ErrorCode};

/// Where a code went, as far as it is safe to say: the masked destination
/// would tell a real account from an unknown one, so it is left out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeSent {
    pub delivery_medium: &'static str,
    pub attribute_name: &'static str,
}

pub const EMAILED: CodeSent = CodeSent { delivery_medium: "EMAIL", attribute_name: "email" };

/// `{"codeDelivery": ...}`: a struct, so that its fields come out in one order
/// whatever serde_json's features (a `json!` map is sorted, or not, by feature).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeSentAnswer {
    pub code_delivery: CodeSent,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UsernameRequest {
    pub username: String,
}

impl Validate for UsernameRequest {
    fn validate(&self) -> Result<(), ApiError> {
        check::username("username", &self.username)
    }
}

/// 202 with the same body whoever the username names: the errors listed, and
/// what only a real user meets (a send limit, a disabled account, the custom-message
/// trigger's fault), answer alike.
pub fn sent_alike<T, E: ProvideErrorMetadata>(
    sent: Result<T, SdkError<E, HttpResponse>>,
    about_the_user: &[ErrorCode],
) -> Result<(StatusCode, Json<CodeSentAnswer>), ApiError> {
    if let Err(error) = sent {
        // Only a real user's code runs the custom-message trigger: its fault as a 500 would
        // tell a stranger who exists. The operator sees it in the log (and its alarms).
        let trigger_fault = error.code().is_some_and(is_trigger_fault);
        let mapped = from_sdk(error, CognitoCall::PublicCode);
        if trigger_fault {
            tracing::error!(code = mapped.code.as_str(), "a trigger failed while a code was sent; answered as sent");
        } else if mapped != wrong_or_expired_code() && !about_the_user.contains(&mapped.code) {
            return Err(mapped);
        }
    }
    Ok((StatusCode::ACCEPTED, Json(CodeSentAnswer { code_delivery: EMAILED })))
}
