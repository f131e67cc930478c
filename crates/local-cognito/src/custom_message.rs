//! The custom message trigger (developer guide, "Custom message Lambda trigger"):
//! before Cognito sends a code, an invitation or an MFA code, the trigger may
//! write the message. Its answer must keep the request's `codeParameter` (and,
//! for an invitation, `usernameParameter`), which Cognito then replaces with the
//! code and the username. An answer without them is not used: Cognito sends its
//! own message (the guide says the message "must include" the code; what Cognito
//! does otherwise is not documented: an assumption). A trigger that fails fails
//! the call, and the message is not sent (an assumption too; what the operation
//! changed stays, as with post confirmation).

use serde_json::{json, Value};

use crate::emulator::Emulator;
use crate::error::Result;
use crate::model::Message;
use crate::triggers::{event, invoke, url, user_attributes, Trigger};

const CODE_PARAMETER: &str = "{####}";
const USERNAME_PARAMETER: &str = "{username}";

/// The trigger source of a message an operation sends, if the trigger writes it.
fn source(operation: &str, message: &Message) -> Option<&'static str> {
    Some(match (message.kind.as_str(), operation) {
        ("sign_up", "ResendConfirmationCode") => "CustomMessage_ResendCode",
        ("sign_up", _) => "CustomMessage_SignUp",
        ("invitation", _) => "CustomMessage_AdminCreateUser",
        ("forgot_password", _) => "CustomMessage_ForgotPassword",
        ("attribute_verification", "GetUserAttributeVerificationCode") => "CustomMessage_VerifyUserAttribute",
        ("attribute_verification", _) => "CustomMessage_UpdateUserAttribute",
        // A passwordless sign-in code (USER_AUTH's EMAIL_OTP, SMS_OTP) as an MFA code: the
        // guide's table names MFA codes only (an assumption).
        ("mfa" | "otp", _) => "CustomMessage_Authentication",
        _ => return None,
    })
}

/// Lets the pool's custom message trigger write `message`, sent by `operation`.
pub async fn write(emulator: &Emulator, operation: &str, input: &Value, message: &mut Message) -> Result<()> {
    let Some(source) = source(operation, message) else { return Ok(()) };
    let invitation = source == "CustomMessage_AdminCreateUser";
    let prepared = emulator.read(|state| {
        let pool = state.pools.get(&message.user_pool_id)?;
        let url = url(pool, Trigger::CustomMessage)?;
        let user = pool.user(&message.username).ok()?;
        let request = json!({
            "userAttributes": user_attributes(user),
            "codeParameter": CODE_PARAMETER,
            "usernameParameter": if invitation { json!(USERNAME_PARAMETER) } else { Value::Null },
            "clientMetadata": input.get("ClientMetadata").filter(|m| m.is_object()).cloned().unwrap_or(json!({})),
        });
        Some((url, event(&pool.id, input["ClientId"].as_str(), &user.username, source, request)))
    });
    let Some((url, event)) = prepared else { return Ok(()) };
    let answer = invoke(Trigger::CustomMessage, &url, event).await?;
    let (body, subject) = match message.delivery_medium.as_str() {
        "EMAIL" => (answer["emailMessage"].as_str(), answer["emailSubject"].as_str()),
        _ => (answer["smsMessage"].as_str(), None),
    };
    let usable = |text: &str| text.contains(CODE_PARAMETER) && (!invitation || text.contains(USERNAME_PARAMETER));
    if let Some(body) = body.filter(|text| usable(text)) {
        let mut text = body.replace(CODE_PARAMETER, &message.code);
        if invitation {
            text = text.replace(USERNAME_PARAMETER, &message.username);
        }
        message.text = Some(text);
        message.subject = subject.filter(|s| !s.is_empty()).map(str::to_owned);
    }
    Ok(())
}
