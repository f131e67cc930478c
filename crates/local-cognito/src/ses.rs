//! A stand-in for the one Amazon SES v2 operation the API calls, SendEmail
//! (`POST /v2/email/outbound-emails`, simple content), so that the notices
//! the API sends (an email change, to the old address) land in the same
//! outbox as Cognito's messages, of kind `notice`. Point the SDK at it with
//! `AWS_ENDPOINT_URL_SESV2`. Errors are SES's: 400 `BadRequestException`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::emulator::Emulator;
use crate::model::Message;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendEmail {
    from_email_address: Option<String>,
    destination: Option<Destination>,
    content: Option<Content>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Destination {
    #[serde(default)]
    to_addresses: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Content {
    simple: Option<Simple>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Simple {
    subject: Text,
    body: Body,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Body {
    text: Option<Text>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Text {
    data: String,
}

/// POST /v2/email/outbound-emails
pub async fn send_email(State(emulator): State<Emulator>, Json(request): Json<SendEmail>) -> Response {
    if request.from_email_address.as_deref().is_none_or(str::is_empty) {
        return bad_request("FromEmailAddress is required.");
    }
    let to = request.destination.map(|d| d.to_addresses).unwrap_or_default();
    if to.is_empty() {
        return bad_request("Destination must have at least one address.");
    }
    let Some(simple) = request.content.and_then(|c| c.simple) else {
        return bad_request("Only Simple content is emulated.");
    };
    let text = simple.body.text.map(|t| t.data);
    emulator.with_state(|ctx| {
        for destination in &to {
            ctx.send(Message {
                destination: destination.clone(),
                delivery_medium: "EMAIL".into(),
                kind: "notice".into(),
                at: ctx.now,
                subject: Some(simple.subject.data.clone()),
                text: text.clone(),
                ..Message::default()
            });
        }
    });
    Json(json!({"MessageId": uuid::Uuid::new_v4().to_string()})).into_response()
}

fn bad_request(message: &str) -> Response {
    let mut response = (StatusCode::BAD_REQUEST, Json(json!({"message": message}))).into_response();
    response.headers_mut().insert("x-amzn-errortype", axum::http::HeaderValue::from_static("BadRequestException"));
    response
}
